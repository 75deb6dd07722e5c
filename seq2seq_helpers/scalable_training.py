"""Training and using the scalable model, optionally on several devices or machines.

Introduced in notebooks/07_scaling_up.ipynb.

Distribution uses TensorFlow's own strategies; pass one as ``strategy``:

- ``tf.distribute.MirroredStrategy()``: every GPU (or logical device) of one machine holds a copy
  of the model; each batch is split between them and the gradients are averaged.
- ``tf.distribute.MultiWorkerMirroredStrategy()``: the same across machines; each machine runs the
  same script with its own ``TF_CONFIG`` environment variable (see the README).
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from seq2seq_helpers.attention import (
    attention_step_model,
    build_attention_inference_models,
    build_attention_model,
    has_attention,
    replace_unknown_words,
)
from seq2seq_helpers.models import build_inference_models, build_training_model
from seq2seq_helpers.scalable import (
    Vectorizers,
    build_scalable_inference_models,
    build_scalable_model,
    check_positive_integers,
    compile_scalable_model,
    default_bucket_boundaries,
    make_dataset,
    make_vectorizers,
    vectorize_pairs,
    vectorizers_from_vocabularies,
)
from seq2seq_helpers.search import (
    DEFAULT_LENGTH_ALPHA,
    Decoded,
    StepModel,
    lstm_step_model,
    make_beam_decoder,
    make_greedy_decoder,
)
from seq2seq_helpers.subwords import SubwordVectorizers
from seq2seq_helpers.text import END_TOKEN, START_TOKEN, UNKNOWN_TOKEN
from seq2seq_helpers.transformer import (
    build_transformer_inference_models,
    build_transformer_model,
    is_transformer,
    transformer_step_model,
)
from seq2seq_helpers.translator import MODEL_FILE, prepare_save_folder, read_saved_settings

VECTORIZERS_FILE = "vectorizers.json"


ARCHITECTURES = ("scalable", "attention", "lesson", "transformer")
# What train_scalable(transformer_sizes=...) may set (see build_transformer_model).
TRANSFORMER_SIZES = ("model_dim", "num_heads", "num_layers", "ff_dim", "dropout")


@dataclass
class ScalableTranslator:
    """A trained model on token ids with its vectorizers; translates whole batches at once.

    The model is notebook 07's (``build_scalable_model``), notebook 09's with attention
    (``build_attention_model``), notebook 10's Transformer (``build_transformer_model``) or the
    lesson's one-hot model fed from the same ids (``architecture="lesson"`` in
    ``train_scalable``); ``architecture`` tells which: as ``train_scalable`` or the saved folder
    recorded it, or else (a model built by hand, a folder saved before saves recorded it) read
    from the model's layers. All four decode through the same interface (``step_model``) and
    the same greedy and beam search code.
    """

    model: keras.Model
    vectorizers: Vectorizers
    max_source_length: int
    max_target_length: int
    recorded_architecture: str | None = None
    _inference: tuple[keras.Model, keras.Model] | None = field(default=None, repr=False)
    _decoders: dict = field(default_factory=dict, repr=False)

    @property
    def architecture(self) -> str:
        if self.recorded_architecture is not None:
            return self.recorded_architecture
        if is_transformer(self.model):
            return "transformer"
        if has_attention(self.model):
            return "attention"
        if len(self.model.get_layer("encoder_inputs").batch_shape) == 3:
            return "lesson"  # one-hot rows in
        return "scalable"

    @property
    def inference_models(self) -> tuple[keras.Model, keras.Model]:
        if self._inference is None:
            builders = {
                "attention": build_attention_inference_models,
                "lesson": build_inference_models,
                "scalable": build_scalable_inference_models,
                "transformer": build_transformer_inference_models,
            }
            self._inference = builders[self.architecture](self.model)
        return self._inference

    @property
    def step_model(self) -> StepModel:
        """The model's decoding interface (``search.StepModel``), on source ids."""
        vocabulary = self.vectorizers.target_vocabulary
        ends = {
            "start_index": vocabulary.index(START_TOKEN),
            "end_index": vocabulary.index(END_TOKEN),
        }
        if self.architecture == "attention":
            return attention_step_model(*self.inference_models, **ends)
        if self.architecture == "transformer":
            return transformer_step_model(
                *self.inference_models, max_length=self.max_target_length, **ends
            )
        if self.architecture == "scalable":
            return lstm_step_model(*self.inference_models, **ends)
        one_hot = lstm_step_model(*self.inference_models, one_hot_size=len(vocabulary), **ends)
        source_size = len(self.vectorizers.source_vocabulary)

        def encode(ids):  # the lesson's one-hot rows, made from the ids (padding: all zeros)
            return one_hot.encode(one_hot_rows(ids, source_size))

        return replace(one_hot, encode=encode, source_spec=tf.TensorSpec([None, None], tf.int64))

    def save(self, folder: str | Path, if_exists: str = "error") -> Path:
        """Save to ``folder``: ``model.keras`` and ``vectorizers.json`` (both vocabularies and the
        lengths). An earlier save is kept or replaced only as ``if_exists`` says (see
        ``translator.prepare_save_folder``)."""
        folder = prepare_save_folder(folder, if_exists)
        self.model.save(folder / MODEL_FILE)
        settings = {
            "source_vocabulary": self.vectorizers.source_vocabulary,
            "target_vocabulary": self.vectorizers.target_vocabulary,
            "max_source_length": self.max_source_length,
            "max_target_length": self.max_target_length,
            "architecture": self.architecture,
        }
        if isinstance(self.vectorizers, SubwordVectorizers):  # the pieces' models, as files
            self.vectorizers.save(folder)
            settings["tokenizer"] = "sentencepiece"
        (folder / VECTORIZERS_FILE).write_text(
            json.dumps(settings, ensure_ascii=False), encoding="utf-8"
        )
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> ScalableTranslator:
        """Load a translator saved with ``save`` (the model without its optimizer). A folder
        saved before saves recorded the architecture still loads: it is read from the layers."""
        folder = Path(folder)
        with read_saved_settings(folder, VECTORIZERS_FILE, "07_scaling_up") as settings:
            lengths = settings["max_source_length"], settings["max_target_length"]
            if settings.get("tokenizer") == "sentencepiece":
                vectorizers = SubwordVectorizers.load(folder, *lengths)
            else:
                vectorizers = vectorizers_from_vocabularies(
                    settings["source_vocabulary"], settings["target_vocabulary"], *lengths
                )
            architecture = settings.get("architecture")
            if architecture not in (None, *ARCHITECTURES):
                raise KeyError(f"architecture {architecture!r} is none of {ARCHITECTURES}")
        model = keras.models.load_model(folder / MODEL_FILE, compile=False)
        return cls(model, vectorizers, *lengths, recorded_architecture=architecture)

    def source_tokens(self, sentence: str) -> list[str]:
        """The source tokens (words, or subword pieces) at the model's input positions."""
        return self.vectorizers.split_source(sentence)[: self.max_source_length]

    def decode(
        self,
        sentences: Sequence[str],
        *,
        beam_width: int = 1,
        n_best: int = 1,
        alpha: float = DEFAULT_LENGTH_ALPHA,
        batch_size: int = 256,
    ) -> list[list[Decoded]]:
        """Search for each sentence's ``n_best`` translations (``search.Decoded``: target ids,
        score, attention weights for the attention model), ``batch_size`` sentences at a time.

        ``beam_width=1`` is greedy search (the compiled loop of notebook 08); more is beam
        search with length normalization ``alpha`` (notebook 09). Words never seen in training
        become ``[UNK]`` and sentences longer than the model's input length keep their first
        ``max_source_length`` tokens, both with a warning; a sentence with no token ("", only
        spaces) gets an empty result (no ids, score 0), with a warning naming its index.
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
        if isinstance(sentences, str):
            raise TypeError("Pass a list of sentences, not one string: decode([sentence]).")
        if not isinstance(beam_width, bool) and isinstance(beam_width, int):
            vocabulary_size = len(self.vectorizers.target_vocabulary)
            if beam_width > vocabulary_size:
                raise ValueError(
                    f"beam_width={beam_width} is larger than the {vocabulary_size} target words: "
                    "every beam proposes beam_width different next words; use a smaller width."
                )
        self._warn_about_inputs(sentences)
        greedy_search = beam_width == 1 and n_best == 1  # alpha plays no part in greedy search
        key = "greedy" if greedy_search else (beam_width, n_best, alpha)
        if key not in self._decoders:  # built once: its first call traces the compiled loop
            if greedy_search:
                greedy = make_greedy_decoder(self.step_model, self.max_target_length)
                self._decoders[key] = lambda ids: [[decoded] for decoded in greedy(ids)]
            else:
                self._decoders[key] = make_beam_decoder(
                    self.step_model,
                    beam_width,
                    self.max_target_length,
                    alpha=alpha,
                    n_best=n_best,
                )
        decoder = self._decoders[key]
        results: list[list[Decoded]] = []
        empty: list[int] = []  # sentences with no token: they would decode to random words
        for start in range(0, len(sentences), batch_size):
            ids = self.vectorizers.source(tf.constant(list(sentences[start : start + batch_size])))
            results.extend(decoder(ids.numpy()))
            empty.extend(start + int(i) for i in np.flatnonzero(~ids.numpy().any(axis=1)))
        for i in empty:
            results[i] = [Decoded([], 0.0, None)] * len(results[i])
        if empty:
            warnings.warn(
                f"Sentences {empty} have no words: their translation is empty.", stacklevel=2
            )
        return results

    def words(self, decoded: Decoded, sentence: str | None = None) -> list[str]:
        """The target words of one ``Decoded``; with the ``sentence`` it came from (attention
        model only), every ``[UNK]`` is replaced by the source word it attends to most."""
        vocabulary = self.vectorizers.target_vocabulary
        tokens = [vocabulary[i] for i in decoded.ids]
        if sentence is None or UNKNOWN_TOKEN not in tokens:
            return tokens
        if decoded.attention is None:
            raise ValueError(
                "Only a model with attention (notebooks 09-10) can replace [UNK]: it says which "
                "source word it read."
            )
        return replace_unknown_words(tokens, decoded.attention, self.source_tokens(sentence))

    def translate_batch(
        self,
        sentences: Sequence[str],
        batch_size: int = 256,
        *,
        beam_width: int = 1,
        alpha: float = DEFAULT_LENGTH_ALPHA,
        replace_unknown: bool = False,
    ) -> list[str]:
        """Translations of many sentences: space-separated tokens from words, real text from
        subword pieces. Greedy, or beam search with ``beam_width`` > 1. ``replace_unknown`` (attention model or Transformer) copies the
        most-attended source word in place of every ``[UNK]``."""
        if replace_unknown and self.architecture not in ("attention", "transformer"):
            raise ValueError(
                "replace_unknown needs a model with attention (the attention model or the "
                f"Transformer); this one is {self.architecture!r}."
            )
        decoded = self.decode(sentences, beam_width=beam_width, alpha=alpha, batch_size=batch_size)
        return [
            self.vectorizers.join_target(self.words(best[0], sentence if replace_unknown else None))
            for best, sentence in zip(decoded, sentences)
        ]

    def _warn_about_inputs(self, sentences: Sequence[str]) -> None:
        for i, sentence in enumerate(sentences):
            if not isinstance(sentence, str):
                raise TypeError(
                    f"sentences[{i}] is a {type(sentence).__name__} ({sentence!r:.40}), not a "
                    "string: pass a list of sentences as text."
                )
        limit = self.max_source_length
        known = set(self.vectorizers.source_vocabulary)
        tokens = [self.vectorizers.split_source(sentence) for sentence in sentences]
        unknown = sorted({t for sentence in tokens for t in sentence if t not in known})
        if unknown:
            warnings.warn(f"Words never seen in training become [UNK]: {unknown}.", stacklevel=3)
        long = [i for i, sentence in enumerate(tokens) if len(sentence) > limit]
        if long:
            warnings.warn(
                f"Sentences {long} are longer than {limit} tokens: only their first {limit} "
                "tokens are translated.",
                stacklevel=3,
            )


def to_one_hot(source_size: int, target_size: int):
    """A ``tf.data`` map from id batches to the lesson's one-hot batches."""

    def convert(sources_and_decoder_inputs, target):
        source, decoder_input = sources_and_decoder_inputs
        return (
            one_hot_rows(source, source_size),
            one_hot_rows(decoder_input, target_size),
        ), one_hot_rows(target, target_size)

    return convert


