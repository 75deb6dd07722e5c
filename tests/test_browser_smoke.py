"""A real-browser smoke test: JupyterLab on localhost, notebook 01 run in headless Chromium.

Uses Debian's chromium (``apt-get install chromium``; ``python3 course.py test`` installs it when
it can) driven by Playwright through its executable path, so no browser is downloaded. The
screenshot is saved to seq2seq_browser/notebook01.png in the system's temporary folder (a test
run writes nothing into build/).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = Path(tempfile.gettempdir()) / "seq2seq_browser" / "notebook01.png"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("SEQ2SEQ_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail(
            "Chromium not found: install Debian's package (apt-get install chromium) or set "
            "SEQ2SEQ_CHROMIUM to a Chromium executable. python3 course.py test installs it "
            "automatically when run as root on Debian."
        )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a free localhost port, serving a folder with a copy of notebook 01:
    (its address, its token, the folder)."""
    shutil.copy(ROOT / "notebooks" / "01_preprocessing.ipynb", tmp_path)
    port, token = free_port(), secrets.token_hex(16)
    # Render every cell (no windowing), so every prompt and output is in the page to check.
    settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env = dict(
        os.environ,
        SEQ2SEQ_FAST="1",
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--notebook-dir={tmp_path}",
            "--ServerApp.open_browser=False",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"JupyterLab did not start: {server.stderr.read()[-2000:]}")
            time.sleep(0.5)
    yield base, token, tmp_path
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def open_and_run_all(page, base: str, token: str, name: str, screenshot: Path) -> None:
    """Open notebook ``name`` in JupyterLab and Run All Cells as a learner would; wait until every
    cell has run, or fail with the screenshot and the errors shown."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"{base}/lab/tree/{name}?token={token}")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    # JupyterLab may ask which kernel to start: take the notebook's own (Python 3).
    select_kernel = page.get_by_role("button", name="Select", exact=True)
    try:
        select_kernel.click(timeout=15_000)
    except PlaywrightTimeout:
        pass  # the kernel started without asking
    # Wait until the kernel is ready, then Run > Run All Cells.
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
    total = prompts.count()
    deadline = time.monotonic() + 120
    while True:
        texts = prompts.all_inner_texts()
        done = sum(1 for text in texts if text.strip("[]: \n").isdigit())
        if done == total:
            return
        if time.monotonic() > deadline:
            failed = screenshot.with_name(screenshot.stem + "-failed.png")
            page.screenshot(path=str(failed))
            outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
            errors = [text[:1500] for text in outputs if "Error" in text]
            pytest.fail(
                f"only {done} of {total} cells finished; see the screenshot {failed}. "
                f"Errors shown: {errors}"
            )
        time.sleep(1)


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )


def test_notebook_01_runs_in_jupyterlab_in_a_real_browser(jupyterlab):
    from playwright.sync_api import sync_playwright

    base, token, _ = jupyterlab
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_and_run_all(page, base, token, "01_preprocessing.ipynb", SCREENSHOT)
            assert page.locator(".jp-CodeCell .jp-InputPrompt").count() > 10
            outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
            assert any("pairs, for example" in text for text in outputs)
            assert page.locator(".jp-OutputArea-output img").count() >= 1  # the plot
            errors = [text for text in outputs if "Traceback" in text or "Error" in text]
            assert not errors, errors[0][:2000]
            page.screenshot(path=str(SCREENSHOT), full_page=False)
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000


BOX_CELLS = [
    "import sys\nsys.path.insert(0, {tests!r})  # the tests' tiny models",
    "from tiny_models import train_tiny_scalable\n"
    "from seq2seq_helpers.translate_box import translate_box\n"
    "translator = train_tiny_scalable('attention', epochs=20)",
    "translate_box(translator)",
]


def test_the_translate_and_look_box_answers_what_is_typed(jupyterlab):
    """Notebook 11's box, live: type a sentence, press Enter, the translation and the heatmap
    appear under it."""
    import nbformat
    from playwright.sync_api import sync_playwright

    base, token, folder = jupyterlab
    cells = [c.format(tests=str(ROOT / "tests")) for c in BOX_CELLS]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / "box.ipynb")
    screenshot = SCREENSHOT.with_name("translate_box.png")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_and_run_all(page, base, token, "box.ipynb", screenshot)
            field = page.locator(".widget-text input").first
            field.wait_for(timeout=60_000)
            field.fill("I see the dog.")
            field.press("Enter")
            page.get_by_text("→", exact=False).first.wait_for(timeout=60_000)
            page.locator(".jp-OutputArea-output img").first.wait_for(timeout=60_000)
            page.screenshot(path=str(screenshot), full_page=False)
            shown = " ".join(page.locator(".jp-OutputArea-output").all_inner_texts())
            assert "I see the dog.\n→ " in shown, shown[-1000:]
            assert "Traceback" not in shown
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
