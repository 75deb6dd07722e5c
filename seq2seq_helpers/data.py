"""Reading sentence-pair files.

Introduced in notebooks/01_preprocessing.ipynb.

The format is the one used by the widely shared Anki/Tatoeba sentence-pair files: UTF-8 text, one
pair per line, ``source<TAB>target`` with an optional third column (attribution) that is ignored.
"""

from __future__ import annotations

import random
import re
import warnings
from pathlib import Path

Pair = tuple[str, str]

# Signs of text that went wrong before it reached us, each worth one warning (not an error: the
# file may still be usable, but the model would learn the damage).
SUSPICIOUS_TEXT = {
    "mojibake (UTF-8 read as Latin-1, e.g. 'Ã¡' for 'á')": re.compile(
        "Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]|â€"
    ),
    "HTML entities (e.g. '&amp;', '&lt;')": re.compile(
        r"&(?:[a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,6});"
    ),
    "control characters": re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f]"),
}
_FIRST_LINES_SHOWN = 5


def _parse_line(line: str, path: Path, line_number: int) -> Pair:
    columns = line.split("\t")
    if len(columns) < 2:
        raise ValueError(
            f"{path}, line {line_number}: expected 'source<TAB>target' but found no tab "
            f"in {line!r}. Separate the two sentences with a tab character."
        )
    source, target = columns[0].strip(), columns[1].strip()
    if not source or not target:
        side = "source (first column)" if not source else "target (second column)"
        raise ValueError(f"{path}, line {line_number}: the {side} is empty in {line!r}.")
    return source, target


def _read_lines(path: Path, encoding: str) -> list[tuple[int, str]]:
    """The file's non-blank lines with their 1-based numbers; a clear error if not decodable."""
    raw = path.read_bytes()
    # utf-8-sig drops a byte-order mark; splitlines() handles \n, \r\n and \r endings.
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    try:
        text = raw.decode(codec)
    except LookupError:
        raise ValueError(f"Unknown encoding {encoding!r}; try 'utf-8' or 'cp1252'.") from None
    except UnicodeDecodeError as error:
        line_number = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line_end = raw.find(b"\n", error.start)
        shown = raw[line_start : line_end if line_end != -1 else len(raw)].decode(codec, "replace")
        raise ValueError(
            f"{path}, line {line_number}: the file is not valid {encoding} (byte "
            f"0x{raw[error.start]:02x} in {shown.rstrip()!r}). It was probably saved as Latin-1 or "
            "Windows-1252, as Windows tools often do for Spanish text. Fix: save it again as "
            "UTF-8 (in most editors: Save As -> Encoding: UTF-8), or read it with "
            "load_pairs(path, encoding='cp1252')."
        ) from None
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _warn_about_suspicious_text(path: Path, lines: list[tuple[int, str]]) -> None:
    found = {
        name: [n for n, line in lines if pattern.search(line)]
        for name, pattern in SUSPICIOUS_TEXT.items()
    }
    parts = [
        f"{len(numbers)} line(s) with {name}, first at line(s) "
        + ", ".join(str(n) for n in numbers[:_FIRST_LINES_SHOWN])
        for name, numbers in found.items()
        if numbers
    ]
    if parts:
        warnings.warn(
            f"{path}: " + "; ".join(parts) + ". The model would learn these as words: clean the "
            "file (re-save it as UTF-8 from the original, unescape HTML) before training.",
            stacklevel=3,
        )


def load_pairs(
    path: str | Path,
    num_pairs: int | None = None,
    *,
    sample: bool = False,
    seed: int = 0,
    max_length: int | None = None,
    encoding: str = "utf-8",
) -> list[Pair]:
    """Read (source, target) sentence pairs from a tab-separated file.

    Args:
        path: the file to read. Blank lines are skipped; a byte-order mark and Windows line
            endings are handled; a third column (attribution) is ignored.
        num_pairs: how many pairs to return; ``None`` returns all of them.
        sample: if True, return a random sample of ``num_pairs`` pairs in shuffled order
            (seeded by ``seed``); if False, return the first ``num_pairs`` pairs of the file.
            With ``num_pairs=None`` and ``sample=True`` the whole file comes back shuffled.
        seed: the random seed used when ``sample`` is True.
        max_length: keep only pairs whose two sentences each have at most this many tokens
            (words and punctuation marks, as ``text.tokenize`` splits them: "8:30" is three),
            before taking ``num_pairs``. The lesson's one-hot arrays grow with the longest
            sentence, so notebooks 02-05 train on short ones.
        encoding: the file's text encoding. UTF-8 (the default, with or without a byte-order
            mark) is what the course ships; pass ``"cp1252"`` for a file saved by Windows tools.

    Returns:
        A list of ``(source, target)`` string pairs, whitespace stripped.

    Raises:
        FileNotFoundError: the file does not exist.
        IsADirectoryError: the path is a folder (the message lists the files in it).
        ValueError: the file is empty, is not in ``encoding`` (the message names the line and
            how to fix it), a line is malformed (the message names the file, the line number and
            the line), or ``num_pairs`` is not a positive integer.

    Warns:
        UserWarning: once, with counts and the first line numbers, when lines contain likely
            mojibake, HTML entities or control characters.
    """
    path = Path(path)
    for name, value in (("num_pairs", num_pairs), ("max_length", max_length)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise ValueError(f"{name} must be a positive integer or None, got {value!r}.")
    if path.is_dir():
        inside = sorted(p.name for p in path.iterdir() if p.suffix in {".tsv", ".txt"})
        hint = f" It contains: {', '.join(inside[:5])}." if inside else ""
        raise IsADirectoryError(
            f"{path} is a folder, not a sentence-pair file: pass the path of the file itself.{hint}"
        )
    if not path.is_file():
        raise FileNotFoundError(
            f"Sentence-pair file not found: {path}. Check the path, or use the course corpus "
            "seq2seq_helpers.config.DEFAULT_CORPUS."
        )
    lines = _read_lines(path, encoding)
    pairs = [_parse_line(line, path, number) for number, line in lines]
    _warn_about_suspicious_text(path, lines)
    if max_length is not None:
        from seq2seq_helpers.text import tokenize

        pairs = [p for p in pairs if max(len(tokenize(p[0])), len(tokenize(p[1]))) <= max_length]
        if not pairs:
            raise ValueError(f"No pair in {path} has at most {max_length} tokens on both sides.")
    if not pairs:
        raise ValueError(
            f"{path} contains no sentence pairs (the file is empty or only blank lines)."
        )
    if num_pairs is not None and num_pairs > len(pairs):
        warnings.warn(
            f"Asked for {num_pairs} pairs but {path} has only {len(pairs)}"
            + (f" with at most {max_length} tokens" if max_length else "")
            + "; using all of them.",
            stacklevel=2,
        )
    if sample:
        pairs = random.Random(seed).sample(pairs, len(pairs))
    return pairs if num_pairs is None else pairs[:num_pairs]
