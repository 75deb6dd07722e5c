"""The verdict on a learner's answer, shown in a notebook as one sentence."""

from __future__ import annotations


class Feedback:
    """The verdict on one answer: ``bool(feedback)`` says if it is right; its text says why."""

    def __init__(self, ok: bool, message: str) -> None:
        self.ok = ok
        self.message = message

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__


def report(ok: bool, message: str) -> Feedback:
    return Feedback(ok, ("Correct: " if ok else "Not yet: ") + message)


def unanswered(hint: str) -> Feedback:
    return Feedback(False, f"Not answered yet: {hint}")
