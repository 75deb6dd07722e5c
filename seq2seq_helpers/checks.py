"""Feedback for the "try it" exercises.

Each ``check_...`` function returns a ``Feedback``: true when the answer is right, and shown in a
notebook as one specific sentence (what is right, or exactly what differs and why). An answer
left as ``None`` is reported as "not answered yet", so a notebook still runs from top to bottom.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from seq2seq_helpers.text import tokenize


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


def _report(ok: bool, message: str) -> Feedback:
    return Feedback(ok, ("Correct: " if ok else "Not yet: ") + message)


def _unanswered(hint: str) -> Feedback:
    return Feedback(False, f"Not answered yet: {hint}")


def check_tokens(answer: Sequence[str] | None, sentence: str) -> Feedback:
    """Check a hand-written token list for ``sentence`` (lowercased, punctuation separate)."""
    if answer is None:
        return _unanswered("replace None with a list of tokens, e.g. ['hola', '.'].")
    expected = tokenize(sentence)
    answer = list(answer)
    if answer == expected:
        return _report(True, f"{sentence!r} has the {len(expected)} tokens {expected}.")
    if [token.lower() for token in answer] == expected:
        return _report(False, f"tokens are lowercased: expected {expected}.")
    missing = [token for token in expected if token not in answer]
    extra = [token for token in answer if token not in expected]
    if missing:
        hint = f"you are missing {missing}"
        if any(not token.isalnum() for token in missing):
            hint += " (every punctuation mark, including ¿ and ¡, is a token of its own)"
    elif extra:
        hint = f"{extra} should not be there"
    else:
        hint = f"the tokens are right but the order is not: expected {expected}"
    return _report(False, hint + ".")


def check_shape(answer: tuple[int, ...] | None, array: np.ndarray, name: str) -> Feedback:
    """Check a predicted array shape, naming the axis that differs."""
    if answer is None:
        return _unanswered(f"replace None with the shape you expect for {name}, as a tuple.")
    axes = ("sentences", "time steps", "vocabulary size")
    answer = tuple(answer)
    if answer == array.shape:
        return _report(True, f"{name} has shape {array.shape}.")
    if len(answer) != array.ndim:
        return _report(False, f"{name} has {array.ndim} axes, your answer has {len(answer)}.")
    for axis, (given, actual) in enumerate(zip(answer, array.shape)):
        if given != actual:
            label = axes[axis] if array.ndim == 3 else f"axis {axis}"
            return _report(False, f"axis {axis} ({label}) of {name} is {actual}, not {given}.")
    return _report(False, f"{name} has shape {array.shape}.")  # unreachable, kept for safety


def check_teacher_forcing(
    decoder_input_data: np.ndarray,
    decoder_target_data: np.ndarray | None,
    reverse_target_features_dict: Mapping[int, str],
) -> Feedback:
    """Check that ``decoder_target_data`` is ``decoder_input_data`` shifted one step earlier."""
    if decoder_target_data is None:
        return _unanswered("build decoder_target_data, then run this check.")
    if decoder_target_data.shape != decoder_input_data.shape:
        return _report(
            False,
            f"decoder_target_data must have the same shape as decoder_input_data "
            f"{decoder_input_data.shape}, got {decoder_target_data.shape}.",
        )
    expected = np.zeros_like(decoder_input_data)
    expected[:, :-1] = decoder_input_data[:, 1:]
    wrong = np.argwhere(~np.all(np.isclose(decoder_target_data, expected), axis=-1))
    if len(wrong) == 0:
        return _report(True, "decoder_target_data is decoder_input_data shifted one step.")

    def word(row: np.ndarray) -> str:
        return reverse_target_features_dict[int(row.argmax())] if row.any() else "(padding)"

    sentence, step = (int(i) for i in wrong[0])
    return _report(
        False,
        f"decoder_target_data must be decoder_input_data shifted one step: in sentence "
        f"{sentence} at time {step} you have {word(decoder_target_data[sentence, step])!r}, "
        f"expected {word(expected[sentence, step])!r}.",
    )


def lstm_parameter_count(input_dim: int, units: int) -> int:
    """Trainable weights of an LSTM: 4 gates, each with input and recurrent kernels and a bias."""
    return 4 * (units * (input_dim + units) + units)


def check_lstm_parameter_count(answer: int | None, input_dim: int, units: int) -> Feedback:
    """Check a predicted number of LSTM parameters."""
    if answer is None:
        return _unanswered("replace None with your predicted number of parameters.")
    expected = lstm_parameter_count(input_dim, units)
    if answer == expected:
        return _report(True, f"4 gates x ({units} x ({input_dim} + {units}) + {units}) = {expected}.")
    if answer == units * (input_dim + units) + units:
        return _report(False, "that is one gate; an LSTM has 4 (input, forget, cell, output).")
    if answer == 4 * units * (input_dim + units):
        return _report(False, "close: each of the 4 gates also has a bias of size units.")
    return _report(False, f"expected 4 x (units x (input_dim + units) + units) = {expected}.")


def check_best_epoch(answer: int | None, history: Mapping[str, Sequence[float]]) -> Feedback:
    """Check the learner's reading of the epoch (1-based) with the lowest validation loss."""
    if answer is None:
        return _unanswered("replace None with the epoch number where val_loss is lowest.")
    if "val_loss" not in history:
        raise ValueError("history has no 'val_loss'; train with validation_split or validation_data.")
    best = int(np.argmin(history["val_loss"])) + 1
    if answer == best:
        return _report(True, f"validation loss is lowest at epoch {best}; later epochs overfit.")
    if answer == best - 1:
        return _report(False, "off by one: Keras counts epochs from 1 in its log.")
    return _report(False, f"look at the validation curve again: its minimum is not at epoch {answer}.")


def check_unknown_words(
    answer: Sequence[str] | None, sentence: str, input_features_dict: Mapping[str, int]
) -> Feedback:
    """Check which words of ``sentence`` the model has never seen (and will skip)."""
    if answer is None:
        return _unanswered("replace None with a list of the words you expect to be skipped.")
    expected = [token for token in tokenize(sentence) if token not in input_features_dict]
    if sorted(answer) == sorted(expected):
        return _report(True, f"the unknown words are {expected}.")
    known = [token for token in answer if token in input_features_dict]
    if known:
        return _report(False, f"{known} are in the training vocabulary, so they are not skipped.")
    return _report(False, f"some unknown words are missing from your list ({len(expected)} in all).")
