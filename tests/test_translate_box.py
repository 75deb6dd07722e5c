"""Translate and look (seq2seq_helpers/translate_box.py): the translation and the attention drawn."""

import warnings

import pytest
from tiny_models import HELD_OUT, PAIRS, train_tiny_scalable

from seq2seq_helpers.translate_box import look, translate_box

TINY_TRANSFORMER = dict(model_dim=32, num_heads=2, num_layers=1, ff_dim=64, dropout=0.0)


@pytest.fixture(scope="module")
def translators():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "attention": train_tiny_scalable("attention", epochs=20),
            "transformer": train_tiny_scalable(
                "transformer", learning_rate=0.005, transformer_sizes=TINY_TRANSFORMER
            ),
            "scalable": train_tiny_scalable("scalable", epochs=1),
        }


@pytest.mark.parametrize("name, panels", [("attention", 1), ("transformer", 2)])
def test_look_translates_like_translate_batch_and_draws_the_attention(translators, name, panels):
    translator = translators[name]
    sentence = PAIRS[0][0]
    seen = look(translator, sentence, beam_width=2)
    assert seen.translation == translator.translate_batch([sentence], beam_width=2)[0]
    assert seen.source_tokens == ["i", "see", "the", "dog", "."]
    assert len(seen.figure.axes) == panels  # one heatmap, or one per head
    first = seen.figure.axes[0]
    assert [t.get_text() for t in first.get_xticklabels()] == seen.source_tokens
    rows = [t.get_text() for t in first.get_yticklabels()]
    assert rows[: len(seen.output_tokens)] == seen.output_tokens


def test_look_explains_what_it_cannot_do(translators):
    with pytest.raises(ValueError, match="has no attention to show"):
        look(translators["scalable"], HELD_OUT[0])
    with pytest.raises(TypeError, match="one sentence"):
        look(translators["attention"], ["two", "sentences"])
    with pytest.warns(UserWarning, match="have no words"):
        seen = look(translators["attention"], "   ")
    assert seen.translation == "" and seen.figure is None


def test_the_box_translates_what_is_typed(translators, capsys):
    translator = translators["transformer"]
    field, _ = translate_box(translator).children
    field.value = HELD_OUT[1]  # what pressing Enter does: outside a kernel it prints
    expected = translator.translate_batch([HELD_OUT[1]])[0]
    assert f"{HELD_OUT[1]}\n→ {expected}" in capsys.readouterr().out
    field.value = "   "
    assert "(nothing to translate)" in capsys.readouterr().out
