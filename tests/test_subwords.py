import numpy as np
import pytest
import tensorflow as tf

from seq2seq_helpers.config import DEFAULT_CORPUS
from seq2seq_helpers.data import load_pairs
from seq2seq_helpers.scalable_training import ScalableTranslator, train_scalable
from seq2seq_helpers.subwords import (
    SubwordVectorizers,
    make_subword_vectorizers,
    piece_counts,
    train_sentencepiece,
)
from seq2seq_helpers.text import END_TOKEN, START_TOKEN, UNKNOWN_TOKEN

PAIRS = load_pairs(DEFAULT_CORPUS, 400)


@pytest.fixture(scope="module")
def vectorizers() -> SubwordVectorizers:
    return make_subword_vectorizers(PAIRS, 400, max_source_length=24, max_target_length=30)


def test_ids_are_laid_out_like_the_word_vectorizers(vectorizers):
    for vocabulary in (vectorizers.source_vocabulary, vectorizers.target_vocabulary):
        assert len(vocabulary) == 400
        assert vocabulary[:4] == ["", UNKNOWN_TOKEN, START_TOKEN, END_TOKEN]
        assert "<0xE6>" in vocabulary  # the byte pieces of byte_fallback


def test_text_comes_back_exactly_with_case_accents_and_marks(vectorizers):
    sentence = "¿Hablaremos mañana a las 7:30? ¡Sí, Ana!"
    ids = vectorizers.target(tf.constant([sentence])).numpy()[0]
    assert ids[0] == 2 and 3 in ids  # <START> ... <END>
    inner = ids[1 : list(ids).index(3)]
    assert vectorizers.join_target(vectorizers.split_target(sentence)) == sentence
    text = vectorizers.detokenize_ids(tf.constant([inner]))[0].numpy().decode("utf-8")
    assert text == sentence


def test_an_unseen_script_is_spelled_in_bytes_never_unknown(vectorizers):
    sentence = "Tom dice 日本 😂."
    ids = vectorizers.source(tf.constant([sentence])).numpy()[0]
    assert 1 not in ids  # no [UNK]
    pieces = vectorizers.split_source(sentence)
    assert "<0xE6>" in pieces
    back = vectorizers.detokenize_ids(vectorizers.target(tf.constant([sentence]))[:, 1:])
    assert back.numpy()[0].decode("utf-8") == sentence  # <START> dropped; <END> decodes to ""


def test_padding_and_cutting_to_the_lengths(vectorizers):
    long = " ".join(["palabra"] * 40)
    ids = vectorizers.source(tf.constant(["Hola.", long, ""])).numpy()
    assert ids.shape == (3, 24) and ids.dtype == np.int64
    used = len(vectorizers.split_source("Hola."))
    assert (ids[0, :used] != 0).all() and (ids[0, used:] == 0).all()
    assert (ids[1] != 0).all() and (ids[2] == 0).all()
    assert vectorizers.target(tf.constant(["Hola."])).shape == (1, 31)


def test_lengths_cover_most_sentences_when_not_given():
    made = make_subword_vectorizers(PAIRS, 400, coverage=0.9)
    counts = piece_counts(made, [s for s, _ in PAIRS])
    assert np.mean(counts <= made.max_source_length) >= 0.9
    assert np.mean(counts <= made.max_source_length - 1) < 0.9


def test_same_sentences_give_the_same_model():
    sentences = [s for s, _ in PAIRS]
    assert train_sentencepiece(sentences, 350) == train_sentencepiece(sentences, 350)
    assert train_sentencepiece(sentences, 350, "bpe") != train_sentencepiece(sentences, 350)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(vocabulary_size=100), "too small"),
        (dict(vocabulary_size=4.5), "must be an integer"),
        (dict(vocabulary_size=400, model_type="word"), "model_type must be one of"),
        (dict(vocabulary_size=50_000), "use a smaller vocabulary_size"),
    ],
)
def test_bad_settings_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_sentencepiece([s for s, _ in PAIRS], **kwargs)


def test_train_scalable_refuses_conflicting_settings(vectorizers):
    with pytest.raises(ValueError, match="max_tokens caps a word vocabulary"):
        train_scalable(PAIRS, vectorizers=vectorizers, max_tokens=100)
    with pytest.raises(ValueError, match="pad to 24 source and 30 target"):
        train_scalable(PAIRS, vectorizers=vectorizers, max_source_length=10)


@pytest.mark.parametrize("architecture", ["attention", "transformer"])
def test_a_subword_translator_trains_saves_and_loads(vectorizers, architecture, tmp_path):
    sizes = (
        dict(latent_dim=16, embedding_dim=8)
        if architecture == "attention"
        else dict(transformer_sizes=dict(model_dim=16, ff_dim=16, num_layers=1, num_heads=2))
    )
    translator, history = train_scalable(
        PAIRS, vectorizers=vectorizers, architecture=architecture, epochs=1, verbose=0, **sizes
    )
    assert len(history["loss"]) == 1
    sentences = ["I'm very well, thank you.", "Tom dice 日本."]
    outputs = translator.translate_batch(sentences)
    assert all(isinstance(o, str) and UNKNOWN_TOKEN not in o for o in outputs)
    decoded = translator.decode(sentences)
    for best, text in zip(decoded, outputs):  # the text is the pieces joined, not space-separated
        pieces = translator.words(best[0])
        assert text == vectorizers.join_target(pieces)
    translator.save(tmp_path / "saved")
    loaded = ScalableTranslator.load(tmp_path / "saved")
    assert isinstance(loaded.vectorizers, SubwordVectorizers)
    assert loaded.architecture == architecture
    assert loaded.translate_batch(sentences) == outputs


def test_tokenizing_still_works_after_setting_the_seed(vectorizers):
    import keras

    before = vectorizers.source(tf.constant(["Hola."])).numpy()
    keras.utils.set_random_seed(0)  # clears TensorFlow's kernel caches, as notebooks do
    assert (vectorizers.source(tf.constant(["Hola."])).numpy() == before).all()
    assert vectorizers.detokenize_ids(tf.constant([[5, 6]])).shape == (1,)
