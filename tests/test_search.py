"""Greedy and beam search over the one decoding interface, on a toy model whose probabilities
are a fixed table, so the right answers can be worked out by hand; and every model family's
interface, fed the reference target, gives its training model's probabilities."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from seq2seq_helpers.attention import build_attention_model
from seq2seq_helpers.models import build_training_model
from seq2seq_helpers.scalable import build_scalable_model
from seq2seq_helpers.search import StepModel, make_beam_decoder, make_greedy_decoder
from seq2seq_helpers.transformer import build_transformer_model

START, END, A, B, C = 2, 3, 4, 5, 6
VOCABULARY = 7


def table_model(rows: dict[int, dict[int, float]]) -> StepModel:
    """A model whose next-token probabilities depend only on the previous token."""
    table = np.full((VOCABULARY, VOCABULARY), 1e-6, dtype="float32")
    for previous, nexts in rows.items():
        for token, probability in nexts.items():
            table[previous, token] = probability
    table /= table.sum(axis=1, keepdims=True)
    table = tf.constant(table)

    def encode(source):
        return (tf.zeros([tf.shape(source)[0], 1]),)

    def step(tokens, state):
        return tf.gather(table, tokens), state, None

    return StepModel(encode, step, tf.TensorSpec([None, None], tf.int64), START, END)


# Greedy takes A (0.55), then C (0.5), then <END>: probability 0.55 * 0.5 = 0.275.
# "B <END>" is better, 0.45 * 0.9 = 0.405, but greedy never looks at B.
TRAP = table_model(
    {START: {A: 0.55, B: 0.45}, A: {C: 0.5, A: 0.4, END: 0.1}, B: {END: 0.9, C: 0.1}, C: {END: 1.0}}
)
SOURCES = np.ones((3, 4), dtype="int64")


def test_greedy_takes_the_locally_best_token():
    decoded = make_greedy_decoder(TRAP, max_length=6)(SOURCES)
    assert [d.ids for d in decoded] == [[A, C]] * 3
    assert decoded[0].score == pytest.approx(np.log(0.55 * 0.5), abs=1e-4)


def test_beam_search_finds_the_better_sentence_and_freezes_it():
    decoded = make_beam_decoder(TRAP, beam_width=2, max_length=6, alpha=0.0, n_best=2)(SOURCES)
    best, second = decoded[0]
    assert best.ids == [B]
    assert best.score == pytest.approx(np.log(0.45 * 0.9), abs=1e-4)
    # The finished "B <END>" is frozen: never extended, its score never changes again.
    assert second.ids == [A, C]
    assert second.score == pytest.approx(np.log(0.55 * 0.5), abs=1e-4)


def test_beam_width_one_is_greedy():
    greedy = make_greedy_decoder(TRAP, max_length=6)(SOURCES)
    beam = make_beam_decoder(TRAP, beam_width=1, max_length=6)(SOURCES)
    assert [b[0].ids for b in beam] == [g.ids for g in greedy]


def test_n_best_lists_are_sorted_by_normalized_score():
    for alpha in (0.0, 0.7, 1.0):
        hypotheses = make_beam_decoder(TRAP, beam_width=3, max_length=6, alpha=alpha, n_best=3)(
            SOURCES[:1]
        )[0]
        scores = [h.score for h in hypotheses]
        assert scores == sorted(scores, reverse=True)
        assert len({tuple(h.ids) for h in hypotheses}) == 3  # the beams are not copies


def test_length_normalization_changes_the_winner():
    # The empty sentence (log 0.5) against "A A A A A", cut at max_length (log 0.5 + 4 log 0.9):
    # alpha decides between the short and the long output.
    model = table_model({START: {END: 0.5, A: 0.5}, A: {A: 0.9, END: 0.1}})
    short = make_beam_decoder(model, beam_width=3, max_length=5, alpha=0.0)(SOURCES[:1])[0][0]
    long = make_beam_decoder(model, beam_width=3, max_length=5, alpha=2.0)(SOURCES[:1])[0][0]
    assert short.ids == []  # raw sums favour the empty sentence
    assert len(long.ids) == 5  # a strong length bonus picks the longest


def test_max_length_stops_the_search():
    model = table_model({START: {A: 1.0}, A: {A: 1.0}})
    greedy = make_greedy_decoder(model, max_length=4)(SOURCES[:2])
    beam = make_beam_decoder(model, beam_width=2, max_length=4)(SOURCES[:2])
    assert [g.ids for g in greedy] == [[A] * 4] * 2
    assert beam[0][0].ids == [A] * 4


def test_empty_batches_and_bad_arguments():
    assert make_greedy_decoder(TRAP, max_length=3)(np.zeros((0, 4), dtype="int64")) == []
    assert make_beam_decoder(TRAP, 2, 3)(np.zeros((0, 4), dtype="int64")) == []
    with pytest.raises(ValueError, match="beam_width"):
        make_beam_decoder(TRAP, 0, 3)
    with pytest.raises(ValueError, match="n_best"):
        make_beam_decoder(TRAP, 2, 3, n_best=3)
    with pytest.raises(ValueError, match="alpha"):
        make_beam_decoder(TRAP, 2, 3, alpha=-1)
    with pytest.raises(ValueError, match="alpha"):
        make_beam_decoder(TRAP, 2, 3, alpha="0.7")
    with pytest.raises(ValueError, match="max_length"):
        make_greedy_decoder(TRAP, max_length=0)


# -- every model family: its decoding interface gives the training model's probabilities -------

FAMILIES = {
    "lesson": lambda s, t: build_training_model(s, t, 8),
    "scalable": lambda s, t: build_scalable_model(s, t, 8, 4),
    "attention": lambda s, t: build_attention_model(s, t, 8, 4),
    "attention, bahdanau, bidirectional": lambda s, t: build_attention_model(
        s, t, 8, 4, score="bahdanau", bidirectional=True
    ),
    "transformer": lambda s, t: build_transformer_model(
        s, t, max_source_length=6, max_target_length=6, model_dim=8, num_heads=2, num_layers=2,
        ff_dim=16, dropout=0.0,
    ),
}  # fmt: skip


@pytest.mark.parametrize("family", FAMILIES)
def test_the_decoding_interface_under_teacher_forcing_equals_the_training_model(family):
    """Feed the reference target one token at a time through ``step_model`` (the inference
    models every search uses): each step's probabilities must be the training model's at that
    position. Weights are random and large, so a wrong state, a missing mask or a layer that is
    not the trained one shows."""
    from tiny_models import PAIRS

    from seq2seq_helpers.scalable import make_vectorizers, vectorize_pairs
    from seq2seq_helpers.scalable_training import ScalableTranslator, one_hot_rows

    vectorizers = make_vectorizers(PAIRS, 6, 6)
    sizes = len(vectorizers.source_vocabulary), len(vectorizers.target_vocabulary)
    keras.utils.set_random_seed(3)
    model = FAMILIES[family](*sizes)
    rng = np.random.default_rng(3)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    architecture = family.split(",")[0]
    translator = ScalableTranslator(model, vectorizers, 6, 6, recorded_architecture=architecture)
    (sources, decoder_inputs), _ = vectorize_pairs(vectorizers, PAIRS[4:8])  # 4 or 5 tokens
    assert (sources == 0).any(), "some sources are padded"
    if architecture == "lesson":  # one-hot rows in, padding all zeros
        expected = model([one_hot_rows(sources, sizes[0]), one_hot_rows(decoder_inputs, sizes[1])])
    else:
        expected = model([sources, decoder_inputs])
    step_model = translator.step_model
    state = step_model.encode(tf.constant(sources))
    for position in range(decoder_inputs.shape[1]):
        probabilities, state, _ = step_model.step(tf.constant(decoder_inputs[:, position]), state)
        real = decoder_inputs[:, position] != 0
        np.testing.assert_allclose(
            np.asarray(probabilities)[real], np.asarray(expected)[real, position], atol=2e-5
        )
