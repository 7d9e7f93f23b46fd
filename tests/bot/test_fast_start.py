"""`lotse run` starts the channels at once: messages wait, in order, until understanding is
ready; it waits for a database that is still starting."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.app import build_core, serve
from bot.errors import StorageError
from bot.knowledge_store import KnowledgeStore
from bot.messages import Reply
from bot.settings import Settings
from bot.storage.database import wait_for_database
from intents.semantic import Vectors
from knowledge.loader import BUNDLED_DIR
from tests.intents.conftest import TrigramEncoder


class GatedEncoder(TrigramEncoder):
    """Encodes the examples only once the test opens the gate (a slow first start)."""

    name = "gated-test"

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        assert self.gate.wait(timeout=60)
        return super().encode_passages(texts)


async def test_messages_wait_in_order_until_understanding_is_ready(tmp_path: Path) -> None:
    encoder = GatedEncoder()
    store = await asyncio.to_thread(
        KnowledgeStore, BUNDLED_DIR, encoder_factory=lambda: encoder, cache_dir=tmp_path,
        lazy=True,
    )  # fmt: skip
    assert not store.is_ready()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", cache_dir=tmp_path)
    memory = MemoryAdapter()
    core = await build_core(settings, adapters=(memory,), knowledge=store)
    serving = asyncio.create_task(serve(core, (memory,), watch_knowledge=False))
    try:
        await asyncio.sleep(0.05)  # the channel is running and takes messages
        asked: list[asyncio.Task[list[Reply]]] = []
        for chat, text in [("anna", "hallo"), ("ben", "hello"), ("anna", "/help")]:
            asked.append(asyncio.create_task(memory.say(chat, text)))
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)
        assert memory.sent == [] and not any(t.done() for t in asked)
        encoder.gate.set()
        replies = await asyncio.wait_for(asyncio.gather(*asked), timeout=120)
        assert all(replies) and store.is_ready()
        to_anna = [s.reply.text for s in memory.sent if s.to.chat_id == "anna"]
        assert to_anna[0] == replies[0][0].text and to_anna[-1] == replies[2][-1].text
    finally:
        encoder.gate.set()
        memory.stop()
        await serving
        await core.close()


async def test_run_waits_for_the_database_then_gives_up_clearly(tmp_path: Path) -> None:
    await wait_for_database(f"sqlite:///{tmp_path / 'db.sqlite3'}", 1)
    with pytest.raises(StorageError, match="did not answer within 1 s"):
        await wait_for_database("postgresql://lotse:secret@127.0.0.1:1/lotse", 1)
