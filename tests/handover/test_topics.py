"""A Telegram staff group with topics: each case gets its own topic, and staff answer in it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Update

from adapters.telegram import TelegramAdapter
from adapters.telegram_updates import incoming_from_update
from bot.app import Core, build_core
from bot.clock import FrozenClock
from bot.handover.models import CaseRow, CaseStatus
from bot.knowledge_store import KnowledgeStore
from bot.settings import Settings
from tests.doubles.telegram_api import ApiCall, TelegramDouble

pytestmark = pytest.mark.slow

USER = 777002
"""The user's private chat (its id is the user's id)."""
USER_NAME = "Ioana"
GROUP = -1001234567890
"""The staff group: a supergroup with topics."""
ANA = 5001
MALLORY = 6666
WAIT_S = 10.0

ROSTER = f"""\
members:
  - name: Ana
    identities: {{telegram: {ANA}}}
    languages: [de, ro]
rooms:
  - channel: telegram
    chat_id: {GROUP}
    topics: true
"""


@contextlib.asynccontextmanager
async def running_bot(
    telegram: TelegramDouble, roster: Path, database_url: str, knowledge: KnowledgeStore,
    clock: FrozenClock,
) -> AsyncIterator[Core]:  # fmt: skip
    settings = Settings(database_url=database_url, staff_roster=roster)
    core = await build_core(settings, clock=clock, knowledge=knowledge)
    adapter = TelegramAdapter(
        token=telegram.token, base_url=telegram.base_url, poll_timeout=1.0, backoff=0.05
    )
    core.outbox.attach(adapter)
    run = asyncio.create_task(adapter.run(core.dispatcher))
    try:
        async with asyncio.timeout(WAIT_S):
            await adapter.wait_ready()
        yield core
    finally:
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await run
        await core.close()


def messages_to(telegram: TelegramDouble, chat: int) -> list[ApiCall]:
    return [c for c in telegram.sent_by("sendMessage") if c.params["chat_id"] == chat]


async def next_message_to(telegram: TelegramDouble, chat: int, seen: int) -> ApiCall:
    """The bot's ``seen + 1``-th message to ``chat``."""
    await telegram.wait_for(
        lambda: len(messages_to(telegram, chat)) > seen, f"message {seen + 1} to {chat}", WAIT_S
    )
    return messages_to(telegram, chat)[seen]


async def case_of(core: Core, case_id: str) -> CaseRow:
    async with core.database.unit_of_work() as session:
        case = await session.get(CaseRow, case_id)
    assert case is not None
    return case


async def test_a_case_gets_its_own_topic_and_staff_answer_inside_it(
    database_url: str, tmp_path: Path, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> None:
    roster = tmp_path / "staff-roster.yaml"
    roster.write_text(ROSTER, encoding="utf-8")
    async with TelegramDouble() as tg:
        tg.make_forum(GROUP)
        async with running_bot(tg, roster, database_url, knowledge_store, clock) as core:
            tg.user_says(USER, "Vreau să vorbesc cu o persoană", language_code="ro",
                         first_name=USER_NAME)  # fmt: skip
            opened = await next_message_to(tg, USER, 0)
            assert str(opened.params["text"]).startswith("Transmit conversația")

            topic = await tg.wait_for_request("createForumTopic", timeout=WAIT_S)
            card = await next_message_to(tg, GROUP, 0)
            thread = int(card.params["message_thread_id"])
            name = tg.topics[(GROUP, thread)]
            case_id = name.split()[1]
            assert name == f"Fall {case_id} · ro"
            assert topic.params["chat_id"] == GROUP
            text = str(card.params["text"])
            assert f"new case {case_id}" in text
            assert USER_NAME not in text + name and str(USER) not in text + name

            # Someone not on the roster writes in the topic: nothing happens.
            tg.user_says(GROUP, "Dați-mi numărul dumneavoastră", user_id=MALLORY,
                         thread_id=thread)  # fmt: skip
            tg.user_says(GROUP, "!close", user_id=MALLORY, thread_id=thread)
            await tg.wait_until_consumed(timeout=WAIT_S)

            # Ana answers with plain text in the topic: the user gets it, the case is hers.
            tg.user_says(GROUP, "Bună ziua! Cu ce vă pot ajuta?", user_id=ANA, thread_id=thread)
            answer = await next_message_to(tg, USER, 1)
            assert answer.params["text"] == "Ana: Bună ziua! Cu ce vă pot ajuta?"
            assert len(messages_to(tg, USER)) == 2, "nothing reached the user from Mallory"
            assert (await case_of(core, case_id)).claimed_by == "Ana"

            # The user's answer lands in the same topic.
            seen = len(messages_to(tg, GROUP))
            tg.user_says(USER, "Am primit o scrisoare.", language_code="ro")
            forwarded = await next_message_to(tg, GROUP, seen)
            assert forwarded.params["text"] == f"[{case_id} → Ana] Am primit o scrisoare."
            assert forwarded.params["message_thread_id"] == thread

            # `!reply` without an id works in the topic too.
            tg.user_says(GROUP, "!reply Trimiteți-mi o poză.", user_id=ANA, thread_id=thread)
            assert (await next_message_to(tg, USER, 2)).params["text"] == (
                "Ana: Trimiteți-mi o poză."
            )

            # `!close` in the topic closes this case; the notice stays in the topic.
            seen = len(messages_to(tg, GROUP))
            tg.user_says(GROUP, "!close", user_id=ANA, thread_id=thread)
            closing = await next_message_to(tg, USER, 3)
            assert str(closing.params["text"]).startswith("Biroul de consiliere a încheiat")
            notice = await next_message_to(tg, GROUP, seen)
            assert "the bot is back" in str(notice.params["text"])
            assert notice.params["message_thread_id"] == thread
            case = await case_of(core, case_id)
            assert case.status == CaseStatus.CLOSED.value
            assert all("message_thread_id" not in c.params for c in messages_to(tg, USER))


def test_a_reply_thread_in_a_plain_group_is_not_a_topic() -> None:
    update = Update.de_json(
        {
            "update_id": 1,
            "message": {
                "message_id": 9,
                "date": 0,
                "chat": {"id": GROUP, "type": "supergroup", "title": "Staff"},
                "from": {"id": ANA, "is_bot": False, "first_name": "Ana"},
                "text": "!cases",
                "message_thread_id": 4,
            },
        },
        None,
    )
    incoming = incoming_from_update(update)
    assert incoming is not None and incoming.conversation.thread_id is None
