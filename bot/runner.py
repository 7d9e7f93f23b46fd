"""`lotse run`: the configured channels in one TaskGroup, stopped cleanly by SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from bot.app import Core, build_core, load_knowledge_store, serve
from bot.errors import ConfigError
from bot.knowledge_store import KnowledgeStore
from bot.lease import ActiveLease
from bot.messages import IncomingMessage
from bot.observability import HealthServer, channels_check, database_check
from bot.ports import ChatAdapter
from bot.settings import Settings
from bot.storage.database import wait_for_database
from bot.storage.repositories import DatabaseKeyValueStore

log = logging.getLogger(__name__)

IN_FLIGHT_GRACE_SECONDS = 20.0
DATABASE_WAIT_SECONDS = 120.0
"""How long `lotse run` waits for the database (a container starting beside it)."""
STOP_BUDGET_SECONDS = 8.0
"""From SIGTERM to exit, the channels' bounded stop and the replies in flight share this, so
`lotse run` ends within 10 s even when a channel hangs; what is not sent by then stays in the
outbox for the next start."""


class InFlight:
    """Wraps the dispatcher so a shutdown lets messages already being handled finish."""

    def __init__(
        self, handle: Callable[[IncomingMessage], Awaitable[object]], *, limit: int = 10
    ) -> None:
        self._handle = handle
        self._tasks: set[asyncio.Task[object]] = set()
        # Back-pressure: at most ``limit`` messages are handled at once (no more than the
        # database pool serves without waiting); the others wait here in arrival order, and
        # each channel keeps a chat's messages in order before they get here.
        self._slots = asyncio.Semaphore(limit)

    async def _bounded(self, message: IncomingMessage) -> object:
        async with self._slots:
            return await self._handle(message)

    async def __call__(self, message: IncomingMessage) -> None:
        # Shielded: cancelling the channel stops receiving, not the answer being written.
        task: asyncio.Task[object] = asyncio.ensure_future(self._bounded(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await asyncio.shield(task)

    async def drain(self, grace_seconds: float) -> None:
        if self._tasks:
            log.info("finishing %d message(s) in flight", len(self._tasks))
            await asyncio.wait(set(self._tasks), timeout=grace_seconds)


def configured_adapters(settings: Settings, core: Core) -> list[ChatAdapter]:
    """The channels whose settings are present in the environment."""
    adapters: list[ChatAdapter] = []
    if settings.telegram_token:
        from adapters.telegram import TelegramAdapter, WebhookConfig

        webhook = None
        if settings.telegram_webhook_url:
            host, _, port = settings.telegram_webhook_listen.rpartition(":")
            webhook = WebhookConfig(
                public_url=settings.telegram_webhook_url,
                listen=host or "127.0.0.1",
                port=int(port or 8443),
                secret_token=settings.telegram_webhook_secret,
            )
        adapters.append(
            TelegramAdapter(
                token=settings.telegram_token,
                base_url=settings.telegram_base_url,
                webhook=webhook,
            )
        )
    if settings.matrix_homeserver:
        if not settings.matrix_user or not (
            settings.matrix_password or settings.matrix_access_token
        ):
            raise ConfigError(
                "Matrix needs LOTSE_MATRIX_USER and LOTSE_MATRIX_PASSWORD or "
                "LOTSE_MATRIX_ACCESS_TOKEN besides LOTSE_MATRIX_HOMESERVER"
            )
        from adapters.matrix import MatrixAdapter

        adapters.append(
            MatrixAdapter(
                homeserver=settings.matrix_homeserver,
                user_id=settings.matrix_user,
                password=settings.matrix_password,
                access_token=settings.matrix_access_token,
                device_id=settings.matrix_device_id,
                store=DatabaseKeyValueStore(core.database),
                staff_rooms=frozenset(core.staff_rooms.get("matrix", ())),
                store_dir=matrix_store_dir(settings),
            )
        )
    return adapters


def matrix_store_dir(settings: Settings) -> Path | None:
    """Where the Matrix keys and device live; None when encryption is off."""
    return settings.data_dir / "matrix" if settings.matrix_encryption else None


def health_server(core: Core, adapters: Sequence[ChatAdapter]) -> HealthServer | None:
    """/healthz, /readyz and /metrics on LOTSE_HTTP_LISTEN (off when it is empty)."""
    if not core.settings.http_listen:
        return None

    async def knowledge_loaded() -> str | None:
        return None if core.knowledge.is_ready() else "understanding not ready yet"

    return HealthServer(
        listen=core.settings.http_listen,
        metrics=core.metrics,
        database=core.database,
        checks=(database_check(core.database), knowledge_loaded, channels_check(adapters)),
        channels=[a.name for a in adapters],
    )


async def run_configured(settings: Settings) -> None:
    """Serve the configured channels; on PostgreSQL only while holding the active lease."""
    await wait_for_database(settings.database_url, DATABASE_WAIT_SECONDS)
    # Read and checked now; the matcher is built while the channels connect. Knowledge comes
    # before the lease, so a standby that takes over only opens the database and starts.
    knowledge = await asyncio.to_thread(load_knowledge_store, settings, lazy=True)
    lease = ActiveLease.for_url(settings.database_url)
    if lease is None:
        await _serve_active(settings, knowledge=knowledge)
        return
    try:
        await lease.acquire()
        await _serve_active(settings, knowledge=knowledge, lease=lease)
    finally:
        await lease.release()


async def _serve_active(
    settings: Settings,
    *,
    knowledge: KnowledgeStore | None = None,
    lease: ActiveLease | None = None,
) -> None:
    core = await build_core(settings, knowledge=knowledge)
    try:
        adapters = configured_adapters(settings, core)
        if not adapters:
            raise ConfigError(
                "no channel is configured: set LOTSE_TELEGRAM_TOKEN and/or "
                "LOTSE_MATRIX_HOMESERVER (see the README), or use `lotse chat`"
            )
        in_flight = InFlight(core.dispatcher.handle, limit=settings.database_pool_size)
        core.dispatcher_entry = in_flight
        main = asyncio.current_task()
        assert main is not None
        loop = asyncio.get_running_loop()
        stop_asked: list[float] = []

        def stop() -> None:
            stop_asked.append(loop.time())
            main.cancel()

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop)
        keeper = asyncio.create_task(lease.hold(stop)) if lease is not None else None
        log.info("serving on %s", ", ".join(a.name for a in adapters))
        try:
            await serve(core, adapters, watch_knowledge=True, health=health_server(core, adapters))
        except asyncio.CancelledError:
            log.info("stopping: finishing replies in flight")
            spent = loop.time() - stop_asked[0] if stop_asked else 0.0
            await in_flight.drain(max(0.5, STOP_BUDGET_SECONDS - spent))
        finally:
            if keeper is not None:
                keeper.cancel()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
    finally:
        await core.close()
