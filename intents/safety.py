"""The safety layer: which kind of crisis or emergency a message speaks of, and how surely."""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from intents.normalise import normalise
from intents.safety_index import RuleIndex, message_words, rule_of
from intents.scripts import Script, dominant_script

KINDS: tuple[str, ...] = (
    "medical",
    "fire_gas",
    "domestic_violence",
    "child_at_risk",
    "violence",
    "suicide",
    "self_harm",
    "emergency",
    "info",
)
"""Every kind, most urgent first: when several match, the first one here answers.

A child in danger answers before violence in general: its reply names 110 and 112 as well, and
adds the line for children (a neighbour beating his child is both).

``emergency`` is a cry for help that names no kind ("Notfall!", "call 112"); ``info`` asks
what the emergency numbers are, which is information, not an alarm.
"""

_GAPS = {"...": 3, ".....": 6}  # up to this many other words between two parts of a pattern
# Arabic script attaches "and", "with", "for", "so" and the article to the next word.
_ARABIC_PREFIXES = "(?:و|ف|ب|ل|ال|وال|بال|لل|فال|وب|ول)?"
_ARABIC_ARTICLES = "(?:ال|وال|بال|لل|فال)?"
# A word this short is taken after the article only: after a one-letter prefix it is too often
# part of another word (Pashto "باور", trust, is not "ب" + "اور", fire).
_SHORT_ARABIC = 3
_MIN_STEM = 3
_GROUP = re.compile(r"^\{([a-z_]+)\}$")
_BLANK = " ~ "
_MODEL_MIN_WORDS = 2
_ANSWER_WORDS = 4  # a message this short with a digit may be the date or time asked for
_VETO = 0.02  # below this crisis probability the classifier turns sure words into unsure


class Certainty(enum.Enum):
    """How sure the safety layer is that a message is a crisis."""

    SURE = "sure"  # answer with the crisis reply of the kind, first, always
    UNSURE = "unsure"  # one line with 112/110 and one question, then the normal answer
    NONE = "none"


def _empty() -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({})


class Band(enum.Enum):
    """Where the classifier's crisis probability for a message falls (intents/crisis_model.py)."""

    HIGH = "high"  # a crisis: the reply of its kind first
    MIDDLE = "middle"  # maybe: one line with 112/110 and one question
    LOW = "low"


@dataclass(frozen=True, slots=True, kw_only=True)
class CrisisGuess:
    """The classifier's view of one message."""

    kind: str
    """The likeliest crisis kind (even when the message is most likely harmless)."""
    probability: float
    """The probability that the message is a crisis of any kind."""
    band: Band


@dataclass(frozen=True, slots=True, kw_only=True)
class CrisisExample:
    """A message the safety classifier learns from: a crisis kind, or ``harmless``."""

    kind: str
    lang: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetyRules:
    """The words and phrases of the safety layer, free of any file format.

    A pattern is a phrase matched on whole words of the normalised message: ``word*`` is any
    word beginning with ``word``, ``{group}`` any entry of a named group, ``...`` up to three
    other words (``.....`` up to six); ``^`` first and ``$`` last tie the pattern to the start
    and end of the message ("^ 112 $" is the number alone). ``never`` patterns are harmless
    uses ("the deadline is killing me"): the words they cover count for nothing. ``calm``
    patterns are harmless contexts (a bill, an office certificate): where one is found, unsure
    words and a guess of the sentence encoder alone are dropped.
    """

    groups: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    sure: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    unsure: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    never: tuple[str, ...] = ()
    calm: tuple[str, ...] = ()
    yes: tuple[str, ...] = ()
    """Answers that mean "yes" to the question "are you in danger right now?"."""
    examples: tuple[CrisisExample, ...] = ()
    """Crisis messages by kind and harmless look-alikes, for the classifier (by meaning)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetyVerdict:
    """The safety layer's verdict on one message."""

    kind: str | None
    """The most urgent kind found (see :data:`KINDS`), None when there is none."""
    certainty: Certainty
    kinds: tuple[str, ...] = ()
    """Every kind found, most urgent first."""
    calm: bool = False
    """True when the message has a harmless context (a bill, an office word, a date)."""
    vetoed: bool = False
    """True when sure words were overruled by the classifier (then the verdict is unsure)."""

    @property
    def is_sure(self) -> bool:
        return self.certainty is Certainty.SURE

    @property
    def is_unsure(self) -> bool:
        return self.certainty is Certainty.UNSURE


