"""Train the scalable model on several machines at once: the README's multi-worker recipe.

Start this same command on every machine, each with its own ``TF_CONFIG`` (the list of all
workers, and which one this is)::

    TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]},
                "task": {"type": "worker", "index": 0}}' \\
        python -m seq2seq_helpers.multi_worker --epochs 5 --save saved_models/multi_worker

(``"index": 1`` on the second machine.) The workers wait for each other, then train one model
together: each reads its own share of the pairs, and after every batch they add up their
gradients, so every worker holds the same weights. Worker 0 (the chief) saves the translator.
The tests start two workers on 127.0.0.1 with exactly this command and compare their weights.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def worker_index() -> int:
    """This worker's index from ``TF_CONFIG``, with a clear error when it is missing or wrong."""
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        raise SystemExit(
            "TF_CONFIG is not set. Set it on every machine to the list of workers and this "
            'worker\'s index, for example TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", '
            '"host2:12345"]}, "task": {"type": "worker", "index": 0}}\' (see the README).'
        )
    try:
        config = json.loads(raw)
        workers = config["cluster"]["worker"]
        index = int(config["task"]["index"])
    except (ValueError, KeyError, TypeError) as error:
        raise SystemExit(
            f"TF_CONFIG is not valid ({error!r}): it needs cluster.worker (a list of host:port) "
            "and task.index (this worker's position in that list)."
        ) from None
    if not 0 <= index < len(workers):
        raise SystemExit(f"TF_CONFIG's task.index {index} is not in 0..{len(workers) - 1}.")
    return index


def make_optimizer(name: str, learning_rate: float):
    """Adam (the default) or plain SGD, whose step is proportional to the gradient: the tests
    use it to see that the workers' gradients add up to the global batch's gradient."""
    import keras

    if name == "sgd":
        return keras.optimizers.SGD(learning_rate)
    return keras.optimizers.Adam(learning_rate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="pairs file (default: course)")
    parser.add_argument("--pairs", type=int, default=None, help="use the first N pairs only")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64, help="global batch, all workers")
    parser.add_argument(
        "--architecture",
        default="scalable",
        help="a model family of seq2seq_helpers.families that trains on several workers",
    )
    parser.add_argument("--latent-dim", type=int, default=256, help="LSTM families only")
    parser.add_argument("--embedding-dim", type=int, default=128, help="LSTM families only")
    parser.add_argument("--max-tokens", type=int, default=4000, help="vocabulary cap")
    parser.add_argument("--optimizer", choices=("adam", "sgd"), default="adam")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--save", type=Path, default=None, help="folder the chief saves into")
    parser.add_argument("--weights-out", type=Path, default=None, help="this worker's weights")
    args = parser.parse_args(argv)
    index = worker_index()

    import tensorflow as tf

    # The strategy must exist before TensorFlow does anything else: it starts the server that
    # the other workers connect to.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()

    import keras
    import numpy as np

    from seq2seq_helpers.config import DEFAULT_CORPUS
    from seq2seq_helpers.data import load_pairs
    from seq2seq_helpers.families import family
    from seq2seq_helpers.scalable_training import train_scalable
    from seq2seq_helpers.text import tokenize

    pairs = load_pairs(args.data or DEFAULT_CORPUS, args.pairs)
    sizes = {"latent_dim": args.latent_dim, "embedding_dim": args.embedding_dim}
    sizes = {
        name: value for name, value in sizes.items() if name in family(args.architecture).options
    }
    keras.utils.set_random_seed(0)  # the same on every worker, like the data
    translator, history = train_scalable(
        pairs,
        max_source_length=max(len(tokenize(source)) for source, _ in pairs),
        max_target_length=max(len(tokenize(target)) for _, target in pairs) + 1,
        epochs=args.epochs,
        batch_size=args.batch_size,
        max_tokens=args.max_tokens,
        optimizer=make_optimizer(args.optimizer, args.learning_rate),
        strategy=strategy,
        verbose=int(index == 0),
        architecture=args.architecture,
        **sizes,
    )
    print(
        f"worker {index} of {strategy.num_replicas_in_sync}: final loss {history['loss'][-1]:.4f}",
        flush=True,
    )
    if args.weights_out is not None:
        np.savez(args.weights_out, *translator.model.get_weights())
    if args.save is not None and index == 0:
        print("saved to", translator.save(args.save, if_exists="backup"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
