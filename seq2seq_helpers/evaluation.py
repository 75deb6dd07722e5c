"""Honest numbers: accuracy on real tokens only, and exact-match translation rates.

Introduced in notebooks/04_build_compile_fit.ipynb (padding and accuracy) and
notebooks/05_inference_and_decoding.ipynb (exact match).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from seq2seq_helpers.text import tokenize


def token_accuracies(predictions: np.ndarray, targets: np.ndarray) -> tuple[float, float]:
    """Compare next-word predictions with one-hot targets, both (sentences, time, vocabulary).

    Returns ``(keras_style, real_tokens_only)``:

    - ``keras_style`` counts every position, like Keras' ``accuracy`` metric does here: on a
      padding position the all-zero target's argmax is column 0, so padding is scored too;
    - ``real_tokens_only`` counts only positions whose target is a real token.
    """
    if predictions.shape != targets.shape:
        raise ValueError(f"shapes differ: predictions {predictions.shape}, targets {targets.shape}")
    hits = predictions.argmax(axis=-1) == targets.argmax(axis=-1)
    real = targets.any(axis=-1)
    if not real.any():
        raise ValueError("targets contain no real token (all rows are padding).")
    return float(hits.mean()), float(hits[real].mean())


def exact_match_rate(outputs: Sequence[str], references: Sequence[str]) -> float:
    """Share of outputs whose tokens equal the reference's tokens (case and spacing ignored)."""
    if len(outputs) != len(references):
        raise ValueError(f"{len(outputs)} outputs but {len(references)} references.")
    if not outputs:
        raise ValueError("exact_match_rate needs at least one output.")
    return sum(tokenize(o) == tokenize(r) for o, r in zip(outputs, references)) / len(outputs)


def translation_scores(outputs: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Corpus BLEU and chrF (sacrebleu, case-insensitive) and exact match, on 0-100 scales.

    ``outputs`` may be space-separated tokens ("¿ dónde está ?") or plain text; both sides are
    lowercased and joined back into text first, so only the words count, not the spacing.
    """
    import sacrebleu

    from seq2seq_helpers.text import detokenize

    if len(outputs) != len(references):
        raise ValueError(f"{len(outputs)} outputs but {len(references)} references.")
    if not outputs:
        raise ValueError("translation_scores needs at least one output.")
    hypotheses = [detokenize(tokenize(text)) for text in outputs]
    targets = [detokenize(tokenize(text)) for text in references]
    return {
        "bleu": sacrebleu.corpus_bleu(hypotheses, [targets]).score,
        "chrf": sacrebleu.corpus_chrf(hypotheses, [targets]).score,
        "exact_match": 100 * exact_match_rate(outputs, references),
    }
