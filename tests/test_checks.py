import numpy as np

from seq2seq_helpers import checks
from seq2seq_helpers.text import prepare_training_setup
from seq2seq_helpers.vectorize import make_training_arrays


def test_feedback_is_a_verdict_with_words():
    feedback = checks.check_tokens(["hola"], "Hola")
    assert feedback and repr(feedback).startswith("Correct:")
    unanswered = checks.check_tokens(None, "Hola")
    assert not unanswered and "Not answered yet" in str(unanswered)


def test_check_tokens():
    assert checks.check_tokens(["¡", "hola", ",", "tom", "!"], "¡Hola, Tom!")
    missing = checks.check_tokens(["hola", ",", "tom", "!"], "¡Hola, Tom!")
    assert not missing and "['¡']" in str(missing) and "¿ and ¡" in str(missing)
    upper = checks.check_tokens(["¡", "Hola", ",", "tom", "!"], "¡Hola, Tom!")
    assert not upper and "lowercased" in str(upper)
    order = checks.check_tokens(["hola", "¡", ",", "tom", "!"], "¡Hola, Tom!")
    assert not order and "order" in str(order)


def test_check_shape_names_the_wrong_axis():
    array = np.zeros((3, 5, 7))
    assert checks.check_shape((3, 5, 7), array, "encoder_input_data")
    wrong = checks.check_shape((3, 6, 7), array, "encoder_input_data")
    assert not wrong and "axis 1 (time steps)" in str(wrong)
    short = checks.check_shape((3, 5), array, "x")
    assert not short and "3 axes" in str(short)


def test_check_teacher_forcing():
    setup = prepare_training_setup([("Hi.", "Hola."), ("Bye.", "Adiós.")])
    _, decoder_input_data, decoder_target_data = make_training_arrays(setup)
    reverse = setup.reverse_target_features_dict
    assert checks.check_teacher_forcing(decoder_input_data, decoder_target_data, reverse)
    # A typical mistake: forgetting to shift.
    unshifted = checks.check_teacher_forcing(decoder_input_data, decoder_input_data.copy(), reverse)
    assert not unshifted
    assert "at time 0 you have '<START>', expected 'hola'" in str(unshifted)
    # Shifting the wrong way.
    wrong = np.zeros_like(decoder_input_data)
    wrong[:, 1:] = decoder_input_data[:, :-1]
    backwards = checks.check_teacher_forcing(decoder_input_data, wrong, reverse)
    assert not backwards and "(padding)" in str(backwards)
    cut = checks.check_teacher_forcing(decoder_input_data, wrong[:, :-1], reverse)
    assert not cut and "same shape" in str(cut)


def test_check_lstm_parameter_count():
    assert checks.lstm_parameter_count(10, 4) == 4 * (4 * 14 + 4)
    assert checks.check_lstm_parameter_count(240, 10, 4)
    one_gate = checks.check_lstm_parameter_count(60, 10, 4)
    assert not one_gate and "one gate" in str(one_gate)
    no_bias = checks.check_lstm_parameter_count(224, 10, 4)
    assert not no_bias and "bias" in str(no_bias)


def test_check_best_epoch():
    history = {"val_loss": [3.0, 2.0, 1.5, 1.7, 2.2]}
    assert checks.check_best_epoch(3, history)
    off_by_one = checks.check_best_epoch(2, history)
    assert not off_by_one and "off by one" in str(off_by_one)
    assert not checks.check_best_epoch(5, history)


def test_check_unknown_words():
    features = {"i": 0, "like": 1, ".": 2}
    assert checks.check_unknown_words(["pizza"], "I like pizza.", features)
    known = checks.check_unknown_words(["like", "pizza"], "I like pizza.", features)
    assert not known and "['like'] are in the training vocabulary" in str(known)
    assert not checks.check_unknown_words([], "I like pizza.", features)


