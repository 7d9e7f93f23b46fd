"""MatrixAdapter against a real Synapse: direct chats, groups, staff rooms, restarts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from adapters.matrix import SYNC_TOKEN_KEY, MatrixAdapter
from bot.errors import AuthenticationError, DeliveryError
from bot.messages import (
    ChannelName,
    ChatId,
    Choice,
    ConversationRef,
    Document,
    IncomingMessage,
    MessageKind,
    Reply,
    Venue,
)
from bot.ports import ChatAdapter
from tests.adapters.matrix.matrix_user import WAIT_S, MatrixUser, fast_failing_config
from tests.fixtures.synapse import MatrixAccount, Synapse

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARABIC_QUESTION = "مرحبا، أبحث عن روضة أطفال لابني"
ARABIC_REPLY = Reply(
    text="أهلا! بماذا أستطيع مساعدتك؟",
    choices=(
        Choice(key="kita", label="روضة أطفال"),
        Choice(key="registration", label="تسجيل السكن"),
    ),
    lang="ar",
)
VENUE_REPLY = Reply(
    text="Die nächste Beratungsstelle:",
    venue=Venue(
        name="Integrationsagentur Nord",
        address="Münsterstraße 1, 44145 Dortmund",
        lat=51.5236,
        lon=7.4632,
        map_url="https://www.openstreetmap.org/?mlat=51.5236&mlon=7.4632",
    ),
    document=Document(
        filename="termin.ics",
        mime_type="text/calendar",
        content=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
    ),
)


class MemoryStore:
    """The KeyValueStore the adapter persists its sync token in, kept in a dict."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.written = asyncio.Condition()

    async def get(self, key: str) -> str | None:
        return self.values.get(key)

    async def set(self, key: str, value: str) -> None:
        async with self.written:
            self.values[key] = value
            self.written.notify_all()


class Recorder:
    """An on_message that records every message and answers it through the adapter."""

    def __init__(self, adapter: MatrixAdapter, store: MemoryStore) -> None:
        self.adapter = adapter
        self.store = store
        self.messages: list[IncomingMessage] = []
        self.tokens_seen: list[str | None] = []
        self._queue: asyncio.Queue[IncomingMessage] = asyncio.Queue()

    async def __call__(self, message: IncomingMessage) -> None:
        self.messages.append(message)
        self.tokens_seen.append(self.store.values.get(SYNC_TOKEN_KEY))
        reply = VENUE_REPLY if message.kind is MessageKind.LOCATION else ARABIC_REPLY
        if message.kind is MessageKind.FEEDBACK or message.text == "Kita-Kosten?":
            reply = Reply(text=f"Antwort auf {message.text}", feedback=True)
        await self.adapter.send(message.conversation, reply)
        await self._queue.put(message)

    async def next(self) -> IncomingMessage:
        async with asyncio.timeout(WAIT_S):
            return await self._queue.get()

    async def committed(self) -> None:
        """Wait until the sync token of the batch of the last message is stored."""
        before = self.tokens_seen[-1]
        async with asyncio.timeout(WAIT_S), self.store.written:
            await self.store.written.wait_for(
                lambda: self.store.values.get(SYNC_TOKEN_KEY) != before
            )


def make_adapter(
    synapse: Synapse,
    account: MatrixAccount,
    store: MemoryStore,
    *,
    staff_rooms: frozenset[str] = frozenset(),
    use_token: bool = False,
) -> MatrixAdapter:
    return MatrixAdapter(
        homeserver=synapse.base_url,
        user_id=account.user_id,
        password=None if use_token else account.password,
        access_token=account.access_token if use_token else None,
        device_id=account.device_id if use_token else None,
        store=store,
        staff_rooms=staff_rooms,
        client_config=fast_failing_config(),
        sync_timeout_ms=1000,
    )


