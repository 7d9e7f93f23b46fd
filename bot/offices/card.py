"""An office as a reply: name, address or notice, map link, open now or next opening, contact."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from bot.clock import BERLIN
from bot.messages import Choice, Venue
from bot.offices.opening import OpeningCalendar
from bot.texts import Texts
from knowledge.schema import WEEKDAYS, Office

MAP_SEARCH = "https://www.openstreetmap.org/search?query="


def address_known(office: Office) -> bool:
    """True when the street (with its number) is published and confirmed."""
    return bool(office.address.street) and "address" not in office.unverified


def address_text(office: Office) -> str:
    city = " ".join(p for p in (office.address.postcode, office.address.city) if p)
    return ", ".join(p for p in (office.address.street, city) if p)


def map_url(office: Office) -> str | None:
    """A map search for the address; None without a known street (the points are approximate)."""
    if not address_known(office):
        return None
    return MAP_SEARCH + quote(address_text(office), safe="")


def venue(office: Office) -> Venue | None:
    url = map_url(office)
    if url is None or office.location is None:
        return None
    return Venue(
        name=office.name,
        address=address_text(office),
        lat=office.location.lat,
        lon=office.location.lon,
        map_url=url,
    )


def weekday_name(texts: Texts, lang: str, day: date) -> str:
    names = texts.message("office_weekdays", lang).split(",")
    return names[day.weekday()].strip() if len(names) == 7 else ""


def when_text(texts: Texts, lang: str, instant: datetime) -> str:
    """A moment as people read it in Berlin: "Do 26.11.2026 08:30"."""
    local = instant.astimezone(BERLIN)
    return f"{weekday_name(texts, lang, local.date())} {local:%d.%m.%Y %H:%M}".strip()


def day_text(texts: Texts, lang: str, day: date) -> str:
    return f"{weekday_name(texts, lang, day)} {day:%d.%m.%Y}".strip()


def contact_text(office: Office) -> str:
    contacts = office.contacts
    return ", ".join(
        (*contacts.phones, *contacts.emails, *((contacts.web,) if contacts.web else ()))
    )


def office_text(
    texts: Texts, lang: str, office: Office, calendar: OpeningCalendar, now: datetime
) -> str:
    lines = [office.name]
    if address_known(office):
        lines.append(texts.message("address_line", lang, address=address_text(office)))
        url = map_url(office)
        if url is not None:
            lines.append(texts.message("office_map", lang, url=url))
    else:
        if office.address.street:
            lines.append(texts.message("address_line", lang, address=address_text(office)))
        lines.append(texts.message("address_unverified", lang))
    status = calendar.status(office, now)
    if not status.published and office.by_appointment_only:
        lines.append(texts.message("office_by_appointment", lang))
    elif not status.published:
        lines.append(texts.message("hours_unpublished", lang))
    elif status.open_now and status.until is not None:
        until = status.until.astimezone(BERLIN)
        lines.append(texts.message("office_open_now", lang, until=f"{until:%H:%M}"))
    elif status.next_opening is not None:
        when = when_text(texts, lang, status.next_opening)
        lines.append(texts.message("office_closed_now", lang, when=when))
    else:
        lines.append(texts.message("hours_unpublished", lang))
    if office.contacts.appointments:
        url = office.contacts.appointments
        lines.append(texts.message("office_appointments", lang, url=url))
    contact = contact_text(office)
    if contact:
        lines.append(texts.message("office_contact", lang, contact=contact))
    return "\n".join(lines)


def office_choice(office: Office) -> Choice:
    return Choice(key=f"o:{office.id}", label=office.name)


def location_text(texts: Texts, lang: str, office: Office) -> str:
    """Only where the office is: "where is that?" after an answer that named it."""
    lines = [office.name]
    if office.address.street:
        lines.append(texts.message("address_line", lang, address=address_text(office)))
    url = map_url(office)
    if url is not None:
        lines.append(texts.message("office_map", lang, url=url))
    if not address_known(office):
        lines.append(texts.message("address_unverified", lang))
    return "\n".join(lines)


def hours_text(
    texts: Texts, lang: str, office: Office, calendar: OpeningCalendar, now: datetime
) -> str:
    """Only when the office is open: now or next, then its weekly hours."""
    status = calendar.status(office, now)
    lines = [office.name]
    if not status.published:
        lines.append(texts.message("hours_unpublished", lang))
        return "\n".join(lines)
    if status.open_now and status.until is not None:
        until = status.until.astimezone(BERLIN)
        lines.append(texts.message("office_open_now", lang, until=f"{until:%H:%M}"))
    elif status.next_opening is not None:
        when = when_text(texts, lang, status.next_opening)
        lines.append(texts.message("office_closed_now", lang, when=when))
    names = texts.message("office_weekdays", lang).split(",")
    for index, key in enumerate(WEEKDAYS):
        ranges = office.hours.get(key, ())  # type: ignore[call-overload]
        if ranges and len(names) == 7:
            lines.append(f"{names[index].strip()} {', '.join(ranges)}")
    return "\n".join(lines)
