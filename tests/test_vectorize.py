import numpy as np
import pytest

from seq2seq_helpers.text import prepare_training_setup
from seq2seq_helpers.vectorize import array_megabytes, encode_input_sentence, make_training_arrays

PAIRS = [("Hi.", "Hola."), ("Good night, Tom.", "Buenas noches, Tom."), ("Thanks!", "¡Gracias!")]


@pytest.fixture
def arrays():
    setup = prepare_training_setup(PAIRS)
    return setup, *make_training_arrays(setup)


def test_shapes_and_dtype(arrays):
    setup, encoder_input_data, decoder_input_data, decoder_target_data = arrays
    assert encoder_input_data.shape == (3, setup.max_encoder_seq_length, setup.num_encoder_tokens)
    assert decoder_input_data.shape == (3, setup.max_decoder_seq_length, setup.num_decoder_tokens)
    assert decoder_target_data.shape == decoder_input_data.shape
    assert encoder_input_data.dtype == np.float32


def test_one_hot_rows_and_padding(arrays):
    setup, encoder_input_data, decoder_input_data, _ = arrays
    # "Hi." has two tokens: two one-hot rows, then all-zero padding rows.
    assert encoder_input_data[0].sum(axis=1).tolist() == [1, 1, 0, 0, 0]
    assert encoder_input_data[0, 0, setup.input_features_dict["hi"]] == 1
    assert decoder_input_data[:, 0, setup.target_features_dict["<START>"]].tolist() == [1, 1, 1]


def test_target_is_input_shifted_one_step(arrays):
    setup, _, decoder_input_data, decoder_target_data = arrays
    np.testing.assert_array_equal(decoder_target_data[:, :-1], decoder_input_data[:, 1:])
    assert not decoder_target_data[:, -1].any()
    # The target never contains <START>; the last real target of each sentence is <END>.
    assert not decoder_target_data[..., setup.target_features_dict["<START>"]].any()
    end = setup.target_features_dict["<END>"]
    for row, doc in zip(decoder_target_data, setup.target_docs):
        assert row[len(doc) - 2, end] == 1


def test_memory_in_megabytes(arrays):
    _, encoder_input_data, decoder_input_data, _ = arrays
    expected = (encoder_input_data.size + decoder_input_data.size) * 4 / 1e6
    assert array_megabytes(encoder_input_data, decoder_input_data) == pytest.approx(expected)


def test_unknown_words_are_skipped_with_a_warning(arrays):
    setup = arrays[0]
    with pytest.warns(UserWarning, match="zebra"):
        encoded = encode_input_sentence(
            "Hi zebra.", setup.input_features_dict, setup.max_encoder_seq_length
        )
    assert encoded.sum() == 2  # "hi" and "."


def test_only_unknown_words_is_an_error(arrays):
    setup = arrays[0]
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="nothing to translate"):
        encode_input_sentence("Zebra", setup.input_features_dict, setup.max_encoder_seq_length)


def test_long_sentence_is_truncated_with_a_warning(arrays):
    setup = arrays[0]
    with pytest.warns(UserWarning, match="keeping the first 5"):
        encoded = encode_input_sentence(
            "hi tom hi tom hi tom hi", setup.input_features_dict, setup.max_encoder_seq_length
        )
    assert encoded.shape == (1, 5, setup.num_encoder_tokens)
    assert encoded.sum() == 5


def test_one_hot_megabytes_matches_the_allocated_arrays():
    from seq2seq_helpers.text import prepare_training_setup
    from seq2seq_helpers.vectorize import array_megabytes, make_training_arrays, one_hot_megabytes

    pairs = [("I eat.", "Como."), ("We eat bread now.", "Comemos pan ahora.")]
    allocated = array_megabytes(*make_training_arrays(prepare_training_setup(pairs)))
    assert one_hot_megabytes(pairs) == pytest.approx(allocated)
