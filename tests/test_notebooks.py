"""Static checks on the notebooks: the nbval run executes them; these catch what lax mode hides."""

import json
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
EXPECTED = [
    "01_preprocessing.ipynb",
    "02_training_setup.ipynb",
    "03_encoder_decoder.ipynb",
    "04_build_compile_fit.ipynb",
    "05_inference_and_decoding.ipynb",
    "06_generative_chatbot.ipynb",
    "07_scaling_up.ipynb",
    "08_fast_decoding_and_evaluation.ipynb",
    "09_attention_and_beam_search.ipynb",
    "10_transformer.ipynb",
    "11_subwords.ipynb",
    "12_chatbot_that_answers.ipynb",
]


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def code(path):
    return ["".join(cell["source"]) for cell in cells(path) if cell["cell_type"] == "code"]


def test_the_lesson_notebooks_exist():
    assert set(EXPECTED) <= {path.name for path in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_hygiene(path):
    sources = code(path)
    joined = "\n".join(sources)
    # Outputs are stripped in git; learners produce their own.
    assert not any(cell.get("outputs") for cell in cells(path) if cell["cell_type"] == "code")
    # Lax nbval passes cells tagged to raise or skip even when something is wrong: forbid them.
    for cell in cells(path):
        tags = cell.get("metadata", {}).get("tags", [])
        assert "raises-exception" not in tags and "skip-execution" not in tags
    assert "NBVAL_RAISES_EXCEPTION" not in joined and "NBVAL_SKIP" not in joined
    # A failing shell or magic line can pass silently in lax mode.
    assert not any(line.lstrip().startswith(("!", "%")) for line in joined.splitlines())
    # Notebook anatomy: fast switch in setup, the notebook checks itself, and no sys.path hacks.
    assert "is_fast_mode()" in sources[0]
    assert joined.count("assert ") >= 3
    assert "sys.path" not in joined
    assert "model.layers[" not in joined


def test_notebook_04_uses_the_lessons_exact_calls():
    joined = "\n".join(code(NOTEBOOK_DIR / "04_build_compile_fit.ipynb"))
    assert "Model([encoder_inputs, decoder_inputs], decoder_outputs)" in joined
    for snippet in (
        'optimizer="rmsprop"',
        'loss="categorical_crossentropy"',
        'metrics=["accuracy"]',
        "[encoder_input_data, decoder_input_data],\n    decoder_target_data,",
        "batch_size=10,",
        "validation_split=0.2,",
        "EPOCHS = 5 if FAST else 100",
    ):
        assert snippet in joined, snippet


SOLUTIONS_DIR = NOTEBOOK_DIR / "solutions"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_has_checked_exercises_and_tested_solutions(path):
    import re

    joined = "\n".join(code(path))
    calls = re.findall(r"^(check_\w+)\(", joined, flags=re.M)
    assert 2 <= len(calls) <= 4, f"{path.name} has {len(calls)} checked exercises"
    solution = SOLUTIONS_DIR / path.name.replace(".ipynb", "_solutions.ipynb")
    assert solution.is_file(), f"no solutions notebook for {path.name}"
    solution_code = "\n".join(code(solution))
    for name in set(calls):
        assert name in solution_code, f"{solution.name} never uses {name}"
    # Every solution is asserted to pass its check, and shows at least one wrong answer failing.
    assert solution_code.count("assert feedback") >= len(calls)
    assert "assert not " in solution_code


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_is_ready_to_present(path):
    kinds = [
        cell.get("metadata", {}).get("slideshow", {}).get("slide_type") for cell in cells(path)
    ]
    assert all(kind in {"slide", "subslide", "fragment", "skip", "notes", "-"} for kind in kinds)
    assert kinds[0] == "slide" and kinds.count("slide") >= 5
    # Speaker notes live in notebooks/instructor/ (tests/test_instructor_notes.py), not here.
    assert "notes" not in kinds, (
        "a notes cell in a learner notebook: run course.py instructor --extract"
    )


MAX_CODE_LINES_ON_A_SLIDE = 18  # "about 15": a learner reads a slide's code in one look


def slides(path, starts=("slide", "subslide")):
    """Cells grouped as reveal.js groups them: a slide or subslide cell starts a new slide.
    With starts=("slide",): sections, each slide with its sub-slides."""
    groups = []
    for cell in cells(path):
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if kind in starts or not groups:
            groups.append([])
        groups[-1].append((kind, cell))
    return groups


def is_assert_only(source: str) -> bool:
    lines = [
        line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    return bool(lines) and all(line.startswith(("assert", " ", ")")) for line in lines)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_slides_present_well(path):
    for number, group in enumerate(slides(path), start=1):
        visible = [cell for kind, cell in group if kind not in {"skip", "notes"}]
        assert visible, f"slide {number} of {path.name} shows nothing"
        content = [
            cell
            for cell in visible
            if cell["cell_type"] == "code"
            or any(not line.startswith("#") and line.strip() for line in cell["source"])
        ]
        assert content, f"slide {number} of {path.name} shows only a heading"
        for cell in visible:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code":
                continue
            assert len(source.strip().splitlines()) <= MAX_CODE_LINES_ON_A_SLIDE, (
                f"{path.name}, slide {number}: a code fragment of "
                f"{len(source.strip().splitlines())} lines: split it or move it into a helper"
            )
            assert not is_assert_only(source), f"{path.name}, slide {number}: an assert-only cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_plots_are_shown_on_slides(path):
    for cell in cells(path):
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
        if cell["cell_type"] == "code" and "plt.show()" in "".join(cell["source"]):
            assert kind not in {"skip", "notes"}, f"{path.name}: a plot hidden from the slides"
