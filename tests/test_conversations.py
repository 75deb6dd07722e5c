import pytest

from seq2seq_helpers.conversations import (
    clean_text,
    conversation_turns,
    extract_pairs,
    first_clause,
    last_question,
)


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
    everything, report = extract_pairs(many, seed=3)
    ordered = [(f"hi {i}", f"yo {i}") for i in range(30)]
    assert sorted(everything) == sorted(ordered) and everything != ordered  # shuffled, all kept
    assert report.counts["shuffled"] == 30


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


def test_last_question_and_first_clause():
    assert last_question("cool . so what do you do for fun ? i love movies") == (
        "so what do you do for fun ?"
    )
    assert last_question("where ? and why ?") == "and why ?"
    assert last_question("no question here .") is None
    assert last_question("? ? ?") is None  # punctuation only is not a question
    assert first_clause("i like reading , hiking and movies . you ?") == "i like reading"
    assert first_clause("yes ! i do") == "yes !"
    assert first_clause(", . !") is None
    with pytest.raises(ValueError, match="a string"):
        last_question(None)


QUESTION_CONVERSATION = [
    [message("a", "Hi! How are you?")],
    [message("b", "Good. Cool day today. So what do you do for fun?")],
    [message("a", "I like reading, hiking and movies. You?")],
    [message("b", "Mostly music")],
]


def test_questions_add_question_to_first_clause_pairs_from_every_turn():
    plain, _ = extract_pairs([QUESTION_CONVERSATION], max_words=8, first_turns=2)
    assert plain == []  # the one opening exchange has a 13-token reply
    pairs, report = extract_pairs(
        [QUESTION_CONVERSATION], max_words=8, first_turns=2, common_questions=1
    )
    assert ("so what do you do for fun ?", "i like reading") in pairs  # from turns 2-3
    assert ("you ?", "mostly music") in pairs  # questions come from every turn, not the first 2
    assert ("how are you ?", "good .") in pairs
    steps = list(report.counts)
    assert steps[:2] == ["consecutive turns, new sender", "+ questions asked >= 1 times"]
    assert report.counts["+ questions asked >= 1 times"] == 1 + 3


def test_common_questions_keeps_questions_asked_often_enough():
    asked_twice = [
        QUESTION_CONVERSATION,
        [[message("c", "So what do you do for fun?")], [message("d", "Chess, mostly.")]],
    ]
    pairs, _ = extract_pairs(asked_twice, max_words=8, first_turns=2, common_questions=2)
    questions = {question for question, _ in pairs if question.endswith("?")}
    assert questions == {"so what do you do for fun ?"}  # the only question asked twice
    assert ("so what do you do for fun ?", "chess") in pairs
    with pytest.raises(ValueError, match="common_questions"):
        extract_pairs(asked_twice, common_questions=0)


def test_top_words_keeps_pairs_of_common_words_only():
    chats = [[[message("a", "hi")], [message("b", "hi there")]] for _ in range(3)]
    chats.append([[message("a", "hi")], [message("b", "hi zyzzyva")]])
    pairs, report = extract_pairs(chats, top_words=2)
    assert pairs == [("hi", "hi there")]
    assert report.counts["only the 2 most common words"] == 3
    with pytest.raises(ValueError, match="top_words"):
        extract_pairs(chats, top_words=0)
