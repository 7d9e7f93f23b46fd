"""Finds which crisis patterns can match a message from its words, so only those are run."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from intents.normalise import normalise
from intents.scripts import Script, dominant_script

_GROUP = re.compile(r"^\{([a-z_]+)\}$")
_ANCHORS = frozenset({"^", "$", "...", "....."})
_ARABIC_PREFIXES = ("وال", "بال", "فال", "لل", "ال", "وب", "ول", "و", "ف", "ب", "ل")
_PREFIX_KEY = 3


@dataclass(slots=True)
class Rule:
    """One pattern: its regex source (compiled once) and a word the message must have."""

    source: str
    words: frozenset[str]
    prefixes: tuple[str, ...]
    _regex: re.Pattern[str] | None = field(default=None, repr=False)

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = _compiled(self.source)
        return self._regex


@functools.cache
def _compiled(source: str) -> re.Pattern[str]:
    # Thousands of patterns, and re's own cache holds 512: without this every knowledge reload
    # (and every matcher a process builds) would compile them all again, seconds each time.
    return re.compile(r"(?<!\S)(?:" + source + r")(?!\S)")


def _options(token: str, groups: Mapping[str, tuple[str, ...]]) -> tuple[set[str], set[str]]:
    """Words and prefixes, one of which a message must have for ``token`` to match."""
    found = _GROUP.match(token)
    if found is not None:
        words, prefixes = _group_options(tuple(groups.get(found.group(1), ())))
        return set(words), set(prefixes)
    stem = token.endswith("*")
    parts = normalise(token.rstrip("*")).split()
    if not parts:
        return set(), set()
    if stem:
        return set(), {parts[-1]}
    return {max(parts, key=len)}, set()


@functools.lru_cache(maxsize=256)
def _group_options(entries: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    words: set[str] = set()
    prefixes: set[str] = set()
    for entry in entries:
        entry_words, entry_prefixes = _best(entry.split(), {})
        words |= entry_words
        prefixes |= entry_prefixes
    return frozenset(words), frozenset(prefixes)


def _best(
    tokens: Iterable[str], groups: Mapping[str, tuple[str, ...]]
) -> tuple[set[str], set[str]]:
    """The token whose options are fewest: a literal word where there is one."""
    best: tuple[set[str], set[str]] | None = None
    for token in tokens:
        if token in _ANCHORS:
            continue
        words, prefixes = _options(token, groups)
        if not words and not prefixes:
            continue
        if best is None or len(words) + len(prefixes) < len(best[0]) + len(best[1]):
            best = (words, prefixes)
    return best or (set(), set())


def rule_of(pattern: str, source: str, groups: Mapping[str, tuple[str, ...]]) -> Rule:
    words, prefixes = _best(pattern.split(), groups)
    return Rule(
        source=source,
        words=frozenset(words),
        prefixes=tuple(sorted(p for p in prefixes if len(p) >= _PREFIX_KEY)),
    )


class RuleIndex:
    """Rules by the words that trigger them."""

    __slots__ = ("_by_prefix", "_by_word", "_rules")

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = tuple(rules)
        self._by_word: dict[str, list[int]] = defaultdict(list)
        self._by_prefix: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for index, rule in enumerate(self._rules):
            rule.regex  # noqa: B018 - compiled now, not while a user waits (seconds, once)
            for word in rule.words:
                self._by_word[word].append(index)
            for prefix in rule.prefixes:
                self._by_prefix[prefix[:_PREFIX_KEY]].append((prefix, index))

    def candidates(self, words: Iterable[str]) -> list[Rule]:
        """The rules that may match a message with these words, in their original order."""
        hits: set[int] = set()
        for word in words:
            hits.update(self._by_word.get(word, ()))
            for prefix, index in self._by_prefix.get(word[:_PREFIX_KEY], ()):
                if word.startswith(prefix):
                    hits.add(index)
        return [self._rules[index] for index in sorted(hits)]


def message_words(normalised: str) -> set[str]:
    """The words of a message, Arabic-script words also without their attached prefixes."""
    words = set(normalised.split())
    for word in list(words):
        if dominant_script(word) is not Script.ARABIC:
            continue
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                words.add(word[len(prefix) :])
    return words
