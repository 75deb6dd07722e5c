"""Checks for exercises whose answer is a value: tokens, shapes, arrays, counts, epochs, words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from seq2seq_helpers.checks.feedback import Feedback
from seq2seq_helpers.checks.feedback import report as _report
from seq2seq_helpers.checks.feedback import unanswered as _unanswered
from seq2seq_helpers.text import tokenize


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


def check_lstm_parameter_count(answer, input_dim: int, units: int) -> Feedback:
    """Check a predicted number of LSTM parameters, or a function ``(input_dim, units) -> count``.

    A function is tried on several sizes besides (input_dim, units), so a number copied from a
    model summary does not pass: the formula has to be right.
    """
    if answer is None:
        return _unanswered("replace None with your predicted number of parameters.")
    if callable(answer):
        for size in ((input_dim, units), (3, 2), (10, 1), (1, 5)):
            verdict = check_lstm_parameter_count(answer(*size), *size)
            if not verdict:
                return _report(
                    False, f"for input_dim={size[0]}, units={size[1]}: {verdict.message[9:]}"
                )
        return _report(
            True,
            f"your formula gives Keras' count for every size tried; here 4 gates x ({units} x "
            f"({input_dim} + {units}) + {units}) = {lstm_parameter_count(input_dim, units):,}.",
        )
    expected = lstm_parameter_count(input_dim, units)
    if answer == expected:
        return _report(
            True, f"4 gates x ({units} x ({input_dim} + {units}) + {units}) = {expected}."
        )
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
        raise ValueError(
            "history has no 'val_loss'; train with validation_split or validation_data."
        )
    best = int(np.argmin(history["val_loss"])) + 1
    if answer == best:
        return _report(True, f"validation loss is lowest at epoch {best}; later epochs overfit.")
    if answer == best - 1:
        return _report(False, "off by one: Keras counts epochs from 1 in its log.")
    return _report(
        False, f"look at the validation curve again: its minimum is not at epoch {answer}."
    )


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
    return _report(
        False, f"some unknown words are missing from your list ({len(expected)} in all)."
    )


def check_vocabulary_size(
    answer: int | None, sentences: Sequence[str], lowercase: bool = False
) -> Feedback:
    """Check a predicted vocabulary size for ``sentences`` tokenized with ``lowercase``."""
    if answer is None:
        return _unanswered("replace None with the number of distinct tokens you expect.")
    expected = len({token for sentence in sentences for token in tokenize(sentence, lowercase)})
    other = len({token for sentence in sentences for token in tokenize(sentence, not lowercase)})
    if answer == expected:
        return _report(
            True, f"{expected} distinct tokens ({other} with lowercase={not lowercase})."
        )
    if answer == other:
        return _report(
            False,
            f"{other} is the size with lowercase={not lowercase}; this asks for "
            f"lowercase={lowercase}.",
        )
    direction = "more" if expected > other else "fewer"
    return _report(
        False,
        f"keeping capitals gives {direction} tokens than lowercasing ({other}): "
        "'Tom' and 'tom' become two different tokens.",
    )


def check_reply_pairs(answer: Sequence[tuple[str, str]] | None, conversation) -> Feedback:
    """Check hand-written (message, reply) pairs for a small conversation, by section 2's rules
    of notebook 06: every turn with the next turn of the other sender, and every turn's last
    question with the first clause of the reply. Raw or cleaned text, in any order."""
    from seq2seq_helpers.conversations import _question_pairs, clean_text, conversation_turns

    if answer is None:
        return _unanswered("replace None with a list of (message, reply) tuples.")
    texts = [clean_text(text) for _, text in conversation_turns(conversation)]
    turn_pairs = list(zip(texts, texts[1:]))
    question_pairs = [pair for pair in _question_pairs(texts) if pair not in turn_pairs]
    try:
        given = [(clean_text(message), clean_text(reply)) for message, reply in answer]
    except (TypeError, ValueError):
        return _report(False, "give a list of (message, reply) tuples of two strings each.")
    missing = [p for p in turn_pairs + question_pairs if p not in given]
    extra = [p for p in given if p not in turn_pairs + question_pairs]
    if not missing and not extra:
        return _report(
            True,
            f"{len(turn_pairs)} turn pairs (one per change of sender) and "
            f"{len(question_pairs)} question pair(s) (a turn's last question and the first "
            "clause of the reply; the others repeat a turn pair).",
        )
    split_turn = any(message != text and message in text for message, _ in extra for text in texts)
    hint = " Messages in a row by the same sender are one turn: join them." if split_turn else ""
    if missing:
        kind = "question pair" if missing[0] in question_pairs else "turn pair"
        rule = (
            "each turn's last question goes with the first clause of the reply (up to the "
            "first comma or full stop)"
            if kind == "question pair"
            else "each turn goes with the next turn of the other sender"
        )
        return _report(False, f"missing the {kind} {missing[0]}: {rule}.{hint}")
    return _report(False, f"{extra[0]} is not a pair section 2 would extract.{hint}")


def check_one_hot_megabytes(
    answer: float | None,
    pairs: int,
    time_steps: int,
    vocabulary: int,
    arrays: int = 1,
    capped_vocabulary: int | None = None,
) -> Feedback:
    """Check a computed one-hot memory size in MB (float32, 1 MB = 1,000,000 bytes).

    ``capped_vocabulary``, when given, is a smaller vocabulary the learner may take by mistake
    (notebook 07's capped one, where the lesson's arrays have a column for every word).
    """
    if answer is None:
        return _unanswered("replace None with the number of megabytes.")
    expected = 4 * pairs * time_steps * vocabulary * arrays / 1e6

    def near(value: float) -> bool:
        return abs(answer - value) <= 0.01 * value

    if near(expected):
        return _report(
            True,
            f"{pairs} x {time_steps} x {vocabulary} x 4 bytes "
            f"{'x ' + str(arrays) + ' ' if arrays > 1 else ''}= {expected:,.1f} MB.",
        )
    if capped_vocabulary and near(expected * capped_vocabulary / vocabulary):
        return _report(
            False,
            f"that uses the capped vocabulary ({capped_vocabulary:,} tokens); the lesson's "
            f"arrays have no cap: one column for every token, {vocabulary:,}.",
        )
    if near(expected / 4):
        return _report(False, "each float32 number takes 4 bytes, not 1.")
    if abs(answer * 1e6 - expected) <= 0.01 * expected:
        return _report(False, "that looks like bytes or the wrong unit: give megabytes.")
    return _report(
        False,
        f"multiply pairs x time steps x vocabulary x 4 bytes, divide by 1e6 "
        f"(you gave {answer:,.1f}).",
    )


def check_temperature(apply_temperature) -> Feedback:
    """Check ``apply_temperature(probabilities, temperature) -> probabilities``: the
    distribution ``p ** (1 / temperature)``, renormalized (notebook 06, section 6)."""
    if apply_temperature is None:
        return _unanswered("write apply_temperature and pass the function itself.")
    cases = [np.array([0.5, 0.3, 0.2]), np.array([0.05, 0.7, 0.25, 0.0])]
    for probabilities in cases:
        for temperature in (0.5, 1.0, 2.0):
            try:
                got = np.asarray(apply_temperature(probabilities.copy(), temperature), dtype=float)
            except Exception as error:  # the learner's code: report it in words
                return _report(False, f"apply_temperature raised {type(error).__name__}: {error}")
            expected = probabilities ** (1 / temperature)
            expected /= expected.sum()
            where = f"for {probabilities.tolist()} at temperature {temperature}"
            if got.shape != expected.shape:
                return _report(
                    False, f"{where} you return shape {got.shape}, expected {expected.shape}."
                )
            if not np.isclose(got.sum(), 1.0, atol=1e-6):
                return _report(
                    False, f"{where} your numbers sum to {got.sum():.3f}: divide by their sum."
                )
            if not np.allclose(got, expected, atol=1e-6):
                advice = (
                    "at temperature 1 the distribution must come back unchanged"
                    if temperature == 1.0
                    else "raise each probability to the power 1 / temperature, then renormalize"
                )
                return _report(
                    False,
                    f"{where} you give {np.round(got, 3).tolist()}, expected "
                    f"{np.round(expected, 3).tolist()}: {advice}.",
                )
    return _report(
        True,
        "below 1 the top word gets sharper, above 1 the distribution flattens, at 1 nothing "
        "changes, and a word of probability 0 stays impossible.",
    )
