"""One decoding interface for every model, and greedy and beam search written once over it.

Introduced in notebooks/09_attention_and_beam_search.ipynb (notebook 08 uses its greedy loop).

A model that can decode offers two things (a ``StepModel``):

- ``encode(source) -> state``: the source sentences of a batch in, a tuple of tensors out, each
  with the batch as its first axis. For the LSTMs of notebooks 04-08 the state is the two state
  vectors ``(h, c)``; with attention it also holds the encoder's whole output sequence and the
  source's padding mask, because every decoder step looks at them again.
- ``step(tokens, state) -> (probabilities, state, attention)``: each sentence's last token in, the
  next-token probabilities and the new state out; ``attention`` is the step's attention weights
  over the source, (batch, source time), or ``None`` for a model without attention.

Greedy and beam search below only ever call these two functions and rearrange the state's rows
(keep some sentences, copy a beam's history to another), so the decoding strategy and the model
architecture are separate choices: any model plugs into any search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

State = tuple  # a tuple of tensors, each (batch, ...)


@dataclass(frozen=True)
class StepModel:
    """A model that can decode: ``encode`` and ``step`` (see the module docstring), the spec of
    the source batch ``encode`` takes, and the target ids of ``<START>`` and ``<END>``."""

    encode: Callable[[tf.Tensor], State]
    step: Callable[[tf.Tensor, State], tuple[tf.Tensor, State, tf.Tensor | None]]
    source_spec: tf.TensorSpec
    start_index: int
    end_index: int
    has_attention: bool = False


def lstm_decoder_step(decoder_model: keras.Model, tokens, state: State, one_hot_size=None):
    """One step of an LSTM decoder of notebooks 04-08 for a batch: feed each sentence's last
    token (an id, or a one-hot row of ``one_hot_size`` for the lesson's models) with the states
    ``(h, c)``; return the next-token probabilities (batch, vocabulary) and the new states."""
    if one_hot_size is None:
        step_input = tokens[:, None]
    else:
        step_input = tf.one_hot(tokens, one_hot_size)[:, None, :]
    probabilities, state_hidden, state_cell = decoder_model([step_input, *state], training=False)
    return probabilities[:, -1, :], (state_hidden, state_cell)


def lstm_step_model(
    encoder_model: keras.Model,
    decoder_model: keras.Model,
    *,
    start_index: int,
    end_index: int,
    one_hot_size: int | None = None,
) -> StepModel:
    """The interface for the LSTM encoder-decoders of notebooks 04-08.

    ``encoder_model(source) -> [h, c]`` and ``decoder_model([tokens, h, c]) -> [probabilities,
    h, c]``. With ``one_hot_size`` (the lesson's models) the source is one-hot rows and each
    token is fed as a one-hot row of that size; without it (the scalable models) both are ids.
    """
    if one_hot_size is None:
        source_spec = tf.TensorSpec([None, None], tf.int64)  # (batch, time) token ids
    else:
        source_spec = tf.TensorSpec([None, None, None], tf.float32)  # one-hot rows

    def encode(source):
        state_hidden, state_cell = encoder_model(source, training=False)
        return (state_hidden, state_cell)

    def step(tokens, state):
        return (*lstm_decoder_step(decoder_model, tokens, state, one_hot_size), None)

    return StepModel(encode, step, source_spec, start_index, end_index)


def _check_max_length(max_length: int) -> None:
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise ValueError(f"max_length must be a positive integer, got {max_length!r}.")


def _any_rows(state: State) -> tf.TensorShape:
    """The shapes of a state's tensors with any number of rows (for ``tf.while_loop``)."""
    return tuple(tf.TensorShape([None]).concatenate(part.shape[1:]) for part in state)


def _loop_shapes(state: State) -> tuple:
    """Shapes of the loop variables both searches start with: the step, the rows of the
    sentences still going, their last tokens (any number of rows), and the state."""
    return tf.TensorShape([]), tf.TensorShape([None]), tf.TensorShape([None]), _any_rows(state)


def _cut_at_end(row: np.ndarray, end_index: int) -> list[int]:
    ends = np.flatnonzero(row == end_index)
    return [int(token) for token in row[: ends[0] if len(ends) else len(row)]]


def _decoded(step_model: StepModel, row, score, weights, max_length: int) -> Decoded:
    """One search result: the ids up to ``<END>``, and the attention rows of those steps."""
    ids = _cut_at_end(row, step_model.end_index)
    kept = weights[: min(len(ids) + 1, max_length)] if step_model.has_attention else None
    return Decoded(ids, float(score), kept)


@dataclass
class Decoded:
    """What a search returns for one sentence: the chosen token ids (no ``<START>``/``<END>``),
    its score, and, for a model with attention, the attention weights of each output step
    (``(len(ids) + 1, source time)``: one row per chosen token, then the row of ``<END>``)."""

    ids: list[int]
    score: float
    attention: np.ndarray | None = None


def make_greedy_decoder(step_model: StepModel, max_length: int):
    """Greedy search (the most probable token at every step) as one compiled function.

    The loop is a ``tf.while_loop`` inside one ``tf.function`` traced once for every batch size
    and length, and a sentence that has said ``<END>`` leaves the batch, so later steps compute
    only the sentences still going. Returns ``decode(source) -> list[Decoded]``, whose score is
    the sum of the chosen tokens' log-probabilities (``<END>`` included).
    """
    _check_max_length(max_length)
    end = tf.constant(step_model.end_index, tf.int64)

    @tf.function(input_signature=[step_model.source_spec], autograph=False)
    def decode_batch(source):
        state = step_model.encode(source)
        batch_size = tf.shape(state[0])[0]
        # Every position starts as <END>; the loop writes each sentence's words over it.
        chosen = tf.fill([batch_size, max_length], end)
        scores = tf.zeros([batch_size])
        # Attention weights are kept only for a model that has them (else 0 columns: no work).
        source_length = tf.shape(source)[1] if step_model.has_attention else 0
        attention = tf.zeros([batch_size, max_length, source_length])
        rows = tf.range(batch_size)  # the sentences still going, as rows of `chosen`
        tokens = tf.fill([batch_size], tf.constant(step_model.start_index, tf.int64))

        def still_going(step, rows, tokens, state, chosen, scores, attention):
            return tf.logical_and(step < max_length, tf.size(rows) > 0)

        def one_step(step, rows, tokens, state, chosen, scores, attention):
            probabilities, state, weights = step_model.step(tokens, state)
            tokens = tf.argmax(probabilities, axis=-1)
            picked = tf.gather(probabilities, tokens, axis=1, batch_dims=1)
            positions = tf.stack([rows, tf.fill(tf.shape(rows), step)], axis=1)
            chosen = tf.tensor_scatter_nd_update(chosen, positions, tokens)
            scores = tf.tensor_scatter_nd_add(scores, rows[:, None], tf.math.log(picked))
            if weights is not None:
                attention = tf.tensor_scatter_nd_update(attention, positions, weights)
            going = tf.not_equal(tokens, end)
            state = tuple(tf.boolean_mask(part, going) for part in state)
            return (
                step + 1,
                tf.boolean_mask(rows, going),
                tf.boolean_mask(tokens, going),
                state,
                chosen,
                scores,
                attention,
            )

        loop_state = (tf.constant(0), rows, tokens, state, chosen, scores, attention)
        *_, chosen, scores, attention = tf.while_loop(
            still_going,
            one_step,
            loop_state,
            shape_invariants=(
                *_loop_shapes(state),
                chosen.shape,
                scores.shape,
                tf.TensorShape([None, max_length, None]),
            ),
        )
        return chosen, scores, attention

    def decode(source: np.ndarray) -> list[Decoded]:
        if len(source) == 0:
            return []
        chosen, scores, attention = (
            t.numpy()
            for t in decode_batch(tf.convert_to_tensor(source, step_model.source_spec.dtype))
        )
        return [
            _decoded(step_model, row, score, weights, max_length)
            for row, score, weights in zip(chosen, scores, attention)
        ]

    decode.decode_batch = decode_batch  # the graph itself, for export.py
    return decode


# Length normalization: a hypothesis is ranked by its summed log-probability divided by
# length ** alpha. Every word adds a negative log-probability, so raw sums favour short outputs
# (the empty sentence "<END>" often wins); alpha = 1 ranks by the mean log-probability per word,
# which can favour long rambling outputs instead. 0.6-0.7 is the usual middle (Wu et al., 2016,
# found 0.6-0.7 best for their translation models); the course uses 0.7, and notebook 09 measures it.
DEFAULT_LENGTH_ALPHA = 0.7


def make_beam_decoder(
    step_model: StepModel,
    beam_width: int,
    max_length: int,
    *,
    alpha: float = DEFAULT_LENGTH_ALPHA,
    n_best: int = 1,
):
    """Beam search: keep the ``beam_width`` best partial translations of every sentence.

    All beams of all sentences go through ``step_model.step`` together, as one batch of
    sentences x beams rows, inside one compiled ``tf.while_loop``:

    1. every beam proposes its ``beam_width`` most probable next tokens;
    2. of the ``beam_width ** 2`` candidates of a sentence, the ``beam_width`` with the best
       length-normalized score (``sum of log-probabilities / length ** alpha``) survive, each
       taking its parent beam's state and history along;
    3. a beam that has said ``<END>`` is finished and frozen: its only candidate is itself, with
       its score unchanged, so it is never extended past ``<END>``.

    A sentence whose beams have all finished leaves the batch. At the start only the first beam
    is alive, so the beams do not begin as copies of one another. With ``beam_width=1`` the
    single candidate is always the most probable token: exactly greedy search.

    Returns ``decode(source) -> list[list[Decoded]]``: per sentence, the ``n_best`` best
    hypotheses, best first, each with its normalized score.
    """
    if isinstance(beam_width, bool) or not isinstance(beam_width, int) or beam_width < 1:
        raise ValueError(f"beam_width must be a positive integer, got {beam_width!r}.")
    if not 1 <= n_best <= beam_width:
        raise ValueError(f"n_best must be between 1 and beam_width={beam_width}, got {n_best!r}.")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 <= alpha <= 2:
        raise ValueError(
            f"alpha must be between 0 and 2 (0: no length normalization), got {alpha!r}."
        )
    _check_max_length(max_length)
    width = beam_width
    end = tf.constant(step_model.end_index, tf.int64)
    minus_infinity = tf.constant(-np.inf, tf.float32)

    def normalized(sums, lengths):
        return sums / tf.pow(tf.maximum(tf.cast(lengths, tf.float32), 1.0), alpha)

    @tf.function(input_signature=[step_model.source_spec], autograph=False)
    def decode_batch(source):
        state = step_model.encode(source)
        batch_size = tf.shape(state[0])[0]
        # Attention weights are kept only for a model that has them (else 0 columns: no work).
        source_length = tf.shape(source)[1] if step_model.has_attention else 0
        # Every beam of every sentence is one row: sentence i's beams are rows i*width ... + width-1.
        state = tuple(tf.repeat(part, width, axis=0) for part in state)
        tokens = tf.fill([batch_size * width], tf.constant(step_model.start_index, tf.int64))
        # [0, -inf, ...]: the first beam (or candidate) possible, the others not.
        first_only = tf.concat([[0.0], tf.fill([width - 1], -np.inf)], axis=0)
        sums = tf.tile(first_only[None, :], [batch_size, 1])  # (sentences, beams)
        lengths = tf.zeros([batch_size, width], tf.int32)
        finished = tf.zeros([batch_size, width], tf.bool)
        history = tf.fill([batch_size, width, max_length], end)
        attention = tf.zeros([batch_size, width, max_length, source_length])
        # Final results of every sentence, written as it goes (rows of the whole batch).
        out = (history, sums, lengths, attention)
        rows = tf.range(batch_size)

        def still_going(
            step, rows, tokens, state, sums, lengths, finished, history, attention, out
        ):
            return tf.logical_and(step < max_length, tf.size(rows) > 0)

        def one_step(step, rows, tokens, state, sums, lengths, finished, history, attention, out):
            going = tf.size(rows)
            probabilities, state, weights = step_model.step(tokens, state)
            top_probabilities, top_tokens = tf.math.top_k(probabilities, k=width)
            top_probabilities = tf.reshape(top_probabilities, [going, width, width])
            top_tokens = tf.reshape(top_tokens, [going, width, width])
            # A finished beam's candidates: itself (+0, token <END>) first, the others impossible.
            added = tf.where(
                finished[:, :, None], first_only[None, None, :], tf.math.log(top_probabilities)
            )
            candidate_sums = sums[:, :, None] + added
            candidate_tokens = tf.where(finished[:, :, None], end, tf.cast(top_tokens, tf.int64))
            candidate_lengths = tf.where(finished, lengths, lengths + 1)[:, :, None]
            candidate_lengths = tf.broadcast_to(candidate_lengths, [going, width, width])
            ranked = normalized(candidate_sums, candidate_lengths)
            ranked = tf.where(tf.math.is_nan(ranked), minus_infinity, ranked)
            _, best = tf.math.top_k(tf.reshape(ranked, [going, width * width]), k=width)
            parent = best // width  # which beam each survivor extends

            def pick(candidates):
                return tf.gather(tf.reshape(candidates, [going, width * width]), best, batch_dims=1)

            sums, new_tokens, lengths = (
                pick(candidate_sums),
                pick(candidate_tokens),
                pick(candidate_lengths),
            )
            was_finished = tf.gather(finished, parent, batch_dims=1)
            finished = tf.logical_or(was_finished, tf.equal(new_tokens, end))
            history = tf.gather(history, parent, batch_dims=1)
            written = tf.where(was_finished, end, new_tokens)
            at_step = tf.one_hot(step, max_length, on_value=True, off_value=False, dtype=tf.bool)
            history = tf.where(at_step[None, None, :], written[:, :, None], history)
            flat_parent = tf.reshape(parent + width * tf.range(going)[:, None], [-1])
            state = tuple(tf.gather(part, flat_parent) for part in state)
            attention = tf.gather(attention, parent, batch_dims=1)
            if weights is not None:
                weights = tf.reshape(tf.gather(weights, flat_parent), [going, width, -1])
                step_weights = tf.where(was_finished[:, :, None], 0.0, weights)
                attention = tf.where(
                    at_step[None, None, :, None], step_weights[:, :, None, :], attention
                )
            latest = (history, sums, lengths, attention)
            if not step_model.has_attention:  # (no columns to write: scatter cannot, and need not)
                latest = latest[:3]
            out = (
                tuple(
                    tf.tensor_scatter_nd_update(whole, rows[:, None], part)
                    for whole, part in zip(out, latest)
                )
                + out[len(latest) :]
            )
            # Sentences whose beams have all finished are done: they leave the batch.
            keep = tf.logical_not(tf.reduce_all(finished, axis=1))
            keep_rows = tf.repeat(keep, width)
            return (
                step + 1,
                tf.boolean_mask(rows, keep),
                tf.boolean_mask(tf.reshape(new_tokens, [-1]), keep_rows),
                tuple(tf.boolean_mask(part, keep_rows) for part in state),
                tf.boolean_mask(sums, keep),
                tf.boolean_mask(lengths, keep),
                tf.boolean_mask(finished, keep),
                tf.boolean_mask(history, keep),
                tf.boolean_mask(attention, keep),
                out,
            )

        loop_state = (
            tf.constant(0),
            rows,
            tokens,
            state,
            sums,
            lengths,
            finished,
            history,
            attention,
            out,
        )
        sentences_beams = tf.TensorShape([None, width])
        *_, out = tf.while_loop(
            still_going,
            one_step,
            loop_state,
            shape_invariants=(
                *_loop_shapes(state),
                sentences_beams,
                sentences_beams,
                sentences_beams,
                tf.TensorShape([None, width, max_length]),
                tf.TensorShape([None, width, max_length, None]),
                tuple(part.shape for part in out[:3])
                + (tf.TensorShape([None, width, max_length, None]),),
            ),
        )
        history, sums, lengths, attention = out
        scores = normalized(sums, lengths)
        order = tf.argsort(scores, axis=1, direction="DESCENDING", stable=True)[:, :n_best]
        return (
            tf.gather(history, order, batch_dims=1),
            tf.gather(scores, order, batch_dims=1),
            tf.gather(attention, order, batch_dims=1),
        )

    def decode(source: np.ndarray) -> list[list[Decoded]]:
        if len(source) == 0:
            return []
        histories, scores, attention = (
            t.numpy()
            for t in decode_batch(tf.convert_to_tensor(source, step_model.source_spec.dtype))
        )
        return [
            [_decoded(step_model, *hypothesis, max_length) for hypothesis in zip(*sentence)]
            for sentence in zip(histories, scores, attention)
        ]

    decode.decode_batch = decode_batch  # the graph itself, for export.py
    return decode
