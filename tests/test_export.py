"""`python3 course.py export` writes HTML copies and reveal.js slides that need no network, into
the folder --out names; a test run leaves the repository's build/ as it was."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from seq2seq_helpers.export_cleanup import TENSORFLOW_STARTUP_NOISE, is_startup_noise

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The notebooks as committed (no outputs), exported into a temporary folder."""
    out = tmp_path_factory.mktemp("export")
    export("--no-execute", "--out", str(out))
    return out


def test_every_notebook_exports_to_offline_html_and_slides(exported):
    for notebook in NOTEBOOKS:
        html = (exported / "html" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        slides = (exported / "slides" / f"{notebook.stem}.slides.html").read_text(encoding="utf-8")
        for page in (html, slides):
            assert not REMOTE.search(page), REMOTE.search(page).group(0)
        assert '<script src="reveal.js/dist/reveal.js"></script>' in slides
        assert "<section" in slides and '<aside class="notes">' in slides  # speaker notes
        assert "Instructor notes" in slides and "Instructor notes" not in html  # learners: none
    assert (exported / "slides" / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (exported / "slides" / "reveal.js" / "plugin" / "notes" / "notes.js").is_file()


def test_executed_export_embeds_the_plots(tmp_path):
    export("--fast", "--out", str(tmp_path), "notebooks/01_preprocessing.ipynb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["executed", "html", "slides"]
    html = (tmp_path / "html" / "01_preprocessing.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html  # the plot travels inside the page
    assert "pairs, for example" in html  # outputs are there
    assert not REMOTE.search(html)
    # No TensorFlow start-up messages, neither in the page nor in the executed copy.
    for noise in TENSORFLOW_STARTUP_NOISE:
        assert not noise.search(html), noise.pattern
    executed = nbformat.read(tmp_path / "executed" / "01_preprocessing.ipynb", as_version=4)
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                assert output["text"], "an empty stream output was left behind"
                assert not any(is_startup_noise(line) for line in output["text"].splitlines())


def test_exported_page_of_a_tensorflow_notebook_is_clean(tmp_path):
    """Notebook 05 imports TensorFlow and draws two progress bars (10 sentences each in fast
    mode): its page shows no start-up noise and each bar once, in its final state."""
    export("--fast", "--out", str(tmp_path), "notebooks/05_inference_and_decoding.ipynb")
    html = (tmp_path / "html" / "05_inference_and_decoding.html").read_text(encoding="utf-8")
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


def test_exported_slides_have_no_empty_slide(exported):
    for notebook in NOTEBOOKS:
        page = (exported / "slides" / f"{notebook.stem}.slides.html").read_text(encoding="utf-8")
        sections = slide_sections(page)
        assert len(sections) >= 5, notebook.name
        for number, section in enumerate(sections, start=1):
            assert visible_text(section), f"{notebook.name}: slide {number} shows only a heading"


@pytest.mark.last  # conftest.py runs it after every other test
def test_the_test_run_left_build_as_it_was(build_changes_since_start):
    """What an instructor prepared in build/ (course.py run or export, the evening before) is
    still there byte for byte: tests write only into temporary folders."""
    changes = build_changes_since_start()
    assert not changes, "the test run changed build/:\n" + "\n".join(changes[:20])


def test_the_build_watch_sees_a_changed_byte(tmp_path):
    from conftest import fingerprint_changes, folder_fingerprint

    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "01.html").write_bytes(b"<p>full mode</p>")
    before = folder_fingerprint(tmp_path)
    assert fingerprint_changes(before, folder_fingerprint(tmp_path)) == []
    (tmp_path / "html" / "01.html").write_bytes(b"<p>fast mode</p>")
    (tmp_path / "slides").mkdir()
    assert fingerprint_changes(before, folder_fingerprint(tmp_path)) == [
        "changed: html/01.html",
        "added: slides",
    ]
