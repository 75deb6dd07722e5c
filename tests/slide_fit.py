"""Do the exported reveal.js slides fit? Open each deck in headless Chromium, show every fragment
of every slide and sub-slide, and report any slide whose content is taller than the slide and any
line of code or output cut at the right edge.

Used by tests/test_slides_fit.py, and on its own to check decks you exported yourself:

    python3 course.py export --fast --out /tmp/decks      # or full mode, or --no-execute
    .venv/bin/python tests/slide_fit.py /tmp/decks/slides/*.slides.html

It prints one line per problem (nothing but a summary when every slide fits) and exits with 1
when something overflows. The browser is Debian's chromium (or SEQ2SEQ_CHROMIUM), driven by
Playwright, with the viewport below; reveal.js scales its configured slide size (960 x 700) into it.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions"]

# Runs in the page once reveal.js is ready: visit every slide, show all its fragments, measure.
# Heights are in the slide's own pixels (reveal.js scales the whole slide with a transform, which
# scrollHeight and clientWidth do not see).
MEASURE = """
async () => {
  await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
  Reveal.configure({ transition: "none", backgroundTransition: "none" });
  const { width, height } = Reveal.getConfig();
  const context = document.createElement("canvas").getContext("2d");
  const titleOf = (section) => {
    const heading = section.querySelector("h1, h2, h3, h4");
    return heading ? heading.textContent.replace("¶", "").trim() : "";
  };
  const results = [];
  for (const slide of Reveal.getSlides()) {
    const { h, v } = Reveal.getIndices(slide);
    Reveal.slide(h, v);
    slide.querySelectorAll(".fragment").forEach((f) => f.classList.add("visible"));
    Reveal.layout();
    let title = titleOf(slide);
    const stack = slide.parentElement.closest("section");
    if (!title && stack) {
      const first = stack.querySelector(":scope > section");
      title = `${titleOf(first) || "untitled"} (sub-slide ${v + 1})`;
    } else if (stack && v > 0) {
      title = `${title} (sub-slide ${v + 1})`;
    }
    const cut = [];
    for (const pre of slide.querySelectorAll("pre")) {
      if (pre.closest("aside.notes") || pre.scrollWidth <= pre.clientWidth + 1) continue;
      const style = getComputedStyle(pre);
      context.font = `${style.fontSize} ${style.fontFamily}`;
      const room = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const lines = pre.textContent.split("\\n");
      const widths = lines.map((line) => context.measureText(line).width);
      let over = lines.filter((line, i) => widths[i] > room);
      if (over.length === 0) over = [lines[widths.indexOf(Math.max(...widths))]];
      cut.push(...over.map((line) => ({ line, overflow: pre.scrollWidth - pre.clientWidth })));
    }
    // An output (a table, say) wider than the slide scrolls sideways: cut as well. A cell's
    // outputs taller than their box scroll: worth a note, not a problem.
    const scrolled = [];
    for (const output of slide.querySelectorAll(".jp-OutputArea-output")) {
      if (output.closest("aside.notes")) continue;
      const cell = output.closest(".jp-Cell").id.replace("cell-id=", "");
      const inner = [...output.querySelectorAll("pre")];
      if (output.scrollWidth > output.clientWidth + 1
          && !inner.some((pre) => pre.scrollWidth > pre.clientWidth + 1)) {
        const line = output.innerText.trim().split("\\n")[0];
        cut.push({ line: `(output of ${cell}) ${line}`, overflow: output.scrollWidth - output.clientWidth });
      }
    }
    for (const area of slide.querySelectorAll(".jp-OutputArea")) {
      if (area.closest("aside.notes") || area.scrollHeight <= area.clientHeight + 1) continue;
      const cell = area.closest(".jp-Cell").id.replace("cell-id=", "");
      scrolled.push({ cell, height: area.scrollHeight, shown: area.clientHeight });
    }
    const scale = Reveal.getScale();
    const top = slide.getBoundingClientRect().top;
    const cells = [...slide.querySelectorAll(".jp-Cell")]
      .filter((cell) => !cell.closest("aside.notes"))
      .map((cell) => {
        const box = cell.getBoundingClientRect();
        return {
          id: cell.id.replace("cell-id=", ""),
          top: Math.round((box.top - top) / scale),
          bottom: Math.round((box.bottom - top) / scale),
        };
      });
    results.push({
      h, v, title, cells, scrolled,
      height: slide.scrollHeight,
      width: slide.scrollWidth,
      slideHeight: height,
      slideWidth: width,
      cut,
    });
  }
  return results;
}
"""


@dataclass
class Problem:
    deck: str  # the deck's file name
    slide: str  # "2.3 <title>": horizontal and vertical position (from 1) and the slide's title
    what: str

    def __str__(self) -> str:
        return f"{self.deck}, slide {self.slide}: {self.what}"


def too_tall(slide: dict) -> str:
    """What overflows at the bottom of a measured slide, and where a sub-slide could start."""
    height, room = slide["height"], slide["slideHeight"]
    message = f"content is {height} px tall, {height - room} px more than the slide's {room} px"
    below = [cell for cell in slide["cells"] if cell["bottom"] > room]
    if not below:
        return message
    first = below[0]
    if first is slide["cells"][0] or first["top"] <= 0:
        return (
            f"{message}; its first cell {first['id']} alone is too tall: shorten it or its output"
        )
    return (
        f"{message}; the cells from {first['id']} on (top at {first['top']} px) end below it: "
        f"make {first['id']} or a cell above it a sub-slide"
    )


def chromium_path() -> str | None:
    return os.environ.get("SEQ2SEQ_CHROMIUM") or shutil.which("chromium")


def chromium_or_say_how() -> str | None:
    """chromium_path(), or None after telling the user how to get a Chromium (for the scripts)."""
    chromium = chromium_path()
    if chromium and not Path(chromium).is_file():
        print(f"SEQ2SEQ_CHROMIUM is {chromium!r}, which is not a file.", file=sys.stderr)
        return None
    if not chromium:
        print(
            "Chromium not found: apt-get install chromium, or set SEQ2SEQ_CHROMIUM.",
            file=sys.stderr,
        )
    return chromium


def measure_deck(page, deck: Path) -> tuple[int, list[Problem], list[Problem]]:
    """(number of slides, problems, notes) of one exported deck, in an open Playwright page.
    The notes list the outputs taller than their box on the slide (they scroll): not a
    problem, but worth knowing when presenting."""
    page.goto(deck.resolve().as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
    slides = page.evaluate(MEASURE)
    problems, notes = [], []
    for slide in slides:
        where = f"{slide['h'] + 1}.{slide['v'] + 1} {slide['title']!r}"
        for output in slide["scrolled"]:
            notes.append(
                Problem(
                    deck.name,
                    where,
                    f"the output of {output['cell']} scrolls: {output['height']} px in a "
                    f"{output['shown']} px box",
                )
            )
        if slide["height"] > slide["slideHeight"]:
            problems.append(Problem(deck.name, where, too_tall(slide)))
        for cut in slide["cut"]:
            problems.append(
                Problem(
                    deck.name,
                    where,
                    f"a line is cut {cut['overflow']} px at the right edge: {cut['line'][:100]!r}",
                )
            )
    return len(slides), problems, notes


def measure_decks(decks: list[Path], chromium: str) -> tuple[int, list[Problem], list[Problem]]:
    """(number of slides, problems, notes) of the decks; see measure_deck."""
    from playwright.sync_api import sync_playwright

    total, problems, notes = 0, [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport=VIEWPORT)
            for deck in decks:
                count, found, noted = measure_deck(page, deck)
                total += count
                problems += found
                notes += noted
        finally:
            browser.close()
    return total, problems, notes


def main(arguments: list[str]) -> int:
    decks = [Path(argument) for argument in arguments]
    missing = [str(deck) for deck in decks if not deck.is_file()]
    if not decks or missing:
        print(
            f"Give exported decks (*.slides.html) to check; not found: {missing}"
            if missing
            else __doc__,
            file=sys.stderr,
        )
        return 2
    chromium = chromium_or_say_how()
    if not chromium:
        return 2
    total, problems, notes = measure_decks(decks, chromium)
    for note in notes:
        print(f"note: {note}")
    for problem in problems:
        print(problem)
    print(f"{len(decks)} decks, {total} slides: {len(problems)} problems.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
