"""Small rules that say whether a chatbot's reply makes sense for one kind of message.

Introduced in notebooks/12_chatbot_that_answers.ipynb; ``chat_checklist.py`` pairs each everyday
message with one of these rules.

A rule is a named yes/no test of a reply (``Rule``); ``rule_a | rule_b`` accepts what either
accepts. The word lists are everyday sense, checked against many real replies of the chit-chat
corpus and of the course's bots: broad enough to take the ways people really answer ("nursing",
"i'm from seattle area"), narrow enough to refuse nonsense ("i am from to be.").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(reply: str) -> list[str]:
    """The reply's lowercase words ("I'm from Utah!" -> ["i'm", "from", "utah"])."""
    if not isinstance(reply, str):
        raise ValueError(f"a reply must be a string, got {type(reply).__name__}: {reply!r:.40}.")
    return _WORD.findall(reply.lower().replace("’", "'"))


def _has_phrase(reply: str, phrases: Iterable[str]) -> bool:
    text = f" {' '.join(words(reply))} "
    return any(f" {phrase} " in text for phrase in phrases)


MAX_REPLY_WORDS = 20  # the longest reply the bots were trained on
# The small words every English sentence is held together with; word salad has few of them.
SMALL_WORDS = frozenset(
    "i you he she we they it me my your our us him her them a an the to of in on at for from "
    "with by about as up out and or but if so than then too very really also all some much "
    "more is am are was were be been being do does did have has had having get got not no "
    "i'm i've i'd i'll im it's its that's what's you're don't can't that this these what how "
    "who where when why there here just like can will would could should".split()
)


