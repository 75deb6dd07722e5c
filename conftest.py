"""Shared test setup (tests/ and notebooks/): quiet TensorFlow, fast mode, throw-away folders for
saved models, the notebooks' outputs kept for the slides test, and a watch on build/."""

import atexit
import copy
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
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


# --- Notebooks as nbval executed them --------------------------------------------------------
# tests/test_slides_fit.py needs the cells' outputs (printed tables and plots are most of a
# slide's height). Executing the notebooks a second time would cost minutes, so the outputs nbval
# already received (IPyNbCell.test_outputs, one list per code cell) are written into executed
# copies of notebooks/NN_*.ipynb in a throw-away folder, and the tests marked after_notebooks run
# once every notebook cell has.

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "build"
_EXECUTED = pytest.StashKey[dict]()  # notebook file name -> its executed copy (a Path)
_EXECUTED_FOLDER = pytest.StashKey[Path]()  # where the executed copies are written
_COLLECTED = pytest.StashKey[set]()  # file names of the notebooks collected in this session
_OUTPUTS = pytest.StashKey[dict]()  # notebook path -> {cell index: outputs} while it runs
_BUILD_AT_START = pytest.StashKey[dict]()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "after_notebooks: run after every notebook cell (uses their outputs)"
    )
    config.addinivalue_line("markers", "last: run at the very end (checks what the run did)")
    config.stash[_EXECUTED] = {}
    config.stash[_COLLECTED] = set()
    config.stash[_OUTPUTS] = {}


def _is_lesson_notebook_cell(item) -> bool:
    """A cell nbval runs from notebooks/NN_*.ipynb (not a solution notebook)."""
    path = Path(str(getattr(item, "path", "")))
    return (
        path.suffix == ".ipynb"
        and path.parent == ROOT / "notebooks"
        and hasattr(item, "cell")
        and hasattr(item.parent, "nb")
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked after_notebooks go after every notebook cell, tests marked last at the end."""
    config.stash[_COLLECTED] = {
        Path(str(item.path)).name for item in items if _is_lesson_notebook_cell(item)
    }

    def rank(item):
        if item.get_closest_marker("last"):
            return 2
        return 1 if item.get_closest_marker("after_notebooks") else 0

    items[:] = sorted(items, key=rank)  # sorted() is stable: the order within each group stays


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield
    if _is_lesson_notebook_cell(item) and item.test_outputs is not None:
        cells = item.parent.nb.cells
        index = next(number for number, cell in enumerate(cells) if cell is item.cell)
        record = item.config.stash[_OUTPUTS].setdefault(str(item.path), {})
        record[index] = [nbformat.from_dict(dict(output)) for output in item.test_outputs]


def pytest_runtest_teardown(item, nextitem):
    """After a notebook's last cell: write its executed copy."""
    if not _is_lesson_notebook_cell(item):
        return
    if nextitem is not None and getattr(nextitem, "parent", None) is item.parent:
        return
    record = item.config.stash[_OUTPUTS].pop(str(item.path), {})
    notebook = copy.deepcopy(item.parent.nb)
    for count, (index, outputs) in enumerate(sorted(record.items()), start=1):
        notebook.cells[index].outputs = outputs
        notebook.cells[index].execution_count = count
        for output in outputs:
            if output.output_type == "execute_result":
                output.execution_count = count
    if _EXECUTED_FOLDER not in item.config.stash:
        item.config.stash[_EXECUTED_FOLDER] = Path(_throw_away_folder("seq2seq_nbval_executed_"))
    path = item.config.stash[_EXECUTED_FOLDER] / Path(str(item.path)).name
    nbformat.write(notebook, path)
    item.config.stash[_EXECUTED][path.name] = path


@pytest.fixture(scope="session")
def notebooks_executed_by_nbval(request) -> tuple[set, dict]:
    """(file names of the lesson notebooks collected in this session, {file name: executed copy}
    for those nbval has run so far, with the outputs it received)."""
    return request.config.stash[_COLLECTED], dict(request.config.stash[_EXECUTED])


# --- A test run leaves build/ as it was ------------------------------------------------------
# build/ holds what an instructor prepared (course.py run / export, maybe the evening before);
# tests write only into temporary folders. tests/test_export.py compares build/ at the end of the
# run with this fingerprint from its start.


def folder_fingerprint(folder: Path) -> dict[str, str]:
    """{path relative to folder: sha256 of the file, or "folder"} for everything under it."""
    fingerprint = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            fingerprint[relative] = f"link to {os.readlink(path)}"
        elif path.is_dir():
            fingerprint[relative] = "folder"
        else:
            fingerprint[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return fingerprint


def fingerprint_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What differs between two fingerprints, one line per path."""
    changes = []
    for path in sorted(before.keys() | after.keys()):
        if path not in after:
            changes.append(f"removed: {path}")
        elif path not in before:
            changes.append(f"added: {path}")
        elif before[path] != after[path]:
            changes.append(f"changed: {path}")
    return changes


def pytest_sessionstart(session):
    session.config.stash[_BUILD_AT_START] = folder_fingerprint(BUILD)


@pytest.fixture(scope="session")
def build_changes_since_start(request):
    """A function listing what changed in build/ since the test session started."""
    return lambda: fingerprint_changes(
        request.config.stash[_BUILD_AT_START], folder_fingerprint(BUILD)
    )
