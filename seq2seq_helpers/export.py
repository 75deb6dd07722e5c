"""A trained translator as a TensorFlow SavedModel: strings in, translated strings out.

The SavedModel holds everything a translation needs, as TensorFlow graphs and tables: the source
tokenizer, the model's ``StepModel`` (whatever ``translator.step_model`` is), the compiled greedy
and beam searches of ``search.py`` and the target detokenizer. Another program loads it with
TensorFlow alone, without this package (a subword translator's also needs ``import
tensorflow_text`` first, for the SentencePiece ops):

    translator = tf.saved_model.load(folder)
    translator.translate(["I see the dog."])               # greedy: a (1,) tf.string tensor
    translator.translate(["I see the dog."], beam_width=3)  # beam search, 3 beams

Inputs, and what becomes of unusual ones (the same rules as ``ScalableTranslator.decode``):

- ``sentences``: a 1-D batch of strings, shape (batch,). A string alone, a number or a nested list
  is refused where the function is called, with a ``ValueError`` listing the accepted inputs.
- a sentence with no token (``""``, only spaces) translates to ``""`` (no search result is used).
- a sentence longer than the model's ``max_source_length`` tokens is cut: its first
  ``max_source_length`` tokens are translated, the rest dropped (as in training).
- ``beam_width``: an integer from 1 (greedy search) to the ``max_beam_width`` given at export
  (one compiled search per width); any other width stops the call with an ``InvalidArgumentError``
  that says which widths exist.

Taught in notebooks/11_subwords.ipynb (section 8); the README's "For learners" shows the calls,
and tests/test_export_savedmodel.py loads an export in a process that cannot import this package.
"""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from seq2seq_helpers.search import DEFAULT_LENGTH_ALPHA, make_beam_decoder, make_greedy_decoder
from seq2seq_helpers.text import END_TOKEN
from seq2seq_helpers.translator import prepare_save_folder

STRINGS_SPEC = tf.TensorSpec([None], tf.string, name="sentences")
WIDTH_SPEC = tf.TensorSpec([], tf.int32, name="beam_width")


class WordText(tf.Module):
    """The course's word-level tokenizer and detokenizer, in the graph.

    ``tokenize(sentences (batch,) string) -> ids (batch, max_source_length) int64``: the
    translator's own source ``TextVectorization`` layer (lowercase, spaces around punctuation,
    split on spaces, cut to ``max_source_length``, pad with id 0).

    ``detokenize(ids (batch, time) int64) -> (batch,) string``: each row's target words up to its
    first ``<END>``, joined with one space, exactly as ``translate_batch`` joins them: lowercased
    tokens with spaces around punctuation ("veo el perro ."), and ``[UNK]`` left as it is. Real
    text (case, punctuation attached) comes with subword tokenizers; any module with these two
    methods can take this one's place in ``ExportedTranslator``.
    """

    def __init__(self, vectorizers):
        super().__init__(name="word_text")
        self.source_vectorizer = vectorizers.source  # its StringLookup table is saved with it
        vocabulary = vectorizers.target_vocabulary
        self.target_words = tf.constant(vocabulary, tf.string)
        self.end_index = vocabulary.index(END_TOKEN)

    def tokenize(self, sentences: tf.Tensor) -> tf.Tensor:
        return tf.cast(self.source_vectorizer(sentences), tf.int64)

    def lengths(self, ids: tf.Tensor) -> tf.Tensor:
        """Each row's tokens before its first ``<END>`` (all of them when it has none)."""
        is_end = tf.equal(ids, self.end_index)  # (batch, time)
        first_end = tf.argmax(tf.cast(is_end, tf.int32), axis=1, output_type=tf.int32)
        return tf.where(tf.reduce_any(is_end, axis=1), first_end, tf.shape(ids)[1])

    def detokenize(self, ids: tf.Tensor) -> tf.Tensor:
        words = tf.RaggedTensor.from_tensor(
            tf.gather(self.target_words, ids), lengths=self.lengths(ids)
        )
        return tf.strings.reduce_join(words, axis=1, separator=" ")


