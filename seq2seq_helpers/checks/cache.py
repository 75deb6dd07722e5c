"""Check for notebook 10's key/value cache exercise: one causal self-attention layer decoded one
position at a time with a cache must give what the layer gives over the whole sequence with
``use_causal_mask=True``. Names the first thing that is wrong and why."""

from __future__ import annotations

from typing import Callable

import numpy as np

from seq2seq_helpers.checks.feedback import Feedback, report, unanswered

BATCH, LENGTH, MAX_LENGTH, MODEL_DIM, HEADS, KEY_DIM = 2, 6, 8, 8, 2, 4


def tiny_attention_and_inputs():
    """A ``MultiHeadAttention`` (2 heads of 4) with fixed random weights, and inputs (2, 6, 8)."""
    from keras import layers

    rng = np.random.default_rng(7)
    attention = layers.MultiHeadAttention(num_heads=HEADS, key_dim=KEY_DIM)
    x = rng.normal(size=(BATCH, LENGTH, MODEL_DIM)).astype("float32")
    attention(x, x)  # builds the weights
    attention.set_weights(
        [rng.normal(0, 0.5, w.shape).astype("float32") for w in attention.get_weights()]
    )
    return attention, x


def _other_readings(attention, query, keys, values, position):
    """What the usual wrong choices of positions give: (mistake, output (batch, model_dim))."""
    from seq2seq_helpers.transformer_cache import attend

    choices = {
        "it reads every position of the cache, also those not written yet (zeros, which still "
        "get weight): read positions 0 .. position only": (keys, values),
        "it reads only the new position, so the cache is never used: read positions 0 .. "
        "position": (keys[:, :, position : position + 1], values[:, :, position : position + 1]),
    }
    if position > 0:
        mistake = (
            "it reads positions 0 .. position - 1 and misses the new position's own key and "
            "value: a position attends to itself too"
        )
        choices[mistake] = (keys[:, :, :position], values[:, :, :position])
    for mistake, (k, v) in choices.items():
        context, _ = attend(query, k, v)
        yield mistake, np.asarray(attention.output_dense(context[:, None]))[:, 0]


def _check_cache(name, got, previous, expected_row, position) -> str | None:
    """The problem with one returned cache (batch, heads, max_length, key_dim), or None."""
    one = name[:-1]  # "key" or "value"
    if got.shape != previous.shape:
        return f"the returned {name} have shape {got.shape}, expected {previous.shape}."
    if np.allclose(got[:, :, position], expected_row, atol=1e-5):
        if not np.allclose(got[:, :, :position], previous[:, :, :position]):
            return (
                f"writing position {position} changed earlier positions of the {name}: keep them."
            )
        return None
    if position > 0 and np.allclose(got[:, :, 0], expected_row, atol=1e-5):
        return (
            f"at position {position} the new {one} went into position 0: write it at "
            "`position`, or every step overwrites the first word's."
        )
    if position + 1 < MAX_LENGTH and np.allclose(got[:, :, position + 1], expected_row, atol=1e-5):
        return (
            f"at position {position} the new {one} went into position {position + 1}: one too far."
        )
    if np.allclose(got, previous):
        return f"the {name} come back unchanged: write the new {one} at position {position}."
    return f"position {position} of the returned {name} is not the new position's {one}."


def check_cache_update(self_attention_step: Callable | None) -> Feedback:
    """Check ``self_attention_step(attention, x, keys, values, position) -> (output, keys,
    values)``: ``x`` (batch, 1, model_dim) the new position's input, ``keys`` and ``values``
    (batch, heads, max_length, key_dim) NumPy caches holding positions 0 .. position - 1; the output
    (batch, 1, model_dim) must equal the layer's over the whole sequence with the causal mask."""
    if self_attention_step is None:
        return unanswered("write my_self_attention_step and pass the function itself.")
    attention, x = tiny_attention_and_inputs()
    expected = np.asarray(attention(x, x, use_causal_mask=True))  # (batch, length, model_dim)
    keys = np.zeros((BATCH, HEADS, MAX_LENGTH, KEY_DIM), "float32")
    values = np.zeros_like(keys)
    for position in range(LENGTH):
        step_input = x[:, position : position + 1]
        previous_keys, previous_values = keys.copy(), values.copy()
        try:
            result = self_attention_step(attention, step_input, keys, values, position)
        except Exception as error:  # the learner's code: report it in words
            message = f"at position {position}, my_self_attention_step raised "
            return report(False, f"{message}{type(error).__name__}: {error}"[:400])
        if result is None:
            return unanswered("my_self_attention_step returns None: return output, keys, values.")
        if not isinstance(result, tuple) or len(result) != 3:
            return report(False, "return three things: the output, the keys and the values.")
        output, keys, values = (np.asarray(part, "float32") for part in result)
        rows = [
            np.asarray(dense(step_input))[:, 0]
            for dense in (attention.key_dense, attention.value_dense)
        ]
        for name, got, previous, row in (
            ("keys", keys, previous_keys, rows[0]),
            ("values", values, previous_values, rows[1]),
        ):
            problem = _check_cache(name, got, previous, row, position)
            if problem:
                return report(False, problem)
        if output.shape != (BATCH, 1, MODEL_DIM):
            return report(
                False, f"the output has shape {output.shape}, expected {(BATCH, 1, MODEL_DIM)}."
            )
        if np.allclose(output[:, 0], expected[:, position], atol=1e-4):
            continue
        query = attention.query_dense(step_input)[:, 0]
        for mistake, wrong in _other_readings(attention, query, keys, values, position):
            if np.allclose(output[:, 0], wrong, atol=1e-4):
                return report(False, f"the cache is right, but at position {position} {mistake}.")
        return report(
            False,
            f"the caches are right, but the output at position {position} differs from the "
            "layer's over the whole sequence: attend with the query of the new position over "
            "positions 0 .. position of the keys and values.",
        )
    return report(
        True,
        f"positions 0 to {LENGTH - 1}, one at a time, give the layer's outputs over the whole "
        "sequence with use_causal_mask=True: each step computes one query, one key and one value "
        "and reads the rest from the cache.",
    )
