"""One-hot arrays: what the lesson's model reads and predicts.

Introduced in notebooks/02_training_setup.ipynb.

Shapes (N sentences, T time steps, V vocabulary size):

- ``encoder_input_data``:  (N, max_encoder_seq_length, num_encoder_tokens)
- ``decoder_input_data``:  (N, max_decoder_seq_length, num_decoder_tokens), starts with <START>
- ``decoder_target_data``: the same shape, ``decoder_input_data`` shifted one step earlier
  (teacher forcing: at step t the decoder reads token t and must predict token t + 1).

Positions after a sentence ends stay all-zero (padding).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from seq2seq_helpers.text import TrainingSetup, tokenize


def one_hot_sequences(
    docs: Sequence[Sequence[str]], features: dict[str, int], max_length: int
) -> np.ndarray:
    """One-hot encode token lists into a float32 array of shape (len(docs), max_length, V)."""
    data = np.zeros((len(docs), max_length, len(features)), dtype="float32")
    for line, tokens in enumerate(docs):
        for timestep, token in enumerate(tokens[:max_length]):
            data[line, timestep, features[token]] = 1.0
    return data


def make_training_arrays(setup: TrainingSetup) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build ``encoder_input_data``, ``decoder_input_data`` and ``decoder_target_data``."""
    encoder_input_data = one_hot_sequences(
        setup.input_docs, setup.input_features_dict, setup.max_encoder_seq_length
    )
    decoder_input_data = one_hot_sequences(
        setup.target_docs, setup.target_features_dict, setup.max_decoder_seq_length
    )
    # Teacher forcing: the target at step t is the decoder input at step t + 1.
    decoder_target_data = np.zeros_like(decoder_input_data)
    decoder_target_data[:, :-1, :] = decoder_input_data[:, 1:, :]
    return encoder_input_data, decoder_input_data, decoder_target_data


def encode_input_sentence(
    sentence: str,
    input_features_dict: dict[str, int],
    max_encoder_seq_length: int,
    lowercase: bool = True,
) -> np.ndarray:
    """One-hot encode one new sentence for inference: shape (1, T, num_encoder_tokens).

    Unknown words are skipped with a warning that names them (the model never saw them, so there
    is no column for them). Sentences longer than ``max_encoder_seq_length`` tokens are truncated
    with a warning. A sentence with no known word at all raises ValueError.
    """
    tokens = tokenize(sentence, lowercase)
    unknown = [token for token in tokens if token not in input_features_dict]
    if unknown:
        warnings.warn(
            f"Skipping words the model never saw in training: {unknown}. "
            "Use words from the training vocabulary (input_features_dict) for better results.",
            stacklevel=2,
        )
    known = [token for token in tokens if token in input_features_dict]
    if not known:
        raise ValueError(
            f"None of the words in {sentence!r} is in the training vocabulary, so there is "
            "nothing to translate. Try a sentence made of words from the training data."
        )
    if len(known) > max_encoder_seq_length:
        warnings.warn(
            f"The sentence has {len(known)} known tokens but the model was trained on at most "
            f"{max_encoder_seq_length}; keeping the first {max_encoder_seq_length}.",
            stacklevel=2,
        )
    return one_hot_sequences([known], input_features_dict, max_encoder_seq_length)


def array_megabytes(*arrays: np.ndarray) -> float:
    """Total memory of the arrays in megabytes (1 MB = 1,000,000 bytes)."""
    return sum(array.nbytes for array in arrays) / 1e6


def one_hot_megabytes(pairs: Sequence[tuple[str, str]]) -> float:
    """What the lesson's three float32 one-hot arrays would take for these pairs, in MB.

    Computed from the vocabulary sizes and the longest sentences, never allocated, so it also
    answers "how much for the whole corpus?". Introduced in notebooks/02_training_setup.ipynb.
    """
    from seq2seq_helpers.text import prepare_training_setup

    setup = prepare_training_setup(pairs)
    sizes = (setup.max_encoder_seq_length, setup.num_encoder_tokens)
    sizes += (setup.max_decoder_seq_length, setup.num_decoder_tokens)
    return one_hot_bytes(len(pairs), *sizes) / 1e6


def one_hot_bytes(
    pairs: int,
    source_length: int,
    source_vocabulary_size: int,
    target_length: int,
    target_vocabulary_size: int,
) -> int:
    """Bytes of the lesson's three float32 one-hot arrays for ``pairs`` pairs: the encoder input
    (pairs, source_length, source vocabulary), and the decoder input and the target (pairs,
    target_length, target vocabulary) each."""
    per_pair = source_length * source_vocabulary_size
    per_pair += 2 * target_length * target_vocabulary_size
    return 4 * pairs * per_pair