@contextlib.asynccontextmanager
async def running(
    adapter: MatrixAdapter, on_message: Callable[[IncomingMessage], Awaitable[None]]
) -> AsyncIterator[None]:
    """Run the adapter as a task until the block ends, then cancel it like a shutdown does."""
    task = asyncio.create_task(adapter.run(on_message))
    ready = asyncio.create_task(adapter.wait_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=WAIT_S, return_when="FIRST_COMPLETED")
    if ready not in done:
        ready.cancel()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # re-raises what made run() fail
        pytest.fail("the adapter did not become ready")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_adapter_satisfies_the_protocol() -> None:
    adapter = MatrixAdapter(
        homeserver="http://127.0.0.1:9", user_id="@x:lotse.test", password="x", store=MemoryStore()
    )
    assert isinstance(adapter, ChatAdapter)
    assert adapter.name == "matrix"


async def test_direct_chat_in_arabic(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    store = MemoryStore()
    adapter = make_adapter(synapse, bot_account, store)
    recorder = Recorder(adapter, store)
    async with running(adapter, recorder):
        room_id = await user.create_room([bot_account.user_id], direct=True)
        await user.wait_joined(room_id, bot_account.user_id)

        event_id = await user.say(room_id, ARABIC_QUESTION)
        message = await recorder.next()
        assert message == IncomingMessage(
            conversation=ConversationRef(
                channel=adapter.name, chat_id=message.conversation.chat_id
            ),
            sender=message.sender,
            message_id=event_id,
            kind=MessageKind.TEXT,
            text=ARABIC_QUESTION,
            received_at=message.received_at,
        )
        assert message.conversation.chat_id == room_id
        assert message.sender == user.user_id
        assert message.received_at is not None and message.received_at.tzinfo is not None

        [answer] = await user.messages_from(bot_account.user_id, room_id, 1)
        assert answer["content"]["msgtype"] == "m.text"
        assert answer["content"]["body"] == (
            "أهلا! بماذا أستطيع مساعدتك؟\n\n1. روضة أطفال\n2. تسجيل السكن"
        )

        await user.send(
            room_id, {"msgtype": "m.location", "body": "Standort", "geo_uri": "geo:51.5136,7.4653"}
        )
        location = await recorder.next()
        assert location.kind is MessageKind.LOCATION
        assert location.location is not None
        assert (location.location.lat, location.location.lon) == (51.5136, 7.4653)

        venue_text, document = await user.messages_from(bot_account.user_id, room_id, 2)
        assert venue_text["content"]["body"] == (
            "Die nächste Beratungsstelle:\n\nIntegrationsagentur Nord\n"
            "Münsterstraße 1, 44145 Dortmund\n"
            "https://www.openstreetmap.org/?mlat=51.5236&mlon=7.4632"
        )
        assert document["content"]["msgtype"] == "m.file"
        assert document["content"]["body"] == "termin.ics"
        assert document["content"]["info"]["mimetype"] == "text/calendar"
        assert document["content"]["url"].startswith("mxc://lotse.test/")

        await user.send(
            room_id, {"msgtype": "m.image", "body": "foto.jpg", "url": document["content"]["url"]}
        )
        assert (await recorder.next()).kind is MessageKind.UNSUPPORTED

        # Another bot's notice is never answered; the text after it is.
        await user.send(room_id, {"msgtype": "m.notice", "body": "automatische Nachricht"})
        await user.say(room_id, "danke")
        assert (await recorder.next()).text == "danke"

    # The bot's own replies (five of them by now) were never fed back as messages.
    assert [m.sender for m in recorder.messages] == [user.user_id] * 4
    assert [m.kind for m in recorder.messages] == [
        MessageKind.TEXT,
        MessageKind.LOCATION,
        MessageKind.UNSUPPORTED,
        MessageKind.TEXT,
    ]


async def test_reactions_on_an_answer_are_feedback(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    store = MemoryStore()
    adapter = make_adapter(synapse, bot_account, store)
    recorder = Recorder(adapter, store)
    async with running(adapter, recorder):
        room_id = await user.create_room([bot_account.user_id], direct=True)
        question_id = await user.say(room_id, "Kita-Kosten?")
        await recorder.next()
        answer, *offered = await user.messages_from(
            bot_account.user_id, room_id, 3, ("m.room.message", "m.reaction")
        )
        assert [r["content"]["m.relates_to"] for r in offered] == [
            {"rel_type": "m.annotation", "event_id": answer["event_id"], "key": key}
            for key in ("\N{THUMBS UP SIGN}", "\N{THUMBS DOWN SIGN}")
        ]

        await user.react(room_id, question_id, "\N{THUMBS UP SIGN}")  # on their own message
        await user.react(room_id, answer["event_id"], "\N{SMILING FACE WITH SMILING EYES}")
        rating_id = await user.react(room_id, answer["event_id"], "\N{THUMBS DOWN SIGN}\ufe0f")
        rating = await recorder.next()
    assert (rating.kind, rating.text, rating.message_id) == (MessageKind.FEEDBACK, "-1", rating_id)
    assert len(recorder.messages) == 2


async def test_group_room_answers_only_when_addressed(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    other = MatrixUser(synapse, synapse.register())
    store = MemoryStore()
    adapter = make_adapter(synapse, bot_account, store)
    recorder = Recorder(adapter, store)
    try:
        async with running(adapter, recorder):
            room_id = await user.create_room([other.user_id, bot_account.user_id], direct=False)
            await other.client.join(room_id)
            await user.wait_joined(room_id, bot_account.user_id)

            await user.say(room_id, "Hallo zusammen, wie geht's?")
            await user.say(room_id, "Lotse: wo ist die Ausländerbehörde?")
            addressed = await recorder.next()
            assert addressed.text == "wo ist die Ausländerbehörde?"
            [answer] = await user.messages_from(bot_account.user_id, room_id, 1)

            await other.say(room_id, "Ich komme später")
            reply_to = {"m.relates_to": {"m.in_reply_to": {"event_id": answer["event_id"]}}}
            await user.say(room_id, "> <@lotse> ...\n\nund wann hat sie offen?", **reply_to)
            assert (await recorder.next()).text == "und wann hat sie offen?"

            await other.say(room_id, "hm", **{"m.mentions": {"user_ids": [bot_account.user_id]}})
            assert (await recorder.next()).sender == other.user_id
    finally:
        await other.client.close()
    assert len(recorder.messages) == 3


async def test_staff_room_passes_every_message_but_no_history(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    other = MatrixUser(synapse, synapse.register())
    try:
        room_id = await user.create_room([other.user_id], direct=False)
        await other.client.join(room_id)
        await user.say(room_id, "Notiz von gestern, nicht für den Bot")
        invite = await user.client.room_invite(room_id, bot_account.user_id)
        assert not hasattr(invite, "status_code"), invite
        await user.say(room_id, "Übernehme ich")  # written while the bot is offline

        store = MemoryStore()
        adapter = make_adapter(synapse, bot_account, store, staff_rooms=frozenset({room_id}))
        recorder = Recorder(adapter, store)
        async with running(adapter, recorder):
            assert (await recorder.next()).text == "Übernehme ich"
            await other.say(room_id, "Alles klar")
            assert (await recorder.next()).text == "Alles klar"
    finally:
        await other.client.close()
    assert [m.text for m in recorder.messages] == ["Übernehme ich", "Alles klar"]


async def test_first_start_does_not_answer_old_history(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    store = MemoryStore()
    first = make_adapter(synapse, bot_account, store)
    recorder = Recorder(first, store)
    async with running(first, recorder):
        room_id = await user.create_room([bot_account.user_id], direct=True)
        await user.wait_joined(room_id, bot_account.user_id)
    await user.say(room_id, "alte Nachricht")

    fresh_store = MemoryStore()  # a new installation: no sync token yet
    adapter = make_adapter(synapse, bot_account, fresh_store, use_token=True)
    fresh = Recorder(adapter, fresh_store)
    async with running(adapter, fresh):
        await user.say(room_id, "neue Nachricht")
        assert (await fresh.next()).text == "neue Nachricht"
    assert [m.text for m in fresh.messages] == ["neue Nachricht"]


async def test_restart_handles_each_message_exactly_once(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    store = MemoryStore()
    before = make_adapter(synapse, bot_account, store)
    first_run = Recorder(before, store)
    async with running(before, first_run):
        room_id = await user.create_room([bot_account.user_id], direct=True)
        await user.wait_joined(room_id, bot_account.user_id)
        await user.say(room_id, "eins")
        assert (await first_run.next()).text == "eins"
        await user.messages_from(bot_account.user_id, room_id, 1)
        await first_run.committed()

    down_id = await user.say(room_id, "zwei, während der Bot neu startet")

    after = make_adapter(synapse, bot_account, store, use_token=True)
    second_run = Recorder(after, store)
    async with running(after, second_run):
        handled = await second_run.next()
        assert handled.message_id == down_id
        [answer] = await user.messages_from(bot_account.user_id, room_id, 1)
        assert answer["content"]["body"].startswith(ARABIC_REPLY.text)
        await user.say(room_id, "drei")
        assert (await second_run.next()).text == "drei"

    assert [m.text for m in first_run.messages] == ["eins"]
    assert [m.text for m in second_run.messages] == ["zwei, während der Bot neu startet", "drei"]


async def test_wrong_password_is_an_authentication_error(
    synapse: Synapse, bot_account: MatrixAccount
) -> None:
    adapter = MatrixAdapter(
        homeserver=synapse.base_url,
        user_id=bot_account.user_id,
        password="not the password",
        store=MemoryStore(),
        client_config=fast_failing_config(),
    )
    with pytest.raises(AuthenticationError, match="M_FORBIDDEN"):
        await adapter.run(Recorder(adapter, MemoryStore()))


async def test_revoked_access_token_is_an_authentication_error(
    synapse: Synapse, bot_account: MatrixAccount
) -> None:
    adapter = MatrixAdapter(
        homeserver=synapse.base_url,
        user_id=bot_account.user_id,
        access_token="syt_not_a_token",
        store=MemoryStore(),
        client_config=fast_failing_config(),
    )
    with pytest.raises(AuthenticationError, match="M_UNKNOWN_TOKEN"):
        await adapter.run(Recorder(adapter, MemoryStore()))


async def test_send_failures_are_delivery_errors(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    store = MemoryStore()
    adapter = make_adapter(synapse, bot_account, store)
    foreign_room = await user.create_room([], direct=False)
    elsewhere = ConversationRef(channel=adapter.name, chat_id=ChatId(foreign_room))
    async with running(adapter, Recorder(adapter, store)):
        with pytest.raises(DeliveryError, match="M_FORBIDDEN"):
            await adapter.send(elsewhere, Reply(text="hallo"))
        with pytest.raises(DeliveryError, match="channel"):
            await adapter.send(
                ConversationRef(channel=ChannelName("telegram"), chat_id=ChatId("1")),
                Reply(text="hallo"),
            )


async def test_send_while_not_running_is_a_delivery_error() -> None:
    adapter = MatrixAdapter(
        homeserver="http://127.0.0.1:9",
        user_id="@lotse:lotse.test",
        password="x",
        store=MemoryStore(),
        ready_timeout_s=0.05,
    )
    room = ConversationRef(channel=adapter.name, chat_id=ChatId("!room:lotse.test"))
    with pytest.raises(DeliveryError, match="not connected"):
        await adapter.send(room, Reply(text="hallo"))


async def test_shutdown_lets_a_reply_in_flight_arrive(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    store = MemoryStore()
    adapter = make_adapter(synapse, bot_account, store)
    received: asyncio.Queue[IncomingMessage] = asyncio.Queue()
    sends: list[asyncio.Future[None]] = []

    async def answer_in_background(message: IncomingMessage) -> None:
        # Like the runner's in-flight wrapper: the answer goes on when the channel is cancelled.
        sends.append(asyncio.ensure_future(adapter.send(message.conversation, VENUE_REPLY)))
        await received.put(message)

    async with running(adapter, answer_in_background):
        room_id = await user.create_room([bot_account.user_id], direct=True)
        await user.say(room_id, "Wo ist die nächste Beratungsstelle?")
        async with asyncio.timeout(WAIT_S):
            await received.get()
    await sends[0]  # delivered, not cut off by the shutdown
    _text, document = await user.messages_from(bot_account.user_id, room_id, 2)
    assert document["content"]["body"] == "termin.ics"

    started = asyncio.get_running_loop().time()
    with pytest.raises(DeliveryError, match="stopped"):
        await adapter.send(
            ConversationRef(channel=adapter.name, chat_id=ChatId(room_id)), ARABIC_REPLY
        )
    assert asyncio.get_running_loop().time() - started < 1.0
