"""The scalable path: TextVectorization, masking, batched decoding, distribution."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from tiny_models import train_tiny_translator

from seq2seq_helpers.fast_decoding import batch_greedy_decode
from seq2seq_helpers.scalable import (
    build_scalable_model,
    compile_scalable_model,
    make_dataset,
    make_vectorizers,
    vectorize_pairs,
)
from seq2seq_helpers.scalable_training import train_scalable, training_array_bytes

PAIRS = [
    ("I am tired.", "Estoy cansado."),
    ("Where is the station?", "¿Dónde está la estación?"),
    ("Thanks a lot!", "¡Muchas gracias!"),
    ("We eat bread.", "Comemos pan."),
]


def test_text_vectorization_vocabulary_and_round_trip():
    vectorizers = make_vectorizers(PAIRS, max_source_length=6, max_target_length=7)
    source_vocabulary = vectorizers.source_vocabulary
    assert source_vocabulary[:2] == ["", "[UNK]"]  # 0 = padding, 1 = unknown
    assert {"where", "station", "?", "."} <= set(source_vocabulary)
    target_vocabulary = vectorizers.target_vocabulary
    assert {"<START>", "<END>", "¿", "dónde", "está", "estación"} <= set(target_vocabulary)
    (encoder_ids, decoder_ids), target_ids = vectorize_pairs(vectorizers, PAIRS)
    assert encoder_ids.shape == (4, 6) and decoder_ids.shape == target_ids.shape == (4, 7)
    words = [target_vocabulary[i] for i in decoder_ids[1] if i]
    assert words == ["<START>", "¿", "dónde", "está", "la", "estación", "?"]
    # Teacher forcing: the target is the decoder input one step ahead; <END> is only a target.
    end = target_vocabulary.index("<END>")
    np.testing.assert_array_equal(
        np.where(target_ids == end, 0, target_ids)[:, :-1], decoder_ids[:, 1:]
    )
    assert (target_ids == end).sum(axis=1).tolist() == [1, 1, 1, 1] and not (
        decoder_ids == end
    ).any()
    assert [source_vocabulary[i] for i in encoder_ids[0] if i] == ["i", "am", "tired", "."]
    unknown = vectorizers.source(["zebra ."]).numpy()[0]
    assert unknown[0] == 1


def test_integer_arrays_are_small():
    vectorizers = make_vectorizers(PAIRS, 6, 7)
    inputs, targets = vectorize_pairs(vectorizers, PAIRS)
    assert training_array_bytes(inputs, targets) == 4 * (6 + 7 + 7) * 8


def test_padding_does_not_change_predictions_or_loss():
    keras.utils.set_random_seed(0)
    short = make_vectorizers(PAIRS, 6, 7)
    long = make_vectorizers(PAIRS, 15, 20)  # same vocabulary, much more padding
    assert short.target_vocabulary == long.target_vocabulary
    model = compile_scalable_model(
        build_scalable_model(len(short.source_vocabulary), len(short.target_vocabulary), 16, 8),
        optimizer=keras.optimizers.Adam(0.02),
    )
    inputs_short, targets_short = vectorize_pairs(short, PAIRS)
    inputs_long, targets_long = vectorize_pairs(long, PAIRS)
    model.fit(list(inputs_short), targets_short, epochs=40, verbose=0)  # uneven predictions
    # The mask makes the LSTMs skip padding: predictions at real positions are identical.
    short_probabilities = model.predict(list(inputs_short), verbose=0)
    long_probabilities = model.predict(list(inputs_long), verbose=0)
    np.testing.assert_allclose(short_probabilities, long_probabilities[:, :7], atol=1e-6)
    # Keras' loss is the mean over real tokens only, not over every position.
    picked = np.take_along_axis(long_probabilities, targets_long[..., None], axis=-1)[..., 0]
    real = targets_long != 0
    masked_mean = float(np.mean(-np.log(picked[real])))
    every_position_mean = float(np.mean(-np.log(picked)))
    for inputs, targets in ((inputs_short, targets_short), (inputs_long, targets_long)):
        loss = model.evaluate(list(inputs), targets, verbose=0, return_dict=True)["loss"]
        assert loss == pytest.approx(masked_mean, rel=5e-3)
    assert abs(every_position_mean - masked_mean) > 0.1 * masked_mean


def test_dataset_batches_and_shapes():
    vectorizers = make_vectorizers(PAIRS, 6, 7)
    inputs, targets = vectorize_pairs(vectorizers, PAIRS)
    batches = list(make_dataset(inputs, targets, batch_size=3, seed=1))
    assert [len(batch[1]) for batch in batches] == [3, 1]
    (encoder_ids, decoder_ids), target_ids = batches[0]
    assert tuple(encoder_ids.shape) == (3, 6) and tuple(decoder_ids.shape) == (3, 7)


@pytest.fixture(scope="module")
def lesson_translator():
    return train_tiny_translator(PAIRS, epochs=60)


def test_batched_decoding_equals_the_lesson_loop(lesson_translator):
    from seq2seq_helpers.text import prepare_training_setup
    from seq2seq_helpers.vectorize import make_training_arrays

    setup = prepare_training_setup(PAIRS)
    encoder_input_data, _, _ = make_training_arrays(setup)
    encoder_model, decoder_model = lesson_translator.inference_models
    features = setup.target_features_dict

    def decode(max_length):
        return batch_greedy_decode(
            encoder_model,
            decoder_model,
            encoder_input_data,
            start_index=features["<START>"],
            end_index=features["<END>"],
            max_length=max_length,
            one_hot_size=len(features),
        )

    batched = decode(setup.max_decoder_seq_length)
    for indices, (source, _) in zip(batched, PAIRS):
        words = " ".join(setup.reverse_target_features_dict[i] for i in indices)
        assert words == lesson_translator.translate(source)
    assert len({tuple(indices) for indices in batched}) == len(PAIRS)
    # Short length limits cut every sentence the same way the lesson loop does.
    cut = decode(2)
    assert all(len(indices) <= 2 for indices in cut)
    with pytest.raises(ValueError):
        batch_greedy_decode(
            encoder_model,
            decoder_model,
            encoder_input_data,
            start_index=0,
            end_index=1,
            max_length=0,
        )


@pytest.mark.filterwarnings("ignore:The model has")  # memorizing is the point
def test_scalable_translator_learns_and_translates_in_batches():
    keras.utils.set_random_seed(0)
    translator, history = train_scalable(
        PAIRS * 8,
        max_source_length=6,
        max_target_length=7,
        latent_dim=32,
        embedding_dim=16,
        epochs=40,
        batch_size=8,
        validation_split=0,
        verbose=0,
        optimizer=keras.optimizers.Adam(0.02),
    )
    assert history["loss"][-1] < 0.2 * history["loss"][0]
    outputs = translator.translate_batch([source for source, _ in PAIRS], batch_size=3)
    assert outputs == [
        "estoy cansado .",
        "¿ dónde está la estación ?",
        "¡ muchas gracias !",
        "comemos pan .",
    ]
    with pytest.warns(UserWarning, match="zebra"):
        translator.translate_batch(["I am a zebra."])
    # saving and loading gives the same translations; an earlier save is never lost silently
    import tempfile
    from pathlib import Path

    from seq2seq_helpers.scalable_training import ScalableTranslator

    folder = Path(tempfile.mkdtemp()) / "scalable"
    translator.save(folder)
    loaded = ScalableTranslator.load(folder)
    assert loaded.translate_batch([source for source, _ in PAIRS]) == outputs
    assert loaded.vectorizers.target_vocabulary == translator.vectorizers.target_vocabulary
    with pytest.raises(FileExistsError, match="already holds"):
        translator.save(folder)
    (folder / "vectorizers.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="damaged"):
        ScalableTranslator.load(folder)
    with pytest.raises(FileNotFoundError, match="07_scaling_up"):
        ScalableTranslator.load(folder.parent / "nothing")


def test_train_scalable_refuses_bad_arguments_and_arguments_that_would_do_nothing():
    import tensorflow as tf

    def train(**settings):
        settings = {"validation_split": 0, "epochs": 1, "verbose": 0, **settings}
        return train_scalable(PAIRS, max_source_length=4, max_target_length=4, **settings)

    refused = {
        "architecture must be one of": dict(architecture="gru"),
        "validation_split must be in": dict(validation_split=1.5),
        "batch_size must be a positive integer": dict(batch_size=0),
        "epochs must be a positive integer": dict(epochs=2.5),
        "keeps no pair for validation": dict(validation_split=0.2),  # 0.2 of 4 pairs: none
        "Size it with transformer_sizes": dict(architecture="transformer", latent_dim=64),
        "the Transformer ignores them": dict(architecture="transformer", embedding_dim=8),
        "the 'scalable' model has no attention": dict(attention_score="bahdanau"),
        "the 'lesson' model has no attention": dict(architecture="lesson", bidirectional=True),
        "the 'transformer' model has no attention": dict(
            architecture="transformer", attention_score="luong"
        ),
    }
    for message, settings in refused.items():
        with pytest.raises(ValueError, match=message):
            train(**settings)
    with pytest.raises(ValueError, match="at least one .source, target. pair"):
        train_scalable([], max_source_length=4, max_target_length=4)
    # On several workers: no callbacks, no lesson model. (An unstarted strategy object is enough:
    # the arguments are refused before the strategy is used.)
    several_workers = object.__new__(tf.distribute.MultiWorkerMirroredStrategy)
    stop = keras.callbacks.EarlyStopping()
    with pytest.raises(ValueError, match="callbacks are not supported"):
        train(strategy=several_workers, callbacks=[stop])
    with pytest.raises(ValueError, match="not trained on several workers"):
        train(strategy=several_workers, architecture="lesson")


DISTRIBUTED_SCRIPT = textwrap.dedent(
    """
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
    )
    import keras
    import numpy as np
    from seq2seq_helpers.scalable_training import train_scalable
    # Every target has 4 tokens (3 words and <END>), so both halves of a batch hold as many real
    # tokens: see the test's docstring.
    pairs = [("I am tired.", "Estoy cansado."), ("We eat bread.", "Comemos pan."),
             ("You are late.", "Llegas tarde."), ("They run fast.", "Corren rápido.")] * 4

    def train(strategy, learning_rate=0.5):
        keras.utils.set_random_seed(0)
        return train_scalable(
            pairs, max_source_length=6, max_target_length=8, latent_dim=16, embedding_dim=8,
            epochs=3, batch_size=12, validation_split=0.25, strategy=strategy, verbose=0,
            optimizer=keras.optimizers.SGD(learning_rate), bucketing=False,
        )  # (bucketed validation batches of odd sizes fail in Keras' evaluate on 2 devices)

    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    translator, history = train(strategy)
    variable = translator.model.get_layer("decoder_dense").kernel
    print("replicas", strategy.num_replicas_in_sync)
    print("mirrored", type(variable.value if hasattr(variable, "value") else variable).__name__)
    print("epochs", len(history["loss"]), len(history["val_loss"]))
    # The same training on one device.
    single, single_history = train(None)
    initial, _ = train(None, learning_rate=0.0)
    pairs_of_weights = list(zip(translator.model.get_weights(), single.model.get_weights()))
    print("difference", max(float(np.abs(a - b).max()) for a, b in pairs_of_weights))
    moved = zip(single.model.get_weights(), initial.model.get_weights())
    print("moved", max(float(np.abs(a - b).max()) for a, b in moved))
    losses = np.array([history["loss"], history["val_loss"]])
    single_losses = np.array([single_history["loss"], single_history["val_loss"]])
    print("losses", float(np.abs(losses - single_losses).max()))
    """
)


def test_mirrored_strategy_on_two_logical_cpu_devices_trains_as_one_device_does():
    """Each device takes half of the batch and the gradients are averaged: the same weights and
    losses as one device, over three epochs of one batch of 12 pairs (one batch per epoch, so
    the shuffled order, which differs under the strategy, plays no part). Only when both halves
    hold as many real target tokens: Keras averages the two devices' masked means, where one
    device takes the mean over every real token of the batch."""
    # A fresh process: logical devices must be configured before TensorFlow starts.
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, "-c", DISTRIBUTED_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "replicas 2" in result.stdout
    assert "mirrored Mirrored" in result.stdout  # one variable with a copy on each device
    assert "epochs 3 3" in result.stdout
    figures = dict(line.split() for line in result.stdout.splitlines() if len(line.split()) == 2)
    # Three SGD steps of size 0.5 move the weights by a few hundredths; the batch split between
    # the two devices, with its gradients averaged, gives the same weights and losses.
    assert float(figures["moved"]) > 0.01
    assert float(figures["difference"]) < 1e-5
    assert float(figures["losses"]) < 1e-5


def test_max_tokens_caps_the_vocabularies_and_rare_words_become_unk_in_training():
    from seq2seq_helpers.scalable import make_vectorizers, vectorize_pairs

    pairs = [("I eat bread.", "Como pan."), ("I eat rice.", "Como arroz.")] * 3 + [
        ("Zebras sing.", "Las cebras cantan.")
    ]
    vectorizers = make_vectorizers(pairs, 4, 6, max_tokens=8)
    assert len(vectorizers.source_vocabulary) == len(vectorizers.target_vocabulary) == 8
    assert {"<START>", "<END>"} <= set(vectorizers.target_vocabulary)
    (sources, _), targets = vectorize_pairs(vectorizers, pairs)
    assert (sources == 1).any() and (targets == 1).any(), "rare words are [UNK] (id 1) in training"
    with pytest.raises(ValueError, match="max_tokens"):
        make_vectorizers(pairs, 4, 6, max_tokens=3)


LENGTHS_PAIRS = [
    ("Hi.", "Hola."),
    ("I am very tired today.", "Hoy estoy muy cansado."),
    ("We eat bread.", "Comemos pan."),
    ("Where is the old station of the town?", "¿Dónde está la vieja estación del pueblo?"),
    ("Thanks!", "¡Gracias!"),
    ("The black cat sleeps on the red sofa.", "El gato negro duerme en el sofá rojo."),
]


def test_bucketing_cuts_every_batch_to_its_longest_sentence_and_keeps_every_pair():
    from seq2seq_helpers.scalable import default_bucket_boundaries, padding_share

    assert default_bucket_boundaries(13) == [5, 9, 13]
    vectorizers = make_vectorizers(LENGTHS_PAIRS, 12, 14)
    inputs, targets = vectorize_pairs(vectorizers, LENGTHS_PAIRS)
    plain = make_dataset(inputs, targets, batch_size=2, shuffle=False)
    bucketed = make_dataset(
        inputs, targets, batch_size=2, seed=3, bucket_boundaries=default_bucket_boundaries(14)
    )
    rows = []
    for (sources, decoder_inputs), batch_targets in bucketed:
        sources, decoder_inputs = sources.numpy(), decoder_inputs.numpy()
        batch_targets = batch_targets.numpy()
        # cut to its own longest source and target: the last step holds a real token somewhere
        assert (sources[:, -1] > 0).any() and (batch_targets[:, -1] > 0).any()
        assert decoder_inputs.shape == batch_targets.shape
        for source, decoder_input, target in zip(sources, decoder_inputs, batch_targets):
            rows.append(tuple(source[source > 0]) + (-1,) + tuple(target[target > 0]))
            assert (decoder_input > 0).sum() == (target > 0).sum()
    expected = [tuple(s[s > 0]) + (-1,) + tuple(t[t > 0]) for s, t in zip(inputs[0], targets)]
    assert sorted(rows) == sorted(expected)
    assert int(bucketed.cardinality()) == len(list(bucketed)), "Keras is told the true count"
    assert padding_share(bucketed) < padding_share(plain)
    edges = make_dataset(
        inputs, targets, batch_size=2, bucket_boundaries=[5, 9], pad_to_bucket_edge=True
    )  # lengths 4 to 12 here: buckets up to 4, 8 and (an added edge) 14 steps
    shapes = {(s.shape[1], t.shape[1]) for (s, _), t in edges}
    assert shapes <= {(4, 4), (8, 8), (14, 14)} and len(shapes) >= 2
    assert int(edges.cardinality()) == len(list(edges))
    with pytest.raises(ValueError, match="bucket_boundaries"):
        make_dataset(inputs, targets, batch_size=2, bucket_boundaries=[9, 5])


@pytest.mark.filterwarnings("ignore:The model has")  # memorizing is the point
def test_compiled_greedy_loop_gives_the_python_loops_output():
    from seq2seq_helpers.fast_decoding import make_compiled_greedy_decoder

    keras.utils.set_random_seed(1)
    translator, _ = train_scalable(
        LENGTHS_PAIRS * 6,
        max_source_length=12,
        max_target_length=14,
        latent_dim=32,
        embedding_dim=16,
        epochs=30,
        batch_size=6,
        validation_split=0,
        verbose=0,
        optimizer=keras.optimizers.Adam(0.02),
    )
    encoder_model, decoder_model = translator.inference_models
    vocabulary = translator.vectorizers.target_vocabulary
    settings = dict(start_index=vocabulary.index("<START>"), end_index=vocabulary.index("<END>"))
    sources = [source for source, _ in LENGTHS_PAIRS] + ["The cat is tired.", "Bread!"]
    ids = translator.vectorizers.source(np.array(sources)).numpy()
    for max_length in (3, 14):  # sentences cut by the limit, and sentences ending by themselves
        python_loop = batch_greedy_decode(
            encoder_model, decoder_model, ids, max_length=max_length, **settings
        )
        compiled = make_compiled_greedy_decoder(
            encoder_model, decoder_model, max_length=max_length, **settings
        )
        assert compiled(ids) == python_loop
        assert compiled(ids[:0]) == []
    lengths = {len(sentence) for sentence in python_loop}
    assert len(lengths) >= 3, "the sentences end at different steps, so rows leave the batch"
    with pytest.raises(ValueError, match="max_length"):
        make_compiled_greedy_decoder(encoder_model, decoder_model, max_length=0, **settings)


def test_compiled_greedy_loop_on_the_lessons_one_hot_models(lesson_translator):
    from seq2seq_helpers.fast_decoding import make_compiled_greedy_decoder
    from seq2seq_helpers.text import prepare_training_setup
    from seq2seq_helpers.vectorize import make_training_arrays

    setup = prepare_training_setup(PAIRS)
    encoder_input_data, _, _ = make_training_arrays(setup)
    encoder_model, decoder_model = lesson_translator.inference_models
    features = setup.target_features_dict
    settings = dict(
        start_index=features["<START>"],
        end_index=features["<END>"],
        max_length=setup.max_decoder_seq_length,
        one_hot_size=setup.num_decoder_tokens,
    )
    compiled = make_compiled_greedy_decoder(encoder_model, decoder_model, **settings)
    expected = batch_greedy_decode(encoder_model, decoder_model, encoder_input_data, **settings)
    assert compiled(encoder_input_data) == expected


def test_parameter_count_formula_matches_keras():
    from seq2seq_helpers.scalable_training import scalable_parameter_count

    for sizes in ((50, 70, 16, 8), (300, 200, 64, 32)):
        assert build_scalable_model(*sizes).count_params() == scalable_parameter_count(*sizes)


def test_warnings_for_a_model_too_big_for_its_data_and_for_cut_sentences():
    settings = dict(epochs=1, batch_size=4, validation_split=0, verbose=0)
    with pytest.warns(UserWarning, match=r"parameters for .* target tokens.*max_tokens"):
        train_scalable(PAIRS, max_source_length=6, max_target_length=7, **settings)
    with pytest.warns(UserWarning, match=r"longer than max_target_length=3 .*Raise"):
        train_scalable(
            PAIRS,
            max_source_length=6,
            max_target_length=3,
            latent_dim=4,
            embedding_dim=2,
            **settings,
        )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # enough data for a small model, lengths that fit
        train_scalable(
            LENGTHS_PAIRS * 40,
            max_source_length=12,
            max_target_length=14,
            latent_dim=4,
            embedding_dim=2,
            **settings,
        )


@pytest.mark.filterwarnings("ignore:The model has")  # tiny data on purpose
def test_learning_curve_gives_every_size_the_same_number_of_examples():
    from seq2seq_helpers.scalable_training import learning_curve

    pairs = LENGTHS_PAIRS * 4  # 24 pairs
    settings = dict(
        max_source_length=12, max_target_length=14, latent_dim=4, embedding_dim=2,
        batch_size=8, validation_split=0.25,
    )  # fmt: skip
    points = learning_curve(pairs, PAIRS, [8, 24], examples=36, **settings)
    assert [point["pairs"] for point in points] == [8, 24]
    assert [point["epochs"] for point in points] == [6, 2]  # 36 / 6 and 36 / 18 training pairs
    with pytest.raises(ValueError, match="examples"):
        learning_curve(pairs, PAIRS, [8], examples=0, **settings)


class FakeClock:
    """A clock for the callbacks that moves ``tick`` seconds every time it is read."""

    def __init__(self, tick: float):
        self.now, self.tick = 0.0, tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def test_time_budget_stops_training_after_the_batch_that_spends_it():
    from seq2seq_helpers.scalable_training import TimeBudget

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((20, 2)), np.zeros((20, 1))
    # One second per read: training starts at 1 s, batch n ends at n + 1 s; past 3.5 s of
    # budget after the fourth batch, in the first of 5 epochs of 20 batches.
    history = model.fit(
        x, y, batch_size=1, epochs=5, verbose=0, callbacks=[TimeBudget(3.5, FakeClock(1.0))]
    )
    assert int(model.optimizer.iterations) == 4
    assert len(history.history["loss"]) == 1
    # A budget never spent lets every epoch run.
    history = model.fit(
        x, y, batch_size=10, epochs=3, verbose=0, callbacks=[TimeBudget(1e9, FakeClock(1.0))]
    )
    assert len(history.history["loss"]) == 3
    with pytest.raises(ValueError, match="seconds must be positive"):
        TimeBudget(0)


def test_epoch_times_measure_each_epoch_and_leave_the_first_out_of_the_speed():
    from seq2seq_helpers.scalable_training import EpochTimes

    times = EpochTimes(FakeClock(0.0))
    with pytest.raises(ValueError, match="No epoch has finished"):
        times.samples_per_second(100)
    for epoch, seconds in enumerate([9.0, 2.0, 4.0, 3.0]):  # the first epoch traces: slow
        times.clock.tick = 0.0
        times.on_epoch_begin(epoch)
        times.clock.tick = seconds
        times.on_epoch_end(epoch)
    assert times.seconds == [9.0, 2.0, 4.0, 3.0]
    assert times.samples_per_second(300) == 100.0  # 300 pairs / the median of 2, 4, 3 s
    only_one = EpochTimes(FakeClock(5.0))
    only_one.on_epoch_begin(0)
    only_one.on_epoch_end(0)
    assert only_one.samples_per_second(50) == 10.0  # one epoch: it is all there is
