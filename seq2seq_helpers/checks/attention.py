"""Checks for notebook 09's exercises: attention weights written by hand, and ``[UNK]``
replacement. Each runs the learner's function next to the course's reference on small random
cases and names the first thing that differs."""

from __future__ import annotations

import re
from typing import Callable

import numpy as np

from seq2seq_helpers.checks.feedback import Feedback, report, unanswered


def _attention_case(rng: np.random.Generator):
    query = rng.normal(size=(2, 3, 4)).astype("float32")
    values = rng.normal(size=(2, 5, 4)).astype("float32")
    mask = np.array([[True] * 5, [True, True, True, False, False]])
    return query, values, mask


def check_attention_weights(attention_weights: Callable | None) -> Feedback:
    """Check ``attention_weights(query, values, value_mask) -> weights`` (NumPy, shapes
    (batch, Tq, d), (batch, Tv, d), (batch, Tv) booleans -> (batch, Tq, Tv)) against
    ``keras.layers.Attention`` (Luong's dot-product score) with the same mask."""
    import keras

    if attention_weights is None:
        return unanswered("write my_attention_weights and pass the function itself.")
    query, values, mask = _attention_case(np.random.default_rng(5))
    _, expected = keras.layers.Attention()(
        [query, values], mask=[None, mask], return_attention_scores=True
    )
    expected = np.asarray(expected)
    try:
        got = attention_weights(query, values, mask)
    except Exception as error:  # the learner's code: report it in words
        return report(False, f"my_attention_weights raised {type(error).__name__}: {error}"[:400])
    if got is None:
        return unanswered("my_attention_weights returns None: return the weights array.")
    got = np.asarray(got, dtype="float64")
    if got.shape != expected.shape:
        return report(
            False,
            f"the weights have shape {got.shape}, expected {expected.shape} (batch, query steps, "
            "source positions): compare every query row with every value row (query @ values^T).",
        )
    if np.abs(got[1, :, 3:]).max() > 1e-6:
        return report(
            False,
            "padded source positions (mask False) get weight "
            f"{np.abs(got[1, :, 3:]).max():.3f}: set their scores to a large negative number "
            "before the softmax, so they get weight 0.",
        )
    if not np.allclose(got.sum(axis=-1), 1, atol=1e-4):
        return report(
            False,
            "a query row's weights do not sum to 1: take the softmax over the source positions "
            "(the last axis).",
        )
    if not np.allclose(got, expected, atol=1e-4):
        return report(
            False,
            "the weights differ from keras.layers.Attention's: the score of a source position is "
            "the dot product of the query with that position's value, unscaled.",
        )
    return report(
        True,
        "the same weights as keras.layers.Attention: dot-product scores, padded positions "
        "masked out, a softmax over the source positions.",
    )


def check_unknown_replacement(replace: Callable | None) -> Feedback:
    """Check ``replace(output_tokens, attention, source_tokens) -> tokens`` against
    ``attention.replace_unknown_words`` on a few cases."""
    from seq2seq_helpers.attention import replace_unknown_words

    if replace is None:
        return unanswered("write my_replace_unknown and pass the function itself.")
    rng = np.random.default_rng(11)
    source = ["i", "met", "ana", "in", "lisbon", "."]
    to_the_stop = np.array([[0.1, 0.1, 0.1, 0.1, 0.2, 0.4]])  # most weight on ".": copy "lisbon"
    cases = [
        (["conocí", "a", "[UNK]", "en", "[UNK]", "."], rng.dirichlet(np.ones(6), size=7)),
        (["hola", "."], rng.dirichlet(np.ones(6), size=3)),
        (["[UNK]"], rng.dirichlet(np.ones(6), size=2)),
        (["[UNK]", "."], np.vstack([to_the_stop, to_the_stop])),
    ]
    for output, attention in cases:
        expected = replace_unknown_words(output, attention, source)
        try:
            got = replace(list(output), attention.copy(), list(source))
        except Exception as error:  # the learner's code: report it in words
            return report(False, f"my_replace_unknown raised {type(error).__name__}: {error}"[:400])
        if got is None:
            return unanswered("my_replace_unknown returns None: return the list of tokens.")
        if list(got) != expected:
            return report(
                False,
                f"for {output} you return {list(got)}, expected {expected}: replace only "
                "'[UNK]', by the source word (a token with a letter or digit) with the largest "
                "weight in that output step's attention row.",
            )
    return report(
        True,
        "every [UNK] becomes the source word its step attends to most (punctuation never); "
        "other words are kept.",
    )


# -- the attention decoder written with Keras layers -------------------------------------------

DECODER_TINY = {"units": 4, "vocab": 9, "target_steps": 5, "source_steps": 6}
ATTENTIONAL_ACTIVATIONS = ("softmax", "relu", "sigmoid", "linear")


