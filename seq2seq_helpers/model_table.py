"""One table of every model in the course, read from one run of the benchmark.

Introduced in notebooks/10_transformer.ipynb; docs/results.md shows the same table. The figures come
from ``benchmarks/benchmark_pipelines.py --models onehot,scalable,attention,transformer`` (its
``benchmark.json``), kept in ``benchmarks/every_model.json`` so the notebook and docs/results.md read
the same run: neither types a number in by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

EVERY_MODEL_FILE = Path(__file__).resolve().parent.parent / "benchmarks" / "every_model.json"

# The models in the order the course meets them, with the names the table shows.
MODELS = {
    "onehot": "lesson's one-hot LSTM",
    "scalable": "scalable LSTM",
    "attention": "LSTM + attention",
    "transformer": "Transformer",
    "subword_attention": "LSTM + attention, subwords",
    "subword_transformer": "Transformer, subwords",
}

# (row label, figure in the benchmark's results, format)
ROWS = [
    ("parameters", "parameters", "{:,.0f}"),
    ("training-array memory (MB)", "training_array_bytes", "mb"),
    ("training samples/s", "samples_per_second", "{:,.0f}"),
    ("epochs in the time budget", "epochs_trained", "{:,.0f}"),
    ("wall time to the best val loss (s)", "seconds_to_best_epoch", "{:,.0f}"),
    ("greedy ms/sentence", "decode_ms_per_sentence", "{:.2f}"),
    ("beam 5 ms/sentence", "decode_ms_per_sentence_beam5", "{:.2f}"),
    ("test BLEU, greedy", "bleu", "{:.2f}"),
    ("test BLEU, beam 5", "bleu_beam5", "{:.2f}"),
    ("test chrF, greedy", "chrf", "{:.1f}"),
    ("test chrF, beam 5", "chrf_beam5", "{:.1f}"),
    ("test BLEU, case kept, beam 5", "bleu_cased_beam5", "{:.2f}"),
    ("outputs with [UNK], beam 5 (%)", "unknown_share_beam5", "{:.1f}"),
]
REQUIRED = [key for _, key, _ in ROWS] + ["by_length"]


def load_every_model(path: str | Path = EVERY_MODEL_FILE) -> dict:
    """The benchmark's report (``settings`` and ``results`` per model), checked to hold every
    model of the table and every figure of its rows."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run benchmarks/benchmark_pipelines.py --models "
            "onehot,scalable,attention,transformer and copy its benchmark.json there."
        )
    report = json.loads(path.read_text(encoding="utf-8"))
    results = report.get("results", {})
    for model in MODELS:
        if model not in results:
            raise ValueError(f"{path} has no results for the {model!r} model.")
        missing = [key for key in REQUIRED if key not in results[model]]
        if missing:
            raise ValueError(f"{path}: the {model!r} results lack {missing}.")
    return report


def _cell(value, style: str) -> str:
    return f"{value / 1e6:,.1f}" if style == "mb" else style.format(value)


def every_model_table(report: dict) -> str:
    """The table as Markdown: a column per model, a row per figure, then BLEU and chrF (greedy)
    by the number of English words, each bucket's sentence count in its label."""
    results = report["results"]
    lines = [
        "| | " + " | ".join(MODELS.values()) + " |",
        "|---|" + "---:|" * len(MODELS),
    ]
    for label, key, style in ROWS:
        cells = [_cell(results[model][key], style) for model in MODELS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    buckets = results["attention"]["by_length"]
    for metric in ("bleu", "chrf"):
        for index, bucket in enumerate(buckets):
            label = f"{metric.replace('bleu', 'BLEU').replace('chrf', 'chrF')}, "
            label += f"{bucket['bucket']} words ({bucket['sentences']})"
            cells = [f"{results[model]['by_length'][index][metric]:.1f}" for model in MODELS]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def how_it_was_run(report: dict) -> str:
    """One sentence saying what the table's run was: pairs, budget, learning rate, test file."""
    settings = report["settings"]
    test = report["results"]["attention"]["by_length"]
    sentences = sum(bucket["sentences"] for bucket in test)
    return (
        f"{settings['pairs']:,} pairs (80% to train, 20% to validate), "
        f"{settings['budget']:.0f} s of training each on 2 CPU cores, vocabularies capped at "
        f"{settings['max_tokens']:,} words, Adam learning rate {settings['learning_rate']} "
        f"({settings['transformer_learning_rate'] or settings['learning_rate']} for the "
        "Transformers; the one-hot LSTM trains the lesson's way, RMSprop, every sentence padded "
        f"to the longest); the subword models read and write {settings['subword_vocabulary']:,} "
        f"SentencePiece pieces per language; scored on {sentences:,} sentences of the test file."
    )
