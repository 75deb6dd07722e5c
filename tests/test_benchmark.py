"""The benchmark is a script, not a test: this only checks that it runs and reports every figure."""

import json
import subprocess
import sys
from pathlib import Path

from seq2seq_helpers.config import DEFAULT_CORPUS
from seq2seq_helpers.data import load_pairs

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "benchmark_pipelines.py"
CORPUS_PAIRS = len(load_pairs(DEFAULT_CORPUS))


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
        "--max-length",
        "8",
        "--growth",
        "60,120,99999",
        "--budget",
        "300",  # (never reached in one epoch: the time-budget path, without the wait)
        "--learning-rate",
        "0.003",
        "--models",
        "lesson,onehot,scalable,attention,transformer",
        "--model-dim",
        "16",
        "--ff-dim",
        "32",
        "--layers",
        "1",
        "--transformer-learning-rate",
        "0.001",
        "--out",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "training-array memory (MB)" in result.stdout and "test chrF" in result.stdout
    assert "quality on 20 pairs of" in result.stdout and "eng_spa_test.tsv" in result.stdout
    short = len(load_pairs(DEFAULT_CORPUS, max_length=8))
    assert f"(the data has only {short} pairs)" in result.stdout
    report = json.loads((tmp_path / "benchmark.json").read_text())
    assert "beam 5 ms/sentence" in result.stdout and "chrF, 1-4 words" in result.stdout
    assert "attention: beam 5 takes" in result.stdout
    assert "300 s of training each, Adam learning rate 0.003 (0.001 for the Transformer)" in (
        result.stdout
    )
    assert "transformer/attention: parameters" in result.stdout
    assert "attention/scalable: parameters" in result.stdout  # the same arrays: no memory ratio
    for pipeline in ("lesson", "onehot", "scalable", "attention", "transformer"):
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
    # The one-hot LSTM fed from ids is charged the one-hot arrays the lesson's way would hold.
    assert (
        scalable["training_array_bytes"] * 50 < report["results"]["onehot"]["training_array_bytes"]
    )
    transformer = report["results"]["transformer"]
    assert 0 < transformer["parameters"] < scalable["parameters"]  # 16 wide, one layer
    assert transformer["decode_ms_per_sentence_beam5"] > 0
    attention = report["results"]["attention"]
    assert 0 <= attention["bleu_beam5"] <= 100 and attention["decode_ms_per_sentence_beam5"] > 0
    assert sum(row["sentences"] for row in attention["by_length"]) == 20
    assert [row["pairs"] for row in report["memory_growth"]] == [60, 120]
    assert (tmp_path / "memory_growth.png").stat().st_size > 0


def test_benchmark_rejects_more_pairs_than_the_data_has(tmp_path):
    command = [sys.executable, str(SCRIPT), "--pairs", "99999", "--out", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert f"needs 99999 pairs; the data has {CORPUS_PAIRS}" in result.stdout + result.stderr


def test_learning_curve_scores_each_size_on_the_test_file(tmp_path):
    command = [
        sys.executable, str(SCRIPT), "--learning-curve", "40,80", "--held-out", "15",
        "--max-epochs", "1", "--latent-dim", "8", "--max-tokens", "300", "--out", str(tmp_path),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    points = json.loads((tmp_path / "learning_curve.json").read_text())["points"]
    assert [p["pairs"] for p in points] == [40, 80]
    assert all(0 <= p["bleu"] <= 100 and 0 <= p["chrf"] <= 100 for p in points)
    assert (tmp_path / "learning_curve.png").stat().st_size > 0


def test_sweep_reports_speed_per_pair_count_and_skips_what_would_not_fit(tmp_path):
    command = [
        sys.executable, str(SCRIPT), "--sweep", "--growth", "60,3000", "--latent-dim", "8",
        "--max-length", "8",
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


SCALING_SCRIPT = SCRIPT.parent / "benchmark_scaling.py"


def test_scaling_benchmark_runs_and_reports_every_figure(tmp_path):
    command = [
        sys.executable, str(SCALING_SCRIPT), "--pairs", "200", "--latent-dim", "16",
        "--embedding-dim", "8", "--max-tokens", "150", "--warmup", "1", "--steps", "2",
        "--rounds", "1", "--minutes", "0.05", "--out", str(tmp_path),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    for heading in ("1. padding share", "2. training speed", "3. greedy decoding", "4. quality"):
        assert heading in result.stdout
    report = json.loads((tmp_path / "scaling.json").read_text())
    assert report["padding_share"]["bucketed"] < report["padding_share"]["plain"]
    assert len(report["training_speed"]) == 8
    assert all(row["samples_per_second"] > 0 for row in report["training_speed"])
    assert all(0 < row["softmax_share_of_arithmetic"] < 1 for row in report["training_speed"])
    assert report["decoding"]["different_outputs"] == 0
    assert len(report["quality"]) == 2 and report["matmul_gflops_per_second"] > 0


def test_scaling_benchmark_rejects_more_pairs_than_the_data_has(tmp_path):
    command = [sys.executable, str(SCALING_SCRIPT), "--pairs", "999999", "--out", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "--pairs 999999 is more than" in result.stderr


PROFILE_SCRIPT = SCRIPT.parent / "profile_steps.py"


def test_the_step_profile_runs_and_prints_every_model(tmp_path):
    command = [sys.executable, str(PROFILE_SCRIPT), "--batch", "4", "--lengths", "3,5"]
    command += ["--vocabulary", "50", "--steps", "1", "--warmup", "1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("embeddings + softmax only (128 wide)", "LSTM + attention", "Transformer"):
        assert name in result.stdout
    assert "3 tokens" in result.stdout and "5 tokens" in result.stdout
    bad = subprocess.run(
        [sys.executable, str(PROFILE_SCRIPT), "--lengths", "0"], capture_output=True, text=True
    )
    assert bad.returncode != 0 and "must be positive" in bad.stderr
