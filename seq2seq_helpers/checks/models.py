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


def check_model_without_initial_state(
    model_without_state, model, predicted_parameters: int | None
) -> Feedback:
    """Compare the learner's predicted parameter count of the model built without
    ``initial_state`` with the count Keras measures, and explain what the number shows."""
    if model_without_state is None:
        return unanswered("build model_without_state as the cell says, then predict its size.")
    names = [layer.name for layer in model_without_state.layers]
    if sum(type(layer).__name__ == "LSTM" for layer in model_without_state.layers) > 1:
        return report(
            False,
            f"model_without_state still contains two LSTM layers ({names}): build the decoder "
            "LSTM call again without initial_state=encoder_states.",
        )
    if predicted_parameters is None:
        return unanswered("write your predicted count in my_parameter_count before measuring.")
    measured = model_without_state.count_params()
    missing = model.count_params() - measured
    encoder_weights = model.get_layer("encoder_lstm").count_params()
    figures = (
        f" Measured: model_without_state has {measured:,} parameters, {missing:,} fewer than "
        f"model's {model.count_params():,}; encoder_lstm has {encoder_weights:,}; its layers "
        f"are {names}."
    )
    why = (
        "Keras builds a model by walking back from its output; without initial_state no path "
        "leads from the output to encoder_lstm, so the layer and its weights drop out of the "
        "model. The decoder starts every sentence from zeros and never sees the English one: "
        "it can only learn what Spanish usually looks like."
    )
    if predicted_parameters == measured:
        return report(True, f"exactly encoder_lstm's weights are gone. {why}" + figures)
    if predicted_parameters == model.count_params():
        return report(
            False,
            "the shapes still match, so it builds, but not every layer is still in the model: "
            "which layer does the output no longer depend on?" + figures,
        )
    return report(
        False,
        f"you predicted {predicted_parameters:,}: which of model's layers can the output still "
        "reach without initial_state? Add up their parameters." + figures,
    )


# -- notebook 05: inference models and the decoding loop ---------------------------------------


def tiny_gru_model(num_encoder_tokens: int = 7, num_decoder_tokens: int = 9, latent_dim: int = 4):
    """The lesson's model with GRUs (one state each, not two), layers named as in the lesson."""
    from keras.layers import GRU, Dense, Input
    from keras.models import Model

    encoder_inputs = Input(shape=(None, num_encoder_tokens), name="encoder_inputs")
    _, encoder_state = GRU(latent_dim, return_state=True, name="encoder_gru")(encoder_inputs)
    decoder_inputs = Input(shape=(None, num_decoder_tokens), name="decoder_inputs")
    decoder_gru = GRU(latent_dim, return_sequences=True, return_state=True, name="decoder_gru")
    decoder_outputs, _ = decoder_gru(decoder_inputs, initial_state=encoder_state)
    outputs = Dense(num_decoder_tokens, activation="softmax", name="decoder_dense")(decoder_outputs)
    return Model([encoder_inputs, decoder_inputs], outputs)


def check_gru_decoder_model(build_decoder_model: Callable | None) -> Feedback:
    """Check ``build_decoder_model(model) -> decoder_model`` for a GRU seq2seq model.

    The decoder model must take the previous word and *one* state, return the next-word
    probabilities and the new state, and reuse the trained layers (not new ones).
    """
    if build_decoder_model is None:
        return unanswered("write build_my_decoder_model and pass the function itself.")
    model = tiny_gru_model()
    keras_seed = np.random.default_rng(1)
    model.set_weights([keras_seed.normal(0, 0.5, w.shape) for w in model.get_weights()])
    try:
        decoder_model = build_decoder_model(model)
    except Exception as error:  # the learner's code: report it in words
        return report(
            False, f"build_my_decoder_model(model) raised {type(error).__name__}: {error}"[:400]
        )
    if decoder_model is None or not hasattr(decoder_model, "outputs"):
        return report(False, "build_my_decoder_model must return a keras Model.")
    if len(decoder_model.inputs) != 2:
        return report(
            False,
            f"your decoder_model takes {len(decoder_model.inputs)} inputs; a GRU decoder step "
            "needs 2: the previous word and the one state (a GRU has no cell state).",
        )
    if len(decoder_model.outputs) != 2:
        return report(
            False,
            f"your decoder_model returns {len(decoder_model.outputs)} outputs; it must return 2: "
            "the next-word probabilities and the new state, which the next step needs.",
        )
    trained = {id(model.get_layer("decoder_gru")), id(model.get_layer("decoder_dense"))}
    if not trained <= {id(layer) for layer in decoder_model.layers}:
        return report(
            False,
            "your decoder_model does not reuse the trained layers: take them with "
            "model.get_layer('decoder_gru') and model.get_layer('decoder_dense'); new layers "
            "would have untrained weights.",
        )
    rng = np.random.default_rng(2)
    previous_word = _random_one_hot(rng, 2, 1, 9)
    state = rng.normal(0, 1, (2, 4)).astype("float32")
    probabilities, new_state = (np.asarray(t) for t in decoder_model([previous_word, state]))
    reference_probabilities, reference_state = _reference_gru_step(model, previous_word, state)
    if probabilities.shape != reference_probabilities.shape:
        return report(
            False,
            f"the first output has shape {probabilities.shape}, expected "
            f"{reference_probabilities.shape}: return the Dense layer's output first, then the state.",
        )
    if not np.allclose(new_state, reference_state, atol=1e-5):
        return report(
            False,
            "the returned state is not the decoder GRU's new state: pass initial_state=[the "
            "state input] to the GRU and return the state it gives back.",
        )
    if not np.allclose(probabilities, reference_probabilities, atol=1e-5):
        return report(False, "the probabilities differ from the trained model's next-word step.")
    return report(
        True,
        "two inputs (previous word, state), two outputs (probabilities, new state), the "
        "trained layers reused: same numbers as the trained model.",
    )


