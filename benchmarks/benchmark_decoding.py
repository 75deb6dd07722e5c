#!/usr/bin/env python3
"""Decoding speed of the Transformer with and without its key/value cache, beside the attention
LSTM, on the same test sentences in one run. A benchmark script, not a test.

    .venv/bin/python benchmarks/benchmark_decoding.py                  # 300 s of training each
    .venv/bin/python benchmarks/benchmark_decoding.py --budget 60 --repeats 3   # quick look
    .venv/bin/python benchmarks/benchmark_decoding.py --save /tmp/models     # keep the models
    .venv/bin/python benchmarks/benchmark_decoding.py --load /tmp/models     # time them again

Both models train for --budget seconds on the course corpus (the settings of
benchmarks/every_model.json: 4,000-word vocabularies, Adam 0.003, 0.001 for the Transformer),
then every decoder translates the whole test file --repeats times, in turns, so that a slow
moment of a shared machine hits all of them alike; the table gives each one's median ms per
sentence and the ratios. The cached and uncached Transformer outputs are compared token for token.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The two models compared (model families), with the option that sets each one's learning rate.
LEARNING_RATES = {
    "attention": lambda args: args.learning_rate,
    "transformer": lambda args: args.transformer_learning_rate,
}


def train(architecture: str, pairs, args):
    import keras

    from seq2seq_helpers.families import FAMILIES
    from seq2seq_helpers.scalable_training import TimeBudget, train_scalable
    from seq2seq_helpers.text import tokenize

    keras.utils.set_random_seed(0)
    # The sizes of benchmarks/every_model.json, for the family that takes them.
    sizes = {}
    if "transformer_sizes" in FAMILIES[architecture].options:
        sizes["transformer_sizes"] = dict(
            model_dim=128, num_heads=4, num_layers=2, ff_dim=512, dropout=0.1
        )
    translator, _ = train_scalable(
        pairs,
        max_source_length=max(len(tokenize(s)) for s, _ in pairs),
        max_target_length=max(len(tokenize(t)) for _, t in pairs) + 1,  # + <START> or <END>
        epochs=100,
        callbacks=[
            keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True),
            TimeBudget(args.budget),
        ],
        verbose=0,
        max_tokens=4000,
        architecture=architecture,
        optimizer=keras.optimizers.Adam(LEARNING_RATES[architecture](args)),
        **sizes,
    )
    return translator


def decoders(translator, beam_width: int, cache: bool = True):
    """The translator's batch decoder (greedy for ``beam_width`` 1): source ids -> ids per row;
    ``cache`` for a family whose decoding has one (the Transformer's keys and values)."""
    from seq2seq_helpers.search import make_beam_decoder, make_greedy_decoder

    options = {"cache": cache} if "cache" in translator.family.step_options else {}
    step_model = translator.make_step_model(**options)
    length = translator.max_target_length
    if beam_width == 1:
        greedy = make_greedy_decoder(step_model, length)
        return lambda ids: [decoded.ids for decoded in greedy(ids)]
    beam = make_beam_decoder(step_model, beam_width, length)
    return lambda ids: [best.ids for best, *_ in beam(ids)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--budget", type=float, default=300, help="training seconds per model")
    parser.add_argument("--repeats", type=int, default=5, help="timed passes over the test file")
    parser.add_argument("--beam", type=int, default=5, help="the beam width timed beside greedy")
    parser.add_argument("--sentences", type=int, default=None, help="only the first N test ones")
    parser.add_argument("--batch-size", type=int, default=256, help="sentences per search call")
    parser.add_argument("--learning-rate", type=float, default=0.003)
    parser.add_argument("--transformer-learning-rate", type=float, default=0.001)
    parser.add_argument("--save", default=None, help="save both trained models in this folder")
    parser.add_argument("--load", default=None, help="load the models --save wrote (no training)")
    args = parser.parse_args()
    if args.repeats < 1 or args.beam < 2:
        raise SystemExit("--repeats must be at least 1 and --beam at least 2.")

    import tensorflow as tf

    from seq2seq_helpers.config import DEFAULT_CORPUS, DEFAULT_TEST_CORPUS
    from seq2seq_helpers.data import load_pairs
    from seq2seq_helpers.scalable_training import ScalableTranslator

    test = [source for source, _ in load_pairs(DEFAULT_TEST_CORPUS)][: args.sentences]
    translators = {}
    for name in LEARNING_RATES:
        if args.load:
            translators[name] = ScalableTranslator.load(Path(args.load) / name)
        else:
            start = time.perf_counter()
            translators[name] = train(name, load_pairs(DEFAULT_CORPUS, sample=True, seed=1), args)
            print(f"{name}: trained for {time.perf_counter() - start:.0f} s", flush=True)
            if args.save:
                translators[name].save(Path(args.save) / name, if_exists="overwrite")

    runs = {}  # (label, beam width) -> (decoder, batches of source ids)
    for beam in (1, args.beam):
        for label, name, cache in (
            ("attention LSTM", "attention", True),
            ("Transformer, cached", "transformer", True),
            ("Transformer, uncached", "transformer", False),
        ):
            translator = translators[name]
            batches = [
                translator.vectorizers.source(tf.constant(test[i : i + args.batch_size])).numpy()
                for i in range(0, len(test), args.batch_size)
            ]
            decode = decoders(translator, beam, cache)
            decode(batches[0][:8])  # trace the compiled loop once, outside the timing
            runs[label, beam] = decode, batches

    times = {key: [] for key in runs}
    outputs = {}
    for _ in range(args.repeats):  # in turns: a slow moment of the machine hits every decoder
        for key, (decode, batches) in runs.items():
            start = time.perf_counter()
            outputs[key] = [ids for batch in batches for ids in decode(batch)]
            times[key].append(1000 * (time.perf_counter() - start) / len(test))

    median = {key: statistics.median(values) for key, values in times.items()}
    print(f"\nms per sentence on the {len(test)} test sentences, median of {args.repeats} passes")
    print(f"{'decoder':<24}{'greedy':>10}{f'beam {args.beam}':>10}{'beam/greedy':>13}")
    for label in ("attention LSTM", "Transformer, cached", "Transformer, uncached"):
        greedy, beam = median[label, 1], median[label, args.beam]
        print(f"{label:<24}{greedy:>10.2f}{beam:>10.2f}{beam / greedy:>12.1f}x")
    lstm = median["attention LSTM", 1]
    for beam in (1, args.beam):
        cached, uncached = (
            median["Transformer, cached", beam],
            median["Transformer, uncached", beam],
        )
        what = "greedy" if beam == 1 else f"beam {beam}"
        print(
            f"{what}: the cache makes the Transformer {uncached / cached:.1f}x faster; "
            f"cached Transformer / attention LSTM greedy = {cached / lstm:.2f}"
        )
        same = sum(
            a == b
            for a, b in zip(
                outputs["Transformer, cached", beam], outputs["Transformer, uncached", beam]
            )
        )
        print(f"{what}: cached = uncached output, token for token, for {same} of {len(test)}")


if __name__ == "__main__":
    main()
