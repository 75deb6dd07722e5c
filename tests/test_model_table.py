"""The table of every model: read from the benchmark's committed run, and the README shows
exactly what the notebook shows."""

import json
from pathlib import Path

import pytest

from seq2seq_helpers.model_table import (
    EVERY_MODEL_FILE,
    MODELS,
    ROWS,
    every_model_table,
    how_it_was_run,
    load_every_model,
)

README = Path(__file__).resolve().parent.parent / "docs" / "results.md"


def test_the_committed_run_has_every_model_and_figure():
    report = load_every_model()
    assert set(MODELS) <= set(report["results"])
    assert report["settings"]["budget"] > 0  # one time budget for every model
    for name in MODELS:
        buckets = report["results"][name]["by_length"]
        assert sum(bucket["sentences"] for bucket in buckets) == report["settings"]["held_out"]


def test_the_readme_shows_the_committed_table_and_how_it_was_run():
    report = load_every_model()
    readme = README.read_text(encoding="utf-8")
    assert every_model_table(report) in readme
    assert how_it_was_run(report) in readme


def test_the_table_has_a_column_per_model_and_a_row_per_figure():
    report = load_every_model()
    lines = every_model_table(report).splitlines()
    buckets = len(report["results"]["attention"]["by_length"])
    assert len(lines) == 2 + len(ROWS) + 2 * buckets
    assert all(line.count("|") == len(MODELS) + 2 for line in lines)
    assert "| parameters |" in lines[2]


def test_a_missing_or_incomplete_run_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmark_pipelines.py --models"):
        load_every_model(tmp_path / "none.json")
    report = json.loads(EVERY_MODEL_FILE.read_text(encoding="utf-8"))
    del report["results"]["transformer"]
    (tmp_path / "partial.json").write_text(json.dumps(report))
    with pytest.raises(ValueError, match="no results for the 'transformer' model"):
        load_every_model(tmp_path / "partial.json")
    report = json.loads(EVERY_MODEL_FILE.read_text(encoding="utf-8"))
    del report["results"]["onehot"]["bleu_beam5"]
    (tmp_path / "short.json").write_text(json.dumps(report))
    with pytest.raises(ValueError, match="lack \\['bleu_beam5'\\]"):
        load_every_model(tmp_path / "short.json")


def test_the_readmes_reading_of_the_table_quotes_the_committed_run():
    results = load_every_model()["results"]
    onehot, scalable = results["onehot"], results["scalable"]
    attention, transformer = results["attention"], results["transformer"]
    bucket = {  # BLEU of the shortest and the longest bucket
        name: (results[name]["by_length"][0]["bleu"], results[name]["by_length"][-1]["bleu"])
        for name in ("attention", "transformer")
    }
    speeds = sorted(results[name]["samples_per_second"] for name in MODELS if name != "onehot")
    quoted = [
        f"test BLEU {attention['bleu']:.2f} greedy and {attention['bleu_beam5']:.2f} with beam 5",
        f"{transformer['parameters'] / attention['parameters']:.2f}× the parameters",
        f"{transformer['bleu']:.2f} greedy (**{transformer['bleu'] / attention['bleu']:.2f}×**",
        f"and {transformer['bleu_beam5']:.2f} with beam 5",
        f"(BLEU {bucket['transformer'][0]:.1f} against {bucket['attention'][0]:.1f} on 1–4 words, "
        f"{bucket['transformer'][1]:.1f} against {bucket['attention'][1]:.1f} on 13+)",
        f"reaches {scalable['bleu']:.2f}",
        f"gets {onehot['epochs_trained']}\nepochs",
        f"({onehot['samples_per_second']:.0f} samples/s, against {speeds[0]:.0f}–{speeds[-1]:.0f}",
        f"next to nothing\n({onehot['bleu']:.2f})",
        f"{onehot['training_array_bytes'] / 1e6:,.0f} MB for these pairs, "
        f"{onehot['training_array_bytes'] / scalable['training_array_bytes']:,.0f}× the ids' "
        f"{scalable['training_array_bytes'] / 1e6:.1f} MB",
        f"not matched** ({transformer['bleu'] / attention['bleu']:.2f}×)",
        f"({transformer['samples_per_second'] / attention['samples_per_second']:.2f}×: "
        f"{transformer['samples_per_second']:.0f} against {attention['samples_per_second']:.0f}",
        f"{transformer['decode_ms_per_sentence_beam5']:.2f} beam 5: "
        f"{transformer['decode_ms_per_sentence_beam5'] / transformer['decode_ms_per_sentence']:.1f}×"
        " greedy",
        f"({transformer['decode_ms_per_sentence']:.2f} ms/sentence greedy",
    ]
    readme = " ".join(README.read_text(encoding="utf-8").split())  # line breaks as spaces
    for figure in quoted:
        assert " ".join(figure.split()) in readme, figure
