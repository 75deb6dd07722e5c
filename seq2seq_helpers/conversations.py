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
from collections import Counter
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


_SENTENCE_ENDS = frozenset(".!?")
_CLAUSE_ENDS = _SENTENCE_ENDS | {","}


def _pieces(text: str, ends: frozenset[str]) -> list[list[str]]:
    """The tokens of a cleaned text cut after each token in ``ends``; pieces without a word
    (a lone "?" or "...") are dropped."""
    if not isinstance(text, str):
        raise ValueError(f"expected a cleaned text (a string), got {type(text).__name__}.")
    pieces: list[list[str]] = []
    piece: list[str] = []
    for token in text.split():
        piece.append(token)
        if token in ends:
            pieces.append(piece)
            piece = []
    pieces.append(piece)
    return [piece for piece in pieces if any(_has_word(token) for token in piece)]


def last_question(text: str) -> str | None:
    """The last sentence of a cleaned text that ends with "?", or None.

    >>> last_question("cool . so what do you do for fun ? i love movies")
    'so what do you do for fun ?'
    """
    questions = [sentence for sentence in _pieces(text, _SENTENCE_ENDS) if sentence[-1] == "?"]
    return " ".join(questions[-1]) if questions else None


def first_clause(text: str) -> str | None:
    """The words of a cleaned text up to its first comma or sentence end, or None.

    >>> first_clause("i like reading , hiking and movies . you ?")
    'i like reading'
    """
    clauses = _pieces(text, _CLAUSE_ENDS)
    if not clauses:
        return None
    clause = clauses[0]
    return " ".join(clause[:-1] if clause[-1] == "," else clause)


def _question_pairs(texts: list[str]) -> list[tuple[str, str]]:
    """(last question of a turn, first clause of the next turn), from cleaned turn texts."""
    pairs = []
    for message, reply in zip(texts, texts[1:]):
        question = last_question(message)
        answer = first_clause(reply) if question else None
        if answer:
            pairs.append((question, answer))
    return pairs


def extract_pairs(
    conversations: Iterable[Conversation],
    *,
    max_words: int = 10,
    first_turns: int | None = None,
    common_questions: int | None = None,
    top_words: int | None = None,
    num_pairs: int | None = None,
    seed: int = 0,
) -> tuple[list[tuple[str, str]], PairReport]:
    """Turn conversations into cleaned, length-filtered, de-duplicated (message, reply) pairs.

    Args:
        conversations: conversations in the layout described in the module docstring.
        max_words: keep a pair only when both sides have 1..max_words tokens after cleaning.
        first_turns: use only the first ``first_turns`` turns of each conversation (the openings,
            where greetings and getting-to-know-you questions are); None uses every turn.
        common_questions: also learn to answer the questions people ask each other often:
            for every turn anywhere in a conversation whose last sentence ending in "?" is asked
            at least ``common_questions`` times in all the conversations, add the pair (that
            question, the first clause of the reply). People seldom send "what do you do for
            fun?" alone; it ends a longer turn, too long to keep whole, while the question and
            the start of its answer are short. None adds no question pairs.
        top_words: keep only pairs made entirely of the ``top_words`` most common tokens of the
            length-filtered pairs (drops typos and rare words, so the one-hot arrays stay small);
            None keeps every word.
        num_pairs: how many pairs to keep, a seeded random sample; None keeps all, shuffled.
        seed: the random seed for the sample and the shuffle.

    Returns:
        The pairs and a ``PairReport`` with the count after each step.
    """
    if not isinstance(max_words, int) or max_words < 1:
        raise ValueError(f"max_words must be a positive integer, got {max_words!r}.")
    for name, value, smallest in (
        ("num_pairs", num_pairs, 1),
        ("first_turns", first_turns, 2),
        ("common_questions", common_questions, 1),
        ("top_words", top_words, 1),
    ):
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < smallest
        ):
            raise ValueError(f"{name} must be None or an integer >= {smallest}, got {value!r}.")
    report = PairReport()
    cleaned: list[tuple[str, str]] = []
    question_pairs: list[tuple[str, str]] = []
    for conversation in conversations:
        turns = conversation_turns(conversation)
        if common_questions is None:
            turns = turns[:first_turns]  # only the opening is needed: clean only that
        texts = [clean_text(text) for _, text in turns]  # each turn cleaned once
        opening = texts[:first_turns]
        cleaned.extend(zip(opening, opening[1:]))
        if common_questions is not None:
            question_pairs.extend(_question_pairs(texts))
    report.counts["consecutive turns, new sender"] = len(cleaned)

    if common_questions is not None:
        times_asked = Counter(question for question, _ in question_pairs)
        cleaned.extend(pair for pair in question_pairs if times_asked[pair[0]] >= common_questions)
        report.counts[f"+ questions asked >= {common_questions} times"] = len(cleaned)
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

    if top_words is not None:
        frequencies = Counter(word for pair in short for side in pair for word in side.split())
        common = {word for word, _ in frequencies.most_common(top_words)}
        short = [pair for pair in short if all(w in common for side in pair for w in side.split())]
        report.counts[f"only the {top_words:,} most common words"] = len(short)

    unique = list(dict.fromkeys(short))  # keeps the first of each identical pair, in order
    report.counts["de-duplicated"] = len(unique)

    # A seeded shuffle even without sampling: the pairs come in corpus order (question pairs
    # last), and validation_split takes the last pairs.
    keep = len(unique) if num_pairs is None else min(num_pairs, len(unique))
    unique = random.Random(seed).sample(unique, keep)
    report.counts["shuffled" if num_pairs is None else "sampled"] = len(unique)
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
