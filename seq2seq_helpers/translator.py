"""A trained translator: the model plus its vocabularies, and saving/loading it.

Introduced in notebooks/04_build_compile_fit.ipynb (saving) and
notebooks/05_inference_and_decoding.ipynb (loading and translating).

A saved translator is a folder with ``model.keras`` (the training model) and
``vocabularies.json`` (tokens and max lengths). Saving never replaces an earlier save silently.
"""

from __future__ import annotations

import json
import shutil
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import keras
import numpy as np

from seq2seq_helpers.decoding import check_search_options, decode_sequence
from seq2seq_helpers.models import build_inference_models
from seq2seq_helpers.text import TrainingSetup, features_dict, reverse_features_dict
from seq2seq_helpers.vectorize import encode_input_sentence

MODEL_FILE = "model.keras"
VOCAB_FILE = "vocabularies.json"
IF_EXISTS_CHOICES = ("error", "backup", "overwrite")


def prepare_save_folder(folder: str | Path, if_exists: str = "error") -> Path:
    """An empty folder to save into; an earlier save there is never lost silently.

    ``if_exists``: ``"error"`` raises FileExistsError, ``"backup"`` renames the old folder to
    ``<folder>.backup-<timestamp>`` first (and says so), ``"overwrite"`` replaces it.
    """
    if if_exists not in IF_EXISTS_CHOICES:
        raise ValueError(f"if_exists must be one of {IF_EXISTS_CHOICES}, got {if_exists!r}.")
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        if if_exists == "error":
            raise FileExistsError(
                f"{folder} already holds a saved model. Pass if_exists='backup' to keep it "
                "under a new name, if_exists='overwrite' to replace it, or pick another folder."
            )
        if if_exists == "backup":
            backup = folder.with_name(f"{folder.name}.backup-{time.strftime('%Y%m%d-%H%M%S')}")
            folder.rename(backup)
            print(f"An earlier save was in {folder}; it is kept as {backup}.")
        else:
            shutil.rmtree(folder)
            print(f"Replaced the earlier save in {folder}.")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def read_saved_settings(folder: Path, settings_file: str, notebook: str):
    """The JSON settings of a saved model folder, for a ``with`` block that builds from them.

    A folder without the model or the settings file is a FileNotFoundError naming the notebook
    that saves one; a settings file that is not JSON, or whose content the ``with`` block cannot
    use (a KeyError or TypeError there), is a ValueError saying the file is damaged.
    """
    missing = [name for name in (MODEL_FILE, settings_file) if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{folder} is not a saved model: missing {', '.join(missing)}. "
            f"Run notebooks/{notebook}.ipynb to train and save one."
        )
    try:
        yield json.loads((folder / settings_file).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"{folder / settings_file} is damaged: {error!r}") from error


@dataclass
class Vocabularies:
    """What inference needs besides the weights: both vocabularies and the max lengths."""

    input_tokens: list[str]
    target_tokens: list[str]
    max_encoder_seq_length: int
    max_decoder_seq_length: int
    lowercase: bool = True

    @classmethod
    def from_setup(cls, setup: TrainingSetup, lowercase: bool = True) -> Vocabularies:
        return cls(
            list(setup.input_tokens),
            list(setup.target_tokens),
            setup.max_encoder_seq_length,
            setup.max_decoder_seq_length,
            lowercase,
        )

    @property
    def input_features_dict(self) -> dict[str, int]:
        return features_dict(self.input_tokens)

    @property
    def target_features_dict(self) -> dict[str, int]:
        return features_dict(self.target_tokens)


@dataclass
class Translator:
    """A trained training model with its vocabularies; builds the inference models on first use."""

    model: keras.Model
    vocabularies: Vocabularies
    _inference: tuple[keras.Model, keras.Model] | None = field(default=None, repr=False)
    _beams: dict = field(default_factory=dict, repr=False)

    @property
    def inference_models(self) -> tuple[keras.Model, keras.Model]:
        """``(encoder_model, decoder_model)`` sharing the trained layers."""
        if self._inference is None:
            self._inference = build_inference_models(self.model)
        return self._inference

    def encode(self, sentence: str) -> np.ndarray:
        """One-hot encode a sentence, shape (1, max_encoder_seq_length, num_encoder_tokens)."""
        v = self.vocabularies
        return encode_input_sentence(
            sentence, v.input_features_dict, v.max_encoder_seq_length, v.lowercase
        )

    def translate(
        self,
        sentence: str,
        *,
        temperature: float = 0.0,
        repetition_penalty: float = 1.0,
        seed: int | None = None,
        beam_width: int = 1,
    ) -> str:
        """Translate one sentence with ``decode_sequence`` (greedy unless ``temperature`` > 0),
        or with beam search when ``beam_width`` > 1 (notebook 09's ``search.make_beam_decoder``,
        length-normalized; it chooses, so it takes no temperature or repetition penalty).

        Unknown words are skipped with a warning; over-long sentences are truncated with a warning.
        Returns space-separated tokens, e.g. ``"¿ dónde está ?"``.
        """
        encoder_model, decoder_model = self.inference_models
        target_features = self.vocabularies.target_features_dict
        check_search_options(beam_width, temperature, repetition_penalty)
        if beam_width != 1:
            return self._beam_translate(self.encode(sentence), beam_width)
        return decode_sequence(
            self.encode(sentence),
            encoder_model,
            decoder_model,
            target_features,
            reverse_features_dict(target_features),
            self.vocabularies.max_decoder_seq_length,
            temperature=temperature,
            repetition_penalty=repetition_penalty,
            seed=seed,
        )

    def _beam_translate(self, one_hot_sentence: np.ndarray, beam_width: int) -> str:
        from seq2seq_helpers.search import lstm_step_model, make_beam_decoder
        from seq2seq_helpers.text import END_TOKEN, START_TOKEN

        if beam_width not in self._beams:  # built once: its first call traces the compiled loop
            target_features = self.vocabularies.target_features_dict
            step_model = lstm_step_model(
                *self.inference_models,
                start_index=target_features[START_TOKEN],
                end_index=target_features[END_TOKEN],
                one_hot_size=len(target_features),
            )
            self._beams[beam_width] = make_beam_decoder(
                step_model, beam_width, self.vocabularies.max_decoder_seq_length
            )
        ((best, *_),) = self._beams[beam_width](one_hot_sentence)
        return " ".join(self.vocabularies.target_tokens[i] for i in best.ids)

    def save(self, folder: str | Path, if_exists: str = "error") -> Path:
        """Save to ``folder`` (``model.keras`` + ``vocabularies.json``) and return the folder.

        ``if_exists`` says what to do when the folder already holds a saved translator:
        ``"error"`` raises FileExistsError, ``"backup"`` renames the old folder to
        ``<folder>.backup-<timestamp>`` first (and says so), ``"overwrite"`` replaces it.
        """
        folder = prepare_save_folder(folder, if_exists)
        self.model.save(folder / MODEL_FILE)
        (folder / VOCAB_FILE).write_text(
            json.dumps(asdict(self.vocabularies), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> Translator:
        """Load a translator saved with ``save``; the model is loaded without its optimizer."""
        folder = Path(folder)
        with read_saved_settings(folder, VOCAB_FILE, "04_build_compile_fit") as settings:
            vocabularies = Vocabularies(**settings)
        model = keras.models.load_model(folder / MODEL_FILE, compile=False)
        return cls(model, vocabularies)
