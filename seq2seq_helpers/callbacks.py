"""Keras callbacks that compare models by wall time: ``TimeBudget`` and ``EpochTimes``.

Introduced in notebooks/07_scaling_up.ipynb; the benchmarks use them too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import keras


class TimeBudget(keras.callbacks.Callback):
    """Stop training once ``seconds`` of wall time have passed (checked after every batch), so
    that models are compared after the same time rather than the same number of epochs.
    ``clock`` (seconds, ``time.perf_counter`` by default) is there for the tests."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.perf_counter):
        super().__init__()
        if not seconds > 0:
            raise ValueError(f"seconds must be positive, got {seconds!r}.")
        self.seconds = seconds
        self.clock = clock
        self.started = None

    def on_train_begin(self, logs=None):
        self.started = self.clock()

    def on_train_batch_end(self, batch, logs=None):
        if self.clock() - self.started > self.seconds:
            self.model.stop_training = True


class EpochTimes(keras.callbacks.Callback):
    """Records the wall time of every epoch (``seconds``, validation included), to compare
    models' training speed: ``samples_per_second(n)`` divides ``n`` training pairs by the median
    epoch time, leaving out the first epoch, which also traces the training step. ``clock`` as
    for ``TimeBudget``."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        super().__init__()
        self.clock = clock
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = self.clock()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(self.clock() - self.started)

    def samples_per_second(self, samples: int) -> float:
        if not self.seconds:
            raise ValueError("No epoch has finished yet: train with this callback first.")
        steady = sorted(self.seconds[1:] or self.seconds)
        return samples / steady[len(steady) // 2]


# A model with this many parameters per target token it trains on can memorize instead of learn.
