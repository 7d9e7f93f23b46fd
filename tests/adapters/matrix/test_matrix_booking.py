"""The whole bot on Synapse: book a slot in Arabic with numbered replies, restart the bot in the
middle of the dialogue, and nothing is repeated or lost."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from nio import SyncResponse

from adapters.matrix import MatrixAdapter
from bot.app import build_core, load_knowledge_store, serve
from bot.booking import install_booking
from bot.booking.staff import RecordingStaffNotifier
from bot.clock import FrozenClock
from bot.knowledge_store import KnowledgeStore
from bot.settings import Settings
from bot.storage.repositories import DatabaseKeyValueStore
from tests.adapters.matrix.matrix_user import MatrixUser, fast_failing_config
from tests.booking.kb import kb_booking_at_lanstrop
from tests.fixtures.synapse import MatrixAccount, Synapse

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@asynccontextmanager
async def running_bot(
    synapse: Synapse,
    bot_account: MatrixAccount,
    settings: Settings,
    store: KnowledgeStore,
    clock: FrozenClock,
) -> AsyncIterator[MatrixAdapter]:
    core = await build_core(settings, knowledge=store, clock=clock)
    # Staff are told through a recording notifier (no staff room on this homeserver).
    install_booking(core, staff=RecordingStaffNotifier())
    adapter = MatrixAdapter(
        homeserver=synapse.base_url,
        user_id=bot_account.user_id,
        access_token=bot_account.access_token,
        device_id=bot_account.device_id,
        store=DatabaseKeyValueStore(core.database),
        client_config=fast_failing_config(),
        sync_timeout_ms=500,
    )
    serving = asyncio.create_task(serve(core, [adapter], watch_knowledge=False))
    try:
        async with asyncio.timeout(30):
            await adapter.wait_ready()
        yield adapter
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await core.close()


async def bot_events(
    user: MatrixUser, room_id: str, bot_id: str, quiet_s: float = 1.5
) -> list[dict[str, Any]]:
    """The bot's next messages in the room: at least one, then until it is quiet."""
    found: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    quiet_since = loop.time()
    async with asyncio.timeout(40):
        while not found or loop.time() - quiet_since < quiet_s:
            response = await user.client.sync(timeout=300)
            assert isinstance(response, SyncResponse), response
            room = response.rooms.join.get(room_id)
            new = [
                e.source
                for e in (room.timeline.events if room else ())
                if e.source["type"] == "m.room.message" and e.source["sender"] == bot_id
            ]
            if new:
                found += new
                quiet_since = loop.time()
    return found


def bodies(events: list[dict[str, Any]]) -> str:
    return "\n".join(str(e["content"].get("body", "")) for e in events)


async def test_booking_in_arabic_survives_a_restart_mid_dialogue(
    synapse: Synapse,
    user: MatrixUser,
    bot_account: MatrixAccount,
    knowledge_store: KnowledgeStore,
    clock: FrozenClock,
    tmp_path: Path,
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'lotse.sqlite3'}",
        knowledge_dir=kb_booking_at_lanstrop(tmp_path),
    )
    knowledge_store = load_knowledge_store(settings)
    bot_id = bot_account.user_id
    async with running_bot(synapse, bot_account, settings, knowledge_store, clock):
        room = await user.create_room([bot_id], direct=True)
        await user.wait_joined(room, bot_id)
        await user.say(room, "أريد حجز موعد في مكتب استشارة")
        slots = await bot_events(user, room, bot_id)
        assert "1." in bodies(slots) and any("\u0600" <= ch <= "\u06ff" for ch in bodies(slots))
        await user.say(room, "1")
        confirm = await bot_events(user, room, bot_id)
        assert "1." in bodies(confirm)

    # The bot is down; the user confirms anyway. After the restart that answer is handled once.
    await user.say(room, "1")
    async with running_bot(synapse, bot_account, settings, knowledge_store, clock):
        booked = await bot_events(user, room, bot_id)
        await user.say(room, "1")
        mine = await bot_events(user, room, bot_id)

    assert any(e["content"].get("msgtype") == "m.file" for e in booked), "the .ics arrives"
    assert any(str(e["content"].get("body", "")).endswith(".ics") for e in booked)
    assert bodies(slots) not in bodies(booked + mine), "nothing from before is repeated"
    assert bodies(confirm) not in bodies(booked + mine)
    # Synapse stamps events with the real time, so the offered day depends on today's date.
    booked_days = set(re.findall(r"\d\d\.\d\d\.\d{4}", bodies(booked)))
    assert booked_days, "the confirmation names the day"
    assert booked_days <= set(re.findall(r"\d\d\.\d\d\.\d{4}", bodies(mine))), (
        "the booking is listed under 'my appointments'"
    )
    everything = [*slots, *confirm, *booked, *mine]
    assert len({e["event_id"] for e in everything}) == len(everything)
