import numpy as np
import pytest
from tiny_models import train_tiny_scalable, train_tiny_translator

from seq2seq_helpers import chatbot as chat
from seq2seq_helpers.chatbot import ChatBot, chat_loop, chat_mode
from seq2seq_helpers.decoding import choose_next_token
from seq2seq_helpers.text import detokenize

PAIRS = [
    ("hi !", "hello , how are you ?"),
    ("how are you ?", "i'm good , thanks ."),
    ("what do you do for fun ?", "i play soccer ."),
    ("bye", "see you later !"),
]


@pytest.fixture(scope="module")
def bot():
    return ChatBot(train_tiny_translator(PAIRS, epochs=150))


def test_respond_reproduces_trained_replies_as_readable_text(bot):
    assert bot.respond("How are you?") == "i'm good, thanks."
    assert bot.respond("Hi!") == "hello, how are you?"
    assert len({bot.respond(message) for message, _ in PAIRS}) == len(PAIRS)


def test_unknown_words_are_skipped_and_noted(bot):
    assert bot.respond("how are you, zebra?") == "i'm good, thanks."
    assert any("zebra" in note for note in bot.last_notes)
    assert bot.respond("zebra giraffe") == chat.NO_KNOWN_WORDS_REPLY


def test_empty_and_punctuation_only_input(bot):
    assert bot.respond("") == chat.EMPTY_INPUT_REPLY
    assert bot.respond("   \n") == chat.EMPTY_INPUT_REPLY
    assert bot.respond("?!...") == chat.PUNCTUATION_ONLY_REPLY
    with pytest.raises(ValueError, match="string"):
        bot.respond(None)


def test_over_long_input_is_truncated_not_an_error(bot):
    reply = bot.respond("how are you ? " * 20)
    assert isinstance(reply, str) and reply
    assert any("keeping the first" in note for note in bot.last_notes)


def test_sampling_is_seeded_and_really_samples(bot):
    first = [bot.respond("hi", temperature=1.5, seed=s) for s in range(5)]
    again = [bot.respond("hi", temperature=1.5, seed=s) for s in range(5)]
    assert first == again
    # At a high temperature every word is about as likely as any other: a reply sampled there
    # is never the memorized greedy one, and different seeds give different replies. (Greedy
    # decoding, or a sampler that ignored the temperature or the seed, fails here.)
    greedy = bot.respond("hi")
    hot = [bot.respond("hi", temperature=50.0, seed=s) for s in range(5)]
    assert greedy not in hot, hot
    assert len(set(hot)) == len(hot), hot


def test_save_load_round_trip_and_refusal(bot, tmp_path):
    folder = bot.save(tmp_path / "bot")
    loaded = ChatBot.load(folder)
    for message, _ in PAIRS:
        assert loaded.respond(message) == bot.respond(message)
    with pytest.raises(FileExistsError):
        bot.save(folder)
    bot.save(folder, overwrite=True)


def test_choose_next_token():
    probabilities = np.array([0.1, 0.6, 0.3])
    assert choose_next_token(probabilities, []) == 1
    assert choose_next_token(probabilities, [1], repetition_penalty=3.0) == 2
    rng = np.random.default_rng(0)
    draws = {choose_next_token(probabilities, [], temperature=1.0, rng=rng) for _ in range(200)}
    assert draws == {0, 1, 2}
    cold = {choose_next_token(probabilities, [], temperature=0.05, rng=rng) for _ in range(50)}
    assert cold == {1}
    with pytest.raises(ValueError, match="temperature"):
        choose_next_token(probabilities, [], temperature=-1)
    with pytest.raises(ValueError, match="repetition_penalty"):
        choose_next_token(probabilities, [], repetition_penalty=0.5)


def test_chat_loop_ends_on_bye_and_on_closed_input(bot):
    script = iter(["how are you?", "", "Bye!"])
    lines = []
    turns = chat_loop(bot, read=lambda prompt: next(script), write=lines.append)
    assert turns == 2
    assert lines[1] == "bot: i'm good, thanks." and lines[-1] == "bot: bye!"

    def closed(prompt):
        raise EOFError

    assert chat_loop(bot, read=closed, write=lines.append) == 0


def test_chat_mode_is_scripted_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert chat_mode() == "scripted"
    monkeypatch.delenv("CI")
    monkeypatch.setenv("SEQ2SEQ_FAST", "0")
    assert chat_mode() in {"widget", "input"}


def test_beam_search_replies(bot):
    # Beam width 1 is greedy; a wider beam on a memorized reply finds the same reply.
    for message, reply in PAIRS:
        assert bot.respond(message, beam_width=1) == bot.respond(message)
        assert bot.respond(message, beam_width=3) == bot.respond(message)
    with pytest.raises(ValueError, match="beam"):
        bot.respond(PAIRS[0][0], beam_width=3, temperature=0.8)


@pytest.fixture(scope="module")
def attention_bot():
    """The same chat pairs memorized by a tiny attention LSTM of train_scalable (notebook 12)."""
    translator = train_tiny_scalable(
        "attention", pairs=PAIRS, max_source_length=8, max_target_length=8, epochs=80, batch_size=4
    )
    return ChatBot(translator)


def test_a_scalable_translator_chats_like_the_lesson_s(attention_bot):
    assert isinstance(attention_bot.model, chat.ScalableChatModel)
    for message, reply in PAIRS:
        expected = detokenize(reply)
        assert attention_bot.respond(message) == expected
        assert attention_bot.respond(message, beam_width=3) == expected
        # A temperature near 0 samples the most probable word: greedy's reply.
        assert attention_bot.respond(message, temperature=0.01, seed=1) == expected
    assert attention_bot.respond("") == chat.EMPTY_INPUT_REPLY
    attention_bot.respond("how are you, zebra?")
    assert any("zebra" in note for note in attention_bot.last_notes)
    with pytest.raises(ValueError, match="beam"):
        attention_bot.respond("hi", beam_width=3, temperature=0.8)


def test_a_scalable_bot_samples_with_a_seed(attention_bot):
    first = [attention_bot.respond("hi", temperature=1.5, seed=s) for s in range(4)]
    assert first == [attention_bot.respond("hi", temperature=1.5, seed=s) for s in range(4)]
    hot = [attention_bot.respond("hi", temperature=50.0, seed=s) for s in range(4)]
    assert attention_bot.respond("hi") not in hot and len(set(hot)) == len(hot), hot
    penalized = attention_bot.respond("hi", repetition_penalty=1e6)
    assert len(set(penalized.split())) == len(penalized.split()), penalized


def test_a_scalable_bot_saves_and_loads_as_a_chat_bot(attention_bot, tmp_path):
    folder = attention_bot.save(tmp_path / "bot")
    loaded = ChatBot.load(folder)
    assert isinstance(loaded.model, chat.ScalableChatModel)
    for message, _ in PAIRS:
        assert loaded.respond(message) == attention_bot.respond(message)


def test_a_chat_bot_refuses_what_is_not_a_translator():
    with pytest.raises(ValueError, match="Translator"):
        ChatBot("not a model")