def _decoder_case(rng: np.random.Generator):
    """Decoder outputs, encoder outputs and a source mask: row 0 has no padding, rows 1 and 2
    end with 2 and 4 padded positions (whose encoder outputs are not zero, as an LSTM's are not)."""
    batch, units = 3, DECODER_TINY["units"]
    decoder_outputs = rng.uniform(-1, 1, (batch, DECODER_TINY["target_steps"], units))
    encoder_outputs = rng.uniform(-1, 1, (batch, DECODER_TINY["source_steps"], units))
    source_mask = np.arange(DECODER_TINY["source_steps"]) < np.array([[6], [4], [2]])
    return [decoder_outputs.astype("float32"), encoder_outputs.astype("float32"), source_mask]


def reference_attention_decoder(
    decoder_outputs,
    encoder_outputs,
    source_mask,
    target_vocab_size: int,
    attention_layer=None,
    *,
    masked: bool = True,
    context_first: bool = False,
    activation: str = "tanh",
):
    """Notebook 09's decoder head, as ``build_attention_model`` writes it: attention over the
    encoder's outputs (the source mask as the value mask), ``[decoder_outputs, context]``
    concatenated, a ``tanh`` Dense layer (the attentional vector) and the softmax. The keyword
    arguments build the typical mistakes the check compares a learner's model with."""
    from keras import layers

    attention_layer = attention_layer or layers.Attention(name="attention")
    mask = [None, source_mask] if masked else None
    context = attention_layer([decoder_outputs, encoder_outputs], mask=mask)
    pieces = [context, decoder_outputs] if context_first else [decoder_outputs, context]
    attentional = layers.Dense(
        decoder_outputs.shape[-1], activation=activation, name="attention_dense"
    )(layers.Concatenate(name="attention_concat")(pieces))
    return layers.Dense(target_vocab_size, activation="softmax", name="decoder_dense")(attentional)


def _error(error: Exception) -> str:
    """An exception in one line of plain text (Keras colours parts of its messages)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", f"{type(error).__name__}: {error}")
    return " ".join(text.split())[:300]


def _decoder_inputs():
    import keras

    units = DECODER_TINY["units"]
    return [
        keras.Input(shape=(None, units), name="decoder_outputs"),
        keras.Input(shape=(None, units), name="encoder_outputs"),
        keras.Input(shape=(None,), dtype="bool", name="source_mask"),
    ]


def _reference_model(attention_layer, weights: dict, **mistake):
    """A reference decoder with a copy of ``attention_layer`` and the given weights by layer name."""
    import keras

    inputs = _decoder_inputs()
    attention = type(attention_layer).from_config(attention_layer.get_config())
    outputs = reference_attention_decoder(*inputs, DECODER_TINY["vocab"], attention, **mistake)
    model = keras.Model(inputs, outputs)
    for layer in model.layers:
        if layer.weights:
            layer.set_weights(
                weights[layer.name] if layer.name in weights else weights["attention"]
            )
    return model


def _shapes(layer) -> list[tuple]:
    return [tuple(weight.shape) for weight in layer.weights]


def _copy_by_shapes(reference, model) -> bool:
    """Give each of ``model``'s layers the weights of the reference layer of the same shapes;
    False when the two models' layers with weights do not pair up one to one."""
    free = [layer for layer in reference.layers if layer.weights]
    pairs = []
    for layer in (layer for layer in model.layers if layer.weights):
        match = next((other for other in free if _shapes(other) == _shapes(layer)), None)
        if match is None:
            return False
        free.remove(match)
        pairs.append((layer, match))
    if free:
        return False
    for layer, match in pairs:
        layer.set_weights(match.get_weights())
    return True


def _describe(model) -> str:
    """The layers with weights, e.g. "Dense 8 -> 4 (tanh), Dense 4 -> 9 (softmax)"."""
    parts = []
    for layer in (layer for layer in model.layers if layer.weights):
        kernel = _shapes(layer)[0]
        if len(kernel) == 2 and hasattr(layer, "activation"):
            name = getattr(layer.activation, "__name__", "?")
            parts.append(f"{type(layer).__name__} {kernel[0]} -> {kernel[1]} ({name})")
        else:
            parts.append(f"{type(layer).__name__} ({layer.count_params()} weights)")
    return ", ".join(parts) or "none"


