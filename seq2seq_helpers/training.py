"""Compile and fit the lesson's model in one call.

Introduced in notebooks/04_build_compile_fit.ipynb, where every call is written out; later
notebooks (05 when no saved model exists, 06 for the chatbot) reuse this helper.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from seq2seq_helpers.models import build_training_model
from seq2seq_helpers.text import prepare_training_setup
from seq2seq_helpers.translator import Translator, Vocabularies
from seq2seq_helpers.vectorize import make_training_arrays


def train_translator(
    pairs: Sequence[tuple[str, str]],
    *,
    latent_dim: int = 256,
    epochs: int = 100,
    batch_size: int = 10,
    validation_split: float = 0.2,
    optimizer: str | keras.optimizers.Optimizer = "rmsprop",
    callbacks: Sequence[keras.callbacks.Callback] = (),
    verbose: int = 2,
) -> tuple[Translator, dict[str, list[float]]]:
    """Prepare the one-hot arrays, build, compile and fit the lesson's model.

    Returns the trained ``Translator`` and the training history (``model.fit(...).history``).
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}.")
    if not 0 <= validation_split < 1:
        raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}.")
    if validation_split and len(pairs) * validation_split < 1:
        raise ValueError(
            f"validation_split={validation_split} of {len(pairs)} pairs leaves no validation "
            "pair; use more pairs or validation_split=0."
        )
    setup = prepare_training_setup(pairs)
    encoder_input_data, decoder_input_data, decoder_target_data = make_training_arrays(setup)
    model = build_training_model(setup.num_encoder_tokens, setup.num_decoder_tokens, latent_dim)
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        [encoder_input_data, decoder_input_data],
        decoder_target_data,
        batch_size=batch_size,
        epochs=epochs,
        validation_split=validation_split,
        callbacks=list(callbacks),
        verbose=verbose,
    )
    return Translator(model, Vocabularies.from_setup(setup)), history.history
