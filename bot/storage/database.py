"""The async database: engine, migrations on start, and one unit of work per message."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Executable, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.errors import ConfigError, StorageError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def normalise_url(url: str) -> str:
    """Accept the usual spellings and pick the async driver: sqlite -> aiosqlite, pg -> asyncpg."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigError(f"LOTSE_DATABASE_URL is not a database URL: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise ConfigError(f"unsupported database '{backend}': use sqlite or postgresql")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs the log at checkpoints instead of at every commit. It cannot
    # corrupt the database and a crash of the bot loses nothing (a commit is in the OS once
    # the call returns). Only a power cut or an operating-system crash may undo the last few
    # commits, as if those messages had not arrived yet. FULL costs an fsync per commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """Owns the engine. ``unit_of_work()`` gives one transaction, committed on success."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.pool_size = pool_size
        kwargs: dict[str, Any] = {}
        if not self.is_sqlite:
            kwargs.update(pool_size=pool_size, max_overflow=20, pool_pre_ping=True)
        # hide_parameters: an error's text must never carry what a user wrote or their address.
        self.engine: AsyncEngine = create_async_engine(self.url, hide_parameters=True, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        async with self.engine.begin() as conn:
            await conn.run_sync(_upgrade)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def execute(self, statement: Executable, parameters: dict[str, Any]) -> None:
        """Run one statement in a transaction of its own, without an ORM session (cheaper)."""
        async with self.engine.begin() as connection:
            await connection.execute(statement, parameters)

    async def close(self) -> None:
        await self.engine.dispose()


async def wait_for_database(url: str, seconds: float) -> None:
    """Return once the database answers; keep trying for ``seconds`` (a database container
    that starts beside the bot is not ready at once). Raises :class:`StorageError` after."""
    database = Database(url)
    deadline = time.monotonic() + seconds
    wait = 0.5
    try:
        while True:
            try:
                async with database.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
                return
            except (SQLAlchemyError, OSError) as exc:
                if time.monotonic() + wait > deadline:
                    raise StorageError(
                        f"the database did not answer within {seconds:.0f} s "
                        f"({type(exc).__name__}); check LOTSE_DATABASE_URL"
                    ) from exc
                log.warning("waiting for the database (%s)", type(exc).__name__)
                await asyncio.sleep(wait)
                wait = min(wait * 2, 5.0)
    finally:
        await database.close()


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
