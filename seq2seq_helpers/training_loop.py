"""``train_scalable``: vectorize, batch, build a model of any family and fit it.

Introduced in notebooks/07_scaling_up.ipynb.

Distribution uses TensorFlow's own strategies; pass one as ``strategy``:

- ``tf.distribute.MirroredStrategy()``: every GPU (or logical device) of one machine holds a copy
  of the model; each batch is split between them and the gradients are averaged.
- ``tf.distribute.MultiWorkerMirroredStrategy()``: the same across machines; each machine runs the
  same script with its own ``TF_CONFIG`` environment variable (see the README), trained by
  ``worker_loop.fit_on_several_workers``.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import tensorflow as tf

from seq2seq_helpers.config import is_fast_mode
from seq2seq_helpers.curves import warn_about_data_and_lengths
from seq2seq_helpers.families import family, model_options
from seq2seq_helpers.scalable import (
    Vectorizers,
    check_positive_integers,
    default_bucket_boundaries,
    make_dataset,
    make_vectorizers,
    vectorize_pairs,
)
from seq2seq_helpers.subwords import SubwordVectorizers
from seq2seq_helpers.translator_scalable import ScalableTranslator
from seq2seq_helpers.worker_loop import fit_on_several_workers


def resolve_jit_compile(jit_compile: bool | str, chosen, strategy) -> bool | str:
    """What ``"auto"`` means for this family: XLA on any device for a family measured faster
    with it on a CPU (``ModelFamily.xla_on_cpu``), except in fast mode, where compiling (tens of
    seconds) would outlast the few seconds of training, and under a ``strategy``; otherwise
    Keras' own ``"auto"`` (XLA with a GPU only). ``True`` and ``False`` are kept as given."""
    if jit_compile == "auto" and chosen.xla_on_cpu and strategy is None and not is_fast_mode():
        return True
    return jit_compile


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
    off on a CPU-only machine and turns it on with a GPU; for the attention LSTM, ``"auto"`` is
    XLA on a CPU too, outside fast mode: see ``resolve_jit_compile``); when the model uses XLA,
    batches are padded to their bucket's edge, so XLA sees a few shapes only.

    ``latent_dim`` (256 unless given) and ``embedding_dim`` (128) size the LSTM models.
    ``architecture`` chooses the model family (``families.FAMILIES``): ``"scalable"`` (notebook 07), ``"attention"`` (notebook
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
    chosen = family(architecture)
    jit_compile = resolve_jit_compile(jit_compile, chosen, strategy)
    options = model_options(
        chosen,
        dict(
            latent_dim=latent_dim,
            embedding_dim=embedding_dim,
            attention_score=attention_score,
            bidirectional=bidirectional,
            transformer_sizes=transformer_sizes,
        ),
    )
    several_workers = isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
    if several_workers and not chosen.several_workers:
        raise ValueError(f"The {chosen.title} model is not trained on several workers here.")
    if several_workers and callbacks:
        raise ValueError(
            "callbacks are not supported with MultiWorkerMirroredStrategy: train_scalable "
            "trains with its own loop there (Keras' fit does not run on several workers)."
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
            built = chosen.build(sizes, (source_positions, target_positions), options)
            return chosen.compile(built, optimizer, jit_compile=jit_compile)

        model = build_and_compile(max_source_length, max_target_length)
        # Whether the training step runs under XLA is what compile made of jit_compile, not the
        # argument: Keras' "auto" turns XLA on when a GPU is present (and off under a
        # tf.distribute strategy or for layers XLA cannot run). XLA compiles one program per
        # batch shape, so its batches are padded to their bucket's edge, source and target
        # alike, up to the longer of the two lengths: the Transformer's position tables must
        # reach it (the model is built again with longer tables).
        xla = model.jit_compile is True
        longest = max(max_source_length, max_target_length)
        if xla and chosen.position_tables and longest > min(max_source_length, max_target_length):
            model = build_and_compile(longest, longest)
    warn_about_data_and_lengths(
        pairs[:split], vectorizers, max_source_length, max_target_length, model.count_params()
    )
    if several_workers:
        arrays = (inputs[0], inputs[1], targets)
        history = fit_on_several_workers(
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
        if chosen.feed is not None:  # the model's inputs made batch by batch from the ids
            train = train.map(chosen.feed(sizes))
            validation = validation.map(chosen.feed(sizes)) if validation is not None else None
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
