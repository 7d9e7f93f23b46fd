"""The channels add nothing and take nothing: the same conversation on the console and on
Telegram (over the Bot API double) gets the same answers from the core."""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from adapters.telegram import TelegramAdapter
from bot.app import Core, build_core, serve
from bot.knowledge_store import KnowledgeStore
from bot.messages import IncomingMessage, Reply
from bot.settings import Settings
from tests.doubles.telegram_api import TelegramDouble

pytestmark = [pytest.mark.e2e]

SCRIPT = (
    "привіт",
    "де зареєструватися після переїзду",
    "/language",
    "4",
    "где найти курсы немецкого",
    "дякую",
)


class Recording:
    """The channels' entry into the core, recording what the core answered to each message."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self.answers: list[tuple[tuple[str, tuple[str, ...]], ...]] = []
        self.handled = asyncio.Event()

    async def __call__(self, message: IncomingMessage) -> None:
        handled = await self._core.dispatcher.handle(message)
        self.answers.append(tuple(_shape(r) for r in handled.replies))
        self.handled.set()


def _shape(reply: Reply) -> tuple[str, tuple[str, ...]]:
    return reply.text, tuple(choice.label for choice in reply.choices)


async def _core(tmp_path: Path, name: str, store: KnowledgeStore) -> tuple[Core, Recording]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / f'{name}.sqlite3'}")
    core = await build_core(settings, knowledge=store)
    recording = Recording(core)
    core.dispatcher_entry = recording
    return core, recording


async def test_console_and_telegram_get_the_same_answers(
    telegram_double: TelegramDouble, knowledge_store: KnowledgeStore, tmp_path: Path
) -> None:
    console_core, console_answers = await _core(tmp_path, "console", knowledge_store)
    stdout = io.StringIO()
    console = ConsoleAdapter(stdin=io.StringIO("\n".join(SCRIPT) + "\n"), stdout=stdout)
    await serve(console_core, [console], watch_knowledge=False)
    await console_core.close()

    tg = telegram_double
    telegram_core, telegram_answers = await _core(tmp_path, "telegram", knowledge_store)
    adapter = TelegramAdapter(token=tg.token, base_url=tg.base_url, poll_timeout=1.0)
    serving = asyncio.create_task(serve(telegram_core, [adapter], watch_knowledge=False))
    try:
        await adapter.wait_ready()
        for line in SCRIPT:
            telegram_answers.handled.clear()
            tg.user_says(777, line, language_code="uk")
            async with asyncio.timeout(30):
                await telegram_answers.handled.wait()
        await asyncio.sleep(0.3)
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await telegram_core.close()

    assert len(console_answers.answers) == len(SCRIPT)
    assert telegram_answers.answers == console_answers.answers
    delivered = "\n".join(str(c.params["text"]) for c in tg.sent_by("sendMessage"))
    for replies in telegram_answers.answers:
        for text, labels in replies:
            assert text in delivered
            assert text in stdout.getvalue()
            for label in labels:
                assert label in stdout.getvalue()
