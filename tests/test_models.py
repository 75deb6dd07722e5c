import numpy as np
import pytest

from seq2seq_helpers.models import build_inference_models, build_training_model


def test_training_model_shapes_and_names():
    model = build_training_model(num_encoder_tokens=7, num_decoder_tokens=9, latent_dim=16)
    encoder_input = np.zeros((2, 5, 7), dtype="float32")
    decoder_input = np.zeros((2, 6, 9), dtype="float32")
    output = model([encoder_input, decoder_input])
    assert tuple(output.shape) == (2, 6, 9)
    np.testing.assert_allclose(np.asarray(output).sum(axis=-1), 1.0, rtol=1e-5)
    names = {layer.name for layer in model.layers}
    assert {"encoder_lstm", "decoder_lstm", "decoder_dense"} <= names
    # Two LSTMs (4 gates each) plus the softmax layer.
    expected = 4 * (16 * (7 + 16) + 16) + 4 * (16 * (9 + 16) + 16) + 16 * 9 + 9
    assert model.count_params() == expected


@pytest.mark.parametrize("bad", [0, -3, 2.0])
def test_bad_sizes_rejected(bad):
    with pytest.raises(ValueError, match="latent_dim"):
        build_training_model(5, 5, latent_dim=bad)


def test_inference_models_share_the_trained_weights():
    model = build_training_model(7, 9, latent_dim=8)
    encoder_model, decoder_model = build_inference_models(model)
    encoder_input = np.random.default_rng(0).random((1, 4, 7)).astype("float32")
    decoder_input = np.random.default_rng(1).random((1, 3, 9)).astype("float32")
    # Running the decoder step by step from the encoder's states equals the training model.
    states = [np.asarray(s) for s in encoder_model(encoder_input)]
    assert [tuple(s.shape) for s in states] == [(1, 8), (1, 8)]
    step_outputs = []
    for t in range(3):
        output, hidden, cell = decoder_model([decoder_input[:, t : t + 1], *states])
        states = [np.asarray(hidden), np.asarray(cell)]
        step_outputs.append(np.asarray(output)[:, 0])
    full = np.asarray(model([encoder_input, decoder_input]))
    np.testing.assert_allclose(np.stack(step_outputs, axis=1), full, rtol=1e-4, atol=1e-6)
    # Same layer objects, so changing the training model's weights changes inference too.
    assert decoder_model.get_layer("decoder_dense") is model.get_layer("decoder_dense")


def test_inference_needs_named_layers():
    import keras

    inputs = keras.Input((3,))
    plain = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    with pytest.raises(ValueError, match="encoder_lstm"):
        build_inference_models(plain)