def check_attention_decoder(build: Callable | None) -> Feedback:
    """Check ``build(decoder_outputs, encoder_outputs, source_mask, target_vocab_size)``, the
    learner's attention decoder from Keras layers, on symbolic inputs of 4 units and 9 words.

    The learner's model gets the reference's weights (layer by layer, by weight shapes), then its
    outputs are compared with the reference's; where they differ, with the typical mistakes'
    (no source mask, the concatenation the other way round, another activation than ``tanh``).
    """
    import keras

    if build is None:
        return unanswered("write my_attention_decoder and pass the function itself.")
    if not callable(build):
        return report(False, "pass the function my_attention_decoder itself, not what it returns.")
    inputs = _decoder_inputs()
    units, vocab = DECODER_TINY["units"], DECODER_TINY["vocab"]
    try:
        probabilities = build(*inputs, vocab)
        if probabilities is None:
            return unanswered("my_attention_decoder returns None: return the softmax's output.")
        model = keras.Model(inputs, probabilities)
    except Exception as error:  # the learner's code: report it in words
        return report(False, f"my_attention_decoder raised {_error(error)}")
    attentions = [
        layer
        for layer in model.layers
        if isinstance(layer, (keras.layers.Attention, keras.layers.AdditiveAttention))
    ]
    if not attentions:
        return report(
            False,
            "your decoder has no attention layer: the context comes from "
            "layers.Attention() (or AdditiveAttention) called on [decoder_outputs, encoder_outputs].",
        )
    case = _decoder_case(np.random.default_rng(7))
    try:
        got = np.asarray(model(case))
    except Exception as error:  # e.g. a mask in the wrong place: TensorFlow's text says little
        return report(
            False,
            "your decoder fails on a batch of 3 sentences of 5 target steps and 6 source "
            f"positions ({type(error).__name__}). Is each mask in its place? The attention takes "
            "mask=[query mask, value mask]: source_mask (batch, source positions) is the value "
            "mask, the second; these decoder outputs have no target mask, so the first is None.",
        )
    expected_shape = (3, DECODER_TINY["target_steps"], vocab)
    if got.shape != expected_shape:
        swapped = got.shape[1] == DECODER_TINY["source_steps"]
        hint = (
            "one row per source position: the attention's query (first) must be decoder_outputs "
            "and its value (second) encoder_outputs"
            if swapped
            else "end with Dense(target_vocab_size, activation='softmax') on the attentional vector"
        )
        return report(
            False, f"your output has shape {got.shape}, expected {expected_shape}: {hint}."
        )
    rng = np.random.default_rng(8)
    shapes = {
        "attention_dense": [(2 * units, units), (units,)],
        "decoder_dense": [(units, vocab), (vocab,)],
    }
    weights = {
        name: [rng.normal(0, 0.8, shape) for shape in parts] for name, parts in shapes.items()
    }
    weights["attention"] = [rng.uniform(0.5, 1.5, tuple(w.shape)) for w in attentions[0].weights]
    reference = _reference_model(attentions[0], weights)
    if not _copy_by_shapes(reference, model):
        return report(
            False,
            f"your layers with weights are {_describe(model)}; the course's are "
            f"{_describe(reference)}: a tanh Dense layer of {units} units on the concatenation "
            f"of decoder output and context ({2 * units} numbers), then the softmax over "
            f"the {vocab} words.",
        )
    got, expected = np.asarray(model(case)), np.asarray(reference(case))
    if np.allclose(got, expected, atol=1e-5):
        return report(
            True,
            f"the context from {type(attentions[0]).__name__} with the source mask, "
            "[decoder_outputs, context] through a tanh Dense layer, then the softmax: the same "
            "outputs as the course's decoder with the same weights.",
        )
    return report(False, _first_difference(model, case, got, attentions[0], weights))


def _first_difference(model, case, got, attention_layer, weights) -> str:
    """Name the typical mistake whose outputs the learner's model reproduces."""
    if not np.allclose(got.sum(axis=-1), 1.0, atol=1e-4):
        return (
            "the outputs do not sum to 1 at each step: the last Dense needs activation='softmax'."
        )
    decoder_outputs, encoder_outputs, source_mask = case
    moved = [decoder_outputs, encoder_outputs + 0.5 * source_mask[..., None], source_mask]
    if np.allclose(np.asarray(model(moved)), got, atol=1e-6):
        return (
            "your outputs do not change when the encoder's outputs do: the attention's value "
            "(its second input) must be encoder_outputs."
        )
    unmasked = _reference_model(attention_layer, weights, masked=False)
    if np.allclose(np.asarray(unmasked(case)), got, atol=1e-5):
        layer = unmasked.get_layer(attention_layer.name)
        _, scores = layer(case[:2], return_attention_scores=True)
        on_padding = float(
            np.asarray(scores)[~np.broadcast_to(source_mask[:, None, :], scores.shape)].max()
        )
        return (
            "your attention gets no source mask: padded source positions receive weight up to "
            f"{on_padding:.3f} (they should get 0). Call it with mask=[None, source_mask]: the "
            "source mask is the value mask; the query mask is None because these decoder outputs "
            "carry no target mask (here and in the inference decoder). The training model passes "
            "target_mask there, so that its loss skips padded target steps."
        )
    if np.allclose(
        np.asarray(_reference_model(attention_layer, weights, context_first=True)(case)),
        got,
        atol=1e-5,
    ):
        return (
            "you concatenate [context, decoder_outputs]; the course's order, whose weights your "
            "model was given, is [decoder_outputs, context]: the same layer with its input "
            "columns swapped computes something else."
        )
    for activation in ATTENTIONAL_ACTIVATIONS:
        variant = _reference_model(attention_layer, weights, activation=activation)
        if np.allclose(np.asarray(variant(case)), got, atol=1e-5):
            return (
                f"your attentional layer uses {activation}; Luong's attentional vector is "
                "tanh(W [decoder output; context]): Dense(units, activation='tanh')."
            )
    return (
        "with the course's weights your decoder computes something else: compare it step by "
        "step with section 2 (attention with the source mask, concatenate, tanh Dense, softmax Dense)."
    )
