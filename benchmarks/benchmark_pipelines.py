#!/usr/bin/env python3
"""Lesson pipeline (one-hot arrays, predict() per token) vs the scalable one (ids, masking, tf.data,
batched decoding) vs the attention model of notebook 09 (greedy and beam search), on the same
data in one run. A benchmark script, not a test.

    .venv/bin/python benchmarks/benchmark_pipelines.py                 # 2,000 pairs, some minutes
    .venv/bin/python benchmarks/benchmark_pipelines.py --pairs 500 --max-epochs 5   # quick look
    .venv/bin/python benchmarks/benchmark_pipelines.py --learning-curve 1000,2000,4000,8000,all
    .venv/bin/python benchmarks/benchmark_pipelines.py --pairs 13516 --models scalable,attention \
        --budget 200 --max-tokens 4000 --held-out 1257 --max-epochs 100 --learning-rate 0.003

Each pipeline trains in its own Python process, so its peak memory is its own. Each stops when the
validation loss has not improved for --patience epochs and keeps its best weights; with --budget,
the scalable and attention models also stop after that many seconds of training (and keep their
best epoch's weights too). Quality is
measured on the course's test file (or --test), which neither training nor validation ever saw.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Pipeline:
    """One pipeline the benchmark runs: ``family``, the model family ``train_scalable`` builds
    (``seq2seq_helpers.families.FAMILIES``; None for the lesson's own arrays and predict() loop);
    ``tokenizer``, ``"words"`` or ``"subwords"`` (SentencePiece pieces, --subword-vocabulary);
    ``settings`` of its own for ``train_scalable``; ``learning_rate``, the option that sets its
    Adam learning rate (--learning-rate when that one is not given)."""

    what: str  # for --help and the table's legend
    family: str | None
    tokenizer: str = "words"
    settings: dict = field(default_factory=dict)
    learning_rate: str = "learning_rate"


# A subword variant is a row with tokenizer="subwords": the same family, other vectorizers.
PIPELINES = {
    "lesson": Pipeline(
        "the lesson's one-hot model on the lesson's arrays, predict() per token (04-05)", None
    ),
    "onehot": Pipeline(  # trained the lesson's way: RMSprop, every sentence padded to the longest
        "the lesson's one-hot LSTM, fed one-hot rows made batch by batch from ids (09)",
        "lesson",
        settings=dict(optimizer="rmsprop", bucketing=False),
    ),
    "scalable": Pipeline(
        "ids, embeddings, masking, tf.data, compiled greedy/beam search (07-08)", "scalable"
    ),
    "attention": Pipeline(
        "the scalable LSTM with Luong attention over the encoder's outputs (09)", "attention"
    ),
    "bidirectional": Pipeline(
        "the attention model with a Bidirectional encoder (09, benchmark only)",
        "attention",
        settings=dict(bidirectional=True),
    ),
    "transformer": Pipeline(
        "the encoder-decoder Transformer of notebook 10",
        "transformer",
        learning_rate="transformer_learning_rate",
    ),
    "subword_attention": Pipeline(
        "the attention LSTM on SentencePiece pieces (11)", "attention", tokenizer="subwords"
    ),
    "subword_transformer": Pipeline(
        "the Transformer on SentencePiece pieces (11)",
        "transformer",
        tokenizer="subwords",
        learning_rate="transformer_learning_rate",
    ),
}


def load_all_pairs(args) -> list:
    """Every pair of the training data (at most --max-words words a side), in one seeded shuffle."""
    from seq2seq_helpers.config import DEFAULT_CORPUS
    from seq2seq_helpers.data import load_pairs

    if args.data == "chitchat":
        from seq2seq_helpers.conversations import extract_pairs, load_chitchat_conversations

        conversations = load_chitchat_conversations()
        pairs, _ = extract_pairs(conversations, max_words=args.max_length or 8, seed=1)
    else:
        pairs = load_pairs(
            args.data or DEFAULT_CORPUS, sample=True, seed=1, max_length=args.max_length
        )
    return pairs


def test_file(args) -> str | None:
    """The file quality is measured on: --test, or the course's test file for the course corpus;
    None means "hold out pairs of the training data" (another --data file, or chitchat)."""
    from seq2seq_helpers.config import DEFAULT_TEST_CORPUS

    if args.test:
        return args.test
    return None if args.data else str(DEFAULT_TEST_CORPUS)


def load_data(args) -> tuple[list, list]:
    """(training + validation pairs, test pairs)."""
    from seq2seq_helpers.data import load_pairs

    pairs = load_all_pairs(args)
    if test_file(args):
        test = load_pairs(test_file(args), max_length=args.max_length)[: args.held_out]
        if len(pairs) < args.pairs:
            raise SystemExit(
                f"--pairs {args.pairs} needs {args.pairs} pairs; the data has {len(pairs)}."
            )
        return pairs[: args.pairs], test
    needed = args.pairs + args.held_out
    if len(pairs) < needed:
        raise SystemExit(
            f"--pairs {args.pairs} + --held-out {args.held_out} needs {needed} pairs; "
            f"the data has {len(pairs)}."
        )
    return pairs[: args.pairs], pairs[args.pairs : needed]


def early_stopping(patience: int):
    import keras

    return keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)


def run_lesson(args, pairs, held_out) -> dict:
    import keras

    from seq2seq_helpers.evaluation import token_accuracies
    from seq2seq_helpers.progress import track
    from seq2seq_helpers.scalable_training import EpochTimes
    from seq2seq_helpers.text import prepare_training_setup
    from seq2seq_helpers.training import train_translator
    from seq2seq_helpers.vectorize import make_training_arrays

    keras.utils.set_random_seed(0)
    timer = EpochTimes()
    translator, history = train_translator(
        pairs,
        latent_dim=args.latent_dim,
        epochs=args.max_epochs,
        batch_size=args.lesson_batch,
        callbacks=[timer, early_stopping(args.patience)],
        verbose=0,
    )
    split = int(len(pairs) * 0.8)
    # The same arrays train_translator built (and freed when it returned): measured here, after
    # training, so two copies are never alive at once to inflate this pipeline's peak memory.
    encoder_input, decoder_input, target = make_training_arrays(prepare_training_setup(pairs))
    array_bytes = encoder_input.nbytes + decoder_input.nbytes + target.nbytes
    predictions = translator.model.predict(
        [encoder_input[split:], decoder_input[split:]], verbose=0
    )
    _, val_accuracy = token_accuracies(predictions, target[split:])

    def translate(sentence: str) -> str:
        try:
            return translator.translate(sentence)
        except ValueError:  # no known word at all
            return ""

    start = time.perf_counter()
    outputs = [translate(s) for s, _ in track(held_out, label="lesson decoding")]
    decode_ms = 1000 * (time.perf_counter() - start) / len(held_out)
    return {
        "training_array_bytes": array_bytes,
        "samples_per_second": timer.samples_per_second(split),
        "epochs_trained": len(history["loss"]),
        "val_token_accuracy": val_accuracy,
        "decode_ms_per_sentence": decode_ms,
        "outputs": outputs,
    }


def run_scalable(args, pairs, held_out, name: str = "scalable") -> dict:
    """A pipeline of ``train_scalable`` (see ``PIPELINES``): notebook 07's scalable model, notebook
    09's attention model (or its one-hot LSTM fed from ids), or notebook 10's Transformer, on
    words or subword pieces: trained until early stopping or for --budget seconds, decoded
    greedily and with beams 3 and 5, all through the same search code."""
    import keras

    from seq2seq_helpers.families import FAMILIES
    from seq2seq_helpers.scalable import vectorize_pairs
    from seq2seq_helpers.scalable_training import (
        EpochTimes,
        TimeBudget,
        train_scalable,
        training_array_bytes,
    )
    from seq2seq_helpers.subwords import make_subword_vectorizers
    from seq2seq_helpers.text import tokenize
    from seq2seq_helpers.vectorize import one_hot_bytes

    pipeline = PIPELINES[name]
    family = FAMILIES[pipeline.family]
    keras.utils.set_random_seed(0)
    max_source = max(len(tokenize(s)) for s, _ in pairs)
    max_target = max(len(tokenize(t)) for _, t in pairs) + 1  # + <START> or <END>
    vectorizers, max_tokens = None, args.max_tokens
    if pipeline.tokenizer == "subwords":  # pieces, up to the longest sentence as words are
        vectorizers = make_subword_vectorizers(pairs, args.subword_vocabulary, coverage=1.0)
        max_source, max_target = vectorizers.max_source_length, vectorizers.max_target_length
        max_tokens = None
    timer = EpochTimes()
    # EarlyStopping keeps the best epoch's weights also when the time budget ends training.
    stops = [early_stopping(args.patience)] + ([TimeBudget(args.budget)] if args.budget else [])
    learning_rate = getattr(args, pipeline.learning_rate) or args.learning_rate or 0.001
    # The command line's sizes, for the families that take them.
    sizes = dict(
        latent_dim=args.latent_dim,
        transformer_sizes=dict(
            model_dim=args.model_dim,
            num_heads=args.heads,
            num_layers=args.layers,
            ff_dim=args.ff_dim,
            dropout=args.dropout,
        ),
    )
    settings = {
        "optimizer": keras.optimizers.Adam(learning_rate),
        **{option: value for option, value in sizes.items() if option in family.options},
        **pipeline.settings,
    }
    start = time.perf_counter()
    translator, history = train_scalable(
        pairs,
        max_source_length=max_source,
        max_target_length=max_target,
        epochs=args.max_epochs,
        batch_size=args.scalable_batch,
        callbacks=[timer, *stops],
        verbose=0,
        max_tokens=max_tokens,
        vectorizers=vectorizers,
        architecture=family.name,
        **settings,
    )
    training_seconds = time.perf_counter() - start
    inputs, targets = vectorize_pairs(translator.vectorizers, pairs)
    best = min(range(len(history["val_loss"])), key=history["val_loss"].__getitem__)
    sources = [s for s, _ in held_out]
    array_bytes = training_array_bytes(inputs, targets)
    if family.feed is not None:  # fed one-hot rows: the arrays the lesson's way would hold
        vocabularies = translator.vectorizers
        array_bytes = one_hot_bytes(
            len(pairs),
            max_source,
            len(vocabularies.source_vocabulary),
            max_target,
            len(vocabularies.target_vocabulary),
        )
    result = {
        "parameters": translator.model.count_params(),
        "training_array_bytes": array_bytes,
        "samples_per_second": timer.samples_per_second(int(len(pairs) * 0.8)),
        "epochs_trained": len(history["loss"]),
        "training_seconds": training_seconds,
        "seconds_to_best_epoch": sum(timer.seconds[: best + 1]),
        "best_val_loss": history["val_loss"][best],
        "val_token_accuracy": history["val_accuracy"][best],
    }
    for beam in (1,) if args.sweep else (1, 3, 5):
        translator.translate_batch(sources[:8], beam_width=beam)  # trace the compiled loop once
        start = time.perf_counter()
        outputs = translator.translate_batch(sources, beam_width=beam)
        milliseconds = 1000 * (time.perf_counter() - start) / len(held_out)
        suffix = "" if beam == 1 else f"_beam{beam}"
        result[f"decode_ms_per_sentence{suffix}"] = milliseconds
        result[f"outputs{suffix}"] = outputs
    return result


def worker(args) -> None:
    """Run one pipeline and print its figures as one JSON line."""
    warnings.simplefilter("ignore")
    pairs, held_out = load_data(args)
    if PIPELINES[args.worker].family is None:
        result = run_lesson(args, pairs, held_out)
    else:
        result = run_scalable(args, pairs, held_out, args.worker)
    result["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result))


def one_hot_and_id_bytes(pairs) -> tuple[int, int]:
    """Bytes the lesson's three float32 one-hot arrays and the three integer arrays need."""
    from seq2seq_helpers.text import prepare_training_setup
    from seq2seq_helpers.vectorize import one_hot_bytes

    setup = prepare_training_setup(pairs)
    n, te, td = len(pairs), setup.max_encoder_seq_length, setup.max_decoder_seq_length
    one_hot = one_hot_bytes(n, te, setup.num_encoder_tokens, td, setup.num_decoder_tokens)
    ids = 8 * n * (te + 2 * (td - 1))
    return one_hot, ids


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--data",
        default=None,
        help="a sentence-pair file, or 'chitchat' (default: the course corpus)",
    )
    parser.add_argument("--pairs", type=int, default=2000, help="training + validation pairs")
    parser.add_argument(
        "--held-out",
        type=int,
        default=300,
        help="test pairs for BLEU/chrF: the first N of the test file (course corpus, or --test), "
        "else N more pairs of the data that neither pipeline trains or validates on",
    )
    parser.add_argument("--test", default=None, help="a test file (default: data/eng_spa_test.tsv)")
    parser.add_argument(
        "--max-epochs",
        type=int,
        default=100,
        help="upper limit; early stopping usually ends training sooner",
    )
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument("--lesson-batch", type=int, default=10, help="the lesson's batch size")
    parser.add_argument("--scalable-batch", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=256)
    parser.add_argument(
        "--max-length",
        type=int,
        default=None,
        help="only pairs of at most this many tokens a side (chitchat: 8 unless given)",
    )
    parser.add_argument(
        "--learning-curve",
        default=None,
        help="e.g. 1000,2000,4000,8000,all: train the scalable model on that many pairs, same "
        "settings (--max-epochs epochs, no early stopping), score each on the test file",
    )
    parser.add_argument("--max-tokens", type=int, default=None, help="vocabulary cap (scalable)")
    parser.add_argument(
        "--growth",
        default="500,1000,2000,3000",
        help="pair counts for the memory-growth table (one-hot memory is computed, not allocated)",
    )
    parser.add_argument(
        "--growth-only",
        action="store_true",
        help="only the memory-growth table and plot (no training)",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="for each --growth pair count, measure training samples/s and decoding ms/sentence "
        "of both pipelines (2 epochs each); one-hot runs above --one-hot-limit-mb are skipped "
        "and the memory they would need is printed",
    )
    parser.add_argument("--one-hot-limit-mb", type=float, default=3000)
    parser.add_argument("--out", default=str(HERE / "results"), help="folder for JSON and plot")
    parser.add_argument(
        "--models",
        default="lesson,scalable,attention",
        help="which pipelines to run, from: "
        + "; ".join(f"{name}: {pipeline.what}" for name, pipeline in PIPELINES.items())
        + ". The lesson's one-hot arrays do not fit in memory for thousands of long pairs: "
        "use onehot there",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        help="train every model but the lesson's for this many seconds each (the same wall "
        "time) instead of until early stopping",
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=None,
        help="Adam's learning rate for every model but the lesson's (default 0.001)",
    )
    transformer = parser.add_argument_group("the Transformer's sizes (see build_transformer_model)")
    transformer.add_argument(
        "--transformer-learning-rate",
        type=float,
        default=None,
        help="Adam's learning rate for the Transformer (default: --learning-rate)",
    )
    transformer.add_argument("--model-dim", type=int, default=128)
    transformer.add_argument("--heads", type=int, default=4)
    transformer.add_argument("--layers", type=int, default=2)
    transformer.add_argument("--ff-dim", type=int, default=512)
    transformer.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument(
        "--subword-vocabulary",
        type=int,
        default=4000,
        help="SentencePiece pieces per language for the subword_ pipelines",
    )
    parser.add_argument(
        "--subword-sizes",
        default=None,
        help="e.g. 1000,2000,4000,8000: train subword_attention once at each vocabulary size "
        "(same options, same --budget), print one table and write subword_sizes.json",
    )
    parser.add_argument("--worker", choices=PIPELINES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    results = {}
    if args.growth_only:
        return report_growth(args, results)
    if args.sweep:
        return sweep(args)
    if args.learning_curve:
        return report_learning_curve(args)
    if args.subword_sizes:
        return report_subword_sizes(args)
    models = [name.strip() for name in args.models.split(",") if name.strip()]
    if not models or any(name not in PIPELINES for name in models):
        raise SystemExit(f"--models must name some of {', '.join(PIPELINES)}; got {args.models!r}.")
    _, held_out = load_data(args)  # fails early, with a clear message, if the data is too small
    for name in models:
        results[name] = run_worker(name)
    report_table(args, results, held_out)
    report_growth(args, results)


def report_table(args, results: dict, held_out) -> None:
    """One table, a column per pipeline: memory, speed, decoding, test scores, by length."""
    import sacrebleu

    from seq2seq_helpers.evaluation import scores_by_length, translation_scores
    from seq2seq_helpers.text import UNKNOWN_TOKEN

    sources = [s for s, _ in held_out]
    references = [t for _, t in held_out]
    buckets = []
    for result in results.values():
        for suffix in ("", "_beam3", "_beam5"):
            if f"outputs{suffix}" not in result:
                continue
            outputs = result.pop(f"outputs{suffix}")
            for key, value in translation_scores(outputs, references).items():
                result[f"{key}{suffix}"] = value
            # Case counts here: the subword models keep it, the word models lowercase.
            result[f"bleu_cased{suffix}"] = sacrebleu.corpus_bleu(outputs, [references]).score
            result[f"unknown_share{suffix}"] = (
                100 * sum(UNKNOWN_TOKEN in o for o in outputs) / len(outputs)
            )
            if not suffix:
                by_length = scores_by_length(sources, outputs, references)
                result["by_length"] = by_length
                buckets = [(row["bucket"], row["sentences"]) for row in by_length]
                for row in by_length:
                    result[f"bleu_{row['bucket']}"] = row["bleu"]
                    result[f"chrf_{row['bucket']}"] = row["chrf"]
    rows = [
        ("parameters", "parameters", 1),
        ("training-array memory (MB)", "training_array_bytes", 1e-6),
        ("peak process memory (MB)", "peak_memory_mb", 1),
        ("training samples/s", "samples_per_second", 1),
        ("epochs trained", "epochs_trained", 1),
        ("seconds to the best epoch", "seconds_to_best_epoch", 1),
        ("greedy ms/sentence", "decode_ms_per_sentence", 1),
        ("beam 3 ms/sentence", "decode_ms_per_sentence_beam3", 1),
        ("beam 5 ms/sentence", "decode_ms_per_sentence_beam5", 1),
        ("val accuracy, real tokens", "val_token_accuracy", 1),
        ("test BLEU, greedy", "bleu", 1),
        ("test BLEU, beam 3", "bleu_beam3", 1),
        ("test BLEU, beam 5", "bleu_beam5", 1),
        ("test chrF, greedy", "chrf", 1),
        ("test chrF, beam 5", "chrf_beam5", 1),
        ("test BLEU, case kept, beam 5", "bleu_cased_beam5", 1),
        ("outputs with [UNK] (%), beam 5", "unknown_share_beam5", 1),
        ("test exact match (%)", "exact_match", 1),
    ]
    for bucket, count in buckets:
        rows.append((f"BLEU, {bucket} words ({count})", f"bleu_{bucket}", 1))
        rows.append((f"chrF, {bucket} words ({count})", f"chrf_{bucket}", 1))
    how = f"{args.budget:.0f} s of training each" if args.budget else "until early stopping"
    how += f", Adam learning rate {args.learning_rate or 0.001}"
    if args.transformer_learning_rate and "transformer" in results:
        how += f" ({args.transformer_learning_rate} for the Transformer)"
    if "onehot" in results:
        how += " (RMSprop for the one-hot LSTM, as in the lesson)"
    print(
        f"\n{args.pairs} training pairs, data: {args.data or 'course corpus'}, {how}; quality on "
        f"{len(held_out)} pairs of {test_file(args) or 'the data, held out'}"
    )
    names = list(results)
    print(f"{'figure':30} " + " ".join(f"{name:>12}" for name in names))
    for label, key, scale in rows:
        cells = []
        for name in names:
            value = results[name].get(key)
            if value is None:
                cells.append(f"{'':>12}")
            elif isinstance(value, int) and scale == 1:  # counts: parameters, epochs
                cells.append(f"{value:12,}")
            else:
                cells.append(f"{value * scale:12,.3f}")
        print(f"{label:30} " + " ".join(cells))
    ratios = []
    pairs_compared = (
        ("lesson", "scalable"),
        ("onehot", "scalable"),
        ("scalable", "attention"),
        ("attention", "bidirectional"),
        ("attention", "transformer"),
        ("attention", "subword_attention"),
        ("transformer", "subword_transformer"),
    )
    for a, b in pairs_compared:
        if a in results and b in results:
            first, second = results[a], results[b]
            parts = []
            memory = first["training_array_bytes"] / second["training_array_bytes"]
            if memory != 1:  # the same arrays: nothing to compare
                parts.append(f"training-array memory {memory:,.1f}x less")
            if "parameters" in first and "parameters" in second:
                parts.append(f"parameters {second['parameters'] / first['parameters']:.2f}x")
            parts.append(
                f"samples/s {second['samples_per_second'] / first['samples_per_second']:.2f}x"
            )
            bleu = second["bleu"] / first["bleu"] if first["bleu"] else float("nan")
            parts.append(f"test BLEU {bleu:.2f}x")
            ratios.append(f"{b}/{a}: " + ", ".join(parts))
    for name in names:
        result = results[name]
        if "decode_ms_per_sentence_beam5" in result:
            ratios.append(
                f"{name}: beam 5 takes {result['decode_ms_per_sentence_beam5'] / result['decode_ms_per_sentence']:.1f}x "
                f"greedy's time; BLEU {result['bleu']:.2f} -> {result['bleu_beam5']:.2f}"
            )
    print("\n".join(ratios))


def run_worker(name: str, *overrides: str) -> dict:
    """Run one pipeline in its own process (same options, plus ``overrides``); its figures."""
    print(f"running the {name} pipeline {' '.join(overrides)} ...", flush=True)
    command = [sys.executable, __file__, *sys.argv[1:], *overrides, "--worker", name]
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the {name} pipeline failed:\n{done.stderr[-4000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


def report_subword_sizes(args) -> None:
    """The subword attention model at several vocabulary sizes, same data and budget."""
    _, held_out = load_data(args)
    references = [t for _, t in held_out]
    from seq2seq_helpers.evaluation import translation_scores

    sizes = [int(size) for size in args.subword_sizes.split(",") if size]
    rows = []
    for size in sizes:
        try:
            figures = run_worker("subword_attention", "--subword-vocabulary", str(size))
        except SystemExit as failed:  # e.g. more pieces than the text holds: say so, go on
            print(f"{size} pieces: {str(failed)[-300:]}")
            continue
        row = {"vocabulary_size": size}
        for suffix in ("", "_beam5"):
            for key, value in translation_scores(figures[f"outputs{suffix}"], references).items():
                row[f"{key}{suffix}"] = value
        row.update({k: figures[k] for k in ("parameters", "epochs_trained", "samples_per_second")})
        rows.append(row)
    print(f"\nsubword attention LSTM, {args.budget or 'no'} s budget, {len(held_out)} test pairs")
    print(
        f"{'pieces':>7} {'parameters':>11} {'epochs':>7} {'BLEU':>6} {'BLEU b5':>8} {'chrF b5':>8}"
    )
    for row in rows:
        print(
            f"{row['vocabulary_size']:>7} {row['parameters']:>11,} {row['epochs_trained']:>7} "
            f"{row['bleu']:6.2f} {row['bleu_beam5']:8.2f} {row['chrf_beam5']:8.1f}"
        )
    out = write_report(args, "subword_sizes.json", rows=rows)
    print(f"wrote {out / 'subword_sizes.json'}")


def write_report(args, name: str, **figures) -> Path:
    """Write ``figures`` with the run's settings to ``--out``/``name``; return the folder."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    settings = {k: v for k, v in vars(args).items() if k != "worker"}
    (out / name).write_text(json.dumps({"settings": settings, **figures}, indent=1))
    return out


def sweep(args) -> None:
    """Throughput and decoding speed of both pipelines as the number of pairs grows."""
    all_pairs = load_all_pairs(args)
    rows = []
    for count in [int(c) for c in args.growth.split(",") if c]:
        if count + 20 > len(all_pairs):
            print(f"{count}: the data has only {len(all_pairs)} pairs")
            continue
        one_hot, ids = one_hot_and_id_bytes(all_pairs[:count])
        row = {"pairs": count, "one_hot_bytes": one_hot, "integer_bytes": ids}
        short = ("--pairs", str(count), "--held-out", "20", "--max-epochs", "2", "--patience", "99")
        for name in ("lesson", "scalable"):
            if name == "lesson" and one_hot / 1e6 > args.one_hot_limit_mb:
                row["lesson"] = None  # would not fit the limit: report what it would need
                continue
            figures = run_worker(name, *short)
            row[name] = {k: figures[k] for k in ("samples_per_second", "decode_ms_per_sentence")}
        rows.append(row)

    print(
        f"\n{'pairs':>7} {'one-hot MB':>11} {'ids MB':>8} {'lesson samples/s':>17} "
        f"{'scalable samples/s':>19} {'lesson ms/sent':>15} {'scalable ms/sent':>17}"
    )
    for row in rows:
        lesson, scalable = row["lesson"], row["scalable"]
        lesson_speed = f"{lesson['samples_per_second']:17,.0f}" if lesson else f"{'(not run)':>17}"
        lesson_ms = f"{lesson['decode_ms_per_sentence']:15,.1f}" if lesson else f"{'':>15}"
        print(
            f"{row['pairs']:>7} {row['one_hot_bytes'] / 1e6:11,.0f} "
            f"{row['integer_bytes'] / 1e6:8,.2f} {lesson_speed} "
            f"{scalable['samples_per_second']:19,.0f} {lesson_ms} "
            f"{scalable['decode_ms_per_sentence']:17,.2f}"
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep.json").write_text(json.dumps({"settings": vars(args), "rows": rows}, indent=1))
    print(
        f"\nwrote {out / 'sweep.json'}; one-hot runs above {args.one_hot_limit_mb:,.0f} MB "
        "were not run"
    )


def report_learning_curve(args) -> None:
    """Test-file BLEU and chrF of the scalable model against the number of training pairs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from seq2seq_helpers.plotting import plot_learning_curve
    from seq2seq_helpers.scalable_training import learning_curve
    from seq2seq_helpers.text import tokenize

    warnings.simplefilter("ignore")
    all_pairs = load_all_pairs(args)
    sizes = [len(all_pairs) if s == "all" else int(s) for s in args.learning_curve.split(",") if s]
    _, test = load_data(argparse.Namespace(**{**vars(args), "pairs": min(sizes)}))
    settings = dict(
        max_source_length=max(len(tokenize(s)) for s, _ in all_pairs),
        max_target_length=max(len(tokenize(t)) for _, t in all_pairs) + 1,
        latent_dim=args.latent_dim,
        epochs=args.max_epochs,
        batch_size=args.scalable_batch,
        max_tokens=args.max_tokens,
        callbacks=[early_stopping(args.patience)],
    )
    print(
        f"learning curve: {sizes} training pairs, each until its validation loss stops improving "
        f"({args.patience} epochs patience, at most {args.max_epochs}), {len(test)} test pairs"
    )
    points = learning_curve(all_pairs, test, sizes, **settings)
    print(f"\n{'pairs':>7} {'epochs':>7} {'BLEU':>6} {'chrF':>6} {'exact %':>8} {'seconds':>8}")
    for p in points:
        print(
            f"{p['pairs']:>7,} {p['epochs']:>7} {p['bleu']:6.1f} {p['chrf']:6.1f} "
            f"{p['exact_match']:8.1f} {p['seconds']:8.0f}"
        )
    out = write_report(args, "learning_curve.json", points=points)
    figure = plot_learning_curve(points, title="Scalable model, each size until early stopping")
    figure.savefig(out / "learning_curve.png", dpi=100)
    plt.close(figure)
    print(f"\nwrote {out / 'learning_curve.json'} and {out / 'learning_curve.png'}")


def report_growth(args, results: dict) -> None:
    """Print and save how the training arrays grow with the number of pairs."""
    growth = []
    all_pairs = load_all_pairs(args)
    print(f"\n{'pairs':>8} {'one-hot MB':>12} {'integer MB':>12}")
    for count in [int(c) for c in args.growth.split(",") if c]:
        if count > len(all_pairs):
            print(f"{count:>8}  (the data has only {len(all_pairs)} pairs)")
            continue
        one_hot, ids = one_hot_and_id_bytes(all_pairs[:count])
        growth.append({"pairs": count, "one_hot_bytes": one_hot, "integer_bytes": ids})
        print(f"{count:>8} {one_hot / 1e6:12,.1f} {ids / 1e6:12,.3f}")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report = {
        "settings": {k: v for k, v in vars(args).items() if k != "worker"},
        "results": results,
        "memory_growth": growth,
    }
    (out / "benchmark.json").write_text(json.dumps(report, indent=1))
    plot_growth(growth, out / "memory_growth.png")
    print(f"\nwrote {out / 'benchmark.json'} and {out / 'memory_growth.png'}")


def plot_growth(growth: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not growth:
        return
    pairs = [row["pairs"] for row in growth]
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.plot(pairs, [row["one_hot_bytes"] / 1e6 for row in growth], "o-", label="one-hot (lesson)")
    axis.plot(pairs, [row["integer_bytes"] / 1e6 for row in growth], "o-", label="integer ids")
    axis.set_yscale("log")
    axis.set_xlabel("sentence pairs")
    axis.set_ylabel("training arrays (MB, log scale)")
    axis.legend()
    axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
