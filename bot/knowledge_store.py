"""Serves the last good knowledge base and reloads it when admins edit the YAML."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from bot.errors import KnowledgeError
from bot.texts import Texts
from bot.understanding import Understanding
from intents.semantic import SentenceEncoder
from knowledge.loader import KnowledgeBase, fingerprint, load_knowledge

log = logging.getLogger(__name__)


class KnowledgeStore:
    """Holds (knowledge base, texts, understanding); a broken edit leaves the old set serving."""

    def __init__(
        self,
        root: Path,
        *,
        encoder_factory: Callable[[], SentenceEncoder | None],
        cache_dir: Path | None,
    ) -> None:
        self._root = root
        self._cache_dir = cache_dir
        self._encoder: SentenceEncoder | None = encoder_factory()
        kb = load_knowledge(root)  # the first load must succeed: there is nothing to fall back on
        self._current = self._build(kb)

    def _build(self, kb: KnowledgeBase) -> tuple[KnowledgeBase, Texts, Understanding]:
        understanding = Understanding(kb, encoder=self._encoder, cache_dir=self._cache_dir)
        return kb, Texts(kb), understanding

    def __call__(self) -> tuple[KnowledgeBase, Texts, Understanding]:
        return self._current

    @property
    def kb(self) -> KnowledgeBase:
        return self._current[0]

    def texts(self) -> Texts:
        return self._current[1]

    def reload(self) -> list[str]:
        """Load the folder again. Returns the problems; empty means the new version serves."""
        if fingerprint(self._root) == self.kb.fingerprint:
            return []
        try:
            kb = load_knowledge(self._root)
        except KnowledgeError as exc:
            for problem in exc.problems:
                log.error(
                    "knowledge base edit rejected, last good version keeps serving: %s", problem
                )
            return list(exc.problems)
        self._current = self._build(kb)
        log.info("knowledge base reloaded: %s", kb.summary())
        return []

    async def watch(self, every_seconds: float) -> None:
        """Reload whenever the files change, until cancelled."""
        while True:
            await asyncio.sleep(every_seconds)
            await asyncio.to_thread(self.reload)
