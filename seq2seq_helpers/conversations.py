"""From recorded conversations to (message, reply) training pairs.

Introduced in notebooks/06_generative_chatbot.ipynb.

A chatbot is the lesson's translator with a different pair of "languages": the input is a message
and the target is the reply that followed it. A conversation is a list of turns; each turn is a
list of messages ``{"text", "sender", "timestamp"}``, the layout of the ``chitchat-dataset``
package. Consecutive messages by one sender are one turn; a pair is two consecutive turns by
different senders.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from seq2seq_helpers.text import tokenize

Conversation = Sequence[Sequence[Mapping[str, str]]]

_REPEATED_PUNCTUATION = re.compile(r"([!?.,])\1+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def clean_text(text: str) -> str:
    """Lowercase, straighten quotes, squeeze repeated punctuation, and space tokens apart.

    >>> clean_text("Hey!!!  How’s it going?")
    "hey ! how's it going ?"
    """
    text = _REPEATED_PUNCTUATION.sub(r"\1", text.translate(_QUOTES))
    return " ".join(tokenize(text, lowercase=True))


def conversation_turns(conversation: Conversation) -> list[tuple[str, str]]:
    """Flatten a conversation into ``(sender, text)`` turns, merging a sender's messages."""
    turns: list[tuple[str, str]] = []
    for group in conversation:
        for message in group:
            try:
                sender, text = message["sender"], message["text"]
            except (KeyError, TypeError) as error:
                raise ValueError(
                    f"Each message must be a mapping with 'sender' and 'text', got {message!r}."
                ) from error
            if turns and turns[-1][0] == sender:
                turns[-1] = (sender, f"{turns[-1][1]} {text}")
            else:
                turns.append((sender, text))
    return turns


def _has_word(text: str) -> bool:
    return any(character.isalnum() for character in text)


@dataclass
class PairReport:
    """How many pairs survived each preparation step, in order."""

    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        width = max(len(step) for step in self.counts)
        return "\n".join(f"{step:<{width}}  {count:>8,}" for step, count in self.counts.items())


def extract_pairs(
    conversations: Iterable[Conversation],
    *,
    max_words: int = 10,
    first_turns: int | None = None,
    num_pairs: int | None = None,
    seed: int = 0,
) -> tuple[list[tuple[str, str]], PairReport]:
    """Turn conversations into cleaned, length-filtered, de-duplicated (message, reply) pairs.

    Args:
        conversations: conversations in the layout described in the module docstring.
        max_words: keep a pair only when both sides have 1..max_words tokens after cleaning.
        first_turns: use only the first ``first_turns`` turns of each conversation (the openings,
            where greetings and getting-to-know-you questions are); None uses every turn.
        num_pairs: how many pairs to keep, a seeded random sample; None keeps all.
        seed: the random seed for the sample.

    Returns:
        The pairs and a ``PairReport`` with the count after each step.
    """
    if not isinstance(max_words, int) or max_words < 1:
        raise ValueError(f"max_words must be a positive integer, got {max_words!r}.")
    for name, value in (("num_pairs", num_pairs), ("first_turns", first_turns)):
        if value is not None and (not isinstance(value, int) or value < 2 - (name == "num_pairs")):
            raise ValueError(
                f"{name} must be None or an integer >= {2 - (name == 'num_pairs')}, got {value!r}."
            )
    report = PairReport()
    raw = []
    for conversation in conversations:
        turns = conversation_turns(conversation)[:first_turns]
        raw.extend((first[1], second[1]) for first, second in zip(turns, turns[1:]))
    report.counts["consecutive turns, new sender"] = len(raw)

    cleaned = [(clean_text(message), clean_text(reply)) for message, reply in raw]
    cleaned = [
        (message, reply) for message, reply in cleaned if _has_word(message) and _has_word(reply)
    ]
    report.counts["both sides have a word"] = len(cleaned)

    short = [
        (message, reply)
        for message, reply in cleaned
        if len(message.split()) <= max_words and len(reply.split()) <= max_words
    ]
    report.counts[f"both sides <= {max_words} tokens"] = len(short)

    unique = list(dict.fromkeys(short))  # keeps the first of each identical pair, in order
    report.counts["de-duplicated"] = len(unique)

    if num_pairs is not None:
        unique = random.Random(seed).sample(unique, min(num_pairs, len(unique)))
    report.counts["sampled"] = len(unique)
    return unique, report


def load_chitchat_conversations() -> list[Conversation]:
    """The ~7,000 conversations of the ``chitchat-dataset`` package (shipped inside the wheel,
    so nothing is downloaded), each as its list of turns."""
    try:
        import chitchat_dataset
    except ImportError as error:
        raise ImportError(
            "The chatbot corpus comes from the chitchat-dataset package; install the course "
            "requirements (python3 course.py test, or pip install -r requirements.txt)."
        ) from error
    return [record["messages"] for record in chitchat_dataset.Dataset().values()]
