"""Every exported slide fits: in Chromium at 1280 x 800, with every fragment shown, no slide or
sub-slide is taller than reveal.js' slide and no line of code or output is cut at the right edge.

The slides are exported (``course.py export --no-execute --out <temporary folder>``) from the
executed copies conftest.py writes with the outputs nbval received while it ran the notebooks in
this session (fast mode), so this test runs after the notebooks and costs no second execution.
Run on its own, with no notebook collected, it is skipped; to check decks you exported yourself
(full mode, say) use ``tests/slide_fit.py`` (see its docstring).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from slide_fit import chromium_path, measure_decks
from test_export import REMOTE

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

pytestmark = pytest.mark.after_notebooks


def test_every_exported_slide_fits(notebooks_executed_by_nbval, tmp_path):
    collected, executed = notebooks_executed_by_nbval
    if not collected:
        pytest.skip(
            "no notebook ran in this session: run this test together with notebooks/ (as "
            "`python3 course.py test` does), or check exported decks with tests/slide_fit.py"
        )
    missing = sorted(collected - executed.keys())
    assert not missing, f"nbval collected these notebooks but left no executed copy: {missing}"
    chromium = chromium_path()
    if not chromium:
        pytest.fail("Chromium not found: apt-get install chromium, or set SEQ2SEQ_CHROMIUM.")
    result = subprocess.run(
        [sys.executable, str(ROOT / "course.py"), "export", "--no-execute", "--out", str(tmp_path)]
        + [str(executed[name]) for name in sorted(executed)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    decks = [tmp_path / "slides" / f"{Path(name).stem}.slides.html" for name in sorted(executed)]
    for deck in decks:
        page = deck.read_text(encoding="utf-8")
        assert not REMOTE.search(page), f"{deck.name} loads {REMOTE.search(page).group(0)}"
    total, problems, _ = measure_decks(decks, chromium)
    assert total >= 5 * len(decks)  # every deck was measured, slide by slide
    if problems:
        pytest.fail(
            f"{len(problems)} problems on {total} slides of {len(decks)} decks (fast-mode "
            "outputs; give a cell the slide type 'subslide' where a message says):\n"
            + "\n".join(str(problem) for problem in problems),
            pytrace=False,
        )
