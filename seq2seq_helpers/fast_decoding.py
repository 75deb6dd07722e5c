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

from seq2seq_helpers.search import lstm_decoder_step, lstm_step_model, make_greedy_decoder


def greedy_step(decoder_model, tokens, state_hidden, state_cell, one_hot_size=None):
    """One decoder step for a batch: feed each sentence's last token (an id, or a one-hot row of
    ``one_hot_size`` for the lesson's models) and return the most probable next token and the
    new states."""
    probabilities, (state_hidden, state_cell) = lstm_decoder_step(
        decoder_model, tokens, (state_hidden, state_cell), one_hot_size
    )
    return tf.argmax(probabilities, axis=-1), state_hidden, state_cell


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
    every batch (the first call traces the graph). The loop itself is ``search.make_greedy_decoder``,
    written once for every model (notebook 09); this builds the LSTM models' interface for it.
    """
    step_model = lstm_step_model(
        encoder_model,
        decoder_model,
        start_index=start_index,
        end_index=end_index,
        one_hot_size=one_hot_size,
    )
    greedy = make_greedy_decoder(step_model, max_length)

    def decode(encoder_input: np.ndarray) -> list[list[int]]:
        return [decoded.ids for decoded in greedy(encoder_input)]

    return decode
