import warnings

import numpy as np
import pytest
from tiny_models import train_tiny_scalable

from seq2seq_helpers.sampling import sample_decode
from seq2seq_helpers.search import make_greedy_decoder


@pytest.fixture(scope="module")
def transformer():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "will memorize": that is the point here
        return train_tiny_scalable(
            "transformer",
            learning_rate=0.005,
            transformer_sizes=dict(model_dim=32, num_heads=2, num_layers=1, ff_dim=64, dropout=0.0),
        )


def _source(translator, sentences):
    import tensorflow as tf

    return translator.vectorizers.source(tf.constant(sentences)).numpy()


def test_temperature_zero_is_greedy_search(transformer):
    source = _source(transformer, ["I see the dog.", "The cat is small.", "You have a green car."])
    step_model = transformer.step_model
    greedy = make_greedy_decoder(step_model, transformer.max_target_length)(source)
    sampled = sample_decode(step_model, source, transformer.max_target_length, temperature=0)
    assert [d.ids for d in sampled] == [d.ids for d in greedy]
    np.testing.assert_allclose([d.score for d in sampled], [d.score for d in greedy], rtol=1e-4)


def test_sampling_repeats_with_a_seed_and_varies_without_one(transformer):
    source = _source(transformer, ["I see the dog."] * 6)
    step_model, length = transformer.step_model, transformer.max_target_length
    first = sample_decode(step_model, source, length, temperature=20.0, seed=3)
    again = sample_decode(step_model, source, length, temperature=20.0, seed=3)
    assert [d.ids for d in first] == [d.ids for d in again]
    # Six rows of one sentence, drawn at a high temperature: the rows differ from each other.
    assert len({tuple(d.ids) for d in first}) > 1
    assert all(len(d.ids) <= length for d in first)


def test_repetition_penalty_and_bad_arguments(transformer):
    source = _source(transformer, ["I see the dog."] * 3)
    step_model, length = transformer.step_model, transformer.max_target_length
    for decoded in sample_decode(
        step_model, source, length, temperature=5.0, repetition_penalty=1e9, seed=0
    ):
        assert len(set(decoded.ids)) == len(decoded.ids), decoded.ids
    assert sample_decode(step_model, source[:0], length, temperature=1.0) == []
    with pytest.raises(ValueError, match="max_length"):
        sample_decode(step_model, source, 0, temperature=1.0)
    with pytest.raises(ValueError, match="temperature"):
        sample_decode(step_model, source, length, temperature=-1.0)
    with pytest.raises(ValueError, match="repetition_penalty"):
        sample_decode(step_model, source, length, temperature=1.0, repetition_penalty=0.5)