def one_hot_rows(ids: tf.Tensor, size: int) -> tf.Tensor:
    """One-hot rows of ``size`` for integer ids, with padding (id 0) as an all-zero row, as the
    lesson's arrays hold it."""
    real = tf.cast(tf.not_equal(ids, 0), tf.float32)[..., None]
    return tf.one_hot(ids, size) * real


def train_scalable(
    pairs: Sequence[tuple[str, str]],
    *,
    max_source_length: int | None = None,
    max_target_length: int | None = None,
    latent_dim: int | None = None,
    embedding_dim: int | None = None,
    epochs: int = 20,
    batch_size: int = 64,
    validation_split: float = 0.2,
    optimizer: str | keras.optimizers.Optimizer = "adam",
    strategy: tf.distribute.Strategy | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    verbose: int = 2,
    seed: int = 0,
    max_tokens: int | None = None,
    bucketing: bool = True,
    jit_compile: bool | str = "auto",
    architecture: str = "scalable",
    attention_score: str | None = None,
    bidirectional: bool = False,
    transformer_sizes: dict | None = None,
    vectorizers: Vectorizers | SubwordVectorizers | None = None,
) -> tuple[ScalableTranslator, dict[str, list[float]]]:
    """Vectorize with ``TextVectorization``, build a ``tf.data`` pipeline, and fit.

    Like Keras' ``validation_split``, the last ``validation_split`` of the pairs are kept aside
    for validation. The optimizer is Adam (learning rate 0.001) unless ``optimizer`` says
    otherwise, as in notebook 07; an optimizer object is copied, so it can be passed again. With a ``strategy``, the model is built and compiled inside its scope, and
    ``batch_size`` is the global batch, split between the replicas. ``max_tokens`` caps both
    vocabularies (see ``make_vectorizers``). ``bucketing`` batches sentences of similar length
    together, each batch cut to its longest sentence (see ``make_dataset``). ``jit_compile`` goes
    to ``compile`` (``True`` compiles each training step with XLA; Keras' ``"auto"`` leaves it
    off on a CPU-only machine and turns it on with a GPU); when the compiled model uses XLA,
    batches are padded to their bucket's edge, so XLA sees a few shapes only.

    ``latent_dim`` (256 unless given) and ``embedding_dim`` (128) size the LSTM models.
    ``architecture`` chooses the model: ``"scalable"`` (notebook 07), ``"attention"`` (notebook
    09; ``attention_score`` ``"luong"`` (the default) or ``"bahdanau"``, ``bidirectional``
    encoder or not; other models refuse these two), or
    ``"lesson"``: the lesson's one-hot model (``models.build_training_model``, no masking), fed
    one-hot rows made batch by batch from the same ids, so any number of pairs fits in memory;
    it is compiled with ``categorical_crossentropy`` as in the lesson (padding counted in the
    loss). Pass ``optimizer="rmsprop"`` and ``bucketing=False`` to train it exactly the lesson's
    way (every sentence padded to the longest). ``"transformer"``: notebook 10's model, sized by
    ``transformer_sizes`` (``model_dim``, ``num_heads``, ``num_layers``, ``ff_dim``,
    ``dropout``; see ``build_transformer_model``; it refuses ``latent_dim`` and
    ``embedding_dim``), compiled like the scalable model.

    ``vectorizers``: ready-made ones instead of ``TextVectorization`` on words, for example
    ``subwords.make_subword_vectorizers(pairs)`` (notebook 11): the model then reads and writes
    subword pieces, and the lengths default to the vectorizers' own.

    Every argument that would change nothing for the chosen architecture is refused with a
    ValueError rather than ignored, as are bad sizes and settings.
    """
    if vectorizers is not None:
        if max_tokens is not None:
            raise ValueError(
                "max_tokens caps a word vocabulary that train_scalable builds; with ready-made "
                "vectorizers, size their vocabulary when you make them instead."
            )
        own = (
            getattr(vectorizers, "max_source_length", None),
            getattr(vectorizers, "max_target_length", None),
        )
        max_source_length = own[0] if max_source_length is None else max_source_length
        max_target_length = own[1] if max_target_length is None else max_target_length
        if None not in own and (max_source_length, max_target_length) != own:
            raise ValueError(
                f"The vectorizers pad to {own[0]} source and {own[1]} target tokens, not "
                f"{max_source_length} and {max_target_length}: leave the lengths out."
            )
    if max_source_length is None or max_target_length is None:
        raise ValueError("train_scalable needs max_source_length and max_target_length.")
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {ARCHITECTURES}, got {architecture!r}.")
    if architecture == "transformer" and (latent_dim is not None or embedding_dim is not None):
        raise ValueError(
            "latent_dim and embedding_dim size the LSTM models; the Transformer ignores them. "
            "Size it with transformer_sizes=dict(model_dim=..., ff_dim=...) instead."
        )
    if architecture != "attention" and (attention_score is not None or bidirectional):
        raise ValueError(
            "attention_score and bidirectional are options of architecture='attention'; the "
            f"{architecture!r} model has no attention: leave them out or choose 'attention'."
        )
    latent_dim = 256 if latent_dim is None else latent_dim
    embedding_dim = 128 if embedding_dim is None else embedding_dim
    several_workers = isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
    if several_workers and architecture == "lesson":
        raise ValueError("The lesson's one-hot model is not trained on several workers here.")
    if several_workers and callbacks:
        raise ValueError(
            "callbacks are not supported with MultiWorkerMirroredStrategy: train_scalable "
            "trains with its own loop there (Keras' fit does not run on several workers)."
        )
    if transformer_sizes is not None and architecture != "transformer":
        raise ValueError(
            f"transformer_sizes is for architecture='transformer', not {architecture!r}."
        )
    unknown = sorted(set(transformer_sizes or {}) - set(TRANSFORMER_SIZES))
    if unknown:
        raise ValueError(
            f"transformer_sizes has unknown keys {unknown}; it takes {list(TRANSFORMER_SIZES)}."
        )
    if not 0 <= validation_split < 1:
        raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}.")
    check_positive_integers(batch_size=batch_size, epochs=epochs)
    if not pairs:
        raise ValueError("train_scalable needs at least one (source, target) pair; got none.")
    split = len(pairs) - int(len(pairs) * validation_split)
    if validation_split > 0 and split == len(pairs):
        raise ValueError(
            f"validation_split={validation_split} of {len(pairs)} pairs keeps no pair for "
            "validation: pass more pairs, a larger validation_split, or validation_split=0."
        )
    if vectorizers is None:
        vectorizers = make_vectorizers(pairs, max_source_length, max_target_length, max_tokens)
    inputs, targets = vectorize_pairs(vectorizers, pairs)
    strategy = strategy or tf.distribute.get_strategy()  # the default: this one device
    with strategy.scope():
        if isinstance(optimizer, keras.optimizers.Optimizer):
            # A fresh copy made here: its variables must live in the strategy's scope, and an
            # optimizer used before (say, by the previous run of a learning curve) keeps state.
            optimizer = optimizer.__class__.from_config(optimizer.get_config())
        sizes = len(vectorizers.source_vocabulary), len(vectorizers.target_vocabulary)

        def build_and_compile(source_positions: int, target_positions: int) -> keras.Model:
            if architecture == "lesson":
                lesson = build_training_model(*sizes, latent_dim)
                lesson.compile(
                    optimizer=optimizer,
                    loss="categorical_crossentropy",
                    metrics=["accuracy"],
                    jit_compile=jit_compile,
                )
                return lesson
            if architecture == "transformer":
                built = build_transformer_model(
                    *sizes,
                    max_source_length=source_positions,
                    max_target_length=target_positions,
                    **(transformer_sizes or {}),
                )
            elif architecture == "attention":
                built = build_attention_model(
                    *sizes, latent_dim, embedding_dim, attention_score or "luong", bidirectional
                )
            else:
                built = build_scalable_model(*sizes, latent_dim, embedding_dim)
            return compile_scalable_model(built, optimizer, jit_compile=jit_compile)

        model = build_and_compile(max_source_length, max_target_length)
        # Whether the training step runs under XLA is what compile made of jit_compile, not the
        # argument: Keras' "auto" turns XLA on when a GPU is present (and off under a
        # tf.distribute strategy or for layers XLA cannot run). XLA compiles one program per
        # batch shape, so its batches are padded to their bucket's edge, source and target
        # alike, up to the longer of the two lengths: the Transformer's position tables must
        # reach it (the model is built again with longer tables).
        xla = model.jit_compile is True
        longest = max(max_source_length, max_target_length)
        if (
            xla
            and architecture == "transformer"
            and longest > min(max_source_length, max_target_length)
        ):
            model = build_and_compile(longest, longest)
    warn_about_data_and_lengths(
        pairs[:split], vectorizers, max_source_length, max_target_length, model.count_params()
    )
    if several_workers:
        arrays = (inputs[0], inputs[1], targets)
        history = _fit_on_several_workers(
            model, strategy, arrays, split, batch_size, epochs, seed, verbose
        )
    else:  # one machine: Keras' fit, on (bucketed) tf.data pipelines
        boundaries = (
            default_bucket_boundaries(max(max_source_length, max_target_length))
            if bucketing
            else None
        )
        train = make_dataset(
            (inputs[0][:split], inputs[1][:split]),
            targets[:split],
            batch_size,
            seed=seed,
            bucket_boundaries=boundaries,
            pad_to_bucket_edge=xla,
        )
        validation = None
        if split < len(pairs):
            validation = make_dataset(
                (inputs[0][split:], inputs[1][split:]),
                targets[split:],
                batch_size,
                shuffle=False,
                bucket_boundaries=boundaries,
                pad_to_bucket_edge=xla,
            )
        if architecture == "lesson":
            train = train.map(to_one_hot(*sizes))
            validation = validation.map(to_one_hot(*sizes)) if validation is not None else None
        history = model.fit(
            train,
            validation_data=validation,
            epochs=epochs,
            callbacks=list(callbacks),
            verbose=verbose,
            shuffle=False,  # the dataset shuffles itself, every epoch
        ).history
    translator = ScalableTranslator(
        model, vectorizers, max_source_length, max_target_length, recorded_architecture=architecture
    )
    return translator, history


