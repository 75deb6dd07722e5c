"""The lesson's one-hot pipeline and the scalable one, trained side by side on the same pairs.

Introduced in notebooks/08_fast_decoding_and_evaluation.ipynb (a quick classroom comparison;
benchmarks/benchmark_pipelines.py is the careful one).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import keras

from seq2seq_helpers.evaluation import token_accuracies
from seq2seq_helpers.scalable import vectorize_pairs
from seq2seq_helpers.scalable_training import train_scalable, training_array_bytes
from seq2seq_helpers.text import prepare_training_setup, tokenize
from seq2seq_helpers.training import train_translator
from seq2seq_helpers.vectorize import array_megabytes, make_training_arrays


def compare_pipelines(
    pairs: Sequence[tuple[str, str]],
    *,
    epochs: int = 3,
    latent_dim: int = 256,
    embedding_dim: int = 128,
    lesson_batch_size: int = 10,
    scalable_batch_size: int = 64,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """Train both pipelines for ``epochs`` on ``pairs`` (last 20% for validation) and return
    ``{figure: (lesson, scalable)}``: training-array MB, seconds per epoch, and validation
    accuracy on real tokens (the lesson's computed without padding, the scalable one masked)."""
    split = int(len(pairs) * 0.8)
    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    lesson, _ = train_translator(
        pairs, latent_dim=latent_dim, epochs=epochs, batch_size=lesson_batch_size, verbose=0
    )
    lesson_seconds = (time.perf_counter() - start) / epochs
    arrays = make_training_arrays(prepare_training_setup(pairs))
    predictions = lesson.model.predict(list(arrays[:2]), verbose=0)[split:]
    lesson_accuracy = token_accuracies(predictions, arrays[2][split:])[1]
    lesson_megabytes = array_megabytes(*arrays)
    del arrays, predictions  # the one-hot arrays are large: free them before the next run

    keras.utils.set_random_seed(seed)
    lengths = {
        "max_source_length": max(len(tokenize(source)) for source, _ in pairs),
        "max_target_length": max(len(tokenize(target)) for _, target in pairs) + 1,
    }
    start = time.perf_counter()
    scalable, history = train_scalable(
        pairs,
        **lengths,
        latent_dim=latent_dim,
        embedding_dim=embedding_dim,
        epochs=epochs,
        batch_size=scalable_batch_size,
        verbose=0,
        seed=seed,
    )
    scalable_seconds = (time.perf_counter() - start) / epochs
    inputs, targets = vectorize_pairs(scalable.vectorizers, pairs)
    return {
        "training arrays (MB)": (
            lesson_megabytes,
            training_array_bytes(inputs, targets) / 1e6,
        ),
        "seconds per epoch": (lesson_seconds, scalable_seconds),
        f"val accuracy after {epochs} epochs (real tokens)": (
            lesson_accuracy,
            history["val_accuracy"][-1],
        ),
    }
