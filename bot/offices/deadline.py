"""Reads a move-in date in any supported language and gives the last day to register (2 weeks)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.slots.dates import find_date

REGISTRATION_DAYS = 14
"""Federal registration law: register within two weeks of moving into a flat."""

__all__ = ["REGISTRATION_DAYS", "find_date", "registration_deadline"]


def registration_deadline(moved_in: date) -> date:
    """The last day to register: two weeks after moving in."""
    return moved_in + timedelta(days=REGISTRATION_DAYS)