def test_check_vocabulary_size():
    sentences = ["Tom is here.", "Where is tom?"]
    assert checks.check_vocabulary_size(7, sentences, lowercase=False)  # Tom tom Where where ...
    assert checks.check_vocabulary_size(6, sentences, lowercase=True)
    lowered = checks.check_vocabulary_size(6, sentences, lowercase=False)
    assert not lowered and "lowercase=True" in str(lowered)
    far = checks.check_vocabulary_size(2, sentences, lowercase=False)
    assert not far and "'Tom' and 'tom'" in str(far)


def test_check_reply_pairs():
    conversation = [
        [{"sender": "a", "text": "hi"}, {"sender": "a", "text": "you there?"}],
        [{"sender": "b", "text": "yes"}],
        [{"sender": "a", "text": "cool"}],
    ]
    assert checks.check_reply_pairs([("hi you there?", "yes"), ("yes", "cool")], conversation)
    assert checks.check_reply_pairs([("yes", "cool"), ("hi you there ?", "yes")], conversation)
    split = checks.check_reply_pairs(
        [("hi", "you there?"), ("you there?", "yes"), ("yes", "cool")], conversation
    )
    assert not split and "same sender" in str(split)
    missing = checks.check_reply_pairs([("hi you there?", "yes")], conversation)
    assert not missing and "missing the turn pair ('yes', 'cool')" in str(missing)
    wrong = checks.check_reply_pairs([("hi you there?", "yes"), ("yes", "cool!")], conversation)
    assert not wrong and "('yes', 'cool')" in str(wrong)


def test_check_reply_pairs_follows_the_question_rule_of_notebook_06():
    conversation = [
        [{"sender": "ana", "text": "hi!"}, {"sender": "ana", "text": "how are you?"}],
        [{"sender": "luis", "text": "good, you?"}],
        [{"sender": "ana", "text": "great"}],
    ]
    turns = [("hi! how are you?", "good, you?"), ("good, you?", "great")]
    assert checks.check_reply_pairs(turns + [("how are you?", "good")], conversation)
    only_turns = checks.check_reply_pairs(turns, conversation)
    assert not only_turns and "question pair ('how are you ?', 'good')" in str(only_turns)


def test_check_one_hot_megabytes():
    assert checks.check_one_hot_megabytes(4.0, pairs=1000, time_steps=10, vocabulary=100)
    assert checks.check_one_hot_megabytes(12.0, 1000, 10, 100, arrays=3)
    one_byte = checks.check_one_hot_megabytes(1.0, 1000, 10, 100)
    assert not one_byte and "4 bytes" in str(one_byte)
    unit = checks.check_one_hot_megabytes(4e-6, 1000, 10, 100)
    assert not unit and "megabytes" in str(unit)
    assert not checks.check_one_hot_megabytes(9.0, 1000, 10, 100)
    capped = checks.check_one_hot_megabytes(2.0, 1000, 10, 100, capped_vocabulary=50)
    assert not capped and "no cap" in str(capped)


def test_every_choice_question_has_one_right_option_and_explains_every_option():
    import pytest

    from seq2seq_helpers.checks.choices import question

    for question_id, (text, options) in checks.QUESTIONS.items():
        assert sum(right for _, right, _ in options.values()) == 1, question_id
        assert all(statement and explanation for statement, _, explanation in options.values())
        assert text in question(question_id)
        right = next(key for key, (_, ok, _) in options.items() if ok)
        assert checks.check_choice(question_id, right)
        assert checks.check_choice(question_id, f"({right.upper()})")  # forgiving about format
        for key, (_, ok, explanation) in options.items():
            if not ok:
                feedback = checks.check_choice(question_id, key)
                assert not feedback and explanation in str(feedback)
    assert "not an option" in str(checks.check_choice("no_mask", "z"))
    assert "Not answered yet" in str(checks.check_choice("no_mask", None))
    with pytest.raises(ValueError, match="Unknown question"):
        checks.check_choice("nope", "a")


# -- exercises where the learner writes the model (notebook 03) --------------------------------


