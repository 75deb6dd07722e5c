"""An encoder-decoder Transformer from Keras layers, its inference models and decoding interface.

Introduced in notebooks/10_transformer.ipynb.

Notebook 09's decoder already *attends* to the encoder's outputs (cross-attention). The
Transformer (Vaswani et al., 2017) uses attention everywhere and drops the LSTMs:

- **self-attention replaces recurrence**: every position of a sentence attends to every other
  position of the same sentence, all positions at once, so training runs in parallel over the
  time steps instead of one step after another;
- **positions are added**: attention by itself ignores word order, so each token's embedding
  gets a learned vector for its position (``PositionEmbedding``);
- **the causal mask** lets decoder position ``t`` attend only to positions ``<= t``: the whole
  target sentence goes in at once during training, yet no position sees the words it must
  predict (``use_causal_mask=True``);
- each attention block and each position-wise feed-forward block (two ``Dense`` layers) is
  wrapped in a **residual connection** with **layer normalization** before it ("pre-norm":
  it trains without a learning-rate warm-up; Xiong et al., 2020).

Padding masks come from ``Embedding(mask_zero=True)`` as in notebooks 07-09; the cross-attention
is given the source mask explicitly (``value_mask``), because a ``MultiHeadAttention`` layer
removes the Keras mask from the tensors it is called on (checked in Keras 3.15's source), so a
second decoder layer would otherwise attend to padding.

Every layer has a name (``encoder_embedding``, ``decoder_embedding`` and ``decoder_dense`` as in
notebooks 07-09; ``encoder_0_self_attention``, ``decoder_1_cross_attention``, ...), and the
training model and the inference models are built by the same two functions, once creating the
layers and once taking them from the trained model by name.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
from keras import layers, ops

from seq2seq_helpers.scalable import check_positive_integers


@keras.saving.register_keras_serializable(package="seq2seq_helpers")
class PositionEmbedding(layers.Layer):
    """Adds a learned vector for each position 0, 1, ..., ``max_length - 1`` to a sequence of
    token embeddings (batch, time, dim); the padding mask passes through unchanged."""

    def __init__(self, max_length: int, **kwargs):
        super().__init__(**kwargs)
        check_positive_integers(max_length=max_length)
        self.max_length = max_length
        self.supports_masking = True

    def build(self, input_shape):
        self.positions = self.add_weight(
            shape=(self.max_length, input_shape[-1]), initializer="glorot_uniform", name="positions"
        )

    def call(self, inputs):
        length = inputs.shape[1]
        if length is not None and length > self.max_length:
            raise ValueError(
                f"{self.name} has positions for {self.max_length} tokens; got {length}. "
                "Cut the sentences to the model's length (the vectorizers do) or build the "
                "model with a larger max length."
            )
        length = ops.shape(inputs)[1]
        return inputs + ops.expand_dims(self.positions[:length], 0)

    def get_config(self):
        return {**super().get_config(), "max_length": self.max_length}


LayerGetter = Callable[[str, Callable[[], layers.Layer]], layers.Layer]


def _new_layers() -> LayerGetter:
    """Creates each layer the first time it is asked for (building the training model)."""
    made: dict[str, layers.Layer] = {}

    def get(name, make):
        if name not in made:
            made[name] = make()
        return made[name]

    return get


def _trained_layers(model: keras.Model) -> LayerGetter:
    """Takes each layer from the trained model by its name (building the inference models)."""
    return lambda name, make: model.get_layer(name)


def _residual(x, branch, layer: LayerGetter, name: str, dropout: float):
    """``x + dropout(branch(layer_norm(x)))``: one pre-norm residual block."""
    normalized = layer(f"{name}_norm", lambda: layers.LayerNormalization(name=f"{name}_norm"))(x)
    out = branch(normalized)
    out = layer(f"{name}_dropout", lambda: layers.Dropout(dropout, name=f"{name}_dropout"))(out)
    return layer(f"{name}_add", lambda: layers.Add(name=f"{name}_add"))([x, out])


def _feed_forward(layer: LayerGetter, name: str, ff_dim: int, model_dim: int):
    def branch(x):
        hidden = layer(
            f"{name}_hidden", lambda: layers.Dense(ff_dim, "relu", name=f"{name}_hidden")
        )
        return layer(f"{name}_out", lambda: layers.Dense(model_dim, name=f"{name}_out"))(hidden(x))

    return branch


def _attention(layer, name, num_heads, model_dim, dropout):
    return layer(
        name,
        lambda: layers.MultiHeadAttention(
            num_heads, key_dim=model_dim // num_heads, dropout=dropout, name=name
        ),
    )


def _embed(ids, side: str, layer: LayerGetter, sizes: dict):
    """Token embeddings (0 is padding: the mask starts here) plus position vectors, for the
    ``side`` "encoder" (source ids) or "decoder" (target ids)."""
    vocabulary, length = (
        (sizes["source_vocab_size"], sizes["max_source_length"])
        if side == "encoder"
        else (sizes["target_vocab_size"], sizes["max_target_length"])
    )
    tokens = layer(
        f"{side}_embedding",
        lambda: layers.Embedding(
            vocabulary, sizes["model_dim"], mask_zero=True, name=f"{side}_embedding"
        ),
    )(ids)
    positions = layer(
        f"{side}_positions", lambda: PositionEmbedding(length, name=f"{side}_positions")
    )
    return positions(tokens)


def _encode(source_ids, layer: LayerGetter, sizes: dict):
    """The encoder: embeddings + positions, then ``num_layers`` x (self-attention, feed-forward)."""
    d, heads, drop = sizes["model_dim"], sizes["num_heads"], sizes["dropout"]
    x = _embed(source_ids, "encoder", layer, sizes)
    for i in range(sizes["num_layers"]):
        attend = _attention(layer, f"encoder_{i}_self_attention", heads, d, drop)
        # Each source position attends to every real source position (query = value = x).
        x = _residual(x, lambda h: attend(h, h), layer, f"encoder_{i}_attention", drop)
        feed = _feed_forward(layer, f"encoder_{i}_ffn", sizes["ff_dim"], d)
        x = _residual(x, feed, layer, f"encoder_{i}_ffn", drop)
    return layer("encoder_norm", lambda: layers.LayerNormalization(name="encoder_norm"))(x)


def _decode(target_ids, encoder_outputs, source_mask, layer: LayerGetter, sizes: dict):
    """The decoder: embeddings + positions, then ``num_layers`` x (causal self-attention,
    cross-attention over the encoder's outputs, feed-forward), then the softmax.

    Returns the probabilities (batch, t, vocabulary) and each layer's cross-attention weights,
    (batch, heads, t, source time) per layer.
    """
    d, heads, drop = sizes["model_dim"], sizes["num_heads"], sizes["dropout"]
    x = _embed(target_ids, "decoder", layer, sizes)
    cross_weights = []
    for i in range(sizes["num_layers"]):
        attend_self = _attention(layer, f"decoder_{i}_self_attention", heads, d, drop)
        # The causal mask: position t sees target positions 0..t only.
        x = _residual(
            x, lambda h: attend_self(h, h, use_causal_mask=True), layer, f"decoder_{i}_self", drop
        )
        attend_source = _attention(layer, f"decoder_{i}_cross_attention", heads, d, drop)

        def cross(h, attend_source=attend_source):
            context, weights = attend_source(
                h, encoder_outputs, value_mask=source_mask, return_attention_scores=True
            )
            cross_weights.append(weights)
            return context

        x = _residual(x, cross, layer, f"decoder_{i}_cross", drop)
        feed = _feed_forward(layer, f"decoder_{i}_ffn", sizes["ff_dim"], d)
        x = _residual(x, feed, layer, f"decoder_{i}_ffn", drop)
    x = layer("decoder_norm", lambda: layers.LayerNormalization(name="decoder_norm"))(x)
    probabilities = layer(
        "decoder_dense",
        lambda: layers.Dense(
            sizes["target_vocab_size"], activation="softmax", name="decoder_dense"
        ),
    )(x)
    return probabilities, cross_weights


def build_transformer_model(
    source_vocab_size: int,
    target_vocab_size: int,
    *,
    max_source_length: int,
    max_target_length: int,
    model_dim: int = 128,
    num_heads: int = 4,
    num_layers: int = 2,
    ff_dim: int = 512,
    dropout: float = 0.1,
) -> keras.Model:
    """The encoder-decoder Transformer on token ids (0 for padding), trained like notebook 07's
    model: inputs ``encoder_inputs`` (batch, T_enc) and ``decoder_inputs`` (batch, T_dec), output
    (batch, T_dec, target_vocab_size) next-token probabilities. ``model_dim`` is the width of
    every token's vector, split between ``num_heads`` heads; ``ff_dim`` the feed-forward width.
    """
    check_positive_integers(
        source_vocab_size=source_vocab_size,
        target_vocab_size=target_vocab_size,
        model_dim=model_dim,
        ff_dim=ff_dim,
        num_heads=num_heads,
        num_layers=num_layers,
        max_source_length=max_source_length,
        max_target_length=max_target_length,
    )
    if model_dim % num_heads:
        raise ValueError(
            f"model_dim={model_dim} must be a multiple of num_heads={num_heads}: each head gets "
            "model_dim // num_heads of every vector."
        )
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
    sizes = {
        "source_vocab_size": source_vocab_size,
        "target_vocab_size": target_vocab_size,
        "max_source_length": max_source_length,
        "max_target_length": max_target_length,
        "model_dim": model_dim,
        "num_heads": num_heads,
        "num_layers": num_layers,
        "ff_dim": ff_dim,
        "dropout": dropout,
    }
    encoder_inputs = keras.Input(shape=(None,), dtype="int64", name="encoder_inputs")
    decoder_inputs = keras.Input(shape=(None,), dtype="int64", name="decoder_inputs")
    layer = _new_layers()
    encoder_outputs = _encode(encoder_inputs, layer, sizes)
    source_mask = ops.not_equal(encoder_inputs, 0)
    probabilities, _ = _decode(decoder_inputs, encoder_outputs, source_mask, layer, sizes)
    return keras.Model([encoder_inputs, decoder_inputs], probabilities, name="seq2seq_transformer")


def is_transformer(model: keras.Model) -> bool:
    """True for a model built by ``build_transformer_model`` (it has ``decoder_positions``)."""
    return any(layer.name == "decoder_positions" for layer in model.layers)


def transformer_sizes(model: keras.Model) -> dict:
    """The sizes a Transformer was built with, read from its layers."""
    names = {layer.name for layer in model.layers}
    attention = model.get_layer("encoder_0_self_attention")
    return {
        "source_vocab_size": model.get_layer("encoder_embedding").input_dim,
        "target_vocab_size": model.get_layer("decoder_embedding").input_dim,
        "max_source_length": model.get_layer("encoder_positions").max_length,
        "max_target_length": model.get_layer("decoder_positions").max_length,
        "model_dim": model.get_layer("encoder_embedding").output_dim,
        "num_heads": attention.num_heads,
        "num_layers": sum(
            1 for n in names if n.startswith("encoder_") and n.endswith("_self_attention")
        ),
        "ff_dim": model.get_layer("encoder_0_ffn_hidden").units,
        "dropout": attention.dropout,
    }


def build_transformer_inference_models(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """``encoder_model`` and ``decoder_model`` sharing ``model``'s trained layers, by name.

    - ``encoder_model``: source ids (batch, S) -> ``[encoder_outputs, source_mask]``;
    - ``decoder_model``: ``[target ids so far (batch, t), encoder_outputs, source_mask]`` ->
      ``[probabilities (batch, t, vocabulary), cross_attention (batch, layers, heads, t, S)]``.

    The decoder has no state to carry: at every step it reads the whole target so far (the
    causal mask makes position t's output the same as it was one step earlier).
    """
    if not is_transformer(model):
        raise ValueError(
            "This model has no 'decoder_positions' layer; build it with build_transformer_model."
        )
    sizes = transformer_sizes(model)
    layer = _trained_layers(model)
    source = keras.Input(shape=(None,), dtype="int64", name="source_ids")
    encoder_outputs = _encode(source, layer, sizes)
    source_mask = ops.not_equal(source, 0)
    encoder_model = keras.Model(source, [encoder_outputs, source_mask], name="encoder_model")

    tokens = keras.Input(shape=(None,), dtype="int64", name="tokens")
    sequence_in = keras.Input(shape=(None, sizes["model_dim"]), name="encoder_outputs")
    mask_in = keras.Input(shape=(None,), dtype="bool", name="source_mask")
    probabilities, cross_weights = _decode(tokens, sequence_in, mask_in, layer, sizes)
    decoder_model = keras.Model(
        [tokens, sequence_in, mask_in],
        [probabilities, ops.stack(cross_weights, axis=1)],
        name="decoder_model",
    )
    return encoder_model, decoder_model


def _encoded(encoder_model: keras.Model, source):
    """``encoder_model(source)``, its outputs without the Keras mask they carry (the decoder model
    takes the mask as an input of its own, and would warn that it drops the attached one)."""
    import tensorflow as tf

    sequence, mask = encoder_model(source, training=False)
    return tf.identity(sequence), mask


def transformer_step_model(
    encoder_model: keras.Model,
    decoder_model: keras.Model,
    *,
    start_index: int,
    end_index: int,
    max_length: int,
    cache: bool = True,
):
    """The decoding interface (``search.StepModel``) for the Transformer.

    By default a step computes the new position only, reading the earlier positions' keys and
    values from a cache (``transformer_cache.cached_transformer_step_model``). With
    ``cache=False``, the simple version without a cache, kept to compare and to test against:
    the state is ``(encoder_outputs, source_mask, history, steps)``: ``history`` (batch,
    max_length) holds the target ids fed so far (then zeros), ``steps`` (batch,) how many. A
    step writes the new token into the history, runs the decoder over ``history[:, :steps+1]``
    and keeps the last position's probabilities; its attention is the last decoder layer's
    cross-attention at that position, averaged over the heads. Every step recomputes the earlier
    positions: simple, but quadratic in the output's length.
    """
    import tensorflow as tf

    from seq2seq_helpers.search import StepModel

    if cache:
        from seq2seq_helpers.transformer_cache import cached_transformer_step_model

        return cached_transformer_step_model(
            encoder_model,
            decoder_model,
            start_index=start_index,
            end_index=end_index,
            max_length=max_length,
        )

    def encode(source):
        sequence, mask = _encoded(encoder_model, source)
        rows = tf.shape(source)[0]
        history = tf.zeros([rows, max_length], tf.int64)
        return (sequence, mask, history, tf.zeros([rows], tf.int32))

    def step(tokens, state):
        sequence, mask, history, steps = state
        position = tf.reduce_max(steps)  # every row is at the same step
        at_step = tf.one_hot(position, max_length, on_value=True, off_value=False, dtype=tf.bool)
        history = tf.where(at_step[None, :], tokens[:, None], history)
        probabilities, weights = decoder_model(
            [history[:, : position + 1], sequence, mask], training=False
        )
        attention = tf.reduce_mean(weights[:, -1, :, -1, :], axis=1)  # (batch, S)
        return probabilities[:, -1, :], (sequence, mask, history, steps + 1), attention

    source_spec = tf.TensorSpec([None, None], tf.int64)
    return StepModel(encode, step, source_spec, start_index, end_index, has_attention=True)


def cross_attention(
    encoder_model: keras.Model, decoder_model: keras.Model, source_ids, target_ids
) -> np.ndarray:
    """Every layer's and head's cross-attention weights for one sentence and its translation:
    ``source_ids`` (S,), ``target_ids`` (t,) starting with ``<START>``; returns (layers, heads,
    t, S) as NumPy, row i being the weights while predicting the word after ``target_ids[i]``.

    ``[<START>, *Decoded.ids]`` gives one row per chosen word and one for ``<END>``, as
    ``Decoded.attention`` has them. A translation that never said ``<END>`` fills every
    position, and the decoder never read its last word: the target is cut to the decoder's
    length, so there are as many rows as the search computed.
    """
    longest = decoder_model.get_layer("decoder_positions").max_length
    source = ops.convert_to_tensor(np.asarray(source_ids, "int64")[None, :])
    sequence, mask = _encoded(encoder_model, source)
    target = ops.convert_to_tensor(np.asarray(target_ids, "int64")[None, :longest])
    _, weights = decoder_model([target, sequence, mask], training=False)
    return np.asarray(weights)[0]
