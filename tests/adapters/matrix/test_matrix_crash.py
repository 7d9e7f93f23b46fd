"""A real `lotse run` on Matrix against the real Synapse: SIGKILL mid-burst, SIGTERM while the
homeserver hangs.

Nothing may be lost and, on Matrix, nothing may arrive twice: a message is handled again after
a restart until its sync token was stored, the dispatcher drops one it has handled already, and
each reply part goes out with a transaction id made from its outbox row, which Synapse stores
once however often it is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.matrix import transaction_id
from bot.messages import ChannelName, ChatId, ConversationRef
from tests.adapters.matrix.matrix_user import MatrixUser
from tests.fixtures.synapse import MatrixAccount, Synapse

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[3]
START_TIMEOUT = 180.0
BURST = [
    "Hallo",
    "Wo muss ich mich anmelden?",
    "Ich suche einen Deutschkurs",
    "Danke",
    "Wo bekomme ich einen Kita-Platz?",
]
BURST_ROUNDS = 5  # 25 messages


def _env(synapse_url: str, bot: MatrixAccount, database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTSE_TELEGRAM")}
    env.update(
        LOTSE_MATRIX_HOMESERVER=synapse_url,
        LOTSE_MATRIX_USER=bot.user_id,
        LOTSE_MATRIX_ACCESS_TOKEN=bot.access_token,
        LOTSE_MATRIX_DEVICE_ID=bot.device_id,
        LOTSE_DATABASE_URL=f"sqlite:///{database}",
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
    synapse_url: str, bot: MatrixAccount, database: Path, log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`lotse run` on Matrix as a child process; killed at the end if the test did not stop it."""
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=REPO, env=_env(synapse_url, bot, database), stdout=out, stderr=out,
        )  # fmt: skip
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def listening(log: Path, starts: int) -> None:
    """Wait until the ``starts``-th start of the bot in this log syncs with Synapse."""
    deadline = time.monotonic() + START_TIMEOUT
    while (text := _read(log)).count("Matrix: listening") < starts:
        if time.monotonic() > deadline:
            pytest.fail("lotse run did not start:\n" + text[-3000:])
        await asyncio.sleep(0.2)


def _read(log: Path) -> str:
    return log.read_text(errors="replace")


class RoomLog:
    """The room's timeline read over the client-server API with one account's token."""

    def __init__(self, synapse: Synapse, token: str, room_id: str) -> None:
        self._url = f"{synapse.base_url}/_matrix/client/v3/rooms/{room_id}/messages"
        self._headers = {"Authorization": f"Bearer {token}"}

    async def events(self) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(timeout=10) as client:
            answer = await client.get(
                self._url, params={"dir": "b", "limit": "1000"}, headers=self._headers
            )
        answer.raise_for_status()
        return list(reversed(answer.json()["chunk"]))

    async def texts_by(self, sender: str) -> list[dict[str, Any]]:
        return [
            e for e in await self.events()
            if e["type"] == "m.room.message" and e["sender"] == sender
        ]  # fmt: skip


def txs_of(events: list[dict[str, Any]]) -> list[str | None]:
    """The transaction id each event was sent with (shown to the sending device only)."""
    return [e.get("unsigned", {}).get("transaction_id") for e in events]


def first_reply_tx(room_id: str, event_id: str) -> str:
    """The transaction id of the first reply to one incoming event (outbox row ``…:0``)."""
    key = ConversationRef(channel=ChannelName("matrix"), chat_id=ChatId(room_id)).key
    tx = transaction_id(f"{key}:{event_id}:0", "text")
    assert tx is not None
    return tx


async def wait_until(check: Any, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.3)


async def open_direct_chat(user: MatrixUser, bot: MatrixAccount) -> str:
    room_id = await user.create_room([bot.user_id], direct=True)
    await user.wait_joined(room_id, bot.user_id)
    return room_id


