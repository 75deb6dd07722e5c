"""The chatbots' checklist results, read from one run of benchmarks/benchmark_chatbots.py.

Introduced in notebooks/12_chatbot_that_answers.ipynb; the README quotes the same figures. They are
kept in ``benchmarks/chatbots.json`` so the notebook and the README read the same run: neither
types a number in by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

CHATBOTS_FILE = Path(__file__).resolve().parent.parent / "benchmarks" / "chatbots.json"
BOT_NAMES = {
    "lesson": "notebook 06's one-hot LSTM",
    "attention": "attention LSTM, subwords",
    "transformer": "Transformer, subwords",
}


def load_chatbots(path: str | Path = CHATBOTS_FILE) -> dict:
    """The benchmark's report, checked to hold the figures the table shows."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run benchmarks/benchmark_chatbots.py --out {path} first."
        )
    report = json.loads(path.read_text(encoding="utf-8"))
    for bot, seeds in report.get("results", {}).items():
        for seed, result in seeds.items():
            for decoding, figures in result.get("checklist", {}).items():
                missing = {"sensible_share", "generic_share", "failures"} - set(figures)
                if missing:
                    raise ValueError(f"{path}: {bot}, seed {seed}, {decoding} lacks {missing}.")
    if not report.get("results"):
        raise ValueError(f"{path} holds no results.")
    return report


def rows(report: dict) -> list[dict]:
    """One row per bot, decoding and seed: the shares, BLEU and the training facts."""
    table = []
    for bot, seeds in report["results"].items():
        for seed, result in seeds.items():
            for decoding, figures in result["checklist"].items():
                table.append(
                    {
                        "bot": bot,
                        "seed": int(seed),
                        "decoding": decoding,
                        "sensible": figures["sensible_share"],
                        "generic": figures["generic_share"],
                        "failures": figures["failures"],
                        "bleu": result["corpus_replies"]["bleu"],
                        "epochs": result["epochs_trained"],
                        "seconds": result["training_seconds"],
                    }
                )
    return table


def chatbots_table(report: dict) -> str:
    """Markdown: one row per bot and decoding, each figure given for every seed ("a / b / c", in
    the seeds' order in the header; "–" where a bot was not run on a seed)."""
    table = rows(report)
    seeds = list(dict.fromkeys(row["seed"] for row in table))
    by_bot: dict[tuple[str, str], dict[int, dict]] = {}
    for row in table:
        by_bot.setdefault((row["bot"], row["decoding"]), {})[row["seed"]] = row

    def per_seed(runs: dict[int, dict], key: str, form) -> str:
        return " / ".join(form(runs[seed][key]) if seed in runs else "–" for seed in seeds)

    percent, one_decimal = "{:.0%}".format, "{:.1f}".format
    lines = [
        f"| bot | decoding | sensible, seeds {' / '.join(map(str, seeds))} | generic | "
        "BLEU (greedy) | epochs in budget |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (bot, decoding), runs in by_bot.items():
        lines.append(
            f"| {BOT_NAMES.get(bot, bot)} | {decoding} | {per_seed(runs, 'sensible', percent)} | "
            f"{per_seed(runs, 'generic', percent)} | {per_seed(runs, 'bleu', one_decimal)} | "
            f"{per_seed(runs, 'epochs', str)} |"
        )
    return "\n".join(lines)


def best_bot(report: dict, among: tuple[str, ...] | None = None) -> tuple[str, str]:
    """The (bot, decoding) with the highest lowest-over-seeds sensible share; ``among`` limits
    the bots considered (say, to the new ones)."""
    worst: dict[tuple[str, str], float] = {}
    for row in rows(report):
        if among is not None and row["bot"] not in among:
            continue
        key = (row["bot"], row["decoding"])
        worst[key] = min(worst.get(key, 1.0), row["sensible"])
    if not worst:
        raise ValueError(
            f"no results for the bots {among}; the report has {list(report['results'])}."
        )
    return max(worst, key=worst.get)


def best_decoding(report: dict, bot: str) -> str:
    """The bot's decoding with the highest lowest-over-seeds sensible share."""
    worst: dict[str, float] = {}
    for row in rows(report):
        if row["bot"] == bot:
            worst[row["decoding"]] = min(worst.get(row["decoding"], 1.0), row["sensible"])
    if not worst:
        raise ValueError(
            f"no results for the bot {bot!r}; the report has {list(report['results'])}."
        )
    return max(worst, key=worst.get)


def summary_lines(report: dict) -> list[str]:
    """One line per bot, its best decoding: the sensible share on each seed, the most generic
    share, and BLEU; the README quotes these lines (a test keeps them equal)."""
    lines = []
    for bot in report["results"]:
        decoding = best_decoding(report, bot)
        chosen = [r for r in rows(report) if r["bot"] == bot and r["decoding"] == decoding]
        shares = ", ".join(f"{r['sensible']:.0%} (seed {r['seed']})" for r in chosen)
        lines.append(
            f"{BOT_NAMES.get(bot, bot)}, {decoding}: sensible {shares}; generic at most "
            f"{max(r['generic'] for r in chosen):.0%}; BLEU {max(r['bleu'] for r in chosen):.1f} "
            "at most"
        )
    return lines
