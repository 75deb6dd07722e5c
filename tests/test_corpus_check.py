import pytest

from seq2seq_helpers.config import DEFAULT_CORPUS, DEFAULT_TEST_CORPUS
from seq2seq_helpers.corpus_check import (
    check_corpus,
    coverage,
    everyday_words,
    main,
    one_word_neighbours,
    untranslated_words,
)

GOOD = "I'm tired.\tEstoy cansado.\tbasics\nWhere is Tom?\t¿Dónde está Tom?\tbasics\n"


def check(tmp_path, train: str, test: str | None = None):
    train_path = tmp_path / "train.tsv"
    train_path.write_text(train, encoding="utf-8")
    test_path = None
    if test is not None:
        test_path = tmp_path / "test.tsv"
        test_path.write_text(test, encoding="utf-8")
    return check_corpus(train_path, test_path)


def test_a_clean_file_passes_and_is_counted(tmp_path):
    report = check(tmp_path, GOOD)
    assert report.errors == []
    counts = report.counts["train"]
    assert counts["pairs"] == 2 and counts["topics"] == {"basics": 2}
    assert counts["english_words"]["1-4"] == 2


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Hello.\tHola.\textra\tcolumn\n", "expected 'English<TAB>Spanish"),
        ("Hello. \tHola.\tbasics\n", "expected 'English<TAB>Spanish"),
        ("Hello.\t\tbasics\n", "an empty side"),
        ("Where?\tDónde?\tbasics\n", "'?' without an opening '¿'"),
        ("Great!\t¡Qué bien\tbasics\n", "'¡' without a closing '!'"),
        ("The house is big.\tLa house es grande.\tbasics\n", "['house'] left in"),
        ("Fish &amp; chips.\tPescado con papas.\tbasics\n", "HTML entities"),
        ("Ok.\tEstÃ¡ bien.\tbasics\n", "mojibake"),
    ],
)
def test_each_problem_fails_with_its_line(tmp_path, line, expected):
    report = check(tmp_path, GOOD + line)
    assert any("line 3" in e and expected in e for e in report.errors), report.errors


def test_duplicate_english_inside_and_across_files(tmp_path):
    report = check(tmp_path, GOOD + "i'm  TIRED.\tEstoy cansada.\tbasics\n")
    assert any("duplicate English" in e and "line 1" in e for e in report.errors)
    report = check(tmp_path, GOOD, "Where is Tom?\t¿Dónde está Tom?\tbasics\n")
    assert any("test.tsv, line 1: duplicate" in e and "train.tsv" in e for e in report.errors)


def test_mixed_column_counts_and_empty_file(tmp_path):
    assert any("different column counts" in e for e in check(tmp_path, GOOD + "A.\tB.\n").errors)
    assert any("no sentence pairs" in e for e in check(tmp_path, "").errors)


def test_names_and_shared_words_are_not_untranslated():
    assert untranslated_words("Ana's doctor is in Lima.", "El doctor de Ana está en Lima.") == []
    assert untranslated_words("The actor was terrible.", "El actor fue terrible.") == []
    assert untranslated_words("I like the beach.", "Me gusta la beach.") == ["beach"]


def test_one_word_neighbours_counts_swaps_insertions_and_deletions():
    train = [["i", "like", "tea", "."], ["we", "go", "home", "."]]
    test = [
        ["i", "like", "coffee", "."],  # one word swapped
        ["we", "go", "home", "now", "."],  # one word more
        ["i", "tea", "."],  # one word fewer
        ["she", "reads", "a", "book", "."],  # far from both
    ]
    assert one_word_neighbours(test, train) == 3


def test_shipped_corpus_and_test_file_pass(capsys):
    assert main([str(DEFAULT_CORPUS), str(DEFAULT_TEST_CORPUS)]) == 0, capsys.readouterr().out
    report = check_corpus(DEFAULT_CORPUS, DEFAULT_TEST_CORPUS)
    train, test = report.counts["train"], report.counts["test"]
    assert train["pairs"] >= 12_000 and test["pairs"] >= 1_000
    assert train["english_word_types"] >= 3_000
    assert train["share_8_to_15_words"] >= 0.30
    assert report.counts["test_within_one_word_of_training"] <= 0.10


def test_data_readme_quotes_what_the_check_prints():
    readme = (DEFAULT_CORPUS.parent / "README.md").read_text(encoding="utf-8")
    report = check_corpus(DEFAULT_CORPUS, DEFAULT_TEST_CORPUS)
    train, test = report.counts["train"], report.counts["test"]
    rows = {
        "pairs": (train["pairs"], test["pairs"]),
        "English word types (lowercased, words only)": (
            train["english_word_types"],
            test["english_word_types"],
        ),
        "Spanish word types": (train["spanish_word_types"], test["spanish_word_types"]),
        "English sentences of 1–4 words": (
            train["english_words"]["1-4"],
            test["english_words"]["1-4"],
        ),
        "5–7 words": (train["english_words"]["5-7"], test["english_words"]["5-7"]),
    }
    for name, (a, b) in rows.items():
        assert f"| {name} | {a:,} | {b:,} |" in readme, name
    long_row = (
        f"| 8–15 words | {train['english_words']['8-15']:,} ({train['share_8_to_15_words']:.1%}) "
        f"| {test['english_words']['8-15']:,} ({test['share_8_to_15_words']:.1%}) |"
    )
    assert long_row in readme
    for topic, count in train["topics"].items():
        assert f"{count:,} / {test['topics'][topic]:,}" in readme, topic
    assert f"{train['pairs']:,} training pairs" in readme and f"{test['pairs']:,} pairs" in readme
    assert f"{report.counts['test_within_one_word_of_training']:.1%}" in readme


def test_everyday_words_are_words_a_learner_types():
    words = everyday_words(2000)
    assert len(words) == len(set(words)) == 2000
    assert words[:3] == ["the", "to", "and"]
    assert "a" in words and "i" in words and "don't" in words
    unwanted = {"s", "t", "re", "ll", "u.s", "1", "fuck", "shit"}
    assert not unwanted & set(everyday_words(5000))


def test_coverage_counts_the_missing_everyday_words():
    share, missing = coverage(["The cat and the dog.", "I don't know."], 10)
    expected = [w for w in everyday_words(10) if w not in {"the", "and", "i", "don't", "know"}]
    assert missing == expected
    assert share == 1 - len(expected) / 10


def test_the_training_file_covers_everyday_english():
    english = [line.split("\t")[0] for line in DEFAULT_CORPUS.read_text("utf-8").splitlines()]
    share_2000, _ = coverage(english, 2000)
    share_5000, _ = coverage(english, 5000)
    assert share_2000 >= 0.95 and share_5000 >= 0.85
    readme = (DEFAULT_CORPUS.parent / "README.md").read_text(encoding="utf-8")
    assert f"{share_2000:.2%} of the 2,000" in readme and f"{share_5000:.2%} of the 5,000" in readme