def _reference_gru_step(model, previous_word: np.ndarray, state: np.ndarray):
    outputs, new_state = model.get_layer("decoder_gru")(previous_word, initial_state=state)
    return np.asarray(model.get_layer("decoder_dense")(outputs)), np.asarray(new_state)


def reference_decode_with_probabilities(input_seq, encoder_model, decoder_model, vocabularies):
    """Greedy decoding that also returns the probability of each chosen word (not of <END>)."""
    target_index = vocabularies.target_features_dict
    tokens = vocabularies.target_tokens
    states = encoder_model.predict(input_seq, verbose=0)
    previous = np.zeros((1, 1, len(tokens)), dtype="float32")
    previous[0, 0, target_index["<START>"]] = 1.0
    words, probabilities = [], []
    while len(words) < vocabularies.max_decoder_seq_length:
        output, hidden, cell = decoder_model.predict([previous, *states], verbose=0)
        index = int(np.argmax(output[0, -1]))
        if tokens[index] == "<END>":
            break
        words.append(tokens[index])
        probabilities.append(float(output[0, -1, index]))
        previous = np.zeros_like(previous)
        previous[0, 0, index] = 1.0
        states = [hidden, cell]
    return words, probabilities


def check_decode_with_probabilities(decode: Callable | None, translator, sentences) -> Feedback:
    """Check ``decode(input_seq) -> (words, probabilities)`` against greedy decoding.

    ``words``: the greedy translation as a list of tokens (or one string); ``probabilities``: the
    probability the model gave each chosen word, one per word.
    """
    if decode is None:
        return unanswered("write decode_with_probabilities and pass the function itself.")
    encoder_model, decoder_model = translator.inference_models
    for sentence in sentences:
        input_seq = translator.encode(sentence)
        expected_words, expected_probabilities = reference_decode_with_probabilities(
            input_seq, encoder_model, decoder_model, translator.vocabularies
        )
        try:
            result = decode(input_seq)
            if result is None:
                return unanswered(
                    "decode_with_probabilities returns None: return words, probabilities."
                )
            words, probabilities = result
        except Exception as error:  # the learner's code: report it in words
            return report(
                False, f"decode_with_probabilities raised {type(error).__name__}: {error}"[:400]
            )
        words = words.split() if isinstance(words, str) else list(words)
        if words != expected_words:
            first = next(
                (i for i, (a, b) in enumerate(zip(words, expected_words)) if a != b),
                min(len(words), len(expected_words)),
            )
            return report(
                False,
                f"for {sentence!r} you decode {words}, greedy decoding gives {expected_words} "
                f"(first difference at word {first + 1}). Feed the chosen word and the new "
                "states back in at every step, and stop at <END>.",
            )
        if len(probabilities) != len(words) or not np.allclose(
            probabilities, expected_probabilities, atol=1e-5
        ):
            return report(
                False,
                f"the words are right, but the probabilities {np.round(probabilities, 3).tolist()} "
                f"should be {np.round(expected_probabilities, 3).tolist()}: one per word, the "
                "probability output_tokens[0, -1, index] of the word you chose.",
            )
    return report(
        True,
        f"the greedy words and the probability of each, for all {len(sentences)} sentences tried; "
        f"e.g. {' '.join(expected_words)!r} with {np.round(expected_probabilities, 2).tolist()}.",
    )


# -- notebooks 07 and 08: the scalable model and batched decoding ------------------------------

SCALABLE_TINY = {
    "source_vocab_size": 11,
    "target_vocab_size": 13,
    "latent_dim": 4,
    "embedding_dim": 3,
}


def _random_ids(rng: np.random.Generator, batch: int, steps: int, vocab: int) -> np.ndarray:
    ids = rng.integers(2, vocab, (batch, steps))
    ids[:, steps - 1 :] = 0  # some padding at the end
    return ids.astype("int64")


