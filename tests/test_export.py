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
        assert "Instructor notes" in slides and "Instructor notes" not in html  # learners: none
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


def test_exported_page_of_a_tensorflow_notebook_is_clean():
    """Notebook 05 imports TensorFlow and draws two progress bars (10 sentences each in fast
    mode): its page shows no start-up noise and each bar once, in its final state."""
    export("--fast", "notebooks/05_inference_and_decoding.ipynb")
    html = (BUILD / "html" / "05_inference_and_decoding.html").read_text(encoding="utf-8")
    for noise in TENSORFLOW_STARTUP_NOISE:
        assert not noise.search(html), noise.pattern
    states = re.findall(r"(\d+)/10</span>", html)
    assert states == ["10", "10"], states  # two bars, no intermediate redraws
    assert "translating: trained on" in html and "translating: never seen" in html


def slide_sections(page: str) -> list[str]:
    """The innermost <section> blocks of a reveal.js page, speaker notes removed."""
    body = page[page.find('<div class="slides">') :]
    blocks = re.findall(r"<section>((?:(?!<section>).)*?)</section>", body, flags=re.S)
    return [re.sub(r'<aside class="notes">.*?</aside>', "", block, flags=re.S) for block in blocks]


def visible_text(html: str) -> str:
    html = re.sub(r"<h[12][^>]*>.*?</h[12]>", "", html, flags=re.S)  # a heading alone is empty
    return re.sub(r"<[^>]+>|¶|In\s*\[\s*\]:", " ", html).strip()


def test_exported_slides_have_no_empty_slide():
    # test_every_notebook_exports_to_offline_html_and_slides (above) wrote build/slides/
    if not (BUILD / "slides" / f"{NOTEBOOKS[0].stem}.slides.html").is_file():
        export("--no-execute")
    for notebook in NOTEBOOKS:
        page = (BUILD / "slides" / f"{notebook.stem}.slides.html").read_text(encoding="utf-8")
        sections = slide_sections(page)
        assert len(sections) >= 5, notebook.name
        for number, section in enumerate(sections, start=1):
            assert visible_text(section), f"{notebook.name}: slide {number} shows only a heading"
