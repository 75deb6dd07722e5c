"""Byte-pair encoding (BPE), learned from word counts.

Introduced in notebooks/11_subwords.ipynb.

BPE starts from words spelled one character at a time and repeatedly joins the pair of adjacent
symbols that occurs most often in the corpus into a new symbol; the list of joins ("merges"), in
the order they were learned, is the tokenizer. Frequent words end up as one piece, frequent stems
and endings ("▁habl", "aremos") as pieces of their own, and a word never seen in training is still
spelled with learned pieces, down to single characters: there is no unknown token.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from seq2seq_helpers.text import tokenize

WORD_START = "\u2581"  # "▁", SentencePiece's marker for "a word starts here"
Pair = tuple[str, str]
Vocabulary = dict[tuple[str, ...], int]
_HAS_WORD_CHARACTER = re.compile(r"\w")


def word_counts(sentences: Iterable[str]) -> Counter:
    """How often each word occurs, words as ``text.tokenize`` makes them (lowercased); tokens
    without a letter, digit or underscore (punctuation such as "¿" or ".") are dropped."""
    if isinstance(sentences, str):
        raise ValueError("word_counts expects a list of sentences, not one string: wrap it, [s].")
    return Counter(
        token
        for sentence in sentences
        for token in tokenize(sentence)
        if _HAS_WORD_CHARACTER.search(token)
    )


def spell(word: str) -> tuple[str, ...]:
    """The word-start marker, then one symbol per character: "hablo" → ("▁", "h", "a", "b", ...)."""
    if not isinstance(word, str) or not word or any(ch.isspace() for ch in word):
        raise ValueError(
            f"spell expects one word, a non-empty string without spaces; got {word!r}."
        )
    return (WORD_START, *word)


def initial_vocabulary(counts: Mapping[str, int]) -> Vocabulary:
    """Each word of ``counts`` (word → count, as from ``word_counts``) spelled, with its count."""
    if not isinstance(counts, Mapping):
        raise ValueError(
            f"expected word counts (a dict word → count), got {type(counts).__name__}."
        )
    for word, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"the count of {word!r} must be a positive integer, got {count!r}.")
    return {spell(word): count for word, count in counts.items()}


def _check_vocabulary(vocabulary) -> None:
    if not isinstance(vocabulary, Mapping) or not all(isinstance(k, tuple) for k in vocabulary):
        raise ValueError(
            "expected a vocabulary, a dict spelled word → count with tuples of symbols as keys "
            f"(as from initial_vocabulary); got {str(vocabulary)[:60]}."
        )


def pair_counts(vocabulary: Mapping[tuple[str, ...], int]) -> Counter:
    """Every adjacent symbol pair in every word, counted as often as the word occurs."""
    _check_vocabulary(vocabulary)
    pairs = Counter()
    for symbols, count in vocabulary.items():
        for pair in zip(symbols, symbols[1:]):
            pairs[pair] += count
    return pairs


def _check_pair(pair) -> Pair:
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(isinstance(symbol, str) and symbol for symbol in pair)
    ):
        raise ValueError(f"a pair is two non-empty strings, e.g. ('l', 'o'); got {pair!r}.")
    return tuple(pair)


def _merge_symbols(symbols: tuple[str, ...], pair: Pair) -> tuple[str, ...]:
    merged, i = [], 0
    while i < len(symbols):
        if symbols[i : i + 2] == pair:
            merged.append(pair[0] + pair[1])
            i += 2  # non-overlapping: "a a a" → "aa a"
        else:
            merged.append(symbols[i])
            i += 1
    return tuple(merged)


def merge_pair(vocabulary: Mapping[tuple[str, ...], int], pair: Pair) -> Vocabulary:
    """A new vocabulary where, in every word, each occurrence of ``pair`` (scanning left to right,
    never overlapping) is one joined symbol. The input is not changed; if two words become the
    same symbols, their counts are added."""
    _check_vocabulary(vocabulary)
    pair = _check_pair(pair)
    merged = {}
    for symbols, count in vocabulary.items():
        new = _merge_symbols(tuple(symbols), pair)
        merged[new] = merged.get(new, 0) + count
    return merged


def best_pair(counts: Mapping[Pair, int]) -> Pair | None:
    """The most frequent pair; among equally frequent pairs, the one that sorts first (as Python
    sorts tuples of strings: by code point, so ("a", "b") < ("a", "c") < ("▁", "a")). None when
    there is no pair left."""
    candidates = [(-count, pair) for pair, count in counts.items() if count > 0]
    return min(candidates)[1] if candidates else None


def learn_merges(
    counts: Mapping[str, int],
    num_merges: int,
    merge: Callable[[Vocabulary, Pair], Vocabulary] = merge_pair,
) -> list[Pair]:
    """Learn up to ``num_merges`` merges from word counts: take the best pair, merge it
    everywhere, repeat. Fewer merges come back when every word is already one symbol."""
    if isinstance(num_merges, bool) or not isinstance(num_merges, int) or num_merges < 0:
        raise ValueError(f"num_merges must be a non-negative integer, got {num_merges!r}.")
    if not callable(merge):
        raise ValueError(f"merge must be a function (vocabulary, pair) → vocabulary: {merge!r}.")
    vocabulary = initial_vocabulary(counts)
    merges = []
    for _ in range(num_merges):
        pair = best_pair(pair_counts(vocabulary))
        if pair is None:
            break
        merges.append(pair)
        vocabulary = merge(vocabulary, pair)
    return merges


def segment(word: str, merges: Iterable[Pair]) -> list[str]:
    """Split a word into learned pieces by applying ``merges`` in the order they were learned.
    Case is kept (``word_counts`` lowercases, so lowercase a word first to match its pieces);
    a character never seen in training stays a piece of its own."""
    symbols = spell(word)
    for pair in merges:
        symbols = _merge_symbols(symbols, _check_pair(pair))
    return list(symbols)
