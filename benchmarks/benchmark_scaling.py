#!/usr/bin/env python3
"""What the scaling options buy, measured side by side in one run. A benchmark script, not a test.

    .venv/bin/python benchmarks/benchmark_scaling.py                  # 8,000 course pairs, ~30 min
    .venv/bin/python benchmarks/benchmark_scaling.py --minutes 2      # shorter quality runs
    .venv/bin/python benchmarks/benchmark_scaling.py --data my_pairs.tsv --test my_test.tsv

It prints, for the same pairs:
1. the padding share of the training batches without and with length bucketing;
2. training samples/s of the scalable model without and with a vocabulary cap, bucketing, XLA and
   a doubled batch (with a doubled learning rate), median of --rounds timings of --steps batches, the arithmetic each achieves (FLOPs per
   sample computed from the layer sizes and the batches' real shapes) and its share of this
   machine's matmul speed (the median time of a 1024 x 1024 float32 matrix product);
3. greedy decoding of the test sentences, batch --decode-batch: the per-step Python loop vs the
   compiled loop, ms per sentence, and how many outputs differ (should be 0);
4. quality after the same wall time (--minutes per model): the pipeline as it was (no cap, no
   bucketing, RMSprop) vs as notebook 07 trains it now (cap, bucketing, Adam): test BLEU, chrF
   and the share of distinct translations.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def matmul_flops_per_second(size: int = 1024, repeats: int = 15) -> float:
    """This machine's float32 matrix-multiply speed: 2 n^3 FLOPs / median time of one product."""
    import tensorflow as tf

    a = tf.random.normal((size, size))
    b = tf.random.normal((size, size))
    product = tf.function(lambda x, y: tf.reduce_sum(tf.linalg.matmul(x, y)))
    product(a, b).numpy()  # trace and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        product(a, b).numpy()
        times.append(time.perf_counter() - start)
    return 2 * size**3 / statistics.median(times)


def mean_positions(dataset) -> tuple[float, float]:
    """Computed (padded) source and target positions per pair, averaged over one epoch."""
    pairs = source_positions = target_positions = 0
    for (sources, _), targets in dataset:
        pairs += int(sources.shape[0])
        source_positions += int(sources.shape[0] * sources.shape[1])
        target_positions += int(targets.shape[0] * targets.shape[1])
    return source_positions / pairs, target_positions / pairs


def training_speed(args, arrays, vocab_sizes, cap_name, bucketing, jit, batch, peak) -> dict:
    import keras

    from seq2seq_helpers.scalable import (
        build_scalable_model,
        compile_scalable_model,
        default_bucket_boundaries,
        make_dataset,
        multiply_adds_per_token,
    )

    inputs, targets, max_length = arrays
    boundaries = default_bucket_boundaries(max_length) if bucketing else None
    dataset = make_dataset(
        inputs, targets, batch, seed=0, bucket_boundaries=boundaries, pad_to_bucket_edge=jit
    )  # with XLA, a few batch shapes only: XLA compiles a step once per shape
    source_steps, target_steps = mean_positions(dataset)
    layers = multiply_adds_per_token(args.latent_dim, args.embedding_dim, vocab_sizes[1])
    forward = source_steps * layers["encoder_lstm"] + target_steps * (
        layers["decoder_lstm"] + layers["softmax"]
    )
    flops_per_sample = 3 * 2 * forward  # forward + backward, 2 FLOPs per multiply-add
    keras.utils.set_random_seed(0)
    model = build_scalable_model(*vocab_sizes, args.latent_dim, args.embedding_dim)
    learning_rate = 1e-3 * batch / 64  # a bigger batch takes bigger steps
    compile_scalable_model(model, keras.optimizers.Adam(learning_rate), jit_compile=jit)
    repeated = dataset.repeat()
    model.fit(repeated, steps_per_epoch=args.warmup, epochs=1, verbose=0)

    class EpochTimer(keras.callbacks.Callback):
        # Timed from the first batch to the last inside one fit() call: ending a fit() call can
        # wait seconds for tf.data's background threads, which is not training time.
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            rates.append(args.steps * batch / (time.perf_counter() - self.start))

    rates = []
    model.fit(
        repeated,
        steps_per_epoch=args.steps,
        epochs=args.rounds,
        verbose=0,
        callbacks=[EpochTimer()],
    )
    rate = statistics.median(rates)
    return {
        "vocabulary": cap_name,
        "bucketing": bucketing,
        "xla": jit,
        "batch": batch,
        "samples_per_second": rate,
        "rounds": rates,
        "gflops_per_second": rate * flops_per_sample / 1e9,
        "share_of_matmul_peak": rate * flops_per_sample / peak,
        "softmax_share_of_arithmetic": target_steps * layers["softmax"] / forward,
    }


