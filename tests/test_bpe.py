"""Byte-pair encoding (seq2seq_helpers/bpe.py) on examples worked out by hand, and the check of
notebook 11's merge-step exercise (seq2seq_helpers/checks/bpe.py) on right answers and on each
typical mistake."""

import re
from collections import Counter

import pytest

from seq2seq_helpers import bpe
from seq2seq_helpers.checks import check_merge_step
from seq2seq_helpers.checks.bpe import COLLIDING, COLLIDING_PAIR, CORPUS, NUM_MERGES

# Worked by hand. Spelled: ▁ l a l a (2), ▁ l a (3), ▁ a l (1).
# 1. (l, a): 2 + 2 + 3 = 7 beats (▁, l) 5 and (a, l) 3      → ▁ la la, ▁ la, ▁ a l
# 2. (▁, la): 5                                             → ▁la la, ▁la, ▁ a l
# 3. (▁la, la): 2                                           → ▁lala, ▁la, ▁ a l
# 4. (a, l) and (▁, a) tie at 1: "a" sorts before "▁"       → ▁ al
# 5. (▁, al): 1                                             → ▁al; no pair is left.
HAND_COUNTS = {"lala": 2, "la": 3, "al": 1}
HAND_MERGES = [("l", "a"), ("▁", "la"), ("▁la", "la"), ("a", "l"), ("▁", "al")]


def test_words_are_spelled_with_the_word_start_marker_and_counted():
    assert bpe.spell("hablo") == ("▁", "h", "a", "b", "l", "o")
    counts = bpe.word_counts(["¿Hablas español?", "Sí, hablo español.", "¡Don't!"])
    assert counts == Counter({"español": 2, "hablas": 1, "sí": 1, "hablo": 1, "don't": 1})
    vocabulary = bpe.initial_vocabulary({"la": 2, "sol": 1})
    assert vocabulary == {("▁", "l", "a"): 2, ("▁", "s", "o", "l"): 1}
    assert bpe.pair_counts(vocabulary) == Counter(
        {("▁", "l"): 2, ("l", "a"): 2, ("▁", "s"): 1, ("s", "o"): 1, ("o", "l"): 1}
    )


def test_learn_merges_gives_the_merges_worked_out_by_hand_and_stops_when_no_pair_is_left():
    assert bpe.learn_merges(HAND_COUNTS, 3) == HAND_MERGES[:3]
    assert bpe.learn_merges(HAND_COUNTS, 10) == HAND_MERGES  # 5: every word is one symbol
    assert bpe.learn_merges(HAND_COUNTS, 0) == []
    calls = []
    bpe.learn_merges(HAND_COUNTS, 2, merge=lambda v, p: calls.append(p) or bpe.merge_pair(v, p))
    assert calls == HAND_MERGES[:2]


def test_ties_go_to_the_pair_that_sorts_first():
    counts = Counter({("▁", "a"): 2, ("b", "a"): 2, ("a", "c"): 2, ("a", "b"): 1})
    assert bpe.best_pair(counts) == ("a", "c")
    assert bpe.best_pair(Counter()) is None
    assert bpe.best_pair(Counter({("a", "b"): 0})) is None


def test_merge_pair_joins_left_to_right_without_overlap_and_leaves_its_input_alone():
    vocabulary = {("a", "a", "a"): 1, ("a", "a", "a", "a"): 2, ("▁", "b"): 4}
    copy = dict(vocabulary)
    merged = bpe.merge_pair(vocabulary, ("a", "a"))
    assert merged == {("aa", "a"): 1, ("aa", "aa"): 2, ("▁", "b"): 4}
    assert vocabulary == copy
    assert bpe.merge_pair(COLLIDING, COLLIDING_PAIR) == {("ab", "c"): 5}  # counts add up


