"""The office directory: the nearest offices that can help with a topic, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.offices.places import Place, PlaceFinder, distance_km
from knowledge.loader import KnowledgeBase
from knowledge.schema import Office, Service

_FAR_KM = 1_000.0


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
    ) -> list[Office]:
        """Offices for ``place``: those serving its quarter, then its district, then the whole
        city, then the rest by distance; ties go to offices whose staff speak ``lang``."""
        candidates = [o for o in self._offices if place is None or o.city == place.city]
        if topic is not None:
            on_topic = [o for o in candidates if topic in o.topics]
            candidates = on_topic or candidates
        ranked = sorted(candidates, key=lambda o: self._rank(o, place, lang))
        return ranked[:limit]

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

    def registration_offices(self, city: str, citizenship: str) -> list[Office]:
        """Where to register an address: offices for this citizenship ("eu" or "non_eu")."""
        in_city = [o for o in self._offices if o.city == city]
        exact = [o for o in in_city if citizenship in o.registers]
        return exact or [o for o in in_city if "registration" in o.topics]

    @staticmethod
    def _rank(office: Office, place: Place | None, lang: str | None) -> tuple[int, int, float]:
        tier = 3
        if place is not None:
            if place.quarter is not None and place.quarter in office.districts:
                tier = 0
            elif place.district is not None and place.district in office.districts:
                tier = 1
            elif not office.districts:
                tier = 2
        speaks = 0 if lang is not None and lang in office.languages else 1
        far = _FAR_KM
        if place is not None and place.point is not None and office.location is not None:
            far = distance_km(place.point, office.location)
        return tier, speaks, far
