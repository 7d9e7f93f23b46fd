"""The whole bot over the Telegram double: an Arabic Kita question gets an Arabic answer."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path

import pytest

from adapters.telegram import TelegramAdapter
from bot.app import build_core, serve
from bot.knowledge_store import KnowledgeStore
from bot.settings import Settings
from tests.doubles.telegram_api import TelegramDouble

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-z]")
CHAT = 5550001


async def test_arabic_kita_question_gets_an_arabic_kita_answer(
    telegram_double: TelegramDouble, knowledge_store: KnowledgeStore, tmp_path: Path
) -> None:
    tg = telegram_double
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lotse.sqlite3'}")
    core = await build_core(settings, knowledge=knowledge_store)
    adapter = TelegramAdapter(token=tg.token, base_url=tg.base_url, poll_timeout=1.0)
    serving = asyncio.create_task(serve(core, [adapter], watch_knowledge=False))
    try:
        await tg.wait_for_request("getUpdates")
        tg.user_says(CHAT, "كيف بسجل ابني بالروضة (كيتا)؟ عمره 4 سنين", language_code="ar")
        await tg.wait_for_sent(1, timeout=30)
        await asyncio.sleep(0.5)  # let any follow-up parts of the reply arrive
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await core.close()
    answers = [c for c in tg.sent_by("sendMessage") if c.params["chat_id"] == CHAT]
    assert answers
    body = "\n".join(str(c.params["text"]) for c in answers)
    assert len(ARABIC_LETTER.findall(body)) > len(LATIN_LETTER.findall(body))
    assert "Kita" in body
    assert "MigraDO" in body
    assert all("parse_mode" not in c.params for c in answers)
