"""Answers out of the learners' sight, notes kept for the instructor (seq2seq_helpers/instructor_notes.py).

Learner side: no notes cell, no "Instructor notes", and no answer text of an exercise above that
exercise. Instructor side: a note with minutes for every numbered section and every exercise,
every anchor in its notebook, sessions of at most 50 minutes, and the README's table derived from
the notes' minutes.
"""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from seq2seq_helpers import instructor_notes as notes_module
from seq2seq_helpers.instructor_notes import (
    SESSION_MINUTES,
    build,
    extract,
    instructor_copy,
    parse_notes,
    read_notebook,
    read_notes,
    render_notes,
    session_minutes,
    slide_type,
    source,
    teaching_time_text,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = ROOT / "notebooks" / "solutions"
CHECKS = ROOT / "seq2seq_helpers" / "checks"
ids = [path.name for path in NOTEBOOKS]


def notes_of(path):
    return read_notes(notes_module.notes_path(path))


# --- the learner's side ----------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_learner_notebooks_hold_no_instructor_notes(path):
    for index, cell in enumerate(read_notebook(path)["cells"]):
        assert slide_type(cell) != "notes", f"{path.name}, cell {index}: a notes cell"
        assert "instructor notes" not in source(cell).lower(), f"{path.name}, cell {index}"


def exercises(path):
    """(number, index of the exercise's first cell, index of its check cell, check name)."""
    cells = read_notebook(path)["cells"]
    found, start = [], 0
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and "**Exercise" in source(cell):
            start = index
        calls = re.findall(r"^(check_\w+)\(", source(cell), flags=re.M)
        if cell["cell_type"] == "code" and calls:
            found.append((len(found) + 1, start, index, calls[-1]))
    return found


def solution_cells(path, number):
    """The solutions notebook's answer to exercise ``number`` (the cell asserted to pass) and its
    typical mistakes (the cells asserted to fail)."""
    solution = SOLUTIONS / path.name.replace(".ipynb", "_solutions.ipynb")
    answer, mistakes, inside = None, [], False
    for cell in read_notebook(solution)["cells"]:
        text = source(cell)
        if cell["cell_type"] == "markdown" and text.startswith("## Exercise"):
            inside = text.startswith(f"## Exercise {number}:")
        elif inside and cell["cell_type"] == "code" and "assert feedback" in text and not answer:
            answer = text
        elif inside and cell["cell_type"] == "code" and ("assert not" in text or "mistake" in text):
            mistakes.append(text)
    assert answer, f"no answer to exercise {number} of {path.name} in {solution.name}"
    return answer, mistakes


FRAGMENT_NODES = (ast.Call, ast.Subscript, ast.BinOp, ast.List, ast.Tuple, ast.Lambda, ast.ListComp)
MIN_LITERAL_CHARACTERS = 14  # shorter fragments ("len(pairs)", "x[0]") say nothing about an answer
WILDCARD = "\x00"


def fragments(statements, parameters=(), only_numpy_calls=False):
    """Expressions of an answer as {text: regular expression}. A function's parameters match any
    name or number (the notebook calls it with its own), the solutions' ``setup.x`` is ``x``; a
    list or tuple of bare names says nothing (``[state_hidden, state_cell]``); with
    ``only_numpy_calls`` an expression that calls anything but NumPy is not literal."""
    found = {}
    for statement in statements:
        for node in ast.walk(statement):
            if not isinstance(node, FRAGMENT_NODES):
                continue
            if isinstance(node, (ast.List, ast.Tuple)) and all(
                isinstance(element, ast.Name) for element in node.elts
            ):
                continue
            if isinstance(node, ast.Call) and not node.keywords and node.args:
                if all(isinstance(argument, ast.Name) for argument in node.args):
                    continue  # f(x): a call of the course's API on variables tells nothing
            calls = [n.func for n in ast.walk(node) if isinstance(n, ast.Call)]
            if only_numpy_calls and not all(ast.unparse(f).startswith("np.") for f in calls):
                continue
            text = ast.unparse(node).replace("setup.", "")
            for name in parameters:
                text = re.sub(rf"\b{name}\b", WILDCARD, text)
            if len(text.replace(WILDCARD, "")) < MIN_LITERAL_CHARACTERS:
                continue
            pattern = re.escape(text).replace(re.escape(WILDCARD), r"[\w.]+")
            found[text.replace(WILDCARD, "x")] = pattern
    return found


def assigned_none(code):
    """Names the exercise's cell leaves for the learner: ``my_x = None`` and the ``def``s."""
    tree = ast.parse(code)
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    for node in tree.body:
        if isinstance(node, ast.Assign) and ast.unparse(node.value) == "None":
            names |= {ast.unparse(target) for target in node.targets}
    return names


def answer_fragments(code, learner_names):
    """What the solution writes where the learner's cell has None: assignments to those names
    (and item assignments into them) and the bodies of the functions the learner completes."""
    statements, parameters = [], []
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef) and node.name in learner_names:
            statements += node.body
            parameters += [argument.arg for argument in node.args.args]
        elif isinstance(node, ast.Assign):
            targets = {ast.unparse(t).split("[")[0] for t in node.targets}
            if targets & learner_names:
                statements.append(node.value)
    return fragments(statements, parameters)


