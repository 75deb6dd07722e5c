"""Instructor notes kept out of the learners' notebooks, and the instructor copies made from them.

Each learner notebook ``notebooks/NN_name.ipynb`` has its notes in ``notebooks/instructor/NN_name.md``,
Markdown an instructor reads and edits. A note is anchored to the id of the learner-notebook cell
it follows and carries the minutes it takes in class:

    ## Note after `cell-05` · 3 min

    > ## 1. Reading the sentence pairs

    Before running, ask: what separates English from Spanish on a line ...

The ``>`` line shows the first line of the anchor cell (rewritten by ``extract``; the id decides).
A notebook that needs more than one 50-minute session says where the next one starts:

    ## Second session starts before `cell-23`

``build`` writes instructor copies: the learner notebook with every note put back after its anchor
as a ``notes`` cell (RISE and the exported slides' speaker view show them) and a visible marker
where a session starts. ``extract`` moves the notes cells still found in a learner notebook into its
notes file (new notes are added, a note whose text changed is updated, none is duplicated).

Standard library only: ``course.py`` imports it outside the virtual environment.

    python -m seq2seq_helpers.instructor_notes extract [NOTEBOOK ...]
    python -m seq2seq_helpers.instructor_notes build [--out DIR] [--overwrite] [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NOTES_DIR = NOTEBOOKS / "instructor"
DEFAULT_OUT = ROOT / "build" / "instructor"
SESSION_MINUTES = 50  # one teaching session
WRITTEN_RECORD = ".written.json"  # what `build` last wrote, to notice an instructor's edits
NOTE_PREFIX = re.compile(r"^\s*\*\*Instructor notes?\.?\*\*\.?\s*", re.IGNORECASE)
LEADING_MINUTES = re.compile(r"^~?(\d+) min\.\s+")  # "~3 min. Ask ..." -> 3, sentence dropped
ANY_MINUTES = re.compile(r"~(\d+) min\b")  # "~10 min, mostly while ..." -> 10, text kept
NOTE_HEADING = re.compile(r"^## Note after `([^`]+)`(?: · (\d+|\?) min)?\s*$")
SESSION_HEADING = re.compile(r"^## Second session starts before `([^`]+)`\s*$")
EXTRACTED = re.compile(r"^<!-- extracted: ([0-9a-f]+) -->\s*$")
CONFLICT = "<!-- CONFLICT"


@dataclass
class Entry:
    """One note (``kind == "note"``) or one session start (``kind == "session"``)."""

    kind: str
    anchor: str
    body: str = ""
    minutes: int | None = None
    hint: str = ""
    extracted: str = ""  # digest of the notes cell text it was extracted from ("" if written here)


@dataclass
class NotesFile:
    title: str
    preamble: str = ""
    entries: list[Entry] = field(default_factory=list)

    @property
    def notes(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind == "note"]


def notes_path(notebook: Path, notes_dir: Path = NOTES_DIR) -> Path:
    return Path(notes_dir) / (Path(notebook).stem + ".md")


def digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


# --- reading and writing notes files ---------------------------------------------------------


def parse_notes(text: str, where: str = "notes file") -> NotesFile:
    """Read a notes file. Raises ValueError naming the line that cannot be read."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        raise ValueError(f"{where}: the first line must be a title ('# Instructor notes: ...').")
    notes = NotesFile(title=lines[0][2:].strip())
    preamble: list[str] = []
    bodies: list[list[str]] = []  # the lines under each entry's heading
    for number, line in enumerate(lines[1:], start=2):
        note, session = NOTE_HEADING.match(line), SESSION_HEADING.match(line)
        if note or session:
            entry = Entry("note" if note else "session", (note or session).group(1))
            if note and note.group(2) not in (None, "?"):
                entry.minutes = int(note.group(2))
            notes.entries.append(entry)
            bodies.append([])
        elif line.startswith("## ") and line[3:].lower().startswith(("note", "second session")):
            raise ValueError(
                f"{where}, line {number}: {line!r} is not a note heading; write "
                "'## Note after `CELL-ID` · N min' or '## Second session starts before `CELL-ID`'."
            )
        else:
            (bodies[-1] if bodies else preamble).append(line)
    notes.preamble = "\n".join(preamble).strip()
    for entry, body in zip(notes.entries, bodies):
        while body and not body[0].strip():
            body.pop(0)
        if body and body[0].startswith("> "):
            entry.hint = body.pop(0)[2:].strip()
        kept = []
        for line in body:
            found = EXTRACTED.match(line)
            if found:
                entry.extracted = found.group(1)
            else:
                kept.append(line)
        entry.body = "\n".join(kept).strip()
    return notes


