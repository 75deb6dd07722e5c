"""The table of model families: every family builds, is recognised from its layers and decodes
through its own entry; options a family does not take are refused with the reason; and no other
module chooses by a family's name."""

import re
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from seq2seq_helpers.families import (
    ARCHITECTURES,
    FAMILIES,
    REFUSALS,
    Ends,
    family,
    family_of,
    model_options,
)

ROOT = Path(__file__).resolve().parent.parent
# Tiny sizes for each option a family may take.
TINY = {
    "latent_dim": 8,
    "embedding_dim": 4,
    "attention_score": "bahdanau",
    "bidirectional": True,
    "transformer_sizes": {"model_dim": 8, "num_heads": 2, "num_layers": 1, "ff_dim": 16},
}


def tiny_model(chosen):
    options = model_options(chosen, {name: TINY[name] for name in chosen.options})
    return chosen.build((12, 10), (5, 6), options)


@pytest.mark.parametrize("name", ARCHITECTURES)
def test_every_family_is_recognised_from_its_layers_and_decodes_a_step(name):
    chosen = FAMILIES[name]
    keras.utils.set_random_seed(0)
    model = tiny_model(chosen)
    assert family_of(model) is chosen  # also after later families that reuse its layer names
    step_model = chosen.step_model(
        *chosen.inference_models(model),
        Ends(start_index=2, end_index=3, max_length=6, source_size=12, target_size=10),
    )
    source = tf.constant([[4, 5, 6, 0, 0], [7, 8, 0, 0, 0]], tf.int64)  # every family: ids
    state = step_model.encode(source)
    probabilities, _, attention = step_model.step(tf.constant([2, 2], tf.int64), state)
    assert probabilities.shape == (2, 10)
    np.testing.assert_allclose(np.sum(probabilities, axis=-1), 1, rtol=1e-5)
    assert (attention is not None) == chosen.has_attention == step_model.has_attention


def test_options_fill_in_defaults_and_refuse_what_another_family_takes():
    assert model_options(FAMILIES["attention"], {"latent_dim": 16, "bidirectional": False}) == {
        "latent_dim": 16,
        "embedding_dim": 128,
        "attention_score": "luong",
        "bidirectional": False,
    }
    for chosen in FAMILIES.values():
        for names in REFUSALS:
            for name in names:
                if name in chosen.options:
                    continue
                named = f"{name}.*{chosen.name!r}|{re.escape(chosen.title)}"
                with pytest.raises(ValueError, match=named):
                    model_options(chosen, {name: TINY[name]})
    with pytest.raises(ValueError, match="architecture must be one of"):
        family("gru")


def test_every_option_a_family_takes_has_a_reason_to_refuse_it_elsewhere():
    taken = {name for chosen in FAMILIES.values() for name in chosen.options}
    assert taken == {name for names in REFUSALS for name in names}


# Choosing by a family's name: `architecture == "attention"`, `in ("attention", "transformer")`.
CHOOSING = re.compile(r"""architecture\s*(==|!=|(not\s+)?in\s*[(\[{]\s*)\s*["']""")


def choices_by_name(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if CHOOSING.search(line)]


def test_no_module_but_the_table_chooses_by_a_familys_name():
    files = [
        *(ROOT / "seq2seq_helpers").rglob("*.py"),
        *(ROOT / "benchmarks").glob("*.py"),
    ]
    found = {
        path.name: choices_by_name(path.read_text(encoding="utf-8"))
        for path in files
        if path.name != "families.py"
    }
    assert {name: lines for name, lines in found.items() if lines} == {}
    # The check sees the chains it replaced:
    assert choices_by_name('        if self.architecture == "attention":')
    assert choices_by_name('    if architecture != "attention" and bidirectional:')
    assert choices_by_name('    if replace_unknown and self.architecture not in ("attention",')
    assert not choices_by_name("    if architecture not in (None, *ARCHITECTURES):")


def test_auto_means_xla_on_a_cpu_only_for_families_the_precision_run_adopted_it_for():
    """benchmarks/precision.json is the measurement behind ``xla_on_cpu``: a family has it exactly
    when the run printed "adopt" for XLA (>= 1.3x the samples/s, no lower BLEU at equal time)."""
    import json

    from benchmark_scripts import load_script

    verdict = load_script("benchmark_precision").verdict
    report = json.loads((ROOT / "benchmarks" / "precision.json").read_text(encoding="utf-8"))
    for name, rows in report["models"].items():
        fast_enough = rows["XLA"]["speed_up"] >= report["settings"]["adopt"]
        adopted = fast_enough and verdict(rows, "XLA") == "adopt"
        assert family(name).xla_on_cpu is adopted, name
    assert [f.name for f in FAMILIES.values() if f.xla_on_cpu] == ["attention"]


def test_auto_resolves_to_xla_outside_fast_mode_and_never_overrides_a_choice(monkeypatch):
    from seq2seq_helpers.training_loop import resolve_jit_compile

    attention, transformer = family("attention"), family("transformer")
    monkeypatch.setenv("SEQ2SEQ_FAST", "0")
    assert resolve_jit_compile("auto", attention, None) is True
    assert resolve_jit_compile("auto", transformer, None) == "auto"  # Keras decides: GPU only
    assert resolve_jit_compile(False, attention, None) is False
    assert resolve_jit_compile("auto", attention, tf.distribute.get_strategy()) == "auto"
    monkeypatch.setenv("SEQ2SEQ_FAST", "1")  # compiling would outlast seconds of training
    assert resolve_jit_compile("auto", attention, None) == "auto"
