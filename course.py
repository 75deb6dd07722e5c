#!/usr/bin/env python3
"""One entry point for the course: set up, open, execute and test.

    python3 course.py lab     # create .venv, install everything, open notebook 01 in JupyterLab
    python3 course.py run     # same install, then execute every notebook headlessly (full mode)
    python3 course.py test    # same install, then unit tests + every notebook via nbval (fast mode)
                              #   + a real-browser smoke test of JupyterLab
    python3 course.py export  # execute the notebooks, write offline HTML copies and reveal.js slides
                              #   (run and export write into build/, or into --out DIR)
    python3 course.py instructor  # instructor copies: the notebooks with their speaker notes
    python3 course.py download-corpus  # optional: the public Tatoeba/Anki English-Spanish corpus

Only the Python standard library is used here, so it runs on a machine that has nothing but
Python 3.10+ and pip. The virtual environment lives in .venv/ and is reused; it is reinstalled
when requirements.txt or pyproject.toml change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
NOTEBOOK_CELL_TIMEOUT = 300  # seconds; a hung cell fails instead of eating CI's time budget
# JupyterLab defaults for this environment only (never the learner's home folder): do not ask
# "Would you like to get notified about official Jupyter news?" on the first visit; no news feed.
LAB_SETTINGS_OVERRIDES = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
# Kernels started by `run` and `export`: keep TensorFlow's C++ start-up logging quiet. (oneDNN
# stays on: on 2 CPU cores it trains the lesson's model about 1.7x faster; export_cleanup drops
# its start-up notice from the outputs.)
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "2"}
# nbconvert, after executing: drop TensorFlow's start-up lines, merge progress-bar redraws.
CLEAN_OUTPUTS = "--Exporter.preprocessors=seq2seq_helpers.export_cleanup.CleanOutputsPreprocessor"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(command: list, env: dict | None = None) -> int:
    print("+", " ".join(str(part) for part in command), flush=True)
    return subprocess.call([str(part) for part in command], cwd=ROOT, env=env)


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> Path:
    """Create .venv and install the requirements and the helper package, unless up to date; then
    make sure JupyterLab's settings for this environment are in place (write_lab_overrides)."""
    python = install_environment()
    write_lab_overrides()
    return python


def install_environment() -> Path:
    if sys.version_info < (3, 10):
        sys.exit(f"Python 3.10 or newer is needed; this is {sys.version.split()[0]}.")
    python = venv_python()
    fingerprint = install_fingerprint()
    if python.exists() and STAMP.exists() and STAMP.read_text() == fingerprint:
        return python
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        if run([sys.executable, "-m", "venv", VENV]) != 0:
            sys.exit("Could not create the virtual environment (is the venv module installed?).")
    print("Installing the course's packages (the first time takes a few minutes) ...", flush=True)
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if run([*pip, "-r", "requirements.txt", "-e", "."]) != 0:
        sys.exit("Installing the requirements failed; see pip's message above.")
    STAMP.write_text(fingerprint)
    return python


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def lab_settings_dir(venv: Path = VENV) -> Path:
    """JupyterLab's application settings folder inside the virtual environment (where it looks
    for overrides.json; ``jupyter lab path`` shows its parent, the application directory)."""
    return venv / "share" / "jupyter" / "lab" / "settings"


def merge_settings(into: dict, extra: dict) -> bool:
    """Copy ``extra`` into ``into``, nested dictionaries key by key; True if anything changed."""
    changed = False
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            changed = merge_settings(into[key], value) or changed
        elif into.get(key) != value:
            into[key] = value
            changed = True
    return changed


def write_lab_overrides(settings_dir: Path | None = None) -> Path:
    """Add LAB_SETTINGS_OVERRIDES to ``settings_dir``/overrides.json, keeping every other setting
    already there. Idempotent: the file is only rewritten when something changes."""
    path = (settings_dir or lab_settings_dir()) / "overrides.json"
    overrides = {}
    if path.exists():
        try:
            overrides = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            overrides = None
        if not isinstance(overrides, dict):
            # Someone's hand-edited file that JupyterLab cannot read either: not ours to replace.
            print(f"NOTE: {path} is not a JSON object; left as it is.", file=sys.stderr)
            return path
    if merge_settings(overrides, LAB_SETTINGS_OVERRIDES) or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(overrides, indent=2) + "\n", encoding="utf-8")
    return path


def lab_command(python: Path) -> list:
    """``jupyter lab`` serving notebooks/ and opening the first lesson in the browser."""
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    first = notebook_paths()[:1]  # a file argument is the file JupyterLab opens on start
    return [python, "-m", "jupyter", "lab", "--notebook-dir", NOTEBOOKS, *as_root, *first]


def command_lab(python: Path, _args: argparse.Namespace) -> int:
    return run(lab_command(python))  # ensure_environment wrote the settings overrides


