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


def test_translation_scores_on_known_examples():
    from seq2seq_helpers.evaluation import translation_scores

    perfect = translation_scores(["¿ dónde está la estación ?"], ["¿Dónde está la estación?"])
    assert perfect == {"bleu": pytest.approx(100), "chrf": pytest.approx(100), "exact_match": 100}
    half = translation_scores(
        ["es hora de dormir .", "el gato negro"], ["Es hora de dormir.", "La casa es grande."]
    )
    assert half["exact_match"] == 50
    assert 0 < half["bleu"] < 100 and 0 < half["chrf"] < 100
    nothing = translation_scores(["xyz"], ["Hola amigo."])
    assert nothing["bleu"] == pytest.approx(0) and nothing["exact_match"] == 0
    with pytest.raises(ValueError):
        translation_scores([], [])


def test_an_unknown_word_counts_as_one_wrong_word():
    from seq2seq_helpers.evaluation import translation_scores

    references = ["el gato duerme en la casa ."]
    unknown = translation_scores(["el [UNK] duerme en la casa ."], references)
    wrong_word = translation_scores(["el perro duerme en la casa ."], references)
    assert unknown["bleu"] == wrong_word["bleu"]
