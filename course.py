#!/usr/bin/env python3
"""One entry point for the course: set up, open, execute and test.

    python3 course.py lab     # create .venv, install everything, open the course in JupyterLab
    python3 course.py run     # same install, then execute every notebook headlessly (full mode)
    python3 course.py test    # same install, then unit tests + every notebook via nbval (fast mode)

Only the Python standard library is used here, so it runs on a machine that has nothing but
Python 3.10+ and pip. The virtual environment lives in .venv/ and is reused; it is reinstalled
when requirements.txt or pyproject.toml change.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
NOTEBOOK_CELL_TIMEOUT = 300  # seconds; a hung cell fails instead of eating CI's time budget


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(command: list, env: dict | None = None) -> int:
    print("+", " ".join(str(part) for part in command), flush=True)
    return subprocess.call([str(part) for part in command], cwd=ROOT, env=env)


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> Path:
    """Create .venv and install the requirements and the helper package, unless up to date."""
    if sys.version_info < (3, 10):
        sys.exit(f"Python 3.10 or newer is needed; this is {sys.version.split()[0]}.")
    python = venv_python()
    fingerprint = install_fingerprint()
    if python.exists() and STAMP.exists() and STAMP.read_text() == fingerprint:
        return python
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        if run([sys.executable, "-m", "venv", VENV]) != 0:
            sys.exit("Could not create the virtual environment (is the venv module installed?).")
    print("Installing the course's packages (the first time takes a few minutes) ...", flush=True)
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if run([*pip, "-r", "requirements.txt", "-e", "."]) != 0:
        sys.exit("Installing the requirements failed; see pip's message above.")
    STAMP.write_text(fingerprint)
    return python


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def command_lab(python: Path, _args: argparse.Namespace) -> int:
    return run([python, "-m", "jupyter", "lab", "--notebook-dir", NOTEBOOKS])


def command_run(python: Path, args: argparse.Namespace) -> int:
    """Execute every notebook into build/executed/ (the sources are never modified)."""
    env = dict(os.environ, SEQ2SEQ_FAST="1" if args.fast else "0")
    out_dir = BUILD / "executed"
    for notebook in notebook_paths():
        code = run(
            [
                python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                f"--ExecutePreprocessor.timeout={args.timeout}",
                "--output-dir", out_dir, notebook,
            ],
            env=env,
        )
        if code != 0:
            print(f"{notebook.name} failed; see the error above.", file=sys.stderr)
            return code
    print(f"Executed notebooks are in {out_dir}")
    return 0


def command_test(python: Path, args: argparse.Namespace) -> int:
    env = dict(
        os.environ,
        SEQ2SEQ_FAST="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        SEQ2SEQ_SAVED_MODELS=tempfile.mkdtemp(prefix="seq2seq_saved_"),
    )
    code = run(
        [
            python, "-m", "pytest", "tests", "notebooks",
            "--nbval-lax", "--nbval-current-env",
            f"--nbval-cell-timeout={NOTEBOOK_CELL_TIMEOUT}",
            "--durations=10", *args.pytest_args,
        ],
        env=env,
    )
    if code == 5:
        print("pytest collected no tests: that is a failure, not a pass.", file=sys.stderr)
        return 1
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("lab", help="install, then open the course in JupyterLab")
    run_parser = commands.add_parser("run", help="install, then execute all notebooks headlessly")
    run_parser.add_argument("--fast", action="store_true", help="fast mode instead of full mode")
    run_parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    test_parser = commands.add_parser("test", help="install, then run every test")
    test_parser.add_argument("pytest_args", nargs="*", help="extra arguments passed to pytest")
    args = parser.parse_args()
    python = ensure_environment()
    handler = {"lab": command_lab, "run": command_run, "test": command_test}[args.command]
    return handler(python, args)


if __name__ == "__main__":
    sys.exit(main())
