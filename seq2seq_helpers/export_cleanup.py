"""Tidy the outputs of an executed notebook before it is saved or turned into HTML and slides.

Used by ``python3 course.py run`` and ``python3 course.py export`` (not by the notebooks). Two
things make an executed copy hard to read that a learner never sees in JupyterLab:

- TensorFlow's start-up messages ("Could not find cuda drivers", "oneDNN custom operations are
  on", ...) arrive on the kernel's stderr and are stored as a red stderr output;
- a progress bar is redrawn with ``\\b`` and ``\\r``, and every redraw is stored as its own
  stream output, so the HTML copy shows one line per update instead of one bar.

``clean_notebook`` drops the known start-up lines (and nothing else: a warning a notebook shows on
purpose stays), merges consecutive stream outputs of the same name, and replays ``\\r`` and ``\\b``
the way a terminal would, so only the final state of each bar remains. ``CleanOutputsPreprocessor``
does the same inside nbconvert::

    jupyter nbconvert --to notebook --execute \\
        --Exporter.preprocessors=seq2seq_helpers.export_cleanup.CleanOutputsPreprocessor ...
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

from nbconvert.preprocessors import Preprocessor

# Messages TensorFlow (and the XLA/absl libraries under it) prints while it starts, whatever the
# notebook does. Each pattern is searched for in one line of a stderr output.
TENSORFLOW_STARTUP_NOISE = [
    re.compile(pattern)
    for pattern in (
        r"oneDNN custom operations are on",
        r"All log messages before absl::InitializeLog\(\) is called are written to STDERR",
        r"failed call to cuInit",
        r"cudart_stub\.cc:\d+\]",
        r"Could not find cuda drivers on your machine",
        r"cpu_feature_guard\.cc:\d+\]",
        r"This TensorFlow binary is optimized to use available CPU instructions",
        r"To enable the following instructions: .*rebuild TensorFlow with the appropriate "
        r"compiler flags",
        r"Unable to register cu(?:DNN|FFT|BLAS) factory",
        r"TF-TRT Warning: Could not find TensorRT",
        # Not at start-up but the same kind: printed once when a boolean mask first meets oneDNN
        # (the Transformer's attention masks in notebook 10); it changes nothing in the results.
        r"oneDNN supports DT_BOOL only on platforms with AVX-512",
    )
]

# An ANSI escape sequence (colours, bold): it takes no room on the screen.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


def is_startup_noise(line: str) -> bool:
    """Whether one line of stderr is a known TensorFlow start-up message."""
    return any(pattern.search(line) for pattern in TENSORFLOW_STARTUP_NOISE)


def drop_startup_noise(text: str) -> str:
    """``text`` without its TensorFlow start-up lines; every other line is kept as it was."""
    return "".join(line for line in text.splitlines(keepends=True) if not is_startup_noise(line))


class _Line:
    """One line of a terminal: cells holding a visible character each (with any escape
    sequences written just before it), and escape sequences written after the last cell."""

    def __init__(self) -> None:
        self.cells: list[str] = []
        self.tail = ""

    def put(self, column: int, escapes: str, char: str) -> None:
        if column < len(self.cells):
            self.cells[column] = escapes + char
            if column == len(self.cells) - 1:
                self.tail = ""  # it followed the character just overwritten
        else:
            self.cells.append(self.tail + escapes + char)
            self.tail = ""

    def text(self) -> str:
        return "".join(self.cells) + self.tail


def render_terminal(text: str) -> str:
    """What a terminal shows after printing ``text``: ``\\r`` returns to the start of the line,
    ``\\b`` moves one column back, and what is printed next overwrites what was there. Escape
    sequences are kept and take no column."""
    if "\r" not in text and "\b" not in text:
        return text
    finished: list[str] = []
    line, column, escapes = _Line(), 0, ""
    position = 0

    def settle_escapes() -> None:
        # Escape sequences not followed by a character on this line: keep them where they were.
        nonlocal escapes
        if escapes:
            if column < len(line.cells):
                line.cells[column] = escapes + line.cells[column]
            else:
                line.tail += escapes
            escapes = ""

    while position < len(text):
        escape = _ANSI_ESCAPE.match(text, position)
        if escape:
            escapes += escape.group(0)
            position = escape.end()
            continue
        char = text[position]
        position += 1
        if char == "\n":
            settle_escapes()
            finished.append(line.text() + "\n")
            line, column = _Line(), 0
        elif char == "\r":
            settle_escapes()
            column = 0
        elif char == "\b":
            settle_escapes()
            column = max(column - 1, 0)
        else:
            line.put(column, escapes, char)
            escapes = ""
            column += 1
    settle_escapes()
    finished.append(line.text())
    return "".join(finished)


def _text(output: MutableMapping[str, Any]) -> str:
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else text


def clean_outputs(outputs: list) -> list:
    """The cleaned list of one code cell's outputs (see the module's docstring)."""
    kept: list = []
    for output in outputs:
        if output.get("output_type") != "stream":
            kept.append(output)
            continue
        text = _text(output)
        if output.get("name") == "stderr":
            text = drop_startup_noise(text)
            if not text:
                continue  # nothing but start-up noise: the whole output goes
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] = _text(previous) + text
        else:
            output["text"] = text
            kept.append(output)
    for output in kept:
        if output.get("output_type") == "stream":
            output["text"] = render_terminal(output["text"])
    return kept


def clean_notebook(notebook: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Clean every code cell's outputs in place; returns the same notebook for convenience."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell["outputs"] = clean_outputs(cell["outputs"])
    return notebook


class CleanOutputsPreprocessor(Preprocessor):
    """nbconvert preprocessor applying ``clean_outputs`` to every code cell. Listed in
    ``Exporter.preprocessors`` it runs after the notebook was executed (``--execute``)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell.outputs = clean_outputs(cell.outputs)
        return cell, resources
