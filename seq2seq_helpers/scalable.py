"""The scalable path: integer token ids, embeddings, masking, sparse loss and tf.data.

Introduced in notebooks/07_scaling_up.ipynb.

Same encoder-decoder as the lesson, with three changes that remove the one-hot wall:

- tokens are stored as integer ids (``TextVectorization``), not one-hot vectors:
  an array of shape (N, T) instead of (N, T, V);
- an ``Embedding(mask_zero=True)`` layer turns ids into dense vectors inside the model, and its
  mask tells the LSTMs, the loss and the metrics to ignore padding (id 0);
- ``sparse_categorical_crossentropy`` compares the softmax with the target *id*, so no one-hot
  target array exists either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from seq2seq_helpers.text import END_TOKEN, START_TOKEN, tokenize

# Same tokens as the lesson's regex (text.tokenize): a punctuation mark (anything but a letter,
# digit, apostrophe, underscore or space) becomes a token of its own. \p{L} keeps accented
# letters inside words. TensorFlow's regular expressions (RE2) and its whitespace split know
# only ASCII spaces, where Python's know every Unicode one: the no-break space of "Hola,\u00a0Tom"
# would become a token. So every character Python calls a space becomes " " first.
_UNICODE_SPACE = r"[\p{Z}\x{1c}-\x{1f}\x{85}]"
_PUNCTUATION = r"([^\p{L}\p{N}\s'_])"


def standardize_source(text: tf.Tensor) -> tf.Tensor:
    """Lowercase and put spaces around punctuation, so splitting on whitespace gives the tokens
    (the same tokens as ``text.tokenize``)."""
    text = tf.strings.regex_replace(tf.strings.lower(text, encoding="utf-8"), _UNICODE_SPACE, " ")
    return tf.strings.strip(tf.strings.regex_replace(text, _PUNCTUATION, r" \1 "))


def standardize_target(text: tf.Tensor) -> tf.Tensor:
    """Like ``standardize_source``, then wrapped in ``<START>`` ... ``<END>``."""
    return tf.strings.join([START_TOKEN, standardize_source(text), END_TOKEN], separator=" ")


@dataclass
class Vectorizers:
    """The two ``TextVectorization`` layers and the sequence lengths they pad to."""

    source: layers.TextVectorization
    target: layers.TextVectorization

    # Read once: get_vocabulary() copies every token out of the layer, far too slow to repeat
    # for every translated sentence. (The layers are adapted before a Vectorizers is made.)
    @cached_property
    def source_vocabulary(self) -> list[str]:
        return [str(token) for token in self.source.get_vocabulary()]

    @cached_property
    def target_vocabulary(self) -> list[str]:
        return [str(token) for token in self.target.get_vocabulary()]

    # The same calls as subwords.SubwordVectorizers', so a translator uses either.
    def split_source(self, sentence: str) -> list[str]:
        """The source tokens of ``sentence`` (lowercased words and punctuation marks)."""
        return tokenize(sentence)

    split_target = split_source

    def join_target(self, tokens: Sequence[str]) -> str:
        """Target tokens back to a string: space-separated, as the model wrote them."""
        return " ".join(tokens)


def make_vectorizers(
    pairs: Sequence[tuple[str, str]],
    max_source_length: int,
    max_target_length: int,
    max_tokens: int | None = None,
) -> Vectorizers:
    """Adapt source and target ``TextVectorization`` layers to the pairs' texts.

    Id 0 is padding and id 1 is ``[UNK]`` (a word not seen when adapting); real tokens start at 2,
    most frequent first. Targets are padded to ``max_target_length + 1`` tokens so that the
    decoder input and the shifted target both have ``max_target_length`` steps.

    ``max_tokens`` caps each vocabulary (padding and ``[UNK]`` included): the rarer words become
    ``[UNK]`` in the training data too, so the model learns what to do with it, and the softmax
    over the target vocabulary, the largest layer, shrinks.
    """
    if not pairs:
        raise ValueError("make_vectorizers needs at least one (source, target) pair.")
    if max_tokens is not None and (
        isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 8
    ):
        raise ValueError(
            f"max_tokens must be None or an integer of at least 8, got {max_tokens!r}."
        )
    source = layers.TextVectorization(
        max_tokens=max_tokens,
        standardize=standardize_source,
        split="whitespace",
        output_sequence_length=max_source_length,
    )
    target = layers.TextVectorization(
        max_tokens=max_tokens,
        standardize=standardize_target,
        split="whitespace",
        output_sequence_length=max_target_length + 1,
    )
    source.adapt([s for s, _ in pairs])
    target.adapt([t for _, t in pairs])
    return Vectorizers(source, target)


def vectorizers_from_vocabularies(
    source_vocabulary: Sequence[str],
    target_vocabulary: Sequence[str],
    max_source_length: int,
    max_target_length: int,
) -> Vectorizers:
    """Rebuild saved vectorizers from their vocabularies (as ``get_vocabulary()`` returned them,
    padding ``""`` and ``[UNK]`` first), so a loaded model maps words to the same ids."""

    def layer(vocabulary, standardize, length):
        return layers.TextVectorization(
            standardize=standardize,
            split="whitespace",
            output_sequence_length=length,
            vocabulary=list(vocabulary[2:]),  # the layer adds padding and [UNK] itself
        )

    return Vectorizers(
        layer(source_vocabulary, standardize_source, max_source_length),
        layer(target_vocabulary, standardize_target, max_target_length + 1),
    )


def vectorize_pairs(
    vectorizers: Vectorizers, pairs: Sequence[tuple[str, str]]
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Integer arrays ``(encoder_input_data, decoder_input_data), decoder_target_data``.

    Shapes: (N, max_source_length), (N, max_target_length), (N, max_target_length); int64 ids.
    The target is the decoder input shifted one step, as in the lesson, except that ``<END>``
    never appears in the decoder input.
    """
    sources = vectorizers.source(tf.constant([s for s, _ in pairs])).numpy()
    targets = vectorizers.target(tf.constant([t for _, t in pairs])).numpy()
    decoder_inputs = targets[:, :-1].copy()
    # <END> is never an input: nothing follows it. Making it padding (0) also keeps it out of the
    # mask, so the step after the sentence's end is not scored in the loss.
    decoder_inputs[decoder_inputs == vectorizers.target_vocabulary.index(END_TOKEN)] = 0
    return (sources, decoder_inputs), targets[:, 1:]


