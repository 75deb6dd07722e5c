"""The exercise checks of notebooks 04-08 tell a right answer from a typical mistake, and their
feedback names the mistake in words the learner can act on."""

import numpy as np
import pytest
from tiny_models import train_tiny_translator

from seq2seq_helpers import checks

# -- notebook 05: the GRU decoder step and greedy decoding with probabilities ------------------


def gru_decoder(model, *, cell_state=False, new_layers=False):
    """The GRU decoder step: right by default, or with one of two typical mistakes."""
    from keras import Input, Model, layers

    gru, dense = model.get_layer("decoder_gru"), model.get_layer("decoder_dense")
    if new_layers:  # fresh layers of the same shape: untrained weights
        gru = layers.GRU(gru.units, return_sequences=True, return_state=True)
        dense = layers.Dense(dense.units, activation="softmax")
    previous_word = Input(shape=(None, dense.units))
    state = Input(shape=(gru.units,))
    inputs = [previous_word, state] + ([Input(shape=(gru.units,))] if cell_state else [])
    outputs, new_state = gru(previous_word, initial_state=state)
    return Model(inputs, [dense(outputs), new_state])


def test_check_gru_decoder_model_names_each_mistake():
    assert checks.check_gru_decoder_model(gru_decoder)
    lstm_habit = checks.check_gru_decoder_model(lambda m: gru_decoder(m, cell_state=True))
    assert not lstm_habit and "needs 2: the previous word and the one state" in str(lstm_habit)
    untrained = checks.check_gru_decoder_model(lambda m: gru_decoder(m, new_layers=True))
    assert not untrained and "does not reuse the trained layers" in str(untrained)
    assert "raised ZeroDivisionError" in str(checks.check_gru_decoder_model(lambda m: 1 / 0))
    assert "Not answered" in str(checks.check_gru_decoder_model(None))


@pytest.fixture(scope="module")
def lesson_translator():
    pairs = [("Hi.", "Hola."), ("Run!", "¡Corre!"), ("I see.", "Ya veo."), ("Go.", "Ve.")]
    return train_tiny_translator(pairs, epochs=60)


def greedy_with_probabilities(translator, *, update_states=True, shift=0):
    """Greedy decoding that keeps each chosen word's probability: right by default; without
    ``update_states`` every step restarts from the encoder's states; ``shift`` keeps the
    probability of the word ``shift`` places further in the vocabulary."""
    encoder_model, decoder_model = translator.inference_models
    vocabularies = translator.vocabularies
    tokens = vocabularies.target_tokens

    def decode(input_seq):
        encoder_states = [np.asarray(s) for s in encoder_model(input_seq)]
        states = encoder_states
        previous = np.zeros((1, 1, len(tokens)), dtype="float32")
        previous[0, 0, tokens.index("<START>")] = 1
        words, probabilities = [], []
        while len(words) < vocabularies.max_decoder_seq_length:
            output, *new_states = (np.asarray(t) for t in decoder_model([previous, *states]))
            index = int(np.argmax(output[0, -1]))
            if tokens[index] == "<END>":
                break
            words.append(tokens[index])
            probabilities.append(float(output[0, -1, (index + shift) % len(tokens)]))
            previous = np.zeros_like(previous)
            previous[0, 0, index] = 1
            states = new_states if update_states else encoder_states
        return words, probabilities

    return decode


def test_check_decode_with_probabilities_names_each_mistake(lesson_translator):
    sentences = ["Hi.", "I see."]

    def check(**mistake):
        decode = greedy_with_probabilities(lesson_translator, **mistake)
        return checks.check_decode_with_probabilities(decode, lesson_translator, sentences)

    assert check()
    stale = check(update_states=False)
    assert not stale and "Feed the chosen word and the new states back in" in str(stale)
    wrong_probabilities = check(shift=1)
    assert not wrong_probabilities and "the words are right, but the probabilities" in str(
        wrong_probabilities
    )
    returns_none = checks.check_decode_with_probabilities(
        lambda seq: None, lesson_translator, sentences
    )
    assert not returns_none and "returns None" in str(returns_none)


# -- notebooks 07 and 08: the scalable model and batched greedy decoding -----------------------


def scalable_model(source_vocab_size, target_vocab_size, latent_dim, embedding_dim, *, mask=True):
    from keras import Input, Model, layers

    encoder_inputs = Input(shape=(None,), dtype="int64")
    decoder_inputs = Input(shape=(None,), dtype="int64")
    source = layers.Embedding(source_vocab_size, embedding_dim, mask_zero=mask)(encoder_inputs)
    _, hidden, cell = layers.LSTM(latent_dim, return_state=True)(source)
    target = layers.Embedding(target_vocab_size, embedding_dim, mask_zero=mask)(decoder_inputs)
    outputs = layers.LSTM(latent_dim, return_sequences=True)(target, initial_state=[hidden, cell])
    outputs = layers.Dense(target_vocab_size, activation="softmax")(outputs)
    return Model([encoder_inputs, decoder_inputs], outputs)


