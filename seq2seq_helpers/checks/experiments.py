"""Checks for "change it and measure" exercises: the learner trains a fresh model with one
setting changed, reports what they saw, and the check compares it with their own history.

Introduced in notebooks/04_build_compile_fit.ipynb.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from seq2seq_helpers.checks.choices import check_choice
from seq2seq_helpers.checks.feedback import Feedback, report, unanswered

History = Mapping[str, Sequence[float]]


def _summary(name: str, history: History) -> str:
    val = history["val_loss"]
    best = int(np.argmin(val))
    text = (
        f"{name}: {len(history['loss'])} epochs, lowest val_loss {val[best]:.3f} at epoch "
        f"{best + 1}, last training loss {history['loss'][-1]:.3f}"
    )
    if "seconds_per_epoch" in history:
        text += f", {history['seconds_per_epoch']:.2f} s per epoch"
    return text


def check_experiment(
    question_id: str,
    choice: str | None,
    new_history: History | None,
    base_history: History,
    *,
    reported_epochs: int | None = None,
) -> Feedback:
    """Grade the learner's explanation of an experiment, with the figures of their own runs.

    ``new_history`` must come from a model trained from fresh weights (``train_fresh``): a run
    that continued training the notebook's model starts far below the first run's first loss.
    ``reported_epochs``, when the exercise asks for it, must match the epochs ``new_history`` ran.
    """
    if new_history is None:
        return unanswered("run the experiment first: new_history = train_fresh(...).")
    if not {"loss", "val_loss"} <= set(new_history):
        return report(False, "pass the dictionary train_fresh returns (with loss and val_loss).")
    if new_history["loss"][0] < 0.8 * base_history["loss"][0]:
        return report(
            False,
            f"your run's first loss ({new_history['loss'][0]:.3f}) is far below the first run's "
            f"({base_history['loss'][0]:.3f}): it seems to continue training an already trained "
            "model. Use train_fresh, which starts from new weights.",
        )
    measured = (
        " Measured: "
        + _summary("first run", base_history)
        + "; "
        + _summary("your run", new_history)
        + "."
    )
    if reported_epochs is not None or question_id == "early_stopping":
        trained = len(new_history["loss"])
        if reported_epochs is None:
            return unanswered("write how many epochs your run trained in my_epochs.")
        if reported_epochs != trained:
            return report(
                False, f"your run trained {trained} epochs, not {reported_epochs}." + measured
            )
    verdict = check_choice(question_id, choice)
    return Feedback(verdict.ok, verdict.message + measured)