def test_segment_spells_unseen_words_and_names_with_learned_pieces():
    assert bpe.segment("lalala", HAND_MERGES) == ["▁lala", "la"]
    assert bpe.segment("ala", HAND_MERGES) == ["▁", "a", "la"]  # (l, a) was learned before (a, l)
    assert bpe.segment("Alma", HAND_MERGES) == ["▁", "A", "l", "m", "a"]  # no unknown token
    verbs = {"hablo": 4, "hablé": 3, "cantaremos": 3, "tomaremos": 3, "bailaremos": 3, "ana": 1}
    merges = bpe.learn_merges(verbs, 10)
    assert bpe.segment("hablaremos", merges) == ["▁habl", "aremos"]
    assert len(bpe.learn_merges(verbs, 100)) == 27  # fewer: every word is one symbol by then


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: bpe.learn_merges(HAND_COUNTS, -1), "non-negative integer"),
        (lambda: bpe.learn_merges(HAND_COUNTS, 2.0), "non-negative integer"),
        (lambda: bpe.learn_merges(HAND_COUNTS, True), "non-negative integer"),
        (lambda: bpe.learn_merges(HAND_COUNTS, 2, merge="merge_pair"), "must be a function"),
        (lambda: bpe.learn_merges({"la": 0}, 2), "positive integer"),
        (lambda: bpe.learn_merges(["la"], 2), "word counts"),
        (lambda: bpe.merge_pair({}, ("a",)), "two non-empty strings"),
        (lambda: bpe.merge_pair({}, "ab"), "two non-empty strings"),
        (lambda: bpe.merge_pair({}, ("a", 1)), "two non-empty strings"),
        (lambda: bpe.segment("dos palabras", HAND_MERGES), "one word"),
        (lambda: bpe.segment("", HAND_MERGES), "one word"),
        (lambda: bpe.word_counts("una frase"), "not one string"),
        (lambda: bpe.pair_counts([("a", "b")]), "expected a vocabulary"),
        (lambda: bpe.merge_pair({"la": 2}, ("l", "a")), "tuples of symbols as keys"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the check of the exercise ----------------------------------------------------------------


def test_the_checks_corpus_meets_ties_word_starts_and_overlaps():
    merges = bpe.learn_merges(CORPUS, NUM_MERGES)
    assert merges[4:6] == [("▁", "hab"), ("▁", "la")] and merges[7] == ("ja", "ja")
    vocabulary, ties = bpe.initial_vocabulary(CORPUS), []
    for number, pair in enumerate(merges, start=1):
        counts = bpe.pair_counts(vocabulary)
        if list(counts.values()).count(counts[pair]) > 1:
            ties.append(number)
        vocabulary = bpe.merge_pair(vocabulary, pair)
    assert {3, 7} <= set(ties)
    assert ("▁", "ja", "s") in vocabulary  # "a s" as text, but not the pair ('a', 's')


def merge_by_regex(vocabulary, pair):
    """A correct step written differently: whole symbols matched in the spaced-out word."""
    pattern = re.compile(r"(?<!\S)" + re.escape(f"{pair[0]} {pair[1]}") + r"(?!\S)")
    merged = Counter()
    for symbols, count in vocabulary.items():
        merged[tuple(pattern.sub(pair[0] + pair[1], " ".join(symbols)).split(" "))] += count
    return merged


def each_word(rewrite, add_counts=True):
    """A merge step that rewrites every word with ``rewrite(symbols, pair)``."""

    def merge(vocabulary, pair):
        merged = {}
        for symbols, count in vocabulary.items():
            key = rewrite(symbols, pair)
            merged[key] = merged.get(key, 0) + count if add_counts else count
        return merged

    return merge


def scan(symbols, pair, step_after_join=2, first_only=False, right_to_left=False, separator=""):
    """One word merged by a scan; the arguments make it wrong in one way each."""
    symbols = list(reversed(symbols)) if right_to_left else list(symbols)
    wanted = tuple(reversed(pair)) if right_to_left else pair
    out, i, joined = [], 0, 0
    while i < len(symbols):
        if tuple(symbols[i : i + 2]) == wanted and not (first_only and joined):
            out.append(pair[0] + separator + pair[1])
            i, joined = i + step_after_join, joined + 1
        else:
            out.append(symbols[i])
            i += 1
    return tuple(reversed(out)) if right_to_left else tuple(out)


def spaced_replace(symbols, pair):
    """The word's symbols joined with spaces, and "a b" replaced by "ab" in that text."""
    text = " ".join(symbols).replace(f"{pair[0]} {pair[1]}", pair[0] + pair[1])
    return tuple(text.split(" "))


def mutating(vocabulary, pair):
    merged = bpe.merge_pair(vocabulary, pair)
    vocabulary.clear()
    vocabulary.update(merged)
    return vocabulary


def test_the_check_accepts_the_reference_and_differently_written_right_steps():
    assert check_merge_step(bpe.merge_pair)
    assert check_merge_step(merge_by_regex)
    assert check_merge_step(each_word(scan))


def not_implemented(vocabulary, pair):
    raise NotImplementedError


MISTAKES = {
    "merge 8, ('ja', 'ja') → 'jaja': occurrences that overlap": each_word(
        lambda s, p: scan(s, p, right_to_left=True)
    ),
    "move past both": each_word(lambda s, p: scan(s, p, step_after_join=1)),
    "merge 2, ('j', 'a') → 'ja': it joins only the first occurrence": each_word(
        lambda s, p: scan(s, p, first_only=True)
    ),
    "merge 7, ('a', 's') → 'as': ('▁hab', 'la', 's') has no pair": each_word(spaced_replace),
    "changed the vocabulary it was given": mutating,
    "appears twice": lambda v, p: {**v, **bpe.merge_pair(v, p)},
    "drops the words without the pair": lambda v, p: {
        k: c for k, c in bpe.merge_pair(v, p).items() if k not in v
    },
    "went from 3 to 1": lambda v, p: dict.fromkeys(bpe.merge_pair(v, p), 1),
    "their counts must add up": each_word(scan, add_counts=False),
    "returns a list": lambda v, p: list(bpe.merge_pair(v, p).items()),
    "with ' ' between, into 'l a'": each_word(lambda s, p: scan(s, p, separator=" ")),
    "with '-' between, into 'l-a'": each_word(lambda s, p: scan(s, p, separator="-")),
    "keys must stay tuples": lambda v, p: {" ".join(k): c for k, c in bpe.merge_pair(v, p).items()},
    "comes back unchanged": lambda v, p: dict(v),
    "pass the function itself, my_merge_pair, not {}": {},
    "raised ZeroDivisionError": lambda v, p: 1 / 0,
    "Not answered yet: write my_merge_pair": None,
    "Not answered yet: my_merge_pair returns None": lambda v, p: None,
    "Not answered yet: my_merge_pair raises NotImplementedError": not_implemented,
}


@pytest.mark.parametrize("expected", MISTAKES)
def test_the_check_names_each_typical_mistake(expected):
    feedback = check_merge_step(MISTAKES[expected])
    assert not feedback and expected in str(feedback), str(feedback)


def test_the_check_names_the_first_merge_that_comes_out_different():
    feedback = str(check_merge_step(each_word(lambda s, p: scan(s, p, first_only=True))))
    assert "With your step, merge 8 is ('j', 'a') → 'ja' instead of ('ja', 'ja') → 'jaja'" in (
        feedback
    )
