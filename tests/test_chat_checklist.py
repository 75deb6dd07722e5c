import pytest

from seq2seq_helpers import chat_rules as r
from seq2seq_helpers.chat_checklist import (
    CHECKLIST,
    GENERIC_REPLIES,
    MESSAGES,
    is_generic,
    score_bot,
    score_replies,
)
from seq2seq_helpers.chat_rules import Rule, any_rule, mentions_any, well_formed, words

ITEMS = {item.message: item for item in CHECKLIST}


def test_the_checklist_has_40_everyday_messages_each_with_2_good_and_2_bad_replies():
    assert len(CHECKLIST) >= 40
    assert len(set(MESSAGES)) == len(MESSAGES)
    for item in CHECKLIST:
        assert len(item.good) >= 2 and len(item.bad) >= 2, item.message
        assert not set(item.good) & set(item.bad), item.message


@pytest.mark.parametrize("item", CHECKLIST, ids=lambda item: item.message)
def test_every_rule_accepts_its_good_replies_and_refuses_its_bad_ones(item):
    for reply in item.good:
        assert item.rule(reply), f"{item.message!r}: {item.rule.name} refused {reply!r}"
    for reply in item.bad:
        assert not item.rule(reply), f"{item.message!r}: {item.rule.name} accepted {reply!r}"


def test_the_issue_s_nonsense_fails_where_are_you_from():
    assert not ITEMS["where are you from?"].rule("i am from to be.")
    assert ITEMS["where are you from?"].rule("I'm from Seattle area!")


@pytest.mark.parametrize(
    ("rule", "good", "bad"),
    [
        (r.answers_yes_no, ["yeah!", "no, never", "not really"], ["pizza", "i'm not sure"]),
        (r.names_place, ["from new york", "born in ohio"], ["from the", "not in computer science"]),
        (r.greets_back, ["Hello!", "good morning"], ["bye", "yellow"]),
        (r.thanks_back, ["You’re welcome", "no problem!"], ["thanks", "welcomed"]),
        (r.gives_number, ["21", "twenty"], ["old", "a", "no i love them"]),
        (r.gives_time, ["3 pm", "noon"], ["i am", "later"]),
        (r.gives_name, ["my name is sam", "call me al"], ["i'm fine", "i'm from utah"]),
        (r.asks_back, ["and you?", "what about you"], ["i like you a lot.", "cool"]),
        (r.says_goodbye, ["see ya", "good night!"], ["hi", "good morning"]),
        (r.names_activity, ["i went hiking", "reading"], ["they are going to save it", "go"]),
    ],
)
def test_each_rule_on_its_own(rule, good, bad):
    assert all(rule(reply) for reply in good), [reply for reply in good if not rule(reply)]
    assert not any(rule(reply) for reply in bad), [reply for reply in bad if rule(reply)]


def test_no_rule_accepts_a_reply_that_is_not_well_formed():
    salad = "shop hike lean basketball woohoo blessing biology modest writing wrist"
    glued = "i like hike basketballre and convincepe rice"
    too_long = "i'm from utah and " * 6
    for broken in [
        "",
        "?!",
        "yes yes yes",
        "i'm from [UNK]",
        "from <0xE6> utah",
        salad,
        glued,
        too_long,
    ]:
        assert not well_formed(broken)
        assert not any(item.rule(broken) for item in CHECKLIST), broken
    assert well_formed("yes, yes. i'm from utah")
    assert well_formed("i'm from orem, near provo")  # one rare town name is fine
    assert well_formed("i like to play sports and listen to music and dance")
    # Real replies of the corpus with few small words are still replies:
    assert well_formed("my favorite food most definitely fettuccine alfredo")
    assert well_formed("i've actually been having a really good day !")


def test_rules_combine_and_refuse_bad_arguments():
    either = mentions_any("a", ["apple"]) | mentions_any("b", ["banana split"])
    assert either("an apple") and either("a banana split") and not either("a banana")
    assert either.name == "a or b"
    assert any_rule(r.greets_back, r.says_goodbye)("bye")
    assert words("I’m from the U.S.!") == ["i'm", "from", "the", "u", "s"]
    with pytest.raises(ValueError, match="non-empty"):
        mentions_any("nothing", [])
    with pytest.raises(ValueError, match="non-empty"):
        mentions_any("only punctuation", ["?!"])
    with pytest.raises(TypeError, match="Rule"):
        r.greets_back | (lambda reply: True)
    with pytest.raises(ValueError, match="string"):
        r.greets_back(None)
    with pytest.raises(ValueError, match="at least one"):
        any_rule()
    assert isinstance(either, Rule)


def test_generic_replies_are_spotted_and_real_answers_are_not():
    for reply in ["Yeah!", "i don't know.", "haha lol", "Me too", "ok ok", "cool."]:
        assert is_generic(reply), reply
    for reply in ["i'm from utah", "i like reading", "yeah i have a dog", "computer science", ""]:
        assert not is_generic(reply), reply
    assert "i don't know" in GENERIC_REPLIES


def test_score_replies_counts_sensible_and_generic_and_lists_failures():
    replies = [item.good[0] for item in CHECKLIST]
    replies[MESSAGES.index("where are you from?")] = "i am from to be."
    replies[MESSAGES.index("do you like music?")] = "yeah"  # sensible, and generic
    replies[MESSAGES.index("what's your major?")] = "i don't know"  # neither sensible nor ok
    score = score_replies(replies)
    assert [v.message for v in score.failures] == ["where are you from?", "what's your major?"]
    assert score.sensible_share == pytest.approx((len(CHECKLIST) - 2) / len(CHECKLIST))
    generic = [v.message for v in score.verdicts if v.generic]
    assert "do you like music?" in generic and "what's your major?" in generic
    assert score.generic_share == pytest.approx(len(generic) / len(CHECKLIST))


def test_score_bot_asks_every_message_in_order_and_checks_the_reply_count():
    asked = []

    def parrot(message):
        asked.append(message)
        return message

    score = score_bot(parrot)
    assert asked == list(MESSAGES)
    assert [v.reply for v in score.verdicts] == list(MESSAGES)
    with pytest.raises(ValueError, match="one reply per checklist message"):
        score_replies(["hi"])
    with pytest.raises(ValueError, match="a string"):
        score_replies("hi")
