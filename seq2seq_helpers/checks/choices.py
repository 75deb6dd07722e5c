"""Checks for "change it and explain what happened" exercises: a choice among explanations.

Every option, right or wrong, has its own explanation, so the feedback says why an answer is
wrong, not just that it is.
"""

from __future__ import annotations

from seq2seq_helpers.checks.feedback import Feedback, report, unanswered

# question id -> (question, {option: (statement, is_right, explanation)})
QUESTIONS: dict[str, tuple[str, dict[str, tuple[str, bool, str]]]] = {
    "early_stopping": (
        "What does EarlyStopping(patience=5, restore_best_weights=True) give you?",
        {
            "a": (
                "It lowers the best validation loss the model can reach.",
                False,
                "it does not improve the best validation loss itself; it stops after it "
                "and keeps those weights.",
            ),
            "b": (
                "It stops a few epochs after the best validation loss and keeps that epoch's weights.",
                True,
                "training ends 5 epochs after the lowest validation loss, and the model "
                "keeps the weights of that best epoch: less overfitting, less time.",
            ),
            "c": (
                "It keeps the weights of the last epoch it trained.",
                False,
                "without restore_best_weights you would keep the last weights, 5 epochs "
                "past the best; with it you keep the best.",
            ),
        },
    ),
    "generic_replies": (
        "Why does greedy decoding give so many 'yeah' / 'i'm good' replies?",
        {
            "a": (
                "The training data has almost only 'yeah' replies.",
                False,
                "the data has varied replies; the problem is which one maximizes probability.",
            ),
            "b": (
                "Training predicts the most probable reply on average, and greedy picks the top word each step.",
                True,
                "cross-entropy training makes the model predict the average reply, and "
                "greedy decoding always picks the most probable word: short safe replies "
                "win for almost any message.",
            ),
            "c": (
                "LATENT_DIM is too small; doubling it would fix it.",
                False,
                "a bigger LATENT_DIM alone does not fix it; the objective and the "
                "decoding rule do.",
            ),
        },
    ),
    "high_temperature": (
        "What happens to replies at temperature 1.5 compared with 0.7?",
        {
            "a": (
                "Replies get more varied and less grammatical.",
                True,
                "the distribution is flattened, so rare words are drawn more often: more "
                "varied, less grammatical replies.",
            ),
            "b": (
                "Replies get more repetitive: the top word dominates more.",
                False,
                "a higher temperature flattens the distribution; it makes the top word "
                "less, not more, dominant.",
            ),
            "c": (
                "Nothing changes when a seed is fixed.",
                False,
                "with a fixed seed the reply is reproducible, but the temperature still "
                "changes which reply comes out.",
            ),
        },
    ),
    "no_mask": (
        "With mask_zero=False, what happens to loss and accuracy?",
        {
            "a": (
                "Nothing changes: padding was never part of the loss.",
                False,
                "without a mask the padding positions do count, so the numbers change.",
            ),
            "b": (
                "Padding positions are scored: the loss and the accuracy depend on the padding.",
                True,
                "padding positions (target id 0) are scored too, and the LSTMs read the padding: "
                "the loss changes with the amount of padding (the solution measures it), and the "
                "accuracy counts padding positions as if they were words.",
            ),
            "c": (
                "The model cannot run without a mask.",
                False,
                "the model still runs: the embedding just treats 0 as an ordinary token.",
            ),
        },
    ),
    "decode_chunks": (
        "Why is batched decoding faster per sentence with bigger chunks?",
        {
            "a": (
                "A decoder step costs about the same for 1 or 64 sentences, so bigger chunks share that cost.",
                True,
                "each decoder step costs about the same for 1 or 64 sentences on a CPU "
                "(the overhead dominates), so more sentences per step share that cost.",
            ),
            "b": (
                "Bigger chunks need fewer decoder steps per sentence.",
                False,
                "the number of steps depends on the longest sentence, not on the chunk size.",
            ),
            "c": (
                "Bigger chunks change the translations, which makes them shorter.",
                False,
                "the outputs are identical whatever the chunk size; only the time changes.",
            ),
        },
    ),
    "heatmap_swap": (
        'In a heatmap of "the red house" -> "la casa roja", the dark cells form a cross '
        "instead of a diagonal where the adjective and the noun meet. What does that show?",
        {
            "a": (
                "The model has not learnt to align yet: a trained model's weights lie on the diagonal.",
                False,
                "a diagonal means the same word order in both languages. Spanish puts most "
                "adjectives after the noun, so a model that aligns well must leave the diagonal "
                "exactly there.",
            ),
            "b": (
                "The decoder reads 'house' while writing 'casa' and 'red' while writing 'roja': the order swaps.",
                True,
                "each row is one Spanish word and its dark cell the English word it read. The "
                "rows for 'casa' and 'roja' point at 'house' and 'red', in the opposite order "
                "to the English: the attention follows the meaning, not the position.",
            ),
            "c": (
                "Attention on the adjective is padding that the mask failed to remove.",
                False,
                "padding sits after the sentence's last token and the mask gives it weight 0; "
                "'red' is a real word.",
            ),
        },
    ),
    "parallel_steps": (
        "In training, the Transformer's decoder computes every target position in one call, while "
        "notebook 09's LSTM decoder goes one step after another. Why can the Transformer?",
        {
            "a": (
                "Position t needs only the reference words up to t, which are all known in training; the causal mask hides the later ones.",
                True,
                "with teacher forcing every decoder input is known before training starts. An "
                "LSTM's step t still needs its own state from step t - 1, so it must wait; a "
                "Transformer position reads the inputs directly through self-attention, and the "
                "causal mask gives it exactly what the step-by-step decoder would have seen.",
            ),
            "b": (
                "It translates all words at once at inference time too, so it never needs steps.",
                False,
                "at inference it still writes one word at a time: the next word's input is its "
                "own previous output, which does not exist before it is chosen. Only training, "
                "where the reference is known, runs all positions at once.",
            ),
            "c": (
                "Its layers are smaller than an LSTM's, so a whole sentence fits in memory.",
                False,
                "size has nothing to do with it: an LSTM of any size needs step t - 1's state "
                "before step t. The difference is the dependency between steps, not the memory.",
            ),
        },
    ),
}


def question(question_id: str) -> str:
    """The question and its options, to print in a notebook."""
    text, options = _lookup(question_id)
    return text + "\n" + "\n".join(f"  ({key}) {option[0]}" for key, option in options.items())


def check_choice(question_id: str, answer: str | None) -> Feedback:
    """Check a multiple-choice answer ("a", "b", ...) and explain that option."""
    text, options = _lookup(question_id)
    if answer is None:
        return unanswered(f"replace None with one of {sorted(options)}.")
    key = str(answer).strip().lower().strip("()")
    if key not in options:
        return report(False, f"{answer!r} is not an option; choose one of {sorted(options)}.")
    _, right, explanation = options[key]
    return report(right, explanation)


def _lookup(question_id: str) -> tuple[str, dict[str, tuple[str, bool, str]]]:
    if question_id not in QUESTIONS:
        raise ValueError(f"Unknown question {question_id!r}; known: {sorted(QUESTIONS)}.")
    return QUESTIONS[question_id]
