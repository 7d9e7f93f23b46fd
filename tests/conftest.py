"""Shared fixtures: databases (SQLite always, PostgreSQL when configured) and the bundled KB."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.app import Core, build_core, load_knowledge_store
from bot.clock import FrozenClock
from bot.knowledge_store import KnowledgeStore
from bot.settings import Settings

pytest_plugins = ["tests.fixtures.telegram", "tests.fixtures.synapse"]

POSTGRES_ENV = "LOTSE_TEST_POSTGRES_URL"
"""Set by .ci/run (e.g. postgresql://postgres@127.0.0.1:5432/test); tests that need it skip
with this name in the reason when it is missing."""

REPO = Path(__file__).resolve().parent.parent


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture(scope="session")
def knowledge_store(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeStore:
    """The bundled knowledge base with the full matcher, loaded once per test session."""
    cache = Path(os.environ.get("LOTSE_TEST_CACHE_DIR", REPO / ".lotse-cache"))
    settings = Settings(cache_dir=cache)
    return load_knowledge_store(settings)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip(f"PostgreSQL tests skipped: {POSTGRES_ENV} is not set")
    import asyncio

    import asyncpg

    name = f"lotse_test_{uuid.uuid4().hex[:10]}"
    dsn = admin.replace("postgresql+asyncpg://", "postgresql://")

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    try:
        asyncio.run(run(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL tests skipped: cannot reach {POSTGRES_ENV}: {exc}")
    base, _, _ = dsn.rpartition("/")
    yield f"{base}/{name}"
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lotse.sqlite3'}"
        return
    url: str = request.getfixturevalue("postgres_database")
    yield url
    import asyncio

    asyncio.run(wipe_postgres(url))


async def wipe_postgres(url: str) -> None:
    """Empty the test database's public schema (tables, types, Alembic's version)."""
    from sqlalchemy import text

    from bot.storage.database import Database

    database = Database(url)
    async with database.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await database.close()


@pytest.fixture
async def postgres_url(postgres_database: str) -> AsyncIterator[str]:
    """The PostgreSQL test database, empty before and after the test."""
    await wipe_postgres(postgres_database)
    yield postgres_database
    await wipe_postgres(postgres_database)


@pytest.fixture
def clock() -> FrozenClock:
    # A Thursday, 10:00 in Berlin (winter time).
    return FrozenClock(datetime(2026, 11, 19, 9, 0, tzinfo=UTC))


@pytest.fixture
async def memory() -> MemoryAdapter:
    return MemoryAdapter()


@pytest.fixture
async def core(
    database_url: str,
    knowledge_store: KnowledgeStore,
    memory: MemoryAdapter,
    clock: FrozenClock,
) -> AsyncIterator[Core]:
    settings = Settings(database_url=database_url)
    built = await build_core(settings, adapters=(memory,), clock=clock, knowledge=knowledge_store)
    memory.bind(built.dispatcher)
    yield built
    await built.close()
