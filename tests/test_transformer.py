"""The Transformer: the causal mask, padding masks, inference models that match the training
model, the shared decoding interface (beam width 1 is greedy), saving, and a tiny model that
memorizes its pairs."""

import warnings

import keras
import numpy as np
import pytest
from tiny_models import HELD_OUT, PAIRS, TARGET_TOKENS, train_tiny_scalable

from seq2seq_helpers.scalable_training import ScalableTranslator, train_scalable
from seq2seq_helpers.transformer import (
    PositionEmbedding,
    build_transformer_inference_models,
    build_transformer_model,
    cross_attention,
    is_transformer,
    transformer_sizes,
)

SIZES = dict(model_dim=16, num_heads=2, num_layers=2, ff_dim=32, dropout=0.0)
SOURCE = np.array([[5, 6, 7, 8, 0, 0]], dtype="int64")  # 4 real tokens, 2 of padding
TARGET = np.array([[2, 9, 10, 11, 12, 0]], dtype="int64")  # <START> + 4 tokens, 1 of padding


@pytest.fixture(scope="module")
def random_model():
    keras.utils.set_random_seed(1)
    return build_transformer_model(20, 20, max_source_length=8, max_target_length=8, **SIZES)


def test_a_later_target_token_never_changes_earlier_outputs(random_model):
    before = np.asarray(random_model([SOURCE, TARGET]))
    for position in range(1, 5):
        changed = TARGET.copy()
        changed[0, position] = 15
        after = np.asarray(random_model([SOURCE, changed]))
        np.testing.assert_allclose(after[0, :position], before[0, :position], atol=1e-6)
        # ... and the position that reads the changed token does change (the test can fail).
        assert not np.allclose(after[0, position], before[0, position], atol=1e-4)


def test_extra_padding_changes_nothing(random_model):
    before = np.asarray(random_model([SOURCE, TARGET]))[0, :5]
    more_source = np.pad(SOURCE, ((0, 0), (0, 2)))
    more_target = np.pad(TARGET, ((0, 0), (0, 2)))
    after = np.asarray(random_model([more_source, more_target]))[0, :5]
    np.testing.assert_allclose(after, before, atol=1e-5)
    # A real token in place of the padding does change the outputs: the mask is what helps.
    unmasked = SOURCE.copy()
    unmasked[0, 4:] = 3
    assert not np.allclose(np.asarray(random_model([unmasked, TARGET]))[0, :5], before, atol=1e-4)


def test_cross_attention_gives_padding_no_weight_in_every_layer_and_head(random_model):
    encoder_model, decoder_model = build_transformer_inference_models(random_model)
    weights = cross_attention(encoder_model, decoder_model, SOURCE[0], TARGET[0, :5])
    assert weights.shape == (2, 2, 5, 6)  # (layers, heads, target steps, source positions)
    np.testing.assert_allclose(weights[..., 4:], 0.0, atol=1e-7)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-5)
    # A translation that filled every position without <END>: as many rows as the decoder read.
    every_position = np.full(12, 9)
    assert cross_attention(encoder_model, decoder_model, SOURCE[0], every_position).shape[2] == 8


def test_the_inference_models_give_the_training_models_probabilities(random_model):
    encoder_model, decoder_model = build_transformer_inference_models(random_model)
    sequence, mask = encoder_model(SOURCE)
    sequence = keras.ops.convert_to_tensor(np.asarray(sequence))  # without the attached mask
    probabilities, _ = decoder_model([keras.ops.convert_to_tensor(TARGET[:, :5]), sequence, mask])
    expected = np.asarray(random_model([SOURCE, TARGET]))[:, :5]
    np.testing.assert_allclose(np.asarray(probabilities), expected, atol=1e-5)


def test_a_sentence_longer_than_the_positions_is_refused_by_name(random_model):
    too_long = np.ones((1, 9), dtype="int64")  # the model has positions for 8 tokens
    with pytest.raises(ValueError, match="encoder_positions has positions for 8 tokens; got 9"):
        random_model([too_long, TARGET])


def test_sizes_are_read_back_from_the_layers(random_model):
    assert is_transformer(random_model)
    sizes = transformer_sizes(random_model)
    assert {k: sizes[k] for k in SIZES} == SIZES
    assert sizes["max_source_length"] == sizes["max_target_length"] == 8


