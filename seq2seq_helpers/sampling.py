"""Sampling (temperature, repetition penalty) over the one decoding interface of search.py.

Introduced in notebooks/12_chatbot_that_answers.ipynb (notebook 06 samples with the lesson's own
loop, ``decoding.decode_sequence``; this is the same choice of each word, for any ``StepModel``).

Each step feeds every sentence's last token through ``step_model.step`` as one batch and picks
each sentence's next token with ``decoding.choose_next_token``: the same temperature and
repetition penalty as notebook 06, so a bot samples alike whatever its architecture.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from seq2seq_helpers.decoding import choose_next_token
from seq2seq_helpers.search import Decoded, StepModel


def sample_decode(
    step_model: StepModel,
    source: np.ndarray,
    max_length: int,
    *,
    temperature: float,
    repetition_penalty: float = 1.0,
    seed: int | None = None,
) -> list[Decoded]:
    """Decode a batch of sources by sampling each next token; ``Decoded`` per sentence.

    ``temperature`` 0 takes the most probable token (greedy, with the penalty applied first).
    The score is the sum of the chosen tokens' log-probabilities under the model (before
    temperature and penalty). ``seed`` makes the draws repeat.
    """
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise ValueError(f"max_length must be a positive integer, got {max_length!r}.")
    if temperature < 0 or repetition_penalty < 1:
        raise ValueError(
            f"temperature must be >= 0 and repetition_penalty >= 1, got {temperature} and "
            f"{repetition_penalty}."
        )
    if len(source) == 0:
        return []
    rng = np.random.default_rng(seed)
    state = step_model.encode(tf.convert_to_tensor(source, step_model.source_spec.dtype))
    batch_size = len(source)
    tokens = np.full(batch_size, step_model.start_index, dtype=np.int64)
    chosen: list[list[int]] = [[] for _ in range(batch_size)]
    scores = np.zeros(batch_size)
    going = np.ones(batch_size, dtype=bool)
    for _ in range(max_length):
        probabilities, state, _ = step_model.step(tf.constant(tokens), state)
        probabilities = probabilities.numpy()
        for row in np.flatnonzero(going):
            token = choose_next_token(
                probabilities[row], chosen[row], temperature, repetition_penalty, rng
            )
            scores[row] += np.log(max(float(probabilities[row, token]), 1e-12))
            tokens[row] = token
            if token == step_model.end_index:
                going[row] = False
            else:
                chosen[row].append(token)
        if not going.any():
            break
    return [Decoded(ids, float(score)) for ids, score in zip(chosen, scores)]
