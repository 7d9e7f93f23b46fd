"""No message text, address or chat id in the logs above DEBUG, even on a database error."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.memory import MemoryAdapter
from bot.app import build_core
from bot.logcontext import configure_logging
from bot.messages import IncomingMessage
from bot.settings import Settings
from bot.state import ConversationState
from bot.storage.models import ConversationRow
from bot.turn import Turn

CHAT = "4915112345678"
SECRET = "mein Mann schlägt mich wieder, Mallinckrodtstraße 17"


class StoresTheTextWrongly:
    """A gate with a bug: it writes the message into a column that must not be empty."""

    async def intercept(
        self, message: IncomingMessage, state: ConversationState, session: AsyncSession,
        now: datetime,
    ) -> Turn | None:  # fmt: skip
        await session.execute(
            insert(ConversationRow).values(key=None, channel="memory", state=message.text,
                                           version=1, updated_at=now)
        )  # fmt: skip
        return None


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("level", ["INFO", "WARNING"])
async def test_privacy_database_error_leaves_no_text_in_logs(
    level: str, database_url: str, tmp_path: Path, restore_logging: None
) -> None:
    settings = Settings(database_url=database_url, semantic=False, cache_dir=tmp_path)
    memory = MemoryAdapter()
    core = await build_core(settings, adapters=(memory,))
    memory.bind(core.dispatcher)
    core.dispatcher.add_gate(StoresTheTextWrongly())
    logs = io.StringIO()
    configure_logging(level, stream=logs)
    try:
        replies = await memory.say(CHAT, SECRET, message_id=f"{CHAT}:1")
    finally:
        await core.close()
    # The user gets the apology, and the failure is logged with where it happened ...
    assert "/human" in replies[0].text
    written = logs.getvalue()
    assert "IntegrityError" in written and "handling a message failed" in written
    # ... but nothing of what they wrote, where they live, or who they are.
    for secret in ("Mallinckrodt", "schlägt", "Mann", "17'", CHAT):
        assert secret not in written, (secret, written)
