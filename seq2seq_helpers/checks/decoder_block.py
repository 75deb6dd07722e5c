"""The check of notebook 10's decoder-block exercise.

The learner writes ``my_decoder_block(x, encoder_outputs, source_mask, num_heads, ff_dim)`` with
Keras layers. The check builds it at a tiny size, copies the course's weights into its layers (by
kind, in the order the block uses them), and names the first thing that differs: from what the
block does (a later target position that moves an earlier one: no causal mask; padded source
positions that move the output: no source mask), or from the typical mistake whose outputs it
reproduces (post-norm, a missing residual connection, ...). The reference is the decoder layer of
``seq2seq_helpers/transformer.py`` (tests/test_checks_transformer_block.py compares them).
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np

from seq2seq_helpers.checks.feedback import Feedback, report, unanswered

# The check's block: 16 wide, 2 heads; 2 sentences of 4 target and 6 source positions (so a
# query/value swap shows in the shapes), the second with 3 padded source positions.
MODEL_DIM, HEADS, FF_DIM, TARGET_STEPS, SOURCE_STEPS = 16, 2, 32, 4, 6
SOURCE_MASK = np.array([[True] * 6, [True] * 3 + [False] * 3])
SUB_BLOCKS = ("causal self-attention", "cross-attention", "feed-forward")


class _ReferenceBlock:
    """The course's decoder block (``seq2seq_helpers/transformer.py``'s, one layer), its layers
    built once and wired on demand: as the course does, or with one typical mistake."""

    def __init__(self, rng: np.random.Generator):
        from keras import layers

        key_dim = MODEL_DIM // HEADS
        self.norms = [layers.LayerNormalization() for _ in SUB_BLOCKS]
        self.self_attention = layers.MultiHeadAttention(HEADS, key_dim)
        self.cross_attention = layers.MultiHeadAttention(HEADS, key_dim)
        self.hidden = layers.Dense(FF_DIM, activation="relu")
        self.out = layers.Dense(MODEL_DIM)
        x, encoder_outputs = _block_inputs(rng)
        self(x, encoder_outputs, SOURCE_MASK)  # builds every layer
        # Weights from ``rng`` (the same feedback every run), biases and norm scales included
        # (not Keras' zeros and ones), so that two norms swapped show.
        for layer in sum(self.by_kind().values(), []):
            weights = [
                rng.normal(0, 0.25 if w.ndim > 1 else 0.2, w.shape) for w in layer.get_weights()
            ]
            if isinstance(layer, layers.LayerNormalization):
                weights[0] += 1.0  # its scale, around 1
            layer.set_weights(weights)

    def by_kind(self) -> dict[str, list]:
        """The layers with weights, by kind, in the order the block uses them."""
        return {
            "LayerNormalization": self.norms,
            "MultiHeadAttention": [self.self_attention, self.cross_attention],
            "Dense": [self.hidden, self.out],
        }

    def __call__(self, x, encoder_outputs, source_mask, mistake: str | None = None, scores=None):
        """The block's outputs (batch, target, width) on NumPy inputs; ``scores`` collects the
        cross-attention weights (batch, heads, target, source)."""

        def sub_block(x, i, branch):
            if mistake == "post-norm":
                return self.norms[i](x + branch(x))
            out = branch(self.norms[i](x))
            return out if mistake == f"no residual {i}" else x + out

        def attend_self(attention):
            causal = mistake != "no causal mask"
            return lambda h: attention(h, h, use_causal_mask=causal)

        def attend_source(attention):
            def cross(h):
                context, weights = attention(
                    h,
                    encoder_outputs,
                    value_mask=None if mistake == "no source mask" else source_mask,
                    use_causal_mask=mistake == "causal cross-attention",
                    return_attention_scores=True,
                )
                if scores is not None:
                    scores.append(np.asarray(weights))
                return context

            return cross

        first, second = self.self_attention, self.cross_attention
        branches = [attend_self(first), attend_source(second)]
        if mistake == "cross-attention first":  # the learner's first attention layer attends
            branches = [attend_source(first), attend_self(second)]  # to the source
        branches.append(lambda h: self.out(self.hidden(h)))
        for i, branch in enumerate(branches):
            x = sub_block(x, i, branch)
        return np.asarray(x)


def _block_inputs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(size=(2, TARGET_STEPS, MODEL_DIM)).astype("float32")
    encoder_outputs = rng.normal(size=(2, SOURCE_STEPS, MODEL_DIM)).astype("float32")
    return x, encoder_outputs


MISTAKES = {
    "post-norm": (
        "your block normalizes after adding (post-norm, as in Vaswani et al.): the course "
        "normalizes each sub-block's input instead, x + sub_block(LayerNormalization(x)), and "
        "leaves the residual path untouched."
    ),
    "no residual 0": "the causal self-attention has no residual connection: add its output "
    "to its input, x = x + attention(...).",
    "no residual 1": "the cross-attention has no residual connection: add its output to its "
    "input, x = x + attention(...).",
    "no residual 2": "the feed-forward part has no residual connection: add its output to its "
    "input, x = x + dense(dense(...)).",
    "causal cross-attention": "your cross-attention has a causal mask: every target position "
    "may read every real source word (the whole English sentence is known); only the "
    "self-attention over the target needs use_causal_mask=True.",
    "cross-attention first": "your block reads the source before the target: the course's "
    "decoder block first lets each target position read the target so far (causal "
    "self-attention), then the source (cross-attention), then applies the feed-forward part.",
}


def _learner_model(decoder_block: Callable):
    """The learner's block as a Keras model, or the feedback explaining why it cannot be one."""
    import keras

    x = keras.Input(shape=(None, MODEL_DIM), name="x")
    encoder_outputs = keras.Input(shape=(None, MODEL_DIM), name="encoder_outputs")
    source_mask = keras.Input(shape=(None,), dtype="bool", name="source_mask")
    try:
        outputs = decoder_block(x, encoder_outputs, source_mask, HEADS, FF_DIM)
        if outputs is None:
            return unanswered("my_decoder_block returns None: return the block's output tensor.")
        return keras.Model([x, encoder_outputs, source_mask], outputs)
    except Exception as error:  # the learner's code: report it in words
        text = " ".join(str(error).split())
        said = f"my_decoder_block raised {type(error).__name__}: {text}"[:300]
        if re.search(r"The name .* is used \d+ times", text):
            return report(
                False,
                said + " Each layer needs a name of its own: give each call of residual its "
                "own name (for example 'self', 'cross' and 'ffn'), or leave the names out.",
            )
        if "shape" in text.lower():
            return report(
                False,
                said + f" (the check calls it on {MODEL_DIM}-wide vectors with num_heads={HEADS} "
                f"and ff_dim={FF_DIM}: take the sizes from x.shape[-1] and the arguments, not "
                "from the notebook's MODEL_DIM, NUM_HEADS or FF_DIM).",
            )
        return report(False, said)


