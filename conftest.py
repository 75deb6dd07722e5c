"""Shared test setup (tests/ and notebooks/): quiet TensorFlow, fast mode, and throw-away
folders for saved models."""

import atexit
import os
import shutil
import tempfile

import pytest

# Before TensorFlow is imported anywhere (the notebook kernels inherit these too).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# oneDNN off under test only. With it on (TensorFlow's default, what learners run), TensorFlow
# warns at start-up that its custom operations may give "slightly different numerical results
# due to floating-point round-off errors from different computation orders"; the tests compare
# runs that must agree to the last digits (beam width 1 and greedy, a model before and after
# saving, two devices and one), so they run with the one order. The suite does not run a
# notebook with oneDNN on: a notebook assert must never depend on the last digits.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("SEQ2SEQ_FAST", "1")
# Tests and notebooks run under test never touch a learner's saved_models/ folder.
os.environ.setdefault("SEQ2SEQ_SAVED_MODELS", tempfile.mkdtemp(prefix="seq2seq_saved_"))


def _throw_away_folder(prefix: str) -> str:
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


_NOTEBOOK_SAVE_DIRS: dict[str, str] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Give every notebook its own empty saved-models folder before its kernel starts, so no
    notebook under test reads what another one saved (each must work from a fresh start)."""
    path = str(getattr(item, "path", ""))
    if path.endswith(".ipynb") and path not in _NOTEBOOK_SAVE_DIRS:
        _NOTEBOOK_SAVE_DIRS[path] = _throw_away_folder("seq2seq_notebook_")
        os.environ["SEQ2SEQ_SAVED_MODELS"] = _NOTEBOOK_SAVE_DIRS[path]
