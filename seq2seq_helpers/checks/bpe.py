"""Check for notebook 11's byte-pair encoding exercise: the learner's merge step, run inside
``bpe.learn_merges`` on a tiny corpus, must give the reference vocabulary after every merge, and so
learn the reference merges. Names the first merge that goes wrong and the usual mistake behind it."""

from __future__ import annotations

from typing import Callable

from seq2seq_helpers import bpe
from seq2seq_helpers.checks.feedback import Feedback, report, unanswered

# A dozen words chosen so that the first 15 merges meet: ties broken by sort order (merge 3 picks
# one of three pairs seen 9 times, merge 7 one of three seen 6 times), pairs with the word start
# "▁" (merges 5 and 6), a pair twice in one word ("jajaja" at 2, "casas" at 7), a pair that
# overlaps itself ("▁ ja ja ja" at 8) and the text of a pair across a longer symbol ("▁ ja s"
# holds "a s" but not the pair ('a', 's'), at 7). tests/test_bpe.py checks these claims.
CORPUS = {
    "jajaja": 3, "hablo": 4, "habla": 3, "hablas": 2, "casas": 2, "cosas": 2,
    "ojo": 1, "la": 5, "las": 3, "jas": 1, "lo": 2, "sol": 1,
}  # fmt: skip
NUM_MERGES = 15
# Two entries that become the same symbols when ('a', 'b') is merged: their counts must add up.
COLLIDING, COLLIDING_PAIR = {("ab", "c"): 2, ("a", "b", "c"): 3}, ("a", "b")
NAME = "my_merge_pair"


class _WrongStep(Exception):
    """Stops learn_merges at a step whose result cannot be used, carrying the feedback."""

    def __init__(self, feedback: Feedback) -> None:
        self.feedback = feedback


def _show(symbols) -> str:
    return "(" + ", ".join(repr(symbol) for symbol in symbols) + ")"


def _reference(symbols, pair):
    return next(iter(bpe.merge_pair({symbols: 1}, pair)))


def _first_only(symbols, pair):
    """A typical mistake: only the first occurrence of the pair in a word is joined."""
    for i in range(len(symbols) - 1):
        if symbols[i : i + 2] == pair:
            return (*symbols[:i], pair[0] + pair[1], *symbols[i + 2 :])
    return symbols


def _no_skip(symbols, pair):
    """A typical mistake: after joining a pair, the scan moves on by one symbol, not two."""
    pairs = list(zip(symbols, symbols[1:])) + [None]
    return tuple(pair[0] + pair[1] if p == pair else s for s, p in zip(symbols, pairs))


def _by_replace(symbols, pair):
    """A typical mistake: 'a b' replaced by 'ab' in the word's symbols joined with spaces."""
    text = " ".join(symbols).replace(f"{pair[0]} {pair[1]}", pair[0] + pair[1])
    return tuple(text.split(" "))


def _result_problem(result) -> str | None:
    """What makes a step's result unusable as a vocabulary, or None."""
    if isinstance(result, list):
        return "it returns a list: return a dict, spelled word → count, like the one it is given."
    if not isinstance(result, dict):
        return f"it returns a {type(result).__name__}: return a dict, spelled word → count."
    for key in result:
        if not isinstance(key, tuple):
            return f"its keys must stay tuples of symbols, but one is {key!r}."
        if not all(isinstance(symbol, str) for symbol in key):
            return f"a joined symbol is a tuple, in {key!r}: join the two strings into one."
    return None


def _separator(pair, got) -> str | None:
    """The text put between the pair's two symbols when joining them, if any."""
    for symbol in {symbol for key in got for symbol in key}:
        if symbol.startswith(pair[0]) and symbol.endswith(pair[1]):
            between = symbol[len(pair[0]) : len(symbol) - len(pair[1])]
            if between and not any(ch.isalnum() for ch in between):
                return f"it joined the pair with {between!r} between, into {symbol!r}"
    return None


