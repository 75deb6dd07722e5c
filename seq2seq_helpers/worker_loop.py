"""Synchronous data-parallel training on several machines, in a loop of our own (Keras' ``fit``
does not run under ``MultiWorkerMirroredStrategy``). ``train_scalable`` calls it; the command
line is ``multi_worker``; see docs/scaling_out.md."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def fit_on_several_workers(
    model: keras.Model,
    strategy: tf.distribute.Strategy,
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    split: int,
    batch_size: int,
    epochs: int,
    seed: int,
    verbose: int,
) -> dict[str, list[float]]:
    """Synchronous data-parallel training on several machines, in a loop of our own.

    Keras 3's ``fit`` stops under ``MultiWorkerMirroredStrategy`` (it combines the workers' logs
    with a reduction that strategy does not support; keras-team/keras#20585), so this loop does
    what ``fit`` would: every worker reads its own share of the pairs, computes the gradient of
    the masked loss on its batch, the optimizer sums the gradients of all workers, and every
    worker applies the same update, so all copies of the model stay identical. The loss is the
    cross-entropy per real target token over the global batch, the number ``fit`` reports.
    Batches are not bucketed here: every worker must run the same number of steps.
    """
    sources, decoder_inputs, targets = arrays

    def make_distributed(start, stop, shuffle):
        def dataset_fn(input_context):
            workers, worker = input_context.num_input_pipelines, input_context.input_pipeline_id
            usable = stop - (stop - start) % workers  # the same number of pairs on every worker
            dataset = tf.data.Dataset.from_tensor_slices(
                ((sources[start:usable], decoder_inputs[start:usable]), targets[start:usable])
            ).shard(workers, worker)
            if shuffle:
                dataset = dataset.shuffle(usable - start, seed=seed, reshuffle_each_iteration=True)
            per_replica = input_context.get_per_replica_batch_size(batch_size)
            return dataset.batch(per_replica).prefetch(tf.data.AUTOTUNE)

        return strategy.distribute_datasets_from_function(dataset_fn)

    def masked_sums(batch, training):
        (source, decoder_input), target = batch
        probabilities = model([source, decoder_input], training=training)
        mask = tf.cast(tf.not_equal(target, 0), probabilities.dtype)
        losses = keras.losses.sparse_categorical_crossentropy(target, probabilities)
        return tf.reduce_sum(losses * mask), tf.reduce_sum(mask)

    def train_replica(batch):
        with tf.GradientTape() as tape:
            loss_sum, tokens = masked_sums(batch, training=True)
            all_tokens = tf.distribute.get_replica_context().all_reduce("SUM", tokens)
            loss = loss_sum / all_tokens  # summed over the workers: the global mean
        gradients = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss_sum, tokens

    @tf.function
    def run_step(batch, training):
        replica_fn = train_replica if training else lambda b: masked_sums(b, training=False)
        loss_sum, tokens = strategy.run(replica_fn, args=(batch,))
        return (
            strategy.reduce("SUM", loss_sum, axis=None),
            strategy.reduce("SUM", tokens, axis=None),
        )

    with strategy.scope():
        model.optimizer.build(model.trainable_variables)
    train = make_distributed(0, split, shuffle=True)
    validation = (
        make_distributed(split, len(targets), shuffle=False) if split < len(targets) else None
    )
    history: dict[str, list[float]] = {"loss": []}
    for epoch in range(epochs):
        for name, dataset, training in (("loss", train, True), ("val_loss", validation, False)):
            if dataset is None:
                continue
            loss_sum = tokens = 0.0
            for batch in dataset:
                batch_loss, batch_tokens = run_step(batch, training)
                loss_sum += float(batch_loss)
                tokens += float(batch_tokens)
            history.setdefault(name, []).append(loss_sum / max(tokens, 1.0))
        if verbose:
            logs = "  ".join(f"{name} {values[-1]:.4f}" for name, values in history.items())
            print(f"Epoch {epoch + 1}/{epochs}  {logs}", flush=True)
    return history
