"""The scalable encoder-decoder with attention, its inference models, and ``<UNK>`` replacement.

Introduced in notebooks/09_attention_and_beam_search.ipynb.

Notebook 07's model squeezes the whole English sentence into two state vectors. Here the
encoder keeps its output at every source position (``return_sequences=True``), and at every
target step the decoder *attends* to them: it scores each source position against its own
output, turns the scores into weights that sum to 1 (a softmax over the real source tokens; the
padding mask gives padded positions weight 0), and reads the weighted average of the encoder's
outputs, the *context*. The decoder output and the context, concatenated and passed through a
``tanh`` Dense layer, make the *attentional vector* the softmax reads (Luong et al., 2015).

Two ways to score a source position against the decoder's output ``q``:

- ``"luong"``: ``keras.layers.Attention``, the dot product ``q . k`` (multiplicative);
- ``"bahdanau"``: ``keras.layers.AdditiveAttention``, ``sum(tanh(q + k))`` with a learned scale
  (additive). Bahdanau et al. (2015) also feed the previous context into the decoder's input;
  this course keeps the decoder as it is and uses the additive score only.

Every layer has a name, the same names as notebook 07's model where the layer is the same
(``encoder_embedding``, ``encoder_lstm``, ``decoder_embedding``, ``decoder_lstm``,
``decoder_dense``) and new names for what attention adds (``attention``, ``attention_concat``,
``attention_dense``), so the inference models are rebuilt from a loaded model too.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

from seq2seq_helpers.scalable import check_model_sizes
from seq2seq_helpers.text import UNKNOWN_TOKEN

ATTENTION_SCORES = {"luong": layers.Attention, "bahdanau": layers.AdditiveAttention}


def build_attention_model(
    source_vocab_size: int,
    target_vocab_size: int,
    latent_dim: int = 256,
    embedding_dim: int = 128,
    score: str = "luong",
    bidirectional: bool = False,
) -> keras.Model:
    """Notebook 07's model with attention over the encoder's outputs.

    Inputs: ``encoder_inputs`` (batch, T_enc) and ``decoder_inputs`` (batch, T_dec) integer ids,
    0 for padding. Output: (batch, T_dec, target_vocab_size) next-token probabilities.
    ``bidirectional=True`` reads the source both ways (``Bidirectional``, outputs and states of
    the two directions concatenated, so the decoder has ``2 * latent_dim`` units).
    """
    check_model_sizes(source_vocab_size, target_vocab_size, latent_dim, embedding_dim)
    if score not in ATTENTION_SCORES:
        raise ValueError(f"score must be one of {sorted(ATTENTION_SCORES)}, got {score!r}.")
    encoder_inputs = keras.Input(shape=(None,), dtype="int64", name="encoder_inputs")
    encoder_embedded = layers.Embedding(
        source_vocab_size, embedding_dim, mask_zero=True, name="encoder_embedding"
    )(encoder_inputs)
    # The one change to the encoder: keep its output at every source position.
    encoder_lstm = layers.LSTM(
        latent_dim, return_sequences=True, return_state=True, name="encoder_lstm"
    )
    if bidirectional:
        encoder_lstm = layers.Bidirectional(encoder_lstm, name="encoder_bidirectional")
        encoder_outputs, *directions = encoder_lstm(encoder_embedded)
        concatenate = layers.Concatenate(name="encoder_states")
        state_hidden = concatenate([directions[0], directions[2]])
        state_cell = concatenate([directions[1], directions[3]])
        decoder_units = 2 * latent_dim
    else:
        encoder_outputs, state_hidden, state_cell = encoder_lstm(encoder_embedded)
        decoder_units = latent_dim

    decoder_inputs = keras.Input(shape=(None,), dtype="int64", name="decoder_inputs")
    decoder_embedded = layers.Embedding(
        target_vocab_size, embedding_dim, mask_zero=True, name="decoder_embedding"
    )(decoder_inputs)
    decoder_outputs, _, _ = layers.LSTM(
        decoder_units, return_sequences=True, return_state=True, name="decoder_lstm"
    )(decoder_embedded, initial_state=[state_hidden, state_cell])
    # Each decoder step (query) looks at every encoder output (value). The masks come along by
    # themselves: the source's padding mask gives padded positions weight 0. (The weights are
    # asked for here too, though training does not use them: in Keras 3.15 a layer first called
    # without return_attention_scores=True gives, when called again with it, weights that a
    # functional model cannot output -- "Output ... is not connected to inputs".)
    context, _ = ATTENTION_SCORES[score](name="attention")(
        [decoder_outputs, encoder_outputs], return_attention_scores=True
    )
    attentional = layers.Dense(decoder_units, activation="tanh", name="attention_dense")(
        layers.Concatenate(name="attention_concat")([decoder_outputs, context])
    )
    probabilities = layers.Dense(target_vocab_size, activation="softmax", name="decoder_dense")(
        attentional
    )
    return keras.Model([encoder_inputs, decoder_inputs], probabilities, name="seq2seq_attention")


def has_attention(model: keras.Model) -> bool:
    """True for a model built by ``build_attention_model`` (it has a layer named ``attention``)."""
    return any(layer.name == "attention" for layer in model.layers)


def build_attention_inference_models(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """``encoder_model`` and ``decoder_model`` sharing ``model``'s trained layers, found by name.

    - ``encoder_model``: source ids (batch, T) -> ``[encoder_outputs, source_mask, h, c]``;
      ``source_mask`` is True on real tokens.
    - ``decoder_model``: ``[tokens (batch, t), encoder_outputs, source_mask, h, c]`` ->
      ``[probabilities, h, c, attention_weights]``, the weights (batch, t, T) being what the
      heatmaps draw. The decoder needs the encoder's whole sequence and its mask at every step,
      not only the final states.
    """
    if not has_attention(model):
        raise ValueError(
            "This model has no layer named 'attention'; build it with build_attention_model."
        )
    names = {layer.name for layer in model.layers}
    bidirectional = "encoder_bidirectional" in names
    source = keras.Input(shape=(None,), dtype="int64", name="source_ids")
    embedded = model.get_layer("encoder_embedding")(source)
    if bidirectional:
        encoder_outputs, *directions = model.get_layer("encoder_bidirectional")(embedded)
        concatenate = model.get_layer("encoder_states")
        state_hidden = concatenate([directions[0], directions[2]])
        state_cell = concatenate([directions[1], directions[3]])
    else:
        encoder_outputs, state_hidden, state_cell = model.get_layer("encoder_lstm")(embedded)
    source_mask = keras.ops.not_equal(source, 0)
    encoder_model = keras.Model(
        source, [encoder_outputs, source_mask, state_hidden, state_cell], name="encoder_model"
    )

    decoder_lstm = model.get_layer("decoder_lstm")
    units = decoder_lstm.units
    tokens = keras.Input(shape=(None,), dtype="int64", name="tokens")
    sequence_in = keras.Input(shape=(None, encoder_outputs.shape[-1]), name="encoder_outputs")
    mask_in = keras.Input(shape=(None,), dtype="bool", name="source_mask")
    states_in = [keras.Input(shape=(units,), name="h"), keras.Input(shape=(units,), name="c")]
    embedded = model.get_layer("decoder_embedding")(tokens)
    outputs, state_hidden, state_cell = decoder_lstm(embedded, initial_state=states_in)
    context, weights = model.get_layer("attention")(
        [outputs, sequence_in], mask=[None, mask_in], return_attention_scores=True
    )
    attentional = model.get_layer("attention_dense")(
        model.get_layer("attention_concat")([outputs, context])
    )
    probabilities = model.get_layer("decoder_dense")(attentional)
    decoder_model = keras.Model(
        [tokens, sequence_in, mask_in, *states_in],
        [probabilities, state_hidden, state_cell, weights],
        name="decoder_model",
    )
    return encoder_model, decoder_model


def attention_step_model(
    encoder_model: keras.Model, decoder_model: keras.Model, *, start_index: int, end_index: int
):
    """The decoding interface (``search.StepModel``) for the attention model: the state is
    ``(encoder_outputs, source_mask, h, c)``, and every step also returns its attention weights."""
    import tensorflow as tf

    from seq2seq_helpers.search import StepModel

    def encode(source):
        return tuple(encoder_model(source, training=False))

    def step(tokens, state):
        sequence, mask, state_hidden, state_cell = state
        probabilities, state_hidden, state_cell, weights = decoder_model(
            [tokens[:, None], sequence, mask, state_hidden, state_cell], training=False
        )
        return (
            probabilities[:, -1, :],
            (sequence, mask, state_hidden, state_cell),
            weights[:, -1, :],
        )

    source_spec = tf.TensorSpec([None, None], tf.int64)
    return StepModel(encode, step, source_spec, start_index, end_index, has_attention=True)


def replace_unknown_words(
    output_tokens: Sequence[str],
    attention: np.ndarray,
    source_tokens: Sequence[str],
    unknown: str = UNKNOWN_TOKEN,
) -> list[str]:
    """Replace every ``unknown`` output token by the source *word* it attends to most.

    ``attention`` holds one row per output step (at least ``len(output_tokens)`` rows) over the
    source positions; ``source_tokens`` are the source's tokens at those positions (a padded
    position has weight 0, so it is never chosen). Only words count, tokens with a letter or a
    digit: ``[UNK]`` stands for a word, and a decoder often looks at the final "." while it
    starts a sentence. Rare names, numbers and places are often spelled the same in both
    languages, so copying them beats printing ``[UNK]``; a sentence of punctuation only keeps
    its ``[UNK]``.
    """
    if len(attention) < len(output_tokens):
        raise ValueError(
            f"attention has {len(attention)} rows for {len(output_tokens)} output tokens."
        )
    if not source_tokens:
        raise ValueError("source_tokens is empty: there is no word to copy.")
    is_word = np.array([any(c.isalnum() for c in token) for token in source_tokens])
    replaced = []
    for step, token in enumerate(output_tokens):
        if token == unknown and is_word.any():
            row = np.asarray(attention[step][: len(source_tokens)], dtype="float64")
            token = source_tokens[int(np.argmax(np.where(is_word, row, -1.0)))]
        replaced.append(token)
    return replaced
