import pytest

from seq2seq_helpers.training import train_translator

PAIRS = [
    ("Hi.", "Hola."),
    ("Bye.", "Adiós."),
    ("Thanks.", "Gracias."),
    ("Yes.", "Sí."),
    ("No.", "No."),
]


def test_train_translator_returns_translator_and_history():
    translator, history = train_translator(PAIRS, latent_dim=8, epochs=2, verbose=0)
    assert len(history["loss"]) == 2 and "val_loss" in history
    assert translator.vocabularies.max_encoder_seq_length == 2
    assert isinstance(translator.translate("Hi."), str)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": 0}, "epochs"),
        ({"validation_split": 1.0}, "validation_split"),
        ({"validation_split": 0.1}, "no validation pair"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_translator(PAIRS, **kwargs)
