"""A translator exported as a SavedModel (seq2seq_helpers/export.py) translates like the one in the
notebook, in another process that cannot import seq2seq_helpers; bad input gets a defined result
or a clear error there and in translate_batch; the command line (seq2seq_helpers/translate.py)."""

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from tiny_models import HELD_OUT, PAIRS, train_tiny_scalable

from seq2seq_helpers.config import DEFAULT_CORPUS
from seq2seq_helpers.data import load_pairs
from seq2seq_helpers.export import export_translator
from seq2seq_helpers.subwords import make_subword_vectorizers
from seq2seq_helpers.translate import main

ROOT = Path(__file__).resolve().parent.parent
LONG = "I see the dog and the cat " * 40  # far more than the 6 tokens the tiny models read
SENTENCES = [source for source, _ in PAIRS] + HELD_OUT + ["", "   ", LONG]
TINY_TRANSFORMER = dict(model_dim=32, num_heads=2, num_layers=1, ff_dim=64, dropout=0.0)

# Run with `python -I` (no PYTHONPATH, no current folder on sys.path) and a blocker on top, since
# the virtual environment may hold an installed copy of the package.
LOAD_ELSEWHERE = """
import json, sys

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("seq2seq_helpers", "tiny_models"):
            raise ImportError(f"{name} is blocked in this process")

sys.meta_path.insert(0, Blocker())
try:
    import seq2seq_helpers
    raise SystemExit("seq2seq_helpers could be imported")
except ImportError:
    pass
import tensorflow as tf

def error(call):
    try:
        call()
    except Exception as caught:
        return type(caught).__name__ + ": " + str(caught)
    return "no error"

folders, sentences = json.loads(sys.argv[1])
report = {}
for name, folder in folders.items():  # the word-level ones first: they need TensorFlow alone
    if name == "subword":
        import tensorflow_text  # noqa: F401  (registers the SentencePiece ops)
    translator = tf.saved_model.load(folder)
    translate = translator.translate
    serve = translator.signatures["serving_default"]
    report[name] = {
        "greedy": [t.decode() for t in translate(sentences).numpy()],
        "beam 3": [t.decode() for t in translate(sentences, beam_width=3).numpy()],
        "beam 1": [t.decode() for t in translate(sentences, beam_width=1).numpy()],
        "serving": [
            t.decode()
            for t in serve(sentences=tf.constant(sentences), beam_width=tf.constant(3))[
                "output_0"
            ].numpy()
        ],
        "nothing": translate(tf.constant([], tf.string)).numpy().tolist(),
        "numbers": error(lambda: translate([1, 2])),
        "one string": error(lambda: translate("I see the dog.")),
        "beam 0": error(lambda: translate(["I see the dog."], beam_width=0)),
        "beam 4": error(lambda: translate(["I see the dog."], beam_width=4)),
    }
print(json.dumps(report))
"""