async def test_crash_matrix_sigkill_mid_burst_answers_each_message_once(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount, tmp_path: Path
) -> None:
    bot = bot_account
    database, log = tmp_path / "lotse.sqlite3", tmp_path / "lotse.log"
    async with lotse_run(synapse.base_url, bot, database, log) as first:
        await listening(log, 1)
        room_id = await open_direct_chat(user, bot)
        seen = RoomLog(synapse, bot.access_token, room_id)
        hello = await user.say(room_id, "Hallo")

        async def warmed_up() -> bool:
            return bool(await seen.texts_by(bot.user_id))

        await wait_until(warmed_up, "the first answer", START_TIMEOUT)
        before = len(await seen.texts_by(bot.user_id))
        burst = [hello]
        for _ in range(BURST_ROUNDS):
            for text in BURST:
                burst.append(await user.say(room_id, text))

        async def some_answered() -> bool:
            return len(await seen.texts_by(bot.user_id)) >= before + 5

        await wait_until(some_answered, "5 answers of the burst", 120)
        first.send_signal(signal.SIGKILL)
        await first.wait()
    answered_at_kill = set(txs_of(await seen.texts_by(bot.user_id)))
    expected = {first_reply_tx(room_id, event_id) for event_id in burst}
    assert not expected <= answered_at_kill, "the kill came after the burst; nothing was tested"

    async with lotse_run(synapse.base_url, bot, database, log) as second:
        await listening(log, 2)

        async def all_answered() -> bool:
            return expected <= set(txs_of(await seen.texts_by(bot.user_id)))

        await wait_until(all_answered, "an answer to every message of the burst", 180)
        await asyncio.sleep(2.0)  # anything sent twice would come now
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 15) == 0

    replies = await seen.texts_by(bot.user_id)
    # Read with the bot's own token, each event shows the transaction id it was sent with.
    txs = Counter(txs_of(replies))
    assert None not in txs, "a reply went out without its outbox row's transaction id"
    assert set(txs.values()) == {1}, [tx for tx, n in txs.items() if n > 1]
    assert expected <= set(txs)


class FlakyProxy:
    """A TCP proxy in front of Synapse that can turn into a black hole: after a reply send
    passes, nothing more gets through in either direction and no connection is closed (a
    homeserver that stopped answering)."""

    def __init__(self, upstream_port: int) -> None:
        self._upstream = upstream_port
        self.hang_on_send = False
        self.dead = False
        self.sends_swallowed = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def heal(self) -> None:
        self.hang_on_send = False
        self.dead = False

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            if self.dead:
                await asyncio.Event().wait()  # accepted, never answered
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._upstream)
            await asyncio.gather(
                self._pump(reader, up_writer, upstream=True),
                self._pump(up_reader, writer, upstream=False),
            )
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            with contextlib.suppress(Exception):
                writer.close()

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, upstream: bool
    ) -> None:
        while data := await reader.read(65536):
            if upstream and self.hang_on_send and b"/send/m.room.message/" in data[:400]:
                self.dead = True
                self.sends_swallowed += 1
            if self.dead:
                continue  # swallowed: the sender waits for an answer that never comes
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()


async def test_crash_matrix_stop_within_10s_while_synapse_hangs(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount, tmp_path: Path
) -> None:
    bot = bot_account
    database, log = tmp_path / "lotse.sqlite3", tmp_path / "lotse.log"
    proxy = FlakyProxy(int(synapse.base_url.rsplit(":", 1)[1]))
    via_proxy = f"http://127.0.0.1:{await proxy.start()}"
    try:
        async with lotse_run(via_proxy, bot, database, log) as first:
            await listening(log, 1)
            room_id = await open_direct_chat(user, bot)
            seen = RoomLog(synapse, bot.access_token, room_id)
            proxy.hang_on_send = True
            asked = await user.say(room_id, "Hallo")
            deadline = time.monotonic() + START_TIMEOUT
            while not proxy.dead:
                assert time.monotonic() < deadline, "the reply was never sent"
                await asyncio.sleep(0.1)
            stop_asked = time.monotonic()
            first.send_signal(signal.SIGTERM)
            await asyncio.wait_for(first.wait(), 30)
            stop_seconds = time.monotonic() - stop_asked
        assert stop_seconds < 10, f"stopping took {stop_seconds:.1f}s"
        assert await seen.texts_by(bot.user_id) == []

        proxy.heal()
        async with lotse_run(via_proxy, bot, database, log) as second:
            await listening(log, 2)
            expected = first_reply_tx(room_id, asked)

            async def kept_reply_arrived() -> bool:
                return expected in txs_of(await seen.texts_by(bot.user_id))

            await wait_until(kept_reply_arrived, "the reply kept in the outbox", START_TIMEOUT)
            await asyncio.sleep(2.0)
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), 15) == 0
        txs = Counter(txs_of(await seen.texts_by(bot.user_id)))
        assert set(txs.values()) == {1} and None not in txs
    finally:
        await proxy.close()
