"""The front page and the pages under docs/: short, every relative link and anchor resolves, the
notebooks table's teaching times agree with the instructors' table, and the results page's
memory-growth and precision tables are what the benchmarks' committed runs say."""

import json
import re
from pathlib import Path

from benchmark_scripts import load_script

from seq2seq_helpers.model_table import load_every_model

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
MAX_README_LINES = 250

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")  # [text](target) and ![alt](target)


def prose(text: str) -> str:
    """The text without fenced code blocks and inline code, where brackets are not links."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    headings = re.findall(r"^#{1,6} (.+)$", prose(path.read_text(encoding="utf-8")), flags=re.M)
    return {anchor(heading) for heading in headings}


def broken_links(path: Path) -> list[str]:
    """Each relative link of a Markdown file whose file (or heading) does not exist, with why."""
    broken = []
    for target in LINK.findall(prose(path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):  # https:, mailto: ... not checked (the course is offline)
            continue
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no file {linked}")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target}: no heading with the id {fragment!r} in {linked.name}")
    return broken


def test_the_front_page_is_short():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_README_LINES, (
        f"README.md has {lines} lines, more than {MAX_README_LINES}: move results to "
        "docs/results.md and the why of the code to docs/design.md, and link to them"
    )


def test_every_relative_link_resolves():
    assert len(PAGES) >= 3, "README.md, docs/results.md and docs/design.md"
    for page in PAGES:
        assert not broken_links(page), f"{page.name}: {broken_links(page)}"


def test_a_broken_link_or_anchor_is_named(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## Its section: one\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\nSee [other](other.md), [its section](other.md#its-section-one), [top](#page),\n"
        "[web](https://example.org), `[code](missing.md)`, then [gone](gone.md),\n"
        "[wrong](other.md#no-such-section) and [here](#nowhere).\n"
    )
    assert broken_links(page) == [
        f"gone.md: no file {tmp_path / 'gone.md'}",
        "other.md#no-such-section: no heading with the id 'no-such-section' in other.md",
        "#nowhere: no heading with the id 'nowhere' in page.md",
    ]


def test_no_token_is_taken_for_an_html_tag():
    # GitHub drops an unknown tag such as <START> written outside code: the reader sees ''.
    for page in PAGES:
        tags = re.findall(r"<[A-Za-z/][^>\n]*>", prose(page.read_text(encoding="utf-8")))
        assert not tags, f"{page.name}: put {tags} in backticks"


def table_rows(section: str) -> dict[str, list[str]]:
    """The rows of the README section that starts with this heading, by two-digit notebook."""
    text = README.read_text(encoding="utf-8")
    part = text[text.index(section) :]
    part = part[: part.index("\n## ", 3)]
    rows = {}
    for line in part.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        number = re.match(r"`?(\d\d)", cells[0])
        if line.startswith("|") and number:
            rows[number.group(1)] = cells
    return rows


def test_the_notebooks_table_shows_the_instructors_teaching_times():
    notebooks = table_rows("## The notebooks")
    instructors = table_rows("## For instructors")
    assert (
        len(notebooks) == len(instructors) == len(list(ROOT.glob("notebooks/[0-9][0-9]_*.ipynb")))
    )
    for number, cells in instructors.items():
        minutes, _, sessions = cells[1].partition(":")  # '61 min: 2 sessions (28 + 33)'
        sessions = sessions.split("(")[0].strip()
        expected = f"{minutes}, {sessions}" if sessions else minutes
        assert notebooks[number][-1] == expected, f"notebook {number}'s teaching time"


def test_the_memory_growth_table_is_the_committed_runs():
    growth = load_every_model()["memory_growth"]
    rows = [
        f"| {row['pairs']:,} | {row['one_hot_bytes'] / 1e6:,.1f} | {row['integer_bytes'] / 1e6:.2f} |"
        for row in growth
    ]
    table = "| pairs | one-hot arrays (MB) | integer arrays (MB) |\n|---:|---:|---:|\n"
    assert table + "\n".join(rows) + "\n" in (ROOT / "docs" / "results.md").read_text("utf-8")


def test_the_precision_table_is_the_committed_runs():
    """docs/results.md shows benchmarks/precision.json as the benchmark prints it."""
    report = json.loads((ROOT / "benchmarks" / "precision.json").read_text(encoding="utf-8"))
    table = load_script("benchmark_precision").markdown_table(report)
    assert table + "\n" in (ROOT / "docs" / "results.md").read_text("utf-8")
    models = report["models"]
    bfloat16 = max(models[name]["bfloat16"]["speed_up"] for name in models)
    readme = README.read_text(encoding="utf-8")
    assert f"attention LSTM {models['attention']['XLA']['speed_up']:.2f}× faster" in readme
    assert f"bfloat16 (at most {bfloat16:.2f}×)" in readme
    assert f"XLA for the Transformer ({models['transformer']['XLA']['speed_up']:.2f}×)" in readme
