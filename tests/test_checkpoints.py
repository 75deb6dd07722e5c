"""resumable_callbacks: an interrupted fit resumes exactly; best.weights.h5 is the best epoch."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from seq2seq_helpers.checkpoints import restore_best, resumable_callbacks

RNG = np.random.default_rng(0)
TRUE_WEIGHTS = RNG.normal(size=(5, 1))
X = RNG.normal(size=(64, 5)).astype("float32")
Y = (X @ TRUE_WEIGHTS).astype("float32")
X_VAL = RNG.normal(size=(32, 5)).astype("float32")
Y_VAL = (X_VAL @ TRUE_WEIGHTS).astype("float32")


class Interrupted(Exception):
    """Stands in for a crash, Ctrl-C or kernel restart in the middle of fit."""


class InterruptAfterEpoch(keras.callbacks.Callback):
    """Raise ``Interrupted`` at the end of the given (1-based) epoch."""

    def __init__(self, epoch: int):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            raise Interrupted(f"interrupted after epoch {self.epoch}")


class RecordEpochs(keras.callbacks.Callback):
    """Keep each epoch's val_loss and a copy of the model's weights."""

    def __init__(self):
        super().__init__()
        self.val_losses: list[float] = []
        self.weights: list[list[np.ndarray]] = []

    def on_epoch_end(self, epoch, logs=None):
        self.val_losses.append(float(logs["val_loss"]))
        self.weights.append([w.copy() for w in self.model.get_weights()])


def make_model(learning_rate: float = 0.01) -> keras.Model:
    """The same tiny regression model, with the same starting weights, every call."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)]
    )
    model.compile(keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def fit(model: keras.Model, callbacks: list, epochs: int = 4) -> keras.callbacks.History:
    # shuffle=False: every run sees the batches in the same order.
    return model.fit(
        X,
        Y,
        validation_data=(X_VAL, Y_VAL),
        epochs=epochs,
        batch_size=16,
        shuffle=False,
        verbose=0,
        callbacks=callbacks,
    )


def test_interrupted_fit_resumes_and_ends_with_the_same_weights(tmp_path):
    reference = make_model()
    reference_history = fit(reference, [])

    folder = tmp_path / "run"
    interrupted = make_model()
    with pytest.raises(Interrupted):
        # The interrupter comes last, so BackupAndRestore has saved epoch 2 before it raises.
        fit(interrupted, [*resumable_callbacks(folder), InterruptAfterEpoch(2)])
    metadata = json.loads((folder / "backup" / "training_metadata.json").read_text())
    assert metadata["epoch"] == 2
    # Two epochs of training are not four: the resumed run has real work left to do.
    assert not np.allclose(interrupted.get_weights()[0], reference.get_weights()[0])

    # A new model and new callbacks, as after a kernel restart.
    resumed = make_model()
    history = fit(resumed, resumable_callbacks(folder))

    assert history.epoch == [2, 3]
    assert len(history.history["loss"]) == 2
    # Weights and optimizer state are restored, the batches come in the same order, and the
    # same CPU operations run: the result is bit-for-bit the uninterrupted run's.
    for resumed_weights, reference_weights in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(resumed_weights, reference_weights)
    assert int(resumed.optimizer.iterations) == int(reference.optimizer.iterations) == 4 * 4
    assert history.history["loss"] == reference_history.history["loss"][2:]
    # fit ended normally, so Keras deleted the backup; the best weights stay.
    assert not (folder / "backup").exists()
    assert (folder / "best.weights.h5").is_file()


def test_best_weights_file_holds_the_epoch_with_the_lowest_val_loss(tmp_path):
    model = make_model(learning_rate=0.05)
    record = RecordEpochs()
    fit(model, [*resumable_callbacks(tmp_path), record], epochs=6)

    best = int(np.argmin(record.val_losses))
    # The test only means something if the best epoch is not simply the last one.
    assert best != len(record.val_losses) - 1, record.val_losses

    restored = restore_best(make_model(learning_rate=0.05), tmp_path)
    # The optimizer's state comes from the best epoch too (4 batches per epoch).
    assert int(restored.optimizer.iterations) == 4 * (best + 1)
    for restored_weights, best_weights in zip(restored.get_weights(), record.weights[best]):
        np.testing.assert_array_equal(restored_weights, best_weights)
    assert not np.array_equal(restored.get_weights()[0], record.weights[-1][0])


def test_resumable_callbacks_order_and_paths(tmp_path):
    backup, best = resumable_callbacks(tmp_path / "new", monitor="val_accuracy")
    assert isinstance(backup, keras.callbacks.BackupAndRestore)
    assert isinstance(best, keras.callbacks.ModelCheckpoint)
    assert backup.backup_dir == str(tmp_path / "new" / "backup")
    assert best.filepath == str(tmp_path / "new" / "best.weights.h5")
    assert best.monitor == "val_accuracy" and best.save_best_only and best.save_weights_only


def test_restore_best_without_a_saved_epoch(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no best epoch saved in .*resumable_callbacks"):
        restore_best(make_model(), tmp_path)


@pytest.mark.parametrize(
    "folder, monitor, message",
    [
        (123, "val_loss", "folder must be a path"),
        (None, "val_loss", "folder must be a path"),
        ("", "val_loss", "folder is an empty string"),
        ("run", "", "monitor must be"),
        ("run", None, "monitor must be"),
    ],
)
def test_resumable_callbacks_bad_arguments(tmp_path, monkeypatch, folder, monitor, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=message):
        resumable_callbacks(folder, monitor=monitor)


def test_folder_that_is_a_file(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("not a folder")
    with pytest.raises(ValueError, match="is a file"):
        resumable_callbacks(file)
    with pytest.raises(ValueError, match="is a file"):
        restore_best(make_model(), file)


def test_restore_best_into_an_uncompiled_model(tmp_path):
    trained = make_model()
    fit(trained, resumable_callbacks(tmp_path), epochs=1)
    keras.utils.set_random_seed(1)
    uncompiled = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)]
    )
    restore_best(uncompiled, tmp_path)
    for restored_weights, trained_weights in zip(uncompiled.get_weights(), trained.get_weights()):
        np.testing.assert_array_equal(restored_weights, trained_weights)
