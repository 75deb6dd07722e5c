"""A key/value cache for the Transformer's decoding: every step computes one new position only.

Introduced in notebooks/10_transformer.ipynb.

Without a cache (``transformer_step_model(..., cache=False)``) step ``t`` runs the whole decoder
over the ``t + 1`` target words chosen so far, although the causal mask guarantees that the
first ``t`` positions come out exactly as one step earlier: a sentence of ``n`` words costs
``1 + 2 + ... + n`` position computations, quadratic in its length. The cache keeps what those
positions contributed and is read instead:

- at ``encode``, each decoder layer's cross-attention projects the encoder's outputs to its
  keys and values once, (batch, heads, S, key_dim): they are the same at every step;
- at step ``t``, the new word's embedding plus the position vector of ``t`` goes through the
  layers; in each self-attention the new position's key and value are appended to that layer's
  cache (batch, heads, t, key_dim) -> (batch, heads, t + 1, key_dim), and its query attends to
  every position of it: the causal mask of a cache is "the positions computed so far".

The caches start with 0 positions, a length left unknown in the state's static shape, so
``tf.while_loop`` (whose shape invariants keep every axis but the rows from the first state) lets
them grow. (The other way, buffers of ``max_length`` positions written at the step index, keeps
the shapes fixed but copies the whole buffer at every write and every reordering: measured here,
greedy search took about 20% longer and beam search 40%.) Beam search reorders the rows of every
state tensor with its beams, the caches' included, with no code of its own. Keys and values are
kept heads first, (batch, heads, positions, key_dim), so the products with a query need no
transposed copy.

The attention is computed from each ``MultiHeadAttention`` layer's own projections
(``query_dense``, ``key_dense``, ``value_dense``, ``output_dense``) as Keras 3.15 computes it
(checked in its source): the query is scaled by ``1 / sqrt(key_dim)``, the scores are a dot
product per head, masked scores are set to -1e9 before the softmax and their weights to 0 after
it, the context is the weighted sum of the values, and the output projection sums the heads.

One case cannot match: a padding id (0) fed as a token, which a trained model does not choose
(its loss never asks for it). Keras then gives that position no key, and, in a layer with
dropout 0, equal weights over every key of the sequence, later ones included; a cache reproduces
the first padding token exactly (``attend(..., empty_rows_zero=False)``), but not what a second
one reads from positions computed after it, in a second layer. With dropout > 0 (the course's
0.1) every case matches.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf

from seq2seq_helpers.search import StepModel
from seq2seq_helpers.transformer import _encoded


def attend(query, keys, values, mask=None, *, empty_rows_zero: bool = True):
    """Scaled dot-product attention of one query position per row.

    ``query`` (batch, heads, key_dim), already projected; ``keys`` and ``values`` (batch, heads, T,
    key_dim); ``mask`` (batch, T), True where a key may be read (None: all). Returns the context
    (batch, heads, key_dim) and the weights (batch, heads, T).

    A row with no readable key (a padding token's query) gets weights 0, as Keras' ``Softmax``
    with a mask gives them; with ``empty_rows_zero=False`` equal weights over its T keys, as the
    fused ``ops.dot_product_attention`` gives them (Keras uses it when the layer's dropout is 0
    and no attention scores are asked for). Rows with a readable key are the same either way.
    """
    scale = tf.cast(1.0 / math.sqrt(query.shape[-1]), query.dtype)
    scores = tf.einsum("bnh,bnth->bnt", query * scale, keys)  # (batch, heads, T)
    if mask is not None:
        readable = mask[:, None, :]  # the same for every head
        scores = tf.where(readable, scores, tf.cast(-1e9, scores.dtype))
    weights = tf.nn.softmax(scores, axis=-1)
    if mask is not None and empty_rows_zero:
        weights = tf.where(readable, weights, tf.zeros_like(weights))
    return tf.einsum("bnt,bnth->bnh", weights, values), weights


def append_position(cache, new):
    """``cache`` (batch, heads, t, dim) with ``new`` (batch, heads, dim) after its last position:
    (batch, heads, t + 1, dim)."""
    return tf.concat([cache, new[:, :, None]], axis=2)


def _project(dense, x):
    """One of a ``MultiHeadAttention``'s projections applied to one position per row: ``x``
    (batch, dim) -> (batch, heads, key_dim), or (batch, heads, key_dim) -> (batch, dim) for the
    output projection."""
    return dense(x[:, None])[:, 0]


def cached_transformer_step_model(
    encoder_model: keras.Model,
    decoder_model: keras.Model,
    *,
    start_index: int,
    end_index: int,
    max_length: int,
) -> StepModel:
    """The Transformer's decoding interface (``search.StepModel``) with a key/value cache, built
    from the layers of ``transformer.build_transformer_inference_models``' models, by name.

    The state is ``(source_mask, real_tokens, steps, cross keys and values per layer, self keys
    and values per layer)``: ``real_tokens`` (batch, t) marks the positions holding a real target
    token (a padding id fed as a token is masked, as the uncached decoder masks it), ``steps``
    (batch,) counts the steps. Same probabilities and attention as the uncached model,
    within float32 rounding.
    """
    get = decoder_model.get_layer
    positions = get("decoder_positions")
    if max_length > positions.max_length:
        raise ValueError(
            f"max_length={max_length} is more than the decoder's {positions.max_length} "
            "positions: decode at most that many steps."
        )
    num_layers = sum(1 for layer in decoder_model.layers if layer.name.endswith("_cross_attention"))
    embedding = get("decoder_embedding")
    first = get("decoder_0_self_attention")

    def encode(source):
        # The columns after the batch's longest sentence hold only padding, which every attention
        # masks: the encoder and the cross-attention skip them (the mask keeps the full width).
        columns = tf.range(1, tf.shape(source)[1] + 1)[None, :]
        width = tf.maximum(tf.reduce_max(tf.where(tf.not_equal(source, 0), columns, 0)), 1)
        sequence, _ = _encoded(encoder_model, source[:, :width])
        source_mask = tf.not_equal(source, 0)
        rows = tf.shape(source)[0]
        cross = []
        for i in range(num_layers):
            attention = get(f"decoder_{i}_cross_attention")
            for dense in (attention.key_dense, attention.value_dense):
                cross.append(tf.transpose(dense(sequence), [0, 2, 1, 3]))  # heads first
        none = tf.shape(source)[1] * 0  # 0 positions, as a tensor: a length the loop lets grow
        empty = tf.zeros(tf.stack([rows, first.num_heads, none, first.key_dim]), sequence.dtype)
        real_tokens = tf.zeros(tf.stack([rows, none]), tf.bool)
        steps = tf.zeros([rows], tf.int32)
        return (source_mask, real_tokens, steps, *cross, *[empty] * (2 * num_layers))

    def step(tokens, state):
        source_mask, real_tokens, steps, *caches = state
        cross, own = caches[: 2 * num_layers], list(caches[2 * num_layers :])
        position = tf.reduce_max(steps)  # every row is at the same step
        real = tf.not_equal(tokens, 0)  # (batch,)
        real_tokens = tf.concat([real_tokens, real[:, None]], axis=1)  # (batch, position + 1)
        # Every position computed so far that holds a real token; nothing for a padding query.
        readable = tf.logical_and(real_tokens, real[:, None])
        width = tf.shape(cross[0])[2]  # the source positions the encoder computed
        real_source = source_mask[:, :width]
        x = tf.gather(embedding.embeddings, tokens)  # (batch, model_dim)
        x = x + tf.cast(positions.positions[position], x.dtype)  # this step's position vector
        for i in range(num_layers):
            attention = get(f"decoder_{i}_self_attention")
            h = get(f"decoder_{i}_self_norm")(x)
            query = _project(attention.query_dense, h)  # (batch, heads, key_dim)
            own[2 * i] = append_position(own[2 * i], _project(attention.key_dense, h))
            own[2 * i + 1] = append_position(own[2 * i + 1], _project(attention.value_dense, h))
            keys, values = own[2 * i], own[2 * i + 1]  # (batch, heads, position + 1, key_dim)
            fused = attention.dropout == 0  # which of Keras' two paths the layer takes
            context, _ = attend(query, keys, values, readable, empty_rows_zero=not fused)
            x = x + _project(attention.output_dense, context)

            attention = get(f"decoder_{i}_cross_attention")
            h = get(f"decoder_{i}_cross_norm")(x)
            query = _project(attention.query_dense, h)
            keys, values = cross[2 * i], cross[2 * i + 1]
            context, weights = attend(query, keys, values, real_source & real[:, None])
            x = x + _project(attention.output_dense, context)

            h = get(f"decoder_{i}_ffn_norm")(x)
            x = x + get(f"decoder_{i}_ffn_out")(get(f"decoder_{i}_ffn_hidden")(h))
        probabilities = get("decoder_dense")(get("decoder_norm")(x))  # (batch, vocabulary)
        state = (source_mask, real_tokens, steps + 1, *cross, *own)
        # As the uncached model: the last layer's cross-attention, averaged over the heads, with
        # 0 for every padding column the encoder skipped.
        attention = tf.reduce_mean(weights, axis=1)  # (batch, width)
        skipped = tf.shape(source_mask)[1] - width
        return probabilities, state, tf.pad(attention, [[0, 0], [0, skipped]])

    source_spec = tf.TensorSpec([None, None], tf.int64)
    return StepModel(encode, step, source_spec, start_index, end_index, has_attention=True)
