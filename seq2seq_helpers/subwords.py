"""Subword tokens with SentencePiece, inside the TensorFlow graph.

Introduced in notebooks/11_subwords.ipynb.

A word-level vocabulary has a ceiling: every word it did not keep becomes ``[UNK]``. SentencePiece
learns a vocabulary of pieces (whole frequent words, and the stems, endings and letters that spell
the rarer ones) from raw text, so any sentence can be written with it. Here:

- one SentencePiece model per language, trained on the training pairs' own text (case, accents,
  ``¿``/``¡`` and digits kept, no lowercasing, no splitting on punctuation first);
- ``byte_fallback``: a character the model never saw is spelled as its UTF-8 bytes (``<0xE6>``),
  so ``[UNK]`` never occurs; detokenizing turns the bytes back into the character;
- the ids are laid out like the word-level vectorizers': 0 padding, 1 ``[UNK]``, then ``<START>``
  and ``<END>``, so every model, the searches and the translator work on them unchanged;
- tokenization runs in the graph (``tensorflow_text.SentencepieceTokenizer``): strings in, ids
  out, and back to text with the spaces where the writer put them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import tensorflow as tf

from seq2seq_helpers.text import END_TOKEN, START_TOKEN, UNKNOWN_TOKEN

MODEL_TYPES = ("unigram", "bpe")
SOURCE_MODEL_FILE = "source.spm"
TARGET_MODEL_FILE = "target.spm"
PADDING_PIECE = "<pad>"


def train_sentencepiece(
    sentences: Sequence[str], vocabulary_size: int, model_type: str = "unigram"
) -> bytes:
    """Train a SentencePiece model on ``sentences``; return it as bytes (save them as a file).

    ``vocabulary_size`` counts every piece: the four special ones, the 256 byte pieces of
    ``byte_fallback`` and the learned pieces. ``model_type`` ``"unigram"`` (SentencePiece's
    default: keeps the pieces that make the corpus most likely) or ``"bpe"`` (merges the most
    frequent pair, as notebook 11 does by hand). One thread, so the same sentences give the same
    model every time.
    """
    import sentencepiece

    if model_type not in MODEL_TYPES:
        raise ValueError(f"model_type must be one of {MODEL_TYPES}, got {model_type!r}.")
    if isinstance(vocabulary_size, bool) or not isinstance(vocabulary_size, int):
        raise ValueError(f"vocabulary_size must be an integer, got {vocabulary_size!r}.")
    if vocabulary_size < 300:
        raise ValueError(
            f"vocabulary_size={vocabulary_size} is too small: 260 ids go to the 4 special pieces "
            "and the 256 bytes; use at least 300 (notebook 11 compares 1,000 to 8,000)."
        )
    sentences = [s for s in sentences if isinstance(s, str) and s.strip()]
    if not sentences:
        raise ValueError("train_sentencepiece needs at least one non-empty sentence.")
    model = io.BytesIO()
    try:
        sentencepiece.SentencePieceTrainer.train(
            sentence_iterator=iter(sentences),
            model_writer=model,
            vocab_size=vocabulary_size,
            model_type=model_type,
            character_coverage=1.0,
            byte_fallback=True,
            pad_id=0,
            unk_id=1,
            bos_id=2,
            eos_id=3,
            pad_piece=PADDING_PIECE,
            unk_piece=UNKNOWN_TOKEN,
            bos_piece=START_TOKEN,
            eos_piece=END_TOKEN,
            num_threads=1,
            minloglevel=2,
        )
    except RuntimeError as error:  # SentencePiece says what, for example a vocabulary too large
        raise ValueError(
            f"SentencePiece could not learn {vocabulary_size} pieces from {len(sentences)} "
            f"sentences. SentencePiece says: {error}. Too large: use a smaller vocabulary_size "
            "or more text; smaller than required_chars: every distinct character needs a piece, "
            "so use a larger one."
        ) from None
    return model.getvalue()


@dataclass
class SubwordVectorizers:
    """SentencePiece pieces in place of ``scalable.Vectorizers``' words: the same calls
    (``source``, ``target``, the two vocabularies, ``split_source``, ``join_target``), so
    ``train_scalable`` and ``ScalableTranslator`` use either."""

    source_model: bytes
    target_model: bytes
    max_source_length: int
    max_target_length: int

    def _tokenizer(self, side: str, add_ends: bool = False):
        # Made anew for every call, never kept: tensorflow-text's SentencePiece op owns its model
        # in a kernel that TensorFlow drops whenever the random seed is set (as every notebook and
        # train_scalable do), and a kept tokenizer would then read a freed, or another, model.
        import tensorflow_text

        model = self.source_model if side == "source" else self.target_model
        return tensorflow_text.SentencepieceTokenizer(
            model=model, out_type=tf.int32, add_bos=add_ends, add_eos=add_ends
        )

    def source(self, texts: tf.Tensor) -> tf.Tensor:
        """Source ids, padded with 0 (or cut) to ``max_source_length``: shape (N, length)."""
        pieces = self._tokenizer("source").tokenize(texts)  # int32: what the op returns
        return tf.cast(pieces.to_tensor(shape=[None, self.max_source_length]), tf.int64)

    def target(self, texts: tf.Tensor) -> tf.Tensor:
        """``<START>`` pieces ``<END>``, padded or cut to ``max_target_length + 1`` ids."""
        pieces = self._tokenizer("target", add_ends=True).tokenize(texts)
        return tf.cast(pieces.to_tensor(shape=[None, self.max_target_length + 1]), tf.int64)

    def detokenize_ids(self, ids: tf.Tensor) -> tf.Tensor:
        """Target ids (padding 0 allowed) back to text, in the graph."""
        ids = tf.RaggedTensor.from_tensor(tf.cast(ids, tf.int32), padding=0)
        return self._tokenizer("target").detokenize(ids)

    @cached_property
    def _processors(self):
        import sentencepiece

        return tuple(
            sentencepiece.SentencePieceProcessor(model_proto=model)
            for model in (self.source_model, self.target_model)
        )

    def _vocabulary(self, processor) -> list[str]:
        pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
        return ["", *pieces[1:]]  # padding is "" as in TextVectorization's vocabulary

    @cached_property
    def source_vocabulary(self) -> list[str]:
        return self._vocabulary(self._processors[0])

    @cached_property
    def target_vocabulary(self) -> list[str]:
        return self._vocabulary(self._processors[1])

    def split_source(self, sentence: str) -> list[str]:
        """The source pieces of ``sentence`` (``▁`` marks the start of a word)."""
        return self._processors[0].encode(sentence, out_type=str)

    def split_target(self, sentence: str) -> list[str]:
        return self._processors[1].encode(sentence, out_type=str)

    def join_target(self, pieces: Sequence[str]) -> str:
        """Target pieces back to text: ``['▁Esto', 'y', '▁bien', ',']`` → ``"Estoy bien,"``."""
        processor = self._processors[1]
        return processor.decode([processor.piece_to_id(p) for p in pieces])

    def save(self, folder: Path) -> None:
        (folder / SOURCE_MODEL_FILE).write_bytes(self.source_model)
        (folder / TARGET_MODEL_FILE).write_bytes(self.target_model)

    @classmethod
    def load(cls, folder: Path, max_source_length: int, max_target_length: int):
        models = [(folder / name).read_bytes() for name in (SOURCE_MODEL_FILE, TARGET_MODEL_FILE)]
        return cls(*models, max_source_length, max_target_length)


def make_subword_vectorizers(
    pairs: Sequence[tuple[str, str]],
    vocabulary_size: int = 4000,
    *,
    max_source_length: int | None = None,
    max_target_length: int | None = None,
    model_type: str = "unigram",
    coverage: float = 0.99,
) -> SubwordVectorizers:
    """Train a SentencePiece model per language on the pairs and wrap them as vectorizers.

    ``vocabulary_size`` pieces per language. A length left as None becomes the piece count that
    covers ``coverage`` of the pairs' sentences (the target's counts its ``<END>``), so a few
    very long sentences do not pad every batch.
    """
    if not pairs:
        raise ValueError("make_subword_vectorizers needs at least one (source, target) pair.")
    sources, targets = [s for s, _ in pairs], [t for _, t in pairs]
    vectorizers = SubwordVectorizers(
        train_sentencepiece(sources, vocabulary_size, model_type),
        train_sentencepiece(targets, vocabulary_size, model_type),
        0,
        0,
    )
    if max_source_length is None:
        lengths = [len(vectorizers.split_source(s)) for s in sources]
        max_source_length = int(np.ceil(np.quantile(lengths, coverage)))
    if max_target_length is None:
        lengths = [len(vectorizers.split_target(t)) + 1 for t in targets]
        max_target_length = int(np.ceil(np.quantile(lengths, coverage)))
    vectorizers.max_source_length = max_source_length
    vectorizers.max_target_length = max_target_length
    return vectorizers


def piece_counts(vectorizers, sentences: Sequence[str], side: str = "source") -> np.ndarray:
    """Tokens per sentence as these vectorizers split it (words or pieces)."""
    split = vectorizers.split_source if side == "source" else vectorizers.split_target
    return np.array([len(split(s)) for s in sentences])
