"""A progress bar for loops that take a while (decoding many sentences, for example).

Introduced in notebooks/05_inference_and_decoding.ipynb. It uses Keras' own ``Progbar``, the bar
``fit`` prints, so no extra package is needed.

Inside a Jupyter kernel every redraw of the bar is a message to the browser (and, when the
notebook is executed headlessly, one more output saved in the file), so there the bar is redrawn
at most every ``KERNEL_REDRAW_SECONDS``; the first and the last state are always drawn.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Sized
from typing import TypeVar

T = TypeVar("T")

KERNEL_REDRAW_SECONDS = 0.5
_clock = time.monotonic  # tests replace it with a fake clock


def _in_jupyter_kernel() -> bool:
    """Whether this code runs in a Jupyter (IPython) kernel rather than a terminal or script."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def track(items: Iterable[T], total: int | None = None, label: str = "") -> Iterator[T]:
    """Yield ``items`` while drawing a progress bar; ``total`` defaults to ``len(items)``."""
    import keras

    if total is None:
        if not isinstance(items, Sized):
            raise ValueError("track needs total= for an iterable without a length.")
        total = len(items)
    if label:
        print(label)
    if not _in_jupyter_kernel():
        bar = keras.utils.Progbar(total, unit_name="item")
        for done, item in enumerate(items, start=1):
            yield item
            bar.update(done)
        return
    # In a kernel this loop decides when to redraw, so Keras' own throttle is switched off.
    bar = keras.utils.Progbar(total, unit_name="item", interval=0)
    last_drawn = None
    for done, item in enumerate(items, start=1):
        yield item
        now = _clock()
        if last_drawn is None or done >= total or now - last_drawn >= KERNEL_REDRAW_SECONDS:
            bar.update(done)
            last_drawn = now
