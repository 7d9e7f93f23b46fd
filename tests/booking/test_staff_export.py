"""`lotse bookings list|export --office ID [--ics|--csv]` on a real SQLite database."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from bot.booking.service import BookingService
from bot.cli import main
from bot.clock import BERLIN
from bot.offices.directory import OfficeDirectory
from bot.offices.opening import OpeningCalendar
from bot.storage.database import Database
from knowledge.loader import load_knowledge
from tests.booking.kb import kb_with_two_bookable_offices

OFFICE = "lokal-willkommen-luetgendortmund"


async def _book(url: str, kb_dir: Path) -> list[datetime]:
    """Two appointments at Lütgendortmund (two people) and one at Lanstrop, from now on."""
    kb = load_knowledge(kb_dir)
    directory = OfficeDirectory(kb)
    service = BookingService(OpeningCalendar())
    database = Database(url)
    now = datetime.now(UTC)
    starts: list[datetime] = []
    try:
        await database.migrate()
        async with database.unit_of_work() as session:
            for office, who, lang in (
                (OFFICE, "telegram:1", "uk"),
                (OFFICE, "matrix:!r:example.test", "ar"),
                ("lokal-willkommen-lanstrop", "telegram:1", "uk"),
            ):
                bookable = directory.service(office, "advice")
                assert bookable is not None
                free = await service.free_slots(session, bookable, now, days=28)
                row = await service.hold(
                    session, conversation=who, lang=lang, bookable=bookable, start=free[0], now=now
                )
                await service.confirm(session, row.id, who, now)
                if office == OFFICE:
                    starts.append(free[0])
    finally:
        await database.close()
    return starts


@pytest.fixture
def booked(tmp_path: Path) -> tuple[dict[str, str], list[datetime]]:
    url = f"sqlite:///{tmp_path / 'lotse.sqlite3'}"
    starts = asyncio.run(_book(url, kb_with_two_bookable_offices(tmp_path)))
    return {"LOTSE_DATABASE_URL": url}, starts


def test_bookings_list_shows_an_offices_appointments_without_who(
    booked: tuple[dict[str, str], list[datetime]],
) -> None:
    env, starts = booked
    result = CliRunner().invoke(main, ["bookings", "list", "--office", OFFICE], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2  # not Lanstrop's
    assert {line.split()[4] for line in lines} == {"uk", "ar"}
    assert all("confirmed" in line for line in lines)
    assert "telegram" not in result.stdout and "matrix" not in result.stdout
    first = starts[0].astimezone(BERLIN)
    assert f"{first:%Y-%m-%d %H:%M}" in lines[0]


def test_bookings_export_csv_and_ics(booked: tuple[dict[str, str], list[datetime]]) -> None:
    env, starts = booked
    result = CliRunner().invoke(main, ["bookings", "export", "--office", OFFICE], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["language"] for r in rows] == ["uk", "ar"]
    assert {r["office"] for r in rows} == {OFFICE}
    assert set(rows[0]) == {"id", "office", "service", "start", "end", "status", "language"}
    assert datetime.fromisoformat(rows[0]["start"]) == starts[0]
    assert datetime.fromisoformat(rows[0]["end"]) - starts[0] == timedelta(minutes=30)

    result = CliRunner().invoke(main, ["bookings", "export", "--office", OFFICE, "--ics"], env=env)
    assert result.exit_code == 0, result.output
    events = [c for c in Calendar.from_ical(result.stdout_bytes).walk("VEVENT")]
    assert len(events) == 2
    assert events[0].decoded("dtstart") == starts[0]
    assert str(events[0].get("summary")) == "Termin advice (uk)"


def test_bookings_of_an_office_without_any(booked: tuple[dict[str, str], list[datetime]]) -> None:
    env, _ = booked
    result = CliRunner().invoke(main, ["bookings", "list", "--office", "migrado"], env=env)
    assert result.exit_code == 0 and "no appointments at migrado" in result.stdout
