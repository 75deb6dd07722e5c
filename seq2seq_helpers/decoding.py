"""The lesson's greedy decoding loop.

Introduced in notebooks/05_inference_and_decoding.ipynb.

Greedy decoding feeds ``<START>`` to the decoder, picks the most probable next word, feeds that
word back in, and repeats until the decoder says ``<END>`` or the sentence gets too long.
"""

from __future__ import annotations

import numpy as np
from keras.models import Model

from seq2seq_helpers.text import END_TOKEN, START_TOKEN


def decode_sequence(
    input_seq: np.ndarray,
    encoder_model: Model,
    decoder_model: Model,
    target_features_dict: dict[str, int],
    reverse_target_features_dict: dict[int, str],
    max_decoder_seq_length: int,
) -> str:
    """Greedily decode one one-hot input sentence of shape (1, T, num_encoder_tokens).

    Returns the predicted words joined by spaces, without ``<START>`` and ``<END>``. Stops at
    ``<END>`` or after ``max_decoder_seq_length`` words, whichever comes first.
    """
    if input_seq.ndim != 3 or input_seq.shape[0] != 1:
        raise ValueError(
            f"input_seq must have shape (1, time, num_encoder_tokens), got {input_seq.shape}; "
            "slice one sentence with encoder_input_data[i:i + 1]."
        )
    num_decoder_tokens = len(target_features_dict)
    # The encoder's final states start the decoder off.
    states_value = encoder_model.predict(input_seq, verbose=0)

    target_seq = np.zeros((1, 1, num_decoder_tokens), dtype="float32")
    target_seq[0, 0, target_features_dict[START_TOKEN]] = 1.0
    decoded_words: list[str] = []
    while len(decoded_words) < max_decoder_seq_length:
        output_tokens, hidden_state, cell_state = decoder_model.predict(
            [target_seq, *states_value], verbose=0
        )
        sampled_token_index = int(np.argmax(output_tokens[0, -1, :]))
        sampled_token = reverse_target_features_dict[sampled_token_index]
        if sampled_token == END_TOKEN:
            break
        decoded_words.append(sampled_token)
        # Feed the chosen word back in, with the decoder's updated memory.
        target_seq = np.zeros((1, 1, num_decoder_tokens), dtype="float32")
        target_seq[0, 0, sampled_token_index] = 1.0
        states_value = [hidden_state, cell_state]
    return " ".join(decoded_words)

