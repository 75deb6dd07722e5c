"""``ScalableTranslator``: a trained model on token ids with its vectorizers, for any family.

Introduced in notebooks/07_scaling_up.ipynb; the model families it decodes are in ``families``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from seq2seq_helpers.attention import replace_unknown_words
from seq2seq_helpers.families import (
    ARCHITECTURES,
    Ends,
    ModelFamily,
    family_of,
    titles_with,
)
from seq2seq_helpers.families import family as family_named
from seq2seq_helpers.scalable import Vectorizers, vectorizers_from_vocabularies
from seq2seq_helpers.search import (
    DEFAULT_LENGTH_ALPHA,
    Decoded,
    StepModel,
    make_beam_decoder,
    make_greedy_decoder,
)
from seq2seq_helpers.subwords import SubwordVectorizers
from seq2seq_helpers.text import END_TOKEN, START_TOKEN, UNKNOWN_TOKEN
from seq2seq_helpers.translator import MODEL_FILE, prepare_save_folder, read_saved_settings

VECTORIZERS_FILE = "vectorizers.json"


@dataclass
class ScalableTranslator:
    """A trained model on token ids with its vectorizers; translates whole batches at once.

    The model is of one of the families of ``families.FAMILIES``: notebook 07's scalable LSTM,
    notebook 09's LSTM with attention, notebook 10's Transformer, or the lesson's one-hot model
    fed from the same ids (``architecture="lesson"`` in ``train_scalable``); ``architecture``
    tells which: as ``train_scalable`` or the saved folder recorded it, or else (a model built by
    hand, a folder saved before saves recorded it) read from the model's layers. All decode
    through the same interface (``step_model``, made by the family) and the same greedy and beam
    search code.
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
        return family_of(self.model).name

    @property
    def family(self) -> ModelFamily:
        """The model's family (``families.FAMILIES``): how it is built and decoded."""
        return family_named(self.architecture)

    @property
    def inference_models(self) -> tuple[keras.Model, keras.Model]:
        if self._inference is None:
            self._inference = self.family.inference_models(self.model)
        return self._inference

    @property
    def step_model(self) -> StepModel:
        """The model's decoding interface (``search.StepModel``), on source ids."""
        return self.make_step_model()

    def make_step_model(self, **options) -> StepModel:
        """``step_model`` with the family's ``step_options`` (the Transformer's ``cache``)."""
        unknown = sorted(set(options) - set(self.family.step_options))
        if unknown:
            raise ValueError(
                f"The {self.family.title} takes no decoding options {unknown}; it takes "
                f"{list(self.family.step_options)}."
            )
        vocabulary = self.vectorizers.target_vocabulary
        ends = Ends(
            start_index=vocabulary.index(START_TOKEN),
            end_index=vocabulary.index(END_TOKEN),
            max_length=self.max_target_length,
            source_size=len(self.vectorizers.source_vocabulary),
            target_size=len(vocabulary),
        )
        return self.family.step_model(*self.inference_models, ends, **options)

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
        if replace_unknown and not self.family.has_attention:
            raise ValueError(
                f"replace_unknown needs a model with attention ({titles_with('has_attention')}); "
                f"this one is {self.architecture!r}."
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
