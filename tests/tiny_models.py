"""A tiny trained model shared by the decoding, chatbot and scalable tests, and the tiny
sentence pairs the attention and Transformer tests memorize."""

# Ten pairs to memorize, and new sentences made of their words.
PAIRS = [
    ("I see the dog.", "Veo el perro."),
    ("I see the cat.", "Veo el gato."),
    ("You see the dog.", "Ves el perro."),
    ("You see the cat.", "Ves el gato."),
    ("The dog is big.", "El perro es grande."),
    ("The cat is small.", "El gato es pequeño."),
    ("The big dog sleeps.", "El perro grande duerme."),
    ("The small cat sleeps.", "El gato pequeño duerme."),
    ("I have a red house.", "Tengo una casa roja."),
    ("You have a green car.", "Tienes un coche verde."),
]
# The targets as a memorizing model outputs them: lowercased, punctuation a token of its own
# (written out by hand, so tests do not compare the code's tokens with the code's tokens).
TARGET_TOKENS = [
    "veo el perro .",
    "veo el gato .",
    "ves el perro .",
    "ves el gato .",
    "el perro es grande .",
    "el gato es pequeño .",
    "el perro grande duerme .",
    "el gato pequeño duerme .",
    "tengo una casa roja .",
    "tienes un coche verde .",
]
HELD_OUT = ["The dog sleeps.", "You see the big cat.", "I have a green house.", "The cat is big."]


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


def train_tiny_scalable(architecture, learning_rate=0.02, pairs=PAIRS, **settings):
    """A tiny model of ``train_scalable`` (notebooks 07-10) trained on ``pairs`` (``PAIRS``
    unless given) until it memorizes them: no validation split, batches of 10 unless
    ``batch_size`` is given, Adam at ``learning_rate``."""
    import keras

    from seq2seq_helpers.scalable_training import train_scalable

    keras.utils.set_random_seed(0)
    lstm_sizes = {} if architecture == "transformer" else {"latent_dim": 32, "embedding_dim": 16}
    settings = {
        **lstm_sizes,
        "max_source_length": 6,
        "max_target_length": 6,
        "epochs": 60,
        "batch_size": 10,
        **settings,
    }
    translator, _ = train_scalable(
        pairs,
        validation_split=0,
        optimizer=keras.optimizers.Adam(learning_rate),
        verbose=0,
        architecture=architecture,
        **settings,
    )
    return translator
