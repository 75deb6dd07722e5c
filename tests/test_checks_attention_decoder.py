"""check_attention_decoder: the learner's attention decoder from Keras layers (notebook 09).

Each typical mistake must be named in the feedback, and the reference the check compares with
must be the decoder head that build_attention_model builds."""

import keras
import numpy as np
import pytest
from keras import layers

from seq2seq_helpers import checks
from seq2seq_helpers.attention import build_attention_model
from seq2seq_helpers.checks.attention import reference_attention_decoder


def decoder(
    score=layers.Attention, masked=True, context_first=False, activation="tanh", attentional=True
):
    """A learner's answer, right by default; each keyword makes one typical mistake."""

    def build(decoder_outputs, encoder_outputs, source_mask, target_vocab_size):
        units = decoder_outputs.shape[-1]
        mask = [None, source_mask] if masked else None
        context = score()([decoder_outputs, encoder_outputs], mask=mask)
        pieces = [context, decoder_outputs] if context_first else [decoder_outputs, context]
        vector = layers.Concatenate()(pieces)
        if attentional:
            vector = layers.Dense(units, activation=activation)(vector)
        return layers.Dense(target_vocab_size, activation="softmax")(vector)

    return build


@pytest.mark.parametrize("score", [layers.Attention, layers.AdditiveAttention])
def test_the_right_decoder_passes_with_either_score(score):
    feedback = checks.check_attention_decoder(decoder(score))
    assert feedback, feedback
    assert score.__name__ in str(feedback)


def test_a_missing_source_mask_is_named_with_the_weight_padding_gets():
    feedback = checks.check_attention_decoder(decoder(masked=False))
    assert not feedback
    assert "no source mask" in str(feedback) and "padded source positions" in str(feedback)
    weight = float(str(feedback).split("weight up to ")[1].split(" ")[0])
    assert 0 < weight < 1
    assert "mask=[None, source_mask]" in str(feedback) and "target_mask" in str(feedback)


def test_masks_swapped_get_a_plain_message():
    """mask=[source_mask, None] fails inside TensorFlow; the feedback says where each mask goes
    instead of TensorFlow's operation text."""

    def swapped_masks(decoder_outputs, encoder_outputs, source_mask, vocab):
        context = layers.Attention()([decoder_outputs, encoder_outputs], mask=[source_mask, None])
        vector = layers.Concatenate()([decoder_outputs, context])
        vector = layers.Dense(decoder_outputs.shape[-1], activation="tanh")(vector)
        return layers.Dense(vocab, activation="softmax")(vector)

    feedback = checks.check_attention_decoder(swapped_masks)
    assert not feedback
    assert "source_mask (batch, source positions) is the value mask" in str(feedback)
    assert "SelectV2" not in str(feedback) and "condition" not in str(feedback)


def test_the_concatenation_order_is_named():
    feedback = checks.check_attention_decoder(decoder(context_first=True))
    assert not feedback and "[context, decoder_outputs]" in str(feedback)


@pytest.mark.parametrize("activation", ["softmax", "relu"])
def test_another_activation_than_tanh_is_named(activation):
    feedback = checks.check_attention_decoder(decoder(activation=activation))
    assert not feedback and f"uses {activation}" in str(feedback) and "tanh" in str(feedback)


def test_a_missing_attentional_layer_lists_the_layers():
    feedback = checks.check_attention_decoder(decoder(attentional=False))
    assert not feedback
    assert "Dense 8 -> 9 (softmax)" in str(feedback) and "Dense 8 -> 4 (tanh)" in str(feedback)


def test_other_mistakes_are_named():
    def swapped(decoder_outputs, encoder_outputs, source_mask, vocab):
        context = layers.Attention()([encoder_outputs, decoder_outputs])
        return decoder()(context, context, source_mask, vocab)

    def self_attention(decoder_outputs, encoder_outputs, source_mask, vocab):
        return decoder(masked=False)(decoder_outputs, decoder_outputs, source_mask, vocab)

    def no_attention(decoder_outputs, encoder_outputs, source_mask, vocab):
        return layers.Dense(vocab, activation="softmax")(decoder_outputs)

    assert "query" in str(checks.check_attention_decoder(swapped))
    assert "encoder_outputs" in str(checks.check_attention_decoder(self_attention))
    assert "no attention layer" in str(checks.check_attention_decoder(no_attention))
    assert "Not answered" in str(checks.check_attention_decoder(None))
    assert "Not answered" in str(checks.check_attention_decoder(lambda d, e, m, v: None))
    assert "raised ZeroDivisionError" in str(
        checks.check_attention_decoder(lambda d, e, m, v: 1 / 0)
    )


def test_the_reference_is_the_helpers_decoder_head():
    keras.utils.set_random_seed(3)
    model = build_attention_model(11, 9, latent_dim=4, embedding_dim=3)
    source = np.array([[3, 4, 5, 0, 0], [6, 7, 8, 9, 10]])
    target = np.array([[2, 3, 4], [2, 5, 6]])
    encoder_outputs, state_hidden, state_cell = model.get_layer("encoder_lstm")(
        model.get_layer("encoder_embedding")(source)
    )
    decoder_outputs, _, _ = model.get_layer("decoder_lstm")(
        model.get_layer("decoder_embedding")(target), initial_state=[state_hidden, state_cell]
    )
    inputs = [keras.Input((None, 4)), keras.Input((None, 4)), keras.Input((None,), dtype="bool")]
    head = keras.Model(inputs, reference_attention_decoder(*inputs, 9))
    for name in ("attention_dense", "decoder_dense"):
        head.get_layer(name).set_weights(model.get_layer(name).get_weights())
    probabilities = head([np.asarray(decoder_outputs), np.asarray(encoder_outputs), source != 0])
    np.testing.assert_allclose(probabilities, model([source, target]), atol=1e-6)
