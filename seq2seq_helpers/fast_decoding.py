"""Batched greedy decoding: many sentences at once, without ``predict()`` per token.

Introduced in notebooks/07_scaling_up.ipynb.

The lesson's ``decode_sequence`` handles one sentence: one encoder ``predict()`` per sentence and
one decoder ``predict()`` per word;
``predict`` sets up a whole input pipeline on every call, which costs far more than the model's
arithmetic for one step. Here the encoder runs once on the whole batch, and a compiled decoder
step advances every sentence by one word per call until all of them have said ``<END>``. The
choices are the same as the lesson's (the most probable word at every step), so the output is
the same.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def greedy_step(decoder_model, tokens, state_hidden, state_cell, one_hot_size=None):
    """One decoder step for a batch: feed each sentence's last token (an id, or a one-hot row of
    ``one_hot_size`` for the lesson's models) and return the most probable next token and the
    new states."""
    if one_hot_size is None:
        step_input = tokens[:, None]
    else:
        step_input = tf.one_hot(tokens, one_hot_size)[:, None, :]
    probabilities, state_hidden, state_cell = decoder_model(
        [step_input, state_hidden, state_cell], training=False
    )
    return tf.argmax(probabilities[:, -1, :], axis=-1), state_hidden, state_cell


def batch_greedy_decode(
    encoder_model: keras.Model,
    decoder_model: keras.Model,
    encoder_input: np.ndarray,
    *,
    start_index: int,
    end_index: int,
    max_length: int,
    one_hot_size: int | None = None,
) -> list[list[int]]:
    """Greedily decode a batch; returns each sentence's token indices (no start/end token).

    Args:
        encoder_model, decoder_model: inference models with the lesson's interfaces
            (``decoder_model([tokens, h, c]) -> [probabilities, h, c]``).
        encoder_input: (batch, time) token ids, or (batch, time, vocab) one-hot rows.
        start_index, end_index: indices of ``<START>`` and ``<END>`` in the target vocabulary.
        max_length: stop a sentence after this many tokens, like ``decode_sequence``.
        one_hot_size: feed the decoder one-hot rows of this size (the lesson's models) instead
            of token ids (the scalable models).
    """
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, got {max_length}.")
    batch_size = len(encoder_input)
    if batch_size == 0:
        return []

    @tf.function(reduce_retracing=True)
    def decoder_step(tokens, state_hidden, state_cell):
        return greedy_step(decoder_model, tokens, state_hidden, state_cell, one_hot_size)

    state_hidden, state_cell = encoder_model(tf.convert_to_tensor(encoder_input), training=False)
    tokens = tf.fill([batch_size], tf.constant(start_index, dtype=tf.int64))
    finished = np.zeros(batch_size, dtype=bool)
    decoded: list[list[int]] = [[] for _ in range(batch_size)]
    for _ in range(max_length):
        tokens, state_hidden, state_cell = decoder_step(tokens, state_hidden, state_cell)
        chosen = tokens.numpy()
        for row in np.flatnonzero(~finished):
            if chosen[row] == end_index:
                finished[row] = True
            else:
                decoded[row].append(int(chosen[row]))
        if finished.all():
            break
    return decoded


def make_compiled_greedy_decoder(
    encoder_model: keras.Model,
    decoder_model: keras.Model,
    *,
    start_index: int,
    end_index: int,
    max_length: int,
    one_hot_size: int | None = None,
):
    """The whole greedy loop as one compiled TensorFlow function (``tf.while_loop``).

    Same choices as ``batch_greedy_decode`` (the most probable word at every step), with two
    differences in how they are computed: Python never runs between steps, and a sentence that
    has said ``<END>`` leaves the batch, so later steps compute only the sentences still going.
    Returns ``decode(encoder_input) -> list of token-index lists``; build it once and call it for
    every batch (the first call traces the graph).
    """
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, got {max_length}.")

    if one_hot_size is None:
        signature = tf.TensorSpec([None, None], tf.int64)  # (batch, time) token ids
    else:
        signature = tf.TensorSpec([None, None, None], tf.float32)  # one-hot rows

    # Traced once, for every batch size and length; the loop is an explicit tf.while_loop.
    @tf.function(input_signature=[signature], autograph=False)
    def decode_ids(encoder_input):
        state_hidden, state_cell = encoder_model(encoder_input, training=False)
        batch_size = tf.shape(state_hidden)[0]
        # Every position starts as <END>; the loop writes each sentence's words over it.
        chosen = tf.fill([batch_size, max_length], tf.constant(end_index, tf.int64))
        rows = tf.range(batch_size)  # the sentences still going, as rows of `chosen`
        tokens = tf.fill([batch_size], tf.constant(start_index, tf.int64))

        def still_going(step, rows, tokens, state_hidden, state_cell, chosen):
            return tf.logical_and(step < max_length, tf.size(rows) > 0)

        def one_step(step, rows, tokens, state_hidden, state_cell, chosen):
            tokens, state_hidden, state_cell = greedy_step(
                decoder_model, tokens, state_hidden, state_cell, one_hot_size
            )
            positions = tf.stack([rows, tf.fill(tf.shape(rows), step)], axis=1)
            chosen = tf.tensor_scatter_nd_update(chosen, positions, tokens)
            going = tf.not_equal(tokens, end_index)
            return (
                step + 1,
                tf.boolean_mask(rows, going),
                tf.boolean_mask(tokens, going),
                tf.boolean_mask(state_hidden, going),
                tf.boolean_mask(state_cell, going),
                chosen,
            )

        loop_state = (tf.constant(0), rows, tokens, state_hidden, state_cell, chosen)
        *_, chosen = tf.while_loop(
            still_going,
            one_step,
            loop_state,
            shape_invariants=(
                tf.TensorShape([]),
                tf.TensorShape([None]),
                tf.TensorShape([None]),
                tf.TensorShape([None, state_hidden.shape[-1]]),
                tf.TensorShape([None, state_cell.shape[-1]]),
                chosen.shape,
            ),
        )
        return chosen

    def decode(encoder_input: np.ndarray) -> list[list[int]]:
        if len(encoder_input) == 0:
            return []
        chosen = decode_ids(tf.convert_to_tensor(encoder_input, signature.dtype)).numpy()
        decoded = []
        for row in chosen:
            ends = np.flatnonzero(row == end_index)
            decoded.append([int(token) for token in row[: ends[0] if len(ends) else len(row)]])
        return decoded

    return decode
