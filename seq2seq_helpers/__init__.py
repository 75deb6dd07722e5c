"""Helpers for the seq2seq course notebooks.

Each module holds one idea and says in its docstring which notebook teaches it:

- ``config``    -- the fast-mode switch and the project's folders
- ``data``      -- reading tab-separated sentence-pair files
- ``text``      -- tokenizing, ``<START>``/``<END>``, vocabularies and feature dictionaries
- ``vectorize`` -- the one-hot arrays the lesson trains on
- ``models``    -- the encoder-decoder and its inference models
- ``decoding``  -- the greedy ``decode_sequence`` loop and ``translate``
- ``translator`` -- translating with a trained model, saving and loading it
- ``plotting``  -- training curves, one-hot pictures, attention heatmaps, scores by length
- ``scalable``, ``scalable_training`` -- ids, embeddings, masking, ``tf.data`` (notebook 07)
- ``families`` -- the model families ``train_scalable`` builds and ``ScalableTranslator`` decodes
- ``fast_decoding`` -- batched and compiled greedy decoding (notebook 08)
- ``attention`` -- the attention model, its inference models, ``[UNK]`` replacement (notebook 09)
- ``search``    -- one decoding interface, greedy and beam search written once (notebook 09)
- ``checkpoints`` -- keep the best epoch, resume an interrupted ``fit`` (notebook 09)
- ``checks``    -- feedback for the notebooks' "try it" exercises
- ``transformer`` -- the Transformer from Keras layers (notebook 10)
- ``export``, ``translate`` -- a translator as a TensorFlow SavedModel; translating from a terminal
- ``instructor_notes`` -- speaker notes kept out of the learners' notebooks; instructor copies

Importing the package does no work and does not import TensorFlow; import the module you need,
for example ``from seq2seq_helpers.text import tokenize``.
"""

__version__ = "0.1.0"
