"""TelegramAdapter under trouble: flood waits, 5xx, timeouts, bad tokens, webhooks, shutdown."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from adapters.telegram import TelegramAdapter, WebhookConfig
from bot.errors import AuthenticationError, DeliveryError
from bot.messages import Document, IncomingMessage, Reply
from tests.adapters.telegram_harness import (
    CHAT,
    ICS,
    VENUE,
    Recorder,
    conversation,
    free_port,
    make_adapter,
    running,
    texts,
)
from tests.doubles.telegram_api import TelegramDouble

pytestmark = pytest.mark.e2e


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


async def test_send_works_once_ready(telegram_double: TelegramDouble) -> None:
    tg = telegram_double
    adapter = make_adapter(tg)
    async with asyncio.TaskGroup() as group:
        task = group.create_task(adapter.run(Recorder(adapter)))
        await asyncio.wait_for(adapter.wait_ready(), 10)
        await adapter.send(conversation(CHAT), Reply(text="Ihr Termin ist morgen."))
        task.cancel()
    assert texts(tg) == ["Ihr Termin ist morgen."]


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


async def test_crash_webhook_answers_200_only_after_the_update_was_handled(
    telegram_double: TelegramDouble,
) -> None:
    tg = telegram_double
    port = free_port()
    hook = WebhookConfig(
        public_url=f"http://127.0.0.1:{port}/hook", port=port, secret_token="s3cret-Token_2"
    )
    gate, entered = asyncio.Event(), asyncio.Event()
    handled: list[str] = []

    async def slow(message: IncomingMessage) -> None:
        entered.set()
        await gate.wait()
        handled.append(message.message_id)

    # A first run is stopped while the update is still being handled: no 200 was given.
    adapter = make_adapter(tg, webhook=hook)
    async with asyncio.TaskGroup() as group:
        task = group.create_task(adapter.run(slow))
        await tg.wait_for_request("setWebhook")
        tg.user_says(CHAT, "kommt das an?")
        await asyncio.wait_for(entered.wait(), 10)  # the post is being handled
        await asyncio.sleep(0.3)
        assert tg.webhook_deliveries == 0
        task.cancel()
    assert handled == []
    # The next run gets the same update again and confirms it once handled.
    gate.set()
    async with running(tg, webhook=hook) as bot:
        (message,) = await bot.wait_for(1)
        await tg.wait_until_consumed(timeout=5)
    assert message.text == "kommt das an?"
    assert tg.webhook_deliveries == 1
