"""A whole booking conversation in Ukrainian through the console channel, then a restart."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.app import build_core, serve
from bot.booking import reminders_for
from bot.clock import BERLIN, FrozenClock
from tests.booking.conftest import booking_settings

CONVERSATION = """/language
Українська
як записатися на прийом
1
26.11.
1
1
як записатися на прийом
1
26.11.
1
1
1
2
1
"""


async def test_book_list_cancel_in_ukrainian_and_the_reminder_after_a_restart(
    tmp_path: Path, clock: FrozenClock
) -> None:
    settings = booking_settings(f"sqlite:///{tmp_path / 'chat.sqlite3'}", tmp_path)
    out = io.StringIO()
    console = ConsoleAdapter(user="olena", stdin=io.StringIO(CONVERSATION), stdout=out)
    core = await build_core(settings, adapters=(console,), clock=clock)
    try:
        await serve(core, (console,), watch_knowledge=False)
    finally:
        await core.close()
    transcript = out.getvalue()
    assert "Де ви хочете записатися на прийом?" in transcript
    assert "  1. lokal willkommen Eving/Scharnhorst – Sprechstunde Lanstrop: Консультація" in (
        transcript
    )
    assert "  1. Чт 26.11.2026 08:30" in transcript
    assert "Вас записано: lokal willkommen Eving/Scharnhorst – Sprechstunde Lanstrop, " in (
        transcript
    )
    assert "[termin.ics]" in transcript
    assert "  2. Чт 26.11.2026 09:00, lokal willkommen" in transcript  # the list
    assert transcript.rstrip().endswith("Ваш запис на Чт 26.11.2026 09:00 скасовано.")

    clock.set(datetime(2026, 11, 25, 9, 5, tzinfo=BERLIN))
    after = io.StringIO()
    restarted_console = ConsoleAdapter(user="olena", stdin=io.StringIO(""), stdout=after)
    restarted = await build_core(settings, adapters=(restarted_console,), clock=clock)
    try:
        assert await reminders_for(restarted).run_due() == 1
        assert await reminders_for(restarted).run_due() == 0
    finally:
        await restarted.close()
    assert after.getvalue().startswith("Нагадування: завтра у вас прийом, Чт 26.11.2026 08:30")
