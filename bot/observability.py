"""Health and metrics over local HTTP: /healthz, /readyz and Prometheus' /metrics."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter as Counter_
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from bot.booking.models import CONFIRMED, BookingRow
from bot.handover.models import CaseRow, CaseStatus
from bot.outbox import PARKED, PARKED_KINDS, parked_kind
from bot.storage.database import Database
from bot.storage.models import OutboxRow

log = logging.getLogger(__name__)

DECISIONS = ("answer", "ask", "unknown", "page")


class Metrics:
    """The bot's counters, in a registry of its own (one per core: no global state)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.messages = Counter(
            "lotse_messages", "Messages handled", ["channel", "lang"], registry=r
        )
        self.decisions = Counter(
            "lotse_decisions",
            "How messages were answered: answer, ask (ask back), unknown, page",
            ["decision"],
            registry=r,
        )
        self.delivery_failures = Counter(
            "lotse_delivery_failures",
            "Replies a channel could not deliver (kept for retry)",
            ["channel"],
            registry=r,
        )
        self.open_handovers = Gauge(
            "lotse_handovers_open", "Handover cases not closed", registry=r
        )
        self.bookings = Gauge(
            "lotse_bookings_upcoming", "Confirmed appointments still to come", registry=r
        )
        self.outbox_backlog = Gauge(
            "lotse_outbox_backlog", "Replies waiting to be delivered (not parked)", registry=r
        )
        self.outbox_parked = Gauge(
            "lotse_outbox_parked",
            "Replies parked for good and not retried, stored now, by channel and reason",
            ["channel", "reason"],
            registry=r,
        )
        self.parked = Counter(
            "lotse_deliveries_parked",
            "Replies this process parked (a permanent refusal or too many failures)",
            ["channel", "reason"],
            registry=r,
        )
        self.understanding_seconds = Histogram(
            "lotse_understanding_seconds", "Time to understand one message",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 1.0), registry=r,
        )  # fmt: skip
        for decision in DECISIONS:
            self.decisions.labels(decision)

    @contextmanager
    def understanding(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.understanding_seconds.observe(time.perf_counter() - start)

    def handled(self, channel: str, lang: str | None) -> None:
        self.messages.labels(channel, lang or "-").inc()

    def decided(self, decision: str) -> None:
        """What the matcher decided: answer, ask (back), unknown, or page (open-world)."""
        self.decisions.labels(decision).inc()


ReadyCheck = Callable[[], Awaitable[str | None]]
"""Returns None when ready, else a short reason."""


def database_check(database: Database) -> ReadyCheck:
    async def check() -> str | None:
        try:
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:  # readiness reports, never raises
            return f"database unreachable ({type(exc).__name__})"
        return None

    return check


def channels_check(adapters: Sequence[object]) -> ReadyCheck:
    async def check() -> str | None:
        down = [
            str(getattr(a, "name", "?"))
            for a in adapters
            if not getattr(a, "is_ready", lambda: True)()
        ]
        return f"channels not connected: {', '.join(down)}" if down else None

    return check


class HealthServer:
    """A small local HTTP server; put it behind nothing public (metrics are for the admins)."""

    def __init__(
        self,
        *,
        listen: str,
        metrics: Metrics,
        database: Database,
        checks: Sequence[ReadyCheck],
        channels: Sequence[str] = (),
    ) -> None:
        host, _, port = listen.rpartition(":")
        self._host = host or "127.0.0.1"
        self._port = int(port)
        self._metrics = metrics
        self._database = database
        self._checks = list(checks)
        self._channels = tuple(channels)
        self.bound_port: int | None = None

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, _request: web.Request) -> web.Response:
        problems = [p for p in await asyncio.gather(*(c() for c in self._checks)) if p]
        if problems:
            return web.Response(status=503, text="\n".join(problems) + "\n")
        return web.Response(text="ready\n")

    async def _metrics_page(self, _request: web.Request) -> web.Response:
        m = self._metrics
        now = datetime.now(UTC)
        counts = (
            (m.outbox_backlog, select(func.count()).select_from(OutboxRow)
             .where(OutboxRow.status != PARKED)),
            (m.open_handovers, select(func.count()).select_from(CaseRow)
             .where(CaseRow.status != CaseStatus.CLOSED.value)),
            (m.bookings, select(func.count()).select_from(BookingRow)
             .where(BookingRow.status == CONFIRMED, BookingRow.slot_start > now)),
        )  # fmt: skip
        try:
            async with self._database.unit_of_work() as session:
                for gauge, query in counts:
                    gauge.set(int(await session.scalar(query) or 0))
                parked = await session.execute(
                    select(OutboxRow.channel, OutboxRow.parked_reason, func.count())
                    .where(OutboxRow.status == PARKED)
                    .group_by(OutboxRow.channel, OutboxRow.parked_reason)
                )
                by_kind: Counter_[tuple[str, str]] = Counter_()
                for channel, reason, count in parked.all():
                    by_kind[(channel, parked_kind(reason or ""))] += int(count)
            # Every reason of every channel is shown, 0 included, so an alert can use a rate.
            m.outbox_parked.clear()
            for channel in sorted({c for c, _ in by_kind} | set(self._channels)):
                for kind in PARKED_KINDS:
                    m.outbox_parked.labels(channel, kind).set(by_kind[(channel, kind)])
        except (SQLAlchemyError, OSError):  # the other metrics are still worth showing
            log.warning("could not count stored rows for /metrics")
        body = generate_latest(self._metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def run(self) -> None:
        """Serve until cancelled."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics_page)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        try:
            await site.start()
            server = site._server  # the bound socket, to learn the port when 0 was asked
            sockets = getattr(server, "sockets", None) or ()
            self.bound_port = sockets[0].getsockname()[1] if sockets else self._port
            log.info("health and metrics on http://%s:%d/", self._host, self.bound_port)
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
