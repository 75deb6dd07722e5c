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


def readme_table() -> dict[str, list[str]]:
    """The README's table of every model, read back from its Markdown: row label -> cells."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| | " + " | ".join(MODELS.values()) + " |")
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        label, *cells = (cell.strip() for cell in line.strip("|").split("|"))
        rows[label] = cells
    return rows


def test_every_cell_of_the_readmes_table_is_the_committed_runs_figure():
    """Read independently of every_model_table: the numbers in the README's Markdown, parsed
    back, are the JSON's figures to the digits shown."""
    results = load_every_model()["results"]
    models = list(MODELS)  # the columns, left to right
    rows = readme_table()
    figures = {  # row label -> (figure, scale to the unit shown, decimals shown)
        "parameters": ("parameters", 1, 0),
        "training-array memory (MB)": ("training_array_bytes", 1e-6, 1),
        "training samples/s": ("samples_per_second", 1, 0),
        "epochs in the time budget": ("epochs_trained", 1, 0),
        "wall time to the best val loss (s)": ("seconds_to_best_epoch", 1, 0),
        "greedy ms/sentence": ("decode_ms_per_sentence", 1, 2),
        "beam 5 ms/sentence": ("decode_ms_per_sentence_beam5", 1, 2),
        "test BLEU, greedy": ("bleu", 1, 2),
        "test BLEU, beam 5": ("bleu_beam5", 1, 2),
        "test chrF, greedy": ("chrf", 1, 1),
        "test chrF, beam 5": ("chrf_beam5", 1, 1),
        "test BLEU, case kept, beam 5": ("bleu_cased_beam5", 1, 2),
        "outputs with [UNK], beam 5 (%)": ("unknown_share_beam5", 1, 1),
    }
    checked = 0
    for label, (key, scale, decimals) in figures.items():
        for model, cell in zip(models, rows[label], strict=True):
            shown = float(cell.replace(",", ""))
            assert abs(shown - results[model][key] * scale) <= 0.5 * 10**-decimals, (label, model)
            checked += 1
    for index, bucket in enumerate(results["attention"]["by_length"]):
        for metric, name in (("bleu", "BLEU"), ("chrf", "chrF")):
            label = f"{name}, {bucket['bucket']} words ({bucket['sentences']})"
            for model, cell in zip(models, rows[label], strict=True):
                assert abs(float(cell) - results[model]["by_length"][index][metric]) <= 0.05
                checked += 1
    assert len(rows) * len(models) == checked  # no row of the README left unchecked


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
    speeds = sorted(results[name]["samples_per_second"] for name in MODELS if name != "onehot")
    attention, transformer = results["attention"], results["transformer"]
    pieces, piece_transformer = results["subword_attention"], results["subword_transformer"]
    quoted = [
        f"test BLEU {attention['bleu']:.2f} greedy and {attention['bleu_beam5']:.2f} with beam 5",
        f"reaches {pieces['bleu']:.2f} greedy and {pieces['bleu_beam5']:.2f} with beam 5 "
        f"(**{pieces['bleu_beam5'] / attention['bleu_beam5']:.2f}×**)",
        f"{pieces['parameters'] / attention['parameters']:.2f}× the parameters and no `[UNK]`",
        f"({pieces['unknown_share_beam5']:.1f}%, against {attention['unknown_share_beam5']:.1f}%",
        f"**{pieces['bleu_cased_beam5']:.2f}** against the word model's "
        f"{attention['bleu_cased_beam5']:.2f}",
        f"fitted {pieces['epochs_trained']} epochs in the 200 s against the word model's "
        f"{attention['epochs_trained']}",
        f"reaches {transformer['bleu']:.2f} greedy (**{transformer['bleu'] / attention['bleu']:.2f}×**",
        f"and {transformer['bleu_beam5']:.2f} with beam 5, with "
        f"{transformer['parameters'] / attention['parameters']:.2f}× the parameters",
        f"fitted {piece_transformer['epochs_trained']} epochs and reached "
        f"{piece_transformer['bleu_beam5']:.2f}",
        f"reaches {scalable['bleu']:.2f}",
        f"gets {onehot['epochs_trained']} epochs",
        f"({onehot['samples_per_second']:.0f} samples/s, against {speeds[0]:.0f}–{speeds[-1]:.0f}",
        f"next to nothing ({onehot['bleu']:.2f})",
        f"{onehot['training_array_bytes'] / 1e6:,.0f} MB for these pairs, "
        f"{onehot['training_array_bytes'] / scalable['training_array_bytes']:,.0f}× the ids' "
        f"{scalable['training_array_bytes'] / 1e6:.1f} MB",
        f"not matched** ({transformer['bleu'] / attention['bleu']:.2f}×)",
        f"({transformer['samples_per_second'] / attention['samples_per_second']:.2f}×: "
        f"{transformer['samples_per_second']:.0f} against {attention['samples_per_second']:.0f}",
        f"{transformer['decode_ms_per_sentence']:.2f} ms/sentence greedy and "
        f"{transformer['decode_ms_per_sentence_beam5']:.2f} beam 5",
    ]
    readme = " ".join(README.read_text(encoding="utf-8").split())  # line breaks as spaces
    for figure in quoted:
        assert " ".join(figure.split()) in readme, figure


def test_the_readme_quotes_the_subword_runs():
    """The README's sentence on what subwords buy: the committed 200 s and convergence runs."""
    front = (README.parent.parent / "README.md").read_text(encoding="utf-8")
    converged = json.loads((EVERY_MODEL_FILE.parent / "subword_convergence.json").read_text())
    words, pieces = (converged["results"][k] for k in ("attention", "subword_attention"))
    short = load_every_model()["results"]
    quoted = [
        f"{pieces['bleu_beam5'] / words['bleu_beam5']:.2f}× its word",
        f"({short['subword_attention']['bleu_beam5'] / short['attention']['bleu_beam5']:.2f}× "
        "after 200 s)",
        f"{pieces['bleu_cased_beam5'] / words['bleu_cased_beam5']:.2f}× with case "
        f"({pieces['bleu_cased_beam5']:.2f} against {words['bleu_cased_beam5']:.2f})",
    ]
    text = " ".join(front.split())
    for figure in quoted:
        assert figure in text, figure