def train(architecture, **settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "will memorize": that is the point here
        return train_tiny_scalable(architecture, epochs=20, **settings)


@pytest.fixture(scope="module")
def translators():
    # SentencePiece pieces learned from 400 course pairs; the tiny model learns PAIRS in them.
    pieces = make_subword_vectorizers(
        load_pairs(DEFAULT_CORPUS, 400), 400, max_source_length=12, max_target_length=12
    )
    return {
        "attention": train("attention"),
        "transformer": train(
            "transformer", learning_rate=0.005, transformer_sizes=TINY_TRANSFORMER
        ),
        "subword": train_tiny_scalable(
            "attention", vectorizers=pieces, max_source_length=12, max_target_length=12, epochs=300
        ),
    }


@pytest.fixture(scope="module")
def folders(translators, tmp_path_factory):
    base = tmp_path_factory.mktemp("exported")
    return {
        name: str(export_translator(translator, base / name, max_beam_width=3))
        for name, translator in translators.items()
    }


@pytest.fixture(scope="module")
def loaded_elsewhere(folders):
    result = subprocess.run(
        [sys.executable, "-I", "-c", LOAD_ELSEWHERE, json.dumps([folders, SENTENCES])],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folders["attention"],
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def in_notebook(translator, **settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the empty and the long sentence: tested below
        return translator.translate_batch(SENTENCES, **settings)


@pytest.mark.parametrize("name", ["attention", "transformer", "subword"])
def test_the_loaded_translator_translates_exactly_like_the_notebooks(
    name, translators, loaded_elsewhere
):
    loaded = loaded_elsewhere[name]
    greedy = in_notebook(translators[name])
    assert loaded["greedy"] == greedy
    assert loaded["beam 1"] == greedy
    assert loaded["beam 3"] == in_notebook(translators[name], beam_width=3)
    assert loaded["serving"] == loaded["beam 3"]
    assert len(set(greedy)) > 3  # a trained model: different sentences, different outputs
    assert any(word in greedy[0].split() for word in ("veo", "el", "perro"))
    if name == "subword":  # real text: the writer's case, a full stop against its word
        assert greedy[0][0].isupper()
        assert any(o.endswith(".") and not o.endswith(" .") for o in greedy)


@pytest.mark.parametrize("name", ["attention", "transformer"])
def test_no_words_give_an_empty_translation_and_long_sentences_are_cut(
    name, translators, loaded_elsewhere
):
    loaded = loaded_elsewhere[name]
    empty, spaces, long = (SENTENCES.index(s) for s in ("", "   ", LONG))
    for search in ("greedy", "beam 3"):
        assert loaded[search][empty] == loaded[search][spaces] == ""
    # The rule for a long sentence: its first max_source_length tokens are translated.
    assert loaded["greedy"][long] == translators[name].translate_batch(["I see the dog and the"])[0]
    assert loaded["nothing"] == []


@pytest.mark.parametrize("name", ["attention", "transformer", "subword"])
def test_bad_input_to_the_loaded_translator_gets_a_clear_error(name, loaded_elsewhere):
    loaded = loaded_elsewhere[name]
    for case in ("numbers", "one string"):
        assert loaded[case].startswith("ValueError"), loaded[case]
        assert "TensorSpec(shape=(None,), dtype=tf.string" in loaded[case]
    assert "beam_width must be at least 1" in loaded["beam 0"]
    assert "beam_width must be at most 3" in loaded["beam 4"]


def test_translate_batch_warns_about_empty_and_long_sentences_and_refuses_non_strings(
    translators,
):
    translator = translators["transformer"]
    with pytest.warns(UserWarning) as caught:
        outputs = translator.translate_batch(["I see the dog.", "", "   ", LONG])
    messages = " ".join(str(warning.message) for warning in caught)
    assert "Sentences [1, 2] have no words" in messages
    assert "Sentences [3] are longer than 6 tokens" in messages
    assert outputs[1:3] == ["", ""]
    with pytest.raises(TypeError, match=r"sentences\[1\] is a int \(3\), not a string"):
        translator.translate_batch(["I see the dog.", 3])


def test_the_export_holds_the_weights_but_not_the_optimizer(folders, translators):
    import tensorflow as tf

    for name, folder in folders.items():
        saved = tf.train.list_variables(str(Path(folder) / "variables" / "variables"))
        assert not [key for key, _ in saved if "optimizer" in key.lower()]
        weights = sum(int(np.prod(shape)) for key, shape in saved if "/.ATTRIBUTES/" in key)
        assert weights >= translators[name].model.count_params()


def test_export_refuses_a_beam_wider_than_the_vocabulary(translators, tmp_path):
    for width in (0, 10_000, 2.0):
        with pytest.raises(ValueError, match="max_beam_width must be"):
            export_translator(translators["attention"], tmp_path / "x", max_beam_width=width)


def run_command_line(*arguments):
    return subprocess.run(
        [sys.executable, "-m", "seq2seq_helpers.translate", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_the_command_line_translates_and_explains_bad_arguments(
    folders, loaded_elsewhere, tmp_path, capsys
):
    folder = folders["transformer"]
    result = run_command_line(folder, "--beam-width", "3", *SENTENCES[:3], "")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == loaded_elsewhere["transformer"]["beam 3"][:3] + [""]
    missing = run_command_line(str(tmp_path), "I see the dog.")
    assert missing.returncode == 2
    assert "holds no SavedModel (no saved_model.pb)" in missing.stderr
    no_beam = run_command_line(folder, "--beam-width", "0", "I see the dog.")
    assert no_beam.returncode == 2
    assert "--beam-width must be at least 1" in no_beam.stderr
    assert main([folder, "--beam-width", "9", "I see the dog."]) == 2  # in this process
    assert "--beam-width must be between 1 and 3" in capsys.readouterr().err


def test_the_command_line_translates_with_a_subword_translator(folders, loaded_elsewhere):
    result = run_command_line(folders["subword"], *SENTENCES[:2])
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == loaded_elsewhere["subword"]["greedy"][:2]