def kernel_environment(fast: bool) -> dict:
    """Environment for the kernels `run` and `export` start (yours wins for the TensorFlow ones)."""
    return {**QUIET_TENSORFLOW, **os.environ, "SEQ2SEQ_FAST": "1" if fast else "0"}


def execute_command(python: Path, notebook: Path, out_dir: Path, timeout: int) -> list:
    """nbconvert executing ``notebook`` into ``out_dir``, with the outputs cleaned up."""
    return [
        python,
        "-m",
        "jupyter",
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        f"--ExecutePreprocessor.timeout={timeout}",
        CLEAN_OUTPUTS,
        "--output-dir",
        out_dir,
        notebook,
    ]


def command_run(python: Path, args: argparse.Namespace) -> int:
    """Execute every notebook into OUT/executed/ (OUT is build/ unless --out says otherwise; the
    sources are never modified)."""
    env = kernel_environment(args.fast)
    out_dir = Path(args.out).resolve() / "executed"
    for notebook in args.notebooks or notebook_paths():
        code = run(execute_command(python, notebook, out_dir, args.timeout), env=env)
        if code != 0:
            print(f"{Path(notebook).name} failed; see the error above.", file=sys.stderr)
            return code
    print(f"Executed notebooks are in {out_dir}")
    return 0