def test_bad_sizes_and_over_long_inputs_get_clear_errors():
    with pytest.raises(ValueError, match="multiple of num_heads"):
        build_transformer_model(20, 20, max_source_length=8, max_target_length=8, model_dim=30)
    with pytest.raises(ValueError, match="num_layers must be a positive integer"):
        build_transformer_model(20, 20, max_source_length=8, max_target_length=8, num_layers=0)
    with pytest.raises(ValueError, match="dropout"):
        build_transformer_model(20, 20, max_source_length=8, max_target_length=8, dropout=1.5)
    with pytest.raises(ValueError, match="max_length must be a positive integer"):
        PositionEmbedding(0)
    layer = PositionEmbedding(4, name="positions")
    with pytest.raises(ValueError, match="positions for 4 tokens; got 6"):
        layer(keras.Input(shape=(6, 8)))
    with pytest.raises(ValueError, match="unknown keys \\['heads'\\]"):
        train_scalable(
            PAIRS,
            max_source_length=6,
            max_target_length=6,
            architecture="transformer",
            transformer_sizes={"heads": 2},
        )
    with pytest.raises(ValueError, match="transformer_sizes is for architecture='transformer'"):
        train_scalable(
            PAIRS, max_source_length=6, max_target_length=6, transformer_sizes={"num_layers": 1}
        )


@pytest.fixture(scope="module")
def tiny_translator():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "will memorize": that is the point here
        translator = train_tiny_scalable(
            "transformer",
            learning_rate=0.005,
            transformer_sizes=dict(model_dim=32, num_heads=2, num_layers=1, ff_dim=64, dropout=0.0),
            max_tokens=CAP,
        )
    return translator


# 18 real target words of the 20 in PAIRS, so two that occur once ("casa", "coche") are [UNK]
# in training, and the model learns to write [UNK] where they belong.
CAP = 20


def test_a_tiny_transformer_memorizes_and_tells_new_sentences_apart(tiny_translator):
    assert tiny_translator.architecture == "transformer"
    outputs = tiny_translator.translate_batch([source for source, _ in PAIRS])
    vocabulary = set(tiny_translator.vectorizers.target_vocabulary)
    assert len(vocabulary) == CAP and {"casa", "coche"}.isdisjoint(vocabulary)
    capped = [
        " ".join(word if word in vocabulary else "[UNK]" for word in target.split())
        for target in TARGET_TOKENS
    ]
    assert outputs == capped
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        held_out = tiny_translator.translate_batch(HELD_OUT)
    assert len(set(held_out)) >= 3, held_out  # not "the same output for every input"


def test_beam_width_one_is_greedy_for_the_transformer(tiny_translator):
    sources = [source for source, _ in PAIRS] + HELD_OUT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        greedy = tiny_translator.decode(sources)
        beam = tiny_translator.decode(sources, beam_width=1, n_best=1, alpha=0.0)
        wider = tiny_translator.decode(sources, beam_width=3, n_best=3)
    for (g,), (b,) in zip(greedy, beam):
        assert g.ids == b.ids
        assert g.score == pytest.approx(b.score, abs=1e-4)
        np.testing.assert_allclose(g.attention, b.attention, atol=1e-6)
    # Beam search ranks its n-best list, and every hypothesis has one attention row per step.
    for hypotheses in wider:
        scores = [h.score for h in hypotheses]
        assert scores == sorted(scores, reverse=True)
        for h in hypotheses:
            assert h.attention.shape[0] == len(h.ids) + 1


def test_the_search_attention_is_the_last_layers_mean_over_heads(tiny_translator):
    sentence = PAIRS[6][0]
    (decoded,) = tiny_translator.decode([sentence])[0]
    encoder_model, decoder_model = tiny_translator.inference_models
    source_ids = tiny_translator.vectorizers.source([sentence]).numpy()[0]
    target_ids = [tiny_translator.step_model.start_index, *decoded.ids]
    weights = cross_attention(encoder_model, decoder_model, source_ids, target_ids)
    np.testing.assert_allclose(decoded.attention, weights[-1].mean(axis=0), atol=1e-5)