def _rare(word: str) -> bool:
    """A token people hardly ever write (wordfreq's Zipf frequency below 2: less than once in
    ten million words), like the half-words a bot glues from subword pieces ("convincepe")."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") < 2


def well_formed(reply: str) -> bool:
    """A reply at all: 1 to MAX_REPLY_WORDS words, no word three times in a row, no [UNK] or raw
    byte pieces, at most one rare token in ten (at least one allowed: a name, a home town), and
    in a reply of 6 words or more at least one small word in eight (word salad has none)."""
    tokens = words(reply)
    if not 0 < len(tokens) <= MAX_REPLY_WORDS or "[unk]" in reply.lower() or "<0x" in reply.lower():
        return False
    if any(a == b == c for a, b, c in zip(tokens, tokens[1:], tokens[2:])):
        return False
    if sum(_rare(token) for token in tokens) > max(1, len(tokens) // 10):
        return False
    return len(tokens) < 6 or 8 * sum(token in SMALL_WORDS for token in tokens) >= len(tokens)


@dataclass(frozen=True)
class Rule:
    """A named test of a reply; every rule also requires a ``well_formed`` reply."""

    name: str
    test: Callable[[str], bool]

    def __call__(self, reply: str) -> bool:
        return well_formed(reply) and bool(self.test(reply))

    def __or__(self, other: Rule) -> Rule:
        if not isinstance(other, Rule):
            raise TypeError(f"combine a Rule with another Rule, not {type(other).__name__}.")
        return Rule(f"{self.name} or {other.name}", lambda reply: self(reply) or other(reply))


def mentions_any(name: str, phrases: Iterable[str]) -> Rule:
    """Accept a reply that contains one of ``phrases`` as whole words ("new york" as two)."""
    phrases = tuple(" ".join(words(phrase)) for phrase in phrases)
    if not phrases or not all(phrases):
        raise ValueError(f"mentions_any({name!r}) needs non-empty phrases of words.")
    return Rule(name, lambda reply: _has_phrase(reply, phrases))


YES_NO = ("yes", "yeah", "yep", "yup", "ya", "sure", "of course", "definitely", "absolutely",
          "no", "nope", "nah", "not really", "not at all", "not much", "not yet", "never",
          "kind of", "sometimes", "a little", "i do", "i don't", "i did", "i didn't", "not a fan",
          "i have", "i haven't", "i love", "i like", "i hate", "i can", "i can't",
          "totally", "love it")  # fmt: skip
_says_yes_or_no = mentions_any("answers yes or no", YES_NO)
# "i'm not sure" is no answer, though "sure" alone says yes.
answers_yes_no = Rule(
    "answers yes or no",
    lambda reply: _says_yes_or_no(" ".join(words(reply)).replace("not sure", "")),
)

GREETINGS = ("hi", "hii", "hello", "helloo", "hey", "heyy", "heyyy", "heyo", "howdy", "hiya",
             "yo", "wassup", "wussup", "good morning", "good afternoon",
             "good evening", "morning", "nice to meet you", "what's up", "sup", "greetings")  # fmt: skip
greets_back = mentions_any("greets back", GREETINGS)

THANKS_BACK = ("you're welcome", "youre welcome", "welcome", "no problem", "no prob", "np",
               "anytime", "any time", "my pleasure", "glad", "no worries", "of course", "sure thing",
               "don't mention it", "happy to help")  # fmt: skip
thanks_back = mentions_any("says you're welcome", THANKS_BACK)

FAREWELLS = ("bye", "goodbye", "see you", "see ya", "later", "good night", "goodnight", "night",
             "take care", "talk to you", "ttyl", "have a good", "have a great", "have a nice",
             "catch you", "cya")  # fmt: skip
says_goodbye = mentions_any("says goodbye", FAREWELLS)

FEELINGS = ("good", "great", "fine", "well", "ok", "okay", "alright", "not bad", "awesome",
            "tired", "busy", "bad", "happy", "sad", "excited", "stressed", "amazing", "wonderful",
            "fantastic", "pretty good", "so so", "better", "sick", "bored", "relaxing",
            "fun", "chill", "exhausted", "nice", "sleepy")  # fmt: skip
states_feeling = mentions_any("says how they are", FEELINGS)


def _asks_back(reply: str) -> bool:
    tokens = words(reply)
    return "?" in reply or (bool(tokens) and tokens[-1] in ("you", "yours", "u"))


asks_back = Rule("asks a question back", _asks_back)

# Words that cannot name a place after "from"/"in": "i am from to be." has none.
_FUNCTION_WORDS = frozenset(
    "a an the to be is am are was of and or but in on at from for with my your you i me it "
    "this that there here not no yes so very too".split()
)
PLACES = ("utah", "provo", "orem", "salt lake", "california", "texas", "idaho", "arizona",
          "washington", "oregon", "nevada", "colorado", "new york", "florida", "virginia",
          "maryland", "ohio", "michigan", "illinois", "chicago", "seattle", "boston", "vegas",
          "canada", "alberta", "mexico", "brazil", "china", "japan", "korea", "germany", "france",
          "england", "london", "europe", "asia", "africa", "australia", "america", "usa", "us",
          "the states", "hawaii", "alaska", "montana", "wyoming", "kansas", "georgia", "carolina",
          "jersey", "nj", "pennsylvania", "minnesota", "wisconsin", "missouri", "tennessee",
          "city", "town", "state", "country", "from here", "around here", "east coast",
          "west coast", "the south",
          "the midwest", "suburbs", "near", "downtown", "campus", "byu", "dorms")  # fmt: skip


_PLACE_INTROS = (("from",), ("near",), ("live", "in"), ("up", "in"), ("born", "in"))


def _place_after_preposition(reply: str) -> bool:
    """ "from X", "near X", "live in X", "grew up in X", "born in X" with X not a small word."""
    tokens = words(reply)
    for intro in _PLACE_INTROS:
        for i in range(len(tokens) - len(intro)):
            if tuple(tokens[i : i + len(intro)]) == intro:
                if tokens[i + len(intro)] not in _FUNCTION_WORDS:
                    return True
    return False


names_place = mentions_any("names a place", PLACES) | Rule(
    "'from'/'in' + a place", _place_after_preposition
)

MAJORS = ("computer science", "cs", "math", "mathematics", "biology", "chemistry", "physics",
          "nursing", "business", "accounting", "economics", "finance", "engineering",
          "psychology", "english", "history", "art", "music", "education", "information",
          "statistics", "marketing", "law", "medicine", "pre med", "premed", "neuroscience",
          "communications", "linguistics", "spanish", "dance", "film", "design", "geology",
          "exercise science", "nutrition", "political science", "sociology", "philosophy",
          "arts", "media", "family life", "undecided", "undeclared", "not sure yet",
          "don't know yet", "haven't decided",
          "technology", "animation", "theater", "biochem", "chem", "bio")  # fmt: skip
names_major = mentions_any("names a field of study", MAJORS)

SCHOOL_YEARS = ("freshman", "sophomore", "junior", "senior", "first year", "second year",
                "third year", "fourth year", "last year", "grad", "graduate", "graduating",
                "high school", "hs", "college", "1st", "2nd", "3rd", "4th")  # fmt: skip
names_school_year = mentions_any("names a school year", SCHOOL_YEARS)

ACTIVITIES = ("play", "playing", "read", "reading", "watch", "watching", "movies", "movie",
              "music", "sing", "singing", "dance", "dancing", "hike", "hiking", "run", "running",
              "swim", "swimming", "games", "video games", "sports", "basketball", "soccer",
              "football", "tennis", "golf", "volleyball", "ski", "skiing", "cook", "cooking",
              "bake", "baking", "draw", "drawing", "paint", "painting", "write", "writing",
              "piano", "guitar", "hang out", "hanging out", "friends", "family", "travel",
              "shopping", "sleep", "sleeping", "homework", "study", "studying", "work",
              "working", "netflix", "camping", "fishing", "biking", "climbing", "gym",
              "workout", "exercise", "nothing", "not much", "relax", "relaxing", "chill",
              "party", "church", "went", "date", "beach", "class", "school", "making")  # fmt: skip
names_activity = mentions_any("names an activity", ACTIVITIES)

FOODS = ("pizza", "pasta", "sushi", "tacos", "taco", "burgers", "burger", "chicken", "steak",
         "ice cream", "chocolate", "rice", "salad", "mexican", "italian", "chinese", "thai",
         "indian", "japanese", "food", "fries", "sandwich", "soup", "cake", "cookies", "bread",
         "cheese", "fruit", "watermelon", "apples", "noodles", "ramen", "curry", "bbq",
         "alfredo", "lasagna", "spaghetti", "potatoes", "mac", "breakfast", "pancakes")  # fmt: skip
names_food = mentions_any("names a food", FOODS)

MUSIC = ("rock", "pop", "country", "jazz", "classical", "rap", "hip hop", "indie", "metal",
         "alternative", "folk", "edm", "r b", "punk", "musicals", "soundtracks", "everything",
         "all kinds", "anything", "oldies", "band", "bands", "songs", "imagine dragons",
         "taylor swift", "beatles", "kpop", "k pop", "blues", "reggae", "electronic", "piano")  # fmt: skip
names_music = mentions_any("names a kind of music", MUSIC)

SPORTS = ("basketball", "soccer", "football", "baseball", "tennis", "golf", "volleyball",
          "hockey", "swimming", "running", "skiing", "snowboarding", "rugby", "softball",
          "lacrosse", "track", "cross country", "wrestling", "badminton", "ultimate",
          "frisbee", "gymnastics", "cycling", "boxing", "none", "don't")  # fmt: skip
names_sport = mentions_any("names a sport", SPORTS)

COLORS = ("red", "blue", "green", "yellow", "purple", "orange", "pink", "black", "white",
          "gray", "grey", "brown", "teal", "turquoise", "navy", "maroon", "gold")  # fmt: skip
names_color = mentions_any("names a colour", COLORS)

SEASONS = ("spring", "summer", "fall", "autumn", "winter")
names_season = mentions_any("names a season", SEASONS)

ANIMALS = ("dog", "dogs", "cat", "cats", "horse", "horses", "bird", "birds", "fish", "lion",
           "tiger", "elephant", "elephants", "panda", "pandas", "penguin", "penguins", "monkey",
           "monkeys", "dolphin", "dolphins", "wolf", "wolves", "bear", "bears", "giraffe",
           "turtle", "rabbit", "bunny", "puppy", "puppies", "sloth", "otter", "otters", "owl",
           "fox", "hamster", "parrot", "snake", "lizard")  # fmt: skip
names_animal = mentions_any("names an animal", ANIMALS)

WEATHER = ("sunny", "rainy", "rain", "raining", "snow", "snowing", "cold", "hot", "warm",
           "cool", "windy", "cloudy", "nice", "beautiful", "freezing", "weather", "chilly",
           "humid", "storm", "gorgeous", "degrees")  # fmt: skip
describes_weather = mentions_any("describes the weather", WEATHER)

_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen "
                 "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty none "
                 "zero few couple several").split()  # fmt: skip


def _gives_number(reply: str) -> bool:
    return any(token.isdigit() or token in _NUMBER_WORDS for token in words(reply))


gives_number = Rule("gives a number", _gives_number)
TIMES = ("o'clock", "oclock", "noon", "midnight", "morning", "afternoon",
         "evening", "night", "late", "early", "half past", "quarter")  # fmt: skip
_HOURS = _NUMBER_WORDS[:12]  # one ... twelve


def _gives_clock_number(reply: str) -> bool:
    """A digit, or an hour's word not used as a pronoun or count ("it's a good one" tells no
    time; "it's three" and "3 pm" do)."""
    tokens = words(reply)
    for before, token in zip(["", *tokens], tokens):
        if token.isdigit() or (
            token in _HOURS and before not in {"a", "the", "good", "this", "no"}
        ):
            return True
    return False


gives_time = mentions_any("tells the time", TIMES) | Rule("gives an hour", _gives_clock_number)

# Words that follow "i'm" or "it's" in replies that give no name ("it's been good").
_NOT_NAMES = frozenset(
    "just really so doing sorry been being going gonna getting having trying still also always "
    "never back pretty kind kinda actually currently ready sure done busy fine okay ok all only "
    "like into about over".split()
)
NAME_INTROS = ("my name is", "my name's", "name is", "call me", "i'm", "i am", "it's", "its")


def _gives_name(reply: str) -> bool:
    """A word after "my name is", "i'm"... that is not a feeling or a small word ("i'm good",
    "i'm from utah" give no name)."""
    text = " ".join(words(reply))
    not_names = _FUNCTION_WORDS | set(FEELINGS) | _NOT_NAMES
    for intro in NAME_INTROS:
        for match in re.finditer(rf"(?:^| ){re.escape(intro)} ([a-z]+)", text):
            if match.group(1) not in not_names:
                return True
    return False


gives_name = Rule("gives a name", _gives_name)

SYMPATHY = ("sorry", "oh no", "too bad", "that sucks", "hope", "what happened", "that's rough",
            "feel better", "it's okay", "it's ok", "don't worry", "no worries", "it's fine",
            "that's okay", "no problem", "aw", "ouch", "get some rest", "sleep", "take a nap",
            "hang in there", "you'll be fine")  # fmt: skip
sympathizes = mentions_any("sympathizes or reassures", SYMPATHY)

JOBS = ("student", "school", "work", "working", "job", "intern", "internship", "teacher",
        "engineer", "nurse", "developer", "programmer", "cashier", "manager", "study",
        "studying", "retail", "restaurant", "office", "lab", "research", "tutor", "company",
        "store", "campus", "byu", "library", "nowhere", "don't work", "unemployed")  # fmt: skip
names_job = mentions_any("names work or study", JOBS)


def any_rule(*rules: Rule) -> Rule:
    """A rule that accepts what any of ``rules`` accepts."""
    if not rules:
        raise ValueError("any_rule needs at least one rule.")
    combined = rules[0]
    for rule in rules[1:]:
        combined = combined | rule
    return combined