NO_CRISIS = SafetyVerdict(kind=None, certainty=Certainty.NONE)


def _word(word: str, *, stem: bool) -> str:
    """The regex of one normalised word (or stem)."""
    body = re.escape(word) + (r"\S*" if stem else "")
    if dominant_script(word) is Script.ARABIC:
        prefixes = _ARABIC_ARTICLES if len(word) <= _SHORT_ARABIC else _ARABIC_PREFIXES
        return prefixes + body
    return body


@functools.lru_cache(maxsize=256)
def _group_regex(entries: tuple[str, ...]) -> str:
    return "(?:" + "|".join(compile_pattern(entry, {}) for entry in entries) + ")"


def _token(pattern: str, token: str, groups: Mapping[str, tuple[str, ...]]) -> str:
    """The regex of one token of a pattern: a word, a stem or a group."""
    found = _GROUP.match(token)
    if found is not None:
        name = found.group(1)
        entries = groups.get(name)
        if entries is None:
            raise ValueError(f"'{pattern}': unknown group '{{{name}}}'")
        if not entries:
            raise ValueError(f"'{pattern}': group '{{{name}}}' is empty")
        return _group_regex(entries)
    stem = token.endswith("*")
    words = normalise(token.rstrip("*")).split()
    if not words:
        raise ValueError(f"'{pattern}': '{token}' has no letters or digits")
    if stem and len(words[-1]) < _MIN_STEM:
        raise ValueError(f"'{pattern}': the stem '{token}' is too short (3 letters at least)")
    last = len(words) - 1
    return " ".join(_word(word, stem=stem and i == last) for i, word in enumerate(words))


def compile_pattern(pattern: str, groups: Mapping[str, tuple[str, ...]]) -> str:
    """The regex source of one pattern; ``ValueError`` says what is wrong with it."""
    tokens = pattern.split()
    start = bool(tokens) and tokens[0] == "^"
    end = len(tokens) > start and tokens[-1] == "$"
    tokens = tokens[int(start) : len(tokens) - int(end)]
    if not tokens:
        raise ValueError(f"'{pattern}': the pattern is empty")
    if tokens[0] in _GAPS or tokens[-1] in _GAPS:
        raise ValueError(f"'{pattern}': '...' needs a word before and after it")
    parts: list[str] = []
    gap = 0
    for token in tokens:
        if token in _GAPS:
            gap = _GAPS[token]
            continue
        if parts:
            parts.append(rf" (?:\S+ ){{0,{gap}}}" if gap else " ")
        gap = 0
        parts.append(_token(pattern, token, groups))
    return ("^ " if start else "") + "".join(parts) + (" $" if end else "")


