"""Training and using the scalable model, optionally on several devices or machines.

Introduced in notebooks/07_scaling_up.ipynb.

Distribution uses TensorFlow's own strategies; pass one as ``strategy``:

- ``tf.distribute.MirroredStrategy()``: every GPU (or logical device) of one machine holds a copy
  of the model; each batch is split between them and the gradients are averaged.
- ``tf.distribute.MultiWorkerMirroredStrategy()``: the same across machines; each machine runs the
  same script with its own ``TF_CONFIG`` environment variable (see the README).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from seq2seq_helpers.fast_decoding import batch_greedy_decode
from seq2seq_helpers.scalable import (
    Vectorizers,
    build_scalable_inference_models,
    build_scalable_model,
    compile_scalable_model,
    make_dataset,
    make_vectorizers,
    vectorize_pairs,
    vectorizers_from_vocabularies,
)
from seq2seq_helpers.text import END_TOKEN, START_TOKEN, tokenize
from seq2seq_helpers.translator import MODEL_FILE, prepare_save_folder, read_saved_settings

VECTORIZERS_FILE = "vectorizers.json"


@dataclass
class ScalableTranslator:
    """A trained scalable model with its vectorizers; translates whole batches at once."""

    model: keras.Model
    vectorizers: Vectorizers
    max_source_length: int
    max_target_length: int
    _inference: tuple[keras.Model, keras.Model] | None = field(default=None, repr=False)

    @property
    def inference_models(self) -> tuple[keras.Model, keras.Model]:
        if self._inference is None:
            self._inference = build_scalable_inference_models(self.model)
        return self._inference

    def save(self, folder: str | Path, if_exists: str = "error") -> Path:
        """Save to ``folder``: ``model.keras`` and ``vectorizers.json`` (both vocabularies and the
        lengths). An earlier save is kept or replaced only as ``if_exists`` says (see
        ``translator.prepare_save_folder``)."""
        folder = prepare_save_folder(folder, if_exists)
        self.model.save(folder / MODEL_FILE)
        settings = {
            "source_vocabulary": self.vectorizers.source_vocabulary,
            "target_vocabulary": self.vectorizers.target_vocabulary,
            "max_source_length": self.max_source_length,
            "max_target_length": self.max_target_length,
        }
        (folder / VECTORIZERS_FILE).write_text(
            json.dumps(settings, ensure_ascii=False), encoding="utf-8"
        )
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> ScalableTranslator:
        """Load a translator saved with ``save`` (the model without its optimizer)."""
        folder = Path(folder)
        with read_saved_settings(folder, VECTORIZERS_FILE, "07_scaling_up") as settings:
            lengths = settings["max_source_length"], settings["max_target_length"]
            vectorizers = vectorizers_from_vocabularies(
                settings["source_vocabulary"], settings["target_vocabulary"], *lengths
            )
        model = keras.models.load_model(folder / MODEL_FILE, compile=False)
        return cls(model, vectorizers, *lengths)

    def translate_batch(self, sentences: Sequence[str], batch_size: int = 256) -> list[str]:
        """Greedy translations (space-separated tokens) of many sentences, ``batch_size`` at a time.

        Words never seen in training become ``[UNK]``; sentences longer than the model's input
        length are truncated; both with a warning.
        """
        limit = self.max_source_length
        known = set(self.vectorizers.source_vocabulary)
        tokens = [tokenize(sentence) for sentence in sentences]
        unknown = sorted({t for sentence in tokens for t in sentence if t not in known})
        if unknown:
            warnings.warn(f"Words never seen in training become [UNK]: {unknown}.", stacklevel=2)
        if any(len(sentence) > limit for sentence in tokens):
            warnings.warn(f"Sentences longer than {limit} tokens are truncated.", stacklevel=2)
        vocabulary = self.vectorizers.target_vocabulary
        encoder_model, decoder_model = self.inference_models
        outputs: list[str] = []
        for start in range(0, len(sentences), batch_size):
            ids = self.vectorizers.source(tf.constant(list(sentences[start : start + batch_size])))
            decoded = batch_greedy_decode(
                encoder_model,
                decoder_model,
                ids.numpy(),
                start_index=vocabulary.index(START_TOKEN),
                end_index=vocabulary.index(END_TOKEN),
                max_length=self.max_target_length,
            )
            outputs.extend(" ".join(vocabulary[i] for i in sentence) for sentence in decoded)
        return outputs


def train_scalable(
    pairs: Sequence[tuple[str, str]],
    *,
    max_source_length: int,
    max_target_length: int,
    latent_dim: int = 256,
    embedding_dim: int = 128,
    epochs: int = 20,
    batch_size: int = 64,
    validation_split: float = 0.2,
    optimizer: str | keras.optimizers.Optimizer = "rmsprop",
    strategy: tf.distribute.Strategy | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    verbose: int = 2,
    seed: int = 0,
    max_tokens: int | None = None,
) -> tuple[ScalableTranslator, dict[str, list[float]]]:
    """Vectorize with ``TextVectorization``, build a ``tf.data`` pipeline, and fit.

    Like Keras' ``validation_split``, the last ``validation_split`` of the pairs are kept aside
    for validation. With a ``strategy``, the model is built and compiled inside its scope, and
    ``batch_size`` is the global batch, split between the replicas. ``max_tokens`` caps both
    vocabularies (see ``make_vectorizers``).
    """
    if not 0 <= validation_split < 1:
        raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}.")
    if batch_size < 1 or epochs < 1:
        raise ValueError(f"batch_size and epochs must be positive, got {batch_size}, {epochs}.")
    vectorizers = make_vectorizers(pairs, max_source_length, max_target_length, max_tokens)
    inputs, targets = vectorize_pairs(vectorizers, pairs)
    split = len(pairs) - int(len(pairs) * validation_split)
    if split < 1:
        raise ValueError("validation_split leaves no training pair; use more pairs.")
    train = make_dataset(
        (inputs[0][:split], inputs[1][:split]), targets[:split], batch_size, seed=seed
    )
    validation = None
    if split < len(pairs):
        validation = make_dataset(
            (inputs[0][split:], inputs[1][split:]), targets[split:], batch_size, shuffle=False
        )
    strategy = strategy or tf.distribute.get_strategy()  # the default: this one device
    with strategy.scope():
        model = build_scalable_model(
            len(vectorizers.source_vocabulary),
            len(vectorizers.target_vocabulary),
            latent_dim,
            embedding_dim,
        )
        compile_scalable_model(model, optimizer)
    history = model.fit(
        train,
        validation_data=validation,
        epochs=epochs,
        callbacks=list(callbacks),
        verbose=verbose,
        shuffle=False,  # the dataset shuffles itself, every epoch
    )
    translator = ScalableTranslator(model, vectorizers, max_source_length, max_target_length)
    return translator, history.history


def training_array_bytes(inputs: tuple[np.ndarray, np.ndarray], targets: np.ndarray) -> int:
    """Bytes of the integer training arrays (compare with the one-hot arrays' ``nbytes``)."""
    return int(inputs[0].nbytes + inputs[1].nbytes + targets.nbytes)


def learning_curve(
    train_pairs: Sequence[tuple[str, str]],
    test_pairs: Sequence[tuple[str, str]],
    sizes: Sequence[int],
    **settings,
) -> list[dict[str, float]]:
    """Train a fresh scalable model on the first ``n`` training pairs for each ``n`` in ``sizes``
    (same settings, same seed each time) and score it on ``test_pairs``.

    ``settings`` go to ``train_scalable`` (epochs, max_tokens, latent_dim, ...). Returns one dict
    per size: pairs, BLEU, chrF, exact match (0-100) and training seconds.
    Introduced in notebooks/08_fast_decoding_and_evaluation.ipynb; the benchmark uses it too.
    """
    import time

    from seq2seq_helpers.evaluation import translation_scores

    if not sizes or any(n < 2 or n > len(train_pairs) for n in sizes):
        raise ValueError(
            f"sizes must be between 2 and the {len(train_pairs)} training pairs, got {list(sizes)}."
        )
    sources = [source for source, _ in test_pairs]
    references = [target for _, target in test_pairs]
    points = []
    for n in sizes:
        subset = train_pairs[:n]
        keras.utils.set_random_seed(settings.get("seed", 0))
        start = time.perf_counter()
        translator, _ = train_scalable(subset, verbose=0, **settings)
        seconds = time.perf_counter() - start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown words and long sentences: expected here
            outputs = translator.translate_batch(sources)
        points.append({"pairs": n, **translation_scores(outputs, references), "seconds": seconds})
    return points
