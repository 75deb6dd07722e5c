"""Training that survives interruptions, and keeps its best epoch.

Two Keras callbacks do the work: ``BackupAndRestore`` lets an interrupted ``model.fit`` (a kernel
restart, Ctrl-C, a crash) pick up where it stopped, and ``ModelCheckpoint`` keeps the weights of
the epoch with the best validation score. ``resumable_callbacks`` builds both for one folder and
``restore_best`` loads the best epoch back.

Typical use::

    callbacks = resumable_callbacks("saved_models/translator_run")
    model.fit(..., validation_split=0.2, callbacks=callbacks)   # rerun this cell after a crash
    restore_best(model, "saved_models/translator_run")
"""

from __future__ import annotations

import os
from pathlib import Path

import keras

BACKUP_FOLDER_NAME = "backup"
BEST_WEIGHTS_NAME = "best.weights.h5"


def _check_folder(folder: str | os.PathLike[str], function: str) -> Path:
    """Turn ``folder`` into a ``Path``, or raise a ValueError saying what to pass instead."""
    if isinstance(folder, bytes) or not isinstance(folder, (str, os.PathLike)):
        raise ValueError(
            f"{function}: folder must be a path such as 'saved_models/run1' or a pathlib.Path, "
            f"got {type(folder).__name__}."
        )
    if str(folder) == "":
        raise ValueError(f"{function}: folder is an empty string; pass a folder name.")
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{function}: folder {path} is a file, not a folder; pick another name.")
    return path


def resumable_callbacks(
    folder: str | os.PathLike[str], monitor: str = "val_loss"
) -> list[keras.callbacks.Callback]:
    """Callbacks that make ``model.fit`` resumable and keep the best epoch's weights in ``folder``.

    Pass the returned list to ``model.fit(..., callbacks=...)``. It holds, in this order:

    1. ``keras.callbacks.BackupAndRestore(backup_dir=folder / "backup")``. At the end of every
       epoch it overwrites ``backup/latest.weights.h5`` (the model's weights *and* the optimizer's
       state) and ``backup/training_metadata.json`` (how many epochs are finished). When ``fit``
       starts and a backup exists, it loads both, so a ``fit`` that was interrupted (kernel
       restart, Ctrl-C, an error) and is run again, with the same model and the same ``compile``
       and ``fit`` arguments, skips the finished epochs: with ``epochs=10`` and 4 epochs done, the
       new ``fit`` runs epochs 5 to 10 only and its history lists those 6. An epoch that was cut
       off halfway is done again from its start.

       Keras deletes the whole ``backup`` folder when ``fit`` ends normally (all epochs done, or
       stopped early by ``EarlyStopping``) -- not when it is interrupted. So running the same
       ``fit`` again *after* it finished trains on from the current weights, counting epochs from
       1 again. One Keras quirk: a model object that was resumed keeps the epoch it resumed from
       (Keras never resets it), so a later ``fit`` on that same object starts there too. Build a
       new model if you want to train from scratch.

    2. ``keras.callbacks.ModelCheckpoint(folder / "best.weights.h5", monitor=monitor,
       save_best_only=True, save_weights_only=True)``: after each epoch whose ``monitor`` value is
       the best so far (lowest for a loss, highest for an accuracy) it saves the model's weights.
       ``restore_best`` loads them back. It is outside ``backup``, so Keras never deletes it.

    Things to know:

    - The model must be built before ``fit`` (start it with ``keras.Input``), otherwise
      ``BackupAndRestore`` raises a ValueError.
    - ``monitor="val_loss"`` needs validation data (``validation_split`` or ``validation_data``).
      Without it, ``ModelCheckpoint`` warns "Can save best model only with val_loss available"
      and saves *every* epoch, so ``best.weights.h5`` ends up holding the last epoch, not the best.
    - The "best so far" is remembered by the callback object. After a kernel restart, new
      callbacks do not know the best score reached before the interruption, so the first resumed
      epoch is saved even if it is worse than that earlier best.
    - Use one folder per training run.

    Raises:
        ValueError: ``folder`` is not a path (or is a file), or ``monitor`` is not a non-empty
            string such as ``"val_loss"``.
    """
    path = _check_folder(folder, "resumable_callbacks")
    if not isinstance(monitor, str) or not monitor.strip():
        raise ValueError(
            f"resumable_callbacks: monitor must be the name of a logged value such as 'val_loss' "
            f"or 'val_accuracy', got {monitor!r}."
        )
    path.mkdir(parents=True, exist_ok=True)
    return [
        keras.callbacks.BackupAndRestore(backup_dir=str(path / BACKUP_FOLDER_NAME)),
        keras.callbacks.ModelCheckpoint(
            str(path / BEST_WEIGHTS_NAME),
            monitor=monitor,
            save_best_only=True,
            save_weights_only=True,
        ),
    ]


def restore_best(model: keras.Model, folder: str | os.PathLike[str]) -> keras.Model:
    """Load the best epoch's weights, saved by ``resumable_callbacks(folder)``, into ``model``.

    ``model`` must have the same layers as the model that was trained. If it is compiled with the
    same optimizer, the optimizer's state from that epoch is loaded too, so ``fit`` can continue
    from the best epoch. Returns ``model`` itself, so ``restore_best(model, folder).evaluate(...)``
    works.

    Raises:
        ValueError: ``folder`` is not a path.
        FileNotFoundError: ``folder`` holds no ``best.weights.h5`` (no epoch was saved yet).
    """
    path = _check_folder(folder, "restore_best")
    weights = path / BEST_WEIGHTS_NAME
    if not weights.is_file():
        raise FileNotFoundError(
            f"no best epoch saved in {path} (no {BEST_WEIGHTS_NAME}); train with "
            f"resumable_callbacks({str(folder)!r}) first."
        )
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built:
        # A freshly compiled model has no optimizer variables yet; create them (as
        # BackupAndRestore does) so the saved optimizer state loads too, without a warning.
        optimizer.build(model.trainable_variables)
    model.load_weights(str(weights))
    return model