def _layer_counts(model) -> Feedback | None:
    kinds = [type(layer).__name__ for layer in model.layers]
    needed = {
        "MultiHeadAttention": (
            2,
            "two attention layers: causal self-attention over x, then cross-attention from x "
            "to encoder_outputs",
        ),
        "LayerNormalization": (3, "one LayerNormalization before each of its three sub-blocks"),
        "Dense": (2, "a feed-forward part of two Dense layers: ff_dim with relu, then x's width"),
    }
    for kind, (count, what) in needed.items():
        if kinds.count(kind) != count:
            return report(
                False, f"the block has {kinds.count(kind)} {kind} layer(s): it needs {what}."
            )
    if "LSTM" in kinds or "GRU" in kinds:
        return report(False, "the block has a recurrent layer: attention replaces it.")
    return None


def _attention_masks(model) -> Feedback | None:
    """A 2-D mask passed as ``attention_mask`` (it must be (batch, target, source))."""
    for layer in model.layers:
        if type(layer).__name__ != "MultiHeadAttention":
            continue
        for node in getattr(layer, "_inbound_nodes", []):
            mask = getattr(node, "arguments", None) and node.arguments.kwargs.get("attention_mask")
            if mask is not None and len(getattr(mask, "shape", ())) == 2:
                return report(
                    False,
                    "you pass source_mask as attention_mask: attention_mask must be (batch, "
                    "target, source), one row per query position; a (batch, source) mask is "
                    "value_mask: call the cross-attention with value_mask=source_mask.",
                )
    return None


def _dense_activations(model) -> Feedback | None:
    """The feed-forward part's activations: relu, then none (unless written as layers of their
    own, which the comparison of outputs then judges)."""
    kinds = {type(layer).__name__ for layer in model.layers}
    if kinds & {"Activation", "ReLU"}:
        return None
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    names = [getattr(layer.activation, "__name__", "?") for layer in dense]
    if names != ["relu", "linear"]:
        return report(
            False,
            f"your feed-forward Dense layers use the activations {names[0]} and {names[1]}: the "
            "first (ff_dim units) uses relu, the second (back to x's width) none, so that what "
            "it adds to x can be negative too.",
        )
    return None


def _copy_reference_weights(model, reference: _ReferenceBlock) -> Feedback | None:
    """Give each of the learner's layers the weights of the reference layer of the same kind and
    rank (the order in which the block uses them)."""
    for kind, references in reference.by_kind().items():
        learners = [layer for layer in model.layers if type(layer).__name__ == kind]
        for rank, (mine, theirs) in enumerate(zip(learners, references)):
            shapes = [tuple(w.shape) for w in mine.get_weights()]
            expected = [tuple(w.shape) for w in theirs.get_weights()]
            if shapes != expected:
                what = f"weights of shapes {shapes}; the course's has {expected}"
                if kind == "MultiHeadAttention":  # its first weight: (width, heads, key_dim)
                    what = (
                        f"a query kernel of shape {shapes[0]}; the course's is {expected[0]}, "
                        "(width, heads, key_dim): each head gets key_dim = width // num_heads "
                        "numbers of every vector"
                    )
                return report(
                    False,
                    f"your {kind} number {rank + 1} (in the order the block uses them) has "
                    f"{what} (width {MODEL_DIM}, {HEADS} heads, ff_dim {FF_DIM}).",
                )
            mine.set_weights(theirs.get_weights())
    return None


