"""The code, tests and notebooks pass ruff's lint rules and are formatted (see pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ruff(*arguments):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *arguments], capture_output=True, text=True, cwd=ROOT
    )


def test_ruff_check():
    result = ruff("check", ".")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]


def test_ruff_format():
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
