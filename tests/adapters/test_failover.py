"""Two `lotse run` processes on one PostgreSQL: one active, one standing by; SIGKILL the active
one mid-dialogue and the standby takes over within 30 s, with the conversation's state."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest

from tests.adapters.test_telegram_crash import CHATS, lotse_run, started, tail, texts_by_chat
from tests.doubles.telegram_api import TelegramDouble

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.postgres]


def _count(tg: TelegramDouble, method: str) -> int:
    return sum(1 for call in tg.requests if call.method == method)


async def test_failover_standby_takes_over_within_30s(
    telegram_double: TelegramDouble, postgres_url: str, tmp_path: Path
) -> None:
    tg = telegram_double
    chat = CHATS[0]
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"
    async with lotse_run(tg, postgres_url, log_a) as active:
        await started(tg, log_a)
        tg.user_says(chat, "Hallo", language_code="de")
        await tg.wait_for(lambda: bool(texts_by_chat(tg)[chat]), "the first answer", timeout=60)
        async with lotse_run(tg, postgres_url, log_b) as standby:
            await tg.wait_for(lambda: "standing by" in tail(log_b), "the standby", timeout=180)
            # Only the active process talks to Telegram: the standby never fetched the token.
            assert "Telegram adapter running" not in tail(log_b)
            answered = len(texts_by_chat(tg)[chat])
            active.send_signal(signal.SIGKILL)
            await active.wait()
            killed = time.monotonic()
            tg.user_says(chat, "Ich brauche einen Termin")
            await tg.wait_for(
                lambda: len(texts_by_chat(tg)[chat]) > answered, "the standby's answer", timeout=60
            )
            took_over = time.monotonic() - killed
            assert "this process is the active one" in tail(log_b)
            standby.send_signal(signal.SIGTERM)
            await asyncio.wait_for(standby.wait(), 15)
    assert took_over < 30, f"the standby answered {took_over:.1f}s after the kill"
    # The standby started its Telegram adapter only after the kill: two starts in all.
    assert _count(tg, "getMe") == 2