def default_bucket_boundaries(max_length: int, width: int = 4) -> list[int]:
    """Bucket edges every ``width`` tokens up to ``max_length``: [5, 9, 13, ...] for width 4.

    A sentence of length n goes to the first bucket whose edge is above n, so each bucket holds
    ``width`` lengths and a batch pads at most ``width - 1`` steps of its own.
    """
    if max_length < 1 or width < 1:
        raise ValueError(f"max_length and width must be positive, got {max_length}, {width}.")
    return list(range(width + 1, max_length + 1, width))


def make_dataset(
    inputs: tuple[np.ndarray, np.ndarray],
    targets: np.ndarray,
    batch_size: int,
    shuffle: bool = True,
    seed: int = 0,
    bucket_boundaries: Sequence[int] | None = None,
    pad_to_bucket_edge: bool = False,
) -> tf.data.Dataset:
    """A ``tf.data`` pipeline: cache the arrays, shuffle each epoch, batch, prefetch.

    With ``bucket_boundaries`` (for example ``default_bucket_boundaries(max_length)``), sentences
    of similar length are batched together (``bucket_by_sequence_length``) and every batch is cut
    to its own longest sentence instead of the arrays' full length, so far fewer padded steps are
    computed. The length of a pair is the longer of its source and its target (real ids, not 0).
    ``pad_to_bucket_edge`` pads each batch to its bucket's longest length instead (source and
    target alike), so batches come in a few shapes only: XLA compiles a training step once per
    shape (``jit_compile=True``).
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size!r}.")
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets)).cache()
    if shuffle:
        dataset = dataset.shuffle(len(targets), seed=seed, reshuffle_each_iteration=True)
    if not bucket_boundaries:
        return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
    boundaries = [int(edge) for edge in bucket_boundaries]
    if boundaries != sorted(set(boundaries)) or boundaries[0] < 2:
        raise ValueError(
            f"bucket_boundaries must be increasing integers of at least 2, got {bucket_boundaries!r}."
        )

    def strip_padding(sources_and_decoder_inputs, target):
        source, decoder_input = sources_and_decoder_inputs
        source_length = tf.math.count_nonzero(source, dtype=tf.int32)
        target_length = tf.math.count_nonzero(target, dtype=tf.int32)
        # Padding is only ever at the end, so the first `length` steps hold every real token.
        return (source[:source_length], decoder_input[:target_length]), target[:target_length]

    def pair_length(sources_and_decoder_inputs, target):
        return tf.maximum(tf.shape(sources_and_decoder_inputs[0])[0], tf.shape(target)[0])

    longest = max(inputs[0].shape[1], targets.shape[1])
    if pad_to_bucket_edge and boundaries[-1] <= longest:
        boundaries.append(longest + 1)  # the last bucket needs an edge too
    dataset = dataset.map(strip_padding).bucket_by_sequence_length(
        pair_length,
        bucket_boundaries=boundaries,
        bucket_batch_sizes=[batch_size] * (len(boundaries) + 1),
        pad_to_bucket_boundary=pad_to_bucket_edge,
    )  # pads every batch with 0 to its own longest source and target (or to its bucket's edge)
    # A bucket holds the same sentences every epoch (only their order changes), so the number of
    # batches is fixed; telling tf.data lets Keras show it and check every epoch against it.
    lengths = np.maximum(np.count_nonzero(inputs[0], axis=1), np.count_nonzero(targets, axis=1))
    per_bucket = np.bincount(
        np.searchsorted(boundaries, lengths, side="right"), minlength=len(boundaries) + 1
    )
    batches = int(sum(-(-count // batch_size) for count in per_bucket))
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches))
    return dataset.prefetch(tf.data.AUTOTUNE)


def padding_share(dataset: tf.data.Dataset) -> float:
    """Share of the positions in a dataset's batches (sources and targets) that are padding."""
    real = total = 0
    for (sources, _), targets in dataset:
        for array in (sources, targets):
            real += int(tf.math.count_nonzero(array))
            total += int(tf.size(array))
    if total == 0:
        raise ValueError("The dataset has no batches.")
    return 1 - real / total


