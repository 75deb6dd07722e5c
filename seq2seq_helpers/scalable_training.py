"""Training and using the scalable models: the import surface of notebooks 07-11.

Introduced in notebooks/07_scaling_up.ipynb. What used to live here is split by what it is:

- ``families``: the model families (the lesson's one-hot LSTM, the scalable LSTM, the attention
  LSTM, the Transformer) in one table, and how each is built, trained and decoded;
- ``translator_scalable``: ``ScalableTranslator`` (decode, translate, save, load);
- ``training_loop``: ``train_scalable``; ``worker_loop``: its loop for several machines;
- ``callbacks``: ``TimeBudget`` and ``EpochTimes``;
- ``curves``: the warnings about data and lengths, array memory and ``learning_curve``.

Everything stays importable from here, as the notebooks do.
"""

from seq2seq_helpers.callbacks import EpochTimes, TimeBudget
from seq2seq_helpers.curves import (
    CUT_SHARE_WARNING,
    PARAMETERS_PER_TOKEN_WARNING,
    learning_curve,
    scalable_parameter_count,
    training_array_bytes,
    warn_about_data_and_lengths,
)
from seq2seq_helpers.families import ARCHITECTURES, TRANSFORMER_SIZES, one_hot_rows, to_one_hot
from seq2seq_helpers.training_loop import train_scalable
from seq2seq_helpers.translator_scalable import VECTORIZERS_FILE, ScalableTranslator
from seq2seq_helpers.worker_loop import fit_on_several_workers

__all__ = [
    "ARCHITECTURES",
    "CUT_SHARE_WARNING",
    "PARAMETERS_PER_TOKEN_WARNING",
    "TRANSFORMER_SIZES",
    "VECTORIZERS_FILE",
    "EpochTimes",
    "ScalableTranslator",
    "TimeBudget",
    "fit_on_several_workers",
    "learning_curve",
    "one_hot_rows",
    "scalable_parameter_count",
    "to_one_hot",
    "train_scalable",
    "training_array_bytes",
    "warn_about_data_and_lengths",
]
