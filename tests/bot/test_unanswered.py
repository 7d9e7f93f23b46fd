"""What nothing answered: recorded masked and without who asked, pruned after the retention
period, reported by language and likely topic (`lotse report unanswered`)."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from adapters.memory import MemoryAdapter
from bot.app import Core, build_core
from bot.cli import main
from bot.clock import FrozenClock
from bot.knowledge_store import KnowledgeStore
from bot.messages import MessageKind
from bot.settings import Settings
from bot.storage.database import Database
from bot.unanswered.models import THUMBS_DOWN, UNANSWERED, UnansweredRow
from bot.unanswered.recorder import masked
from bot.unanswered.report import parse_since, unanswered_groups


@pytest.fixture
async def recording_core(
    tmp_path: Path, knowledge_store: KnowledgeStore, memory: MemoryAdapter, clock: FrozenClock
) -> AsyncIterator[Core]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lotse.sqlite3'}", unanswered_days=30)
    core = await build_core(settings, adapters=(memory,), clock=clock, knowledge=knowledge_store)
    memory.bind(core.dispatcher)
    yield core
    await core.close()


async def _rows(core: Core) -> list[UnansweredRow]:
    async with core.database.unit_of_work() as session:
        return list((await session.execute(select(UnansweredRow))).scalars())


def test_masked_drops_what_identifies_people() -> None:
    text = masked(
        "mein Aktenzeichen 12/345, Tel 0176 1234567, mail ana@example.org, "
        "siehe https://example.org/x?id=9 und @ana_k"
    )
    assert not any(ch.isdigit() for ch in text)
    assert "ana@example.org" not in text and "<email>" in text
    assert "https://" not in text and "<link>" in text
    assert "@ana_k" not in text and "<name>" in text
    assert len(masked("wort " * 100)) <= 160


async def test_unanswered_questions_and_thumbs_down_are_kept_without_who(
    recording_core: Core, memory: MemoryAdapter, clock: FrozenClock
) -> None:
    await memory.say("u1", "/language")
    await memory.say("u1", "English")
    replies = await memory.say("u1", "what is the weather tomorrow in 44135")
    assert replies  # the honest "I do not know"
    await memory.say("u1", "where do i register my address")  # answered: not recorded
    await memory.say("u1", "-1", kind=MessageKind.FEEDBACK)
    rows = await _rows(recording_core)
    assert [r.kind for r in rows] == [UNANSWERED, THUMBS_DOWN]
    assert rows[0].lang == "en" and rows[0].text == "what is the weather tomorrow in #####"
    assert rows[1].topic == "registration" and rows[1].text is None
    columns = set(UnansweredRow.__table__.columns.keys())
    assert columns == {"id", "asked_at", "kind", "lang", "topic", "text"}  # no user, no chat


async def test_rows_older_than_the_retention_period_are_pruned(
    recording_core: Core, memory: MemoryAdapter, clock: FrozenClock
) -> None:
    await memory.say("u2", "/language")
    await memory.say("u2", "English")
    await memory.say("u2", "what is the weather tomorrow")
    clock.set(clock.now() + timedelta(days=31))
    await memory.say("u2", "who wins the football tonight")
    rows = await _rows(recording_core)
    assert [r.text for r in rows] == ["who wins the football tonight"]


async def test_the_report_groups_by_language_and_topic(recording_core: Core) -> None:
    now = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    async with recording_core.database.unit_of_work() as session:
        for days, kind, lang, topic, text in (
            (1, UNANSWERED, "ar", "kita", "q1"),
            (2, UNANSWERED, "ar", "kita", "q2"),
            (3, THUMBS_DOWN, "ar", "kita", None),
            (1, UNANSWERED, "uk", None, "q3"),
            (20, UNANSWERED, "uk", None, "old"),
        ):
            session.add(
                UnansweredRow(
                    asked_at=now - timedelta(days=days),
                    kind=kind,
                    lang=lang,
                    topic=topic,
                    text=text,
                )
            )
    async with recording_core.database.unit_of_work() as session:
        groups = await unanswered_groups(session, now, timedelta(days=7))
    assert [(g.lang, g.topic, g.unanswered, g.thumbs_down) for g in groups] == [
        ("ar", "kita", 2, 1),
        ("uk", "-", 1, 0),
    ]
    assert groups[0].examples == ["q1", "q2"]


def test_parse_since() -> None:
    assert parse_since("30d") == timedelta(days=30)
    assert parse_since("12h") == timedelta(hours=12)
    assert parse_since("2w") == timedelta(weeks=2)
    for bad in ("30", "0d", "d", "3m"):
        with pytest.raises(ValueError, match="not a time span"):
            parse_since(bad)


def test_report_unanswered_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'report.sqlite3'}"
    now = datetime.now(UTC)

    async def seed() -> None:
        database = Database(url)
        try:
            await database.migrate()
            async with database.unit_of_work() as session:
                session.add(
                    UnansweredRow(asked_at=now, kind=UNANSWERED, lang="fa", topic=None, text="q")
                )
                session.add(
                    UnansweredRow(
                        asked_at=now - timedelta(days=40),
                        kind=UNANSWERED,
                        lang="fa",
                        topic=None,
                        text="too old",
                    )
                )
        finally:
            await database.close()

    asyncio.run(seed())
    env = {"LOTSE_DATABASE_URL": url}
    result = CliRunner().invoke(main, ["report", "unanswered", "--csv", "--since", "60d"], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # The 40-day-old row was past the 30-day retention: pruned, not reported.
    assert rows == [
        {"lang": "fa", "topic": "-", "unanswered": "1", "thumbs_down": "0", "examples": "q"}
    ]
    table = CliRunner().invoke(main, ["report", "unanswered"], env=env)
    assert table.exit_code == 0 and table.stdout.splitlines()[1].startswith("fa    -")
    bad = CliRunner().invoke(main, ["report", "unanswered", "--since", "soon"], env=env)
    assert bad.exit_code == 2 and "not a time span" in bad.stderr
