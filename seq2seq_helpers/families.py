"""The model families ``train_scalable`` and ``ScalableTranslator`` know, in one table.

A family is an architecture: the lesson's one-hot LSTM fed from ids (notebooks 04 and 09), the
scalable LSTM (07), the LSTM with attention (09) and the Transformer (10). Each is a
``ModelFamily``: the same few functions (build the training model, compile it, find its
inference models, make its decoding interface, recognise it from its layers) and the options of
``train_scalable`` it takes. Training, the translator, the multi-worker script and the
benchmarks read ``FAMILIES`` and never name a family, so a new one is a module with its model
plus one entry here.

The tokenizer is a separate choice: any family trains on words (``TextVectorization``) or on
subword pieces (``train_scalable(vectorizers=subwords.make_subword_vectorizers(...))``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from types import MappingProxyType

import keras
import tensorflow as tf

from seq2seq_helpers import attention, models, scalable, transformer
from seq2seq_helpers.search import StepModel, lstm_step_model


@dataclass(frozen=True)
class Ends:
    """What a family's decoding interface needs to know of the translator it decodes for."""

    start_index: int
    end_index: int
    max_length: int  # the target tokens the model writes at most
    source_size: int  # the vocabularies' sizes
    target_size: int


@dataclass(frozen=True)
class ModelFamily:
    """One architecture: how to build, train, decode and recognise it.

    ``build(sizes, positions, options)`` makes the training model (uncompiled) for the two
    vocabularies' ``sizes``, the source and target ``positions`` it must reach and the family's
    ``options`` (every key of ``options`` present, defaults filled in). ``compile(model, optimizer,
    jit_compile)`` compiles it. ``feed(sizes)``, when given, is a ``tf.data`` map turning batches
    of ids into the model's inputs (the lesson's one-hot rows). ``inference_models(model)`` and
    ``step_model(encoder, decoder, ends, **step_options)`` give the decoding interface
    (``search.StepModel``) on source ids. ``detect(model)`` tells whether a model is of this
    family (tried newest family first, as later models reuse earlier layer names).
    """

    name: str  # the value of train_scalable's architecture=
    title: str  # how tables and messages call it
    build: Callable[[tuple[int, int], tuple[int, int], dict], keras.Model]
    inference_models: Callable[[keras.Model], tuple[keras.Model, keras.Model]]
    step_model: Callable[..., StepModel]
    detect: Callable[[keras.Model], bool]
    options: Mapping[str, object]  # the train_scalable options it takes, with their defaults
    compile: Callable = scalable.compile_scalable_model
    feed: Callable[[tuple[int, int]], Callable] | None = None
    check_options: Callable[[dict], None] = lambda options: None
    has_attention: bool = False  # its decoding reports which source token it read
    several_workers: bool = True  # train_scalable's own multi-worker loop (sparse loss on ids)
    position_tables: bool = False  # must be rebuilt to reach XLA's padded batches
    step_options: tuple[str, ...] = ()  # extra keywords its step_model takes
    # Whether train_scalable's jit_compile="auto" means XLA on a CPU too (outside fast mode):
    # only where benchmarks/benchmark_precision.py measured it worth it (benchmarks/precision.json).
    xla_on_cpu: bool = False
    # (encoder, decoder, source ids, [<START>, *ids]) -> (layers, heads, t, S) weights, for a
    # family whose attention has heads and layers (else Decoded.attention is the one picture).
    attention_heads: Callable | None = None

    def __post_init__(self):
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))


def one_hot_rows(ids: tf.Tensor, size: int) -> tf.Tensor:
    """One-hot rows of ``size`` for integer ids, with padding (id 0) as an all-zero row, as the
    lesson's arrays hold it."""
    real = tf.cast(tf.not_equal(ids, 0), tf.float32)[..., None]
    return tf.one_hot(ids, size) * real


def to_one_hot(source_size: int, target_size: int):
    """A ``tf.data`` map from id batches to the lesson's one-hot batches."""

    def convert(sources_and_decoder_inputs, target):
        source, decoder_input = sources_and_decoder_inputs
        return (
            one_hot_rows(source, source_size),
            one_hot_rows(decoder_input, target_size),
        ), one_hot_rows(target, target_size)

    return convert


def _with_ends(make_step_model: Callable[..., StepModel]) -> Callable[..., StepModel]:
    """A family's ``step_model`` from a maker that needs only the start and end indices."""

    def step_model(encoder, decoder, ends: Ends) -> StepModel:
        return make_step_model(
            encoder, decoder, start_index=ends.start_index, end_index=ends.end_index
        )

    return step_model


def _one_hot_steps(encoder, decoder, ends: Ends) -> StepModel:
    """The lesson's decoding interface, fed source ids: one-hot rows are made from them."""
    one_hot = lstm_step_model(
        encoder,
        decoder,
        start_index=ends.start_index,
        end_index=ends.end_index,
        one_hot_size=ends.target_size,
    )

    def encode(ids):  # padding: all zeros
        return one_hot.encode(one_hot_rows(ids, ends.source_size))

    return replace(one_hot, encode=encode, source_spec=tf.TensorSpec([None, None], tf.int64))


def _check_transformer_sizes(options: dict) -> None:
    unknown = sorted(set(options["transformer_sizes"]) - set(TRANSFORMER_SIZES))
    if unknown:
        raise ValueError(
            f"transformer_sizes has unknown keys {unknown}; it takes {list(TRANSFORMER_SIZES)}."
        )


