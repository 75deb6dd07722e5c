"""Notebook 12's checks accept a right answer and name each typical mistake."""

from seq2seq_helpers.chat_rules import well_formed, words
from seq2seq_helpers.checks import check_drink_rule, check_is_generic

DRINKS = {"water", "tea", "coffee", "juice", "coke", "soda", "milk", "chocolate", "lemonade"}
GENERIC = {"yeah", "i don't know", "haha", "me too", "ok", "lol"}


def names_drink(reply):
    return well_formed(reply) and any(word in DRINKS for word in words(reply))


def test_a_right_drink_rule_passes():
    assert check_drink_rule(names_drink)


def test_drink_rule_mistakes_are_named():
    def substring(reply):
        return well_formed(reply) and any(drink in reply.lower() for drink in DRINKS)

    def not_well_formed(reply):
        return any(word in DRINKS for word in words(reply))

    def case_sensitive(reply):
        return well_formed(reply) and any(word in DRINKS for word in reply.split())

    def broken(reply):
        raise KeyError("oops")

    assert "inside 'team'" in str(check_drink_rule(substring))
    assert "well_formed" in str(check_drink_rule(not_well_formed))
    assert "'Coke!'" in str(check_drink_rule(case_sensitive))
    assert "KeyError" in str(check_drink_rule(broken))
    assert not check_drink_rule(lambda reply: True)
    assert str(check_drink_rule(None)).startswith("Not answered yet")


def test_a_right_generic_detector_passes():
    assert check_is_generic(lambda reply: " ".join(words(reply)) in GENERIC)


def test_generic_detector_mistakes_are_named():
    def substring(reply):
        return any(phrase in reply.lower() for phrase in GENERIC)

    def raw(reply):
        return reply in GENERIC

    def broken(reply):
        return 1 / 0

    assert "not whether a generic phrase appears" in str(check_is_generic(substring))
    assert "lowercased, punctuation dropped" in str(check_is_generic(raw))
    assert "ZeroDivisionError" in str(check_is_generic(broken))
    assert str(check_is_generic(None)).startswith("Not answered yet")
