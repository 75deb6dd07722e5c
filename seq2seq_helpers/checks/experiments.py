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


def _not_a_fresh_run(new_history: History | None, base_history: History) -> Feedback | None:
    """Feedback when ``new_history`` is missing or did not start from fresh weights, else None."""
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
    return None


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
    problem = _not_a_fresh_run(new_history, base_history)
    if problem is not None:
        return problem
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


def check_batch_updates(
    predicted_updates: int | None,
    new_history: History | None,
    base_history: History,
    *,
    pairs: int,
    batch_size: int = 50,
    validation_split: float = 0.2,
) -> Feedback:
    """Compare a predicted number of weight updates per epoch with the optimizer's own count.

    Both histories carry ``updates_per_epoch`` (the optimizer's ``iterations`` over the epochs
    trained) and ``seconds_per_epoch``; ``new_history`` was trained with ``batch_size``.
    """
    problem = _not_a_fresh_run(new_history, base_history)
    if problem is not None:
        return problem
    if "updates_per_epoch" not in new_history or "updates_per_epoch" not in base_history:
        raise ValueError(
            "both histories need 'updates_per_epoch': record model.optimizer.iterations divided "
            "by the epochs trained, as train_fresh does."
        )
    if predicted_updates is None:
        return unanswered("write your predicted number of updates per epoch in my_updates.")
    measured = int(new_history["updates_per_epoch"])
    base = int(base_history["updates_per_epoch"])
    training = int(np.floor(pairs * (1 - validation_split)))
    figures = (
        f" Measured: {measured} updates per epoch with batch_size={batch_size}, {base} with the "
        f"first run's batches; "
        + _summary("first run", base_history)
        + "; "
        + _summary("your run", new_history)
        + "."
    )
    if predicted_updates == measured:
        higher = "higher" if new_history["loss"][-1] > base_history["loss"][-1] else "not higher"
        return report(
            True,
            f"{training} training sentences in batches of {batch_size} make {measured} updates, "
            f"{base / measured:.0f}x fewer than the first run's {base}. Each update averages more "
            "sentences, but the weights move fewer times: after the same epochs the training "
            f"loss is {higher} ({new_history['loss'][-1]:.3f} against "
            f"{base_history['loss'][-1]:.3f})." + figures,
        )
    if predicted_updates == int(np.ceil(pairs / batch_size)):
        hint = (
            f"that counts all {pairs} pairs, but validation_split={validation_split} keeps the "
            f"last {pairs - training} aside: fit trains on {training}."
        )
    elif predicted_updates == training // batch_size:
        hint = "the last, smaller batch is an update too: round up."
    else:
        hint = f"count the batches of {batch_size} in the {training} sentences fit trains on."
    return report(False, f"you predicted {predicted_updates}; {hint}" + figures)
