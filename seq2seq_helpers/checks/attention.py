"""Checks for notebook 09's exercises: attention weights written by hand, and ``[UNK]``
replacement. Each runs the learner's function next to the course's reference on small random
cases and names the first thing that differs."""

from __future__ import annotations

from typing import Callable

import numpy as np

from seq2seq_helpers.checks.feedback import Feedback, report, unanswered


def _attention_case(rng: np.random.Generator):
    query = rng.normal(size=(2, 3, 4)).astype("float32")
    values = rng.normal(size=(2, 5, 4)).astype("float32")
    mask = np.array([[True] * 5, [True, True, True, False, False]])
    return query, values, mask


def check_attention_weights(attention_weights: Callable | None) -> Feedback:
    """Check ``attention_weights(query, values, value_mask) -> weights`` (NumPy, shapes
    (batch, Tq, d), (batch, Tv, d), (batch, Tv) booleans -> (batch, Tq, Tv)) against
    ``keras.layers.Attention`` (Luong's dot-product score) with the same mask."""
    import keras

    if attention_weights is None:
        return unanswered("write my_attention_weights and pass the function itself.")
    query, values, mask = _attention_case(np.random.default_rng(5))
    _, expected = keras.layers.Attention()(
        [query, values], mask=[None, mask], return_attention_scores=True
    )
    expected = np.asarray(expected)
    try:
        got = attention_weights(query, values, mask)
    except Exception as error:  # the learner's code: report it in words
        return report(False, f"my_attention_weights raised {type(error).__name__}: {error}"[:400])
    if got is None:
        return unanswered("my_attention_weights returns None: return the weights array.")
    got = np.asarray(got, dtype="float64")
    if got.shape != expected.shape:
        return report(
            False,
            f"the weights have shape {got.shape}, expected {expected.shape} (batch, query steps, "
            "source positions): compare every query row with every value row (query @ values^T).",
        )
    if np.abs(got[1, :, 3:]).max() > 1e-6:
        return report(
            False,
            "padded source positions (mask False) get weight "
            f"{np.abs(got[1, :, 3:]).max():.3f}: set their scores to a large negative number "
            "before the softmax, so they get weight 0.",
        )
    if not np.allclose(got.sum(axis=-1), 1, atol=1e-4):
        return report(
            False,
            "a query row's weights do not sum to 1: take the softmax over the source positions "
            "(the last axis).",
        )
    if not np.allclose(got, expected, atol=1e-4):
        return report(
            False,
            "the weights differ from keras.layers.Attention's: the score of a source position is "
            "the dot product of the query with that position's value, unscaled.",
        )
    return report(
        True,
        "the same weights as keras.layers.Attention: dot-product scores, padded positions "
        "masked out, a softmax over the source positions.",
    )


def check_unknown_replacement(replace: Callable | None) -> Feedback:
    """Check ``replace(output_tokens, attention, source_tokens) -> tokens`` against
    ``attention.replace_unknown_words`` on a few cases."""
    from seq2seq_helpers.attention import replace_unknown_words

    if replace is None:
        return unanswered("write my_replace_unknown and pass the function itself.")
    rng = np.random.default_rng(11)
    source = ["i", "met", "ana", "in", "lisbon", "."]
    to_the_stop = np.array([[0.1, 0.1, 0.1, 0.1, 0.2, 0.4]])  # most weight on ".": copy "lisbon"
    cases = [
        (["conocí", "a", "[UNK]", "en", "[UNK]", "."], rng.dirichlet(np.ones(6), size=7)),
        (["hola", "."], rng.dirichlet(np.ones(6), size=3)),
        (["[UNK]"], rng.dirichlet(np.ones(6), size=2)),
        (["[UNK]", "."], np.vstack([to_the_stop, to_the_stop])),
    ]
    for output, attention in cases:
        expected = replace_unknown_words(output, attention, source)
        try:
            got = replace(list(output), attention.copy(), list(source))
        except Exception as error:  # the learner's code: report it in words
            return report(False, f"my_replace_unknown raised {type(error).__name__}: {error}"[:400])
        if got is None:
            return unanswered("my_replace_unknown returns None: return the list of tokens.")
        if list(got) != expected:
            return report(
                False,
                f"for {output} you return {list(got)}, expected {expected}: replace only "
                "'[UNK]', by the source word (a token with a letter or digit) with the largest "
                "weight in that output step's attention row.",
            )
    return report(
        True,
        "every [UNK] becomes the source word its step attends to most (punctuation never); "
        "other words are kept.",
    )
