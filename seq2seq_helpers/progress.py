"""A progress bar for loops that take a while (decoding many sentences, for example).

Introduced in notebooks/05_inference_and_decoding.ipynb. It uses Keras' own ``Progbar``, the bar
``fit`` prints, so no extra package is needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized
from typing import TypeVar

T = TypeVar("T")


def track(items: Iterable[T], total: int | None = None, label: str = "") -> Iterator[T]:
    """Yield ``items`` while drawing a progress bar; ``total`` defaults to ``len(items)``."""
    import keras

    if total is None:
        if not isinstance(items, Sized):
            raise ValueError("track needs total= for an iterable without a length.")
        total = len(items)
    if label:
        print(label)
    bar = keras.utils.Progbar(total, unit_name="item")
    for done, item in enumerate(items, start=1):
        yield item
        bar.update(done)
