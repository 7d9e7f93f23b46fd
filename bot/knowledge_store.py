"""Serves the last good knowledge base and reloads it when admins edit the YAML."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bot.errors import KnowledgeError
from bot.texts import Texts
from bot.understanding import Understanding
from intents.semantic import SentenceEncoder
from knowledge.loader import KnowledgeBase, fingerprint, load_knowledge

log = logging.getLogger(__name__)

T = TypeVar("T")


async def in_daemon_thread(work: Callable[[], T]) -> T:
    """``work()`` in a daemon thread of its own. Not ``asyncio.to_thread``: the default
    executor's threads are joined when the process exits, so a SIGTERM while the matcher is
    being built (tens of seconds on a busy machine) would wait for the build instead of
    ending within the stop budget. A daemon thread is abandoned at exit; it only builds
    objects in memory."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.done():  # the awaiting task was cancelled
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = work()
        except BaseException as exc:  # handed to the awaiting task, which raises it
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name="lotse-knowledge", daemon=True).start()
    return await done


class KnowledgeStore:
    """Holds (knowledge base, texts, understanding); a broken edit leaves the old set serving.

    ``lazy=True`` (``lotse run``): the folder is read and checked at once, the matcher (which
    may have sentences to encode) is built by :meth:`ready` in a thread, so the channels can
    start meanwhile; the dispatcher awaits :meth:`ready` before it routes a message."""

    def __init__(
        self,
        root: Path,
        *,
        encoder_factory: Callable[[], SentenceEncoder | None],
        cache_dir: Path | None,
        lazy: bool = False,
    ) -> None:
        self._root = root
        self._cache_dir = cache_dir
        self._encoder: SentenceEncoder | None = encoder_factory()
        self._building = threading.Lock()
        self._ready_lock = asyncio.Lock()
        kb = load_knowledge(root)  # the first load must succeed: there is nothing to fall back on
        # Swapped as a whole, so a reader never mixes two versions.
        self._current: tuple[KnowledgeBase, Texts, Understanding | None] = (kb, Texts(kb), None)
        if not lazy:
            self._complete()

    def _complete(self) -> tuple[KnowledgeBase, Texts, Understanding]:
        """Build the matcher of the current version if nobody has yet (in any thread)."""
        with self._building:
            kb, texts, understanding = self._current
            if understanding is None:
                understanding = Understanding(kb, encoder=self._encoder, cache_dir=self._cache_dir)
                self._current = (kb, texts, understanding)
            return kb, texts, understanding

    def _build(self, kb: KnowledgeBase) -> None:
        understanding = Understanding(kb, encoder=self._encoder, cache_dir=self._cache_dir)
        with self._building:
            self._current = (kb, Texts(kb), understanding)

    def is_ready(self) -> bool:
        return self._current[2] is not None

    async def ready(self) -> None:
        """Return once the matcher is built (building it in a thread the first time)."""
        if self.is_ready():
            return
        async with self._ready_lock:
            if not self.is_ready():
                await in_daemon_thread(self._complete)
                log.info("understanding ready")

    def __call__(self) -> tuple[KnowledgeBase, Texts, Understanding]:
        kb, texts, understanding = self._current
        if understanding is None:
            return self._complete()  # nobody awaited ready(): build it here
        return kb, texts, understanding

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
        self._build(kb)
        log.info("knowledge base reloaded: %s", kb.summary())
        return []

    async def watch(self, every_seconds: float) -> None:
        """Reload whenever the files change, until cancelled. Nothing an edit does can end
        this loop (and with it the TaskGroup and the process): the last good version serves."""
        while True:
            await asyncio.sleep(every_seconds)
            try:
                await in_daemon_thread(self.reload)
            except Exception as exc:  # the reload loop's own error boundary
                log.error(
                    "knowledge base reload failed, last good version keeps serving: %s",
                    _where(exc),
                )


def _where(exc: BaseException) -> str:
    """``file:line: error`` for a file the reload could not read, else where the code failed
    (the exception's text may quote knowledge, so only its type is logged)."""
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}:1: {type(exc).__name__}: {exc.strerror}"
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        return f"{last.filename}:{last.lineno}: {type(exc).__name__}"
    return type(exc).__name__
