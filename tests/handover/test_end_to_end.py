"""Handover over the real channels: a user on the Telegram double, staff in a Matrix room on a
real Synapse, the core on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from nio import AsyncClient, JoinResponse

from adapters.matrix import MatrixAdapter
from adapters.telegram import TelegramAdapter
from bot.app import Core, build_core
from bot.clock import FrozenClock
from bot.handover.roster import load_roster
from bot.knowledge_store import KnowledgeStore
from bot.ports import ChatAdapter
from bot.runner import InFlight
from bot.settings import Settings
from bot.storage.repositories import DatabaseKeyValueStore
from tests.adapters.matrix.matrix_user import MatrixUser, fast_failing_config
from tests.doubles.telegram_api import TelegramDouble
from tests.fixtures.synapse import MatrixAccount, Synapse

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHAT = 777001
"""The Telegram user's chat (a private chat's id is the user's id)."""
USER_NAME = "Ioana"
WAIT_S = 20.0
CARD = re.compile(r"new case ([A-Z0-9]{4,8})")


class StaffMember:
    """A person in the staff room, reading what the bot posts there."""

    def __init__(self, person: MatrixUser, bot_id: str, room_id: str) -> None:
        self.person = person
        self.bot_id = bot_id
        self.room_id = room_id
        self._unread: list[str] = []

    async def say(self, text: str) -> None:
        await self.person.say(self.room_id, text)

    async def bot_posts(self) -> str:
        """The bot's next message in the staff room."""
        if not self._unread:
            events = await self.person.messages_from(self.bot_id, self.room_id, 1)
            self._unread += [str(e["content"]["body"]) for e in events]
        return self._unread.pop(0)


@dataclass
class Channels:
    """Everything outside the bot: the Telegram double, the homeserver and the staff room."""

    telegram: TelegramDouble
    synapse: Synapse
    bot: MatrixAccount
    ana: StaffMember
    mallory: StaffMember
    roster: Path

    async def telegram_text(self, n: int) -> str:
        """The text of the bot's ``n``-th delivery to Telegram users (1-based)."""
        sent = await self.telegram.wait_for_sent(n, timeout=WAIT_S)
        return str(sent[n - 1].params["text"])

    def user_says(self, text: str) -> None:
        self.telegram.user_says(CHAT, text, language_code="ro", first_name=USER_NAME)


@contextlib.asynccontextmanager
async def running_bot(
    channels: Channels, database_url: str, knowledge: KnowledgeStore, clock: FrozenClock
) -> AsyncIterator[Core]:
    """`lotse run` in miniature: the core and both channels, stopped like a shutdown."""
    settings = Settings(database_url=database_url, staff_roster=channels.roster)
    core = await build_core(settings, clock=clock, knowledge=knowledge)
    telegram = TelegramAdapter(
        token=channels.telegram.token,
        base_url=channels.telegram.base_url,
        poll_timeout=1.0,
        request_timeout=5.0,
        backoff=0.05,
    )
    matrix = MatrixAdapter(
        homeserver=channels.synapse.base_url,
        user_id=channels.bot.user_id,
        password=channels.bot.password,
        store=DatabaseKeyValueStore(core.database),
        staff_rooms=load_roster(channels.roster).room_ids("matrix"),
        client_config=fast_failing_config(),
        sync_timeout_ms=1000,
    )
    adapters: list[ChatAdapter] = [telegram, matrix]
    for adapter in adapters:
        core.outbox.attach(adapter)
    # As `lotse run` does it: messages in hand finish even when their channel is cancelled.
    in_flight = InFlight(core.dispatcher.handle)
    runs = [asyncio.create_task(adapter.run(in_flight)) for adapter in adapters]
    try:
        async with asyncio.timeout(WAIT_S):
            await matrix.wait_ready()
            await channels.telegram.wait_for_request("getUpdates", timeout=WAIT_S)
        await core.outbox.flush()
        yield core
    finally:
        for run in runs:
            run.cancel()
        for run in runs:
            with contextlib.suppress(asyncio.CancelledError):
                await run
        await in_flight.drain(WAIT_S)
        await core.close()


async def _person(synapse: Synapse, localpart_hint: str) -> MatrixUser:
    account = synapse.register(f"{localpart_hint}-{secrets.token_hex(4)}")
    person = MatrixUser(synapse, account)
    await person.start()
    return person