def check_functions():
    functions = {}
    for module in CHECKS.glob("*.py"):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                functions[node.name] = node
    return functions


def check_fragments(name, functions):
    """The expected values a check writes out literally (``expected = ...``; ``expected[...] =``),
    not those it gets by calling the course's own code."""
    function = functions.get(name)
    if function is None:
        return {}
    parameters = [argument.arg for argument in function.args.args]
    values = [
        node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and any(ast.unparse(t).split("[")[0] == "expected" for t in node.targets)
    ]
    return fragments(values, parameters, only_numpy_calls=True)


def right_choice_statements():
    tree = ast.parse((CHECKS / "choices.py").read_text(encoding="utf-8"))
    assignment = next(
        n for n in tree.body if isinstance(n, ast.AnnAssign) and n.target.id == "QUESTIONS"
    )
    questions = ast.literal_eval(assignment.value)
    return {
        key: [statement for statement, right, _ in options.values() if right]
        for key, (_, options) in questions.items()
    }


def normalized_code(text):
    try:
        return ast.unparse(ast.parse(text))
    except SyntaxError:
        return text


def given_in(code, text):
    """True if the exercise's cell shows ``text`` in a comment, where ``...`` stands for the
    part left to the learner (``# Model([encoder_inputs, decoder_inputs], ...)``)."""
    for comment in re.findall(r"#\s*(.+)$", code, flags=re.M):
        shown = comment[: comment.rfind(")") + 1]  # the code part, before any words after it
        pattern = re.escape(shown).replace(re.escape("..."), ".*")
        if "..." in shown and re.fullmatch(pattern, text):
            return True
    return False


def answer_patterns(path, number):
    """{answer text: pattern} of exercise ``number``: what the solution writes where the learner's
    cell leaves None, minus what the typical mistake writes too (shared text gives nothing away)
    and what the exercise itself shows; plus the check's literal expected values."""
    cells = read_notebook(path)["cells"]
    _, start, check_cell, check = exercises(path)[number - 1]
    code = source(cells[check_cell])
    answer, mistakes = solution_cells(path, number)
    # the names the learner fills in: left as None in any of the exercise's code cells
    exercise_code = "\n".join(
        source(c) for c in cells[start : check_cell + 1] if c["cell_type"] == "code"
    )
    patterns = answer_fragments(answer, assigned_none(exercise_code))
    patterns.update(check_fragments(check, check_functions()))
    mistaken = "\n".join(normalized_code(m) for m in mistakes)
    given = normalized_code(code) + "\n" + " ".join(source(c) for c in cells[start:check_cell])
    return {
        text: p
        for text, p in patterns.items()
        if not re.search(p, mistaken)
        and not re.search(p, given)
        and not given_in(exercise_code, text)
    }


