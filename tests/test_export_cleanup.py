"""Executed copies and HTML pages hold no TensorFlow start-up noise and one line per progress bar
(seq2seq_helpers.export_cleanup, used by `course.py run` and `course.py export`)."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from seq2seq_helpers.export_cleanup import (
    clean_notebook,
    is_startup_noise,
    render_terminal,
)

ROOT = Path(__file__).resolve().parent.parent
# What TensorFlow 2.21 printed on this course's machines when a kernel imported it.
STARTUP_NOISE = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1796157536.107775    3083 cudart_stub.cc:31] Could not find cuda drivers on your "
    "machine, GPU will not be used.\n"
    "I0000 00:00:1796157536.276001    3083 cpu_feature_guard.cc:227] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.\n"
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with "
    "the appropriate compiler flags.\n"
)
CUINIT = (
    "E0000 00:00:1796157540.804845    3083 cuda_platform.cc:52] failed call to cuInit: INTERNAL: "
    "CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)\n"
)
ONEDNN = (
    "I0000 00:00:1796157530.000000    3083 port.cc:153] oneDNN custom operations are on. You may "
    "see slightly different numerical results due to floating-point round-off errors from "
    "different computation orders. To turn them off, set the environment variable "
    "`TF_ENABLE_ONEDNN_OPTS=0`.\n"
)
WARNING = (
    "/tmp/ipykernel_3083/848904686.py:2: UserWarning: careful: this is on purpose\n"
    "  warnings.warn('careful: this is on purpose')\n"
)


def keras_bar(done, total, previous_width):
    """One redraw of keras.utils.Progbar in a kernel: back over the old bar, then the new one."""
    filled = 20 * done // total
    bar = (
        f"\x1b[1m{done:3d}/{total}\x1b[0m \x1b[32m{'━' * filled}\x1b[0m"
        f"\x1b[37m{'━' * (20 - filled)}\x1b[0m \x1b[1m1s\x1b[0m 5ms/item"
    )
    return "\b" * previous_width + "\r" + bar + ("\n" if done == total else "")


def stream(name, text):
    return new_output("stream", name=name, text=text)


def noisy_notebook(total=200):
    """Three cells as an executed notebook stores them: TF noise on stderr, a progress bar drawn
    `total` times (one output per redraw, noise in the middle), and a deliberate warning."""
    bar_outputs = [stream("stdout", "decoding\n" + keras_bar(1, total, 0))]
    for done in range(2, total + 1):
        bar_outputs.append(stream("stdout", keras_bar(done, total, 39)))
        if done == total // 2:  # TensorFlow's messages come when a model is first built
            bar_outputs.append(stream("stderr", STARTUP_NOISE))
    notebook = new_notebook()
    notebook.cells = [
        new_code_cell(
            "import tensorflow as tf\ntf.constant(1) + 1",
            outputs=[
                stream("stderr", STARTUP_NOISE),
                stream("stderr", ONEDNN),
                stream("stdout", "built\n"),
                stream("stderr", CUINIT),
                new_output(
                    "execute_result",
                    data={"text/plain": "<tf.Tensor: 2>"},
                    execution_count=1,
                ),
            ],
        ),
        new_code_cell("for x in track(pairs, label='decoding'): ...", outputs=bar_outputs),
        new_code_cell(
            "warnings.warn('careful: this is on purpose')",
            outputs=[stream("stderr", STARTUP_NOISE + WARNING), stream("stdout", "done\n")],
        ),
    ]
    return notebook


def all_stream_text(notebook):
    return "".join(
        output["text"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output["output_type"] == "stream"
    )


def assert_clean(notebook, total=200):
    first, bar, warning = (cell.outputs for cell in notebook.cells)
    # 1. The noise is gone, an output holding nothing else with it; the rest stays in order.
    assert [(o.output_type, o.get("name")) for o in first] == [
        ("stream", "stdout"),
        ("execute_result", None),
    ]
    assert first[0].text == "built\n"
    assert not any(is_startup_noise(line) for line in all_stream_text(notebook).splitlines())
    # 2. One stdout output, as a terminal shows it at the end: the label and the final bar.
    assert len(bar) == 1 and bar[0].name == "stdout"
    lines = bar[0].text.splitlines()
    assert lines[0] == "decoding" and len(lines) == 2
    assert re.findall(rf"(\d+)/{total}", bar[0].text) == [str(total)]
    assert "━" * 20 in bar[0].text and "\r" not in bar[0].text and "\b" not in bar[0].text
    # 3. A warning the notebook shows on purpose is kept word for word.
    assert [(o.name, o.text) for o in warning] == [("stderr", WARNING), ("stdout", "done\n")]


def test_clean_notebook_drops_noise_and_keeps_one_bar():
    notebook = noisy_notebook()
    assert len(re.findall(r"(\d+)/200", all_stream_text(notebook))) == 200  # before: 200 lines
    assert_clean(clean_notebook(notebook))


def test_the_nbconvert_preprocessor_course_py_uses_does_the_same():
    from nbconvert.exporters import NotebookExporter
    from traitlets.config import Config

    config = Config()
    config.Exporter.preprocessors = ["seq2seq_helpers.export_cleanup.CleanOutputsPreprocessor"]
    body, _ = NotebookExporter(config=config).from_notebook_node(noisy_notebook())
    assert_clean(nbformat.reads(body, as_version=4))


def test_the_html_copy_shows_one_bar_and_no_noise():
    from nbconvert.exporters import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(clean_notebook(noisy_notebook()))
    assert len(re.findall(r"\d+/200", html)) == 1 and "200/200" in html
    assert "cudart_stub" not in html and "absl::InitializeLog" not in html
    assert "UserWarning: careful: this is on purpose" in html


def test_clean_notebook_is_idempotent():
    once = clean_notebook(noisy_notebook())
    snapshot = json.dumps(once, sort_keys=True)
    assert json.dumps(clean_notebook(once), sort_keys=True) == snapshot


@pytest.mark.parametrize(
    "text, shown",
    [
        ("plain\ntext\n", "plain\ntext\n"),
        ("abc\rX", "Xbc"),  # \r returns to the line start; the rest of the old line stays
        ("abc\b\bZ", "aZc"),
        ("a\rb\rc\n", "c\n"),
        ("one\ntwo\rTWO\n", "one\nTWO\n"),
        ("\x1b[1m1/2\x1b[0m\b\b\b\r\x1b[1m2/2\x1b[0m\n", "\x1b[1m2/2\x1b[0m\n"),
    ],
)
def test_render_terminal(text, shown):
    assert render_terminal(text) == shown


def test_only_known_startup_lines_count_as_noise():
    boolean_mask = (
        "E0000 00:00:1796192360.150539    9803 util.cc:131] oneDNN supports DT_BOOL only on "
        "platforms with AVX-512. Falling back to the default Eigen-based implementation if present."
    )
    for line in (STARTUP_NOISE + CUINIT + ONEDNN + boolean_mask).splitlines():
        assert is_startup_noise(line), line
    for line in [
        *WARNING.splitlines(),
        "WARNING:tensorflow:5 out of the last 5 calls to <function> triggered tf.function retracing",
        "Traceback (most recent call last):",
        "ValueError: CUDA is not needed for this course",
    ]:
        assert not is_startup_noise(line), line


def test_course_run_command_cleans_a_real_executed_notebook(tmp_path):
    """The exact nbconvert command `course.py run` uses, on a notebook that imports TensorFlow,
    draws a progress bar and warns on purpose: the executed copy shows none of the noise."""
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    notebook = new_notebook()
    notebook.cells = [
        new_code_cell("import tensorflow as tf\nprint(int(tf.constant(1) + 1))"),
        new_code_cell(
            "import time\nfrom seq2seq_helpers.progress import track\n"
            "for _ in track(range(40), label='decoding'):\n    time.sleep(0.02)"
        ),
        new_code_cell("import warnings\nwarnings.warn('careful: this is on purpose')"),
    ]
    source = tmp_path / "noisy.ipynb"
    nbformat.write(notebook, source)
    command = course.execute_command(Path(sys.executable), source, tmp_path / "out", timeout=300)
    env = course.kernel_environment(fast=True)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [str(part) for part in command],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    executed = nbformat.read(tmp_path / "out" / "noisy.ipynb", as_version=4)
    outputs = [cell.outputs for cell in executed.cells]
    assert [(o.name, o.text) for o in outputs[0]] == [("stdout", "2\n")]
    assert len(outputs[1]) == 1 and outputs[1][0].text.startswith("decoding\n")
    assert re.findall(r"(\d+)/40", outputs[1][0].text) == ["40"]
    assert [o.name for o in outputs[2]] == ["stderr"]
    assert "UserWarning: careful: this is on purpose" in outputs[2][0].text
    assert not any(is_startup_noise(line) for line in all_stream_text(executed).splitlines())
