"""Reading sentence-pair files.

Introduced in notebooks/01_preprocessing.ipynb.

The format is the one used by the widely shared Anki/Tatoeba sentence-pair files: UTF-8 text, one
pair per line, ``source<TAB>target`` with an optional third column (attribution) that is ignored.
"""

from __future__ import annotations

import random
import warnings
from pathlib import Path

Pair = tuple[str, str]


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


def load_pairs(
    path: str | Path,
    num_pairs: int | None = None,
    *,
    sample: bool = False,
    seed: int = 0,
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

    Returns:
        A list of ``(source, target)`` string pairs, whitespace stripped.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file is empty, a line is malformed (the message names the file, the
            line number and the line), or ``num_pairs`` is not a positive integer.
    """
    path = Path(path)
    if num_pairs is not None and (not isinstance(num_pairs, int) or num_pairs < 1):
        raise ValueError(f"num_pairs must be a positive integer or None, got {num_pairs!r}.")
    if not path.is_file():
        raise FileNotFoundError(
            f"Sentence-pair file not found: {path}. Check the path, or use the course corpus "
            "seq2seq_helpers.config.DEFAULT_CORPUS."
        )
    # utf-8-sig drops a byte-order mark; splitlines() handles \n, \r\n and \r endings.
    text = path.read_text(encoding="utf-8-sig")
    pairs = [
        _parse_line(line, path, number)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    if not pairs:
        raise ValueError(
            f"{path} contains no sentence pairs (the file is empty or only blank lines)."
        )
    if num_pairs is not None and num_pairs > len(pairs):
        warnings.warn(
            f"Asked for {num_pairs} pairs but {path} has only {len(pairs)}; using all of them.",
            stacklevel=2,
        )
    if sample:
        pairs = random.Random(seed).sample(pairs, len(pairs))
    return pairs if num_pairs is None else pairs[:num_pairs]
