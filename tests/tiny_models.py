"""A tiny trained model shared by the decoding, chatbot and scalable tests."""


def train_tiny_translator(pairs, epochs):
    """The lesson's model, small and trained fast (Adam, full batches) until it memorizes ``pairs``."""
    import keras

    from seq2seq_helpers.training import train_translator

    keras.utils.set_random_seed(0)
    translator, _ = train_translator(
        pairs,
        latent_dim=32,
        epochs=epochs,
        batch_size=4,
        validation_split=0,
        optimizer=keras.optimizers.Adam(0.02),
        verbose=0,
    )
    return translator
