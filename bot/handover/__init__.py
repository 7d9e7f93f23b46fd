"""Handover to staff: a person takes over a conversation with its context, then hands it back."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.handover.gate import StaffRoomGate, TakeoverGate
from bot.handover.roster import StaffRoster, load_roster
from bot.handover.service import HandoverService
from bot.handover.staff_notices import CaseEscalation, HandoverEraser, StaffRoomNotifier
from bot.handover.threads import CaseThreads
from bot.handover.triggers import AfterHandoverFlow, HandoverTriggers

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class HandoverFeature:
    """The installed parts, for tests and maintenance scripts."""

    roster: StaffRoster
    service: HandoverService
    notifier: StaffRoomNotifier
    escalation: CaseEscalation


def install_handover(core: Core, roster: StaffRoster) -> HandoverFeature:
    """Wire handover into the core: gates first (staff rooms, then owned conversations)."""
    threads = CaseThreads(
        roster=roster, database=core.database, outbox=core.outbox, clock=core.clock
    )
    service = HandoverService(roster=roster, texts=core.knowledge.texts, threads=threads)
    core.dispatcher.add_gate(StaffRoomGate(service))
    core.dispatcher.add_gate(TakeoverGate(service, core.router, core.knowledge))
    triggers = HandoverTriggers(service)
    core.router.add_handler("human", triggers.asked)
    core.router.set_miss_handler(triggers.missed)
    core.router.set_feedback_handler(triggers.rated)
    core.router.add_flow(AfterHandoverFlow(service))
    core.router.add_eraser(HandoverEraser())
    notifier = StaffRoomNotifier(roster, core.outbox, core.clock)
    escalation = CaseEscalation(
        service=service, database=core.database, outbox=core.outbox, clock=core.clock
    )
    core.background.append(escalation.run_forever)
    # Office notices (bookings) reach the staff rooms; `lotse run` tells each channel its rooms.
    core.staff_notifier = notifier
    for channel in {room.channel for room in roster.rooms}:
        core.staff_rooms.setdefault(channel, set()).update(roster.room_ids(channel))
    log.info(
        "handover on: %d staff member(s), %d staff room(s)", len(roster.members), len(roster.rooms)
    )
    return HandoverFeature(
        roster=roster, service=service, notifier=notifier, escalation=escalation
    )


def install(core: Core) -> None:
    """The extension hook for ``bot.app.EXTENSIONS``: on when LOTSE_STAFF_ROSTER names a roster."""
    path = core.settings.staff_roster
    if path is None:
        log.info("no staff roster (LOTSE_STAFF_ROSTER): handover to staff is off")
        return
    install_handover(core, load_roster(path))


__all__ = ["HandoverFeature", "install", "install_handover", "load_roster"]