def reveal_js_folder(python: Path) -> Path:
    """reveal.js as shipped inside the sphinx-revealjs wheel (no download needed)."""
    found = subprocess.run(
        [
            python,
            "-c",
            "import sphinx_revealjs, pathlib; "
            "print(pathlib.Path(sphinx_revealjs.__file__).parent / '_static' / 'revealjs')",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip())


def command_export(python: Path, args: argparse.Namespace) -> int:
    """Executed notebooks -> OUT/html/*.html and OUT/slides/*.slides.html, all offline (OUT is
    build/ unless --out says otherwise)."""
    import shutil

    out = Path(args.out).resolve()
    sources = [Path(n).resolve() for n in args.notebooks] or notebook_paths()
    if args.no_execute:
        executed = sources
    else:
        code = command_run(
            python,
            argparse.Namespace(fast=args.fast, timeout=args.timeout, notebooks=sources, out=out),
        )
        if code != 0:
            return code
        executed = [out / "executed" / notebook.name for notebook in sources]
    templates = [
        "--TemplateExporter.extra_template_basedirs",
        ROOT / "export_templates",
        CLEAN_OUTPUTS,  # also for --no-execute copies of notebooks saved with outputs
    ]
    slides_dir = out / "slides"
    reveal_target = slides_dir / "reveal.js"
    if not reveal_target.exists():
        reveal_source = reveal_js_folder(python)
        slides_dir.mkdir(parents=True, exist_ok=True)
        for part in ("dist", "plugin"):
            shutil.copytree(reveal_source / part, reveal_target / part)
    # HTML copies are the learners' notebooks; slides are instructor copies (speaker notes, S).
    # One nbconvert per format for all the notebooks (its start-up costs seconds).
    with_notes = Path(tempfile.mkdtemp(prefix="seq2seq_instructor_"))
    try:
        instructor_notes_module().write_copies(executed, with_notes)
        for command, notebooks in (
            (
                ["--to", "html", "--template", "offline_html", "--output-dir", out / "html"],
                executed,
            ),
            (
                [
                    "--to",
                    "slides",
                    "--template",
                    "offline_reveal",
                    "--output-dir",
                    slides_dir,
                    "--SlidesExporter.reveal_url_prefix=reveal.js",
                    "--SlidesExporter.reveal_theme=white",
                ],
                [with_notes / notebook.name for notebook in executed],
            ),
        ):
            if run([python, "-m", "jupyter", "nbconvert", *templates, *command, *notebooks]) != 0:
                return 1
    finally:
        shutil.rmtree(with_notes, ignore_errors=True)
    print(f"HTML copies: {out / 'html'}   slides: {slides_dir} (open *.slides.html in a browser)")
    return 0


def instructor_notes_module():
    """seq2seq_helpers.instructor_notes, imported from this folder: it needs only the standard
    library, so `course.py instructor` works before (and without) the virtual environment."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from seq2seq_helpers import instructor_notes

    return instructor_notes


def command_instructor(args: argparse.Namespace) -> int:
    """Instructor copies (notebook + speaker notes + session markers) into --out."""
    notes = instructor_notes_module()
    notebooks = [Path(n).resolve() for n in args.notebooks] or notebook_paths()
    try:
        if args.extract:
            for notebook in notebooks:
                for line in notes.extract(notebook):
                    print(f"{notebook.name}: {line}")
        written = notes.build(notebooks, args.out, overwrite=args.overwrite)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Instructor copies with speaker notes: {Path(args.out)} ({len(written)} notebooks)")
    still = [n.name for n in notebooks if notes.count_note_cells(n)]
    if still:
        print(
            f"NOTE: {', '.join(still)} still hold notes cells; `python3 course.py instructor "
            "--extract` moves them into notebooks/instructor/.",
            file=sys.stderr,
        )
    return 0


def command_download_corpus(python: Path, args: argparse.Namespace) -> int:
    """Download (or read --from-file), check and convert the public corpus into data/public/."""
    return run([python, "-m", "seq2seq_helpers.public_corpus", *args.corpus_args])


def ensure_chromium() -> str | None:
    """Path of a Chromium for the browser smoke test; installs Debian's package when we can."""
    import shutil

    found = os.environ.get("SEQ2SEQ_CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's chromium for the browser smoke test ...", flush=True)
        apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if (
            subprocess.call(["apt-get", "update", "-qq"], env=apt_env) == 0
            and subprocess.call(["apt-get", "install", "-y", "-qq", "chromium"], env=apt_env) == 0
        ):
            return shutil.which("chromium")
    return None


def command_test(python: Path, args: argparse.Namespace) -> int:
    selection = []
    if args.skip_browser:
        print("NOTE: --skip-browser: the real-browser smoke test will NOT run.", flush=True)
        selection = ["--deselect", "tests/test_browser_smoke.py"]
    elif not ensure_chromium():
        print(
            "The browser smoke test needs Chromium: install it (Debian/Ubuntu: apt-get install "
            "chromium) or set SEQ2SEQ_CHROMIUM, or run with --skip-browser.",
            file=sys.stderr,
        )
        return 1
    env = dict(
        os.environ,
        SEQ2SEQ_FAST="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        SEQ2SEQ_SAVED_MODELS=tempfile.mkdtemp(prefix="seq2seq_saved_"),
    )
    code = run(
        [
            python,
            "-m",
            "pytest",
            "tests",
            "notebooks",
            "--nbval-lax",
            "--nbval-current-env",
            f"--nbval-cell-timeout={NOTEBOOK_CELL_TIMEOUT}",
            "--durations=10",
            *selection,
            *args.pytest_args,
        ],
        env=env,
    )
    if code == 5:
        print("pytest collected no tests: that is a failure, not a pass.", file=sys.stderr)
        return 1
    return code


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("lab", help="install, then open the course in JupyterLab")
    run_parser = commands.add_parser("run", help="install, then execute all notebooks headlessly")
    run_parser.add_argument("--fast", action="store_true", help="fast mode instead of full mode")
    run_parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    run_parser.add_argument("--out", default=BUILD, help="write OUT/executed/ (default: build/)")
    run_parser.add_argument("notebooks", nargs="*", help="only these notebooks (default: all)")
    export_parser = commands.add_parser(
        "export", help="install, execute, then write offline HTML copies and reveal.js slides"
    )
    export_parser.add_argument("--fast", action="store_true", help="execute in fast mode")
    export_parser.add_argument(
        "--no-execute",
        action="store_true",
        help="convert the notebooks as they are, without running them",
    )
    export_parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    export_parser.add_argument(
        "--out", default=BUILD, help="write OUT/executed/, OUT/html/, OUT/slides/ (default: build/)"
    )
    export_parser.add_argument("notebooks", nargs="*", help="only these notebooks (default: all)")
    instructor_parser = commands.add_parser(
        "instructor",
        help="write instructor copies (notebooks + speaker notes) to build/instructor/",
    )
    instructor_parser.add_argument(
        "--out", type=Path, default=BUILD / "instructor", help="folder for the copies"
    )
    instructor_parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace copies changed since they were written (kept as NAME.backup-<time>)",
    )
    instructor_parser.add_argument(
        "--extract",
        action="store_true",
        help="first move notes cells found in the notebooks into notebooks/instructor/",
    )
    instructor_parser.add_argument("notebooks", nargs="*", help="only these notebooks")
    commands.add_parser(
        "download-corpus",
        help="optional: download and convert the public English-Spanish corpus to data/public/",
        add_help=False,
        description="Options (see download-corpus --help): --from-file ZIP, --out DIR, "
        "--test-share X, --overwrite, --url URL.",
    )
    test_parser = commands.add_parser("test", help="install, then run every test")
    test_parser.add_argument(
        "--skip-browser",
        action="store_true",
        help="leave out the real-browser smoke test (says so loudly)",
    )
    test_parser.add_argument("pytest_args", nargs="*", help="extra arguments passed to pytest")
    args, extra = parser.parse_known_args()
    if args.command == "download-corpus":
        args.corpus_args = extra  # the helper's own options, checked by its own parser
    elif args.command == "test":
        args.pytest_args += extra  # e.g. course.py test -k corpus -x
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "instructor":
        return command_instructor(args)  # standard library only: no environment needed
    python = ensure_environment()
    handler = {
        "lab": command_lab,
        "run": command_run,
        "export": command_export,
        "test": command_test,
        "download-corpus": command_download_corpus,
    }[args.command]
    return handler(python, args)


if __name__ == "__main__":
    sys.exit(main())