def check_scalable_model(build: Callable | None) -> Feedback:
    """Check ``build(source_vocab_size, target_vocab_size, latent_dim, embedding_dim)``: the
    lesson's encoder-decoder on integer ids, with masked padding."""
    from seq2seq_helpers.scalable import build_scalable_model

    if build is None:
        return unanswered("write build_my_scalable_model and pass the function itself.")
    try:
        model = build(*SCALABLE_TINY.values())
    except Exception as error:  # the learner's code: report it in words
        return report(
            False, f"build_my_scalable_model raised {type(error).__name__}: {error}"[:400]
        )
    if model is None or not hasattr(model, "inputs"):
        return report(
            False, "build_my_scalable_model returns None: end it with `return Model(...)`."
        )
    inputs = [(_shape(t), str(t.dtype)) for t in model.inputs]
    if len(inputs) != 2 or any(
        shape != (None, None) or "int" not in dtype for shape, dtype in inputs
    ):
        return report(
            False,
            f"the inputs are {inputs}; expected two rows of integer ids, each "
            "Input(shape=(None,), dtype='int64').",
        )
    reference = build_scalable_model(*SCALABLE_TINY.values())
    if model.count_params() != reference.count_params():
        return report(
            False,
            f"{model.count_params()} parameters; the reference has {reference.count_params()} at "
            "this size: one Embedding per language (vocabulary size x embedding_dim), the two "
            "LSTMs of latent_dim units, and a Dense layer over the target vocabulary.",
        )
    rng = np.random.default_rng(0)
    source, target = _random_ids(rng, 3, 5, 11), _random_ids(rng, 3, 4, 13)
    extra = ((0, 0), (0, 4))
    plain = np.asarray(model([source, target]))
    padded = np.asarray(model([np.pad(source, extra), np.pad(target, extra)]))[:, : target.shape[1]]
    if not np.allclose(plain[:, :-1], padded[:, :-1], atol=1e-5):
        return report(
            False,
            "extra padding changes your model's outputs on the real tokens: give both Embedding "
            "layers mask_zero=True, so the LSTMs skip padded steps.",
        )
    if not np.allclose(plain.sum(axis=-1), 1.0, atol=1e-4):
        return report(False, "the outputs do not sum to 1 at each step: use activation='softmax'.")
    if _copy_weights_by_order(reference, model) and not np.allclose(
        np.asarray(reference([source, target])), np.asarray(model([source, target])), atol=1e-5
    ):
        return report(
            False,
            "with the reference's weights your model computes something else: check that the "
            "decoder LSTM starts from the encoder's states (initial_state).",
        )
    return report(
        True,
        f"ids in, masked embeddings, the lesson's LSTMs and softmax: {model.count_params()} "
        "parameters at this tiny size, padding ignored, same outputs as the reference.",
    )


def check_batch_decode(decode: Callable | None) -> Feedback:
    """Check ``decode(encoder_model, decoder_model, source_ids, start_index, end_index,
    max_length) -> list of token-id lists`` against ``batch_greedy_decode`` on a tiny model."""
    from seq2seq_helpers.fast_decoding import batch_greedy_decode
    from seq2seq_helpers.scalable import build_scalable_inference_models, build_scalable_model

    if decode is None:
        return unanswered("write my_batch_greedy_decode and pass the function itself.")
    model = build_scalable_model(*SCALABLE_TINY.values())
    rng = np.random.default_rng(3)
    model.set_weights([rng.normal(0, 0.8, w.shape) for w in model.get_weights()])
    encoder_model, decoder_model = build_scalable_inference_models(model)
    source_ids = _random_ids(rng, 6, 5, 11)
    # Choose as "<END>" the id whose first appearance ends the sentences at the most different
    # lengths, so that the check sees sentences stop at different steps.
    endless = batch_greedy_decode(
        encoder_model, decoder_model, source_ids, start_index=2, end_index=-1, max_length=6
    )

    def lengths_if_end(token):
        return {s.index(token) if token in s else len(s) for s in endless}

    end_index = max(range(3, 13), key=lambda token: len(lengths_if_end(token)))
    settings = {"start_index": 2, "end_index": end_index, "max_length": 6}
    expected = batch_greedy_decode(encoder_model, decoder_model, source_ids, **settings)
    try:
        result = decode(encoder_model, decoder_model, source_ids, *settings.values())
    except Exception as error:  # the learner's code: report it in words
        return report(False, f"my_batch_greedy_decode raised {type(error).__name__}: {error}"[:400])
    if result is None:
        return unanswered(
            "my_batch_greedy_decode returns None: return one list of ids per sentence."
        )
    result = [[int(i) for i in sentence] for sentence in result]
    if len(result) != len(expected):
        return report(
            False, f"{len(result)} sentences back for {len(expected)} in: one list per input row."
        )
    for row, (got, want) in enumerate(zip(result, expected)):
        if got != want:
            hint = (
                "a sentence stops at its first <END>, which is not part of the output"
                if settings["end_index"] in got
                else "at every step feed each sentence's chosen id and the new states back "
                "in, and stop a sentence at its first <END>"
            )
            return report(False, f"sentence {row}: you decode {got}, greedy gives {want}: {hint}.")
    lengths = [len(sentence) for sentence in expected]
    return report(
        True,
        f"the same ids as batch_greedy_decode for all {len(expected)} sentences "
        f"(lengths {lengths}), decoded together, one decoder call per step.",
    )
