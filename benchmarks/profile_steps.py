#!/usr/bin/env python3
"""Where a training step's time goes: the attention LSTM and the Transformer against a model that
is only their embeddings and softmax. A benchmark script, not a test.

    .venv/bin/python benchmarks/profile_steps.py                  # batch 64, 12 and 24 tokens
    .venv/bin/python benchmarks/profile_steps.py --batch 256 --lengths 12

Every model gets the same random batch of ids (source and target of --lengths tokens, a
--vocabulary-word vocabulary), one ``train_on_batch`` call per step; the median of --steps steps
is printed, after --warmup steps that trace the graph. The two models have about the same number
of parameters at the default sizes (notebooks 09 and 10).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The model families profiled, with what their default sizes are (notebooks 09 and 10).
PROFILED = {"attention": "256, notebook 09", "transformer": "128 x 4 heads, 2 + 2 layers"}


def step_milliseconds(model, batch, steps: int, warmup: int) -> float:
    import keras

    from seq2seq_helpers.scalable import compile_scalable_model

    compile_scalable_model(model, keras.optimizers.Adam(0.001))
    inputs, targets = batch
    for _ in range(warmup):
        model.train_on_batch(inputs, targets)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.train_on_batch(inputs, targets)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def embeddings_and_softmax(vocabulary: int, width: int):
    """Only what both models share: a target embedding and the softmax over the vocabulary."""
    import keras
    from keras import layers

    source = keras.Input(shape=(None,), dtype="int64")
    target = keras.Input(shape=(None,), dtype="int64")
    vectors = layers.Embedding(vocabulary, width, mask_zero=True)(target)
    probabilities = layers.Dense(vocabulary, activation="softmax")(vectors)
    return keras.Model([source, target], probabilities)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lengths", default="12,24", help="tokens per sentence, comma-separated")
    parser.add_argument("--vocabulary", type=int, default=4000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    import keras
    import numpy as np

    from seq2seq_helpers.families import FAMILIES, model_options

    lengths = [int(n) for n in args.lengths.split(",") if n]
    if not lengths or min(lengths) < 1 or args.batch < 1 or args.steps < 1:
        raise SystemExit("--batch, --steps and every --lengths value must be positive.")
    longest = max(lengths)
    builders = {
        "embeddings + softmax only (128 wide)": lambda: embeddings_and_softmax(
            args.vocabulary, 128
        ),
        "embeddings + softmax only (256 wide)": lambda: embeddings_and_softmax(
            args.vocabulary, 256
        ),
    }
    for name, sizes in PROFILED.items():  # each family at its default sizes
        family = FAMILIES[name]
        builders[f"{family.title} ({sizes})"] = lambda family=family: family.build(
            (args.vocabulary, args.vocabulary), (longest, longest), model_options(family, {})
        )
    rng = np.random.default_rng(0)
    print(f"batch {args.batch}, vocabulary {args.vocabulary:,}; median ms per training step")
    print(f"{'model':44} {'parameters':>11} " + " ".join(f"{f'{n} tokens':>10}" for n in lengths))
    for name, build in builders.items():
        cells, parameters = [], 0
        for length in lengths:
            keras.utils.set_random_seed(0)
            model = build()
            parameters = model.count_params()
            ids = [rng.integers(1, args.vocabulary, (args.batch, length)) for _ in range(3)]
            batch = ([ids[0], ids[1]], ids[2])
            cells.append(step_milliseconds(model, batch, args.steps, args.warmup))
        print(f"{name:44} {parameters:11,} " + " ".join(f"{ms:10.1f}" for ms in cells))


if __name__ == "__main__":
    main()
