"""Pictures: training curves and one-hot matrices.

Introduced in notebooks/02_training_setup.ipynb (one-hot image) and
notebooks/04_build_compile_fit.ipynb (training curves).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np


def plot_history(history: Mapping[str, Sequence[float]], title: str = "Training curves"):
    """Plot loss and accuracy per epoch, training vs validation; returns the figure.

    ``history`` is ``model.fit(...).history`` (a dict such as ``{"loss": [...], "val_loss": [...]}``).
    """
    if "loss" not in history:
        raise ValueError("history has no 'loss' entry; pass model.fit(...).history.")
    metrics = [name for name in ("loss", "accuracy") if name in history]
    figure, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for axis, name in zip(axes[0], metrics):
        epochs = np.arange(1, len(history[name]) + 1)
        axis.plot(epochs, history[name], label=f"training {name}")
        if f"val_{name}" in history:
            axis.plot(epochs, history[f"val_{name}"], label=f"validation {name}")
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.legend()
        axis.grid(alpha=0.3)
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_one_hot(matrix: np.ndarray, row_labels: Sequence[str], column_labels: Sequence[str]):
    """Show a (time, vocabulary) one-hot matrix as an image; returns the figure.

    Pass only the columns you want to see (for example the columns of the words in the sentence):
    a real vocabulary has thousands of columns, far too many to read.
    """
    if matrix.ndim != 2:
        raise ValueError(f"matrix must be 2-D (time, vocabulary), got shape {matrix.shape}.")
    if matrix.shape != (len(row_labels), len(column_labels)):
        raise ValueError(
            f"matrix shape {matrix.shape} does not match {len(row_labels)} row labels and "
            f"{len(column_labels)} column labels."
        )
    figure, axis = plt.subplots(figsize=(0.5 * len(column_labels) + 2, 0.4 * len(row_labels) + 1.5))
    axis.imshow(matrix, cmap="Greys", vmin=0, vmax=1, aspect="auto")
    axis.set_xticks(range(len(column_labels)), column_labels, rotation=60, ha="right")
    axis.set_yticks(range(len(row_labels)), row_labels)
    axis.set_xlabel("vocabulary column")
    axis.set_ylabel("time step")
    figure.tight_layout()
    return figure


def plot_comparison(comparison: Mapping[str, tuple[float, float]], names=("lesson", "scalable")):
    """One bar pair per figure (``{"seconds per epoch": (lesson, scalable), ...}``); log scales
    except for accuracies. Introduced in notebooks/08_fast_decoding_and_evaluation.ipynb."""
    figure, axes = plt.subplots(1, len(comparison), figsize=(3.5 * len(comparison), 3))
    for axis, (name, values) in zip(np.atleast_1d(axes), comparison.items()):
        axis.bar(list(names), values, color=["tab:gray", "tab:green"])
        axis.set_title(name, fontsize=9)
        if "accuracy" not in name:
            axis.set_yscale("log")
    figure.tight_layout()
    return figure


def plot_learning_curve(points: Sequence[Mapping[str, float]], title: str = "What data buys"):
    """Test BLEU and chrF against the number of training pairs (``learning_curve``'s output)."""
    pairs = [point["pairs"] for point in points]
    figure, axis = plt.subplots(figsize=(6, 3.5))
    for metric in ("bleu", "chrf"):
        axis.plot(pairs, [point[metric] for point in points], marker="o", label=metric)
    axis.set_xscale("log")
    axis.set_xticks(pairs, [f"{n:,}" for n in pairs])
    axis.set_xlabel("training pairs")
    axis.set_ylabel("score on the test file (0-100)")
    axis.set_title(title)
    axis.legend()
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


_METRIC_LABELS = {"bleu": "BLEU", "chrf": "chrF", "exact_match": "exact match (%)"}


def plot_scores_by_length(results: Mapping[str, Sequence[Mapping]], metric: str = "chrf"):
    """One line per model: its ``metric`` in each source-length bucket; returns the figure.

    ``results`` maps a model's name to its ``scores_by_length`` output, for example
    ``{"lesson": scores_by_length(...), "scalable": scores_by_length(...)}``; every model must use
    the same buckets. The x tick labels show each bucket and its number of sentences (taken from
    the first model). Empty buckets (NaN scores) get no point. ``metric`` is ``"bleu"``,
    ``"chrf"`` or ``"exact_match"``.
    """
    if metric not in _METRIC_LABELS:
        raise ValueError(f"metric must be one of {sorted(_METRIC_LABELS)}, got {metric!r}.")
    if not results:
        raise ValueError("results is empty; pass {model name: scores_by_length(...)}.")
    first_name, first = next(iter(results.items()))
    if not first:
        raise ValueError(f"results[{first_name!r}] has no bucket; pass scores_by_length's output.")
    labels = [row["bucket"] for row in first]
    for name, rows in results.items():
        if [row["bucket"] for row in rows] != labels:
            raise ValueError(
                f"results[{name!r}] has buckets {[row['bucket'] for row in rows]}, but "
                f"results[{first_name!r}] has {labels}; score every model with the same buckets."
            )

    positions = np.arange(len(labels))
    figure, axis = plt.subplots(figsize=(max(5.0, 1.4 * len(labels) + 2), 3.5))
    for name, rows in results.items():
        values = np.array([row[metric] for row in rows], dtype=float)
        shown = np.isfinite(values)
        axis.plot(positions[shown], values[shown], marker="o", label=name)
    tick_labels = [
        f"{label} word{'' if label == '1' else 's'}\n(n={row['sentences']})"
        for label, row in zip(labels, first)
    ]
    axis.set_xticks(positions, tick_labels)
    axis.set_xlabel("length of the English source")
    axis.set_ylabel(_METRIC_LABELS[metric])
    axis.set_title(f"{_METRIC_LABELS[metric]} by source length")
    axis.legend()
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def plot_attention(
    weights: np.ndarray,
    source_tokens: Sequence[str],
    output_tokens: Sequence[str],
    axis=None,
    title: str | None = None,
):
    """Draw one sentence's attention weights as a heatmap: a row per output token (``<END>``
    last), a column per source token; a dark cell is a source word the decoder read for that
    output word. ``weights`` is (output steps, source positions), as ``search.Decoded.attention``
    holds it; padded positions are left out. Returns the figure."""
    weights = np.asarray(weights)
    rows = list(output_tokens) + ["<END>"]
    if weights.ndim != 2 or len(weights) < len(rows) - 1:
        raise ValueError(
            f"weights must be (output steps, source positions) with a row per output token, "
            f"got shape {weights.shape} for {len(output_tokens)} tokens."
        )
    rows = rows[: len(weights)]
    weights = weights[: len(rows), : len(source_tokens)]
    if axis is None:
        figure, axis = plt.subplots(
            figsize=(0.55 * len(source_tokens) + 1.5, 0.4 * len(rows) + 1.2)
        )
    else:
        figure = axis.figure
    axis.imshow(weights, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    axis.set_xticks(range(len(source_tokens)), source_tokens, rotation=60, ha="right")
    axis.set_yticks(range(len(rows)), rows)
    axis.tick_params(labelsize=9)
    if title:
        axis.set_title(title, fontsize=10)
    return figure


def plot_attention_heads(
    weights: np.ndarray,
    source_tokens: Sequence[str],
    output_tokens: Sequence[str],
    title: str = "",
):
    """One heatmap per attention head, side by side (``plot_attention`` for each): ``weights``
    is (heads, output steps, source positions), one layer of a Transformer's cross-attention.
    Returns the figure."""
    weights = np.asarray(weights)
    if weights.ndim != 3:
        raise ValueError(
            f"weights must be (heads, output steps, source positions), got shape {weights.shape}."
        )
    heads = len(weights)
    width = 0.45 * len(source_tokens) + 1.2
    figure, axes = plt.subplots(
        1, heads, figsize=(width * heads, 0.35 * (len(output_tokens) + 1) + 1.4), squeeze=False
    )
    for head, axis in enumerate(axes[0]):
        plot_attention(weights[head], source_tokens, output_tokens, axis, f"{title}head {head}")
        if head:
            axis.set_yticklabels([])
    figure.tight_layout()
    return figure


def plot_mask(mask: np.ndarray, tokens: Sequence[str], axis=None, title: str | None = None):
    """Draw an attention mask over one sentence's ``tokens``: a row per query position, a column
    per key position, dark where the query may read the key. A 1-D ``mask`` (True on real
    tokens, as a padding mask) is the same for every query row. Returns the figure."""
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim == 1:
        mask = np.broadcast_to(mask[None, :], (len(mask), len(mask)))
    if mask.shape != (len(tokens), len(tokens)):
        raise ValueError(
            f"mask must be ({len(tokens)},) or ({len(tokens)}, {len(tokens)}) for "
            f"{len(tokens)} tokens, got shape {mask.shape}."
        )
    if axis is None:
        figure, axis = plt.subplots(figsize=(0.5 * len(tokens) + 1.5, 0.5 * len(tokens) + 1.2))
    else:
        figure = axis.figure
    axis.imshow(mask, cmap="Greys", vmin=0, vmax=1.5)
    axis.set_xticks(range(len(tokens)), tokens, rotation=60, ha="right")
    axis.set_yticks(range(len(tokens)), tokens)
    axis.set_xlabel("key: the position read")
    axis.set_ylabel("query: the position reading")
    axis.tick_params(labelsize=9)
    if title:
        axis.set_title(title, fontsize=10)
    return figure
