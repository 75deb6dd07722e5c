"""check_cache_update (notebook 10's key/value cache exercise) accepts the right answer and names
each typical mistake."""

import numpy as np

from seq2seq_helpers.checks.cache import check_cache_update
from seq2seq_helpers.transformer_cache import attend


def step_with(write_row=lambda p: p, rows=lambda keys, p: slice(0, p + 1), copy=True, write=True):
    """A self-attention step with a cache; the arguments make it wrong in one way each."""

    def step(attention, x, keys, values, position):
        query = attention.query_dense(x)[:, 0]
        if copy:
            keys, values = keys.copy(), values.copy()
        if write:
            keys[:, :, write_row(position)] = attention.key_dense(x)[:, 0]
            values[:, :, write_row(position)] = attention.value_dense(x)[:, 0]
        read = rows(keys, position)
        context, _ = attend(query, keys[:, :, read], values[:, :, read])
        return attention.output_dense(context[:, None]), keys, values

    return step


def test_the_right_answer_passes_and_in_place_updates_too():
    assert check_cache_update(step_with())
    assert check_cache_update(step_with(copy=False))


def test_each_typical_mistake_is_named():
    cases = {
        "went into position 0": step_with(write_row=lambda p: 0),
        "one too far": step_with(write_row=lambda p: p + 1),
        "come back unchanged": step_with(write=False),
        "not written yet": step_with(rows=lambda keys, p: slice(None)),
        "reads only the new position": step_with(rows=lambda keys, p: slice(p, p + 1)),
        "misses the new position's own key": step_with(rows=lambda keys, p: slice(0, max(p, 1))),
    }
    for expected, step in cases.items():
        feedback = check_cache_update(step)
        assert not feedback and expected in str(feedback), (expected, str(feedback))


def test_unanswered_errors_and_wrong_returns_are_reported():
    assert "Not answered" in str(check_cache_update(None))
    assert "Not answered" in str(check_cache_update(lambda *args: None))
    assert "raised ZeroDivisionError" in str(check_cache_update(lambda *args: 1 / 0))
    assert "three things" in str(check_cache_update(lambda a, x, k, v, p: (x, k)))

    def wrong_scale(attention, x, keys, values, position):  # writes right, computes wrong
        keys, values = keys.copy(), values.copy()
        keys[:, :, position] = attention.key_dense(x)[:, 0]
        values[:, :, position] = attention.value_dense(x)[:, 0]
        query = np.asarray(attention.query_dense(x)[:, 0]) * 3
        context, _ = attend(query, keys[:, :, : position + 1], values[:, :, : position + 1])
        return attention.output_dense(context[:, None]), keys, values

    assert "differs from the layer's" in str(check_cache_update(wrong_scale))
