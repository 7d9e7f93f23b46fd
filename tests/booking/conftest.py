"""A core on a knowledge-base copy with two bookable offices, and a recording staff channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.app import Core, build_core
from bot.booking import BookingFeature, install_booking
from bot.booking.staff import RecordingStaffNotifier
from bot.clock import FrozenClock
from bot.settings import Settings
from tests.booking.kb import kb_with_two_bookable_offices, staff_roster


@dataclass
class Booking:
    core: Core
    feature: BookingFeature
    staff: RecordingStaffNotifier
    memory: MemoryAdapter
    settings: Settings


def booking_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        knowledge_dir=kb_with_two_bookable_offices(tmp_path),
        semantic=False,
        cache_dir=tmp_path / "cache",
        staff_roster=staff_roster(tmp_path),
    )


async def start(settings: Settings, memory: MemoryAdapter, clock: FrozenClock) -> Booking:
    core = await build_core(settings, adapters=(memory,), clock=clock)
    staff = RecordingStaffNotifier()
    # Installed again with a recording notifier the test can read (same names: it replaces).
    feature = install_booking(core, staff=staff)
    memory.bind(core.dispatcher)
    return Booking(core=core, feature=feature, staff=staff, memory=memory, settings=settings)


@pytest.fixture
async def booking(
    database_url: str, tmp_path: Path, memory: MemoryAdapter, clock: FrozenClock
) -> AsyncIterator[Booking]:
    started = await start(booking_settings(database_url, tmp_path), memory, clock)
    yield started
    await started.core.close()