def _lesson_model(num_encoder_tokens, num_decoder_tokens, latent_dim, *, state=True, softmax=True):
    from keras.layers import LSTM, Dense, Input
    from keras.models import Model

    encoder_inputs = Input(shape=(None, num_encoder_tokens))
    _, hidden, cell = LSTM(latent_dim, return_state=True)(encoder_inputs)
    decoder_inputs = Input(shape=(None, num_decoder_tokens))
    decoder_lstm = LSTM(latent_dim, return_sequences=True)
    outputs = decoder_lstm(decoder_inputs, initial_state=[hidden, cell] if state else None)
    outputs = Dense(num_decoder_tokens, activation="softmax" if softmax else None)(outputs)
    return Model([encoder_inputs, decoder_inputs], outputs)


def test_check_training_model_accepts_the_lesson_model_and_names_each_mistake():
    from seq2seq_helpers.checks import check_training_model

    assert not check_training_model(None) and "Not answered" in str(check_training_model(None))
    assert check_training_model(_lesson_model)
    no_state = check_training_model(lambda e, d, k: _lesson_model(e, d, k, state=False))
    assert not no_state and "initial_state" in str(no_state)
    no_softmax = check_training_model(lambda e, d, k: _lesson_model(e, d, k, softmax=False))
    assert not no_softmax and "softmax" in str(no_softmax)
    crashing = check_training_model(lambda e, d, k: _lesson_model(e, d, None))
    assert not crashing and "raised" in str(crashing)
    assert not check_training_model(_lesson_model(7, 9, 4))  # the model, not the function


def test_check_model_without_initial_state_compares_the_prediction_with_the_measure():
    from seq2seq_helpers.checks import check_model_without_initial_state
    from seq2seq_helpers.models import build_training_model

    model = build_training_model(20, 30, 8)
    without = _lesson_model(20, 30, 8, state=False)
    encoder = model.get_layer("encoder_lstm").count_params()
    right = check_model_without_initial_state(without, model, model.count_params() - encoder)
    assert right and f"{encoder:,} fewer than" in str(right) and "zeros" in str(right)
    # The typical mistake: "it builds, so nothing is lost"
    unchanged = check_model_without_initial_state(without, model, model.count_params())
    assert not unchanged and "which layer" in str(unchanged)
    assert not check_model_without_initial_state(without, model, encoder)
    unanswered = check_model_without_initial_state(without, model, None)
    assert not unanswered and "Not answered" in str(unanswered)
    still_connected = check_model_without_initial_state(_lesson_model(20, 30, 8), model, 5)
    assert not still_connected and "two LSTM layers" in str(still_connected)


def test_parameter_count_formula_is_tried_on_several_sizes():
    from seq2seq_helpers.checks import check_lstm_parameter_count, lstm_parameter_count

    assert check_lstm_parameter_count(lstm_parameter_count, 958, 256)
    copied_number = check_lstm_parameter_count(
        lambda i, u: lstm_parameter_count(958, 256), 958, 256
    )
    assert not copied_number and "input_dim=3" in str(copied_number)


def test_check_attention_weights_names_each_mistake():
    def softmax(scores):
        weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
        return weights / weights.sum(axis=-1, keepdims=True)

    def right(query, values, mask):
        scores = query @ np.swapaxes(values, 1, 2)
        return softmax(np.where(mask[:, None, :], scores, -1e9))

    def unmasked(query, values, mask):
        return softmax(query @ np.swapaxes(values, 1, 2))

    def scaled(query, values, mask):
        scores = query @ np.swapaxes(values, 1, 2) / 2
        return softmax(np.where(mask[:, None, :], scores, -1e9))

    assert checks.check_attention_weights(right)
    assert "padded" in str(checks.check_attention_weights(unmasked))
    assert "unscaled" in str(checks.check_attention_weights(scaled))
    assert "shape" in str(checks.check_attention_weights(lambda q, v, m: q))
    assert "Not answered" in str(checks.check_attention_weights(None))
    assert "raised" in str(checks.check_attention_weights(lambda q, v, m: 1 / 0))


def test_check_unknown_replacement():
    from seq2seq_helpers.attention import replace_unknown_words

    assert checks.check_unknown_replacement(replace_unknown_words)
    kept = checks.check_unknown_replacement(lambda tokens, attention, source: tokens)
    assert not kept and "[UNK]" in str(kept)
    assert "Not answered" in str(checks.check_unknown_replacement(None))


