"""`lotse bookings list|export` and `lotse report unanswered`: reports for staff and admins,
read from the database of LOTSE_DATABASE_URL."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import click

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.booking.staff_export import StaffBooking


def _now() -> datetime:
    return datetime.now(UTC)


@click.group()
def bookings() -> None:
    """An office's bookings (for its staff)."""


def _office_bookings(office: str, include_past: bool) -> list[StaffBooking]:
    from bot.booking.staff_export import office_bookings
    from bot.storage.database import Database

    async def go() -> list[StaffBooking]:
        database = Database(Settings.from_env().database_url)
        try:
            await database.migrate()
            async with database.unit_of_work() as session:
                return await office_bookings(session, office, _now(), include_past=include_past)
        finally:
            await database.close()

    return asyncio.run(go())


@bookings.command("list")
@click.option("--office", required=True, help="The office id (offices.yaml).")
@click.option("--all", "include_past", is_flag=True, help="Include past appointments.")
def list_bookings(office: str, include_past: bool) -> None:
    """Upcoming appointments of an office, Berlin time, soonest first."""
    from bot.booking.staff_export import as_lines

    rows = _office_bookings(office, include_past)
    click.echo(as_lines(rows) if rows else f"no appointments at {office}")


@bookings.command("export")
@click.option("--office", required=True, help="The office id (offices.yaml).")
@click.option("--ics", "fmt", flag_value="ics", help="An iCalendar file (calendar programs).")
@click.option("--csv", "fmt", flag_value="csv", default=True, help="CSV (the default).")
@click.option("--all", "include_past", is_flag=True, help="Include past appointments.")
def export_bookings(office: str, fmt: str, include_past: bool) -> None:
    """An office's appointments as CSV or iCalendar on stdout."""
    from bot.booking.staff_export import as_csv, as_ics

    rows = _office_bookings(office, include_past)
    if fmt == "ics":
        sys.stdout.buffer.write(as_ics(rows, _now()))
        sys.stdout.flush()
    else:
        click.echo(as_csv(rows), nl=False)


@click.group()
def report() -> None:
    """Reports for admins."""


@report.command("unanswered")
@click.option("--since", default="30d", show_default=True, help="How far back: 30d, 12h, 2w.")
@click.option("--csv", "as_csv_", is_flag=True, help="CSV instead of a table.")
def unanswered(since: str, as_csv_: bool) -> None:
    """Questions nothing answered and thumbs-down answers, by language and likely topic."""
    from bot.storage.database import Database
    from bot.unanswered.recorder import prune
    from bot.unanswered.report import Group, as_csv, as_table, parse_since, unanswered_groups

    try:
        span = parse_since(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc
    settings = Settings.from_env()

    async def go() -> list[Group]:
        database = Database(settings.database_url)
        try:
            await database.migrate()
            async with database.unit_of_work() as session:
                await prune(session, _now(), timedelta(days=settings.unanswered_days))
                return await unanswered_groups(session, _now(), span)
        finally:
            await database.close()

    groups = asyncio.run(go())
    click.echo(as_csv(groups) if as_csv_ else as_table(groups), nl=not as_csv_)
