"""A real `lotse run` against the Bot API double: SIGKILL mid-burst, SIGTERM while Telegram hangs.

Nothing may be lost: an update is confirmed to Telegram only after its message was committed,
and a reply committed but not sent stays in the outbox. A send whose outcome the killed process
never learnt may arrive twice (the Bot API has no idempotency key); nothing else may.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.doubles.telegram_api import TelegramDouble

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180.0
CHATS = [910_000 + n for n in range(30)]


def _env(tg: TelegramDouble, database: Path | str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        LOTSE_TELEGRAM_TOKEN=tg.token,
        LOTSE_TELEGRAM_BASE_URL=tg.base_url,
        LOTSE_DATABASE_URL=database if isinstance(database, str) else f"sqlite:///{database}",
        LOTSE_SEMANTIC="0",
        LOTSE_LOG_LEVEL="INFO",
        OMP_NUM_THREADS="1",
        # A port of its own: two processes (or test runs) at once must not collide on 9464.
        LOTSE_HTTP_LISTEN="127.0.0.1:0",
    )
    env.setdefault("LOTSE_CACHE_DIR", str(REPO / ".lotse-cache"))
    return env


@asynccontextmanager
async def lotse_run(
    tg: TelegramDouble, database: Path | str, log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`lotse run` as a child process; killed at the end if the test did not stop it."""
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=REPO,
            env=_env(tg, database),
            stdout=out,
            stderr=out,
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def _polls(tg: TelegramDouble) -> int:
    return sum(1 for call in tg.requests if call.method == "getUpdates")


async def started(tg: TelegramDouble, log: Path) -> None:
    """Wait until the new process polls (a getUpdates after the ones seen so far)."""
    before = _polls(tg)
    try:
        await tg.wait_for(lambda: _polls(tg) > before, "a poll", timeout=START_TIMEOUT)
    except AssertionError:
        pytest.fail("lotse run did not start:\n" + tail(log))


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


def texts_by_chat(tg: TelegramDouble) -> dict[int, list[str]]:
    by_chat: dict[int, list[str]] = {chat: [] for chat in CHATS}
    for call in tg.sent_by("sendMessage"):
        chat = int(call.params["chat_id"])
        if chat in by_chat:
            by_chat[chat].append(str(call.params["text"]))
    return by_chat


async def test_crash_sigkill_mid_burst_loses_nothing(
    telegram_double: TelegramDouble, tmp_path: Path
) -> None:
    tg = telegram_double
    database, log = tmp_path / "lotse.sqlite3", tmp_path / "lotse.log"
    async with lotse_run(tg, database, log) as first:
        await started(tg, log)
        for chat in CHATS:
            tg.user_says(chat, "Hallo", language_code="de")
        await tg.wait_for(lambda: len(tg.sent) >= 8, "8 replies", timeout=60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
    sent_before_kill = len(tg.sent)
    # Sends Telegram took before the kill: the only ones whose outcome the bot may not know.
    unknown_outcome = {chat for chat, texts in texts_by_chat(tg).items() if texts}
    assert sent_before_kill < len(CHATS), "the kill came after the burst; nothing was tested"

    async with lotse_run(tg, database, log) as second:
        await started(tg, log)

        def all_answered() -> bool:
            return all(texts_by_chat(tg).values())

        await tg.wait_for(all_answered, "every chat answered", timeout=120)
        await asyncio.sleep(1.0)  # anything sent twice would come now
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 15) == 0

    by_chat = texts_by_chat(tg)
    duplicates = {
        chat: sum(n - 1 for n in Counter(texts).values()) for chat, texts in by_chat.items()
    }
    # Each chat had one message, so at most one send of its own was in flight at the kill.
    assert all(n <= 1 for n in duplicates.values()), duplicates
    # A duplicate only where Telegram had the send before the kill (its outcome unknown).
    assert {chat for chat, n in duplicates.items() if n} <= unknown_outcome
    # Only sends under way at the kill can be unknown: never more than were sent in the burst.
    assert sum(duplicates.values()) <= sent_before_kill
    # The whole burst was confirmed to Telegram in the end: nothing is fetched again.
    await tg.wait_until_consumed(timeout=5)


async def test_crash_stop_within_10s_while_telegram_hangs(
    telegram_double: TelegramDouble, tmp_path: Path
) -> None:
    tg = telegram_double
    database, log = tmp_path / "lotse.sqlite3", tmp_path / "lotse.log"
    chat = CHATS[0]
    async with lotse_run(tg, database, log) as first:
        await started(tg, log)
        # Every send and poll from now on hangs for a minute: Telegram is unreachable.
        tg.stall_next("sendMessage", seconds=60, times=20)
        tg.stall_next("getUpdates", seconds=60, times=20)
        tg.user_says(chat, "Hallo", language_code="de")
        await tg.wait_for_request("sendMessage", timeout=60)
        stop_asked = time.monotonic()
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.wait(), 30)
        stop_seconds = time.monotonic() - stop_asked
    assert stop_seconds < 10, f"stopping took {stop_seconds:.1f}s"
    assert texts_by_chat(tg)[chat] == []

    tg.clear_faults()
    async with lotse_run(tg, database, log) as second:
        await started(tg, log)
        await tg.wait_for(lambda: bool(texts_by_chat(tg)[chat]), "the kept reply", timeout=60)
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), 15)
    texts = texts_by_chat(tg)[chat]
    assert len(texts) == len(set(texts))