def _fit_on_several_workers(
    model: keras.Model,
    strategy: tf.distribute.Strategy,
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    split: int,
    batch_size: int,
    epochs: int,
    seed: int,
    verbose: int,
) -> dict[str, list[float]]:
    """Synchronous data-parallel training on several machines, in a loop of our own.

    Keras 3's ``fit`` stops under ``MultiWorkerMirroredStrategy`` (it combines the workers' logs
    with a reduction that strategy does not support; keras-team/keras#20585), so this loop does
    what ``fit`` would: every worker reads its own share of the pairs, computes the gradient of
    the masked loss on its batch, the optimizer sums the gradients of all workers, and every
    worker applies the same update, so all copies of the model stay identical. The loss is the
    cross-entropy per real target token over the global batch, the number ``fit`` reports.
    Batches are not bucketed here: every worker must run the same number of steps.
    """
    sources, decoder_inputs, targets = arrays

    def make_distributed(start, stop, shuffle):
        def dataset_fn(input_context):
            workers, worker = input_context.num_input_pipelines, input_context.input_pipeline_id
            usable = stop - (stop - start) % workers  # the same number of pairs on every worker
            dataset = tf.data.Dataset.from_tensor_slices(
                ((sources[start:usable], decoder_inputs[start:usable]), targets[start:usable])
            ).shard(workers, worker)
            if shuffle:
                dataset = dataset.shuffle(usable - start, seed=seed, reshuffle_each_iteration=True)
            per_replica = input_context.get_per_replica_batch_size(batch_size)
            return dataset.batch(per_replica).prefetch(tf.data.AUTOTUNE)

        return strategy.distribute_datasets_from_function(dataset_fn)

    def masked_sums(batch, training):
        (source, decoder_input), target = batch
        probabilities = model([source, decoder_input], training=training)
        mask = tf.cast(tf.not_equal(target, 0), probabilities.dtype)
        losses = keras.losses.sparse_categorical_crossentropy(target, probabilities)
        return tf.reduce_sum(losses * mask), tf.reduce_sum(mask)

    def train_replica(batch):
        with tf.GradientTape() as tape:
            loss_sum, tokens = masked_sums(batch, training=True)
            all_tokens = tf.distribute.get_replica_context().all_reduce("SUM", tokens)
            loss = loss_sum / all_tokens  # summed over the workers: the global mean
        gradients = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss_sum, tokens

    @tf.function
    def run_step(batch, training):
        replica_fn = train_replica if training else lambda b: masked_sums(b, training=False)
        loss_sum, tokens = strategy.run(replica_fn, args=(batch,))
        return (
            strategy.reduce("SUM", loss_sum, axis=None),
            strategy.reduce("SUM", tokens, axis=None),
        )

    with strategy.scope():
        model.optimizer.build(model.trainable_variables)
    train = make_distributed(0, split, shuffle=True)
    validation = (
        make_distributed(split, len(targets), shuffle=False) if split < len(targets) else None
    )
    history: dict[str, list[float]] = {"loss": []}
    for epoch in range(epochs):
        for name, dataset, training in (("loss", train, True), ("val_loss", validation, False)):
            if dataset is None:
                continue
            loss_sum = tokens = 0.0
            for batch in dataset:
                batch_loss, batch_tokens = run_step(batch, training)
                loss_sum += float(batch_loss)
                tokens += float(batch_tokens)
            history.setdefault(name, []).append(loss_sum / max(tokens, 1.0))
        if verbose:
            logs = "  ".join(f"{name} {values[-1]:.4f}" for name, values in history.items())
            print(f"Epoch {epoch + 1}/{epochs}  {logs}", flush=True)
    return history


