"""Feedback for the "try it" exercises.

Each ``check_...`` function returns a ``Feedback``: true when the answer is right, and shown in a
notebook as one specific sentence (what is right, or exactly what differs and why). An answer left
as ``None`` is reported as "not answered yet", so a notebook still runs from top to bottom.
Solutions are in notebooks/solutions/.
"""

from seq2seq_helpers.checks.answers import (
    check_best_epoch,
    check_lstm_parameter_count,
    check_one_hot_megabytes,
    check_reply_pairs,
    check_shape,
    check_teacher_forcing,
    check_temperature,
    check_tokens,
    check_unknown_words,
    check_vocabulary_size,
    lstm_parameter_count,
)
from seq2seq_helpers.checks.attention import (
    check_attention_decoder,
    check_attention_weights,
    check_unknown_replacement,
)
from seq2seq_helpers.checks.bpe import check_merge_step
from seq2seq_helpers.checks.cache import check_cache_update
from seq2seq_helpers.checks.chat import check_drink_rule, check_is_generic
from seq2seq_helpers.checks.choices import QUESTIONS, check_choice
from seq2seq_helpers.checks.decoder_block import check_decoder_block
from seq2seq_helpers.checks.experiments import check_batch_updates, check_experiment
from seq2seq_helpers.checks.feedback import Feedback
from seq2seq_helpers.checks.models import (
    check_batch_decode,
    check_decode_with_probabilities,
    check_gru_decoder_model,
    check_model_without_initial_state,
    check_scalable_model,
    check_training_model,
)
from seq2seq_helpers.checks.subwords import check_join_pieces
from seq2seq_helpers.checks.transformer import (
    check_attention_parameters,
    check_causal_mask,
    check_encoder_block,
)

__all__ = [
    "QUESTIONS",
    "Feedback",
    "check_attention_decoder",
    "check_attention_parameters",
    "check_attention_weights",
    "check_batch_decode",
    "check_batch_updates",
    "check_best_epoch",
    "check_cache_update",
    "check_causal_mask",
    "check_choice",
    "check_decode_with_probabilities",
    "check_decoder_block",
    "check_drink_rule",
    "check_encoder_block",
    "check_experiment",
    "check_gru_decoder_model",
    "check_is_generic",
    "check_join_pieces",
    "check_lstm_parameter_count",
    "check_merge_step",
    "check_model_without_initial_state",
    "check_one_hot_megabytes",
    "check_reply_pairs",
    "check_scalable_model",
    "check_shape",
    "check_teacher_forcing",
    "check_temperature",
    "check_tokens",
    "check_training_model",
    "check_unknown_replacement",
    "check_unknown_words",
    "check_vocabulary_size",
    "lstm_parameter_count",
]
