import pytest

from seq2seq_helpers.text import (
    END_TOKEN,
    START_TOKEN,
    build_vocabulary,
    features_dict,
    prepare_training_setup,
    reverse_features_dict,
    tokenize,
    wrap_target,
)


def test_tokenize_splits_punctuation_and_lowercases():
    assert tokenize("¿Dónde está Tom?") == ["¿", "dónde", "está", "tom", "?"]
    assert tokenize("I don't know.") == ["i", "don't", "know", "."]
    assert tokenize("Hi, Tom!", lowercase=False) == ["Hi", ",", "Tom", "!"]


def test_tokenize_rejects_non_strings():
    with pytest.raises(ValueError, match="string"):
        tokenize(None)


def test_wrap_target():
    assert wrap_target(["hola", "."]) == [START_TOKEN, "hola", ".", END_TOKEN]


def test_dictionaries_round_trip():
    vocabulary = build_vocabulary([["b", "a"], ["c", "a"]])
    assert vocabulary == ["a", "b", "c"]
    forward = features_dict(vocabulary)
    backward = reverse_features_dict(forward)
    assert all(backward[forward[token]] == token for token in vocabulary)
    assert sorted(forward.values()) == list(range(len(vocabulary)))


def test_duplicate_vocabulary_rejected():
    with pytest.raises(ValueError, match="duplicate"):
        features_dict(["a", "a"])


def test_prepare_training_setup():
    setup = prepare_training_setup([("Hi.", "Hola."), ("Good night, Tom.", "Buenas noches, Tom.")])
    assert setup.input_docs[1] == ["good", "night", ",", "tom", "."]
    assert setup.target_docs[0] == [START_TOKEN, "hola", ".", END_TOKEN]
    assert setup.max_encoder_seq_length == 5
    assert setup.max_decoder_seq_length == 7
    assert START_TOKEN in setup.target_features_dict and END_TOKEN in setup.target_features_dict
    assert START_TOKEN not in setup.input_features_dict
    assert setup.num_decoder_tokens == len(setup.reverse_target_features_dict)


def test_prepare_training_setup_rejects_empty_and_tokenless():
    with pytest.raises(ValueError, match="at least one"):
        prepare_training_setup([])
    with pytest.raises(ValueError, match="no tokens"):
        prepare_training_setup([("   ", "Hola.")])
