"""Honest numbers: accuracy on real tokens only, and exact-match translation rates.

Introduced in notebooks/04_build_compile_fit.ipynb (padding and accuracy) and
notebooks/05_inference_and_decoding.ipynb (exact match).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from seq2seq_helpers.text import UNKNOWN_TOKEN, tokenize


def token_accuracies(predictions: np.ndarray, targets: np.ndarray) -> tuple[float, float]:
    """Compare next-word predictions with one-hot targets, both (sentences, time, vocabulary).

    Returns ``(keras_style, real_tokens_only)``:

    - ``keras_style`` counts every position, like Keras' ``accuracy`` metric does here: on a
      padding position the all-zero target's argmax is column 0, so padding is scored too;
    - ``real_tokens_only`` counts only positions whose target is a real token.
    """
    if predictions.shape != targets.shape:
        raise ValueError(f"shapes differ: predictions {predictions.shape}, targets {targets.shape}")
    hits = predictions.argmax(axis=-1) == targets.argmax(axis=-1)
    real = targets.any(axis=-1)
    if not real.any():
        raise ValueError("targets contain no real token (all rows are padding).")
    return float(hits.mean()), float(hits[real].mean())


def exact_match_rate(outputs: Sequence[str], references: Sequence[str]) -> float:
    """Share of outputs whose tokens equal the reference's tokens (case and spacing ignored)."""
    if len(outputs) != len(references):
        raise ValueError(f"{len(outputs)} outputs but {len(references)} references.")
    if not outputs:
        raise ValueError("exact_match_rate needs at least one output.")
    return sum(tokenize(o) == tokenize(r) for o, r in zip(outputs, references)) / len(outputs)


