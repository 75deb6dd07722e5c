"""Fast-mode switch and project folders.

Introduced in every notebook's setup cell. ``SEQ2SEQ_FAST=1`` (set by ``python course.py test``)
shrinks data and epochs so a notebook runs in seconds; without it the notebooks run in full mode.
"""

from __future__ import annotations

import os
from pathlib import Path

FAST_ENV_VAR = "SEQ2SEQ_FAST"
SAVED_MODELS_ENV_VAR = "SEQ2SEQ_SAVED_MODELS"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_CORPUS = DATA_DIR / "eng_spa_course.tsv"
# Never trained or validated on: every quality figure of the course is measured on it.
DEFAULT_TEST_CORPUS = DATA_DIR / "eng_spa_test.tsv"

_TRUE_WORDS = {"1", "true", "yes", "on"}
_FALSE_WORDS = {"", "0", "false", "no", "off"}


def is_fast_mode() -> bool:
    """Return True when the ``SEQ2SEQ_FAST`` environment variable asks for fast mode.

    Accepts 1/true/yes/on and 0/false/no/off (any case); anything else is a ValueError, so a
    typo never silently starts a 15-minute full-mode run.
    """
    value = os.environ.get(FAST_ENV_VAR, "").strip().lower()
    if value in _TRUE_WORDS:
        return True
    if value in _FALSE_WORDS:
        return False
    raise ValueError(
        f"{FAST_ENV_VAR}={value!r} is not understood: use 1 for fast mode or 0 for full mode."
    )


def saved_models_dir() -> Path:
    """Folder where notebooks save trained models (gitignored).

    ``SEQ2SEQ_SAVED_MODELS`` overrides it; the test command points it at a temporary folder so
    that running the tests never touches a learner's own saved models.
    """
    override = os.environ.get(SAVED_MODELS_ENV_VAR)
    return Path(override) if override else PROJECT_ROOT / "saved_models"
