"""Offices: the directory, opening hours, the nearest office and the registration deadline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.offices.finder import OfficeFinder
from bot.offices.handlers import FindOfficeHandler, LocationHandler, OfficeFlow

if TYPE_CHECKING:
    from bot.app import Core


def install_offices(core: Core) -> OfficeFinder:
    """Register the office search with the router; returns the finder for booking to extend."""
    finder = OfficeFinder()
    core.router.add_handler("find_office", FindOfficeHandler(finder))
    core.router.set_location_handler(LocationHandler(finder))
    core.router.add_flow(OfficeFlow(finder))
    return finder
