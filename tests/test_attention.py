"""The attention model: masks, weights, inference models, <UNK> replacement, and one decoding
interface for every model (beam width 1 is greedy for the lesson's, the scalable and the
attention model)."""

import json
import warnings

import keras
import numpy as np
import pytest
from tiny_models import HELD_OUT, PAIRS, TARGET_TOKENS, train_tiny_scalable

from seq2seq_helpers.attention import (
    build_attention_inference_models,
    build_attention_model,
    replace_unknown_words,
)
from seq2seq_helpers.scalable_training import ScalableTranslator
from seq2seq_helpers.search import Decoded


def train_tiny(architecture: str, **settings) -> ScalableTranslator:
    return train_tiny_scalable(architecture, **settings)


@pytest.fixture(scope="module")
def scalable_translator():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return train_tiny("scalable")


@pytest.fixture(scope="module")
def attention_translator():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "will memorize": that is the point here
        return train_tiny("attention")


def test_the_tiny_attention_model_memorizes_and_tells_new_sentences_apart(attention_translator):
    outputs = attention_translator.translate_batch([source for source, _ in PAIRS])
    assert outputs == TARGET_TOKENS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        held_out = attention_translator.translate_batch(HELD_OUT)
    assert len(set(held_out)) >= 3, held_out  # not "the same output for every input"


def test_padding_changes_neither_outputs_nor_attention(attention_translator):
    encoder_model, decoder_model = attention_translator.inference_models
    ids = attention_translator.vectorizers.source(["the dog is big ."]).numpy()
    real = int(np.count_nonzero(ids[0]))
    short, padded = ids[:, :real], np.pad(ids[:, :real], ((0, 0), (0, 7)))
    tokens = np.array([[2, 5, 7]])  # any decoder input
    results = []
    for source in (short, padded):
        state = [np.asarray(part) for part in encoder_model(source)]
        results.append(decoder_model([tokens, *state]))
    (p_short, h_short, _, w_short), (p_padded, h_padded, _, w_padded) = results
    np.testing.assert_allclose(p_short, p_padded, atol=1e-5)
    np.testing.assert_allclose(h_short, h_padded, atol=1e-5)
    np.testing.assert_allclose(w_short, w_padded[:, :, :real], atol=1e-6)
    assert np.all(np.asarray(w_padded)[:, :, real:] == 0)  # padded positions get weight 0
    np.testing.assert_allclose(np.asarray(w_padded).sum(axis=-1), 1.0, atol=1e-5)


def test_the_training_model_masks_padding_too():
    keras.utils.set_random_seed(1)
    model = build_attention_model(20, 20, latent_dim=8, embedding_dim=4)
    source = np.array([[3, 4, 5]])
    decoder_input = np.array([[2, 6, 7]])
    padded = model([np.pad(source, ((0, 0), (0, 4))), decoder_input])
    np.testing.assert_allclose(model([source, decoder_input]), padded, atol=1e-6)


def test_beam_width_one_is_greedy_for_every_model(attention_translator, scalable_translator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        translators = [attention_translator, scalable_translator]
        translators.append(train_tiny("lesson", bucketing=False))
        sentences = [source for source, _ in PAIRS] + HELD_OUT
        for translator in translators:
            greedy = translator.decode(sentences)
            beam = translator.decode(sentences, beam_width=1, n_best=1, alpha=0.0)
            beam_one = [b[0].ids for b in beam]
            assert beam_one == [g[0].ids for g in greedy], translator.architecture
    assert [t.architecture for t in translators] == ["attention", "scalable", "lesson"]


def test_beam_n_best_is_sorted_and_returns_attention(attention_translator):
    decoded = attention_translator.decode(HELD_OUT[:2], beam_width=4, n_best=3)
    for hypotheses in decoded:
        scores = [h.score for h in hypotheses]
        assert scores == sorted(scores, reverse=True)
        for h in hypotheses:
            assert h.attention.shape[0] == len(h.ids) + 1
            np.testing.assert_allclose(h.attention.sum(axis=1), 1.0, atol=1e-5)


def test_greedy_attention_rows_sum_to_one_over_real_tokens(attention_translator):
    decoded = attention_translator.decode(["The dog is big."])[0][0]
    real = 5  # the, dog, is, big, .
    assert decoded.attention.shape == (len(decoded.ids) + 1, 6)
    np.testing.assert_allclose(decoded.attention[:, :real].sum(axis=1), 1.0, atol=1e-5)
    assert np.all(decoded.attention[:, real:] == 0)


def test_unknown_words_are_replaced_by_the_most_attended_source_word(attention_translator):
    attention = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1]])
    replaced = replace_unknown_words(["veo", "[UNK]", "[UNK]"], attention, ["i", "see", "Lisbon"])
    assert replaced == ["veo", "Lisbon", "see"]
    # Punctuation is never copied: the most-attended *word* is.
    assert replace_unknown_words(["[UNK]"], attention[1:], ["i", "saw", "."]) == ["i"]
    assert replace_unknown_words(["[UNK]"], attention[1:], ["¿", "?", "."]) == ["[UNK]"]
    with pytest.raises(ValueError, match="rows"):
        replace_unknown_words(["a", "b"], attention[:1], ["x"])
    # Through the translator: a Decoded whose second word is [UNK] and attends to "dog".
    vocabulary = attention_translator.vectorizers.target_vocabulary
    weights = np.zeros((3, 6))
    weights[0, 0], weights[1, 1], weights[2, 4] = 1, 1, 1  # word 1 is "dog"
    decoded = Decoded([vocabulary.index("el"), vocabulary.index("[UNK]")], 0.0, weights)
    assert attention_translator.words(decoded, "The dog is big.") == ["el", "dog"]
    assert attention_translator.words(decoded) == ["el", "[UNK]"]


