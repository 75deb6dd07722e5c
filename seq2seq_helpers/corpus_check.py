"""The corpus check: what every line of the course's sentence-pair files must satisfy.

Introduced in data/README.md. Run it on the shipped files (the tests do) or on your own::

    python -m seq2seq_helpers.corpus_check                     # data/eng_spa_course.tsv + test file
    python -m seq2seq_helpers.corpus_check my_train.tsv my_test.tsv

It fails (exit code 1) on a line that breaks the format, an empty side, a duplicate English
sentence (inside a file or across the training and test files), unbalanced ``¿…?`` or ``¡…!``,
an English word left untranslated in the Spanish, or damaged text (mojibake, HTML entities,
control characters); then it prints the counts that data/README.md quotes.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from seq2seq_helpers.config import DEFAULT_CORPUS, DEFAULT_TEST_CORPUS
from seq2seq_helpers.data import SUSPICIOUS_TEXT
from seq2seq_helpers.text import tokenize

# Words spelled the same in English and Spanish: not "left untranslated" when both sides have them.
SAME_IN_BOTH = set(
    """a animal bar chocolate club color crema cultural doctor e final general golf gas hospital
    hotel idea internet local mango menu natural normal no pizza piano popular radio real sport
    taxi total tour video yoga web wifi email online chat me son come con once sin pan mar red
    sale dice vino mi solo kilo kilos alcohol pasta euro euros visa rock jazz simple capital
    tacos spam software rugby robot panda marketing plan judo jeans ideas hockey café gluten
    videos eclipse paella detective ferry compost chef campus cables tango agenda router picnic
    metro extra taxis sushi salsa mosquito karaoke flash flamenco curry control cactus ballet
    de la da del diabetes spinning gigabytes virus antivirus robots faxes peso pesos streaming
    radios koalas safari patio baobab tornado gases panel tsunami chip perfume spa guaraní
    quechua hindi cueca tamales kimchi sari kimono incas piñata samba yoruba hummus origami blog
    influencer coca calle heavy oral noble iphone crisis islam nazi drama civil debate romance clip
    pop roles base junior arena gay era anime premium""".split()
    # Spanish verb forms spelled like English words: he (I have), ve, sea, use, decide...
    + "he ve sea use decide produce escape mole ser".split()
)
# ... and most long English words ending like these (terrible, central, actor, popular).
SAME_ENDINGS = ("al", "ible", "able", "or", "ar")
LENGTH_BUCKETS = ((1, 4), (5, 7), (8, 15), (16, 99))

# The everyday words the training file should hold: the most frequent English words of the
# `wordfreq` package's list (it ships its lists inside its wheel), less what is not a word a
# learner types as one: digits and symbols, abbreviations with dots (u.s), single letters other
# than "a" and "I", contraction fragments and prefixes that its tokenizer splits off (re, ll, ve,
# st, co, ii, pre, anti), and profanity.
COVERAGE_SIZES = (2000, 5000)
NOT_EVERYDAY_WORDS = set(
    "re ll ve st co ii pre anti al fuck fucking fucked shit ass bitch dick porn".split()
)
_WORD = re.compile(r"[a-z]+('[a-z]+)?")


def everyday_words(count: int) -> list[str]:
    """The ``count`` most frequent English words of ``wordfreq``'s list, filtered as above."""
    import wordfreq  # only the coverage figures need it

    words: list[str] = []
    for word in wordfreq.iter_wordlist("en"):
        if (
            _WORD.fullmatch(word)
            and (len(word) > 1 or word in "ai")
            and (word not in NOT_EVERYDAY_WORDS)
        ):
            words.append(word)
            if len(words) == count:
                return words
    raise ValueError(f"wordfreq's English list has fewer than {count} words.")


def coverage(sentences, count: int) -> tuple[float, list[str]]:
    """Share of the ``count`` most frequent everyday English words that occur in ``sentences``
    (lowercased tokens, as ``text.tokenize`` makes them), and the missing words, most frequent
    first."""
    seen = {t for s in sentences for t in tokenize(s)}
    missing = [w for w in everyday_words(count) if w not in seen]
    return 1 - len(missing) / count, missing


@dataclass
class Row:
    path: Path
    number: int
    english: str
    spanish: str
    topic: str


@dataclass
class CorpusReport:
    errors: list[str] = field(default_factory=list)
    counts: dict[str, object] = field(default_factory=dict)


def _balance_problem(text: str, opening: str, closing: str) -> str | None:
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return f"'{closing}' without an opening '{opening}'"
    return f"'{opening}' without a closing '{closing}'" if depth else None


def untranslated_words(english: str, spanish: str) -> list[str]:
    """English words (not names, not words spelled the same in Spanish) copied into the Spanish."""
    # A word capitalized on both sides is a name (Tom, Lima), and names stay the same.
    capitalized = [
        {
            t
            for word in side.replace("'", " ").split()
            if word.lstrip('¿¡"(')[:1].isupper()
            for t in tokenize(word)
        }
        for side in (english, spanish)
    ]
    names = capitalized[0] & capitalized[1]
    lowered = {t for t in tokenize(english.replace("'", " ")) if t.isalpha() and len(t) > 1}
    spanish_tokens = {t for t in tokenize(spanish) if t.isalpha()}
    same = {w for w in lowered & spanish_tokens if len(w) >= 5 and w.endswith(SAME_ENDINGS)}
    return sorted((lowered & spanish_tokens) - names - SAME_IN_BOTH - same)


