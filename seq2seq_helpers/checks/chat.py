"""Checks for notebook 12's exercises: a checklist rule and a generic-reply detector."""

from __future__ import annotations

from seq2seq_helpers.checks.feedback import Feedback, report, unanswered

# Replies to "what's your favorite drink?" that a rule must accept, and must refuse.
DRINK_GOOD = ("water", "i love hot chocolate", "Probably orange juice.", "Coke!", "tea, you?")
DRINK_BAD = (
    "i am from to be.",
    "yeah",
    "my team won",
    "pizza",
    "i like the",
    "water water water",
    "",
)
# Replies a generic-reply detector must flag, and must not.
GENERIC_EXAMPLES = ("Yeah!", "i don't know.", "haha", "Me too", "ok", "lol")
SPECIFIC_EXAMPLES = (
    "yeah i have a dog",
    "i'm from utah",
    "no, i don't like dogs",
    "i know how to cook",
    "haha i love hiking",
)


def _call(function, reply, name):
    try:
        return bool(function(reply)), None
    except Exception as error:  # the learner's code: report it in words
        return None, report(False, f"{name}({reply!r}) raised {type(error).__name__}: {error}")


def _first_wrong(function, replies, expected: bool, name, explain) -> Feedback | None:
    """Feedback on the first of ``replies`` that ``function`` does not judge ``expected``
    (``explain(reply)`` says why that is wrong), or on an error it raised; None if all are right."""
    for reply in replies:
        verdict, error = _call(function, reply, name)
        if error is not None:
            return error
        if verdict != expected:
            return report(False, explain(reply))
    return None


def check_drink_rule(rule) -> Feedback:
    """Check a rule for "what's your favorite drink?": it accepts a named drink and refuses
    nonsense, a generic reply, a drink-like word inside another word, and a broken reply."""
    if rule is None:
        return unanswered("write names_drink(reply) -> True/False and pass the function itself.")
    why_bad = {
        "my team won": "'tea' is inside 'team': match whole words (words(reply)), not "
        "substrings of the text",
        "water water water": "a reply that repeats one word three times is broken: "
        "require well_formed(reply) too",
        "": "an empty reply answers nothing: require well_formed(reply) too",
    }

    def refused(reply):
        return (
            f"your rule refuses {reply!r}, a sensible answer: lowercase the reply and read its "
            "words with words(reply), so 'Coke!' and 'Probably orange juice.' match."
        )

    def accepted(reply):
        return f"your rule accepts {reply!r}, but {why_bad.get(reply, 'it names no drink')}."

    feedback = _first_wrong(rule, DRINK_GOOD, True, "your rule", refused)
    if feedback is None:
        feedback = _first_wrong(rule, DRINK_BAD, False, "your rule", accepted)
    if feedback is not None:
        return feedback
    return report(
        True,
        f"your rule takes the {len(DRINK_GOOD)} drinks and refuses the {len(DRINK_BAD)} replies "
        "that are nonsense, generic, broken, or only contain a drink's letters inside a word.",
    )


def check_is_generic(is_generic) -> Feedback:
    """Check a generic-reply detector: whole replies like "Yeah!" are generic (whatever their
    case and punctuation); a reply that starts with "yeah" and then says something is not."""
    if is_generic is None:
        return unanswered("write my_is_generic(reply) -> True/False and pass the function itself.")

    def missed(reply):
        return (
            f"{reply!r} is generic, but your function says no: compare the reply's words "
            "(lowercased, punctuation dropped: words(reply)) with your list."
        )

    def flagged(reply):
        return (
            f"{reply!r} says something specific, but your function calls it generic: a generic "
            "word inside a longer reply is not a generic reply; compare whole replies, not "
            "whether a generic phrase appears somewhere in them."
        )

    feedback = _first_wrong(is_generic, GENERIC_EXAMPLES, True, "my_is_generic", missed)
    if feedback is None:
        feedback = _first_wrong(is_generic, SPECIFIC_EXAMPLES, False, "my_is_generic", flagged)
    if feedback is not None:
        return feedback
    return report(
        True,
        "whole generic replies are caught whatever their case and punctuation, and a reply that "
        "only starts with 'yeah' or 'haha' keeps its content.",
    )