@pytest.fixture
async def channels(synapse: Synapse, tmp_path: Path) -> AsyncIterator[Channels]:
    bot = synapse.register()
    client = AsyncClient(synapse.base_url, bot.user_id, config=fast_failing_config())
    client.restore_login(bot.user_id, bot.device_id, bot.access_token)
    await client.set_displayname("Lotse")
    await client.close()
    ana, mallory = await _person(synapse, "ana"), await _person(synapse, "mallory")
    room_id = await ana.create_room([bot.user_id, mallory.user_id], direct=False)
    assert isinstance(await mallory.client.join(room_id), JoinResponse)
    roster = tmp_path / "staff-roster.yaml"
    roster.write_text(
        "members:\n"
        "  - name: Ana\n"
        f'    identities: {{matrix: "{ana.user_id}"}}\n'
        "    languages: [de, ro]\n"
        "rooms:\n"
        "  - channel: matrix\n"
        f'    chat_id: "{room_id}"\n',
        encoding="utf-8",
    )
    try:
        async with TelegramDouble() as telegram:
            yield Channels(
                telegram=telegram,
                synapse=synapse,
                bot=bot,
                ana=StaffMember(ana, bot.user_id, room_id),
                mallory=StaffMember(mallory, bot.user_id, room_id),
                roster=roster,
            )
    finally:
        await ana.client.close()
        await mallory.client.close()


async def _open_case(channels: Channels) -> str:
    """The Romanian user asks for a person; returns the case id from the card in the room."""
    channels.user_says("Vreau să vorbesc cu o persoană")
    opened = await channels.telegram_text(1)
    assert opened.startswith("Transmit conversația dumneavoastră unei persoane")
    card = await channels.ana.bot_posts()
    found = CARD.search(card)
    assert found, card
    assert "language: ro (Română)" in card
    assert "Nutzer/user: Vreau să vorbesc cu o persoană" in card
    assert str(CHAT) not in card and USER_NAME not in card
    return found.group(1)


async def test_a_romanian_user_on_telegram_is_helped_from_a_matrix_staff_room(
    channels: Channels, database_url: str, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> None:
    ana = channels.ana
    async with running_bot(channels, database_url, knowledge_store, clock):
        await channels.ana.person.wait_joined(ana.room_id, channels.bot.user_id)
        case_id = await _open_case(channels)

        await ana.say(f"!claim {case_id}")
        assert await channels.telegram_text(2) == (
            "Ana de la biroul de consiliere vă răspunde acum aici."
        )
        assert (await ana.bot_posts()).startswith(f"{case_id}: übernommen von / claimed by Ana")

        await ana.say(f"!reply {case_id} Bună ziua! Cu ce vă pot ajuta?")
        assert await channels.telegram_text(3) == "Ana: Bună ziua! Cu ce vă pot ajuta?"

        channels.user_says("Am primit o scrisoare de la Jobcenter și nu o înțeleg.")
        assert await ana.bot_posts() == (
            f"[{case_id} → Ana] Am primit o scrisoare de la Jobcenter și nu o înțeleg."
        )

        await ana.say(f"!close {case_id}")
        closing = await channels.telegram_text(4)
        assert closing.startswith("Biroul de consiliere a încheiat conversația.")
        assert "1. Da, mulțumesc" in closing
        assert "the bot is back" in await ana.bot_posts()

        # The bot answers the user itself again.
        channels.user_says("Unde pot învăța limba germană?")
        await channels.telegram.wait_for_sent(5, timeout=WAIT_S)
        answer = channels.telegram.sent[4]
        assert "Ana" not in str(answer.params["text"])
        buttons = str(answer.params.get("reply_markup"))
        assert "fb:-1" in buttons, "a knowledge answer the user can rate"


async def test_someone_not_on_the_roster_cannot_claim_in_the_staff_room(
    channels: Channels, database_url: str, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> None:
    ana, mallory = channels.ana, channels.mallory
    async with running_bot(channels, database_url, knowledge_store, clock):
        await ana.person.wait_joined(ana.room_id, channels.bot.user_id)
        case_id = await _open_case(channels)

        await mallory.say(f"!claim {case_id}")
        await mallory.say(f"!reply {case_id} Trimiteți-mi numărul de telefon")
        await mallory.say(f"!close {case_id}")
        # Room messages are handled in order: once Ana's question is answered, Mallory's
        # commands were handled before it.
        await ana.say("!cases")
        listing = await ana.bot_posts()
        assert listing.startswith("Offene Fälle / open cases:")
        assert f"{case_id} · ro" in listing and listing.endswith("offen / open")
        assert len(channels.telegram.sent) == 1, "the user got nothing from Mallory"


async def test_a_restart_mid_case_loses_no_message_in_either_direction(
    channels: Channels, database_url: str, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> None:
    ana = channels.ana
    async with running_bot(channels, database_url, knowledge_store, clock):
        await ana.person.wait_joined(ana.room_id, channels.bot.user_id)
        case_id = await _open_case(channels)
        await ana.say(f"!claim {case_id}")
        await channels.telegram_text(2)
        await ana.bot_posts()

    # The bot is down: the user and the staff member both write.
    channels.user_says("Mai sunteți acolo?")
    await ana.say(f"!reply {case_id} Da, o clipă vă rog.")

    async with running_bot(channels, database_url, knowledge_store, clock):
        assert await channels.telegram_text(3) == "Ana: Da, o clipă vă rog."
        assert await ana.bot_posts() == f"[{case_id} → Ana] Mai sunteți acolo?"