def test_check_causal_mask_names_each_mistake():
    assert checks.check_causal_mask(lambda n: np.tril(np.ones((n, n), dtype=bool)))
    assert "transposed" in str(checks.check_causal_mask(lambda n: np.triu(np.ones((n, n)))))
    assert "see itself" in str(checks.check_causal_mask(lambda n: np.tril(np.ones((n, n)), -1)))
    assert "shape" in str(checks.check_causal_mask(lambda n: np.ones(n)))
    assert "should be" in str(checks.check_causal_mask(lambda n: np.ones((n, n))))
    assert "Not answered" in str(checks.check_causal_mask(None))
    assert "raised" in str(checks.check_causal_mask(lambda n: 1 / 0))


def test_check_encoder_block_names_each_mistake():
    from keras import layers

    def right(x, num_heads, ff_dim):
        width = x.shape[-1]
        h = layers.LayerNormalization()(x)
        x = layers.Add()([x, layers.MultiHeadAttention(num_heads, width // num_heads)(h, h)])
        h = layers.LayerNormalization()(x)
        h = layers.Dense(width)(layers.Dense(ff_dim, activation="relu")(h))
        return layers.Add()([x, h])

    def one_residual(x, num_heads, ff_dim):
        h = layers.LayerNormalization()(x)
        x = layers.Add()([x, layers.MultiHeadAttention(num_heads, 8)(h, h)])
        return layers.Dense(16)(layers.Dense(ff_dim, activation="relu")(x))

    def wrong_width(x, num_heads, ff_dim):
        h = layers.LayerNormalization()(x)
        x = layers.Add()([x, layers.MultiHeadAttention(num_heads, 8)(h, h)])
        h = layers.Dense(8)(layers.Dense(ff_dim, activation="relu")(x))
        return layers.Add()([layers.Dense(8)(x), h])

    def with_order(x, num_heads, ff_dim):  # a recurrent layer sees the order
        x = right(x, num_heads, ff_dim)
        return layers.Add()([x, layers.Conv1D(16, 3, padding="same")(x)])

    assert checks.check_encoder_block(right)
    assert "one Add" in str(checks.check_encoder_block(one_residual))
    assert "give back the shape" in str(checks.check_encoder_block(wrong_width))
    assert "shuffling" in str(checks.check_encoder_block(with_order))
    assert "no MultiHeadAttention" in str(checks.check_encoder_block(lambda x, h, f: x + 0))
    assert "Not answered" in str(checks.check_encoder_block(None))
    assert "returns None" in str(checks.check_encoder_block(lambda x, h, f: None))
    assert "raised" in str(checks.check_encoder_block(lambda x, h, f: 1 / 0))


def test_check_batch_updates_compares_the_prediction_with_the_optimizers_count():
    base = {"loss": [3.0, 2.0], "val_loss": [3.1, 2.5], "updates_per_epoch": 24}
    run = {"loss": [3.0, 2.6], "val_loss": [3.1, 2.8], "updates_per_epoch": 5}
    run.update(seconds_per_epoch=0.5)
    right = checks.check_batch_updates(5, run, base, pairs=300)
    assert right and "5x fewer" in str(right) and "higher (2.600" in str(right)
    all_pairs = checks.check_batch_updates(6, run, base, pairs=300)  # forgot validation_split
    assert not all_pairs and "keeps the last 60 aside" in str(all_pairs)
    rounded_down = checks.check_batch_updates(4, run, base, pairs=300)
    assert not rounded_down and "round up" in str(rounded_down)
    assert not checks.check_batch_updates(24, run, base, pairs=300)
    assert "Not answered" in str(checks.check_batch_updates(None, run, base, pairs=300))
    assert "Not answered" in str(checks.check_batch_updates(5, None, base, pairs=300))
    continued = dict(run, loss=[1.0, 0.9])
    assert "train_fresh" in str(checks.check_batch_updates(5, continued, base, pairs=300))
    import pytest

    with pytest.raises(ValueError, match="updates_per_epoch"):
        checks.check_batch_updates(5, {"loss": [3.0], "val_loss": [3.0]}, base, pairs=300)