class SafetyDetector:
    """Finds crisis and emergency signals in a message. Pure, synchronous, deterministic.

    Each pattern is indexed by a word it cannot match without, so a message runs only the few
    patterns its words can trigger. Building one compiles every pattern (about two seconds).
    """

    __slots__ = ("_calm", "_never", "_sure", "_unsure", "_yes")

    def __init__(self, rules: SafetyRules | None = None) -> None:
        rules = rules or SafetyRules()
        groups = rules.groups
        self._sure = self._by_kind(rules.sure, groups)
        self._unsure = self._by_kind(rules.unsure, groups)
        self._never = self._index(rules.never, groups)
        self._calm = self._index(rules.calm, groups)
        self._yes = self._index(rules.yes, groups)

    @staticmethod
    def _index(patterns: Iterable[str], groups: Mapping[str, tuple[str, ...]]) -> RuleIndex:
        return RuleIndex(rule_of(p, compile_pattern(p, groups), groups) for p in patterns)

    @classmethod
    def _by_kind(
        cls, patterns: Mapping[str, tuple[str, ...]], groups: Mapping[str, tuple[str, ...]]
    ) -> tuple[tuple[str, RuleIndex], ...]:
        return tuple(
            (kind, cls._index(patterns[kind], groups)) for kind in KINDS if patterns.get(kind)
        )

    def assess(self, text: str) -> SafetyVerdict:
        """The verdict on ``text`` (raw or normalised) from the words alone."""
        plain = normalise(text)
        if not plain:
            return NO_CRISIS
        normalised = f" {plain} "
        words = message_words(plain)
        calm = any(rule.regex.search(normalised) for rule in self._calm.candidates(words))
        explained = False
        for rule in self._never.candidates(words):
            normalised, found = rule.regex.subn(_BLANK, normalised)
            # A harmless use explains the danger words ("dying of laughter"): the sentence
            # encoder alone, which hears only those words, is not asked to overrule it.
            explained = explained or found > 0
        sure = tuple(kind for kind, index in self._sure if self._found(index, words, normalised))
        if sure:
            if len(sure) > 1 and "info" in sure:
                # "what is the emergency number" names no danger: only another kind does.
                specific = tuple(k for k in sure if k not in ("emergency", "info"))
                sure = specific or ("info",)
            return SafetyVerdict(kind=sure[0], certainty=Certainty.SURE, kinds=sure, calm=calm)
        unsure = tuple(
            kind for kind, index in self._unsure if self._found(index, words, normalised)
        )
        if unsure and not calm:
            return SafetyVerdict(kind=unsure[0], certainty=Certainty.UNSURE, kinds=unsure)
        return SafetyVerdict(kind=None, certainty=Certainty.NONE, calm=calm or explained)

    @staticmethod
    def _found(index: RuleIndex, words: set[str], normalised: str) -> bool:
        return any(rule.regex.search(normalised) for rule in index.candidates(words))

    def with_model(
        self,
        verdict: SafetyVerdict,
        text: str,
        *,
        model_says_emergency: bool,
        crisis: CrisisGuess | None = None,
    ) -> SafetyVerdict:
        """The verdict once the models have spoken: the crisis classifier (``crisis``) makes a
        message sure when its probability is high, unsure in the middle band, and turns sure
        words into unsure when it is all but certain the message is harmless; the intent
        examples alone (``model_says_emergency``) only make it unsure.

        Never from a message of fewer than two words besides numbers ("3 Januar", "44388"),
        nor in a harmless context the words know (a bill, an office word, an idiom); a short
        message with a number in it (the date or time a dialogue asked for) is at most unsure.
        """
        if verdict.is_sure and crisis is not None and verdict.kind != "info":
            if crisis.probability < _VETO and self.models_may_speak(NO_CRISIS, text):
                # The words alone are sure, the classifier is all but sure of harmless
                # ("where is help for victims of violence?"): ask, with 112/110 in one line.
                return replace(verdict, certainty=Certainty.UNSURE, vetoed=True)
            return verdict
        if not self.models_may_speak(verdict, text):
            return verdict
        words = text.split()
        if crisis is not None and crisis.band is not Band.LOW:
            answer_like = len(words) <= _ANSWER_WORDS and any(c.isdigit() for c in text)
            if crisis.band is Band.HIGH and not answer_like:
                return SafetyVerdict(
                    kind=crisis.kind, certainty=Certainty.SURE, kinds=(crisis.kind,)
                )
            if verdict.is_unsure:
                return verdict
            return SafetyVerdict(
                kind=crisis.kind, certainty=Certainty.UNSURE, kinds=(crisis.kind,)
            )
        if verdict.is_unsure or not model_says_emergency:
            return verdict
        return SafetyVerdict(kind="emergency", certainty=Certainty.UNSURE, kinds=("emergency",))

    @staticmethod
    def models_may_speak(verdict: SafetyVerdict, text: str) -> bool:
        """Whether a model could change ``verdict`` (so whether to ask one at all): not when
        the words are sure or know a harmless context, nor for fewer than two words besides
        numbers ("3 Januar", "44388", "ok": too little to read danger into)."""
        if verdict.is_sure or verdict.calm:
            return False
        return len([word for word in text.split() if not word.isdigit()]) >= _MODEL_MIN_WORDS

    def is_yes(self, text: str) -> bool:
        """Whether ``text`` answers "yes" (to "are you or someone else in danger right now?")."""
        plain = normalise(text)
        candidates = self._yes.candidates(message_words(plain))
        return any(rule.regex.match(f"{plain} ") for rule in candidates)
