"""The public English-Spanish sentence-pair file, on request (never needed by default).

Introduced in the README and data/README.md. The Tatoeba project's sentences, exported for Anki
as ``spa-eng.zip`` (about 120,000-140,000 pairs, CC-BY 2.0 France), have the course's format plus
an attribution column. This module downloads the archive (or takes one you downloaded), checks
it, and writes two course-format files split **by English sentence**, so that no English
sentence is in both the training and the test file::

    python3 course.py download-corpus                       # download, check, convert
    python3 course.py download-corpus --from-file spa-eng.zip   # an archive you already have

Offline, the download fails at once with a message that says what to do instead.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from seq2seq_helpers.config import DATA_DIR
from seq2seq_helpers.data import Pair, load_pairs

DEFAULT_URL = "https://www.manythings.org/anki/spa-eng.zip"
DEFAULT_OUT_DIR = DATA_DIR / "public"
TRAIN_NAME, TEST_NAME = "spa_eng_train.tsv", "spa_eng_test.tsv"


def scalable_samples_per_second() -> float:
    """Training speed of the scalable pipeline (notebook 07) on 2 CPU cores, read from the
    committed run of the README's table of every model (``benchmarks/every_model.json``), used
    only to tell the learner roughly how long an epoch will take."""
    from seq2seq_helpers.model_table import load_every_model

    return float(load_every_model()["results"]["scalable"]["samples_per_second"])


class CorpusDownloadError(RuntimeError):
    """The archive could not be fetched or read; the message says what to do instead."""


@dataclass
class ConvertedCorpus:
    train_path: Path
    test_path: Path
    train_pairs: int
    test_pairs: int
    english_sentences: int

    def summary(self) -> str:
        speed = scalable_samples_per_second()
        minutes = self.train_pairs / speed / 60
        return (
            f"{self.train_pairs:,} training pairs -> {self.train_path}\n"
            f"{self.test_pairs:,} test pairs -> {self.test_path}\n"
            f"({self.english_sentences:,} distinct English sentences, split by sentence: none is "
            "in both files.)\n"
            f"Expect about {minutes:.0f} min per epoch with the scalable pipeline of notebook 07 on "
            f"2 CPU cores (~{speed:,.0f} samples/s in the README's benchmark), far more with the "
            "lesson's one-hot pipeline, whose arrays would not fit in memory: keep NUM_PAIRS small "
            "there."
        )


def fetch_archive(url: str, timeout: float = 20.0) -> bytes:
    """The archive's bytes, or a CorpusDownloadError naming the problem and the way around it."""
    request = urllib.request.Request(url, headers={"User-Agent": "seq2seq-course/0.1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        problem = f"the server answered HTTP {error.code} ({error.reason})"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        problem = f"the server could not be reached ({reason}); is this machine offline"
    raise CorpusDownloadError(
        f"Could not download {url}: {problem}.\n"
        "The course does not need this file: data/ has its own corpus and test file. To use the "
        "public corpus anyway, download spa-eng.zip on a machine with internet access, copy it "
        "here and run: python3 course.py download-corpus --from-file path/to/spa-eng.zip"
    )


def read_archive_pairs(archive: bytes, name: str = "the archive") -> list[Pair]:
    """Every (English, Spanish) pair of the archive's sentence file, checked by ``load_pairs``."""
    try:
        zipped = zipfile.ZipFile(io.BytesIO(archive))
    except zipfile.BadZipFile:
        raise CorpusDownloadError(
            f"{name} is not a zip archive (it starts with {archive[:40]!r}). Download spa-eng.zip "
            "again, or pass the right file with --from-file."
        ) from None
    candidates = [n for n in zipped.namelist() if n.endswith(".txt") and "about" not in n.lower()]
    if len(candidates) != 1:
        raise CorpusDownloadError(
            f"{name} should hold one sentence file (such as spa.txt); it holds {zipped.namelist()}."
        )
    with tempfile.TemporaryDirectory() as folder:
        extracted = Path(folder) / Path(candidates[0]).name
        extracted.write_bytes(zipped.read(candidates[0]))
        return load_pairs(extracted)  # names the line of any malformed row


def split_by_source(
    pairs: list[Pair], test_share: float = 0.05, seed: int = 0
) -> tuple[list[Pair], list[Pair]]:
    """Split so that all translations of one English sentence land on the same side.

    The training side keeps every translation; the test side keeps the first translation of each
    of its English sentences, so each test sentence is scored once.
    """
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must be between 0 and 1, got {test_share!r}.")
    by_source: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_source.setdefault(pair[0].strip().lower(), []).append(pair)
    sources = sorted(by_source)
    random.Random(seed).shuffle(sources)
    test_count = max(1, round(len(sources) * test_share))
    test = [by_source[s][0] for s in sources[:test_count]]
    train = [pair for s in sources[test_count:] for pair in by_source[s]]
    random.Random(seed + 1).shuffle(train)
    return train, test


def write_pairs(path: Path, pairs: list[Pair]) -> None:
    path.write_text("".join(f"{source}\t{target}\n" for source, target in pairs), encoding="utf-8")


def download_public_corpus(
    url: str = DEFAULT_URL,
    out_dir: str | Path = DEFAULT_OUT_DIR,
    *,
    from_file: str | Path | None = None,
    test_share: float = 0.05,
    seed: int = 0,
    overwrite: bool = False,
    timeout: float = 20.0,
) -> ConvertedCorpus:
    """Fetch (or read ``from_file``), check, split and write the public corpus in course format."""
    out_dir = Path(out_dir)
    targets = [out_dir / TRAIN_NAME, out_dir / TEST_NAME]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(
            f"{', '.join(existing)} already exist(s); nothing was changed. Use them as they are, "
            "move them away, or pass overwrite=True (--overwrite)."
        )
    if from_file is not None:
        archive_path = Path(from_file)
        if not archive_path.is_file():
            raise FileNotFoundError(f"No archive at {archive_path}.")
        archive, name = archive_path.read_bytes(), str(archive_path)
    else:
        archive, name = fetch_archive(url, timeout), url
    pairs = read_archive_pairs(archive, name)
    train, test = split_by_source(pairs, test_share, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_pairs(targets[0], train)
    write_pairs(targets[1], test)
    english = len({source.strip().lower() for source, _ in pairs})
    return ConvertedCorpus(targets[0], targets[1], len(train), len(test), english)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Download and convert the public corpus.")
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--from-file", help="an spa-eng.zip you downloaded yourself")
    parser.add_argument("--out", default=str(DEFAULT_OUT_DIR), help="folder for the two files")
    parser.add_argument("--test-share", type=float, default=0.05)
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    try:
        result = download_public_corpus(
            args.url,
            args.out,
            from_file=args.from_file,
            test_share=args.test_share,
            overwrite=args.overwrite,
        )
    except (CorpusDownloadError, FileExistsError, FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
