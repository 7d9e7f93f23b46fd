"""Builds the matcher from a knowledge base and turns its results into the core's terms."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from bot.turn import Understood
from intents.catalogue import Alias, Catalogue, Example
from intents.matcher import IntentMatcher
from intents.page_answers import PageAnswerer
from intents.page_search import PageIndex
from intents.semantic import SentenceEncoder
from knowledge.loader import KnowledgeBase

log = logging.getLogger(__name__)


def catalogue_of(kb: KnowledgeBase) -> Catalogue:
    return Catalogue(
        examples=tuple(Example(intent=e.intent, lang=e.lang, text=e.text) for e in kb.examples),
        aliases=tuple(
            Alias(term=a.term, intent=a.intent, variants=tuple(a.variants)) for a in kb.aliases
        ),
        languages=tuple(kb.meta.languages),
        safety=kb.safety.rules if kb.safety is not None else None,
    )


class Understanding:
    """The matcher for one knowledge base. Pure and synchronous, like the matcher itself."""

    def __init__(
        self, kb: KnowledgeBase, *, encoder: SentenceEncoder | None, cache_dir: Path | None
    ) -> None:
        self.matcher = IntentMatcher(catalogue_of(kb), encoder=encoder, cache_dir=cache_dir)
        self.pages = PageAnswerer(PageIndex(kb.pages, encoder=encoder, cache_dir=cache_dir))
        """Open-world answers from the knowledge base's information pages."""

    def understand(self, text: str, *, hints: Sequence[str | None] = ()) -> Understood:
        result = self.matcher.match(text, hints=tuple(h for h in hints if h))
        return Understood(
            intent=result.intent,
            confidence=result.confidence,
            decision=result.decision.value,
            alternatives=tuple((s.intent, s.confidence) for s in result.alternatives),
            lang=result.lang,
            lang_confidence=result.lang_confidence,
            safety=result.safety.certainty.value,
            safety_kind=result.safety.kind,
        )

    def is_yes(self, text: str) -> bool:
        """Whether ``text`` says yes to the safety question ("are you in danger right now?")."""
        return self.matcher.safety.is_yes(text)
