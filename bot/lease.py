"""Two replicas, one database: exactly one `lotse run` is active, the others stand by.

The active process holds a PostgreSQL session-level advisory lock on a connection of its own.
When it dies, PostgreSQL ends its session and frees the lock; a standby, trying every few
seconds, takes it and starts serving. SQLite needs no lease: it serves one process only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.storage.database import normalise_url

log = logging.getLogger(__name__)

LEASE_KEY = 0x4C6F747365  # "Lotse": the advisory lock every replica of one database asks for
POLL_SECONDS = 5.0
"""How often a standby asks for the lease and the active one checks it still holds it."""


class ActiveLease:
    """The advisory lock that makes one replica the active one."""

    def __init__(self, url: str, *, poll_seconds: float = POLL_SECONDS) -> None:
        self._engine: AsyncEngine = create_async_engine(normalise_url(url), poolclass=NullPool)
        self._poll = poll_seconds
        self._connection: AsyncConnection | None = None

    @classmethod
    def for_url(cls, url: str) -> ActiveLease | None:
        """A lease for a PostgreSQL URL; None for SQLite."""
        return None if normalise_url(url).startswith("sqlite") else cls(url)

    async def acquire(self) -> None:
        """Return once this process is the active one; until then, stand by."""
        said = False
        while True:
            try:
                if await self._try():
                    log.info("this process is the active one (lease taken)")
                    return
            except (SQLAlchemyError, OSError) as exc:
                log.warning("asking for the lease failed (%s); trying again", type(exc).__name__)
            if not said:
                log.info("another process is active; standing by")
                said = True
            await asyncio.sleep(self._poll)

    async def hold(self, on_lost: Callable[[], None]) -> None:
        """While active, check the lease's connection; if it is gone, so is the lease (another
        replica may take over), and ``on_lost`` stops this one."""
        while True:
            await asyncio.sleep(self._poll)
            try:
                assert self._connection is not None
                await self._connection.execute(text("SELECT 1"))
                await self._connection.commit()
            except (SQLAlchemyError, OSError, AssertionError) as exc:
                log.error("lost the lease (%s); stopping", type(exc).__name__)
                on_lost()
                return

    async def release(self) -> None:
        if self._connection is not None:
            try:
                await self._connection.close()  # ends the session: the lock is freed
            except (SQLAlchemyError, OSError):
                log.debug("closing the lease connection failed")
            self._connection = None
        await self._engine.dispose()

    async def _try(self) -> bool:
        if self._connection is None:
            self._connection = await self._engine.connect()
        taken = await self._connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": LEASE_KEY}
        )
        await self._connection.commit()
        return bool(taken)
