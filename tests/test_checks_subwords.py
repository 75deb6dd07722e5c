"""check_join_pieces (notebook 11's subword exercise) accepts the right answer, agrees with
SentencePiece's own decoding, and names each typical mistake."""

import pytest

from seq2seq_helpers.checks import check_join_pieces
from seq2seq_helpers.checks.subwords import CASES, WORD_START


def join_pieces(pieces):
    return "".join(pieces).replace(WORD_START, " ")[1:]


def test_the_right_answer_passes_in_more_than_one_way():
    assert check_join_pieces(join_pieces)
    assert check_join_pieces(lambda pieces: "".join(pieces).replace(WORD_START, " ").lstrip())


def test_the_reference_joins_what_sentencepiece_splits():
    from seq2seq_helpers.config import DEFAULT_CORPUS
    from seq2seq_helpers.data import load_pairs
    from seq2seq_helpers.subwords import make_subword_vectorizers

    vectorizers = make_subword_vectorizers(load_pairs(DEFAULT_CORPUS), 1000)  # digits too
    for _, text in CASES:  # the same texts, as a model of the course's pieces splits them
        pieces = vectorizers.split_target(text)
        assert join_pieces(pieces) == text == vectorizers.join_target(pieces)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda p: "".join(p).replace(WORD_START, " "), "starts with a space"),
        (lambda p: "".join(p), "marks are still in the text"),
        (lambda p: " ".join(p).replace(WORD_START, "").strip(), "spaces between the pieces"),
        (lambda p: " ".join(p).replace(WORD_START, " ").strip(), "spaces between the pieces"),
        (lambda p: "".join(p).replace(WORD_START, ""), "spaces are missing"),
        (lambda p: join_pieces(p).lower(), "the letters differ"),
    ],
)
def test_each_typical_mistake_is_named(wrong, message):
    feedback = check_join_pieces(wrong)
    assert not feedback and message in str(feedback), str(feedback)
    assert "Estoy muy bien" in str(feedback)  # the first list of pieces that came back wrong


def test_unanswered_errors_and_wrong_types_are_reported():
    assert "Not answered" in str(check_join_pieces(None))
    assert "Not answered" in str(check_join_pieces(lambda pieces: None))

    def stub(pieces):
        raise NotImplementedError

    assert "Not answered" in str(check_join_pieces(stub))
    assert "raised IndexError" in str(check_join_pieces(lambda pieces: pieces[0][99]))
    assert "returned a list" in str(check_join_pieces(lambda pieces: pieces))
    assert "the function itself" in str(check_join_pieces("Estoy muy bien"))
    # Right on sentences but wrong on the empty list: that case is named too.
    empty_wrong = check_join_pieces(lambda p: join_pieces(p) if p else " ")
    assert not empty_wrong and "for []" in str(empty_wrong)
