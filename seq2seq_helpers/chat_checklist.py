"""A checklist of everyday messages, each with a rule saying what a sensible reply is.

Introduced in notebooks/12_chatbot_that_answers.ipynb.

BLEU against the reply the corpus happens to hold says little about a chatbot: "where are you
from?" has a thousand right answers ("utah", "i'm from seattle", "born in korea") that share no
word. So we ask each bot the same everyday messages and test each reply with a rule written from
everyday sense (``chat_rules``): a place for "where are you from?", a greeting back for "hi". Each
item lists replies its rule must accept and replies it must refuse (tests/test_chat_checklist.py
holds every rule to them). Generic replies ("yeah", "i don't know") are counted apart: they can
pass a yes/no rule while saying nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from seq2seq_helpers import chat_rules as r
from seq2seq_helpers.chat_rules import Rule, any_rule, words

# Replies that would fit almost any message. A reply is generic when its words are one of
# these, or made only of filler words.
GENERIC_REPLIES = frozenset(
    " ".join(words(reply))
    for reply in (
        "i don't know", "idk", "i dont know", "i'm not sure", "im not sure", "not sure",
        "me too", "same", "same here", "yeah", "yes", "yep", "ok", "okay", "cool", "nice",
        "oh", "oh cool", "oh nice", "haha", "lol", "hmm", "sure", "really", "that's cool",
        "that's awesome", "thats cool", "awesome", "true", "right", "i know", "i see",
        "oh really", "what", "wow", "no way", "maybe", "i guess", "what do you mean",
        "nothing", "that's nice", "sounds good", "i agree", "you", "and you", "you too"
    )
)  # fmt: skip
_FILLER = frozenset("yeah yes yep oh ok okay haha hahaha lol cool nice hmm wow ah um so".split())


def is_generic(reply: str) -> bool:
    """True for a reply that fits nearly any message: "Yeah!", "i don't know.", "haha lol"."""
    tokens = words(reply)
    return " ".join(tokens) in GENERIC_REPLIES or (bool(tokens) and set(tokens) <= _FILLER)


@dataclass(frozen=True)
class ChecklistItem:
    """An everyday message, the rule a sensible reply meets, and replies the rule must accept
    (``good``) and refuse (``bad``)."""

    message: str
    rule: Rule
    good: tuple[str, ...]
    bad: tuple[str, ...]


def _item(message: str, rule: Rule, good: Sequence[str], bad: Sequence[str]) -> ChecklistItem:
    return ChecklistItem(message, rule, tuple(good), tuple(bad))


_yes_no = r.answers_yes_no
_asks_why = r.mentions_any(
    "asks why", ["why", "what happened", "how come", "are you ok", "you okay"]
)
_hello = r.greets_back | r.asks_back
CHECKLIST: tuple[ChecklistItem, ...] = (
    # Greetings
    _item("hi!", _hello, ["hey!", "hello, how are you?"], ["i am from to be.", "pizza", "yeah"]),
    _item("hello", _hello, ["hi there", "hey what's up?"], ["computer science", "the the the"]),
    _item("hey, how's it going?", r.states_feeling | _hello,
          ["pretty good, you?", "hey! not bad"], ["i am a major", "in the"]),
    _item("good morning!", _hello, ["good morning!", "morning! how did you sleep?"],
          ["i like pizza", "utah"]),
    _item("nice to meet you", _hello | r.mentions_any("says it back", ["you too", "likewise"]),
          ["nice to meet you too!", "you too"], ["i am from to be", "basketball"]),
    # How are you
    _item("how are you?", r.states_feeling, ["i'm good, you?", "pretty tired actually"],
          ["i am from to be.", "what's your major?", "yeah"]),
    _item("how are you doing?", r.states_feeling, ["i'm doing well!", "not bad, you?"],
          ["i like to the", "computer science"]),
    _item("how was your day?", r.states_feeling | r.names_activity,
          ["it was good!", "busy, i had three exams"], ["where are you from?", "i am from to"]),
    _item("how was your weekend?", r.states_feeling | r.names_activity,
          ["it was fun, i went hiking", "relaxing"], ["utah", "my name is"]),
    _item("what's up?", r.names_activity | r.states_feeling | _hello,
          ["not much, you?", "just studying"], ["i am from to be", "computer science major"]),
    # Where
    _item("where are you from?", r.names_place, ["i'm from utah", "i live in california."],
          ["i am from to be.", "i'm from the", "i like pizza", "yeah"]),
    _item("where do you live?", r.names_place, ["provo", "in a small town near seattle"],
          ["i live in the", "i don't know", "basketball"]),
    _item("where did you grow up?", r.names_place, ["i grew up in texas", "korea!"],
          ["i grew up in to", "yes", "i am a freshman"]),
    _item("where do you go to school?", r.names_place, ["byu", "i go to school in provo"],
          ["i go to the to", "i like reading"]),
    # School
    _item("what's your major?", r.names_major, ["computer science, you?", "i'm undecided"],
          ["i am a to the major", "yeah", "i'm from utah"]),
    _item("what are you studying?", r.names_major,
          ["i'm studying nursing", "business and accounting"], ["i am studying the", "utah"]),
    _item("what year are you in school?", r.names_school_year | r.gives_number,
          ["i'm a freshman", "junior!", "my 3rd year"], ["i am from to be", "pizza"]),
    _item("do you like your classes?", _yes_no, ["yeah they're fun", "not really"],
          ["where are you from?", "pizza", "the the the"]),
    # Fun and plans
    _item("what do you do for fun?", r.names_activity, ["i like reading", "i play soccer"],
          ["i am from to be.", "yeah", "my name is sam"]),
    _item("what are your hobbies?", r.names_activity, ["hiking and reading", "video games"],
          ["i am a to the", "yes"]),
    _item("what did you do this weekend?", r.names_activity,
          ["i went hiking", "not much, just homework"], ["i am from utah", "yeah"]),
    _item("what are you doing tonight?", r.names_activity | r.mentions_any("is unsure",
          ["not sure", "don't know", "no plans"]), ["probably watching a movie", "no plans"],
          ["i am from to be", "computer science"]),
    # Favourites
    _item("what's your favorite food?", r.names_food, ["pizza!", "my favorite food is sushi"],
          ["my favorite is the", "i'm from utah", "yeah"]),
    _item("what kind of music do you like?", r.names_music,
          ["i like rock and pop", "pretty much everything"], ["i like the", "utah"]),
    _item("what's your favorite sport?", r.names_sport, ["basketball", "i love soccer"],
          ["i like the", "computer science"]),
    _item("what's your favorite color?", r.names_color, ["blue", "probably green"],
          ["i like the", "yeah"]),
    _item("what's your favorite season?", r.names_season, ["fall!", "i love summer"],
          ["i like the", "nursing"]),
    _item("what's your favorite animal?", r.names_animal, ["dogs", "i love otters"],
          ["i like the", "basketball"]),
    _item("what's the weather like?", r.describes_weather, ["it's sunny", "really cold today"],
          ["i am from to be", "yeah"]),
    # Yes/no questions
    _item("do you like music?", _yes_no, ["yes, i love it!", "not really"],
          ["what's your name?", "i the the", "utah"]),
    _item("do you have any pets?", _yes_no | r.names_animal,
          ["yeah i have a dog", "nope", "two cats"], ["where are you from", "computer science"]),
    _item("do you play any sports?", _yes_no | r.names_sport,
          ["i play basketball", "no, not really"], ["what's up", "utah"]),
    _item("do you like to cook?", _yes_no, ["yes!", "i can't cook at all"],
          ["where do you live?", "computer science"]),
    _item("are you a student?", _yes_no | r.names_job, ["yes, at byu", "i'm a student"],
          ["what's your major?", "pizza"]),
    _item("do you have any siblings?", _yes_no | r.gives_number,
          ["i have two brothers", "nope, only child"], ["where are you from?", "pizza"]),
    _item("have you been to europe?", _yes_no,
          ["yes, i went to france", "no but i want to"], ["what's your major?", "pizza"]),
    _item("do you like dogs?", _yes_no | r.names_animal,
          ["yes i love dogs", "i'm more of a cat person"], ["what year are you?", "utah"]),
    # Numbers and facts
    _item("how old are you?", r.gives_number, ["i'm 21", "nineteen"],
          ["i am from to be", "yeah", "i'm old"]),
    _item("how many siblings do you have?", r.gives_number, ["three", "i have 2 sisters"],
          ["i have a", "utah"]),
    _item("what time is it?", r.gives_time, ["it's 3 pm", "almost midnight", "it's three"],
          ["i am from to be", "utah", "it's a good one."]),
    _item("what's your name?", r.gives_name, ["my name is sam", "i'm alex"],
          ["i'm good", "i'm from utah", "my name is the", "it's been good"]),
    _item("what do you do?", r.names_job | r.names_activity,
          ["i'm a student", "i work at a restaurant"], ["i am from to be", "yeah"]),
    # Thanks, goodbyes, feelings
    _item("thanks!", r.thanks_back, ["you're welcome!", "no problem"],
          ["i am from to be", "what's your major?", "thanks"]),
    _item("thank you so much", r.thanks_back, ["anytime!", "of course!"],
          ["computer science", "i like the"]),
    _item("bye!", r.says_goodbye, ["bye!", "see you later"], ["hi!", "what's your major?"]),
    _item("good night", r.says_goodbye, ["good night!", "night, sleep well"],
          ["good morning", "utah"]),
    _item("talk to you later", r.says_goodbye, ["sounds good, talk to you later!", "bye!"],
          ["what's your name?", "computer science"]),
    _item("i'm so tired", r.sympathizes | _asks_why,
          ["oh no, get some rest", "why, what happened?"],
          ["computer science", "what's your major?", "utah"]),
    _item("i had a bad day", r.sympathizes | _asks_why,
          ["oh no, what happened?", "i'm sorry to hear that"], ["cool", "what's your major?"]),
    _item("i'm sorry", r.sympathizes | r.thanks_back,
          ["it's okay", "no worries!"], ["computer science", "i am from to be"]),
)  # fmt: skip
MESSAGES = tuple(item.message for item in CHECKLIST)


@dataclass(frozen=True)
class Verdict:
    message: str
    reply: str
    sensible: bool
    generic: bool


@dataclass(frozen=True)
class ChecklistScore:
    """Per-message verdicts and the two shares a bot is judged by."""

    verdicts: tuple[Verdict, ...]

    @property
    def sensible_share(self) -> float:
        return sum(v.sensible for v in self.verdicts) / len(self.verdicts)

    @property
    def generic_share(self) -> float:
        return sum(v.generic for v in self.verdicts) / len(self.verdicts)

    @property
    def failures(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.sensible]


def score_replies(
    replies: Sequence[str], checklist: Sequence[ChecklistItem] = CHECKLIST
) -> ChecklistScore:
    """Judge ``replies[i]`` as the reply to ``checklist[i].message``."""
    if isinstance(replies, str) or len(replies) != len(checklist):
        raise ValueError(
            f"score_replies needs one reply per checklist message ({len(checklist)}), got "
            f"{'a string' if isinstance(replies, str) else len(replies)}: pass a list in the "
            "order of the checklist's messages."
        )
    return ChecklistScore(
        tuple(
            Verdict(item.message, reply, item.rule(reply), is_generic(reply))
            for item, reply in zip(checklist, replies)
        )
    )


def score_bot(
    respond: Callable[[str], str], checklist: Sequence[ChecklistItem] = CHECKLIST
) -> ChecklistScore:
    """Ask ``respond`` every message of the checklist and judge its replies."""
    return score_replies([respond(item.message) for item in checklist], checklist)


__all__ = ["CHECKLIST", "GENERIC_REPLIES", "MESSAGES", "any_rule", "is_generic", "score_bot"]