# What train_scalable(transformer_sizes=...) may set (see build_transformer_model).
TRANSFORMER_SIZES = ("model_dim", "num_heads", "num_layers", "ff_dim", "dropout")
LSTM_SIZES = {"latent_dim": 256, "embedding_dim": 128}
ATTENTION_OPTIONS = {"attention_score": "luong", "bidirectional": False}

# In the course's order.
FAMILIES: Mapping[str, ModelFamily] = MappingProxyType(
    {
        family.name: family
        for family in (
            ModelFamily(
                name="lesson",
                title="lesson's one-hot LSTM",
                # embedding_dim is taken but unused: the lesson's model has no embeddings.
                build=lambda sizes, _, o: models.build_training_model(*sizes, o["latent_dim"]),
                inference_models=models.build_inference_models,
                step_model=_one_hot_steps,
                detect=lambda model: len(model.get_layer("encoder_inputs").batch_shape) == 3,
                options=LSTM_SIZES,
                # The lesson's compile: cross-entropy on one-hot rows, padding counted (04).
                compile=partial(scalable.compile_scalable_model, loss="categorical_crossentropy"),
                feed=lambda sizes: to_one_hot(*sizes),
                several_workers=False,
            ),
            ModelFamily(
                name="scalable",
                title="scalable LSTM",
                build=lambda sizes, _, o: scalable.build_scalable_model(
                    *sizes, o["latent_dim"], o["embedding_dim"]
                ),
                inference_models=scalable.build_scalable_inference_models,
                step_model=_with_ends(lstm_step_model),
                detect=lambda model: len(model.get_layer("encoder_inputs").batch_shape) == 2,
                options=LSTM_SIZES,
            ),
            ModelFamily(
                name="attention",
                title="LSTM + attention",
                build=lambda sizes, _, o: attention.build_attention_model(
                    *sizes,
                    o["latent_dim"],
                    o["embedding_dim"],
                    o["attention_score"],
                    o["bidirectional"],
                ),
                inference_models=attention.build_attention_inference_models,
                step_model=_with_ends(attention.attention_step_model),
                detect=attention.has_attention,
                options={**LSTM_SIZES, **ATTENTION_OPTIONS},
                has_attention=True,
                xla_on_cpu=True,  # 1.43x the samples/s, higher BLEU at equal time
            ),
            ModelFamily(
                name="transformer",
                title="Transformer",
                build=lambda sizes, positions, o: transformer.build_transformer_model(
                    *sizes,
                    max_source_length=positions[0],
                    max_target_length=positions[1],
                    **o["transformer_sizes"],
                ),
                inference_models=transformer.build_transformer_inference_models,
                step_model=lambda encoder, decoder, ends, **step: (
                    transformer.transformer_step_model(
                        encoder,
                        decoder,
                        start_index=ends.start_index,
                        end_index=ends.end_index,
                        max_length=ends.max_length,
                        **step,
                    )
                ),
                detect=transformer.is_transformer,
                options={"transformer_sizes": {}},
                check_options=_check_transformer_sizes,
                has_attention=True,
                position_tables=True,
                step_options=("cache",),
                attention_heads=transformer.cross_attention,
            ),
        )
    }
)
ARCHITECTURES = tuple(FAMILIES)

# Why a family that does not take an option refuses it, formatted with the family (``family``),
# the architectures that take it (``owners``) and the family's own options (``own``).
REFUSALS = {
    ("latent_dim", "embedding_dim"): "latent_dim and embedding_dim size the LSTM models; the "
    "{family.title} ignores them. Size it with {own} instead.",
    ("attention_score", "bidirectional"): "attention_score and bidirectional are options of "
    "{owners}; the {family.name!r} model has no attention: leave them out or choose {choices}.",
    ("transformer_sizes",): "transformer_sizes is for {owners}, not {family.name!r}.",
}


def family(architecture: str) -> ModelFamily:
    """The family named ``architecture``, with a clear error for any other name."""
    if architecture not in FAMILIES:
        raise ValueError(f"architecture must be one of {ARCHITECTURES}, got {architecture!r}.")
    return FAMILIES[architecture]


def family_of(model: keras.Model) -> ModelFamily:
    """The family of a model built by hand or saved before saves recorded it, read from its
    layers (newest family first)."""
    for candidate in reversed(FAMILIES.values()):
        if candidate.detect(model):
            return candidate
    raise ValueError(f"The model {model.name!r} is of none of the families {ARCHITECTURES}.")


def model_options(chosen: ModelFamily, given: dict) -> dict:
    """The family's options: ``given`` ones (``None`` or ``False`` meaning not given) over its
    defaults. An option that only other families take is refused, saying why."""
    given = {
        name: value for name, value in given.items() if value is not None and value is not False
    }
    for names, reason in REFUSALS.items():
        refused = [name for name in names if name in given and name not in chosen.options]
        if refused:
            owners = [f.name for f in FAMILIES.values() if refused[0] in f.options]
            raise ValueError(
                reason.format(
                    family=chosen,
                    owners=" or ".join(f"architecture={name!r}" for name in owners),
                    choices=" or ".join(repr(name) for name in owners),
                    own=", ".join(chosen.options) + "=...",
                )
            )
    options = {**chosen.options, **given}
    chosen.check_options(options)
    return options


def titles_with(flag: str) -> str:
    """For messages: the titles of the families whose ``flag`` (``has_attention``,
    ``several_workers``, ...) is true, as "the A or the B"."""
    return " or ".join(f"the {f.title}" for f in FAMILIES.values() if getattr(f, flag))
