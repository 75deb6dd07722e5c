"""The README's multi-worker recipe, run for real: two workers on 127.0.0.1 train one model."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from seq2seq_helpers.config import PROJECT_ROOT
from seq2seq_helpers.multi_worker import worker_index


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_workers_train_one_model_with_identical_weights(tmp_path):
    ports = [free_port(), free_port()]
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    workers = []
    for index in range(2):
        env = dict(
            os.environ,
            TF_CPP_MIN_LOG_LEVEL="2",
            TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}),
        )
        command = [
            sys.executable, "-m", "seq2seq_helpers.multi_worker", "--pairs", "96",
            "--epochs", "1", "--batch-size", "16", "--latent-dim", "16", "--embedding-dim", "8",
            "--max-tokens", "200", "--weights-out", str(tmp_path / f"worker{index}.npz"),
        ]  # fmt: skip
        workers.append(
            subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outputs = []
    try:
        for worker in workers:
            outputs.append(worker.communicate(timeout=240))
    finally:
        for worker in workers:
            worker.kill()
    for worker, (stdout, stderr) in zip(workers, outputs):
        assert worker.returncode == 0, stderr[-3000:]
    assert "worker 0 of 2" in outputs[0][0] and "worker 1 of 2" in outputs[1][0]
    assert "Epoch 1/1" in outputs[0][0], "the chief reports the epoch"
    first, second = (np.load(tmp_path / f"worker{index}.npz") for index in range(2))
    assert first.files == second.files and len(first.files) > 0
    for name in first.files:
        np.testing.assert_array_equal(first[name], second[name])


def test_worker_index_explains_a_missing_or_broken_tf_config(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(SystemExit, match="TF_CONFIG is not set"):
        worker_index()
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(SystemExit, match="not valid"):
        worker_index()
    monkeypatch.setenv(
        "TF_CONFIG", json.dumps({"cluster": {"worker": ["a:1"]}, "task": {"index": 3}})
    )
    with pytest.raises(SystemExit, match="not in 0..0"):
        worker_index()
    monkeypatch.setenv(
        "TF_CONFIG", json.dumps({"cluster": {"worker": ["a:1"]}, "task": {"index": 0}})
    )
    assert worker_index() == 0
