"""scores_by_length groups test sentences by source length; plot_scores_by_length draws them."""

from __future__ import annotations

import math

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from seq2seq_helpers.evaluation import (  # noqa: E402
    LENGTH_BUCKETS,
    count_words,
    scores_by_length,
)
from seq2seq_helpers.plotting import plot_scores_by_length  # noqa: E402
from seq2seq_helpers.text import tokenize  # noqa: E402

SOURCES = [
    "Hi.",  # 1 word
    "Tom, where are you?",  # 4 words, 6 tokens: the comma and "?" are not words
    "I can see the sea.",  # 5 words
    "I think that we should leave the house before it starts to rain.",  # 13 words
]
REFERENCES = [
    "Hola.",
    "Tom, ¿dónde estás?",
    "Puedo ver el mar.",
    "Creo que deberíamos salir de la casa antes de que empiece a llover.",
]
# The model's outputs come as space-separated lowercase tokens; only the words should count.
PERFECT = [" ".join(tokenize(reference)) for reference in REFERENCES]


def test_count_words_counts_only_tokens_with_a_letter_or_digit():
    assert [count_words(source) for source in SOURCES] == [1, 4, 5, 13]
    assert count_words("It's 5 o'clock.") == 3
    assert count_words("¿Qué?!") == 1
    assert count_words("?!") == 0


def test_sentences_land_in_the_right_buckets():
    results = scores_by_length(SOURCES, PERFECT, REFERENCES)
    assert [row["bucket"] for row in results] == ["1-4", "5-8", "9-12", "13+"]
    assert [row["sentences"] for row in results] == [2, 1, 0, 1]

    narrow = scores_by_length(
        SOURCES, PERFECT, REFERENCES, buckets=((1, 1), (2, 4), (5, 12), (13, 13))
    )
    assert [row["bucket"] for row in narrow] == ["1", "2-4", "5-12", "13"]
    assert [row["sentences"] for row in narrow] == [1, 1, 1, 1]


def test_perfect_outputs_score_100_in_every_non_empty_bucket():
    for row in scores_by_length(SOURCES, PERFECT, REFERENCES):
        if row["sentences"]:
            assert row["bleu"] == pytest.approx(100), row
            assert row["chrf"] == pytest.approx(100), row
            assert row["exact_match"] == pytest.approx(100), row


def test_a_wrong_output_only_lowers_its_own_bucket():
    outputs = [*PERFECT[:3], "creo que nos vamos ."]
    results = {row["bucket"]: row for row in scores_by_length(SOURCES, outputs, REFERENCES)}
    assert results["1-4"]["chrf"] == pytest.approx(100)
    assert results["5-8"]["chrf"] == pytest.approx(100)
    assert results["13+"]["chrf"] < 50
    assert results["13+"]["bleu"] < 50
    assert results["13+"]["exact_match"] == 0


def test_empty_bucket_has_nan_scores():
    empty = scores_by_length(SOURCES, PERFECT, REFERENCES)[2]
    assert empty["bucket"] == "9-12" and empty["sentences"] == 0
    assert all(math.isnan(empty[name]) for name in ("bleu", "chrf", "exact_match"))


def test_bleu_is_zero_when_every_reference_is_shorter_than_four_tokens():
    # Documented limit of corpus BLEU (it needs 4-word sequences); chrF still says 100.
    row = scores_by_length(["Hi.", "Go."], ["Hola.", "Ve."], ["Hola.", "Ve."])[0]
    assert row["sentences"] == 2
    assert row["bleu"] == 0
    assert row["chrf"] == pytest.approx(100)


@pytest.mark.parametrize(
    "sources, outputs, references, buckets, message",
    [
        (SOURCES, PERFECT[:3], REFERENCES, LENGTH_BUCKETS, "one entry per test sentence"),
        (SOURCES, PERFECT, REFERENCES[:2], LENGTH_BUCKETS, "one entry per test sentence"),
        ([], [], [], LENGTH_BUCKETS, "at least one test sentence"),
        (SOURCES, PERFECT, REFERENCES, (), "non-empty sequence"),
        (SOURCES, PERFECT, REFERENCES, "1-4", "non-empty sequence"),
        (SOURCES, PERFECT, REFERENCES, ((1, 4, 8),), r"buckets\[0\].*\(low, high\) pair"),
        (SOURCES, PERFECT, REFERENCES, ((1.5, 4),), "low must be a whole number"),
        (SOURCES, PERFECT, REFERENCES, ((True, 4),), "low must be a whole number"),
        (SOURCES, PERFECT, REFERENCES, ((1, "4"),), "high must be a whole number"),
        (SOURCES, PERFECT, REFERENCES, ((5, 1),), "high must be >= low"),
        (SOURCES, PERFECT, REFERENCES, ((1, 4), (4, None)), "overlaps"),
        (SOURCES, PERFECT, REFERENCES, ((5, 8), (1, 4)), "overlaps or comes before"),
        (SOURCES, PERFECT, REFERENCES, ((1, None), (5, 8)), "must be the last bucket"),
        (SOURCES, PERFECT, REFERENCES, ((1, 4), (5, 8)), "has 13 words, which no bucket"),
        (["?!"], ["?"], ["?"], LENGTH_BUCKETS, "has 0 words"),
        ([7], ["a"], ["a"], LENGTH_BUCKETS, r"sources\[0\] must be a string"),
    ],
)
def test_scores_by_length_errors(sources, outputs, references, buckets, message):
    with pytest.raises(ValueError, match=message):
        scores_by_length(sources, outputs, references, buckets=buckets)


def test_plot_has_one_line_per_model_and_skips_empty_buckets():
    outputs = [*PERFECT[:3], "creo que nos vamos ."]
    results = {
        "perfect": scores_by_length(SOURCES, PERFECT, REFERENCES),
        "one mistake": scores_by_length(SOURCES, outputs, REFERENCES),
    }
    figure = plot_scores_by_length(results, metric="bleu")
    try:
        axis = figure.axes[0]
        lines = axis.get_lines()
        assert len(lines) == 2
        assert [text.get_text() for text in axis.get_legend().get_texts()] == list(results)
        # Buckets 1-4, 5-8 and 13+ (x = 0, 1, 3); the empty 9-12 bucket has no point.
        assert list(lines[0].get_xdata()) == [0, 1, 3]
        assert list(lines[0].get_ydata()) == pytest.approx([100, 100, 100])
        assert lines[1].get_ydata()[-1] < 50
        assert all(line.get_marker() == "o" for line in lines)
        assert axis.get_ylabel() == "BLEU"
        assert [tick.get_text() for tick in axis.get_xticklabels()] == [
            "1-4 words\n(n=2)",
            "5-8 words\n(n=1)",
            "9-12 words\n(n=0)",
            "13+ words\n(n=1)",
        ]
    finally:
        plt.close(figure)

    figure = plot_scores_by_length(results)
    try:
        assert figure.axes[0].get_ylabel() == "chrF"
    finally:
        plt.close(figure)


def test_plot_errors():
    rows = scores_by_length(SOURCES, PERFECT, REFERENCES)
    with pytest.raises(ValueError, match="metric must be one of"):
        plot_scores_by_length({"model": rows}, metric="accuracy")
    with pytest.raises(ValueError, match="results is empty"):
        plot_scores_by_length({})
    other = scores_by_length(SOURCES, PERFECT, REFERENCES, buckets=((1, 8), (9, None)))
    with pytest.raises(ValueError, match="same buckets"):
        plot_scores_by_length({"model": rows, "other": other})
