"""Translate and look: a sentence in, its translation and where the model looked out.

Introduced in notebooks/11_subwords.ipynb. ``look`` draws one sentence's translation with the
attention behind it: notebook 09's heatmap for the attention LSTM, notebook 10's cross-attention
per head (last decoder layer) for the Transformer. ``translate_box`` puts a text field in front of
it in JupyterLab; where nobody can type (CI, fast mode), ``chatbot.chat_mode`` says so and the
notebook calls ``look`` on a few sentences instead, as notebook 06 does with its chat.
"""

from __future__ import annotations

from dataclasses import dataclass

import tensorflow as tf

from seq2seq_helpers.families import titles_with
from seq2seq_helpers.plotting import plot_attention, plot_attention_heads
from seq2seq_helpers.text import START_TOKEN


@dataclass
class Look:
    """One sentence looked at: the translation, the tokens read and written, and the figure."""

    sentence: str
    translation: str
    source_tokens: list[str]
    output_tokens: list[str]
    figure: object | None  # a Matplotlib figure, None when the sentence has no token


def look(translator, sentence: str, beam_width: int = 1) -> Look:
    """Translate ``sentence`` with ``translator`` (a ``ScalableTranslator`` with attention: the
    attention LSTM or the Transformer, on words or pieces) and draw where it looked."""
    import matplotlib.pyplot as plt

    if not isinstance(sentence, str):
        raise TypeError(f"look translates one sentence (a string), got {type(sentence).__name__}.")
    if not translator.family.has_attention:
        raise ValueError(
            f"A {translator.architecture!r} model has no attention to show: use "
            f"{titles_with('has_attention')}."
        )
    best = translator.decode([sentence], beam_width=beam_width)[0][0]
    source, output = translator.source_tokens(sentence), translator.words(best)
    translation = translator.vectorizers.join_target(output)
    if not source:
        return Look(sentence, translation, source, output, None)
    heads = translator.family.attention_heads
    if heads is None:  # one picture: Decoded.attention
        figure = plot_attention(best.attention, source, output, title="where it looked")
    else:  # the last layer's heads
        start = translator.vectorizers.target_vocabulary.index(START_TOKEN)
        source_ids = translator.vectorizers.source(tf.constant([sentence])).numpy()[0][
            : len(source)
        ]
        weights = heads(*translator.inference_models, source_ids, [start, *best.ids])
        figure = plot_attention_heads(weights[-1], source, output, title="last layer, ")
    plt.close(figure)  # shown by the caller (or the box), not twice by the notebook
    return Look(sentence, translation, source, output, figure)


def translate_box(translator, beam_width: int = 1):
    """A JupyterLab box: type a sentence, press Enter, see the translation and the attention."""
    import ipywidgets as widgets
    from IPython.display import display

    # Not continuous: the value changes (and is translated) on Enter, not at every key.
    field = widgets.Text(
        placeholder="Type an English sentence and press Enter", continuous_update=False
    )
    field.layout.width = "70%"
    shown = widgets.Output()

    def on_enter(change) -> None:
        sentence = change["new"]
        shown.clear_output()
        with shown:
            try:
                seen = look(translator, sentence, beam_width)
            except (TypeError, ValueError) as problem:
                print(f"Not translated: {problem}")
                return
            print(f"{sentence}\n→ {seen.translation or '(nothing to translate)'}")
            if seen.figure is not None:
                display(seen.figure)

    field.observe(on_enter, names="value")
    return widgets.VBox([field, shown])