def render_notes(notes: NotesFile) -> str:
    parts = [f"# {notes.title}"]
    if notes.preamble:
        parts.append(notes.preamble)
    for entry in notes.entries:
        if entry.kind == "note":
            minutes = "?" if entry.minutes is None else entry.minutes
            block = [f"## Note after `{entry.anchor}` · {minutes} min"]
        else:
            block = [f"## Second session starts before `{entry.anchor}`"]
        if entry.hint:
            block.append(f"> {entry.hint}")
        if entry.body:
            block.append(entry.body)
        if entry.extracted:
            block.append(f"<!-- extracted: {entry.extracted} -->")
        parts.append("\n\n".join(block))
    return "\n\n".join(parts) + "\n"


def read_notes(path: Path) -> NotesFile:
    path = Path(path)
    if not path.is_file():
        return NotesFile(title=f"Instructor notes: {path.stem}.ipynb", preamble=DEFAULT_PREAMBLE)
    return parse_notes(path.read_text(encoding="utf-8"), str(path))


DEFAULT_PREAMBLE = (
    "Speaker notes for the notebook of the same name, kept out of the learners' copy. "
    "`python3 course.py instructor` puts each note back after the cell it names (the `>` line "
    "shows that cell's first line) into an instructor copy in `build/instructor/`. Edit the text "
    "and the minutes freely; keep each heading's cell id. The notebook's teaching time is the sum "
    "of the minutes (README, *For instructors*)."
)


# --- notebooks -------------------------------------------------------------------------------


