"""A generative chatbot: the lesson's encoder-decoder answering messages.

Introduced in notebooks/06_generative_chatbot.ipynb.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import tensorflow as tf

from seq2seq_helpers.config import is_fast_mode
from seq2seq_helpers.conversations import clean_text
from seq2seq_helpers.decoding import check_search_options
from seq2seq_helpers.text import detokenize
from seq2seq_helpers.translator import Translator

if TYPE_CHECKING:
    from seq2seq_helpers.scalable_training import ScalableTranslator

EMPTY_INPUT_REPLY = "Say something and I'll answer."
PUNCTUATION_ONLY_REPLY = "I only see punctuation. Could you use a few words?"
NO_KNOWN_WORDS_REPLY = "Sorry, I don't know any of those words yet."
GOODBYE_WORDS = ("quit", "bye", "exit")


class ScalableChatModel:
    """A ``ScalableTranslator`` (attention LSTM, Transformer, words or subword pieces) with the
    ``translate`` a ``ChatBot`` calls: greedy, beam search (``beam_width`` > 1), or sampling
    (``temperature`` > 0 or ``repetition_penalty`` > 1, by ``sampling.sample_decode``).

    Introduced in notebooks/12_chatbot_that_answers.ipynb.
    """

    def __init__(self, translator: ScalableTranslator) -> None:
        self.translator = translator
        self._step_model = None

    def translate_many(
        self,
        sentences: list[str],
        *,
        temperature: float = 0.0,
        repetition_penalty: float = 1.0,
        seed: int | None = None,
        beam_width: int = 1,
    ) -> list[str]:
        """Replies to cleaned sentences, as text (word tokens spaced apart)."""
        check_search_options(beam_width, temperature, repetition_penalty)
        translator = self.translator
        if temperature == 0 and repetition_penalty == 1:
            return translator.translate_batch(sentences, beam_width=beam_width)
        from seq2seq_helpers.sampling import sample_decode

        translator._warn_about_inputs(sentences)
        if self._step_model is None:
            self._step_model = translator.step_model
        ids = translator.vectorizers.source(tf.constant(list(sentences))).numpy()
        decoded = sample_decode(
            self._step_model,
            ids,
            translator.max_target_length,
            temperature=temperature,
            repetition_penalty=repetition_penalty,
            seed=seed,
        )
        return [translator.vectorizers.join_target(translator.words(d)) for d in decoded]

    def translate(self, sentence: str, **options) -> str:
        return self.translate_many([sentence], **options)[0]

    def save(self, folder: str | Path, if_exists: str = "error") -> Path:
        return self.translator.save(folder, if_exists=if_exists)


def chat_model(translator):
    """What a ``ChatBot`` talks through: the lesson's ``Translator`` as it is, a
    ``ScalableTranslator`` wrapped in a ``ScalableChatModel``."""
    if isinstance(translator, (Translator, ScalableChatModel)):
        return translator
    from seq2seq_helpers.scalable_training import ScalableTranslator

    if isinstance(translator, ScalableTranslator):
        return ScalableChatModel(translator)
    raise ValueError(
        f"A ChatBot needs a trained Translator (notebook 06) or ScalableTranslator (notebooks "
        f"07-12), got {type(translator).__name__}."
    )


class ChatBot:
    """Replies to messages with a trained message->reply ``Translator`` (notebook 06) or
    ``ScalableTranslator`` (notebook 12: the attention LSTM or the Transformer).

    ``respond`` never raises on user text: empty or punctuation-only input and input with no
    known word get a fixed, friendly reply; unknown words are skipped and over-long input is
    truncated, and what was done is kept in ``last_notes`` instead of interrupting the chat.
    """

    def __init__(
        self,
        translator: Translator,
        *,
        temperature: float = 0.0,
        repetition_penalty: float = 1.0,
        seed: int | None = 0,
        beam_width: int = 1,
    ) -> None:
        self.translator = translator
        self.model = chat_model(translator)
        self.temperature = temperature
        self.repetition_penalty = repetition_penalty
        self.seed = seed
        self.beam_width = beam_width  # > 1: beam search (notebook 09) instead of greedy/sampling
        self.last_notes: list[str] = []

    def respond(self, text: str, **decoding_options) -> str:
        """Reply to ``text``; ``decoding_options`` override temperature, repetition_penalty,
        seed and beam_width."""
        self.last_notes = []
        if not isinstance(text, str):
            raise ValueError(f"respond expects a string, got {type(text).__name__}.")
        cleaned = clean_text(text)
        if not cleaned:
            return EMPTY_INPUT_REPLY
        if not any(character.isalnum() for character in cleaned):
            return PUNCTUATION_ONLY_REPLY
        options = {
            "temperature": self.temperature,
            "repetition_penalty": self.repetition_penalty,
            "seed": self.seed,
            "beam_width": self.beam_width,
            **decoding_options,
        }
        # Checked here, before the try: a ValueError from translate means "no known word".
        check_search_options(
            options["beam_width"], options["temperature"], options["repetition_penalty"]
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                reply = self.model.translate(cleaned, **options)
            except ValueError:
                reply = None
        self.last_notes = [str(warning.message) for warning in caught]
        return NO_KNOWN_WORDS_REPLY if reply is None else detokenize(reply)

    def save(self, folder: str | Path, overwrite: bool = False) -> Path:
        """Save the bot's model and vocabularies; refuses to replace a saved bot unless asked."""
        return self.model.save(folder, if_exists="overwrite" if overwrite else "error")

    @classmethod
    def load(cls, folder: str | Path, **settings) -> ChatBot:
        """Load a bot saved with ``save`` (``settings`` as for the constructor)."""
        from seq2seq_helpers.scalable_training import VECTORIZERS_FILE, ScalableTranslator

        if (Path(folder) / VECTORIZERS_FILE).is_file():
            return cls(ScalableTranslator.load(folder), **settings)
        return cls(Translator.load(folder), **settings)


def chat_mode() -> str:
    """How the notebook's chat should run: ``"scripted"``, ``"widget"`` or ``"input"``.

    Scripted when nobody can type: under CI (``CI`` set) or in fast mode (the test suite), or in a
    kernel whose front end does not accept input. Otherwise a widget when ipywidgets is
    installed, else a plain ``input()`` loop.
    """
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"} or is_fast_mode():
        return "scripted"
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
    except ImportError:
        kernel = None
    if kernel is not None and not getattr(kernel, "_allow_stdin", True):
        return "scripted"
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return "input"
    return "widget"


def chat_loop(
    bot: ChatBot,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    max_turns: int = 100,
) -> int:
    """A plain text chat: reads lines until quit/bye/exit (or ``max_turns``); returns turns taken."""
    write("Chat with the bot. Type 'quit' or 'bye' to stop.")
    for turn in range(max_turns):
        try:
            message = read("you: ")
        except EOFError:
            write("(input closed)")
            return turn
        if message.strip().lower().strip("!. ") in GOODBYE_WORDS:
            write("bot: bye!")
            return turn
        write(f"bot: {bot.respond(message)}")
    return max_turns


def chat_widget(bot: ChatBot):
    """A JupyterLab chat box: a text field, and a log of the conversation above it."""
    import ipywidgets as widgets

    log = widgets.Output(layout={"border": "1px solid #ccc", "height": "220px", "overflow": "auto"})
    box = widgets.Text(placeholder="Type a message and press Enter", layout={"width": "60%"})

    def on_submit(sender) -> None:
        message, sender.value = sender.value, ""
        with log:
            print(f"you: {message}")
            print(f"bot: {bot.respond(message)}")

    box.on_submit(on_submit)
    return widgets.VBox([log, box])