def train_for(args, pairs, lengths, minutes, *, max_tokens, bucketing, optimizer) -> tuple:
    import keras

    from seq2seq_helpers.scalable_training import TimeBudget, train_scalable

    keras.utils.set_random_seed(0)
    start = time.perf_counter()
    translator, history = train_scalable(
        pairs,
        max_source_length=lengths[0],
        max_target_length=lengths[1],
        latent_dim=args.latent_dim,
        embedding_dim=args.embedding_dim,
        epochs=1000,  # the time budget ends training
        batch_size=args.batch,
        max_tokens=max_tokens,
        bucketing=bucketing,
        optimizer=optimizer,
        callbacks=[
            TimeBudget(minutes * 60),
            keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True),
        ],
        verbose=0,
    )
    return translator, history, time.perf_counter() - start


def quality(translator, test) -> dict:
    from seq2seq_helpers.evaluation import translation_scores

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown words and long sentences: expected here
        outputs = translator.translate_batch([source for source, _ in test])
    scores = translation_scores(outputs, [target for _, target in test])
    return {**scores, "distinct_share": len(set(outputs)) / len(outputs), "example": outputs[:3]}


def decoding_speed(args, translator, test) -> dict:
    from seq2seq_helpers.fast_decoding import batch_greedy_decode, make_compiled_greedy_decoder

    vectorizers = translator.vectorizers
    vocabulary = vectorizers.target_vocabulary
    settings = dict(
        start_index=vocabulary.index("<START>"),
        end_index=vocabulary.index("<END>"),
        max_length=translator.max_target_length,
    )
    encoder_model, decoder_model = translator.inference_models
    sources = [source for source, _ in test]
    batches = [
        vectorizers.source(sources[i : i + args.decode_batch]).numpy()
        for i in range(0, len(sources), args.decode_batch)
    ]
    compiled = make_compiled_greedy_decoder(encoder_model, decoder_model, **settings)

    def python_loop(ids):
        return batch_greedy_decode(encoder_model, decoder_model, ids, **settings)

    results = {}
    for name, decode in (("python_loop", python_loop), ("compiled_loop", compiled)):
        decode(batches[0])  # trace once
        times, outputs = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            outputs = [sentence for ids in batches for sentence in decode(ids)]
            times.append(time.perf_counter() - start)
        results[name] = {"ms_per_sentence": 1000 * statistics.median(times) / len(sources)}
        results[name]["outputs"] = outputs
    different = sum(
        a != b
        for a, b in zip(results["python_loop"]["outputs"], results["compiled_loop"]["outputs"])
    )
    for figures in results.values():
        del figures["outputs"]
    return {**results, "different_outputs": different, "sentences": len(sources)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--data", default=None, help="a pairs file (default: the course corpus)")
    parser.add_argument("--test", default=None, help="a test file (default: data/eng_spa_test.tsv)")
    parser.add_argument("--pairs", type=int, default=8000, help="training + validation pairs")
    parser.add_argument("--max-tokens", type=int, default=4000, help="the vocabulary cap")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=256)
    parser.add_argument("--embedding-dim", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=15, help="batches before timing")
    parser.add_argument("--steps", type=int, default=40, help="batches per timing")
    parser.add_argument("--rounds", type=int, default=3, help="timings per figure (median)")
    parser.add_argument("--decode-batch", type=int, default=256)
    parser.add_argument("--minutes", type=float, default=8, help="training time per model (4.)")
    parser.add_argument("--speed-only", action="store_true", help="sections 1 and 2 only")
    parser.add_argument("--out", default=str(HERE / "results"), help="folder for the JSON")
    args = parser.parse_args()

    import numpy as np

    from seq2seq_helpers.config import DEFAULT_CORPUS, DEFAULT_TEST_CORPUS
    from seq2seq_helpers.data import load_pairs
    from seq2seq_helpers.scalable import (
        default_bucket_boundaries,
        make_dataset,
        make_vectorizers,
        padding_share,
        vectorize_pairs,
    )
    from seq2seq_helpers.text import tokenize

    data = args.data or DEFAULT_CORPUS
    pairs = load_pairs(data, sample=True, seed=1)
    if args.pairs > len(pairs):
        raise SystemExit(f"--pairs {args.pairs} is more than the {len(pairs)} pairs in {data}.")
    pairs = pairs[: args.pairs]
    test = load_pairs(args.test or DEFAULT_TEST_CORPUS)
    lengths = (
        max(len(tokenize(source)) for source, _ in pairs),
        max(len(tokenize(target)) for _, target in pairs) + 1,
    )
    print(f"{len(pairs):,} pairs of {data}; test: {len(test):,} pairs; lengths {lengths}")
    peak = matmul_flops_per_second()
    print(f"matmul speed of this machine: {peak / 1e9:,.1f} GFLOP/s (1024 x 1024 float32, median)")

    arrays_by_cap, vocab_sizes = {}, {}
    for cap_name, cap in (("all words", None), (f"cap {args.max_tokens}", args.max_tokens)):
        vectorizers = make_vectorizers(pairs, *lengths, max_tokens=cap)
        inputs, targets = vectorize_pairs(vectorizers, pairs)
        arrays_by_cap[cap_name] = (inputs, targets, max(lengths))
        vocab_sizes[cap_name] = (
            len(vectorizers.source_vocabulary),
            len(vectorizers.target_vocabulary),
        )
        print(
            f"{cap_name}: vocabularies {vocab_sizes[cap_name][0]:,} / {vocab_sizes[cap_name][1]:,}"
        )
    inputs, targets, max_length = arrays_by_cap[f"cap {args.max_tokens}"]
    padding = {
        "plain": padding_share(make_dataset(inputs, targets, args.batch, shuffle=False)),
        "bucketed": padding_share(
            make_dataset(
                inputs, targets, args.batch, bucket_boundaries=default_bucket_boundaries(max_length)
            )
        ),
    }
    print(
        f"\n1. padding share of the training batches: {padding['plain']:.1%} without "
        f"bucketing, {padding['bucketed']:.1%} with"
    )

    cap = f"cap {args.max_tokens}"
    big = 2 * args.batch
    settings = [
        ("all words", False, False, args.batch),  # the pipeline as it was
        (cap, False, False, args.batch),
        ("all words", True, False, args.batch),
        (cap, True, False, args.batch),
        (cap, False, True, args.batch),
        (cap, True, True, args.batch),
        (cap, True, False, big),
        (cap, True, True, big),
    ]
    speeds = []
    for cap_name, bucketing, jit, batch in settings:
        arrays, sizes = arrays_by_cap[cap_name], vocab_sizes[cap_name]
        speeds.append(training_speed(args, arrays, sizes, cap_name, bucketing, jit, batch, peak))
    base = speeds[0]["samples_per_second"]
    print("\n2. training speed (median of", args.rounds, "timings)")
    print(
        f"{'vocabulary':<12}{'buckets':>8}{'XLA':>6}{'batch':>6}{'samples/s':>11}{'vs before':>10}"
        f"{'GFLOP/s':>9}{'of matmul':>10}{'softmax share':>14}"
    )
    for row in speeds:
        print(
            f"{row['vocabulary']:<12}{'yes' if row['bucketing'] else 'no':>8}"
            f"{'yes' if row['xla'] else 'no':>6}{row['batch']:>6}{row['samples_per_second']:>11,.0f}"
            f"{row['samples_per_second'] / base:>9.2f}x{row['gflops_per_second']:>9.1f}"
            f"{row['share_of_matmul_peak']:>10.0%}{row['softmax_share_of_arithmetic']:>14.0%}"
        )

    report = {
        "settings": vars(args),
        "matmul_gflops_per_second": peak / 1e9,
        "vocabularies": vocab_sizes,
        "padding_share": padding,
        "training_speed": speeds,
    }
    if args.speed_only:
        write_report(args, report)
        return

    print(f"\n4. quality after {args.minutes:g} minutes of training each (test file)")
    runs = {}
    import keras

    for name, max_tokens, bucketing, optimizer in (
        ("before: all words, no buckets, RMSprop", None, False, "rmsprop"),
        (f"now: {cap}, buckets, Adam", args.max_tokens, True, keras.optimizers.Adam(1e-3)),
    ):
        translator, history, seconds = train_for(
            args, pairs, lengths, args.minutes, max_tokens=max_tokens, bucketing=bucketing,
            optimizer=optimizer,
        )  # fmt: skip
        runs[name] = {
            "epochs": len(history["loss"]),
            "seconds": seconds,
            "best_val_loss": float(np.min(history["val_loss"])),
            **quality(translator, test),
        }
        figures = runs[name]
        print(
            f"{name:<40} {figures['epochs']:>3} epochs in {seconds:4.0f} s, best val loss "
            f"{figures['best_val_loss']:.3f}: BLEU {figures['bleu']:.1f}  chrF {figures['chrf']:.1f}"
            f"  distinct {figures['distinct_share']:.0%}  e.g. {figures['example'][0]!r}"
        )

    decoding = decoding_speed(args, translator, test)
    python_ms = decoding["python_loop"]["ms_per_sentence"]
    compiled_ms = decoding["compiled_loop"]["ms_per_sentence"]
    print(
        f"\n3. greedy decoding of {decoding['sentences']:,} test sentences, batch "
        f"{args.decode_batch} (the 'now' model): Python loop {python_ms:.2f} ms/sentence, "
        f"compiled loop {compiled_ms:.2f} ({python_ms / compiled_ms:.2f}x faster); "
        f"{decoding['different_outputs']} outputs differ"
    )

    write_report(args, {**report, "decoding": decoding, "quality": runs})


def write_report(args, report: dict) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "scaling.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print("\nwritten:", out / "scaling.json")


if __name__ == "__main__":
    main()