def check_decoder_block(decoder_block: Callable | None) -> Feedback:
    """Check ``decoder_block(x, encoder_outputs, source_mask, num_heads, ff_dim) -> y`` on a
    16-wide block: x (batch, target, 16), encoder_outputs (batch, source, 16), source_mask
    (batch, source) booleans. The check copies the course's weights into the learner's layers
    (by kind, in the order the block uses them) and names the first thing that differs."""
    if decoder_block is None:
        return unanswered("write my_decoder_block and pass the function itself.")
    model = _learner_model(decoder_block)
    if isinstance(model, Feedback):
        return model
    rng = np.random.default_rng(10)
    reference = _ReferenceBlock(rng)
    problem = _layer_counts(model)
    for step in (_attention_masks, _dense_activations):
        if problem is None:
            problem = step(model)
    if problem is None:
        problem = _copy_reference_weights(model, reference)
    if problem is not None:  # (a Feedback that says "not yet" is falsy: test for None)
        return problem
    x, encoder_outputs = _block_inputs(rng)

    def run(x, encoder_outputs):
        return np.asarray(model([x, encoder_outputs, SOURCE_MASK], training=False))

    try:
        got = run(x, encoder_outputs)
    except Exception as error:  # the learner's code: report it in words
        return report(
            False,
            f"your block, called on {TARGET_STEPS} target and {SOURCE_STEPS} source positions, "
            f"raised {type(error).__name__}: {str(error).splitlines()[0]}"[:300]
            + " Is the cross-attention's query the target side (h) and its value "
            "encoder_outputs? The other way round, its output has the source's length.",
        )
    if got.shape != x.shape:
        return report(
            False,
            f"with {TARGET_STEPS} target and {SOURCE_STEPS} source positions the block gives "
            f"{got.shape}, expected {x.shape}: one vector per target position, as wide as x "
            "(the cross-attention's query is the target side, its value encoder_outputs).",
        )
    expected = reference(x, encoder_outputs, SOURCE_MASK)
    if np.allclose(got, expected, atol=1e-4):
        return report(
            True,
            "with the course's weights your block gives the course's outputs: causal "
            "self-attention, cross-attention over the real source words, feed-forward, each "
            "as x + sub_block(LayerNormalization(x)).",
        )
    return _first_difference(run, reference, x, encoder_outputs, got, expected)


def _first_difference(run, reference, x, encoder_outputs, got, expected) -> Feedback:
    change = np.random.default_rng(0).normal(size=x.shape[-1])  # (a shift of every number
    later = x.copy()  # by the same amount would vanish in LayerNormalization)
    later[:, -1] += change  # change the last target position only
    moved = np.abs(run(later, encoder_outputs) - got)[:, :-1].max()
    if moved > 1e-4:
        return report(
            False,
            f"your self-attention has no causal mask: changing the last target position "
            f"changes the outputs of earlier positions by up to {moved:.3f}. Position t may "
            "read positions 0..t only: call it with use_causal_mask=True.",
        )
    padded = encoder_outputs.copy()
    padded[~SOURCE_MASK] += change  # change the padded source positions only
    if not np.allclose(run(x, padded), got, atol=1e-5):
        scores = []
        reference(x, encoder_outputs, SOURCE_MASK, "no source mask", scores)
        weight = scores[0][1][..., ~SOURCE_MASK[1]].sum(axis=-1).mean()
        return report(
            False,
            f"your cross-attention gets no source mask: padded source positions receive "
            f"weight {weight:.3f} (in the check's second sentence, 3 of the 6 source positions "
            "are padding; with the course's weights each target position gives them that share "
            "of its attention, on average). Pass value_mask=source_mask: encoder_outputs "
            "carries no Keras mask here, nor in the inference decoder.",
        )
    real = encoder_outputs.copy()
    real[SOURCE_MASK] += change
    if np.allclose(run(x, real), got, atol=1e-5):
        return report(
            False,
            "your block never reads encoder_outputs: in the cross-attention the query is the "
            "normalized target side and the value encoder_outputs.",
        )
    for mistake, message in MISTAKES.items():
        if np.allclose(got, reference(x, encoder_outputs, SOURCE_MASK, mistake), atol=1e-4):
            return report(False, message)
    return report(
        False,
        f"with the course's weights copied in, your outputs differ from the course's by up to "
        f"{np.abs(got - expected).max():.3f}. Check each sub-block: x = x + "
        "attention_or_feed_forward(LayerNormalization()(x)), the self-attention on (h, h), the "
        "cross-attention on (h, encoder_outputs), the feed-forward on h.",
    )
