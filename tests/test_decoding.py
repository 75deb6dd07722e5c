"""decode_sequence and Translator on a tiny model trained until it reproduces its pairs."""

import numpy as np
import pytest
from tiny_models import train_tiny_translator

from seq2seq_helpers.decoding import decode_sequence
from seq2seq_helpers.models import build_inference_models
from seq2seq_helpers.text import prepare_training_setup
from seq2seq_helpers.translator import Translator, Vocabularies
from seq2seq_helpers.vectorize import make_training_arrays

PAIRS = [
    ("I am tired.", "Estoy cansado."),
    ("Where is the station?", "¿Dónde está la estación?"),
    ("Thanks a lot!", "¡Muchas gracias!"),
    ("We eat bread.", "Comemos pan."),
]


@pytest.fixture(scope="module")
def trained():
    setup = prepare_training_setup(PAIRS)
    encoder_input_data, _, _ = make_training_arrays(setup)
    return setup, encoder_input_data, train_tiny_translator(PAIRS, epochs=150).model


def expected_words(target: str) -> str:
    from seq2seq_helpers.text import tokenize

    return " ".join(tokenize(target))


def test_decode_sequence_reproduces_the_training_pairs(trained):
    setup, encoder_input_data, model = trained
    encoder_model, decoder_model = build_inference_models(model)
    for index, (_, target) in enumerate(PAIRS):
        decoded = decode_sequence(
            encoder_input_data[index : index + 1],
            encoder_model,
            decoder_model,
            setup.target_features_dict,
            setup.reverse_target_features_dict,
            setup.max_decoder_seq_length,
        )
        assert decoded == expected_words(target)


def test_decode_sequence_rejects_a_batch(trained):
    setup, encoder_input_data, model = trained
    encoder_model, decoder_model = build_inference_models(model)
    with pytest.raises(ValueError, match="encoder_input_data\\[i:i \\+ 1\\]"):
        decode_sequence(
            encoder_input_data,
            encoder_model,
            decoder_model,
            setup.target_features_dict,
            setup.reverse_target_features_dict,
            5,
        )


def test_decode_sequence_stops_at_max_length(trained):
    setup, encoder_input_data, model = trained
    encoder_model, decoder_model = build_inference_models(model)
    decoded = decode_sequence(
        encoder_input_data[1:2],
        encoder_model,
        decoder_model,
        setup.target_features_dict,
        setup.reverse_target_features_dict,
        2,
    )
    assert decoded == "¿ dónde"


def test_translator_translates_new_text_and_handles_unknown_words(trained):
    setup, _, model = trained
    translator = Translator(model, Vocabularies.from_setup(setup))
    outputs = {source: translator.translate(source) for source, _ in PAIRS}
    assert outputs["We eat bread."] == "comemos pan ."
    assert len(set(outputs.values())) == len(PAIRS), "different inputs must give different outputs"
    with pytest.warns(UserWarning, match="giraffe"):
        assert translator.translate("We eat giraffe bread.") == "comemos pan ."
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="nothing to translate"):
        translator.translate("Giraffe zebra")


def test_save_and_load_round_trip(trained, tmp_path):
    setup, encoder_input_data, model = trained
    translator = Translator(model, Vocabularies.from_setup(setup))
    folder = translator.save(tmp_path / "translator")
    loaded = Translator.load(folder)
    assert loaded.vocabularies == translator.vocabularies
    np.testing.assert_allclose(
        loaded.inference_models[0].predict(encoder_input_data, verbose=0)[0],
        translator.inference_models[0].predict(encoder_input_data, verbose=0)[0],
        rtol=1e-6,
    )
    for source, _ in PAIRS:
        assert loaded.translate(source) == translator.translate(source)


def test_saving_never_silently_replaces(trained, tmp_path, capsys):
    setup, _, model = trained
    translator = Translator(model, Vocabularies.from_setup(setup))
    folder = translator.save(tmp_path / "translator")
    with pytest.raises(FileExistsError, match="if_exists='backup'"):
        translator.save(folder)
    translator.save(folder, if_exists="backup")
    assert "kept as" in capsys.readouterr().out
    backups = list(tmp_path.glob("translator.backup-*"))
    assert len(backups) == 1 and (backups[0] / "model.keras").is_file()
    translator.save(folder, if_exists="overwrite")
    assert "Replaced" in capsys.readouterr().out
    with pytest.raises(ValueError, match="if_exists"):
        translator.save(folder, if_exists="maybe")


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="model.keras"):
        Translator.load(tmp_path)
    (tmp_path / "model.keras").write_bytes(b"")
    (tmp_path / "vocabularies.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="damaged"):
        Translator.load(tmp_path)
