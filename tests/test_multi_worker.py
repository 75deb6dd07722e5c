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


# 20 pairs: 16 to train (the last 4 validate), one global batch of 16, 8 on each worker. Plain
# SGD moves the weights in proportion to the gradient, so a gradient that is not the global
# batch's (each worker's own, or the workers' gradients added instead of averaged) shows.
PAIRS, BATCH, LEARNING_RATE = 20, 16, 0.5
SIZES = {"latent_dim": 16, "embedding_dim": 8, "max_tokens": 200}


def test_one_step_of_two_workers_is_one_step_of_one_process_on_the_global_batch(tmp_path):
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
            sys.executable, "-m", "seq2seq_helpers.multi_worker", "--pairs", str(PAIRS),
            "--epochs", "1", "--batch-size", str(BATCH), "--latent-dim", "16",
            "--embedding-dim", "8", "--max-tokens", "200", "--optimizer", "sgd",
            "--learning-rate", str(LEARNING_RATE),
            "--weights-out", str(tmp_path / f"worker{index}.npz"),
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
    # The same step in this one process, on all 16 pairs at once (Keras' fit, one batch).
    single, initial = one_step_in_one_process()
    assert len(single) == len(first.files)
    moved = 0
    for name, after, before in zip(first.files, single, initial):
        np.testing.assert_allclose(first[name], after, atol=2e-6)
        moved += not np.allclose(after, before)
    assert moved >= len(single) - 1, "the step changed (nearly) every weight"


def one_step_in_one_process():
    """The weights after one SGD step of one process on the workers' 16 training pairs, and the
    weights before it (the same seed builds the same model on the workers and here)."""
    import keras

    from seq2seq_helpers.config import DEFAULT_CORPUS
    from seq2seq_helpers.data import load_pairs
    from seq2seq_helpers.scalable_training import train_scalable
    from seq2seq_helpers.text import tokenize

    pairs = load_pairs(DEFAULT_CORPUS, PAIRS)
    lengths = dict(
        max_source_length=max(len(tokenize(source)) for source, _ in pairs),
        max_target_length=max(len(tokenize(target)) for _, target in pairs) + 1,
    )
    runs = []
    for learning_rate in (LEARNING_RATE, 0.0):  # a step of size 0: the initial weights
        keras.utils.set_random_seed(0)
        translator, history = train_scalable(
            pairs, epochs=1, batch_size=BATCH, optimizer=keras.optimizers.SGD(learning_rate),
            bucketing=False, verbose=0, **lengths, **SIZES,
        )  # fmt: skip
        runs.append(translator.model.get_weights())
    return runs


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
