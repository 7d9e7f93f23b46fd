"""Telling office staff about bookings: a recording notifier until the staff channels exist."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class RecordingStaffNotifier:
    """A ``bot.ports.StaffNotifier`` that keeps the notices in memory (tests, local chat)."""

    def __init__(self) -> None:
        self.notices: list[tuple[str, str]] = []

    async def notify(self, office_id: str, text: str) -> None:
        log.info("staff notice for office %s recorded", office_id)
        self.notices.append((office_id, text))
