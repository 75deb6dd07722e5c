"""Tokens, ``<START>``/``<END>`` markers, vocabularies and feature dictionaries.

Introduced in notebooks/01_preprocessing.ipynb (tokens, markers, vocabularies) and
notebooks/02_training_setup.ipynb (feature dictionaries, reverse dictionaries, max lengths).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

START_TOKEN = "<START>"
END_TOKEN = "<END>"
# What TextVectorization (the scalable path, notebook 07 on) writes for a word outside its
# vocabulary: its id 1.
UNKNOWN_TOKEN = "[UNK]"

# A word is a run of letters, digits, underscores and apostrophes ("don't" stays whole); every
# other non-space character (".", "?", "¿", "¡", ",") is a token of its own. Same idea as the lesson.
TOKEN_PATTERN = re.compile(r"[\w']+|[^\s\w]")


def tokenize(sentence: str, lowercase: bool = True) -> list[str]:
    """Split a sentence into word and punctuation tokens.

    >>> tokenize("¿Dónde está Tom?")
    ['¿', 'dónde', 'está', 'tom', '?']
    """
    if not isinstance(sentence, str):
        raise ValueError(f"tokenize expects a string, got {type(sentence).__name__}.")
    return TOKEN_PATTERN.findall(sentence.lower() if lowercase else sentence)


def detokenize(tokens: Sequence[str] | str) -> str:
    """Join tokens into readable text: no space before . , ! ? : ; or after ¿ ¡.

    >>> detokenize(["¿", "dónde", "está", "?"])
    '¿dónde está?'
    """
    text = tokens if isinstance(tokens, str) else " ".join(tokens)
    text = re.sub(r" ([.,!?:;])", r"\1", text)
    return re.sub(r"([¿¡]) ", r"\1", text)


def wrap_target(tokens: Sequence[str]) -> list[str]:
    """Put ``<START>`` before and ``<END>`` after a target token list."""
    return [START_TOKEN, *tokens, END_TOKEN]


def build_vocabulary(token_lists: Iterable[Sequence[str]]) -> list[str]:
    """Every distinct token, sorted, so the same data always gives the same vocabulary."""
    return sorted({token for tokens in token_lists for token in tokens})


def features_dict(vocabulary: Sequence[str]) -> dict[str, int]:
    """Map each token to its column index in the one-hot vectors."""
    if len(set(vocabulary)) != len(vocabulary):
        raise ValueError(
            "The vocabulary contains duplicate tokens; build it with build_vocabulary."
        )
    return {token: index for index, token in enumerate(vocabulary)}


def reverse_features_dict(features: dict[str, int]) -> dict[int, str]:
    """Map each column index back to its token (used to read the decoder's predictions)."""
    return {index: token for token, index in features.items()}


@dataclass
class TrainingSetup:
    """Everything the lesson's training setup computes from the sentence pairs.

    ``input_docs`` and ``target_docs`` hold token lists; every target list starts with
    ``<START>`` and ends with ``<END>``.
    """

    input_docs: list[list[str]]
    target_docs: list[list[str]]
    input_tokens: list[str]
    target_tokens: list[str]
    input_features_dict: dict[str, int]
    target_features_dict: dict[str, int]
    reverse_input_features_dict: dict[int, str]
    reverse_target_features_dict: dict[int, str]
    max_encoder_seq_length: int
    max_decoder_seq_length: int

    @property
    def num_encoder_tokens(self) -> int:
        return len(self.input_tokens)

    @property
    def num_decoder_tokens(self) -> int:
        return len(self.target_tokens)


def prepare_training_setup(
    pairs: Sequence[tuple[str, str]], lowercase: bool = True
) -> TrainingSetup:
    """Tokenize the pairs, wrap targets, and build vocabularies, dictionaries and max lengths."""
    if not pairs:
        raise ValueError("prepare_training_setup needs at least one (source, target) pair.")
    input_docs = [tokenize(source, lowercase) for source, _ in pairs]
    target_docs = [wrap_target(tokenize(target, lowercase)) for _, target in pairs]
    for number, (tokens, (source, _)) in enumerate(zip(input_docs, pairs), start=1):
        if not tokens:
            raise ValueError(f"Pair {number}: the source {source!r} has no tokens.")
    input_tokens = build_vocabulary(input_docs)
    target_tokens = build_vocabulary(target_docs)
    input_features = features_dict(input_tokens)
    target_features = features_dict(target_tokens)
    return TrainingSetup(
        input_docs=input_docs,
        target_docs=target_docs,
        input_tokens=input_tokens,
        target_tokens=target_tokens,
        input_features_dict=input_features,
        target_features_dict=target_features,
        reverse_input_features_dict=reverse_features_dict(input_features),
        reverse_target_features_dict=reverse_features_dict(target_features),
        max_encoder_seq_length=max(len(doc) for doc in input_docs),
        max_decoder_seq_length=max(len(doc) for doc in target_docs),
    )