def leaks(path):
    """[(exercise number, cell index, what leaked)] for every answer text above its exercise."""
    cells = read_notebook(path)["cells"]
    choices = right_choice_statements()
    found = []
    for number, start, check_cell, _ in exercises(path):
        patterns = answer_patterns(path, number)
        keys = re.findall(r"check_\w+\(\s*\"(\w+)\"", source(cells[check_cell]))
        statements = [s for key in keys for s in choices.get(key, [])]
        for index, cell in enumerate(cells[:start]):
            text = source(cell)
            code_text = normalized_code(text) if cell["cell_type"] == "code" else text
            found += [(number, index, t) for t, p in patterns.items() if re.search(p, code_text)]
            flat = " ".join(text.split()).lower()
            found += [(number, index, s) for s in statements if s.lower() in flat]
    return found


# Leaks in the notebooks as they are: fixed in the notebooks by other changes. When a fix lands,
# this test passes unexpectedly (strict): delete the entry.
KNOWN_LEAKS: dict[str, str] = {}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[p.name]))
        if p.name in KNOWN_LEAKS
        else p
        for p in NOTEBOOKS
    ],
    ids=ids,
)
def test_no_answer_above_its_exercise(path):
    assert not leaks(path), "\n".join(
        f"exercise {n}: cell {i} shows {p!r}" for n, i, p in leaks(path)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_exercise_has_answer_text_to_look_for(path):
    """The leak test means something: every exercise has answer fragments or a right choice."""
    for number, _, check_cell, _ in exercises(path):
        code = source(read_notebook(path)["cells"][check_cell])
        assert answer_patterns(path, number) or "check_choice" in code or "question(" in code, (
            f"{path.name}, exercise {number}: no answer text found in its solution"
        )


def test_the_leak_test_finds_the_known_leaks():
    """02's assert and 10's np.tril, as they stand (or a copy of them, once fixed)."""
    patterns = answer_patterns(ROOT / "notebooks" / "02_training_setup.ipynb", 2)
    leak = "assert np.array_equal(decoder_target_data[:, :-1], decoder_input_data[:, 1:])"
    assert any(re.search(p, normalized_code(leak)) for p in patterns.values())
    patterns = answer_patterns(ROOT / "notebooks" / "10_transformer.ipynb", 1)
    leak = "causal = np.tril(np.ones((8, 8), dtype=bool))"
    assert any(re.search(p, normalized_code(leak)) for p in patterns.values())
    assert not any(
        re.search(p, "causal = np.triu(np.ones((8, 8), dtype=bool))") for p in patterns.values()
    )


# --- the instructor's side -------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notes_file_is_complete(path):
    notes = notes_of(path)
    notebook = read_notebook(path)
    assert notes.notes, f"no notes for {path.name}"
    assert not notes_module.missing_anchors(notes, notebook)
    for entry in notes.notes:
        assert entry.minutes, f"{path.name}: the note after {entry.anchor} has no minutes"
        assert entry.body.strip(), f"{path.name}: the note after {entry.anchor} is empty"
        assert notes_module.CONFLICT not in entry.body, f"{path.name}: resolve {entry.anchor}"
    sessions = session_minutes(notes)
    assert max(sessions) <= SESSION_MINUTES, f"{path.name}: sessions of {sessions} min"


def slide_groups(cells):
    """The cells of each slide with its sub-slides (a section may span several sub-slides)."""
    groups = []
    for cell in cells:
        if slide_type(cell) == "slide" or not groups:
            groups.append([])
        groups[-1].append(cell)
    return groups


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_instructor_copy_has_notes_for_every_section_and_exercise(path):
    copy = instructor_copy(read_notebook(path), notes_of(path), path.name)
    for group in slide_groups(copy["cells"]):
        heading = source(group[0]).splitlines()[0] if source(group[0]) else ""
        if heading.startswith("## ") and heading[3:4].isdigit():
            assert any(slide_type(c) == "notes" for c in group), f"{path.name}: {heading!r}"
    cells, learner = copy["cells"], read_notebook(path)["cells"]
    position = {cell["id"]: index for index, cell in enumerate(cells)}
    for number, start, check_cell, _ in exercises(path):
        # an exercise's note sits between its first cell and its check
        span = cells[position[learner[start]["id"]] : position[learner[check_cell]["id"]]]
        assert any(slide_type(c) == "notes" for c in span), f"{path.name}: exercise {number}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_a_visible_marker_where_a_second_session_starts(path):
    notes = notes_of(path)
    copy = instructor_copy(read_notebook(path), notes, path.name)
    markers = [c for c in copy["cells"] if "Session 2 starts here" in source(c)]
    if sum(session_minutes(notes)) > SESSION_MINUTES:
        assert len(markers) == 1, f"{path.name} needs more than one session: say where to split"
    else:
        assert not markers


def readme_instructor_table():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## For instructors") :]
    section = section[: section.index("\n## ", 3)]
    return dict(re.findall(r"^\| (\d\d) \| ([^|]+?) \|", section, flags=re.M))


def test_readme_teaching_times_are_the_notes_minutes():
    table = readme_instructor_table()
    expected = {path.name[:2]: teaching_time_text(notes_of(path)) for path in NOTEBOOKS}
    assert table == expected
    total = sum(sum(session_minutes(notes_of(path))) for path in NOTEBOOKS)
    assert f"{total} min" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- the module: extract and build -----------------------------------------------------------


def tiny_notebook(*cells):
    return {
        "cells": [
            {
                "cell_type": "markdown",
                "id": cell_id,
                "metadata": {"slideshow": {"slide_type": kind}},
                "source": [text],
            }
            for cell_id, kind, text in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write(path, notebook):
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_extract_moves_notes_once_and_rebuilds_them(tmp_path):
    notebook = tmp_path / "01_x.ipynb"
    write(
        notebook,
        tiny_notebook(
            ("a", "slide", "# Title"),
            ("b", "notes", "**Instructor notes.** ~3 min. Ask the room."),
            ("c", "slide", "## 1. One\ntext"),
            ("d", "notes", "**Instructor notes.** Draw it."),
        ),
    )
    notes_file = tmp_path / "01_x.md"
    extract(notebook, notes_file)
    kept = read_notebook(notebook)["cells"]
    assert [c["id"] for c in kept] == ["a", "c"]
    notes = read_notes(notes_file)
    assert [(e.anchor, e.minutes, e.body) for e in notes.notes] == [
        ("a", 3, "Ask the room."),
        ("c", None, "Draw it."),
    ]
    assert notes.notes[1].hint == "## 1. One"
    text = notes_file.read_text(encoding="utf-8")
    extract(notebook, notes_file)  # idempotent
    assert notes_file.read_text(encoding="utf-8") == text
    assert render_notes(parse_notes(text)) == text
    copy = instructor_copy(read_notebook(notebook), notes)
    assert [source(c) for c in copy["cells"]][1] == "**Instructor notes · 3 min.** Ask the room."
    assert [slide_type(c) for c in copy["cells"]] == ["slide", "notes", "slide", "notes"]


def test_extract_again_after_a_merge(tmp_path):
    """The same notes come back (no duplicate), one changed (updated), one new (added); a note
    edited in the file and changed in the notebook keeps both texts for a person to choose."""
    notebook, notes_file = tmp_path / "02_x.ipynb", tmp_path / "02_x.md"
    original = (
        ("a", "slide", "# Title"),
        ("n1", "notes", "**Instructor notes.** ~2 min. First."),
        ("b", "slide", "## 1. One\ntext"),
        ("n2", "notes", "**Instructor notes.** ~4 min. Second."),
        ("c", "slide", "## 2. Two\ntext"),
        ("n3", "notes", "**Instructor notes.** ~5 min. Third."),
    )
    write(notebook, tiny_notebook(*original))
    extract(notebook, notes_file)
    notes = read_notes(notes_file)
    notes.notes[2].body = "Third, edited by the instructor."
    notes_file.write_text(render_notes(notes), encoding="utf-8")
    merged = list(original)
    merged[3] = ("n2", "notes", "**Instructor notes.** ~6 min. Second, changed.")
    merged[5] = ("n3", "notes", "**Instructor notes.** ~5 min. Third, changed too.")
    merged.append(("n4", "notes", "**Instructor notes.** ~1 min. Fourth."))
    write(notebook, tiny_notebook(*merged))
    report = extract(notebook, notes_file)
    notes = read_notes(notes_file)
    assert [(e.anchor, e.minutes) for e in notes.notes] == [("a", 2), ("b", 6), ("c", 5), ("c", 1)]
    assert notes.notes[1].body == "Second, changed."
    assert "Third, edited" in notes.notes[2].body and "Third, changed too." in notes.notes[2].body
    assert any(line.startswith("CONFLICT") for line in report)
    assert len(read_notebook(notebook)["cells"]) == 3


def test_build_never_overwrites_an_edited_copy_silently(tmp_path):
    notebook = tmp_path / "03_x.ipynb"
    write(notebook, tiny_notebook(("a", "slide", "# Title"), ("b", "fragment", "text")))
    notes_dir, out = tmp_path / "notes", tmp_path / "out"
    notes_dir.mkdir()
    (notes_dir / "03_x.md").write_text(
        "# Instructor notes\n\n## Note after `b` · 2 min\n\nSay it.\n", encoding="utf-8"
    )
    (copy,) = build([notebook], out, notes_dir=notes_dir)
    build([notebook], out, notes_dir=notes_dir)  # unchanged copy: rewritten without a word
    edited = copy.read_text(encoding="utf-8").replace("Say it.", "Say it twice.")
    copy.write_text(edited, encoding="utf-8")
    with pytest.raises(ValueError, match="--overwrite"):
        build([notebook], out, notes_dir=notes_dir)
    assert copy.read_text(encoding="utf-8") == edited
    build([notebook], out, overwrite=True, notes_dir=notes_dir)
    (backup,) = out.glob("03_x.ipynb.backup-*")
    assert backup.read_text(encoding="utf-8") == edited
    assert "Say it twice" not in copy.read_text(encoding="utf-8")


def test_bad_notes_get_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="line 3.*Note after"):
        parse_notes("# Notes\n\n## Notes after cell-1\n")
    notes = parse_notes("# Notes\n\n## Note after `gone` · 2 min\n\nText.\n")
    with pytest.raises(ValueError, match="gone"):
        instructor_copy(tiny_notebook(("a", "slide", "# Title")), notes, "x.ipynb")


def test_session_marker_and_teaching_time():
    notes = parse_notes(
        "# Notes\n\n## Note after `a` · 30 min\n\nOne.\n\n## Second session starts before `b`\n\n"
        "## Note after `b` · 25 min\n\nTwo.\n"
    )
    assert session_minutes(notes) == [30, 25]
    assert teaching_time_text(notes) == "55 min: 2 sessions (30 + 25)"
    copy = instructor_copy(tiny_notebook(("a", "slide", "# A"), ("b", "slide", "## B\nx")), notes)
    kinds = [(c["id"], slide_type(c)) for c in copy["cells"]]
    assert kinds == [
        ("a", "slide"),
        ("a-note-1", "notes"),
        ("session-2", "notes"),
        ("b", "slide"),
        ("b-note-3", "notes"),
    ]


def test_course_py_instructor_runs_without_the_environment(tmp_path):
    """-S: no site-packages at all, so only the standard library can be imported."""
    result = subprocess.run(
        [sys.executable, "-S", str(ROOT / "course.py"), "instructor", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    assert "Installing" not in result.stdout


def test_readme_says_where_each_second_session_starts():
    """The README's sentence "the second starts at 04: section 7; ..." names, for each notebook
    whose notes split it, the section of the cell the split stands before."""
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for path in NOTEBOOKS:
        marker = re.search(
            r"^## Second session starts before `([^`]+)`",
            notes_module.notes_path(path).read_text(encoding="utf-8"),
            flags=re.M,
        )
        if not marker:
            continue
        cells = read_notebook(path)["cells"]
        index = [cell["id"] for cell in cells].index(marker.group(1))
        heading = next(
            source(cell).splitlines()[0]
            for cell in reversed(cells[: index + 1])
            if source(cell).startswith("## ")
        )
        number = re.match(r"## (\d+)\.", heading)
        said = f"section {number.group(1)}" if number else "the exercises"
        assert f"{path.name[:2]}: {said}" in text, (
            f"{path.name}: the second session starts at {said}"
        )
