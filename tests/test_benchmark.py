"""The benchmark is a script, not a test: this only checks that it runs and reports every figure."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "benchmark_pipelines.py"


def test_benchmark_runs_end_to_end_on_a_tiny_setting(tmp_path):
    command = [
        sys.executable,
        str(SCRIPT),
        "--pairs",
        "120",
        "--held-out",
        "20",
        "--max-epochs",
        "1",
        "--latent-dim",
        "16",
        "--growth",
        "60,120,99999",
        "--out",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "training-array memory (MB)" in result.stdout and "held-out chrF" in result.stdout
    assert "(the data has only 3651 pairs)" in result.stdout
    report = json.loads((tmp_path / "benchmark.json").read_text())
    for pipeline in ("lesson", "scalable"):
        figures = report["results"][pipeline]
        assert {
            "training_array_bytes",
            "peak_memory_mb",
            "samples_per_second",
            "decode_ms_per_sentence",
            "val_token_accuracy",
            "bleu",
            "chrf",
        } <= set(figures)
    lesson, scalable = report["results"]["lesson"], report["results"]["scalable"]
    assert scalable["training_array_bytes"] * 50 < lesson["training_array_bytes"]
    assert [row["pairs"] for row in report["memory_growth"]] == [60, 120]
    assert (tmp_path / "memory_growth.png").stat().st_size > 0


def test_benchmark_rejects_more_pairs_than_the_data_has(tmp_path):
    command = [sys.executable, str(SCRIPT), "--pairs", "5000", "--out", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "needs 5300 pairs; the data has 3651" in result.stdout + result.stderr


def test_sweep_reports_speed_per_pair_count_and_skips_what_would_not_fit(tmp_path):
    command = [
        sys.executable, str(SCRIPT), "--sweep", "--growth", "60,3000", "--latent-dim", "8",
        "--one-hot-limit-mb", "20", "--out", str(tmp_path),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads((tmp_path / "sweep.json").read_text())["rows"]
    assert [row["pairs"] for row in rows] == [60, 3000]
    assert rows[0]["lesson"]["samples_per_second"] > 0
    assert rows[1]["lesson"] is None and rows[1]["one_hot_bytes"] > 20e6  # reported, not run
    assert rows[1]["scalable"]["decode_ms_per_sentence"] > 0
    assert "(not run)" in result.stdout
