"""Telling office staff about bookings: a recording notifier until the staff channels exist."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class RecordingStaffNotifier:
    """A ``bot.ports.StaffNotifier`` that keeps the notices in memory (tests, local chat).

    ``reachable``: whether it stands for staff who would read the notices (a test double)
    or for nobody (no roster configured: then no office takes bookings)."""

    def __init__(self, *, reachable: bool = True) -> None:
        self.notices: list[tuple[str, str]] = []
        self.reachable = reachable

    def reaches(self, office_id: str, rooms: tuple[str, ...] = ()) -> bool:
        return self.reachable

    async def notify(self, office_id: str, text: str) -> None:
        log.info("staff notice for office %s recorded", office_id)
        self.notices.append((office_id, text))
