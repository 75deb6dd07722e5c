import pytest

from seq2seq_helpers import config


@pytest.mark.parametrize("value, fast", [("1", True), ("true", True), ("0", False), ("", False)])
def test_fast_mode_switch(monkeypatch, value, fast):
    monkeypatch.setenv("SEQ2SEQ_FAST", value)
    assert config.is_fast_mode() is fast


def test_fast_mode_typo_is_an_error(monkeypatch):
    monkeypatch.setenv("SEQ2SEQ_FAST", "ture")
    with pytest.raises(ValueError, match="SEQ2SEQ_FAST='ture'"):
        config.is_fast_mode()


def test_saved_models_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("SEQ2SEQ_SAVED_MODELS", str(tmp_path))
    assert config.saved_models_dir() == tmp_path
    monkeypatch.delenv("SEQ2SEQ_SAVED_MODELS")
    assert config.saved_models_dir() == config.PROJECT_ROOT / "saved_models"
