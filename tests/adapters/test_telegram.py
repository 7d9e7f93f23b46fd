"""TelegramAdapter: messages in, replies out; real python-telegram-bot over the Bot API double."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from telegram import Update

from adapters.telegram_replies import split_text
from adapters.telegram_updates import incoming_from_update
from bot.messages import (
    Choice,
    Document,
    IncomingMessage,
    Location,
    MessageKind,
    Reply,
)
from bot.ports import ChatAdapter
from tests.adapters.telegram_harness import (
    CHAT,
    ICS,
    VENUE,
    conversation,
    make_adapter,
    running,
    texts,
)
from tests.doubles.telegram_api import TelegramDouble

pytestmark = pytest.mark.e2e


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


async def test_commands_addressed_to_the_bot_lose_the_address(
    telegram_double: TelegramDouble,
) -> None:
    tg = telegram_double
    async with running(tg, lambda _: None) as bot:
        tg.user_says(CHAT, "/help@lotse_test_bot")
        tg.user_says(CHAT, "/start@lotse_test_bot ar")
        tg.user_says(CHAT, "mail me at a@b.de")
        messages = await bot.wait_for(3)
    assert [m.text for m in messages] == ["/help", "/start ar", "mail me at a@b.de"]


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


def test_messages_from_other_bots_and_service_messages_are_ignored() -> None:
    chat = {"id": CHAT, "type": "private", "first_name": "Test"}
    from_bot = {"id": 9, "is_bot": True, "first_name": "Other"}
    person = {"id": CHAT, "is_bot": False, "first_name": "Test"}
    by_bot = {"message_id": 1, "date": 0, "chat": chat, "from": from_bot, "text": "hi"}
    pinned = {"message_id": 2, "date": 0, "chat": chat, "from": person, "pinned_message": by_bot}
    for message in (by_bot, pinned):
        update = Update.de_json({"update_id": 1, "message": message}, None)
        assert update is not None
        assert incoming_from_update(update) is None


def test_a_click_under_an_inline_message_belongs_to_the_user_chat() -> None:
    query = {
        "id": "q1",
        "from": {"id": 31, "is_bot": False, "first_name": "T", "language_code": "fa"},
        "chat_instance": "c",
        "inline_message_id": "im1",
        "data": "intent:kita",
    }
    update = Update.de_json({"update_id": 2, "callback_query": query}, None)
    assert update is not None
    message = incoming_from_update(update)
    assert message is not None
    assert message.conversation == conversation(31)
    assert message.kind is MessageKind.CHOICE
    assert message.lang_hint == "fa"
