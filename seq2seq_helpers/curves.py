"""What the data says about a model: warnings for too little data or cut sentences, the memory
of the training arrays, and the learning curve (quality against the number of pairs).

Introduced in notebooks/07_scaling_up.ipynb and 08_fast_decoding_and_evaluation.ipynb.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence

import keras
import numpy as np

from seq2seq_helpers.scalable import Vectorizers

PARAMETERS_PER_TOKEN_WARNING = 50
# Warn when more than this share of the sentences are cut by the length limits.
CUT_SHARE_WARNING = 0.05


def scalable_parameter_count(
    source_vocab_size: int, target_vocab_size: int, latent_dim: int, embedding_dim: int
) -> int:
    """Parameters of ``build_scalable_model`` at these sizes, computed from the layer shapes."""
    lstm = 4 * ((embedding_dim + latent_dim) * latent_dim + latent_dim)
    embeddings = (source_vocab_size + target_vocab_size) * embedding_dim
    return embeddings + 2 * lstm + (latent_dim + 1) * target_vocab_size


def warn_about_data_and_lengths(
    pairs: Sequence[tuple[str, str]],
    vectorizers: Vectorizers,
    max_source_length: int,
    max_target_length: int,
    parameters: int,
) -> None:
    """Warn when the model is far bigger than the data, or the length limits cut many sentences,
    each time with what to do about it."""
    source_lengths = np.array([len(vectorizers.split_source(source)) for source, _ in pairs])
    target_lengths = np.array(  # + <END>
        [len(vectorizers.split_target(target)) + 1 for _, target in pairs]
    )
    for side, lengths, limit, name in (
        ("English", source_lengths, max_source_length, "max_source_length"),
        ("Spanish", target_lengths, max_target_length, "max_target_length"),
    ):
        cut = float(np.mean(lengths > limit))
        if cut > CUT_SHARE_WARNING:
            covers = int(np.percentile(lengths, 99))
            warnings.warn(
                f"{cut:.0%} of the {side} training sentences are longer than {name}={limit} "
                f"tokens and are cut, so the model never sees their ends. Raise {name} to "
                f"{covers} (it covers 99% of them) or drop the longest pairs.",
                stacklevel=3,
            )
    tokens = int(np.minimum(target_lengths, max_target_length).sum())
    if parameters > PARAMETERS_PER_TOKEN_WARNING * tokens:
        warnings.warn(
            f"The model has {parameters:,} parameters for {tokens:,} target tokens of training "
            f"data ({parameters / tokens:,.0f} per token): it will memorize the training pairs "
            "rather than learn to translate. Use more pairs, a smaller latent_dim or "
            "embedding_dim, or a vocabulary cap (max_tokens).",
            stacklevel=3,
        )


def training_array_bytes(inputs: tuple[np.ndarray, np.ndarray], targets: np.ndarray) -> int:
    """Bytes of the integer training arrays (compare with the one-hot arrays' ``nbytes``)."""
    return int(inputs[0].nbytes + inputs[1].nbytes + targets.nbytes)


def learning_curve(
    train_pairs: Sequence[tuple[str, str]],
    test_pairs: Sequence[tuple[str, str]],
    sizes: Sequence[int],
    examples: int | None = None,
    **settings,
) -> list[dict[str, float]]:
    """Train a fresh scalable model on the first ``n`` training pairs for each ``n`` in ``sizes``
    (same settings, same seed each time) and score it on ``test_pairs``.

    ``settings`` go to ``train_scalable`` (epochs, max_tokens, latent_dim, callbacks, ...). With
    ``examples``, every size sees about the same number of training examples instead of the same
    number of epochs: ``ceil(examples / training pairs)`` epochs each (then ``settings["epochs"]``
    is not used), so a small set is not judged on a handful of weight updates; pass an
    ``EarlyStopping`` callback to stop each run at its best validation loss. Returns one dict per
    size: pairs, epochs trained, BLEU, chrF, exact match (0-100) and training seconds.
    Introduced in notebooks/08_fast_decoding_and_evaluation.ipynb; the benchmark uses it too.
    """
    from seq2seq_helpers.evaluation import translation_scores
    from seq2seq_helpers.training_loop import train_scalable  # (it imports this module)

    if not sizes or any(n < 2 or n > len(train_pairs) for n in sizes):
        raise ValueError(
            f"sizes must be between 2 and the {len(train_pairs)} training pairs, got {list(sizes)}."
        )
    if examples is not None and examples < 1:
        raise ValueError(f"examples must be a positive number of pairs, got {examples!r}.")
    sources = [source for source, _ in test_pairs]
    references = [target for _, target in test_pairs]
    points = []
    for n in sizes:
        subset = train_pairs[:n]
        run = dict(settings)
        if examples is not None:
            training_pairs = max(1, round(n * (1 - run.get("validation_split", 0.2))))
            run["epochs"] = max(1, math.ceil(examples / training_pairs))
        keras.utils.set_random_seed(run.get("seed", 0))
        start = time.perf_counter()
        translator, history = train_scalable(subset, verbose=0, **run)
        seconds = time.perf_counter() - start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown words and long sentences: expected here
            outputs = translator.translate_batch(sources)
        scores = translation_scores(outputs, references)
        points.append({"pairs": n, "epochs": len(history["loss"]), **scores, "seconds": seconds})
    return points
