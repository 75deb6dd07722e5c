"""The chatbots' table (seq2seq_helpers/chat_report.py), on a made-up report and on the committed
benchmarks/chatbots.json that notebook 12 and the README read."""

import json
from pathlib import Path

import pytest

from seq2seq_helpers.chat_report import (
    CHATBOTS_FILE,
    best_bot,
    best_decoding,
    chatbots_table,
    load_chatbots,
    rows,
    summary_lines,
)

ROOT = Path(__file__).resolve().parent.parent


def result(greedy, beam, generic=0.0, bleu=1.0):
    figures = {
        name: {"sensible_share": share, "generic_share": generic, "failures": ["hi!"]}
        for name, share in (("greedy", greedy), ("beam 5", beam))
    }
    return {
        "checklist": figures,
        "corpus_replies": {"bleu": bleu},
        "epochs_trained": 3,
        "training_seconds": 300.0,
    }


REPORT = {
    "settings": {},
    "results": {
        "lesson": {"42": result(0.3, 0.2)},
        # beam is better on seed 42 but worse on seed 7: greedy's worst seed is the better one
        "transformer": {"42": result(0.6, 0.9, generic=0.04), "7": result(0.7, 0.5)},
    },
}


def test_the_best_bot_and_decoding_go_by_their_worst_seed():
    assert best_bot(REPORT) == ("transformer", "greedy")
    assert best_bot(REPORT, among=("lesson",)) == ("lesson", "greedy")
    with pytest.raises(ValueError, match="no results for the bots"):
        best_bot(REPORT, among=("attention",))
    assert best_decoding(REPORT, "lesson") == "greedy"
    with pytest.raises(ValueError, match="no results for the bot 'attention'"):
        best_decoding(REPORT, "attention")


def test_table_and_summary_lines():
    table = chatbots_table(REPORT)
    assert len(rows(REPORT)) == 6  # bot, decoding and seed
    assert table.splitlines()[0].startswith("| bot | decoding | sensible, seeds 42 / 7 |")
    assert len(table.splitlines()) == 2 + 4  # a row per bot and decoding, the seeds side by side
    assert "| Transformer, subwords | beam 5 | 90% / 50% | 4% / 0% | 1.0 / 1.0 | 3 / 3 |" in table
    assert "| notebook 06's one-hot LSTM | greedy | 30% / – | 0% / – | 1.0 / – | 3 / – |" in table
    assert summary_lines(REPORT)[1] == (
        "Transformer, subwords, greedy: sensible 60% (seed 42), 70% (seed 7); generic at most "
        "4%; BLEU 1.0 at most"
    )


def test_load_refuses_a_missing_or_incomplete_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmark_chatbots.py"):
        load_chatbots(tmp_path / "none.json")
    broken = json.loads(json.dumps(REPORT))
    del broken["results"]["lesson"]["42"]["checklist"]["greedy"]["failures"]
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    with pytest.raises(ValueError, match="lesson, seed 42, greedy lacks"):
        load_chatbots(tmp_path / "broken.json")
    (tmp_path / "empty.json").write_text(json.dumps({"results": {}}))
    with pytest.raises(ValueError, match="no results"):
        load_chatbots(tmp_path / "empty.json")


def test_the_committed_run_is_complete_and_within_the_budget():
    report = load_chatbots(CHATBOTS_FILE)
    assert set(report["results"]) <= {"lesson", "attention", "transformer"}
    for seeds in report["results"].values():
        assert set(seeds) == {"42", "7", "1"}  # the three seeds the goal names
        for figures in seeds.values():
            assert set(figures["checklist"]) == set(report["settings"]["decodings"])
            assert figures["training_seconds"] < report["settings"]["budget"] + 60
    assert report["settings"]["budget"] <= 300  # 10 CPU-minutes on 2 cores


def test_the_readme_quotes_the_committed_run():
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for line in summary_lines(load_chatbots(CHATBOTS_FILE)):
        assert line in readme, line
    assert "benchmarks/benchmark_chatbots.py" in readme


def test_the_results_page_shows_the_committed_run_and_the_recipes_tried():
    results = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    assert chatbots_table(load_chatbots(CHATBOTS_FILE)) in results
    recipes = json.loads((ROOT / "benchmarks" / "chatbot_recipes.json").read_text("utf-8"))
    decodings = ("greedy", "beam 5", "sampling 0.7")
    for label, run in recipes["recipes"].items():
        shares = " | ".join(
            f"{run['checklist'][d]['sensible_share']:.0%} / {run['checklist'][d]['generic_share']:.0%}"
            for d in decodings
        )
        assert f"| {label} | {run['pairs']:,} | {run['epochs_trained']} | {shares} |" in results
    chosen = recipes["recipes"]["10 tokens, 2,000 pieces, 256 units, XLA (chatbots.json)"]
    seed_42 = load_chatbots(CHATBOTS_FILE)["results"]["attention"]["42"]
    assert chosen["epochs_trained"] == seed_42["epochs_trained"]
    assert (
        chosen["checklist"]["greedy"]["sensible_share"]
        == (seed_42["checklist"]["greedy"]["sensible_share"])
    )
