"""Checks for exercises in which the learner writes the model or the decoding code.

Each check runs the learner's code on a tiny model (a few units, a few tokens) next to the
course's reference, and compares what can be compared: input and output shapes, which layers
are in the model, parameter counts, shared weights and, with the same weights, identical
outputs. The feedback names the first thing that differs and how to fix it.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from seq2seq_helpers.checks.feedback import Feedback, report, unanswered

TINY = {"num_encoder_tokens": 7, "num_decoder_tokens": 9, "latent_dim": 4}


def _shape(tensor) -> tuple:
    return tuple(tensor.shape)


def _random_one_hot(rng: np.random.Generator, batch: int, steps: int, width: int) -> np.ndarray:
    array = np.zeros((batch, steps, width), dtype="float32")
    array[
        np.arange(batch)[:, None], np.arange(steps)[None, :], rng.integers(0, width, (batch, steps))
    ] = 1
    return array


def _copy_weights_by_order(source, target) -> bool:
    """Give ``target`` the weights of ``source`` where both have the same weight shapes."""
    source_weights = source.get_weights()
    if [w.shape for w in source_weights] != [w.shape for w in target.get_weights()]:
        return False
    target.set_weights(source_weights)
    return True


def check_training_model(build: Callable | None) -> Feedback:
    """Check a learner's ``build(num_encoder_tokens, num_decoder_tokens, latent_dim)``.

    It must return the lesson's training model: two one-hot inputs, an encoder LSTM whose states
    start the decoder LSTM, and a softmax Dense over the Spanish tokens.
    """
    from seq2seq_helpers.models import build_training_model

    if build is None:
        return unanswered("write build_my_model and pass the function itself (no brackets).")
    if not callable(build):
        return report(False, "pass the function build_my_model itself, not what it returns.")
    try:
        model = build(*TINY.values())
    except Exception as error:  # the learner's code: report any error in words, never crash
        return report(
            False,
            f"build_my_model(7, 9, 4) raised {type(error).__name__}: {error}".strip()[:400]
            + " (is decoder_outputs still None?)",
        )
    if model is None:
        return report(False, "build_my_model returns None: end it with `return Model(...)`.")
    inputs = [_shape(t) for t in getattr(model, "inputs", [])]
    expected_inputs = [
        (None, None, TINY["num_encoder_tokens"]),
        (None, None, TINY["num_decoder_tokens"]),
    ]
    if inputs != expected_inputs:
        return report(
            False,
            f"with 7 English and 9 Spanish tokens the model's inputs are {inputs}; expected "
            f"{expected_inputs}: Model([encoder_inputs, decoder_inputs], ...), each "
            "Input(shape=(None, number of tokens)).",
        )
    layer_types = [type(layer).__name__ for layer in model.layers]
    if layer_types.count("LSTM") < 2:
        return report(
            False,
            f"your model contains {layer_types.count('LSTM')} LSTM layer(s), not 2. Keras keeps only "
            "the layers on a path to the output: without initial_state=encoder_states the "
            "encoder LSTM is not connected to the output and drops out of the model.",
        )
    output = _shape(model.outputs[0])
    if output != (None, None, TINY["num_decoder_tokens"]):
        return report(
            False,
            f"the output has shape {output}; expected (None, None, 9) for 9 Spanish tokens: "
            "the decoder LSTM needs return_sequences=True and the Dense layer "
            "num_decoder_tokens units.",
        )
    reference = build_training_model(**TINY)
    if model.count_params() != reference.count_params():
        return report(
            False,
            f"{model.count_params()} parameters; the lesson's model has "
            f"{reference.count_params()} at this size. Check the LSTM sizes (latent_dim each).",
        )
    rng = np.random.default_rng(0)
    data = [
        _random_one_hot(rng, 3, 5, TINY["num_encoder_tokens"]),
        _random_one_hot(rng, 3, 4, TINY["num_decoder_tokens"]),
    ]
    probabilities = np.asarray(model(data))
    if not np.allclose(probabilities.sum(axis=-1), 1.0, atol=1e-4):
        return report(False, "the outputs do not sum to 1 at each step: use activation='softmax'.")
    if _copy_weights_by_order(reference, model):
        if not np.allclose(
            np.asarray(reference(data)), probabilities := np.asarray(model(data)), atol=1e-5
        ):
            changed = np.asarray(model([data[0] * 0, data[1]]))
            if np.allclose(changed, probabilities, atol=1e-6):
                return report(
                    False,
                    "your decoder ignores the English sentence (its output does not change when "
                    "the encoder input does): pass initial_state=encoder_states to the decoder LSTM.",
                )
            return report(
                False,
                "with the lesson's weights your model computes something else: compare your wiring with the lesson's step by step.",
            )
    return report(
        True,
        f"two inputs, the encoder's states starting the decoder, a softmax over the Spanish "
        f"tokens; {model.count_params()} parameters at this tiny size, as the lesson's.",
    )


def check_model_without_initial_state(model_without_state, model, choice: str | None) -> Feedback:
    """Check the model the learner built without ``initial_state`` and their reading of it."""
    from seq2seq_helpers.checks.choices import check_choice

    if model_without_state is None:
        return unanswered("build model_without_state as the cell says, then choose a, b or c.")
    names = [layer.name for layer in model_without_state.layers]
    if sum(type(layer).__name__ == "LSTM" for layer in model_without_state.layers) > 1:
        return report(
            False,
            f"model_without_state still contains two LSTM layers ({names}): build the decoder "
            "LSTM call again without initial_state=encoder_states.",
        )
    missing = model.count_params() - model_without_state.count_params()
    encoder_weights = model.get_layer("encoder_lstm").count_params()
    verdict = check_choice("no_initial_state", choice)
    measured = (
        f" Measured: model_without_state has {missing:,} fewer parameters than model, and "
        f"encoder_lstm has {encoder_weights:,}; its layers are {names}."
    )
    return Feedback(verdict.ok, verdict.message + measured)
