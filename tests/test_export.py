"""`python3 course.py export` writes HTML copies and reveal.js slides that need no network."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat

from seq2seq_helpers.export_cleanup import TENSORFLOW_STARTUP_NOISE, is_startup_noise

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# A script, stylesheet or image loaded from another host would break offline.
REMOTE = re.compile(r"<(?:script|link|img)\b[^>]*(?:src|href)=\"(?:https?:)?//", re.IGNORECASE)


def export(*arguments):
    result = subprocess.run(
        [sys.executable, str(ROOT / "course.py"), "export", *arguments],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]


def test_every_notebook_exports_to_offline_html_and_slides():
    export("--no-execute")
    for notebook in NOTEBOOKS:
        html = (BUILD / "html" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        slides = (BUILD / "slides" / f"{notebook.stem}.slides.html").read_text(encoding="utf-8")
        for page in (html, slides):
            assert not REMOTE.search(page), REMOTE.search(page).group(0)
        assert '<script src="reveal.js/dist/reveal.js"></script>' in slides
        assert "<section" in slides and '<aside class="notes">' in slides  # speaker notes
    assert (BUILD / "slides" / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (BUILD / "slides" / "reveal.js" / "plugin" / "notes" / "notes.js").is_file()


def test_executed_export_embeds_the_plots():
    export("--fast", "notebooks/01_preprocessing.ipynb")
    html = (BUILD / "html" / "01_preprocessing.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html  # the plot travels inside the page
    assert "pairs, for example" in html  # outputs are there
    assert not REMOTE.search(html)
    # No TensorFlow start-up messages, neither in the page nor in the executed copy.
    for noise in TENSORFLOW_STARTUP_NOISE:
        assert not noise.search(html), noise.pattern
    executed = nbformat.read(BUILD / "executed" / "01_preprocessing.ipynb", as_version=4)
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                assert output["text"], "an empty stream output was left behind"
                assert not any(is_startup_noise(line) for line in output["text"].splitlines())
