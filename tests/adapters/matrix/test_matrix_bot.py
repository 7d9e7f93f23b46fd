"""The whole bot on Synapse: a question in Arabic in a direct chat gets an Arabic answer."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path

import pytest

from adapters.matrix import MatrixAdapter
from bot.app import build_core, serve
from bot.knowledge_store import KnowledgeStore
from bot.settings import Settings
from bot.storage.repositories import DatabaseKeyValueStore
from tests.adapters.matrix.matrix_user import MatrixUser, fast_failing_config
from tests.fixtures.synapse import MatrixAccount, Synapse

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


async def test_arabic_question_gets_an_arabic_answer(
    synapse: Synapse,
    user: MatrixUser,
    bot_account: MatrixAccount,
    knowledge_store: KnowledgeStore,
    tmp_path: Path,
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lotse.sqlite3'}")
    core = await build_core(settings, knowledge=knowledge_store)
    adapter = MatrixAdapter(
        homeserver=synapse.base_url,
        user_id=bot_account.user_id,
        password=bot_account.password,
        store=DatabaseKeyValueStore(core.database),
        client_config=fast_failing_config(),
        sync_timeout_ms=1000,
    )
    serving = asyncio.create_task(serve(core, [adapter], watch_knowledge=False))
    try:
        async with asyncio.timeout(30):
            await adapter.wait_ready()
        room_id = await user.create_room([bot_account.user_id], direct=True)
        await user.wait_joined(room_id, bot_account.user_id)
        await user.say(room_id, "أين يمكنني تعلم اللغة الألمانية؟")
        [answer] = await user.messages_from(bot_account.user_id, room_id, 1)
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await core.close()
    body = answer["content"]["body"]
    assert answer["content"]["msgtype"] == "m.text"
    assert len(ARABIC_LETTER.findall(body)) > len(LATIN_LETTER.findall(body))
    assert "MigraDO" in body  # the language-course answer names the advice office