class TimeBudget(keras.callbacks.Callback):
    """Stop training once ``seconds`` of wall time have passed (checked after every batch), so
    that models are compared after the same time rather than the same number of epochs.
    ``clock`` (seconds, ``time.perf_counter`` by default) is there for the tests."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.perf_counter):
        super().__init__()
        if not seconds > 0:
            raise ValueError(f"seconds must be positive, got {seconds!r}.")
        self.seconds = seconds
        self.clock = clock
        self.started = None

    def on_train_begin(self, logs=None):
        self.started = self.clock()

    def on_train_batch_end(self, batch, logs=None):
        if self.clock() - self.started > self.seconds:
            self.model.stop_training = True


class EpochTimes(keras.callbacks.Callback):
    """Records the wall time of every epoch (``seconds``, validation included), to compare
    models' training speed: ``samples_per_second(n)`` divides ``n`` training pairs by the median
    epoch time, leaving out the first epoch, which also traces the training step. ``clock`` as
    for ``TimeBudget``."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        super().__init__()
        self.clock = clock
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = self.clock()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(self.clock() - self.started)

    def samples_per_second(self, samples: int) -> float:
        if not self.seconds:
            raise ValueError("No epoch has finished yet: train with this callback first.")
        steady = sorted(self.seconds[1:] or self.seconds)
        return samples / steady[len(steady) // 2]


# A model with this many parameters per target token it trains on can memorize instead of learn.
PARAMETERS_PER_TOKEN_WARNING = 50
# Warn when more than this share of the sentences are cut by the length limits.
CUT_SHARE_WARNING = 0.05


def scalable_parameter_count(
    source_vocab_size: int, target_vocab_size: int, latent_dim: int, embedding_dim: int
) -> int:
    """Parameters of ``build_scalable_model`` at these sizes, computed from the layer shapes."""
    lstm = 4 * ((embedding_dim + latent_dim) * latent_dim + latent_dim)
    embeddings = (source_vocab_size + target_vocab_size) * embedding_dim
    return embeddings + 2 * lstm + (latent_dim + 1) * target_vocab_size


def warn_about_data_and_lengths(
    pairs: Sequence[tuple[str, str]],
    vectorizers: Vectorizers,
    max_source_length: int,
    max_target_length: int,
    parameters: int,
) -> None:
    """Warn when the model is far bigger than the data, or the length limits cut many sentences,
    each time with what to do about it."""
    source_lengths = np.array([len(vectorizers.split_source(source)) for source, _ in pairs])
    target_lengths = np.array(  # + <END>
        [len(vectorizers.split_target(target)) + 1 for _, target in pairs]
    )
    for side, lengths, limit, name in (
        ("English", source_lengths, max_source_length, "max_source_length"),
        ("Spanish", target_lengths, max_target_length, "max_target_length"),
    ):
        cut = float(np.mean(lengths > limit))
        if cut > CUT_SHARE_WARNING:
            covers = int(np.percentile(lengths, 99))
            warnings.warn(
                f"{cut:.0%} of the {side} training sentences are longer than {name}={limit} "
                f"tokens and are cut, so the model never sees their ends. Raise {name} to "
                f"{covers} (it covers 99% of them) or drop the longest pairs.",
                stacklevel=3,
            )
    tokens = int(np.minimum(target_lengths, max_target_length).sum())
    if parameters > PARAMETERS_PER_TOKEN_WARNING * tokens:
        warnings.warn(
            f"The model has {parameters:,} parameters for {tokens:,} target tokens of training "
            f"data ({parameters / tokens:,.0f} per token): it will memorize the training pairs "
            "rather than learn to translate. Use more pairs, a smaller latent_dim or "
            "embedding_dim, or a vocabulary cap (max_tokens).",
            stacklevel=3,
        )


def training_array_bytes(inputs: tuple[np.ndarray, np.ndarray], targets: np.ndarray) -> int:
    """Bytes of the integer training arrays (compare with the one-hot arrays' ``nbytes``)."""
    return int(inputs[0].nbytes + inputs[1].nbytes + targets.nbytes)


def learning_curve(
    train_pairs: Sequence[tuple[str, str]],
    test_pairs: Sequence[tuple[str, str]],
    sizes: Sequence[int],
    examples: int | None = None,
    **settings,
) -> list[dict[str, float]]:
    """Train a fresh scalable model on the first ``n`` training pairs for each ``n`` in ``sizes``
    (same settings, same seed each time) and score it on ``test_pairs``.

    ``settings`` go to ``train_scalable`` (epochs, max_tokens, latent_dim, callbacks, ...). With
    ``examples``, every size sees about the same number of training examples instead of the same
    number of epochs: ``ceil(examples / training pairs)`` epochs each (then ``settings["epochs"]``
    is not used), so a small set is not judged on a handful of weight updates; pass an
    ``EarlyStopping`` callback to stop each run at its best validation loss. Returns one dict per
    size: pairs, epochs trained, BLEU, chrF, exact match (0-100) and training seconds.
    Introduced in notebooks/08_fast_decoding_and_evaluation.ipynb; the benchmark uses it too.
    """
    import math

    from seq2seq_helpers.evaluation import translation_scores

    if not sizes or any(n < 2 or n > len(train_pairs) for n in sizes):
        raise ValueError(
            f"sizes must be between 2 and the {len(train_pairs)} training pairs, got {list(sizes)}."
        )
    if examples is not None and examples < 1:
        raise ValueError(f"examples must be a positive number of pairs, got {examples!r}.")
    sources = [source for source, _ in test_pairs]
    references = [target for _, target in test_pairs]
    points = []
    for n in sizes:
        subset = train_pairs[:n]
        run = dict(settings)
        if examples is not None:
            training_pairs = max(1, round(n * (1 - run.get("validation_split", 0.2))))
            run["epochs"] = max(1, math.ceil(examples / training_pairs))
        keras.utils.set_random_seed(run.get("seed", 0))
        start = time.perf_counter()
        translator, history = train_scalable(subset, verbose=0, **run)
        seconds = time.perf_counter() - start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown words and long sentences: expected here
            outputs = translator.translate_batch(sources)
        scores = translation_scores(outputs, references)
        points.append({"pairs": n, "epochs": len(history["loss"]), **scores, "seconds": seconds})
    return points
