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


# Text that tells two tokenizers apart: combining marks, Unicode spaces, ¿¡, digits, apostrophes.
TRICKY = [
    "Cafe\u0301 con leche, por favor.",  # é as e + a combining accent
    "Hola,\u00a0Tom!\u202fQué\u3000tal?",  # no-break, narrow no-break and ideographic spaces
    "¿Qué?¡Ya!",
    "Tengo 2 gatos, 3,5 kg y x² m.",
    "I don't know O'Brien's dog — don’t ask.",  # straight and curly apostrophes, a dash
    "ΟΔΟΣ\tstraße\nİstanbul ＡＢＣ１",  # Greek final sigma, ß, a dotted capital I, full width
    "under_score...!!",
]


def test_tokenize_and_the_vectorizers_split_text_identically():
    """The scalable path's TextVectorization (TensorFlow's regular expressions) and tokenize
    (Python's) must agree token for token: sentence lengths, the length warnings and the
    unknown-word warnings of the scalable models are all counted with tokenize."""
    from seq2seq_helpers.scalable import make_vectorizers

    longest = max(len(tokenize(sentence)) for sentence in TRICKY)
    vectorizers = make_vectorizers([(s, s) for s in TRICKY], longest, longest + 1)
    source = vectorizers.source_vocabulary
    target = vectorizers.target_vocabulary
    for sentence, source_ids, target_ids in zip(
        TRICKY,
        vectorizers.source(TRICKY).numpy(),
        vectorizers.target(TRICKY).numpy(),
    ):
        tokens = tokenize(sentence)
        assert [source[i] for i in source_ids if i] == tokens, sentence
        assert [target[i] for i in target_ids if i] == ["<START>", *tokens, "<END>"], sentence
    assert "[UNK]" not in {source[i] for i in vectorizers.source(TRICKY).numpy().ravel()}
    assert all(token.strip() == token and token for token in source[2:])  # no space is a token
