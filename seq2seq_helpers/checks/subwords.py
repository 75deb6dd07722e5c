"""Check for notebook 11's subword exercise: ``join_pieces(pieces)`` turns SentencePiece pieces
back into text (each ``▁`` is a space, the first one dropped). Names the first piece list that
comes back wrong and the usual mistake behind it."""

from __future__ import annotations

from typing import Callable

from seq2seq_helpers.checks.feedback import Feedback, report, unanswered

WORD_START = "\u2581"  # "▁": a word starts here (there was a space before it)
NAME = "join_pieces"

# Pieces as a SentencePiece model of the course splits them, and the text they spell.
CASES = [
    (["▁Esto", "y", "▁muy", "▁bien", ",", "▁gracias", "."], "Estoy muy bien, gracias."),
    (["▁¿", "Dónde", "▁está", "▁el", "▁baño", "?"], "¿Dónde está el baño?"),
    (["▁", "¡", "Hola", ",", "▁Ana", "!"], "¡Hola, Ana!"),
    (["▁Tom", "▁llega", "▁a", "▁las", "▁7", ":", "30", "."], "Tom llega a las 7:30."),
    (["▁habl", "aremos", "▁mañana"], "hablaremos mañana"),
    ([], ""),
]


def _mistake(got: str, expected: str) -> str:
    """The usual reason ``got`` differs from ``expected``, as advice."""
    if WORD_START in got:
        return f"the {WORD_START} marks are still in the text: each one stands for a space."
    if got == " " + expected or (got.lstrip() == expected and got != expected):
        return (
            f"the text starts with a space: the first piece's {WORD_START} only says a word "
            "starts there; drop that leading space."
        )
    if got.replace(" ", "") == expected.replace(" ", ""):
        if got.count(" ") > expected.count(" "):
            return (
                "there are spaces between the pieces of one word: join the pieces with nothing "
                f"between them; a space goes only where a piece starts with {WORD_START}."
            )
        return f"spaces are missing: each {WORD_START} stands for a space between two words."
    return "the letters differ, not only the spaces: keep every piece's text, in order."


def check_join_pieces(join_pieces_fn: Callable | None) -> Feedback:
    """Check ``join_pieces_fn(pieces) -> str`` on a few lists of pieces (no byte pieces): the
    text must be the pieces with each ``▁`` made a space and the leading space dropped."""
    if join_pieces_fn is None:
        return unanswered(f"write {NAME} and pass the function itself.")
    if not callable(join_pieces_fn):
        return report(False, f"pass the function itself, {NAME}, not {join_pieces_fn!r}.")
    for pieces, expected in CASES:
        try:
            got = join_pieces_fn(list(pieces))
        except NotImplementedError:
            return unanswered(f"{NAME} raises NotImplementedError: write its body.")
        except Exception as error:  # the learner's code: report it in words
            return report(
                False, f"for {pieces}, {NAME} raised {type(error).__name__}: {error}"[:400]
            )
        if got is None:
            return unanswered(f"{NAME} returns None: return the text, a string.")
        if not isinstance(got, str):
            return report(
                False,
                f"for {pieces}, {NAME} returned a {type(got).__name__} ({got!r:.60}): return "
                "one string, the text.",
            )
        if got != expected:
            return report(
                False,
                f"for {pieces}, {NAME} gave {got!r}, expected {expected!r}: "
                + _mistake(got, expected),
            )
    return report(
        True,
        f"all {len(CASES)} lists of pieces come back as the text they spell: every "
        f"{WORD_START} a space, the leading one dropped, the pieces of one word joined.",
    )
