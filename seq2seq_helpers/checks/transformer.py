"""Checks for notebook 10's exercises: the causal mask and a predicted parameter count of
``MultiHeadAttention`` (the decoder block's check is in ``decoder_block.py``), and the encoder
block of earlier versions of the notebook. Each names the first thing that is wrong and why."""

from __future__ import annotations

from typing import Callable

import numpy as np

from seq2seq_helpers.checks.feedback import Feedback, report, unanswered


def check_causal_mask(causal_mask: Callable | None) -> Feedback:
    """Check ``causal_mask(length) -> (length, length)`` booleans, True where query position
    ``i`` may attend to key position ``j`` (``j <= i``)."""
    if causal_mask is None:
        return unanswered("write my_causal_mask and pass the function itself.")
    for length in (1, 4, 7):
        expected = np.tril(np.ones((length, length), dtype=bool))
        try:
            got = causal_mask(length)
        except Exception as error:  # the learner's code: report it in words
            return report(False, f"my_causal_mask raised {type(error).__name__}: {error}"[:400])
        if got is None:
            return unanswered("my_causal_mask returns None: return the (length, length) mask.")
        got = np.asarray(got)
        if got.shape != expected.shape:
            return report(
                False,
                f"for length {length} the mask has shape {got.shape}, expected {expected.shape}: "
                "one row per query position, one column per key position.",
            )
        got = got.astype(bool)
        if np.array_equal(got, expected):
            continue
        if np.array_equal(got, expected.T):
            return report(
                False,
                "the mask is transposed: row i is query position i, and it may see the columns "
                "j <= i (the past), not j >= i (the future).",
            )
        if np.array_equal(got, np.tril(expected, -1)):
            return report(
                False,
                "the diagonal is False: a position must see itself (its own word is the input "
                "it predicts the next word from); only later positions are hidden.",
            )
        wrong = np.argwhere(got != expected)[0]
        return report(
            False,
            f"for length {length}, query {wrong[0]} and key {wrong[1]} should be "
            f"{bool(expected[tuple(wrong)])}: a query sees every key up to its own position.",
        )
    return report(
        True,
        "True on and below the diagonal: every position sees itself and the positions before "
        "it, never a later one (np.tril of ones, what use_causal_mask=True builds).",
    )


MODEL_DIM = 16


def check_encoder_block(encoder_block: Callable | None) -> Feedback:
    """Check ``encoder_block(x, num_heads, ff_dim) -> y``: Keras layers on a (batch, time,
    16) tensor, with self-attention, feed-forward, residual connections and layer
    normalization, giving the same shape back and treating every position alike."""
    import keras

    if encoder_block is None:
        return unanswered("write my_encoder_block and pass the function itself.")
    inputs = keras.Input(shape=(None, MODEL_DIM))
    try:
        outputs = encoder_block(inputs, 2, 32)
        if outputs is None:
            return unanswered("my_encoder_block returns None: return the block's output tensor.")
        model = keras.Model(inputs, outputs)
    except Exception as error:  # the learner's code: report it in words
        return report(False, f"my_encoder_block raised {type(error).__name__}: {error}"[:400])
    kinds = [type(layer).__name__ for layer in model.layers]
    needed = {
        "MultiHeadAttention": "self-attention: layers.MultiHeadAttention(...)(h, h)",
        "LayerNormalization": "layer normalization around each sub-block",
        "Add": "residual connections: layers.Add()([x, sub_block_output])",
    }
    for kind, what in needed.items():
        if kind not in kinds:
            return report(False, f"the block has no {kind} layer: it needs {what}.")
    if kinds.count("Add") < 2:
        return report(
            False,
            "the block has one Add: both the attention and the feed-forward part need their own "
            "residual connection.",
        )
    if kinds.count("Dense") < 2:
        return report(
            False,
            "the feed-forward part needs two Dense layers: ff_dim units with relu, then back to "
            "the model's width.",
        )
    if "LSTM" in kinds or "GRU" in kinds:
        return report(False, "the block has a recurrent layer: self-attention replaces it.")
    x = np.random.default_rng(3).normal(size=(2, 5, MODEL_DIM)).astype("float32")
    y = np.asarray(model(x, training=False))
    if y.shape != x.shape:
        return report(
            False,
            f"the block turns {x.shape} into {y.shape}: it must give back the shape it gets, "
            "so blocks can be stacked (end the feed-forward part with the input's width).",
        )
    order = np.array([3, 0, 4, 1, 2])
    permuted = np.asarray(model(x[:, order], training=False))
    if not np.allclose(permuted, y[:, order], atol=1e-4):
        return report(
            False,
            "shuffling the positions changes more than the order of the outputs: an encoder "
            "block treats every position alike (order comes from the position embeddings).",
        )
    return report(
        True,
        "a Transformer encoder block: self-attention and a feed-forward part, each with a "
        "residual connection and layer normalization, the same shape out as in. Note that "
        "shuffling the words only shuffles its outputs: without positions it cannot tell the "
        "order.",
    )


def check_attention_parameters(answer: int | None, layer) -> Feedback:
    """Check a prediction of a built ``MultiHeadAttention`` layer's parameter count, against
    ``layer.count_params()``: four projections (query, key, value, output), each a kernel and
    a bias."""
    from keras import layers

    if not isinstance(layer, layers.MultiHeadAttention) or not layer.built:
        raise ValueError(
            f"pass a MultiHeadAttention layer that has been called once (or is part of a built "
            f"model), for example transformer.get_layer('decoder_0_cross_attention'); got {layer!r}."
        )
    projections = {
        "query": layer.query_dense,
        "key": layer.key_dense,
        "value": layer.value_dense,
        "output": layer.output_dense,
    }
    if answer is None:
        return unanswered("replace None with your prediction (a number, or a formula).")
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        return report(False, f"{answer!r} is not a whole number: predict a count of numbers.")
    kernels = {name: int(np.prod(part.kernel.shape)) for name, part in projections.items()}
    biases = {name: int(np.prod(part.bias.shape)) for name, part in projections.items()}
    measured = layer.count_params()
    width, heads = layer.query_dense.kernel.shape[0], layer.num_heads
    typical = {
        sum(kernels.values()): "you counted the kernels but left out the biases: each of the "
        "four projections also adds one number per output unit.",
        measured - kernels["output"] - biases["output"]: "you left out the output projection: "
        "the heads' outputs, side by side, go through one more kernel back to the model's width "
        "(and its bias).",
        heads * 3 * (width * width + width) + heads * width * width + width: "each head does "
        "not get the whole width: key_dim = width // num_heads, so all the heads together cost "
        "what one full-width projection costs.",
    }
    parts = ", ".join(f"{name} {kernels[name]:,} + {biases[name]:,}" for name in projections)
    if answer == measured:
        return report(True, f"{measured:,} parameters, measured: {parts} (kernel + bias).")
    measured_text = f" (You predicted {answer:,}; the layer has {measured:,}.)"
    if answer in typical:
        return report(False, typical[answer] + measured_text)
    return report(
        False,
        "count four projections: query, key and value each take a width-"
        f"{width} vector to {heads} heads x key_dim numbers, the output takes them back to the "
        "width; each is a kernel (inputs x outputs) and a bias (one per output)." + measured_text,
    )
