"""Booking appointments at offices, without double booking; installs the office search too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.booking.flow import BookingFlow
from bot.booking.offers import offer_freed
from bot.booking.reminders import BookingReminders
from bot.booking.service import BookingService
from bot.booking.staff import RecordingStaffNotifier
from bot.offices import OfficeFeature, install_offices
from bot.offices.finder import OfficeFinder
from bot.outbox import enqueue
from bot.ports import StaffNotifier
from bot.turn import TurnContext

if TYPE_CHECKING:
    from bot.app import Core


@dataclass(frozen=True, slots=True, kw_only=True)
class BookingFeature:
    offices: OfficeFeature
    service: BookingService
    flow: BookingFlow
    reminders: BookingReminders
    staff: StaffNotifier


class BookingEraser:
    """/delete: the user's bookings, holds, waiting-list places and reminders go."""

    def __init__(self, feature: BookingFeature) -> None:
        self._feature = feature

    async def erase(self, ctx: TurnContext) -> None:
        freed = await self._feature.service.erase(ctx.session, ctx.message.conversation.key)
        # Freed slots go to the next person waiting, queued in this same unit of work.
        outgoing = await offer_freed(
            ctx.session,
            service=self._feature.service,
            directory=self._feature.offices.finder.directory(ctx.kb),
            texts=ctx.texts,
            freed=[f for _, f in freed],
            now=ctx.now,
        )
        for item in outgoing:
            await enqueue(ctx.session, item, ctx.now)


def reminders_for(
    core: Core, *, service: BookingService | None = None, finder: OfficeFinder | None = None
) -> BookingReminders:
    """The reminder job on a core's database and outbox. It keeps no state of its own, so a
    new one (after a restart, or in a maintenance script) carries on where the last stopped."""
    finder = finder or OfficeFinder()
    return BookingReminders(
        database=core.database,
        outbox=core.outbox,
        clock=core.clock,
        knowledge=lambda: core.knowledge.kb,
        texts=core.knowledge.texts,
        service=service or BookingService(finder.calendar),
        finder=finder,
    )


def install_booking(core: Core, *, staff: StaffNotifier | None = None) -> BookingFeature:
    """Register office search, deadline and booking; the staff notifier is taken from
    ``core.staff_notifier`` when the core has one, else notices are only recorded."""
    offices = install_offices(core)
    # Without a roster nobody would hear of a booking, so no office takes bookings then.
    staff = (
        staff or getattr(core, "staff_notifier", None) or RecordingStaffNotifier(reachable=False)
    )
    service = BookingService(offices.finder.calendar)
    flow = BookingFlow(offices.finder, service, staff)
    offices.finder.booking = flow
    offices.registration.reminders = service
    reminders = reminders_for(core, service=service, finder=offices.finder)
    feature = BookingFeature(
        offices=offices, service=service, flow=flow, reminders=reminders, staff=staff
    )
    core.router.add_flow(flow)
    core.router.add_handler("book_appointment", flow.start)
    core.router.add_handler("cancel_appointment", flow.mine)
    core.router.add_eraser(BookingEraser(feature))
    core.background.append(reminders.run_forever)
    return feature


def install(core: Core) -> None:
    """The extension hook for ``bot.app.EXTENSIONS``."""
    install_booking(core)


__all__ = ["BookingFeature", "install", "install_booking", "reminders_for"]