class SubwordText(WordText):
    """SentencePiece pieces in the graph (``subwords.SubwordVectorizers``): the same two methods.

    ``detokenize`` cuts each row at its first ``<END>`` and turns the pieces back into real text,
    with the writer's case and spacing ("Veo el perro."). The SentencePiece ops come from the
    ``tensorflow-text`` package: a program that loads this export imports ``tensorflow_text``
    once, before ``tf.saved_model.load``, so that TensorFlow knows them.
    """

    def __init__(self, vectorizers):
        tf.Module.__init__(self, name="subword_text")
        import tensorflow_text

        # Named apart: the op keeps its model under its node's name, and in a loaded SavedModel
        # two unnamed tokenizers would both read the first one's model.
        self.source_pieces = tensorflow_text.SentencepieceTokenizer(
            model=vectorizers.source_model, name="source_pieces"
        )
        self.target_pieces = tensorflow_text.SentencepieceTokenizer(
            model=vectorizers.target_model, name="target_pieces"
        )
        self.length = vectorizers.max_source_length
        self.end_index = vectorizers.target_vocabulary.index(END_TOKEN)

    def tokenize(self, sentences: tf.Tensor) -> tf.Tensor:
        ids = self.source_pieces.tokenize(sentences).to_tensor(shape=[None, self.length])
        return tf.cast(ids, tf.int64)

    def detokenize(self, ids: tf.Tensor) -> tf.Tensor:
        pieces = tf.RaggedTensor.from_tensor(tf.cast(ids, tf.int32), lengths=self.lengths(ids))
        return self.target_pieces.detokenize(pieces)


class ExportedTranslator(tf.Module):
    """What ``export_translator`` saves: ``translate(sentences, beam_width=1)``.

    ``text`` tokenizes and detokenizes (``WordText`` or a subword tokenizer with the same two
    methods, id 0 being padding); ``step_model`` is the model's decoding interface; searches are
    compiled for every width from 1 to ``max_beam_width``. ``keep`` holds the Keras models whose
    variables the step model reads, so that they are saved (and nothing more: not an optimizer).
    """

    def __init__(
        self,
        text: tf.Module,
        step_model,
        keep: list,
        *,
        max_source_length: int,
        max_target_length: int,
        max_beam_width: int,
        alpha: float,
    ):
        super().__init__(name="exported_translator")
        self.text, self.keep = text, keep
        self.max_source_length = tf.Variable(max_source_length, trainable=False)
        self.max_beam_width = tf.Variable(max_beam_width, trainable=False)
        self._length, self._widths = max_source_length, max_beam_width
        greedy = make_greedy_decoder(step_model, max_target_length).decode_batch
        self._searches = [lambda ids: greedy(ids)[0]]  # (batch, max_target_length)
        for width in range(2, max_beam_width + 1):
            beam = make_beam_decoder(step_model, width, max_target_length, alpha=alpha)
            self._searches.append(lambda ids, beam=beam: beam.decode_batch(ids)[0][:, 0, :])
        self.translate = tf.function(self._translate, autograph=False)
        self.translate.get_concrete_function(STRINGS_SPEC)  # greedy, beam_width left out
        self.translate.get_concrete_function(STRINGS_SPEC, WIDTH_SPEC)

    def _translate(self, sentences, beam_width=1):
        ids = self.text.tokenize(sentences)[:, : self._length]  # (batch, source time)
        if isinstance(beam_width, int) and beam_width == 1:  # left out: greedy, nothing to check
            chosen = self._searches[0](ids)
        else:
            beam_width = tf.convert_to_tensor(beam_width, tf.int32)
            checks = [
                tf.debugging.assert_greater_equal(
                    beam_width, 1, message="beam_width must be at least 1 (1 is greedy search)"
                ),
                tf.debugging.assert_less_equal(
                    beam_width,
                    self._widths,
                    message=f"beam_width must be at most {self._widths}: searches were compiled "
                    f"for widths 1 to {self._widths} (export again with a larger max_beam_width)",
                ),
            ]
            with tf.control_dependencies(checks):
                chosen = tf.switch_case(
                    beam_width - 1, [lambda f=f: f(ids) for f in self._searches]
                )
        has_tokens = tf.reduce_any(tf.not_equal(ids, 0), axis=1)  # (batch,)
        return tf.where(has_tokens, self.text.detokenize(chosen), "")