def test_a_beam_wider_than_the_vocabulary_is_refused(scalable_translator):
    size = len(scalable_translator.vectorizers.target_vocabulary)
    with pytest.raises(ValueError, match=f"larger than the {size} target words"):
        scalable_translator.decode(["I see the dog."], beam_width=size + 1)


def test_replace_unknown_needs_attention(scalable_translator):
    with pytest.raises(ValueError, match="attention"):
        scalable_translator.translate_batch(["I see the dog."], replace_unknown=True)


def test_bidirectional_and_additive_options_build_and_decode():
    keras.utils.set_random_seed(0)
    model = build_attention_model(
        30, 30, latent_dim=8, embedding_dim=4, score="bahdanau", bidirectional=True
    )
    encoder_model, decoder_model = build_attention_inference_models(model)
    sequence, mask, state_hidden, state_cell = encoder_model(np.array([[3, 4, 0]]))
    assert sequence.shape == (1, 3, 16) and state_hidden.shape == (1, 16)
    state = [np.asarray(part) for part in (sequence, mask, state_hidden, state_cell)]
    probabilities, *_, weights = decoder_model([np.array([[2]]), *state])
    assert probabilities.shape == (1, 1, 30) and weights.shape == (1, 1, 3)
    with pytest.raises(ValueError, match="score"):
        build_attention_model(30, 30, score="cosine")


def test_a_saved_attention_translator_translates_the_same(attention_translator, tmp_path):
    folder = attention_translator.save(tmp_path / "attention")
    settings = json.loads((folder / "vectorizers.json").read_text(encoding="utf-8"))
    assert settings["architecture"] == "attention"  # recorded, not guessed from the layers
    loaded = ScalableTranslator.load(folder)
    assert loaded.recorded_architecture == loaded.architecture == "attention"
    sentences = [source for source, _ in PAIRS[:4]]
    assert loaded.translate_batch(sentences, beam_width=3) == attention_translator.translate_batch(
        sentences, beam_width=3
    )
    # A folder saved before saves recorded the architecture still loads: read from the layers.
    del settings["architecture"]
    (folder / "vectorizers.json").write_text(json.dumps(settings), encoding="utf-8")
    older = ScalableTranslator.load(folder)
    assert older.recorded_architecture is None and older.architecture == "attention"
    (folder / "vectorizers.json").write_text(
        json.dumps({**settings, "architecture": "gru"}), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="damaged.*'gru' is none of"):
        ScalableTranslator.load(folder)


@pytest.fixture(scope="module")
def bahdanau_bidirectional_translator():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "will memorize": that is the point here
        return train_tiny("attention", attention_score="bahdanau", bidirectional=True)


def test_the_bidirectional_bahdanau_model_memorizes_decodes_and_saves(
    bahdanau_bidirectional_translator, tmp_path
):
    """Notebook 09's other options (the README quotes its bidirectional model's BLEU): the
    model is what was asked for, learns, decodes greedy and beam, and survives saving."""
    translator = bahdanau_bidirectional_translator
    model = translator.model
    assert isinstance(model.get_layer("attention"), keras.layers.AdditiveAttention)
    assert isinstance(model.get_layer("encoder_bidirectional"), keras.layers.Bidirectional)
    sources = [source for source, _ in PAIRS]
    assert translator.translate_batch(sources) == TARGET_TOKENS
    greedy = translator.decode(sources + HELD_OUT)
    beam = translator.decode(sources + HELD_OUT, beam_width=1, n_best=1, alpha=0.0)
    assert [b[0].ids for b in beam] == [g[0].ids for g in greedy]
    loaded = ScalableTranslator.load(translator.save(tmp_path / "bidirectional"))
    assert isinstance(loaded.model.get_layer("attention"), keras.layers.AdditiveAttention)
    assert loaded.translate_batch(sources, beam_width=3) == translator.translate_batch(
        sources, beam_width=3
    )
