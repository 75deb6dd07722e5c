import numpy as np
import pytest

from seq2seq_helpers.evaluation import exact_match_rate, token_accuracies


def one_hot(indices, size=4):
    array = np.zeros((len(indices), size))
    for row, index in enumerate(indices):
        if index is not None:
            array[row, index] = 1
    return array


def test_padding_is_scored_by_keras_style_accuracy_only():
    # One sentence: two real tokens (one right, one wrong), then two padding steps.
    targets = one_hot([1, 2, None, None])[None]
    predictions = one_hot([1, 3, 0, 0])[None]  # predicts column 0 on padding: "correct" for Keras
    keras_style, real_only = token_accuracies(predictions, targets)
    assert keras_style == pytest.approx(3 / 4)
    assert real_only == pytest.approx(1 / 2)


def test_token_accuracies_errors():
    with pytest.raises(ValueError, match="shapes differ"):
        token_accuracies(np.zeros((1, 2, 3)), np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="no real token"):
        token_accuracies(np.zeros((1, 2, 3)), np.zeros((1, 2, 3)))


def test_exact_match_rate():
    assert exact_match_rate(["hola .", "adiós"], ["Hola.", "Adiós."]) == 0.5
    with pytest.raises(ValueError):
        exact_match_rate(["a"], [])
    with pytest.raises(ValueError):
        exact_match_rate([], [])
