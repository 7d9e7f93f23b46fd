"""TelegramAdapter: real python-telegram-bot over HTTP against the local Bot API double."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiohttp
import pytest

from adapters.telegram import TelegramAdapter, WebhookConfig
from adapters.telegram_replies import split_text
from bot.errors import AuthenticationError, DeliveryError
from bot.messages import (
    ChannelName,
    ChatId,
    Choice,
    ConversationRef,
    Document,
    IncomingMessage,
    Location,
    MessageKind,
    Reply,
    Venue,
)
from bot.ports import ChatAdapter
from tests.doubles.telegram_api import TelegramDouble

pytestmark = pytest.mark.e2e

CHAT = 424242
ReplyFor = Callable[[IncomingMessage], Reply | None]


def echo(message: IncomingMessage) -> Reply | None:
    return Reply(text=f"echo: {message.text or message.choice or message.kind.value}")


class Recorder:
    """An on_message for tests: records every message and answers with ``reply_for``."""

    def __init__(self, adapter: TelegramAdapter, reply_for: ReplyFor = echo) -> None:
        self.adapter = adapter
        self.reply_for = reply_for
        self.messages: list[IncomingMessage] = []
        self.errors: list[Exception] = []
        self._arrived = asyncio.Event()

    async def __call__(self, message: IncomingMessage) -> None:
        self.messages.append(message)
        self._arrived.set()
        reply = self.reply_for(message)
        if reply is not None:
            try:
                await self.adapter.send(message.conversation, reply)
            except DeliveryError as exc:
                self.errors.append(exc)

    async def wait_for(self, n: int) -> list[IncomingMessage]:
        async with asyncio.timeout(10):
            while len(self.messages) < n:
                self._arrived.clear()
                await self._arrived.wait()
        return self.messages


def make_adapter(
    tg: TelegramDouble,
    *,
    webhook: WebhookConfig | None = None,
    request_timeout: float = 5.0,
    max_attempts: int = 5,
) -> TelegramAdapter:
    return TelegramAdapter(
        token=tg.token,
        base_url=tg.base_url,
        webhook=webhook,
        poll_timeout=2.0,
        request_timeout=request_timeout,
        max_attempts=max_attempts,
        backoff=0.05,
    )


def conversation(chat_id: int) -> ConversationRef:
    return ConversationRef(channel=ChannelName("telegram"), chat_id=ChatId(str(chat_id)))


@asynccontextmanager
async def running(
    tg: TelegramDouble,
    reply_for: ReplyFor = echo,
    *,
    webhook: WebhookConfig | None = None,
    request_timeout: float = 5.0,
    max_attempts: int = 5,
) -> AsyncIterator[Recorder]:
    """Run an adapter against ``tg`` for the block; cancel it and check it stopped after."""
    adapter = make_adapter(
        tg, webhook=webhook, request_timeout=request_timeout, max_attempts=max_attempts
    )
    recorder = Recorder(adapter, reply_for)
    async with asyncio.TaskGroup() as group:
        task = group.create_task(adapter.run(recorder))
        first_fetch = "setWebhook" if webhook else "getUpdates"
        await tg.wait_for_request(first_fetch)
        try:
            yield recorder
        finally:
            task.cancel()
    assert task.cancelled()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def texts(tg: TelegramDouble) -> list[str]:
    return [str(call.params["text"]) for call in tg.sent_by("sendMessage")]


async def test_adapter_satisfies_the_protocol(telegram_double: TelegramDouble) -> None:
    adapter = make_adapter(telegram_double)
    assert isinstance(adapter, ChatAdapter)
    assert adapter.name == "telegram"


async def test_polling_starts_with_get_me_delete_webhook_get_updates(
    telegram_double: TelegramDouble,
) -> None:
    tg = telegram_double
    async with running(tg):
        pass
    methods = [call.method for call in tg.requests]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert tg.requests[2].params["timeout"] == 2


async def test_polling_survives_failing_get_updates(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    tg.fail_next("getUpdates", status=502)
    tg.fail_next("getUpdates", status=429, retry_after=1)
    async with running(tg) as bot:
        tg.user_says(CHAT, "still there?")
        await bot.wait_for(1)
        await tg.wait_for_sent(1)
    assert [status for _, status in tg.faults_served] == [502, 429]
    assert texts(tg) == ["echo: still there?"]


async def test_text_reaches_on_message_with_language_hint(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    async with running(tg) as bot:
        sent = tg.user_says(CHAT, "أريد روضة لابني", user_id=77, language_code="ar")
        (message,) = await bot.wait_for(1)
        await tg.wait_for_sent(1)
    assert message.conversation == conversation(CHAT)
    assert message.sender == "77"
    assert message.kind is MessageKind.TEXT
    assert message.text == "أريد روضة لابني"
    assert message.lang_hint == "ar"
    assert message.message_id == f"{CHAT}:{sent['message_id']}"
    assert message.received_at is not None
    assert message.received_at.tzinfo is not None
    assert abs((datetime.now(UTC) - message.received_at).total_seconds()) < 60
    (call,) = tg.sent
    assert call.method == "sendMessage"
    assert call.params["chat_id"] == CHAT
    assert call.params["text"] == "echo: أريد روضة لابني"
    assert "parse_mode" not in call.params


async def test_commands_pass_through_as_text_and_regional_tags_shrink(
    telegram_double: TelegramDouble,
) -> None:
    tg = telegram_double
    async with running(tg) as bot:
        for command in ("/start", "/language", "/help", "/human", "/delete"):
            tg.user_says(CHAT, command, language_code="pt-BR")
        messages = await bot.wait_for(5)
    assert [m.text for m in messages] == ["/start", "/language", "/help", "/human", "/delete"]
    assert {m.kind for m in messages} == {MessageKind.TEXT}
    assert {m.lang_hint for m in messages} == {"pt"}


async def test_user_text_is_sent_back_verbatim_without_markup(
    telegram_double: TelegramDouble,
) -> None:
    tg = telegram_double
    async with running(tg):
        tg.user_says(CHAT, "<b>bold</b> & *stars* _under_")
        (call,) = await tg.wait_for_sent(1)
    assert call.params["text"] == "echo: <b>bold</b> & *stars* _under_"
    assert "parse_mode" not in call.params


async def test_messages_of_one_chat_arrive_in_order(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    async with running(tg) as bot:
        for number in range(20):
            tg.user_says(CHAT, f"message {number}")
        messages = await bot.wait_for(20)
        await tg.wait_for_sent(20)
    assert [m.text for m in messages] == [f"message {n}" for n in range(20)]
    assert texts(tg) == [f"echo: message {n}" for n in range(20)]


async def test_a_slow_chat_does_not_hold_up_another(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    other_chat_done = asyncio.Event()
    all_seen = asyncio.Event()
    seen: list[str] = []

    async def on_message(message: IncomingMessage) -> None:
        if message.text == "slow":
            # Only returns once the other chat's message was handled meanwhile.
            await asyncio.wait_for(other_chat_done.wait(), 5)
        seen.append(message.text)
        if message.conversation.chat_id == str(CHAT + 1):
            other_chat_done.set()
        if len(seen) == 3:
            all_seen.set()

    adapter = make_adapter(tg)
    async with asyncio.TaskGroup() as group:
        task = group.create_task(adapter.run(on_message))
        await tg.wait_for_request("getUpdates")
        tg.user_says(CHAT, "slow")
        tg.user_says(CHAT, "after slow")
        tg.user_says(CHAT + 1, "other chat")
        await asyncio.wait_for(all_seen.wait(), 10)
        task.cancel()
    assert seen == ["other chat", "slow", "after slow"]


def offer_choices(message: IncomingMessage) -> Reply | None:
    if message.kind is MessageKind.TEXT:
        choices = (
            Choice(key="intent:kita", label="Kita"),
            Choice(key="intent:registration", label="Anmeldung"),
        )
        return Reply(text="Worum geht es?", choices=choices)
    return Reply(text=f"picked {message.choice}", feedback=True)


async def test_choices_become_an_inline_keyboard_and_a_click_comes_back(
    telegram_double: TelegramDouble,
) -> None:
    tg = telegram_double
    async with running(tg, offer_choices) as bot:
        tg.user_says(CHAT, "Hallo")
        (question,) = await tg.wait_for_sent(1)
        assert question.params["text"] == "Worum geht es?\n\n1. Kita\n2. Anmeldung"
        assert question.params["reply_markup"] == {
            "inline_keyboard": [
                [{"text": "1. Kita", "callback_data": "intent:kita"}],
                [{"text": "2. Anmeldung", "callback_data": "intent:registration"}],
            ]
        }
        query_id = tg.user_clicks(CHAT, "intent:kita", question.result["message_id"], user_id=5)
        _, click = await bot.wait_for(2)
        await tg.wait_for_sent(3)
    assert click.kind is MessageKind.CHOICE
    assert click.choice == "intent:kita"
    assert click.sender == "5"
    assert click.conversation.chat_id == str(CHAT)
    assert click.message_id == f"cb:{query_id}"
    assert query_id in tg.answered_callbacks
    answer, picked = tg.sent[1:]
    assert answer.method == "answerCallbackQuery"
    assert picked.params["text"] == "picked intent:kita"
    assert picked.params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "👍", "callback_data": "fb:+1"}, {"text": "👎", "callback_data": "fb:-1"}]
        ]
    }


@pytest.mark.parametrize(("data", "rating"), [("fb:+1", "+1"), ("fb:-1", "-1")])
async def test_feedback_buttons_come_back_as_feedback(
    telegram_double: TelegramDouble, data: str, rating: str
) -> None:
    tg = telegram_double
    async with running(tg, lambda _: None) as bot:
        query_id = tg.user_clicks(CHAT, data, 3)
        (message,) = await bot.wait_for(1)
        await tg.wait_for_sent(1)
    assert message.kind is MessageKind.FEEDBACK
    assert message.text == rating
    assert message.choice is None
    assert query_id in tg.answered_callbacks


async def test_rating_removes_the_rating_buttons_only(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    choices = (Choice(key="more", label="Mehr"),)
    rated = Reply(text="Antwort", choices=choices, feedback=True)
    async with running(tg, lambda m: rated if m.kind is MessageKind.TEXT else None) as bot:
        tg.user_says(CHAT, "Frage")
        (answer,) = await tg.wait_for_sent(1)
        tg.user_clicks(CHAT, "fb:-1", answer.result["message_id"])
        await bot.wait_for(2)
        await tg.wait_for_sent(3)
    edit = tg.sent[2]
    assert edit.method == "editMessageReplyMarkup"
    assert edit.params["message_id"] == answer.result["message_id"]
    assert edit.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "1. Mehr", "callback_data": "more"}]]
    }


async def test_shared_location_becomes_location(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    async with running(tg, lambda _: None) as bot:
        tg.user_shares_location(CHAT, 51.5136, 7.4653)
        (message,) = await bot.wait_for(1)
    assert message.kind is MessageKind.LOCATION
    assert message.location == Location(lat=51.5136, lon=7.4653)


@pytest.mark.parametrize("what", ["photo", "sticker", "voice", "document"])
async def test_media_becomes_unsupported(telegram_double: TelegramDouble, what: str) -> None:
    tg = telegram_double
    pushes = {
        "photo": lambda: tg.user_sends_photo(CHAT, caption="mein Brief"),
        "sticker": lambda: tg.user_sends_sticker(CHAT),
        "voice": lambda: tg.user_sends_voice(CHAT),
        "document": lambda: tg.user_sends_document(CHAT),
    }
    async with running(tg) as bot:
        pushes[what]()
        (message,) = await bot.wait_for(1)
        (call,) = await tg.wait_for_sent(1)
    assert message.kind is MessageKind.UNSUPPORTED
    assert message.text == ("mein Brief" if what == "photo" else "")
    assert call.params["text"] == f"echo: {message.text or 'unsupported'}"


VENUE = Venue(
    name="Migrationsberatung Nord",
    address="Schützenstraße 42, 44147 Dortmund",
    lat=51.5225,
    lon=7.4611,
    map_url="https://www.openstreetmap.org/?mlat=51.5225&mlon=7.4611",
)
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


async def test_venue_and_document_follow_the_text(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    reply = Reply(
        text="Ihr Termin ist gebucht.",
        venue=VENUE,
        document=Document(filename="termin.ics", mime_type="text/calendar", content=ICS),
    )
    async with running(tg, lambda _: reply):
        tg.user_says(CHAT, "1")
        await tg.wait_for_sent(3)
    text, venue, document = tg.sent
    assert text.method == "sendMessage"
    assert text.params["text"] == "Ihr Termin ist gebucht."
    assert venue.method == "sendVenue"
    assert venue.params["latitude"] == pytest.approx(51.5225)
    assert venue.params["longitude"] == pytest.approx(7.4611)
    assert venue.params["title"] == "Migrationsberatung Nord"
    assert venue.params["address"] == "Schützenstraße 42, 44147 Dortmund"
    assert document.method == "sendDocument"
    upload = document.files["document"]
    assert upload.filename == "termin.ics"
    assert upload.content == ICS
    assert upload.content_type == "text/calendar"


async def test_long_text_is_split_under_the_limit(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    paragraphs = [f"Absatz {n}: " + "Wort " * 300 for n in range(8)]
    long_text = "\n\n".join(p.strip() for p in paragraphs)
    reply = Reply(text=long_text, choices=(Choice(key="more", label="Mehr"),))
    async with running(tg, lambda _: reply):
        tg.user_says(CHAT, "?")
        await tg.wait_for_sent(2)
        await asyncio.sleep(0.2)
    calls = tg.sent_by("sendMessage")
    assert len(calls) >= 2
    for call in calls:
        assert len(str(call.params["text"]).encode("utf-16-le")) // 2 <= 4096
        assert str(call.params["text"]).startswith("Absatz")
    assert [("reply_markup" in call.params) for call in calls] == [False] * (len(calls) - 1) + [
        True
    ]
    joined = "\n\n".join(texts(tg))
    assert joined.split() == (long_text + "\n\n1. Mehr").split()


def test_split_text_counts_utf16_and_cuts_words_when_it_must() -> None:
    emoji = "😀" * 3000  # 6000 UTF-16 units, no separators at all
    chunks = split_text(emoji)
    assert "".join(chunks) == emoji
    assert all(len(c.encode("utf-16-le")) // 2 <= 4096 for c in chunks)
    lines = "\n".join(f"Zeile {n}" for n in range(1000))
    chunks = split_text(lines, limit=100)
    assert all(len(c) <= 100 for c in chunks)
    assert "\n".join(chunks) == lines
    assert split_text("   ") == []


async def test_every_reply_arrives_once_despite_429_5xx_and_timeouts(
    telegram_double: TelegramDouble,
) -> None:
    tg = telegram_double
    tg.fail_next("sendMessage", status=429, retry_after=1)
    tg.fail_next("sendMessage", status=500)
    tg.fail_next("sendMessage", status=502)
    tg.stall_next("sendMessage", seconds=2.5)
    tg.fail_next("sendVenue", status=500)
    tg.fail_next("sendDocument", status=429, retry_after=1)

    def reply_for(message: IncomingMessage) -> Reply:
        if message.text == "last":
            document = Document(filename="t.ics", mime_type="text/calendar", content=ICS)
            return Reply(text="with venue", venue=VENUE, document=document)
        return Reply(text=f"echo: {message.text}")

    async with running(tg, reply_for, request_timeout=1.0) as bot:
        for number in range(6):
            tg.user_says(CHAT, f"m{number}")
        tg.user_says(CHAT, "last")
        await bot.wait_for(7)
        await tg.wait_for_sent(9)
        await asyncio.sleep(0.3)
    assert bot.errors == []
    assert texts(tg) == [f"echo: m{n}" for n in range(6)] + ["with venue"]
    assert len(tg.sent_by("sendVenue")) == 1
    assert len(tg.sent_by("sendDocument")) == 1
    assert sorted(tg.faults_served) == sorted(
        [
            ("sendMessage", 429),
            ("sendMessage", 500),
            ("sendMessage", 502),
            ("sendMessage", 0),
            ("sendVenue", 500),
            ("sendDocument", 429),
        ]
    )


async def test_persistent_failure_becomes_delivery_error(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    tg.fail_next("sendMessage", status=500, times=3)
    tg.fail_next("sendMessage", status=403)
    async with running(tg, max_attempts=3) as bot:
        tg.user_says(CHAT, "one")
        tg.user_says(CHAT, "two")
        tg.user_says(CHAT, "three")
        await bot.wait_for(3)
        await tg.wait_for_sent(1)
        await asyncio.sleep(0.2)
    assert len(bot.errors) == 2
    assert all(isinstance(e, DeliveryError) for e in bot.errors)
    assert texts(tg) == ["echo: three"]


async def test_invalid_token_raises_authentication_error(
    telegram_double: TelegramDouble,
) -> None:
    adapter = TelegramAdapter(token="999:not-the-token", base_url=telegram_double.base_url)
    with pytest.raises(AuthenticationError):
        await asyncio.wait_for(adapter.run(Recorder(adapter)), 10)


async def test_send_before_run_is_a_delivery_error(telegram_double: TelegramDouble) -> None:
    adapter = make_adapter(telegram_double)
    with pytest.raises(DeliveryError):
        await adapter.send(conversation(1), Reply(text="hi"))


async def test_webhook_mode_receives_posted_updates(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    port = free_port()
    hook = WebhookConfig(
        public_url=f"http://127.0.0.1:{port}/lotse/telegram",
        listen="127.0.0.1",
        port=port,
        secret_token="s3cret-Token_1",
    )
    async with running(tg, webhook=hook) as bot:
        assert tg.webhook_url == f"http://127.0.0.1:{port}/lotse/telegram"
        tg.user_says(CHAT, "über webhook", language_code="uk")
        (message,) = await bot.wait_for(1)
        (call,) = await tg.wait_for_sent(1)
        forged = {"update_id": 1, "message": {"message_id": 9, "date": 0, "chat": {}}}
        async with (
            aiohttp.ClientSession() as session,
            session.post(hook.public_url, json=forged) as response,
        ):
            assert response.status == 403
    assert message.text == "über webhook"
    assert message.lang_hint == "uk"
    assert call.params["text"] == "echo: über webhook"
    assert tg.webhook_deliveries == 1
    assert not any(c.method == "getUpdates" for c in tg.requests)
    assert len(bot.messages) == 1


async def test_webhook_without_a_secret_gets_a_random_one(
    telegram_double: TelegramDouble,
) -> None:
    tg = telegram_double
    port = free_port()
    hook = WebhookConfig(
        public_url="https://bot.example.org/hook",
        listen="127.0.0.1",
        port=port,
        url_path="",
    )
    async with running(tg, webhook=hook):
        call = await tg.wait_for_request("setWebhook")
    assert call.params["url"] == "https://bot.example.org/hook"
    assert len(str(call.params["secret_token"])) >= 32


async def test_the_token_never_reaches_the_log(
    telegram_double: TelegramDouble, caplog: pytest.LogCaptureFixture
) -> None:
    tg = telegram_double
    with caplog.at_level(logging.DEBUG):
        async with running(tg):
            tg.user_says(CHAT, "hallo")
            await tg.wait_for_sent(1)
    assert any("getUpdates" in record.getMessage() for record in caplog.records)
    assert not any(tg.token in record.getMessage() for record in caplog.records)


async def test_cancelling_run_stops_polling_and_confirms_updates(
    telegram_double: TelegramDouble,
) -> None:
    tg = telegram_double
    async with running(tg) as bot:
        tg.user_says(CHAT, "hallo")
        await bot.wait_for(1)
        await tg.wait_for_sent(1)
    await tg.wait_until_consumed(timeout=5)
    seen = len(tg.requests)
    await asyncio.sleep(0.5)
    assert len(tg.requests) == seen
    with pytest.raises(DeliveryError):
        await bot.adapter.send(conversation(1), Reply(text="x"))
