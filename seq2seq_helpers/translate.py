"""Translate from the command line with an exported translator (``export.export_translator``).

    python -m seq2seq_helpers.translate SAVED_MODEL "I see the dog." "You have a car."
    python -m seq2seq_helpers.translate SAVED_MODEL --beam-width 3 < sentences.txt

Prints one translation per line, in the order of the sentences (read from the arguments, or one
per line from standard input when there are none). Needs TensorFlow only (and tensorflow-text for
a subword translator): the SavedModel holds the tokenizer, the model, the search and the
detokenizer. See seq2seq_helpers/export.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_arguments(arguments: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m seq2seq_helpers.translate",
        description="Translate sentences with a translator exported as a SavedModel.",
    )
    parser.add_argument("saved_model", type=Path, help="the folder export_translator wrote")
    parser.add_argument("sentences", nargs="*", help="sentences (default: lines of stdin)")
    parser.add_argument(
        "--beam-width", type=int, default=1, help="1: greedy search (default); more: beam search"
    )
    options = parser.parse_intermixed_args(arguments)
    if options.beam_width < 1:
        parser.error(
            f"--beam-width must be at least 1 (1 is greedy search), got {options.beam_width}."
        )
    if not (options.saved_model / "saved_model.pb").is_file():
        parser.error(
            f"{options.saved_model} holds no SavedModel (no saved_model.pb): pass the folder "
            "export_translator wrote."
        )
    return options


def main(arguments: list[str] | None = None) -> int:
    options = parse_arguments(arguments)  # before importing TensorFlow: bad arguments fail fast
    sentences = options.sentences or [line.rstrip("\n") for line in sys.stdin]
    import tensorflow as tf

    try:  # a subword translator's SentencePiece ops come from tensorflow-text
        import tensorflow_text  # noqa: F401
    except ImportError:
        tensorflow_text = None
    try:
        translator = tf.saved_model.load(str(options.saved_model))
    except tf.errors.NotFoundError as problem:
        if "Sentencepiece" not in str(problem) or tensorflow_text is not None:
            raise
        print(
            "This translator reads subword pieces: install the tensorflow-text package "
            "(the version that matches your TensorFlow) and run the command again.",
            file=sys.stderr,
        )
        return 2
    widest = int(translator.max_beam_width.numpy())
    if not 1 <= options.beam_width <= widest:
        print(
            f"--beam-width must be between 1 and {widest} (the widths this export compiled), "
            f"got {options.beam_width}.",
            file=sys.stderr,
        )
        return 2
    if not sentences:
        return 0
    translations = translator.translate(tf.constant(sentences), beam_width=options.beam_width)
    for translation in translations.numpy():
        print(translation.decode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
