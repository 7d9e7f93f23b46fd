"""The matcher's input: example utterances and alias words per intent, free of any file format."""

from __future__ import annotations

from dataclasses import dataclass

from intents.languages import LANGUAGES
from intents.safety import SafetyRules

UNKNOWN = "unknown"
EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One example utterance of an intent in one language."""

    intent: str
    lang: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Alias:
    """A (German office) word and how people write it in other scripts or misspell it."""

    term: str
    intent: str
    variants: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalogue:
    """What the matcher learns from: examples (``unknown`` included), aliases, crisis words."""

    examples: tuple[Example, ...]
    aliases: tuple[Alias, ...] = ()
    languages: tuple[str, ...] = LANGUAGES
    safety: SafetyRules | None = None
    """The crisis words of the safety layer; without them no message is ever a crisis."""

    @property
    def intents(self) -> tuple[str, ...]:
        """The intents with examples, in first-seen order."""
        return tuple(dict.fromkeys(example.intent for example in self.examples))