def read_rows(path: Path, report: CorpusReport) -> list[Row]:
    rows, widths = [], Counter()
    if not path.is_file():
        report.errors.append(f"{path}: no such file")
        return rows
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.split("\n"), start=1):
        if not line and number == text.count("\n") + 1:
            continue  # the end of the last line
        where = f"{path.name}, line {number}"
        columns = line.split("\t")
        widths[len(columns)] += 1
        if len(columns) not in (2, 3) or any(c != c.strip() for c in columns):
            report.errors.append(
                f"{where}: expected 'English<TAB>Spanish[<TAB>topic]' with no spaces around: {line!r}"
            )
            continue
        english, spanish = columns[0], columns[1]
        topic = columns[2] if len(columns) == 3 else ""
        if not english.strip() or not spanish.strip():
            report.errors.append(f"{where}: an empty side in {line!r}")
            continue
        for opening, closing in (("¿", "?"), ("¡", "!")):
            problem = _balance_problem(spanish, opening, closing)
            if problem:
                report.errors.append(f"{where}: {problem} in {spanish!r}")
        left = untranslated_words(english, spanish)
        if left:
            report.errors.append(f"{where}: English word(s) {left} left in {spanish!r}")
        for name, pattern in SUSPICIOUS_TEXT.items():
            if pattern.search(line):
                report.errors.append(f"{where}: {name} in {line!r}")
        rows.append(Row(path, number, english, spanish, topic))
    if len(widths) > 1:
        report.errors.append(f"{path.name}: lines have different column counts {dict(widths)}")
    if not rows:
        report.errors.append(f"{path.name}: no sentence pairs")
    return rows


def _word_types(sentences) -> int:
    """Distinct lowercased tokens with a letter in them (words, not punctuation or numbers)."""
    return len({t for s in sentences for t in tokenize(s) if any(c.isalpha() for c in t)})


def _key(sentence: str) -> str:
    return " ".join(sentence.lower().split())


def one_word_neighbours(test: list[list[str]], train: list[list[str]]) -> int:
    """How many test token lists are within one token edit (swap, insert, delete) of a training
    one, found by hashing every one-token variant instead of comparing all pairs."""
    masked, shortened = set(), set()
    for tokens in train:
        for i in range(len(tokens)):
            masked.add(tuple(tokens[:i]) + ("*",) + tuple(tokens[i + 1 :]))
            shortened.add(tuple(tokens[:i] + tokens[i + 1 :]))
    whole = {tuple(tokens) for tokens in train}
    found = 0
    for tokens in test:
        variants = [tuple(tokens[:i]) + ("*",) + tuple(tokens[i + 1 :]) for i in range(len(tokens))]
        deletions = [tuple(tokens[:i] + tokens[i + 1 :]) for i in range(len(tokens))]
        found += (
            any(v in masked for v in variants)
            or tuple(tokens) in shortened  # a training sentence with one more token
            or any(d in whole for d in deletions)  # a training sentence with one token fewer
        )
    return found


def check_corpus(train_path: Path, test_path: Path | None = None) -> CorpusReport:
    report = CorpusReport()
    files = {"train": read_rows(Path(train_path), report)}
    if test_path is not None:
        files["test"] = read_rows(Path(test_path), report)
    seen: dict[str, Row] = {}
    for rows in files.values():
        for row in rows:
            key = _key(row.english)
            if key in seen:
                first = seen[key]
                report.errors.append(
                    f"{row.path.name}, line {row.number}: duplicate English {row.english!r} "
                    f"(also {first.path.name}, line {first.number})"
                )
            seen.setdefault(key, row)
    for name, rows in files.items():
        lengths = [len(row.english.split()) for row in rows]
        histogram = {
            f"{low}-{high}" if high < 99 else f"{low}+": sum(low <= n <= high for n in lengths)
            for low, high in LENGTH_BUCKETS
        }
        report.counts[name] = {
            "pairs": len(rows),
            "english_word_types": _word_types(r.english for r in rows),
            "spanish_word_types": _word_types(r.spanish for r in rows),
            "english_words": histogram,
            "share_8_to_15_words": histogram["8-15"] / max(1, len(rows)),
            "topics": dict(Counter(row.topic or "(none)" for row in rows).most_common()),
        }
    english = [r.english for r in files["train"]]
    report.counts["train"].update(
        {f"covers_top_{n}_english_words": round(coverage(english, n)[0], 4) for n in COVERAGE_SIZES}
    )
    if "test" in files:
        neighbours = one_word_neighbours(
            [tokenize(r.english) for r in files["test"]],
            [tokenize(r.english) for r in files["train"]],
        )
        report.counts["test_within_one_word_of_training"] = neighbours / max(1, len(files["test"]))
    return report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in argv] or [DEFAULT_CORPUS, DEFAULT_TEST_CORPUS]
    report = check_corpus(*paths[:2])
    for error in report.errors[:50]:
        print("ERROR", error)
    if len(report.errors) > 50:
        print(f"... and {len(report.errors) - 50} more errors")
    for name, counts in report.counts.items():
        print(f"{name}: {counts}")
    print("FAILED" if report.errors else "OK", f"({len(report.errors)} errors)")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
