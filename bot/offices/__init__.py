"""Offices: the directory, opening hours, the nearest office and the registration deadline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.offices.finder import OfficeFinder
from bot.offices.followups import FollowUps, TopicWithPlace
from bot.offices.handlers import (
    FindOfficeHandler,
    LocationHandler,
    NamedOfficeHandler,
    OfficeFlow,
)
from bot.offices.registration import RegistrationFlow, RegistrationHandler

if TYPE_CHECKING:
    from bot.app import Core


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficeFeature:
    """What booking extends: the shared finder and the deadline dialogue."""

    finder: OfficeFinder
    registration: RegistrationFlow


def install_offices(core: Core) -> OfficeFeature:
    """Register the office search and the registration follow-up with the router."""
    finder = OfficeFinder()
    registration = RegistrationFlow(finder, reminders=None)
    core.router.add_handler("find_office", FindOfficeHandler(finder))
    core.router.add_handler("registration", RegistrationHandler(core.router, registration))
    core.router.set_location_handler(LocationHandler(finder))
    core.router.set_named_office_handler(NamedOfficeHandler(finder))
    core.router.set_city_resolver(finder.city_of)
    core.router.add_flow(OfficeFlow(finder))
    core.router.add_flow(registration)
    core.router.set_follow_up_handler(FollowUps(finder, core.router))
    core.router.set_topic_handler(TopicWithPlace(core.router, finder))
    return OfficeFeature(finder=finder, registration=registration)