def read_notebook(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_notebook(notebook: dict, path: Path) -> None:
    """The course's formatting: indent 1, UTF-8 as is, a final newline."""
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def slide_type(cell: dict) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def is_note_cell(cell: dict) -> bool:
    return slide_type(cell) == "notes" or "instructor notes" in source(cell).lower()


def first_line(cell: dict, width: int = 90) -> str:
    line = next((text for text in source(cell).splitlines() if text.strip()), "(empty cell)")
    return line if len(line) <= width else line[: width - 1] + "…"


def cell_ids(notebook: dict) -> dict[str, int]:
    return {cell.get("id"): index for index, cell in enumerate(notebook["cells"])}


def missing_anchors(notes: NotesFile, notebook: dict) -> list[str]:
    ids = cell_ids(notebook)
    return [entry.anchor for entry in notes.entries if entry.anchor not in ids]


# --- teaching time ---------------------------------------------------------------------------


def session_minutes(notes: NotesFile) -> list[int]:
    """Minutes per session, in order (a note without minutes counts 0: tests forbid it)."""
    sessions = [0]
    for entry in notes.entries:
        if entry.kind == "session":
            sessions.append(0)
        else:
            sessions[-1] += entry.minutes or 0
    return sessions


def teaching_minutes(notes: NotesFile) -> int:
    return sum(session_minutes(notes))


def teaching_time_text(notes: NotesFile) -> str:
    """What the README's instructor table shows: '45 min' or '80 min: 2 sessions (45 + 35)'."""
    sessions = session_minutes(notes)
    if len(sessions) == 1:
        return f"{sessions[0]} min"
    return f"{sum(sessions)} min: {len(sessions)} sessions ({' + '.join(map(str, sessions))})"


# --- extract: notes cells -> notes file ------------------------------------------------------


def split_note(text: str) -> tuple[str, int | None]:
    """A notes cell's text without its 'Instructor notes.' label, and its minutes if it says."""
    body = NOTE_PREFIX.sub("", text).strip()
    leading = LEADING_MINUTES.match(body)
    if leading:
        return body[leading.end() :].strip(), int(leading.group(1))
    found = ANY_MINUTES.search(body)
    return body, int(found.group(1)) if found else None


def extract(notebook_path: Path, notes_file: Path | None = None) -> list[str]:
    """Move the notes cells of ``notebook_path`` into its notes file; return what happened.

    Idempotent. A cell whose text is already in the file (as extracted, or as the note reads
    now) is only removed. A changed cell updates the note it was extracted from, unless that
    note was edited in the file too: then both texts are kept under a CONFLICT line to resolve
    by hand. Anything else becomes a new note after the same cell.
    """
    notebook_path = Path(notebook_path)
    notes_file = Path(notes_file or notes_path(notebook_path))
    notebook = read_notebook(notebook_path)
    notes = read_notes(notes_file)
    found: list[tuple[str, str]] = []  # (anchor, cell text)
    kept_cells, anchor = [], None
    for cell in notebook["cells"]:
        if is_note_cell(cell):
            if anchor is None:
                raise ValueError(
                    f"{notebook_path.name}: a notes cell at the very top follows no cell; "
                    "move it below the title cell."
                )
            found.append((anchor, source(cell)))
        else:
            if not cell.get("id"):
                raise ValueError(
                    f"{notebook_path.name}: cell {len(kept_cells)} has no id; notes are "
                    "anchored to ids (open and save the notebook in JupyterLab to add them)."
                )
            anchor = cell["id"]
            kept_cells.append(cell)
    report = []
    incoming_digests = {(a, digest(split_note(text)[0])) for a, text in found}
    for anchor, text in found:
        body, minutes = split_note(text)
        key = digest(body)
        if any(key in (e.extracted, digest(e.body)) for e in notes.notes):
            continue  # already in the notes file
        at_anchor = [e for e in notes.notes if e.anchor == anchor]
        replaced = [
            e for e in at_anchor if e.extracted and (anchor, e.extracted) not in incoming_digests
        ]
        if replaced:
            entry = replaced[0]
            if digest(entry.body) == entry.extracted:  # not edited in the file: take the new text
                entry.body, entry.extracted = body, key
                entry.minutes = minutes if minutes is not None else entry.minutes
                report.append(f"updated the note after {anchor}")
            else:
                entry.body += (
                    f"\n\n{CONFLICT}: the notebook's notes cell changed too; its text follows. "
                    f"Keep one version and delete this line. -->\n\n{body}"
                )
                entry.extracted = key
                report.append(f"CONFLICT in the note after {anchor}: both texts kept, resolve it")
            continue
        new = Entry("note", anchor, body=body, minutes=minutes, extracted=key)
        position = max((notes.entries.index(e) for e in at_anchor), default=None)
        if position is None:
            notes.entries.append(new)
        else:
            notes.entries.insert(position + 1, new)
        report.append(f"new note after {anchor}")
    order = {cell["id"]: index for index, cell in enumerate(kept_cells)}
    _sort_and_refresh(notes, kept_cells, order)
    new_text = render_notes(notes)
    if not notes_file.is_file() or notes_file.read_text(encoding="utf-8") != new_text:
        notes_file.parent.mkdir(parents=True, exist_ok=True)
        notes_file.write_text(new_text, encoding="utf-8")
    if found:
        notebook["cells"] = kept_cells
        write_notebook(notebook, notebook_path)
        report.append(f"removed {len(found)} notes cell(s) from {notebook_path.name}")
    return report


def _sort_and_refresh(notes: NotesFile, cells: list[dict], order: dict[str, int]) -> None:
    """Entries in the order of their anchors (a session start before that cell's notes; an
    unknown anchor keeps its place after the entry before it); hints from the cells."""
    keyed, last = [], -1.0
    for index, entry in enumerate(notes.entries):
        if entry.anchor in order:
            last = order[entry.anchor] - (0.5 if entry.kind == "session" else 0)
            entry.hint = first_line(cells[order[entry.anchor]])
        keyed.append((last, index, entry))
    notes.entries = [entry for _, _, entry in sorted(keyed, key=lambda item: item[:2])]


# --- build: learner notebook + notes -> instructor copy --------------------------------------


def note_cell(cell_id: str, text: str) -> dict:
    return {
        "cell_type": "markdown",
        "id": cell_id,
        "metadata": {"slideshow": {"slide_type": "notes"}},
        "source": text.splitlines(keepends=True),
    }


def instructor_copy(notebook: dict, notes: NotesFile, name: str = "notebook") -> dict:
    """The notebook with its notes after their anchors and a marker before each new session."""
    ids = cell_ids(notebook)
    missing = missing_anchors(notes, notebook)
    if missing:
        raise ValueError(
            f"{name}: notes anchored to cells that are not in the notebook: {missing}. Move "
            "each note to an existing cell id (see the notebook's JSON) or delete it."
        )
    after: dict[int, list[dict]] = {}
    before: dict[int, list[dict]] = {}
    sessions = session_minutes(notes)
    session = 1
    for number, entry in enumerate(notes.entries, start=1):
        index = ids[entry.anchor]
        if entry.kind == "note":
            minutes = "? min" if entry.minutes is None else f"{entry.minutes} min"
            text = f"**Instructor notes · {minutes}.** {entry.body}".strip()
            after.setdefault(index, []).append(note_cell(f"{entry.anchor}-note-{number}", text))
        else:
            session += 1
            text = (
                f"**Session {session} starts here**, with the next slide "
                f"(session {session - 1}: {sessions[session - 2]} min of notes; "
                f"session {session}: {sessions[session - 1]} min). {entry.body}"
            ).strip()
            before.setdefault(index, []).append(note_cell(f"session-{session}", text))
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        cells += before.get(index, []) + [cell] + after.get(index, [])
    return {**notebook, "cells": cells}


def canonical_digest(path: Path) -> str:
    """Digest of a notebook's content (formatting and key order do not count)."""
    content = json.loads(Path(path).read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()


def instructor_copies(notebooks: list[Path], notes_dir: Path = NOTES_DIR) -> dict[str, dict]:
    """File name -> instructor copy, for each notebook (its notes file found by its name)."""
    return {
        Path(notebook).name: instructor_copy(
            read_notebook(notebook),
            read_notes(notes_path(notebook, notes_dir)),
            Path(notebook).name,
        )
        for notebook in notebooks
    }


def write_copies(notebooks: list[Path], out_dir: Path, notes_dir: Path = NOTES_DIR) -> list[Path]:
    """Write instructor copies into ``out_dir`` as they are (for a folder nobody edits)."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for name, copy in instructor_copies(notebooks, notes_dir).items():
        write_notebook(copy, Path(out_dir) / name)
    return [Path(out_dir) / Path(notebook).name for notebook in notebooks]


def build(
    notebooks: list[Path],
    out_dir: Path = DEFAULT_OUT,
    overwrite: bool = False,
    notes_dir: Path = NOTES_DIR,
) -> list[Path]:
    """Write an instructor copy of each notebook into ``out_dir``, protecting edited copies.

    A copy there that differs from what this function last wrote (an instructor's edits, or
    outputs of a run) is never replaced silently: without ``overwrite`` nothing is written and a
    ValueError says what to do; with it, such a copy is first kept as ``NAME.backup-<time>``.
    """
    out_dir = Path(out_dir)
    record_path = out_dir / WRITTEN_RECORD
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.is_file() else {}
    copies = instructor_copies(notebooks, notes_dir)
    changed = [
        out_dir / name
        for name in copies
        if (out_dir / name).is_file() and record.get(name) != canonical_digest(out_dir / name)
    ]
    if changed and not overwrite:
        names = ", ".join(str(path) for path in changed)
        raise ValueError(
            f"{names}: changed since `course.py instructor` wrote it (edited or run in "
            "JupyterLab?), so it is not replaced. Keep your notes by copying them into "
            f"{notes_dir} (the notes files) and run again with --overwrite: the changed copies "
            "are then kept as NAME.backup-<date-time> next to the new ones."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name, copy in copies.items():
        target = out_dir / name
        if target in changed:
            shutil.copy2(target, target.with_name(f"{name}.backup-{stamp}"))
        write_notebook(copy, target)
        record[name] = canonical_digest(target)
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return [out_dir / name for name in copies]


def count_note_cells(notebook: Path) -> int:
    return sum(map(is_note_cell, read_notebook(notebook)["cells"]))


def learner_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    extract_parser = commands.add_parser("extract", help="move notes cells into the notes files")
    extract_parser.add_argument("notebooks", nargs="*", type=Path)
    build_parser = commands.add_parser("build", help="write instructor copies")
    build_parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    build_parser.add_argument("--overwrite", action="store_true")
    build_parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or learner_notebooks()
    try:
        if args.command == "extract":
            conflicts = 0
            for notebook in notebooks:
                for line in extract(notebook):
                    conflicts += line.startswith("CONFLICT")
                    print(f"{Path(notebook).name}: {line}")
            return 1 if conflicts else 0
        for path in build(notebooks, args.out, args.overwrite):
            print(f"wrote {path}")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
