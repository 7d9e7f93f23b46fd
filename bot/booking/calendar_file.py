"""An appointment as an iCalendar (.ics) file the user can add to their phone's calendar."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from bot.messages import Document


def appointment_ics(
    *, uid: str, start: datetime, end: datetime, summary: str, location: str, stamp: datetime
) -> Document:
    calendar = Calendar()
    calendar.add("prodid", "-//Lotse//Termin//DE")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    calendar.add_component(event)
    return Document(filename="termin.ics", mime_type="text/calendar", content=calendar.to_ical())
