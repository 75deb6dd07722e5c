"""The subword vocabulary-size benchmark's table, read from its committed run.

Introduced in notebooks/11_subwords.ipynb (section 6). ``benchmarks/benchmark_pipelines.py
--subword-sizes 1000,2000,4000,8000`` trains the subword attention LSTM once per vocabulary size,
with the same pairs and time budget, and writes ``subword_sizes.json``: ``settings`` (the
command's options) and ``rows``, one per size, with ``vocabulary_size``, ``bleu``,
``bleu_beam5``, ``chrf_beam5``, ``epochs_trained``, ``parameters`` and ``samples_per_second``.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS_FILE = Path(__file__).resolve().parent.parent / "benchmarks" / "subword_sizes.json"
COLUMNS = (  # (key in a row, column heading, format)
    ("vocabulary_size", "pieces per language", "{:,}"),
    ("parameters", "parameters", "{:,}"),
    ("epochs_trained", "epochs", "{}"),
    ("samples_per_second", "samples/s", "{:,.0f}"),
    ("bleu", "BLEU (greedy)", "{:.2f}"),
    ("bleu_beam5", "BLEU (beam 5)", "{:.2f}"),
    ("chrf_beam5", "chrF (beam 5)", "{:.1f}"),
)
# The options of the command worth showing, as the benchmark's argparse names them.
SHOWN_OPTIONS = (
    "pairs", "held_out", "budget", "max_epochs", "patience", "latent_dim", "scalable_batch",
    "learning_rate",
)  # fmt: skip


def load_subword_sizes(path: str | Path = RESULTS_FILE) -> dict | None:
    """The benchmark's report, or None when the file is not there (the run not committed yet).
    A file without ``settings`` and ``rows``, or a row without the table's keys, is a
    ValueError naming what is missing."""
    path = Path(path)
    if not path.exists():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(report, dict) or not {"settings", "rows"} <= set(report):
        raise ValueError(f"{path} must hold 'settings' and 'rows' (benchmark_pipelines.py's).")
    for number, row in enumerate(report["rows"], start=1):
        missing = [key for key, _, _ in COLUMNS if key not in row]
        if missing:
            raise ValueError(
                f"{path}: row {number} has no {', '.join(missing)}; rerun the benchmark."
            )
    return report


def subword_size_command(report: dict) -> str:
    """The command that made ``report``, with the options that shape the comparison."""
    settings = report["settings"]
    sizes = ",".join(str(row["vocabulary_size"]) for row in report["rows"])
    options = [
        f"--{name.replace('_', '-')} {settings[name]}"
        for name in SHOWN_OPTIONS
        if settings.get(name) is not None
    ]
    return " ".join(
        ["python benchmarks/benchmark_pipelines.py", *options, "--subword-sizes", sizes]
    )


def subword_size_table(report: dict) -> str:
    """A Markdown table, a row per vocabulary size, smallest first."""
    rows = sorted(report["rows"], key=lambda row: row["vocabulary_size"])
    lines = [
        "| " + " | ".join(heading for _, heading, _ in COLUMNS) + " |",
        "|" + "---:|" * len(COLUMNS),
    ]
    for row in rows:
        lines.append("| " + " | ".join(form.format(row[key]) for key, _, form in COLUMNS) + " |")
    return "\n".join(lines)