def test_check_scalable_model_names_each_mistake():
    assert checks.check_scalable_model(scalable_model)
    unmasked = checks.check_scalable_model(lambda *sizes: scalable_model(*sizes, mask=False))
    assert not unmasked and "mask_zero=True" in str(unmasked)
    forgot_return = checks.check_scalable_model(lambda *sizes: None)
    assert not forgot_return and "return Model" in str(forgot_return)


def batch_decode(
    encoder_model, decoder_model, source_ids, start_index, end_index, max_length, **mistake
):
    """Batched greedy decoding: right by default, or with ``stale_states`` (every step starts
    from the encoder's states) or ``keep_end`` (the <END> id stays in the output)."""
    states = encoder_states = [np.asarray(s) for s in encoder_model(source_ids)]
    previous = np.full((len(source_ids), 1), start_index)
    outputs = [[] for _ in source_ids]
    finished = np.zeros(len(source_ids), dtype=bool)
    for _ in range(max_length):
        probabilities, *new_states = (np.asarray(t) for t in decoder_model([previous, *states]))
        chosen = probabilities[:, -1].argmax(axis=-1)
        for row, index in enumerate(chosen):
            if not finished[row] and (index != end_index or mistake.get("keep_end")):
                outputs[row].append(int(index))
        finished |= chosen == end_index
        if finished.all():
            break
        previous = chosen[:, None]
        states = encoder_states if mistake.get("stale_states") else new_states
    return outputs


def test_check_batch_decode_names_each_mistake():
    assert checks.check_batch_decode(batch_decode)
    stale = checks.check_batch_decode(lambda *args: batch_decode(*args, stale_states=True))
    assert not stale and "the new states back in" in str(stale)
    keeps_end = checks.check_batch_decode(lambda *args: batch_decode(*args, keep_end=True))
    assert not keeps_end and "which is not part of the output" in str(keeps_end)
    one_row = checks.check_batch_decode(lambda *args: batch_decode(*args)[:1])
    assert not one_row and "one list per input row" in str(one_row)


# -- notebook 04: experiments graded with the learner's own histories --------------------------


def test_check_experiment_names_a_continued_run_and_a_wrong_epoch_count():
    first_run = {"loss": [2.0, 1.5, 1.2, 1.0], "val_loss": [2.1, 1.8, 1.7, 1.75]}
    fresh = {"loss": [2.0, 1.7, 1.5], "val_loss": [2.1, 1.9, 1.95]}
    continued = {"loss": [0.9, 0.8, 0.7], "val_loss": [1.8, 1.9, 2.0]}  # starts where it ended
    right = next(k for k, (_, ok, _) in checks.QUESTIONS["early_stopping"][1].items() if ok)
    assert checks.check_experiment("early_stopping", right, fresh, first_run, reported_epochs=3)
    again = checks.check_experiment(
        "early_stopping", right, continued, first_run, reported_epochs=3
    )
    assert not again and "continue training an already trained model" in str(again)
    miscounted = checks.check_experiment(
        "early_stopping", right, fresh, first_run, reported_epochs=4
    )
    assert not miscounted and "your run trained 3 epochs, not 4" in str(miscounted)
    not_reported = checks.check_experiment("early_stopping", right, fresh, first_run)
    assert not not_reported and "my_epochs" in str(not_reported)
    # The verdict carries the learner's own figures: the lowest val_loss and its epoch.
    assert "lowest val_loss 1.900 at epoch 2" in str(
        checks.check_experiment("early_stopping", right, fresh, first_run, reported_epochs=3)
    )


# -- notebook 06: temperature -------------------------------------------------------------------


def test_check_temperature_names_each_mistake():
    def right(probabilities, temperature):
        scaled = probabilities ** (1 / temperature)
        return scaled / scaled.sum()

    assert checks.check_temperature(right)
    unnormalized = checks.check_temperature(lambda p, t: p ** (1 / t))
    assert not unnormalized and "divide by their sum" in str(unnormalized)
    upside_down = checks.check_temperature(lambda p, t: right(p, 1 / t))  # p ** t
    assert not upside_down and "power 1 / temperature" in str(upside_down)
    # Softmax over probabilities, as if they were logits: right at no temperature.
    softmax = checks.check_temperature(lambda p, t: np.exp(p / t) / np.exp(p / t).sum())
    assert not softmax and "power 1 / temperature" in str(softmax)
    assert "Not answered" in str(checks.check_temperature(None))