def _diagnose(before, pair, got) -> str:
    """What is wrong with one step's result ``got`` (a dict of tuples, not the reference's)."""
    separator = _separator(pair, got)
    if separator:
        return f"{separator}: join with nothing between, so the pieces of a word spell the word."
    if got == before:
        return "the vocabulary comes back unchanged: join the pair in every word that has it."
    if got == {_no_skip(key, pair): count for key, count in before.items()}:
        key = next(key for key in before if _no_skip(key, pair) != key)
        return (
            f"{_show(key)} became {_show(_no_skip(key, pair))}: after joining two symbols, move "
            "past both, so that the second one is not kept as well."
        )
    words = {"".join(key): (key, count) for key, count in before.items()}
    spelled = {}  # word -> (symbols, count) in the learner's result
    for key, count in got.items():
        word = "".join(key)
        if word not in words:
            return f"{_show(key)} does not spell any word of the vocabulary it was given."
        if word in spelled:
            return (
                f"{word!r} appears twice, as {_show(spelled[word][0])} and {_show(key)}: put "
                "each word in the new vocabulary once, with its new spelling only."
            )
        spelled[word] = key, count
    missing = [word for word in words if word not in spelled]
    if missing:
        without = {w for w, (key, _) in words.items() if _reference(key, pair) == key}
        which = "the words without the pair" if set(missing) == without else "words"
        return f"it drops {which}, such as {missing[0]!r}: keep every word, changed or not."
    for word, (key, count) in words.items():
        if spelled[word][1] != count:
            return (
                f"the count of {word!r} went from {count} to {spelled[word][1]}: a merge "
                "changes how words are spelled, never how often they occur."
            )
    wrong = [key for word, (key, _) in words.items() if spelled[word][0] != _reference(key, pair)]
    key, want = wrong[0], _reference(wrong[0], pair)
    example = (
        f"{_show(key)} should become {_show(want)}"
        if want != key
        else f"{_show(key)} has no pair {pair!r} and should stay as it is"
    ) + f", your step gave {_show(spelled[''.join(key)][0])}"
    if all(spelled["".join(key)][0] == _first_only(key, pair) for key in wrong):
        return f"it joins only the first occurrence in a word: {example}. Join every occurrence."
    if pair[0] == pair[1] and all(
        any(key[i : i + 3] == pair + pair[:1] for i in range(len(key))) for key in wrong
    ):
        return (
            f"occurrences that overlap are joined wrongly: {example}. Scan left to right; once "
            "two symbols are joined, the second one cannot start another pair."
        )
    if all(spelled["".join(key)][0] == _by_replace(key, pair) for key in wrong):
        return (
            f"{example}: replacing the text {pair[0] + ' ' + pair[1]!r} also matches inside a "
            "longer symbol. Compare whole symbols."
        )
    return f"{example}."


def _merge_text(pair) -> str:
    return f"{pair!r} → {pair[0] + pair[1]!r}"


def _first_difference(merges, expected) -> str:
    """A sentence naming the first merge that the learner's step changes."""
    for number, (got, want) in enumerate(zip(merges, expected), start=1):
        if got != want:
            return (
                f" With your step, merge {number} is {_merge_text(got)} instead of "
                f"{_merge_text(want)}."
            )
    if len(merges) != len(expected):
        return f" With your step, {len(merges)} merges are learned instead of {len(expected)}."
    return " The merges learned here still match, but the vocabularies after them do not."


def check_merge_step(merge_pair_fn: Callable | None) -> Feedback:
    """Check ``merge_pair_fn(vocabulary, pair) -> new vocabulary``: run ``bpe.learn_merges`` on
    a tiny corpus with it as the merge step and compare every step with ``bpe.merge_pair``."""
    if merge_pair_fn is None:
        return unanswered(f"write {NAME} and pass the function itself.")
    if not callable(merge_pair_fn):
        return report(False, f"pass the function itself, {NAME}, not {merge_pair_fn!r}.")
    pairs_given = []
    first_wrong = []  # what is wrong with the first step whose result is not the reference's

    def step(vocabulary, pair):
        pairs_given.append(pair)
        where = f"merge {len(pairs_given)}, {_merge_text(pair)}"
        before = dict(vocabulary)
        try:
            got = merge_pair_fn(vocabulary, pair)
        except NotImplementedError:
            raise _WrongStep(unanswered(f"{NAME} raises NotImplementedError: write its body."))
        except Exception as error:  # the learner's code: report it in words
            message = f"at {where}, {NAME} raised {type(error).__name__}: {error}"
            raise _WrongStep(report(False, message[:400])) from error
        if got is None:
            raise _WrongStep(unanswered(f"{NAME} returns None: return the new vocabulary."))
        if vocabulary != before:
            raise _WrongStep(
                report(
                    False,
                    f"at {where}, {NAME} changed the vocabulary it was given: build a new dict "
                    "and leave the old one as it was (the caller may still need it).",
                )
            )
        problem = _result_problem(got)
        if problem:
            raise _WrongStep(report(False, f"at {where}, {problem}"))
        if not first_wrong and got != bpe.merge_pair(before, pair):
            first_wrong.append(f"{where}: {_diagnose(before, pair, got)}")
        return got

    expected = bpe.learn_merges(CORPUS, NUM_MERGES)
    try:
        merges = bpe.learn_merges(CORPUS, NUM_MERGES, merge=step)
    except _WrongStep as stop:
        return stop.feedback
    except Exception:  # a wrong step's vocabulary broke the loop further on
        if not first_wrong:
            raise
        return report(False, first_wrong[0])
    if first_wrong:
        return report(False, first_wrong[0] + _first_difference(merges, expected))
    try:
        merged = merge_pair_fn(dict(COLLIDING), COLLIDING_PAIR)
    except Exception as error:  # the learner's code: report it in words
        merged = f"an error, {type(error).__name__}: {error}"
    want = bpe.merge_pair(COLLIDING, COLLIDING_PAIR)
    if merged != want:
        return report(
            False,
            f"all {NUM_MERGES} merges match, but when two entries become the same symbols, "
            f"their counts must add up: {COLLIDING} merged with {COLLIDING_PAIR} should give "
            f"{want}, your step gave {merged!r}."[:500],
        )
    return report(
        True,
        f"with your step, learn_merges learns the same {NUM_MERGES} merges as the reference, "
        f"from {_merge_text(expected[0])} to {_merge_text(expected[-1])}, and after each one "
        "the vocabulary is the reference's: every occurrence joined, left to right without "
        "overlaps, every word and count kept, the input left unchanged.",
    )
