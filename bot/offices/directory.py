"""The office directory: the nearest offices that can help with a topic, in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.offices.places import Place, PlaceFinder, distance_km, fold
from knowledge.loader import KnowledgeBase
from knowledge.schema import GeoPoint, Office, Service

_FAR_KM = 1_000.0
_STEP_KM = 0.5
_MIN_NAME = 5
"""Shorter folded names (\"JC\") would be found inside ordinary words."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Bookable:
    """A service of an office that has hours, so slots can be offered."""

    office: Office
    service: Service


class OfficeDirectory:
    """Answers "which office?" from one knowledge base. Pure: no I/O, no clock."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.places = PlaceFinder(kb.places)
        self._offices = kb.offices
        self._by_id = {o.id: o for o in kb.offices}
        self._names = {
            o.id: frozenset(
                n for n in (fold(name) for name in (o.name, *o.names)) if len(n) >= _MIN_NAME
            )
            for o in kb.offices
        }

    @property
    def offices(self) -> tuple[Office, ...]:
        return self._offices

    def get(self, office_id: str) -> Office | None:
        return self._by_id.get(office_id)

    def service(self, office_id: str, service_id: str) -> Bookable | None:
        office = self._by_id.get(office_id)
        if office is None:
            return None
        for service in office.services:
            if service.id == service_id:
                return Bookable(office=office, service=service)
        return None

    def nearest(
        self,
        place: Place | None,
        *,
        topic: str | None = None,
        lang: str | None = None,
        limit: int = 3,
        open_now: Callable[[Office], bool] | None = None,
    ) -> list[Office]:
        """Offices for ``place`` that help with ``topic``: nearest first (by the distance from
        the shared point, or the centre of the quarter, district or city), then those whose
        staff speak ``lang``, then those open now. Approximate points are compared in steps of
        half a kilometre, so language and opening decide between offices about as near."""
        candidates = [o for o in self._offices if place is None or o.city == place.city]
        if topic is not None:
            on_topic = [o for o in candidates if topic in o.topics]
            candidates = on_topic or candidates
        origin = self.places.point_of(place) if place is not None else None
        ranked = sorted(candidates, key=lambda o: self._rank(o, place, origin, lang, open_now))
        return ranked[:limit]

    def distance(self, office: Office, place: Place | None) -> float | None:
        """Kilometres from the place (its point or centre) to the office, if both are known."""
        origin = self.places.point_of(place) if place is not None else None
        if origin is None or office.location is None:
            return None
        return distance_km(origin, office.location)

    def named(self, text: str, place: Place | None = None) -> list[Office]:
        """Offices named in ``text`` (in any script: names are compared folded to Latin). The
        longest name found wins; several offices sharing it ("Bürgeramt") come nearest first,
        those of the place's city before the others."""
        folded = fold(text)
        if len(folded) < _MIN_NAME:
            return []
        hits: list[tuple[int, Office]] = []
        for office in self._offices:
            lengths = [len(n) for n in self._names[office.id] if n in folded]
            if lengths:
                hits.append((max(lengths), office))
        if not hits:
            return []
        best = max(length for length, _ in hits)
        found = [office for length, office in hits if length == best]
        if place is not None:
            in_city = [o for o in found if o.city == place.city]
            found = in_city or found
        origin = self.places.point_of(place) if place is not None else None
        return sorted(found, key=lambda o: self._rank(o, place, origin, None, None))

    def bookable(self, place: Place | None, *, topic: str | None = None) -> list[Bookable]:
        """Services that can be booked, nearest office first."""
        found: list[Bookable] = []
        for office in self.nearest(place, topic=None, limit=len(self._offices)):
            if not office.booking.enabled or not office.hours or "hours" in office.unverified:
                continue
            for service in office.services:
                if topic is None or not service.topics or topic in service.topics:
                    found.append(Bookable(office=office, service=service))
        return found

    def bookable_at(self, office_id: str) -> bool:
        office = self._by_id.get(office_id)
        return bool(
            office
            and office.booking.enabled
            and office.services
            and office.hours
            and "hours" not in office.unverified
        )

    def registration_offices(
        self, city: str, citizenship: str, place: Place | None = None
    ) -> list[Office]:
        """Where to register an address: the registry offices of the city that take this
        citizenship ("eu" or "non_eu"), nearest first. Only offices whose ``registers`` say so:
        an advice office that helps with registering is never given as the registry."""
        exact = [o for o in self._offices if o.city == city and citizenship in o.registers]
        where = place if place is not None and place.city == city else Place(city=city)
        origin = self.places.point_of(where)
        return sorted(exact, key=lambda o: self._rank(o, where, origin, None, None))

    @staticmethod
    def _rank(
        office: Office,
        place: Place | None,
        origin: GeoPoint | None,
        lang: str | None,
        open_now: Callable[[Office], bool] | None,
    ) -> tuple[float, int, int, int]:
        steps = _FAR_KM / _STEP_KM
        if origin is not None and office.location is not None:
            steps = round(distance_km(origin, office.location) / _STEP_KM)
        speaks = 0 if lang is not None and lang in office.languages else 1
        is_open = 0 if open_now is not None and open_now(office) else 1
        return steps, speaks, is_open, _serves(office, place)


def _serves(office: Office, place: Place | None) -> int:
    """0 when the office names the place's quarter, 1 its district, 2 the whole city, else 3."""
    if place is None:
        return 3
    if place.quarter is not None and place.quarter in office.districts:
        return 0
    if place.district is not None and place.district in office.districts:
        return 1
    return 2 if not office.districts else 3
