"""subword_sizes reads the vocabulary-size benchmark's report (a fixture in its format here)."""

import json

import pytest

from seq2seq_helpers.subword_sizes import (
    load_subword_sizes,
    subword_size_command,
    subword_size_table,
)

ROW = dict(
    bleu=10.0, chrf=30.0, exact_match=1.0, bleu_beam5=11.5, chrf_beam5=31.25,
    exact_match_beam5=1.0, parameters=1234567, epochs_trained=7, samples_per_second=812.4,
)  # fmt: skip
REPORT = {
    "settings": {
        "pairs": None,
        "budget": 200,
        "held_out": 0,
        "learning_rate": 0.003,
        "worker": None,
        "subword_sizes": "8000,1000",
    },  # fmt: skip
    "rows": [dict(ROW, vocabulary_size=8000), dict(ROW, vocabulary_size=1000, bleu=9.0)],
}


def test_the_table_has_a_row_per_size_smallest_first(tmp_path):
    path = tmp_path / "subword_sizes.json"
    path.write_text(json.dumps(REPORT))
    table = subword_size_table(load_subword_sizes(path))
    lines = table.splitlines()
    assert len(lines) == 4 and lines[0].startswith("| pieces per language |")
    assert lines[2].startswith("| 1,000 | 1,234,567 | 7 | 812 | 9.00 | 11.50 | 31.2")
    assert lines[3].startswith("| 8,000 |")


def test_the_command_names_the_sizes_and_the_options_that_were_set():
    command = subword_size_command(REPORT)
    assert command.endswith("--subword-sizes 8000,1000")
    assert "--budget 200" in command and "--held-out 0" in command and "--pairs" not in command
    assert "--learning-rate 0.003" in command and "--worker" not in command


def test_a_missing_file_is_none_and_a_broken_one_is_named(tmp_path):
    assert load_subword_sizes(tmp_path / "nothing.json") is None
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"rows": []}))
    with pytest.raises(ValueError, match="must hold 'settings' and 'rows'"):
        load_subword_sizes(path)
    path.write_text(json.dumps({"settings": {}, "rows": [{"vocabulary_size": 1000}]}))
    with pytest.raises(ValueError, match="row 1 has no parameters"):
        load_subword_sizes(path)
