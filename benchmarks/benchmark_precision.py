#!/usr/bin/env python3
"""bfloat16 mixed precision and XLA for the attention LSTM and the Transformer, side by side in one
run. A benchmark script, not a test.

    .venv/bin/python benchmarks/benchmark_precision.py       # ~20 minutes on 2 cores
    .venv/bin/python benchmarks/benchmark_precision.py --pairs 2000 --epochs 2 --budget 0  # quick

For each model, four settings: float32 (what the course uses), Keras' ``mixed_bfloat16`` policy
(weights in float32, computation in bfloat16, which this CPU's AVX-512 BF16 instructions run
natively), XLA (``jit_compile=True``; batches padded to their bucket's edge so XLA compiles a few
shapes), and both. Speed: the median training samples/s of --epochs epochs on --pairs pairs (the
first epoch, which compiles, left out). A setting is adopted only if it gives at least --adopt
times float32's samples/s AND no lower test BLEU after the same --budget seconds of training: the
quality run is made only for settings that pass the speed bar. Each setting runs in its own
process, so a policy or a compiled graph never leaks into the next one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = Path(__file__).resolve().parent
SETTINGS = {
    "float32": (False, False),
    "bfloat16": (True, False),
    "XLA": (False, True),
    "bfloat16 + XLA": (True, True),
}
# The model families compared, with each one's Adam learning rate (benchmarks/every_model.json's).
MODELS = {"attention": 0.003, "transformer": 0.001}


def run_one(args) -> dict:
    """In a worker process: train one model with one setting; its speed (and quality)."""
    import warnings

    import keras

    from seq2seq_helpers.config import DEFAULT_CORPUS, DEFAULT_TEST_CORPUS
    from seq2seq_helpers.data import load_pairs
    from seq2seq_helpers.evaluation import translation_scores
    from seq2seq_helpers.scalable_training import EpochTimes, TimeBudget, train_scalable
    from seq2seq_helpers.text import tokenize

    warnings.simplefilter("ignore")
    bf16, xla = SETTINGS[args.setting]
    if bf16:
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    keras.utils.set_random_seed(0)
    pairs = load_pairs(DEFAULT_CORPUS, sample=True, seed=1)
    pairs = pairs[: args.pairs] if args.quality == 0 else pairs
    test = load_pairs(DEFAULT_TEST_CORPUS)
    timer = EpochTimes()
    settings = dict(
        max_source_length=max(len(tokenize(s)) for s, _ in pairs),
        max_target_length=max(len(tokenize(t)) for _, t in pairs) + 1,
        max_tokens=4000,
        architecture=args.model,
        jit_compile=xla,
        verbose=0,
        callbacks=[timer],
    )
    settings["optimizer"] = keras.optimizers.Adam(MODELS[args.model])
    if args.quality:  # the same wall time, early stopping keeping the best epoch
        stop = keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)
        settings["callbacks"] = [timer, TimeBudget(args.quality), stop]
        translator, history = train_scalable(pairs, epochs=100, **settings)
        outputs = translator.translate_batch([s for s, _ in test], beam_width=1)
        scores = translation_scores(outputs, [t for _, t in test])
        return {"epochs": len(history["loss"]), "bleu": scores["bleu"], "chrf": scores["chrf"]}
    train_scalable(pairs, epochs=args.epochs, **settings)
    trained = int(len(pairs) * 0.8)
    rates = [trained / seconds for seconds in timer.seconds[1:]]  # the first epoch compiles
    return {"samples_per_second": statistics.median(rates), "epoch_seconds": timer.seconds}


def in_worker(model: str, setting: str, quality: float = 0) -> dict:
    command = [sys.executable, __file__, *sys.argv[1:], "--worker", model, setting]
    command += ["--quality", str(quality)]
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{model}, {setting} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


def verdict(rows: dict, setting: str) -> str:
    """Whether a setting that passed the speed bar is adopted: no lower BLEU than float32's."""
    if "bleu" not in rows[setting]:
        return "fast enough; quality not measured (--budget 0)"
    if rows[setting]["bleu"] >= rows["float32"]["bleu"]:
        return "adopt"
    return "not adopted: lower BLEU"


def markdown_table(report: dict) -> str:
    """The run as docs/results.md shows it (tests/test_docs.py keeps the two equal)."""
    adopt = report["settings"]["adopt"]
    lines = [
        "| model | setting | samples/s | vs float32 | test BLEU at equal time | epochs | result |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for model, rows in report["models"].items():
        for setting, row in rows.items():
            bleu = f"{row['bleu']:.2f}" if "bleu" in row else "–"
            epochs = str(row["epochs"]) if "epochs" in row else "–"
            if setting == "float32":
                result = "the course's setting"
            elif row["speed_up"] < adopt:
                result = f"below {adopt}×: not adopted"
            else:
                result = verdict(rows, setting)
            lines.append(
                f"| {model} | {setting} | {row['samples_per_second']:,.0f} | "
                f"{row['speed_up']:.2f}× | {bleu} | {epochs} | {result} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=6000, help="pairs for the speed runs")
    parser.add_argument("--epochs", type=int, default=6, help="epochs per speed run (>= 2)")
    parser.add_argument("--budget", type=float, default=200, help="seconds per quality run")
    parser.add_argument("--adopt", type=float, default=1.3, help="speed-up a setting must reach")
    parser.add_argument("--out", default=None, help="write the figures to this JSON file")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--quality", type=float, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.epochs < 2:
        raise SystemExit("--epochs must be at least 2: the first epoch compiles and is not timed.")
    if args.worker:
        args.model, args.setting = args.worker
        print("RESULT " + json.dumps(run_one(args)))
        return
    report = {"settings": {k: v for k, v in vars(args).items() if k != "worker"}, "models": {}}
    for model in MODELS:
        rows = {setting: in_worker(model, setting) for setting in SETTINGS}
        base = rows["float32"]["samples_per_second"]
        for row in rows.values():
            row["speed_up"] = row["samples_per_second"] / base
        winners = [s for s, row in rows.items() if s != "float32" and row["speed_up"] >= args.adopt]
        if winners and args.budget:
            for setting in ["float32", *winners]:
                rows[setting].update(in_worker(model, setting, args.budget))
        report["models"][model] = rows
        print(f"\n{model}: {args.pairs} pairs, median samples/s of epochs 2-{args.epochs}")
        for setting in winners:
            print(f"  {setting}: {rows[setting]['speed_up']:.2f}x, {verdict(rows, setting)}")
        if not winners:
            print(f"  no setting reaches {args.adopt}x float32's speed: float32 stays")
    print("\n" + markdown_table(report))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
