"""Shared test setup: quiet TensorFlow, fast mode, and a throw-away folder for saved models."""

import os
import tempfile

# Before TensorFlow is imported anywhere (the notebook kernels inherit these too).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("SEQ2SEQ_FAST", "1")
# Tests and notebooks run under test never touch a learner's saved_models/ folder.
os.environ.setdefault("SEQ2SEQ_SAVED_MODELS", tempfile.mkdtemp(prefix="seq2seq_saved_"))