def test_unknown_words_are_copied_from_the_most_attended_source_word(tiny_translator):
    sentence = "I have a red house."  # "casa" is outside the capped target vocabulary
    source_words = ["i", "have", "a", "red", "house"]  # (and "." last, never copied)
    (decoded,) = tiny_translator.decode([sentence])[0]
    before = tiny_translator.words(decoded)
    assert before == ["tengo", "una", "[UNK]", "roja", "."]  # the test can see a replacement
    attended = source_words[int(np.argmax(decoded.attention[2, : len(source_words)]))]
    (after,) = tiny_translator.translate_batch([sentence], replace_unknown=True)
    assert after.split() == ["tengo", "una", attended, "roja", "."]


def test_save_and_load_give_identical_translations(tiny_translator, tmp_path):
    tiny_translator.save(tmp_path / "transformer")
    loaded = ScalableTranslator.load(tmp_path / "transformer")
    assert loaded.architecture == "transformer"
    sources = [source for source, _ in PAIRS]
    assert loaded.translate_batch(sources, beam_width=3) == tiny_translator.translate_batch(
        sources, beam_width=3
    )
    np.testing.assert_allclose(
        np.asarray(loaded.model([SOURCE[:, :6] % 10, TARGET[:, :6] % 10])),
        np.asarray(tiny_translator.model([SOURCE[:, :6] % 10, TARGET[:, :6] % 10])),
        atol=1e-6,
    )


def test_without_the_explicit_source_mask_the_second_layer_reads_padding(random_model):
    """Why every cross-attention gets ``value_mask``: MultiHeadAttention removes the Keras mask
    from the encoder's outputs when the first layer reads them, so the second layer would
    attend to padding. (If Keras changes this, the module docstring must change too.)"""
    from seq2seq_helpers import transformer

    layer = transformer._trained_layers(random_model)
    sizes = transformer.transformer_sizes(random_model)
    source = keras.Input(shape=(None,), dtype="int64")
    target = keras.Input(shape=(None,), dtype="int64")
    encoded = transformer._encode(source, layer, sizes)
    _, weights = transformer._decode(target, encoded, None, layer, sizes)  # no explicit mask
    first, second = (
        np.asarray(w) for w in keras.Model([source, target], weights)([SOURCE, TARGET])
    )
    assert first[..., 4:].max() == 0  # the first layer still sees the Keras mask ...
    assert second[..., 4:].max() > 0.01  # ... the second does not


def train_recording_the_padding(monkeypatch, **settings):
    """A tiny Transformer trained one epoch, sources of up to 6 tokens and targets of up to 8;
    returns it and the ``pad_to_bucket_edge`` of every dataset it was trained on."""
    from seq2seq_helpers import training_loop

    padding = []

    def make_dataset(*args, **options):
        padding.append(options["pad_to_bucket_edge"])
        return make_plain_dataset(*args, **options)

    make_plain_dataset = training_loop.make_dataset
    monkeypatch.setattr(training_loop, "make_dataset", make_dataset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        translator = train_tiny_scalable(
            "transformer",
            max_target_length=8,
            epochs=1,
            transformer_sizes=dict(model_dim=8, num_heads=2, num_layers=1, ff_dim=16),
            **settings,
        )
    return translator, padding


def test_without_xla_batches_are_cut_to_their_longest_sentence(monkeypatch):
    translator, padding = train_recording_the_padding(monkeypatch, jit_compile="auto")
    assert translator.model.jit_compile is False  # "auto" on a machine without a GPU
    assert padding == [False]
    assert translator.model.get_layer("encoder_positions").max_length == 6


def test_xla_from_auto_pads_batches_to_their_bucket_edge_and_trains(monkeypatch):
    """Keras' "auto" turns XLA on when there is a GPU (Trainer._resolve_auto_jit_compile): here
    it is made to, as a GPU would. XLA's padded batches reach 8 tokens on both sides, so both
    position tables must reach 8 (a broadcast error inside the compiled step otherwise)."""
    monkeypatch.setattr(keras.Model, "_resolve_auto_jit_compile", lambda model: True)
    translator, padding = train_recording_the_padding(monkeypatch, jit_compile="auto")
    assert translator.model.jit_compile is True
    assert padding == [True]
    assert translator.model.get_layer("encoder_positions").max_length == 8
    assert len(translator.translate_batch(["I see the dog."])) == 1
