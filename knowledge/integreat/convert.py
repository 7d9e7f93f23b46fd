"""Integreat API records to Lotse's files: page lines (knowledge/FORMAT.md, pages/) and offices."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from knowledge.integreat.api import ApiDayHours, ApiLocation, ApiPage
from knowledge.integreat.html_text import html_lines
from knowledge.schema import SUPPORTED_LANGUAGES, WEEKDAYS, parse_time_range

LANGUAGE_CODES: dict[str, str] = {"kmr": "ku", "prs": "fa", "pes": "fa"}
"""Integreat language slugs that differ from Lotse's codes; slugs Lotse does not speak (easy
German, Spanish ...) are skipped. Extend when a region offers another spelling."""

DESCRIPTION_CHARS = 300


def lotse_lang(code: str) -> str | None:
    """Lotse's code for an Integreat language slug, or None when Lotse does not speak it."""
    lang = LANGUAGE_CODES.get(code, code)
    return lang if lang in SUPPORTED_LANGUAGES else None


def utc_text(stamp: str) -> str:
    """An ISO 8601 time from the CMS as UTC with a ``Z``; unparsable text is kept as it is."""
    try:
        parsed = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def page_key(page: ApiPage, source_lang: str) -> str:
    """One id for a page across its languages: the id of its source-language translation
    (the API's ``id`` is per translation), else the translation's own id."""
    ref = page.available_languages.get(source_lang)
    if ref is not None and ref.id is not None:
        return str(ref.id)
    return str(page.id)


def page_status(page: ApiPage, *, lang: str, source_lang: str) -> str:
    """``machine`` where the CMS marks a machine translation; ``reviewed`` for the region's own
    language (its editors write and publish it); ``unreviewed`` for every other translation,
    since the version 3 answer does not say who translated it or whether anyone checked it."""
    if page.machine_translated:
        return "machine"
    return "reviewed" if lang == source_lang else "unreviewed"


def page_record(
    page: ApiPage, *, city: str, lang: str, source_lang: str, page_id: str, licence: str
) -> dict[str, Any]:
    """One line of ``pages/integreat-<region>/<lang>.jsonl``; ``lines[0]`` is the title."""
    title = " ".join(page.title.split())
    lines = [line for line in html_lines(page.content) if line != title]
    return {
        "city": city,
        "page_id": page_id,
        "lang": lang,
        "title": title,
        "lines": [title, *lines],
        "url": page.url,
        "last_change": utc_text(page.changed),
        "licence": licence,
        "status": page_status(page, lang=lang, source_lang=source_lang),
    }


def hours_of(days: tuple[ApiDayHours, ...] | None) -> tuple[dict[str, list[str]], bool]:
    """Weekday -> "HH:MM-HH:MM" ranges (the CMS lists Monday first), and whether any day is
    by appointment only. Slots that are not clean ranges are left out, never guessed."""
    hours: dict[str, list[str]] = {}
    appointment_only = False
    for weekday, day in zip(WEEKDAYS, days or (), strict=False):
        appointment_only = appointment_only or day.appointmentOnly
        if day.closed and not day.allDay:
            continue
        ranges = ["00:00-23:59"] if day.allDay else []
        for slot in day.timeSlots:
            text = f"{slot.start.strip()}-{slot.end.strip()}"
            try:
                parse_time_range(text)
            except ValueError:
                continue
            ranges.append(text)
        if ranges:
            hours[weekday] = ranges
    return hours, appointment_only


def office_record(
    versions: dict[str, ApiLocation], *, source_lang: str, region: str, city: str, read_on: date
) -> dict[str, Any]:
    """One office (offices.yaml shape) from a location in each language it has."""
    main = versions.get(source_lang) or next(iter(versions.values()))
    point = main.location
    hours, appointment_only = hours_of(None if main.temporarily_closed else main.opening_hours)
    unverified = ["languages", "districts"]
    if not hours:
        unverified.append("hours")
    if not (point.address or "").strip():
        unverified.append("address")
    if point.latitude is None or point.longitude is None:
        unverified.append("location")
    contacts: dict[str, Any] = {}
    if main.phone_number:
        contacts["phones"] = [main.phone_number.strip()]
    if main.email:
        contacts["emails"] = [main.email.strip()]
    if main.website:
        contacts["web"] = main.website.strip()
    if not contacts:
        unverified.append("contacts")
    office: dict[str, Any] = {
        "id": f"integreat-{region}-{point.id if point.id is not None else main.id}".lower(),
        "name": " ".join(main.title.split()),
        "city": city,
        "kind": (main.category.name if main.category and main.category.name else "office"),
        "address": {
            "street": (point.address or "").strip(),
            "postcode": (point.postcode or "").strip(),
            "city": (point.town or "").strip() or city.title(),
        },
    }
    if point.latitude is not None and point.longitude is not None:
        office["location"] = {"lat": point.latitude, "lon": point.longitude}
    office["hours"] = hours
    office["contacts"] = contacts
    descriptions = {
        lang: _short(version.excerpt) for lang, version in versions.items() if version.excerpt
    }
    office["description"] = {k: v for k, v in descriptions.items() if v}
    office["appointment_url"] = (main.appointment_url or "").strip()
    office["appointment_only"] = appointment_only
    office["temporarily_closed"] = main.temporarily_closed
    office["source"] = main.url
    office["verified"] = read_on
    office["imported_on"] = read_on
    office["unverified"] = unverified
    return office


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    cut = text[:DESCRIPTION_CHARS]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > DESCRIPTION_CHARS // 2 else cut.rsplit(" ", 1)[0] + " …"