def export_translator(
    translator,
    folder: str | Path,
    *,
    max_beam_width: int = 5,
    alpha: float = DEFAULT_LENGTH_ALPHA,
    if_exists: str = "error",
) -> Path:
    """Save ``translator`` (a ``ScalableTranslator``) to ``folder`` as a SavedModel with a
    ``translate(sentences, beam_width=1)`` function and a ``serving_default`` signature
    (``sentences`` (batch,) string, ``beam_width`` int32 -> ``output_0`` (batch,) string).

    ``max_beam_width``: the widest beam search compiled in (each width adds a compiled loop);
    ``alpha``: beam search's length normalization, as in ``translate_batch``. An earlier export
    in ``folder`` is kept or replaced only as ``if_exists`` says (see
    ``translator.prepare_save_folder``: ``"error"``, ``"backup"`` or ``"overwrite"``).
    """
    vocabulary_size = len(translator.vectorizers.target_vocabulary)
    if isinstance(max_beam_width, bool) or not isinstance(max_beam_width, int):
        raise ValueError(f"max_beam_width must be an integer, got {max_beam_width!r}.")
    if not 1 <= max_beam_width <= vocabulary_size:
        raise ValueError(
            f"max_beam_width must be between 1 and the {vocabulary_size} target words, got "
            f"{max_beam_width}: every beam proposes beam_width different next words."
        )
    subwords = hasattr(translator.vectorizers, "target_model")  # subwords.SubwordVectorizers
    text = (SubwordText if subwords else WordText)(translator.vectorizers)
    module = ExportedTranslator(
        text,
        translator.step_model,
        list(translator.inference_models),  # not the trained model: its optimizer would come too
        max_source_length=translator.max_source_length,
        max_target_length=translator.max_target_length,
        max_beam_width=max_beam_width,
        alpha=alpha,
    )
    folder = prepare_save_folder(folder, if_exists)
    serve = module.translate.get_concrete_function(STRINGS_SPEC, WIDTH_SPEC)  # traced already
    tf.saved_model.save(module, str(folder), signatures={"serving_default": serve})
    return folder


# Run by translate_in_fresh_process in a new Python (-I: no PYTHONPATH, no current folder), where an
# import hook makes this package impossible to import: only TensorFlow (and tensorflow-text, for
# the SentencePiece operations of a subword translator) are there to load the export.
FRESH_PROCESS_LOADER = r"""
import json, sys, time

class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "seq2seq_helpers":
            raise ImportError(f"{name} is blocked in this process")

sys.meta_path.insert(0, Blocked())
import tensorflow as tf
try:
    import tensorflow_text  # registers the SentencePiece operations
except ImportError:
    pass

folder, sentences, beam_width = json.loads(sys.stdin.read())
translator = tf.saved_model.load(folder)
translator.translate(tf.constant(sentences[:2]), beam_width=beam_width)  # traces: not timed
start = time.perf_counter()
translated = translator.translate(tf.constant(sentences), beam_width=beam_width)
seconds = time.perf_counter() - start
print(json.dumps({"translations": [t.decode("utf-8") for t in translated.numpy()],
                  "ms_per_sentence": 1000 * seconds / max(1, len(sentences))}))
"""


def translate_in_fresh_process(
    folder: str | Path, sentences: list[str], beam_width: int = 1, timeout: float = 900
) -> tuple[list[str], float]:
    """Load the export in ``folder`` in a new Python process that cannot import this package,
    translate ``sentences`` there (``beam_width`` 1: greedy); return the translations and the
    milliseconds per sentence (the first call, which traces, not counted)."""
    import json
    import subprocess
    import sys

    if not sentences:
        raise ValueError("Pass at least one sentence to translate.")
    done = subprocess.run(
        [sys.executable, "-I", "-c", FRESH_PROCESS_LOADER],
        input=json.dumps([str(folder), list(sentences), beam_width]),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"Loading {folder} in a fresh process failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["translations"], result["ms_per_sentence"]
