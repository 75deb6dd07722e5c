"""The lesson's encoder-decoder and the inference models built from its named layers.

Introduced in notebooks/03_encoder_decoder.ipynb (training model) and
notebooks/05_inference_and_decoding.ipynb (inference models).

Every layer the inference models need has a fixed name, so they can be rebuilt from a freshly
trained model or from one loaded with ``keras.models.load_model`` alike, never by position
(``model.layers[2]`` breaks as soon as Keras orders layers differently).
"""

from __future__ import annotations

from keras.layers import LSTM, Dense, Input
from keras.models import Model

ENCODER_INPUTS = "encoder_inputs"
ENCODER_LSTM = "encoder_lstm"
DECODER_INPUTS = "decoder_inputs"
DECODER_LSTM = "decoder_lstm"
DECODER_DENSE = "decoder_dense"


def _check_positive(**values: int) -> None:
    for name, value in values.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def build_training_model(
    num_encoder_tokens: int, num_decoder_tokens: int, latent_dim: int = 256
) -> Model:
    """Build (but do not compile) the lesson's training model.

    Inputs: ``encoder_inputs`` (batch, encoder time, num_encoder_tokens) and
    ``decoder_inputs`` (batch, decoder time, num_decoder_tokens), both one-hot.
    Output: ``decoder_outputs`` (batch, decoder time, num_decoder_tokens), a softmax per step.
    """
    _check_positive(
        num_encoder_tokens=num_encoder_tokens,
        num_decoder_tokens=num_decoder_tokens,
        latent_dim=latent_dim,
    )
    encoder_inputs = Input(shape=(None, num_encoder_tokens), name=ENCODER_INPUTS)
    encoder_lstm = LSTM(latent_dim, return_state=True, name=ENCODER_LSTM)
    # Only the final states matter: they summarise the whole input sentence.
    _, state_hidden, state_cell = encoder_lstm(encoder_inputs)
    encoder_states = [state_hidden, state_cell]

    decoder_inputs = Input(shape=(None, num_decoder_tokens), name=DECODER_INPUTS)
    decoder_lstm = LSTM(latent_dim, return_sequences=True, return_state=True, name=DECODER_LSTM)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    decoder_dense = Dense(num_decoder_tokens, activation="softmax", name=DECODER_DENSE)
    decoder_outputs = decoder_dense(decoder_outputs)
    return Model([encoder_inputs, decoder_inputs], decoder_outputs, name="seq2seq_training")


def build_inference_models(model: Model) -> tuple[Model, Model]:
    """Build ``encoder_model`` and ``decoder_model`` that share ``model``'s trained layers.

    - ``encoder_model``: sentence (1, T, num_encoder_tokens) -> [state_hidden, state_cell],
      each (1, latent_dim).
    - ``decoder_model``: [tokens (1, t, num_decoder_tokens), state_hidden, state_cell] ->
      [probabilities (1, t, num_decoder_tokens), new state_hidden, new state_cell].
    """
    try:
        encoder_lstm = model.get_layer(ENCODER_LSTM)
        decoder_lstm = model.get_layer(DECODER_LSTM)
        decoder_dense = model.get_layer(DECODER_DENSE)
    except ValueError as error:
        raise ValueError(
            "This model has no layers named encoder_lstm, decoder_lstm and decoder_dense; "
            "build it with build_training_model (or give your layers these names)."
        ) from error
    num_encoder_tokens = model.get_layer(ENCODER_INPUTS).batch_shape[-1]
    num_decoder_tokens = decoder_dense.units
    latent_dim = encoder_lstm.units

    encoder_inputs = Input(shape=(None, num_encoder_tokens), name=ENCODER_INPUTS)
    _, state_hidden, state_cell = encoder_lstm(encoder_inputs)
    encoder_model = Model(encoder_inputs, [state_hidden, state_cell], name="encoder_model")

    decoder_inputs = Input(shape=(None, num_decoder_tokens), name=DECODER_INPUTS)
    decoder_state_input_hidden = Input(shape=(latent_dim,), name="decoder_state_input_hidden")
    decoder_state_input_cell = Input(shape=(latent_dim,), name="decoder_state_input_cell")
    decoder_states_inputs = [decoder_state_input_hidden, decoder_state_input_cell]
    decoder_outputs, state_hidden, state_cell = decoder_lstm(
        decoder_inputs, initial_state=decoder_states_inputs
    )
    decoder_outputs = decoder_dense(decoder_outputs)
    decoder_model = Model(
        [decoder_inputs, *decoder_states_inputs],
        [decoder_outputs, state_hidden, state_cell],
        name="decoder_model",
    )
    return encoder_model, decoder_model
