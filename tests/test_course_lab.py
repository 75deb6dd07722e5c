"""course.py's first impression: `course.py lab` opens the first lesson, without JupyterLab's
"Would you like to get notified about official Jupyter news?" prompt. No server is started."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NEWS_PLUGIN = "@jupyterlab/apputils-extension:notification"


@pytest.fixture(scope="module")
def course():
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_override_names_a_real_jupyterlab_setting(course):
    """The plugin id, key and value must exist in the installed JupyterLab's schema, or JupyterLab
    would ignore the override and still ask."""
    from jupyterlab.commands import get_app_dir

    schema_file = Path(get_app_dir()) / "schemas" / "@jupyterlab" / "apputils-extension"
    schema = json.loads((schema_file / "notification.json").read_text(encoding="utf-8"))
    (plugin, settings), *others = course.LAB_SETTINGS_OVERRIDES.items()
    assert plugin == NEWS_PLUGIN and not others
    allowed = {choice["const"] for choice in schema["properties"]["fetchNews"]["oneOf"]}
    assert settings == {"fetchNews": "false"} and "false" in allowed
    # ... and the folder written to is the one this environment's JupyterLab reads (LabApp's
    # app_settings_dir is <app_dir>/settings) when it runs from .venv.
    if Path(sys.prefix).resolve() == course.VENV.resolve():
        assert course.lab_settings_dir().resolve() == (Path(get_app_dir()) / "settings").resolve()


def test_overrides_are_written_into_an_empty_settings_folder(course, tmp_path):
    path = course.write_lab_overrides(tmp_path / "settings")
    assert path == tmp_path / "settings" / "overrides.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {NEWS_PLUGIN: {"fetchNews": "false"}}


def test_overrides_keep_what_is_already_there_and_are_idempotent(course, tmp_path):
    existing = {
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        NEWS_PLUGIN: {"doNotDisturbMode": True, "fetchNews": "none"},
    }
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps(existing), encoding="utf-8")
    course.write_lab_overrides(tmp_path)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written == {
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        NEWS_PLUGIN: {"doNotDisturbMode": True, "fetchNews": "false"},
    }
    before = path.stat().st_mtime_ns, path.read_text(encoding="utf-8")
    course.write_lab_overrides(tmp_path)  # a second `course.py lab` changes nothing
    assert (path.stat().st_mtime_ns, path.read_text(encoding="utf-8")) == before


def test_an_unreadable_overrides_file_is_left_alone(course, tmp_path):
    path = tmp_path / "overrides.json"
    path.write_text("{ not json", encoding="utf-8")
    course.write_lab_overrides(tmp_path)
    assert path.read_text(encoding="utf-8") == "{ not json"


def test_lab_opens_the_first_notebook_and_serves_the_notebooks_folder(course):
    command = [str(part) for part in course.lab_command(Path("/venv/bin/python"))]
    assert command[:4] == ["/venv/bin/python", "-m", "jupyter", "lab"]
    notebook_dir = command[command.index("--notebook-dir") + 1]
    assert Path(notebook_dir) == ROOT / "notebooks"
    # A file argument is what JupyterLab opens first; it must lie inside --notebook-dir.
    assert command[-1] == str(ROOT / "notebooks" / "01_preprocessing.ipynb")
    assert Path(command[-1]).is_file()
    assert Path(command[-1]).parent == Path(notebook_dir)


def test_run_and_export_kernels_are_quiet_and_outputs_cleaned(course, monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    env = course.kernel_environment(fast=True)
    assert env["TF_CPP_MIN_LOG_LEVEL"] in {"2", "3"}
    assert "TF_ENABLE_ONEDNN_OPTS" not in env  # oneDNN stays on: faster on CPU
    assert (
        env["SEQ2SEQ_FAST"] == "1" and course.kernel_environment(fast=False)["SEQ2SEQ_FAST"] == "0"
    )
    command = [
        str(part) for part in course.execute_command(Path("py"), Path("n.ipynb"), Path("o"), 9)
    ]
    assert "--execute" in command
    assert (
        "--Exporter.preprocessors=seq2seq_helpers.export_cleanup.CleanOutputsPreprocessor"
        in command
    )
