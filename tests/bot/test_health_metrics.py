"""/healthz, /readyz and /metrics over real HTTP while the bot serves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.memory import MemoryAdapter
from bot.app import Core, build_core, serve
from bot.errors import DeliveryError, PermanentDeliveryError
from bot.messages import ConversationRef, Reply
from bot.observability import HealthServer, database_check
from bot.outbox import MAX_ATTEMPTS, parked_kind
from bot.runner import health_server
from bot.settings import Settings
from bot.storage.database import Database


class SlowChannel(MemoryAdapter):
    """A channel still connecting (as Telegram or Matrix before their first poll/sync)."""

    ready = False

    def is_ready(self) -> bool:
        return self.ready


@dataclass
class Serving:
    core: Core
    memory: MemoryAdapter
    slow: SlowChannel
    url: str


@asynccontextmanager
async def _serving(tmp_path: Path, memory: MemoryAdapter) -> AsyncIterator[Serving]:
    """``lotse run``'s serve loop with the health server on a free port, ``memory`` and a slow
    channel as its adapters."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        semantic=False,
        cache_dir=tmp_path / "cache",
        http_listen="127.0.0.1:0",
    )
    slow = SlowChannel("slow")
    core = await build_core(settings, adapters=(memory, slow))
    server = health_server(core, (memory, slow))
    assert server is not None
    task = asyncio.create_task(serve(core, (memory, slow), watch_knowledge=False, health=server))
    for _ in range(200):
        await asyncio.sleep(0.02)
        if server.bound_port:
            break
    try:
        yield Serving(
            core=core, memory=memory, slow=slow, url=f"http://127.0.0.1:{server.bound_port}"
        )
    finally:
        memory.stop()
        slow.stop()
        await task
        await core.close()


@pytest.fixture
async def serving(tmp_path: Path) -> AsyncIterator[Serving]:
    async with _serving(tmp_path, MemoryAdapter()) as running:
        yield running


async def test_health_and_readiness_over_http(serving: Serving) -> None:
    async with httpx.AsyncClient(base_url=serving.url) as client:
        assert (await client.get("/healthz")).text == "ok\n"
        not_ready = await client.get("/readyz")
        assert not_ready.status_code == 503 and "slow" in not_ready.text
        serving.slow.ready = True
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.text == "ready\n"


async def test_health_readiness_fails_when_the_database_is_unreachable() -> None:
    database = Database("postgresql://nobody@127.0.0.1:1/none")
    server = HealthServer(
        listen="127.0.0.1:0", metrics=__import__("bot.observability").observability.Metrics(),
        database=database, checks=(database_check(database),),
    )  # fmt: skip
    task = asyncio.create_task(server.run())
    try:
        for _ in range(200):
            await asyncio.sleep(0.02)
            if server.bound_port:
                break
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.bound_port}") as c:
            response = await c.get("/readyz")
        assert response.status_code == 503 and "database unreachable" in response.text
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await database.close()


async def test_metrics_count_messages_decisions_and_latency(serving: Serving) -> None:
    await serving.memory.say("anna", "wo muss ich mich anmelden")
    await serving.memory.say("anna", "wie wird das wetter morgen")
    async with httpx.AsyncClient(base_url=serving.url) as client:
        page = (await client.get("/metrics")).text
    assert 'lotse_messages_total{channel="memory",lang="de"} 2.0' in page
    assert 'lotse_decisions_total{decision="answer"} 1.0' in page
    assert 'lotse_decisions_total{decision="unknown"} 1.0' in page
    assert "lotse_understanding_seconds_count 2.0" in page
    assert "lotse_outbox_backlog 0.0" in page
    assert "lotse_handovers_open 0.0" in page and "lotse_bookings_upcoming 0.0" in page


class RefusingChannel(MemoryAdapter):
    """Refuses sends to one chat for good (a user who blocked the bot) and to another for
    now (a channel that keeps timing out)."""

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        if to.chat_id == "blocked":
            raise PermanentDeliveryError(
                "refused", reason="Telegram message Forbidden: bot was blocked by the user"
            )
        if to.chat_id == "flaky":
            raise DeliveryError("timed out")
        await super().send(to, reply)


@pytest.fixture
async def refusing(tmp_path: Path) -> AsyncIterator[Serving]:
    async with _serving(tmp_path, RefusingChannel("refusing")) as running:
        yield running


def _sample(page: str, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


async def test_permanent_failures_parked_are_counted_in_metrics(refusing: Serving) -> None:
    # The same first message in three chats: as many replies each as Anna gets.
    replies = len(await refusing.memory.say("anna", "wo muss ich mich anmelden"))
    assert replies >= 1
    await refusing.memory.say("blocked", "wo muss ich mich anmelden")
    await refusing.memory.say("flaky", "wo muss ich mich anmelden")
    async with httpx.AsyncClient(base_url=refusing.url) as client:
        page = (await client.get("/metrics")).text
    parked = "lotse_outbox_parked"
    assert _sample(page, parked, channel="refusing", reason="forbidden") == replies
    assert _sample(page, parked, channel="refusing", reason="attempts") == 0.0
    assert _sample(page, parked, channel="slow", reason="forbidden") == 0.0
    assert _sample(page, "lotse_deliveries_parked_total", channel="refusing",
                   reason="forbidden") == replies  # fmt: skip
    assert _sample(page, "lotse_outbox_backlog") == replies  # only the flaky replies wait
    # The flaky replies fail at every try until the attempt limit parks them.
    for _ in range(MAX_ATTEMPTS):
        await refusing.core.outbox.flush(at_start=True)
    async with httpx.AsyncClient(base_url=refusing.url) as client:
        page = (await client.get("/metrics")).text
    assert _sample(page, parked, channel="refusing", reason="attempts") == replies
    assert _sample(page, parked, channel="refusing", reason="forbidden") == replies
    assert _sample(page, "lotse_deliveries_parked_total", channel="refusing",
                   reason="attempts") == replies  # fmt: skip
    assert _sample(page, "lotse_outbox_backlog") == 0.0
    assert parked_kind("Telegram message BadRequest: Chat not found") == "not_found"
    assert parked_kind("Telegram message BadRequest: Message is too long") == "bad_request"
    assert parked_kind("Matrix M_FORBIDDEN") == "forbidden"
    assert parked_kind("Matrix M_TOO_LARGE") == "bad_request"