def translation_scores(outputs: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Corpus BLEU and chrF (sacrebleu, case-insensitive) and exact match, on 0-100 scales.

    ``outputs`` may be space-separated tokens ("¿ dónde está ?") or plain text; both sides are
    lowercased and joined back into text first, so only the words count, not the spacing. An
    output's ``[UNK]`` counts as one wrong word (the tokenizer would make three tokens of it,
    "[", "unk", "]", and so punish it three times).
    """
    import sacrebleu

    from seq2seq_helpers.text import detokenize

    if len(outputs) != len(references):
        raise ValueError(f"{len(outputs)} outputs but {len(references)} references.")
    if not outputs:
        raise ValueError("translation_scores needs at least one output.")
    hypotheses = [detokenize(tokenize(text.replace(UNKNOWN_TOKEN, "unk"))) for text in outputs]
    targets = [detokenize(tokenize(text)) for text in references]
    return {
        "bleu": sacrebleu.corpus_bleu(hypotheses, [targets]).score,
        "chrf": sacrebleu.corpus_chrf(hypotheses, [targets]).score,
        "exact_match": 100 * exact_match_rate(outputs, references),
    }


# Source-length buckets for ``scores_by_length``: (fewest words, most words); None means no limit.
LENGTH_BUCKETS: tuple[tuple[int, int | None], ...] = ((1, 4), (5, 8), (9, 12), (13, None))


def count_words(sentence: str) -> int:
    """Number of words in ``sentence``: its ``tokenize`` tokens that hold a letter or a digit.

    Punctuation is not a word: ``count_words("Where is Tom?")`` is 3, not 4.
    """
    return sum(any(character.isalnum() for character in token) for token in tokenize(sentence))


def _bucket_label(low: int, high: int | None) -> str:
    """``"1-4"``, ``"13+"``, or ``"5"`` for a one-length bucket."""
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


def _check_buckets(buckets: Sequence[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """Raise a ValueError unless ``buckets`` are ``(low, high)`` pairs in order, not overlapping."""
    if isinstance(buckets, (str, bytes)) or not isinstance(buckets, Sequence) or not buckets:
        raise ValueError(
            "buckets must be a non-empty sequence of (fewest words, most words) pairs, such as "
            f"LENGTH_BUCKETS = {LENGTH_BUCKETS}."
        )
    checked: list[tuple[int, int | None]] = []
    for index, bucket in enumerate(buckets):
        if not isinstance(bucket, Sequence) or isinstance(bucket, str) or len(bucket) != 2:
            raise ValueError(f"buckets[{index}] is {bucket!r}; each bucket is a (low, high) pair.")
        low, high = bucket
        if isinstance(low, bool) or not isinstance(low, int) or low < 0:
            raise ValueError(f"buckets[{index}] = {bucket!r}: low must be a whole number >= 0.")
        if high is not None and (isinstance(high, bool) or not isinstance(high, int)):
            raise ValueError(
                f"buckets[{index}] = {bucket!r}: high must be a whole number, or None for no limit."
            )
        if high is not None and high < low:
            raise ValueError(f"buckets[{index}] = {bucket!r}: high must be >= low.")
        if checked:
            previous_high = checked[-1][1]
            if previous_high is None:
                raise ValueError(
                    f"buckets[{index - 1}] has no upper limit (None), so it must be the last bucket."
                )
            if low <= previous_high:
                raise ValueError(
                    f"buckets[{index}] = {bucket!r} overlaps or comes before buckets[{index - 1}] = "
                    f"{tuple(buckets[index - 1])!r}; list buckets from short to long, not "
                    "overlapping."
                )
        checked.append((low, high))
    return checked


def scores_by_length(
    sources: Sequence[str],
    outputs: Sequence[str],
    references: Sequence[str],
    buckets: Sequence[tuple[int, int | None]] = LENGTH_BUCKETS,
) -> list[dict]:
    """BLEU, chrF and exact match for short and long sentences separately.

    The test sentences are grouped by the number of words of their English ``sources[i]``
    (``outputs[i]`` is the model's translation of it, ``references[i]`` the expected one). Words
    are counted with ``count_words``: the ``tokenize`` tokens that hold a letter or a digit, so
    punctuation does not count ("Where is Tom?" has 3 words). ``buckets`` are
    ``(fewest words, most words)`` pairs, both included; ``None`` as the upper limit means "or
    more". The default, ``LENGTH_BUCKETS``, is 1-4, 5-8, 9-12 and 13+ words.

    Returns one dict per bucket, in the order of ``buckets``::

        {"bucket": "1-4", "sentences": 120, "bleu": 41.2, "chrf": 60.3, "exact_match": 35.0}

    The scores are ``translation_scores`` of that bucket's sentences only (0-100 scales). A bucket
    with no sentence has ``"sentences": 0`` and ``float("nan")`` scores (there is nothing to
    score; ``plot_scores_by_length`` leaves those points out).

    Read small buckets with care: a score from a handful of sentences changes a lot from one
    sentence to the next. And corpus BLEU counts up to 4-word sequences: if every reference in a
    bucket is shorter than 4 tokens, BLEU is 0 even for perfect translations, while chrF is 100.

    Raises:
        ValueError: the three lists differ in length or are empty, ``buckets`` is badly formed
            (not ``(low, high)`` pairs from short to long without overlap), or a source has a
            number of words that no bucket covers (for example 0 words: add a ``(0, 0)`` bucket).
    """
    if not len(sources) == len(outputs) == len(references):
        raise ValueError(
            f"sources, outputs and references must have one entry per test sentence; got "
            f"{len(sources)} sources, {len(outputs)} outputs and {len(references)} references."
        )
    if not sources:
        raise ValueError("scores_by_length needs at least one test sentence; the lists are empty.")
    checked = _check_buckets(buckets)

    members: list[list[int]] = [[] for _ in checked]
    for index, source in enumerate(sources):
        if not isinstance(source, str):
            raise ValueError(f"sources[{index}] must be a string, got {type(source).__name__}.")
        words = count_words(source)
        for bucket_index, (low, high) in enumerate(checked):
            if low <= words and (high is None or words <= high):
                members[bucket_index].append(index)
                break
        else:
            raise ValueError(
                f"sources[{index}] = {source!r} has {words} words, which no bucket in {checked} "
                "covers; add a bucket for it or leave the sentence out."
            )

    results = []
    for (low, high), indices in zip(checked, members):
        if indices:
            scores = translation_scores(
                [outputs[i] for i in indices], [references[i] for i in indices]
            )
        else:
            scores = {"bleu": float("nan"), "chrf": float("nan"), "exact_match": float("nan")}
        results.append({"bucket": _bucket_label(low, high), "sentences": len(indices), **scores})
    return results
