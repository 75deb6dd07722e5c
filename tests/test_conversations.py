import pytest

from seq2seq_helpers.conversations import clean_text, conversation_turns, extract_pairs


def message(sender, text):
    return {"sender": sender, "text": text, "timestamp": "2018-05-02T19:38:15Z"}


# Two hand-made conversations in the chitchat-dataset layout: a list of turns, each a list of messages.
CONVERSATIONS = [
    [
        [message("a", "Hello"), message("a", "How are you?")],
        [message("b", "I'm   GOOD!!!"), message("b", "you?")],
        [message("b", "sorry, typo")],  # same sender again: merged into b's turn
        [message("a", "Fine, thanks. This reply is far too long to keep for the bot.")],
        [message("b", "...")],
    ],
    [
        [message("c", "hello how are you ?")],
        [message("d", "i'm good ! you ? sorry , typo")],  # duplicates the first pair once cleaned
    ],
]


def test_clean_text():
    assert clean_text("I'm   GOOD!!!") == "i'm good !"
    assert clean_text("What’s up??") == "what's up ?"
    assert clean_text("  ") == ""


def test_turns_merge_a_senders_messages():
    turns = conversation_turns(CONVERSATIONS[0])
    assert [sender for sender, _ in turns] == ["a", "b", "a", "b"]
    assert turns[1][1] == "I'm   GOOD!!! you? sorry, typo"


def test_extract_pairs_counts_every_step():
    pairs, report = extract_pairs(CONVERSATIONS, max_words=8)
    assert pairs == [("hello how are you ?", "i'm good ! you ? sorry , typo")]
    assert list(report.counts.values()) == [4, 3, 2, 1, 1]
    assert "de-duplicated" in str(report)


def test_punctuation_only_replies_are_dropped_and_length_is_a_choice():
    pairs, _ = extract_pairs(CONVERSATIONS, max_words=20)
    long_message = "fine , thanks . this reply is far too long to keep for the bot ."
    assert ("i'm good ! you ? sorry , typo", long_message) in pairs
    assert not any(reply == "." for _, reply in pairs)


def test_seeded_sample():
    many = [[[message("a", f"hi {i}")], [message("b", f"yo {i}")]] for i in range(30)]
    first, _ = extract_pairs(many, num_pairs=5, seed=3)
    again, report = extract_pairs(many, num_pairs=5, seed=3)
    assert first == again and len(first) == 5 and report.counts["sampled"] == 5


@pytest.mark.parametrize("kwargs", [{"max_words": 0}, {"num_pairs": 0}, {"num_pairs": 1.5}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        extract_pairs(CONVERSATIONS, **kwargs)


def test_malformed_message():
    with pytest.raises(ValueError, match="'sender' and 'text'"):
        conversation_turns([[{"text": "no sender"}]])


def test_first_turns_keeps_the_openings_only():
    pairs, report = extract_pairs(CONVERSATIONS, max_words=20, first_turns=2)
    assert pairs == [("hello how are you ?", "i'm good ! you ? sorry , typo")]
    assert report.counts["consecutive turns, new sender"] == 2
    with pytest.raises(ValueError, match="first_turns"):
        extract_pairs(CONVERSATIONS, first_turns=1)
