"""Split slides that do not fit into sub-slides: mark cells of notebooks/NN_*.ipynb as 'subslide'
until every slide of their exported decks fits (what tests/test_slides_fit.py checks).

    python3 course.py run --fast --out /tmp/run                  # executed copies, outputs and all
    .venv/bin/python tests/split_slides.py /tmp/run/executed     # or: ... /tmp/run/executed 07 09
    git diff notebooks/                                          # review every split it made

Each round exports the executed copies (with the notebooks' current slide metadata) into a
temporary folder, measures every slide in Chromium (tests/slide_fit.py) and, on each slide that is
too tall, gives one cell the slide type 'subslide': the last cell that still starts on the slide,
preferring a text cell (a step's explanation starts the new sub-slide) and, on a section's first
slide, a cell after its speaker notes; then it measures again. Nothing but
``metadata.slideshow.slide_type`` changes, from 'fragment' or '-' to 'subslide'. A slide whose
first cell alone is too tall cannot be split: it is reported, for a shorter cell or output.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from slide_fit import CHROMIUM_ARGS, MEASURE, VIEWPORT, chromium_or_say_how

ROOT = Path(__file__).resolve().parent.parent
SPLITTABLE = {"fragment", "-"}


def kind(cell: dict) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, notebook: dict) -> None:
    """The notebooks' own format (nbformat's: one-space indent, UTF-8, final newline)."""
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def export_decks(sources: list[Path], executed: Path, work: Path) -> list[Path]:
    """The executed copies, with the sources' slide metadata, exported to work/slides/."""
    copies = work / "executed"
    copies.mkdir(parents=True, exist_ok=True)
    for source in sources:
        slide_types = {
            cell["id"]: cell["metadata"].get("slideshow") for cell in read(source)["cells"]
        }
        copy = read(executed / source.name)
        for cell in copy["cells"]:
            if slide_types.get(cell.get("id")) is not None:
                cell["metadata"]["slideshow"] = slide_types[cell["id"]]
        write(copies / source.name, copy)
    command = [sys.executable, ROOT / "course.py", "export", "--no-execute", "--out", work]
    result = subprocess.run(
        [str(part) for part in command + [copies / source.name for source in sources]],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode != 0:
        sys.exit(f"course.py export failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return [work / "slides" / f"{source.stem}.slides.html" for source in sources]


def notes_index(cells: list[dict], start: int) -> int | None:
    """Index of the speaker-notes cell in the group that starts at ``start``, if any."""
    for index in range(start + 1, len(cells)):
        if kind(cells[index]) in {"slide", "subslide"}:
            return None
        if kind(cells[index]) == "notes":
            return index
    return None


def choose_split(slide: dict, cells: list[dict]) -> dict | None:
    """The cell to start a sub-slide at, for a measured slide that is too tall (None: cannot)."""
    position = {cell["id"]: index for index, cell in enumerate(cells)}
    shown = slide["cells"]
    candidates = [
        measured
        for measured in shown[1:]
        if 0 < measured["top"] <= slide["slideHeight"]
        and kind(cells[position[measured["id"]]]) in SPLITTABLE
    ]
    first = cells[position[shown[0]["id"]]]
    if kind(first) == "slide":
        notes = notes_index(cells, position[first["id"]])
        after_notes = [m for m in candidates if notes is not None and position[m["id"]] > notes]
        candidates = after_notes or candidates
    text = [m for m in candidates if cells[position[m["id"]]]["cell_type"] == "markdown"]
    if text:
        return cells[position[text[-1]["id"]]]
    # A code cell, if possible not the one right after the text that explains it.
    order = [m["id"] for m in shown]
    apart = [
        m
        for m in candidates
        if cells[position[order[order.index(m["id"]) - 1]]]["cell_type"] != "markdown"
    ]
    pool = apart or candidates
    return cells[position[pool[-1]["id"]]] if pool else None


def split_round(sources: list[Path], executed: Path, chromium: str) -> tuple[int, list[str]]:
    """One round: (number of cells made sub-slides, slides that cannot be split)."""
    from playwright.sync_api import sync_playwright

    changed, stuck = 0, []
    with tempfile.TemporaryDirectory(prefix="seq2seq_split_") as work:
        decks = export_decks(sources, executed, Path(work))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport=VIEWPORT)
            for source, deck in zip(sources, decks):
                page.goto(deck.as_uri())
                page.wait_for_function("() => window.Reveal && Reveal.isReady()")
                notebook = read(source)
                for slide in page.evaluate(MEASURE):
                    if slide["height"] <= slide["slideHeight"]:
                        continue
                    cell = choose_split(slide, notebook["cells"])
                    where = f"{source.name}, {slide['title']!r} ({slide['height']} px)"
                    if cell is None:
                        stuck.append(f"{where}: its first cell alone is too tall")
                        continue
                    print(f"{where}: a sub-slide starts at {cell['id']} ({cell['cell_type']})")
                    cell["metadata"].setdefault("slideshow", {})["slide_type"] = "subslide"
                    changed += 1
                write(source, notebook)
            browser.close()
    return changed, stuck


def main(arguments: list[str]) -> int:
    if not arguments or not Path(arguments[0]).is_dir():
        print(__doc__, file=sys.stderr)
        return 2
    executed, only = Path(arguments[0]), arguments[1:]
    sources = [
        path
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        if (executed / path.name).is_file() and (not only or path.name[:2] in only)
    ]
    if not sources:
        print(f"No executed copy of a course notebook in {executed}.", file=sys.stderr)
        return 2
    chromium = chromium_or_say_how()
    if not chromium:
        return 2
    for _ in range(10):
        changed, stuck = split_round(sources, executed, chromium)
        if not changed:
            break
    for line in stuck:
        print(f"cannot split: {line}")
    return 1 if stuck else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
