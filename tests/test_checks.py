import numpy as np

from seq2seq_helpers import checks
from seq2seq_helpers.text import prepare_training_setup
from seq2seq_helpers.vectorize import make_training_arrays


def test_feedback_is_a_verdict_with_words():
    feedback = checks.check_tokens(["hola"], "Hola")
    assert feedback and repr(feedback).startswith("Correct:")
    unanswered = checks.check_tokens(None, "Hola")
    assert not unanswered and "Not answered yet" in str(unanswered)


def test_check_tokens():
    assert checks.check_tokens(["¡", "hola", ",", "tom", "!"], "¡Hola, Tom!")
    missing = checks.check_tokens(["hola", ",", "tom", "!"], "¡Hola, Tom!")
    assert not missing and "['¡']" in str(missing) and "¿ and ¡" in str(missing)
    upper = checks.check_tokens(["¡", "Hola", ",", "tom", "!"], "¡Hola, Tom!")
    assert not upper and "lowercased" in str(upper)
    order = checks.check_tokens(["hola", "¡", ",", "tom", "!"], "¡Hola, Tom!")
    assert not order and "order" in str(order)


def test_check_shape_names_the_wrong_axis():
    array = np.zeros((3, 5, 7))
    assert checks.check_shape((3, 5, 7), array, "encoder_input_data")
    wrong = checks.check_shape((3, 6, 7), array, "encoder_input_data")
    assert not wrong and "axis 1 (time steps)" in str(wrong)
    short = checks.check_shape((3, 5), array, "x")
    assert not short and "3 axes" in str(short)


def test_check_teacher_forcing():
    setup = prepare_training_setup([("Hi.", "Hola."), ("Bye.", "Adiós.")])
    _, decoder_input_data, decoder_target_data = make_training_arrays(setup)
    reverse = setup.reverse_target_features_dict
    assert checks.check_teacher_forcing(decoder_input_data, decoder_target_data, reverse)
    # A typical mistake: forgetting to shift.
    unshifted = checks.check_teacher_forcing(decoder_input_data, decoder_input_data.copy(), reverse)
    assert not unshifted
    assert "at time 0 you have '<START>', expected 'hola'" in str(unshifted)
    # Shifting the wrong way.
    wrong = np.zeros_like(decoder_input_data)
    wrong[:, 1:] = decoder_input_data[:, :-1]
    backwards = checks.check_teacher_forcing(decoder_input_data, wrong, reverse)
    assert not backwards and "(padding)" in str(backwards)
    cut = checks.check_teacher_forcing(decoder_input_data, wrong[:, :-1], reverse)
    assert not cut and "same shape" in str(cut)


def test_check_lstm_parameter_count():
    assert checks.lstm_parameter_count(10, 4) == 4 * (4 * 14 + 4)
    assert checks.check_lstm_parameter_count(240, 10, 4)
    one_gate = checks.check_lstm_parameter_count(60, 10, 4)
    assert not one_gate and "one gate" in str(one_gate)
    no_bias = checks.check_lstm_parameter_count(224, 10, 4)
    assert not no_bias and "bias" in str(no_bias)


def test_check_best_epoch():
    history = {"val_loss": [3.0, 2.0, 1.5, 1.7, 2.2]}
    assert checks.check_best_epoch(3, history)
    off_by_one = checks.check_best_epoch(2, history)
    assert not off_by_one and "off by one" in str(off_by_one)
    assert not checks.check_best_epoch(5, history)


def test_check_unknown_words():
    features = {"i": 0, "like": 1, ".": 2}
    assert checks.check_unknown_words(["pizza"], "I like pizza.", features)
    known = checks.check_unknown_words(["like", "pizza"], "I like pizza.", features)
    assert not known and "['like'] are in the training vocabulary" in str(known)
    assert not checks.check_unknown_words([], "I like pizza.", features)
