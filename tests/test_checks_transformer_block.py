"""Notebook 10's decoder-block exercise and its parameter-count prediction: the check's
reference is the helper's decoder layer, a right answer passes in its usual spellings, and each
typical mistake is named."""

import keras
import numpy as np
import pytest
from keras import layers, ops

from seq2seq_helpers.checks import check_attention_parameters, check_decoder_block
from seq2seq_helpers.checks import decoder_block as checks_decoder_block
from seq2seq_helpers.transformer import build_transformer_model


def decoder_block(
    *,
    causal=True,
    source_mask=True,
    pre_norm=True,
    residuals=(1, 1, 1),
    key_dim=None,
    swap=False,
    mask_keyword="value_mask",
    activations=("relu", None),
):
    """A learner's block, right by default, with one typical mistake when asked."""

    def block(x, encoder_outputs, mask, num_heads, ff_dim):
        width = x.shape[-1]
        attend_self = layers.MultiHeadAttention(num_heads, key_dim or width // num_heads)
        attend_source = layers.MultiHeadAttention(num_heads, key_dim or width // num_heads)
        hidden = layers.Dense(ff_dim, activation=activations[0])
        out = layers.Dense(width, activation=activations[1])
        masks = {mask_keyword: mask if source_mask else None}
        branches = [
            lambda h: attend_self(h, h, use_causal_mask=causal),
            lambda h: (
                attend_source(encoder_outputs, h)
                if swap
                else attend_source(h, encoder_outputs, **masks)
            ),
            lambda h: out(hidden(h)),
        ]
        for branch, residual in zip(branches, residuals):
            if not pre_norm:
                x = layers.LayerNormalization()(x + branch(x))
                continue
            h = branch(layers.LayerNormalization()(x))
            x = layers.Add()([x, h]) if residual else h
        return x

    return block


def test_the_checks_reference_is_the_helpers_decoder_layer():
    keras.utils.set_random_seed(4)
    sizes = dict(model_dim=16, num_heads=2, num_layers=1, ff_dim=32, dropout=0.0)
    model = build_transformer_model(20, 20, max_source_length=6, max_target_length=4, **sizes)
    inside = keras.Model(
        model.inputs,
        [model.get_layer(name).output for name in ("decoder_positions", "encoder_norm")]
        + [model.get_layer("decoder_0_ffn_add").output],
    )
    reference = checks_decoder_block._ReferenceBlock(np.random.default_rng(0))
    for mine, name in zip(
        sum(reference.by_kind().values(), []),
        ["decoder_0_self_norm", "decoder_0_cross_norm", "decoder_0_ffn_norm"]
        + ["decoder_0_self_attention", "decoder_0_cross_attention"]
        + ["decoder_0_ffn_hidden", "decoder_0_ffn_out"],
    ):
        mine.set_weights(model.get_layer(name).get_weights())
    source = np.array([[5, 6, 7, 8, 9, 3], [5, 6, 7, 0, 0, 0]], dtype="int64")
    target = np.array([[2, 9, 10, 11], [2, 12, 13, 14]], dtype="int64")
    x, encoder_outputs, block_outputs = (np.asarray(t) for t in inside([source, target]))
    ours = reference(x, encoder_outputs, source != 0)
    assert np.allclose(ours, block_outputs, atol=1e-5)
    # ... and the check tells a mistake apart on the helper's own numbers.
    assert not np.allclose(reference(x, encoder_outputs, source != 0, "post-norm"), ours)


def test_check_decoder_block_passes_a_right_block_however_written():
    assert check_decoder_block(decoder_block())

    def with_plus_dropout_and_attention_mask(x, encoder_outputs, mask, num_heads, ff_dim):
        width = x.shape[-1]
        h = layers.LayerNormalization()(x)
        attend = layers.MultiHeadAttention(num_heads, width // num_heads, dropout=0.1)
        x = x + layers.Dropout(0.1)(attend(h, h, use_causal_mask=True))
        h = layers.LayerNormalization()(x)
        attend = layers.MultiHeadAttention(num_heads, width // num_heads)
        x = x + attend(h, encoder_outputs, attention_mask=ops.expand_dims(mask, 1))
        h = layers.LayerNormalization()(x)
        return x + layers.Dense(width)(layers.Dense(ff_dim, activation="relu")(h))

    feedback = check_decoder_block(with_plus_dropout_and_attention_mask)
    assert feedback, feedback


@pytest.mark.parametrize(
    "mistake, named",
    [
        (dict(causal=False), "no causal mask"),
        (dict(source_mask=False), "gets no source mask: padded source positions receive weight 0."),
        (dict(pre_norm=False), "post-norm"),
        (dict(residuals=(1, 0, 1)), "the cross-attention has no residual connection"),
        (dict(key_dim=16), "key_dim = width // num_heads"),
        (dict(swap=True), "its output has the source's length"),
        (dict(mask_keyword="attention_mask"), "attention_mask must be (batch, target, source)"),
        (dict(activations=("relu", "relu")), "activations relu and relu: the first (ff_dim"),
        (dict(activations=(None, None)), "activations linear and linear: the first (ff_dim"),
    ],
)
def test_check_decoder_block_names_each_typical_mistake(mistake, named):
    feedback = check_decoder_block(decoder_block(**mistake))
    assert not feedback and named in str(feedback), feedback


def test_check_decoder_block_says_the_same_every_run():
    # The reference's weights come from the check's own generator, not from Keras' global seed.
    first, second = (str(check_decoder_block(decoder_block(source_mask=False))) for _ in "ab")
    assert first == second


def test_check_decoder_block_on_unfinished_answers():
    assert "Not answered" in str(check_decoder_block(None))
    assert "returns None" in str(check_decoder_block(lambda *arguments: None))
    zero = str(check_decoder_block(lambda *arguments: 1 / 0))
    assert "raised ZeroDivisionError" in zero and "x.shape[-1]" not in zero  # no size hint
    one_attention = check_decoder_block(lambda x, e, m, h, f: layers.MultiHeadAttention(h, 8)(x, e))
    assert "1 MultiHeadAttention layer(s)" in str(one_attention)


def residual(x, sub_block, name):
    """Notebook 10's residual, dropout left out."""
    h = layers.LayerNormalization(name=f"{name}_norm")(x)
    return layers.Add(name=f"{name}_add")([x, sub_block(h)])


@pytest.mark.parametrize("names", [("self", "cross", "ffn"), ("block", "block", "block")])
def test_check_decoder_block_with_residual_wants_a_name_per_call(names):
    def block(x, encoder_outputs, mask, num_heads, ff_dim):
        width = x.shape[-1]
        attend_self = layers.MultiHeadAttention(num_heads, width // num_heads)
        attend_source = layers.MultiHeadAttention(num_heads, width // num_heads)
        hidden, out = layers.Dense(ff_dim, activation="relu"), layers.Dense(width)
        x = residual(x, lambda h: attend_self(h, h, use_causal_mask=True), names[0])
        x = residual(x, lambda h: attend_source(h, encoder_outputs, value_mask=mask), names[1])
        return residual(x, lambda h: out(hidden(h)), names[2])

    feedback = check_decoder_block(block)
    if len(set(names)) == 3:
        assert feedback, feedback
    else:
        assert not feedback and "give each call of residual its own name" in str(feedback)
        assert "x.shape[-1]" not in str(feedback)


def test_check_decoder_block_gives_the_size_hint_on_shape_errors():
    def notebook_sizes(x, encoder_outputs, mask, num_heads, ff_dim):
        return layers.Add()([x, layers.Dense(32)(x)])  # the notebook's MODEL_DIM, not x's width

    assert "take the sizes from x.shape[-1]" in str(check_decoder_block(notebook_sizes))


def test_check_attention_parameters_names_each_mistake():
    layer = layers.MultiHeadAttention(num_heads=4, key_dim=8)
    vectors = np.zeros((1, 3, 32), "float32")
    layer(vectors, vectors)
    full = 32 * 32 + 32  # one projection: kernel + bias
    assert check_attention_parameters(4 * full, layer)
    assert "left out the biases" in str(check_attention_parameters(4 * 32 * 32, layer))
    assert "output projection" in str(check_attention_parameters(3 * full, layer))
    every_head_whole = 4 * 3 * full + 4 * 32 * 32 + 32
    assert "whole width" in str(check_attention_parameters(every_head_whole, layer))
    assert "the layer has 4,224" in str(check_attention_parameters(5, layer))
    assert "Not answered" in str(check_attention_parameters(None, layer))
    assert "not a whole number" in str(check_attention_parameters("4224", layer))
    with pytest.raises(ValueError, match="called once"):
        check_attention_parameters(1, layers.MultiHeadAttention(2, 4))
