"""Which offices take bookings here, which office a message names, and how else to get an
appointment (online link, phone, walk-in hours) where Lotse does not book."""

from __future__ import annotations

import re

from anyascii import anyascii

from bot.messages import Reply
from bot.offices.card import contact_text, venue
from bot.offices.directory import OfficeDirectory
from bot.ports import StaffNotifier
from bot.texts import Texts
from knowledge.schema import WEEKDAYS, Office

_WORD = re.compile(r"[a-z0-9]+")
_COMMON = frozenset(
    ("dortmund", "dorsten", "stadt", "office", "buero", "der", "die", "das", "und", "fuer",
     "lokal", "willkommen", "service", "center", "sprechstunde", "beratung")
)  # fmt: skip
"""Words in office names that do not tell one office (or one kind of office) from another."""
MIN_NAME_WORD = 5


def takes_bookings(office: Office, staff: StaffNotifier) -> bool:
    """An office offers slots only when its admins turned booking on, it has services and
    published hours, and its staff will hear of each booking."""
    return (
        office.booking.enabled
        and bool(office.services)
        and bool(office.hours)
        and "hours" not in office.unverified
        and staff.reaches(office.id, office.booking.notify)
    )


def _words(text: str) -> set[str]:
    folded = anyascii(text).lower().replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return set(_WORD.findall(folded))


def named_offices(directory: OfficeDirectory, text: str) -> list[Office]:
    """The offices a message names ("Termin beim Jobcenter" -> the Jobcenter offices): every
    office whose id or a distinctive word of its name is in the text."""
    said = _words(text)
    if not said:
        return []
    found: list[Office] = []
    for office in directory.offices:
        words = {w for w in _words(office.name) if len(w) >= MIN_NAME_WORD} - _COMMON
        words |= {office.id.replace("-", "")} if len(office.id) >= MIN_NAME_WORD else set()
        if words & said:
            found.append(office)
    # Too many hits means a common word slipped through: then the message names nothing.
    return found if len(found) < max(3, len(directory.offices) // 2) else []


def hours_text(texts: Texts, lang: str, office: Office) -> str:
    """The weekly hours as "Mo 08:30-12:00; Do 08:30-11:30" in the user's language."""
    names = [n.strip() for n in texts.message("office_weekdays", lang).split(",")]
    if len(names) != len(WEEKDAYS):
        names = list(WEEKDAYS)
    order = {day: index for index, day in enumerate(WEEKDAYS)}
    days = sorted(office.hours.items(), key=lambda item: order[item[0]])
    return "; ".join(f"{names[order[day]]} {', '.join(ranges)}" for day, ranges in days if ranges)


def ways_reply(texts: Texts, lang: str, office: Office) -> Reply:
    """How to get an appointment at an office that does not book through Lotse, from what
    its data publishes; never a slot, never a guess."""
    lines = [texts.message("booking_not_here", lang, office=office.name)]
    if office.temporarily_closed:
        lines.append(texts.message("booking_way_closed", lang))
    if office.appointment_url:
        lines.append(texts.message("booking_way_online", lang, url=office.appointment_url))
    contact = contact_text(office)
    if contact:
        lines.append(texts.message("office_contact", lang, contact=contact))
    published = bool(office.hours) and "hours" not in office.unverified
    if office.appointment_only:
        lines.append(texts.message("booking_way_appointment_only", lang))
    elif published and not office.temporarily_closed:
        hours = hours_text(texts, lang, office)
        lines.append(texts.message("booking_way_walk_in", lang, hours=hours))
    if len(lines) == 1 + office.temporarily_closed:
        lines.append(texts.message("booking_way_none", lang))
    return Reply(text="\n".join(lines), venue=venue(office), lang=lang)
