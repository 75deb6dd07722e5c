import numpy as np

from seq2seq_helpers import checks
from seq2seq_helpers.text import prepare_training_setup
from seq2seq_helpers.vectorize import make_training_arrays


def test_check_tokens(capsys):
    assert checks.check_tokens(["¡", "hola", ",", "tom", "!"], "¡Hola, Tom!")
    assert not checks.check_tokens(["hola", ",", "tom", "!"], "¡Hola, Tom!")
    assert "['¡']" in capsys.readouterr().out.splitlines()[-1]
    assert not checks.check_tokens(["¡", "Hola", ",", "tom", "!", "x"], "¡Hola, Tom!")
    assert not checks.check_tokens(None, "¡Hola!")
    assert "Not answered yet" in capsys.readouterr().out


def test_check_shape_names_the_wrong_axis(capsys):
    array = np.zeros((3, 5, 7))
    assert checks.check_shape((3, 5, 7), array, "encoder_input_data")
    assert not checks.check_shape((3, 6, 7), array, "encoder_input_data")
    assert "axis 1 (time steps)" in capsys.readouterr().out.splitlines()[-1]
    assert not checks.check_shape((3, 5), array, "x")
    assert "3 axes" in capsys.readouterr().out


def test_check_teacher_forcing(capsys):
    setup = prepare_training_setup([("Hi.", "Hola."), ("Bye.", "Adiós.")])
    _, decoder_input_data, decoder_target_data = make_training_arrays(setup)
    reverse = setup.reverse_target_features_dict
    assert checks.check_teacher_forcing(decoder_input_data, decoder_target_data, reverse)
    # A typical mistake: forgetting to shift.
    assert not checks.check_teacher_forcing(decoder_input_data, decoder_input_data.copy(), reverse)
    message = capsys.readouterr().out.splitlines()[-1]
    assert "at time 0 you have '<START>', expected 'hola'" in message
    # Shifting the wrong way.
    wrong = np.zeros_like(decoder_input_data)
    wrong[:, 1:] = decoder_input_data[:, :-1]
    assert not checks.check_teacher_forcing(decoder_input_data, wrong, reverse)
    assert not checks.check_teacher_forcing(decoder_input_data, wrong[:, :-1], reverse)
    assert "same shape" in capsys.readouterr().out


def test_check_lstm_parameter_count(capsys):
    assert checks.lstm_parameter_count(10, 4) == 4 * (4 * 14 + 4)
    assert checks.check_lstm_parameter_count(240, 10, 4)
    assert not checks.check_lstm_parameter_count(60, 10, 4)
    assert "one gate" in capsys.readouterr().out
    assert not checks.check_lstm_parameter_count(224, 10, 4)
    assert "bias" in capsys.readouterr().out


def test_check_best_epoch(capsys):
    history = {"val_loss": [3.0, 2.0, 1.5, 1.7, 2.2]}
    assert checks.check_best_epoch(3, history)
    assert not checks.check_best_epoch(2, history)
    assert "off by one" in capsys.readouterr().out
    assert not checks.check_best_epoch(5, history)


def test_check_unknown_words(capsys):
    features = {"i": 0, "like": 1, ".": 2}
    assert checks.check_unknown_words(["pizza"], "I like pizza.", features)
    assert not checks.check_unknown_words(["like", "pizza"], "I like pizza.", features)
    assert "['like'] are in the training vocabulary" in capsys.readouterr().out
    assert not checks.check_unknown_words([], "I like pizza.", features)
