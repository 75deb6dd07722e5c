"""The Transformer's key/value cache gives what the uncached decoder gives: the same step
probabilities (within float32 rounding) at every position, the same greedy and beam outputs token
for token, with padded sources, and its rows follow the beams when beam search reorders them."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from seq2seq_helpers.scalable import vectorizers_from_vocabularies
from seq2seq_helpers.scalable_training import ScalableTranslator
from seq2seq_helpers.search import make_beam_decoder, make_greedy_decoder
from seq2seq_helpers.transformer import (
    build_transformer_inference_models,
    build_transformer_model,
    transformer_step_model,
)

START, END, STEPS = 2, 3, 14


def random_sources(rows: int, seed: int, longest: int = 8) -> np.ndarray:
    """(rows, 8) source ids, each row 1 to ``longest`` real tokens and then padding."""
    rng = np.random.default_rng(seed)
    sources = np.zeros((rows, 8), dtype="int64")
    for row in range(rows):
        length = rng.integers(1, longest + 1)
        sources[row, :length] = rng.integers(4, 20, length)
    return sources


def step_models(dropout: float, end_bias: float = 0.0):
    """A random 2-layer Transformer's cached and uncached step models. ``end_bias`` is added to
    ``<END>``'s output bias: negative makes long outputs."""
    keras.utils.set_random_seed(1)
    sizes = dict(model_dim=16, num_heads=2, num_layers=2, ff_dim=32, dropout=dropout)
    model = build_transformer_model(20, 20, max_source_length=8, max_target_length=16, **sizes)
    dense = model.get_layer("decoder_dense")
    bias = dense.bias.numpy()
    bias[END] += end_bias
    dense.bias.assign(bias)
    inference = build_transformer_inference_models(model)
    ends = dict(start_index=START, end_index=END, max_length=STEPS)
    return (
        model,
        transformer_step_model(*inference, **ends),
        transformer_step_model(*inference, cache=False, **ends),
    )


@pytest.fixture(scope="module")
def models():
    return step_models(dropout=0.1, end_bias=-1.0)


# Both of Keras' attention paths: dropout 0 takes the fused dot_product_attention, more the
# explicit softmax (see transformer_cache.attend).
@pytest.mark.parametrize("dropout", [0.0, 0.1])
def test_every_step_gives_the_uncached_probabilities_and_attention(dropout):
    _, cached, uncached = step_models(dropout)
    # At most 6 real tokens in 8 columns: the cached encoder skips the last padding columns.
    sources = tf.constant(random_sources(6, seed=0, longest=6))
    cached_state, uncached_state = cached.encode(sources), uncached.encode(sources)
    tokens = tf.fill([6], tf.constant(START, tf.int64))
    rng = np.random.default_rng(1)
    for step in range(STEPS):  # positions well past the first few, up to the buffer's end
        probabilities, cached_state, attention = cached.step(tokens, cached_state)
        expected, uncached_state, expected_attention = uncached.step(tokens, uncached_state)
        np.testing.assert_allclose(np.log(probabilities), np.log(expected), atol=1e-5)
        np.testing.assert_allclose(attention, expected_attention, atol=1e-6)
        # The next tokens: any word, and once a padding id (masked as the decoder masks it).
        tokens = tf.constant(rng.integers(0 if step == 5 else 4, 20, 6), tf.int64)


def test_greedy_and_beam_outputs_are_the_uncached_ones_token_for_token(models):
    _, cached, uncached = models
    sources = random_sources(12, seed=2)
    greedy, expected = make_greedy_decoder(cached, STEPS), make_greedy_decoder(uncached, STEPS)
    for got, want in zip(greedy(sources), expected(sources)):
        assert got.ids == want.ids
        assert got.score == pytest.approx(want.score, abs=1e-4)
    beam, expected = (make_beam_decoder(m, 5, STEPS, n_best=5) for m in (cached, uncached))
    found = beam(sources)
    for got, want in zip(found, expected(sources)):
        assert [h.ids for h in got] == [h.ids for h in want]
        np.testing.assert_allclose([h.score for h in got], [h.score for h in want], atol=1e-4)
    lengths = [len(h.ids) for hypotheses in found for h in hypotheses]
    assert max(lengths) >= 10 and min(lengths) < 10  # long outputs, and some that ended early


def test_cache_rows_follow_their_rows_when_the_rows_are_reordered(models):
    """What beam search does to every state tensor between steps: a beam takes another beam's
    row. After the swap, each row must continue the other row's sentence."""
    _, cached, uncached = models
    source = tf.constant(np.repeat(random_sources(1, seed=3), 2, axis=0))
    histories = np.array([[START, 5, 6, 7, 8, 9], [START, 11, 12, 13, 14, 15]])
    states = [m.encode(source) for m in (cached, uncached)]
    for position in range(histories.shape[1]):
        tokens = tf.constant(histories[:, position], tf.int64)
        outputs = [m.step(tokens, state) for m, state in zip((cached, uncached), states)]
        states = [state for _, state, _ in outputs]
    before = np.asarray(outputs[0][0])
    assert not np.allclose(before[0], before[1], atol=1e-3)  # the two rows differ: a swap shows
    swapped = [tuple(tf.gather(part, [1, 0]) for part in state) for state in states]
    tokens = tf.constant([4, 4], tf.int64)
    (got, *_), (want, *_) = (m.step(tokens, s) for m, s in zip((cached, uncached), swapped))
    np.testing.assert_allclose(np.log(got), np.log(want), atol=1e-5)


def test_more_source_padding_changes_nothing(models):
    _, cached, _ = models
    sources = random_sources(4, seed=4)
    sources[:, 6:] = 0  # at most 6 real tokens: the same sentences, 2 or 0 more columns
    greedy = make_greedy_decoder(cached, STEPS)
    narrow, wide = greedy(sources[:, :6]), greedy(sources)
    assert [d.ids for d in narrow] == [d.ids for d in wide]
    np.testing.assert_allclose([d.score for d in narrow], [d.score for d in wide], atol=1e-5)


def test_the_cache_is_the_default_of_the_translator_and_too_many_steps_are_refused(models):
    model, cached, uncached = models
    words = ["", "[UNK]", "<START>", "<END>", *(f"w{i}" for i in range(4, 20))]
    translator = ScalableTranslator(
        model, vectorizers_from_vocabularies(words, words, 8, 14), 8, 14
    )
    state = translator.step_model.encode(tf.constant(random_sources(3, seed=5)))
    assert len(state) == len(cached.encode(tf.constant(random_sources(3, seed=5)))) == 3 + 4 * 2
    assert state[-1].shape == (3, 2, 0, 8)  # (rows, heads, positions, key_dim): empty, grows
    with pytest.raises(ValueError, match="max_length=17 is more than the decoder's 16 positions"):
        transformer_step_model(
            *build_transformer_inference_models(model), start_index=2, end_index=3, max_length=17
        )