def check_positive_integers(**sizes) -> None:
    """Raise a ValueError naming the first of ``sizes`` that is not a positive integer."""
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def check_model_sizes(
    source_vocab_size: int, target_vocab_size: int, latent_dim: int, embedding_dim: int
) -> None:
    """Raise a ValueError naming the size that is not a positive integer."""
    check_positive_integers(
        source_vocab_size=source_vocab_size,
        target_vocab_size=target_vocab_size,
        latent_dim=latent_dim,
        embedding_dim=embedding_dim,
    )


def build_scalable_model(
    source_vocab_size: int, target_vocab_size: int, latent_dim: int = 256, embedding_dim: int = 128
) -> keras.Model:
    """The lesson's encoder-decoder on token ids, with masked padding.

    Inputs: ``encoder_inputs`` (batch, T_enc) and ``decoder_inputs`` (batch, T_dec) integer ids.
    Output: (batch, T_dec, target_vocab_size) next-token probabilities.
    """
    check_model_sizes(source_vocab_size, target_vocab_size, latent_dim, embedding_dim)
    encoder_inputs = keras.Input(shape=(None,), dtype="int64", name="encoder_inputs")
    encoder_embedded = layers.Embedding(
        source_vocab_size, embedding_dim, mask_zero=True, name="encoder_embedding"
    )(encoder_inputs)
    _, state_hidden, state_cell = layers.LSTM(latent_dim, return_state=True, name="encoder_lstm")(
        encoder_embedded
    )
    decoder_inputs = keras.Input(shape=(None,), dtype="int64", name="decoder_inputs")
    decoder_embedded = layers.Embedding(
        target_vocab_size, embedding_dim, mask_zero=True, name="decoder_embedding"
    )(decoder_inputs)
    decoder_outputs, _, _ = layers.LSTM(
        latent_dim, return_sequences=True, return_state=True, name="decoder_lstm"
    )(decoder_embedded, initial_state=[state_hidden, state_cell])
    decoder_outputs = layers.Dense(target_vocab_size, activation="softmax", name="decoder_dense")(
        decoder_outputs
    )
    return keras.Model([encoder_inputs, decoder_inputs], decoder_outputs, name="seq2seq_scalable")


def compile_scalable_model(
    model: keras.Model,
    optimizer: str | keras.optimizers.Optimizer = "adam",
    jit_compile: bool | str = "auto",
    loss: str = "sparse_categorical_crossentropy",
) -> keras.Model:
    """Sparse loss on target ids; the decoder's mask keeps padding out of loss and accuracy.
    (``families`` compiles the lesson's one-hot model here too, with its ``loss``.)"""
    model.compile(
        optimizer=optimizer,
        loss=loss,
        metrics=["accuracy"],
        jit_compile=jit_compile,
    )
    return model


def build_scalable_inference_models(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """``encoder_model`` (ids -> states) and ``decoder_model`` (ids + states -> probabilities +
    states), sharing the trained layers, found by name."""
    encoder_lstm = model.get_layer("encoder_lstm")
    latent_dim = encoder_lstm.units
    encoder_inputs = keras.Input(shape=(None,), dtype="int64")
    embedded = model.get_layer("encoder_embedding")(encoder_inputs)
    _, state_hidden, state_cell = encoder_lstm(embedded)
    encoder_model = keras.Model(encoder_inputs, [state_hidden, state_cell])

    decoder_inputs = keras.Input(shape=(None,), dtype="int64")
    states_in = [keras.Input(shape=(latent_dim,)), keras.Input(shape=(latent_dim,))]
    embedded = model.get_layer("decoder_embedding")(decoder_inputs)
    outputs, state_hidden, state_cell = model.get_layer("decoder_lstm")(
        embedded, initial_state=states_in
    )
    outputs = model.get_layer("decoder_dense")(outputs)
    decoder_model = keras.Model([decoder_inputs, *states_in], [outputs, state_hidden, state_cell])
    return encoder_model, decoder_model


def multiply_adds_per_token(
    latent_dim: int, embedding_dim: int, target_vocab_size: int
) -> dict[str, int]:
    """Multiply-adds of one forward step of ``build_scalable_model``, by layer, from its sizes.

    An LSTM step multiplies [input, previous state] (``embedding_dim + latent_dim`` numbers) by a
    matrix with four gates of ``latent_dim`` columns; the softmax ``Dense`` layer multiplies the
    decoder's output by a ``latent_dim`` x ``target_vocab_size`` matrix. Embedding look-ups are
    copies, not arithmetic. The encoder runs once per source token, the decoder and the softmax
    once per target token; training costs about three times the forward pass (the backward pass
    computes two gradients per multiplication).
    """
    lstm = (embedding_dim + latent_dim) * 4 * latent_dim
    return {"encoder_lstm": lstm, "decoder_lstm": lstm, "softmax": latent_dim * target_vocab_size}
