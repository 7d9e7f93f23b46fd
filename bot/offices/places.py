"""City, district and quarter from a place name (any script, typos), postcode or point."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz

from knowledge.schema import City, GeoPoint, PlacesDoc

_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MIN_FUZZY_LENGTH = 5
_FUZZY_SCORE = 84.0
CITY_RADIUS_KM = 14.0
"""A shared point farther than this from every city centre lies outside the cities served."""
QUARTER_RADIUS_KM = 1.5
"""A point this close to a quarter's centre counts as in that quarter."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    """Where the user is, as far as the bot could tell. ``point`` only for a shared location."""

    city: str
    district: str | None = None
    quarter: str | None = None
    point: GeoPoint | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Name:
    folded: str
    place: Place


def fold(text: str) -> str:
    """One spelling for all scripts: Latin letters, lower case, letters and digits only."""
    return "".join(ch for ch in anyascii(text).casefold() if ch.isalnum())


def distance_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance (haversine); plenty exact at city scale."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


class PlaceFinder:
    """Looks places up in ``places.yaml``: names in any script, postcodes and shared points."""

    def __init__(self, places: PlacesDoc | None) -> None:
        self._cities: tuple[City, ...] = places.cities if places else ()
        self._names: list[_Name] = []
        self._postcodes: dict[str, Place] = {}
        for city in self._cities:
            for name in (city.name, *city.names):
                self._add(name, Place(city=city.id))
            for code in city.postcodes:
                self._postcodes.setdefault(code, Place(city=city.id))
            for district in city.districts:
                at_district = Place(city=city.id, district=district.id)
                for name in district.names:
                    self._add(name, at_district)
                for code in district.postcodes:
                    self._postcodes[code] = at_district
                for quarter in district.quarters:
                    at_quarter = Place(city=city.id, district=district.id, quarter=quarter.id)
                    for name in quarter.names:
                        self._add(name, at_quarter)
                    for code in quarter.postcodes:
                        self._postcodes.setdefault(code, at_quarter)
        # Longer names first, so "Innenstadt-Nord" wins over a shorter name inside it.
        self._names.sort(key=lambda n: -len(n.folded))

    def _add(self, name: str, place: Place) -> None:
        folded = fold(name)
        if folded:
            self._names.append(_Name(folded=folded, place=place))

    @property
    def city_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self._cities)

    def city(self, city_id: str) -> City | None:
        return next((c for c in self._cities if c.id == city_id), None)

    def by_area(self, city_id: str, area_id: str | None) -> Place | None:
        """The place for a city and a district or quarter id, as kept in the conversation."""
        city = self.city(city_id)
        if city is None:
            return None
        for district in city.districts:
            if district.id == area_id:
                return Place(city=city.id, district=district.id)
            for quarter in district.quarters:
                if quarter.id == area_id:
                    return Place(city=city.id, district=district.id, quarter=quarter.id)
        return Place(city=city.id)

    def point_of(self, place: Place) -> GeoPoint | None:
        """The shared point, else the centre of the quarter, district or city (approximate)."""
        if place.point is not None:
            return place.point
        city = self.city(place.city)
        if city is None:
            return None
        for district in city.districts:
            if district.id != place.district:
                continue
            for quarter in district.quarters:
                if quarter.id == place.quarter and quarter.centre is not None:
                    return quarter.centre
            if district.centre is not None:
                return district.centre
        return city.centre

    def postcode_in(self, text: str) -> str | None:
        match = _POSTCODE.search(text)
        return match.group(1) if match else None

    def by_postcode(self, postcode: str) -> Place | None:
        return self._postcodes.get(postcode)

    def by_name(self, text: str) -> Place | None:
        """The place named in ``text``: exact after folding, else the closest spelling."""
        words = [fold(w) for w in _WORD.findall(text)]
        words = [w for w in words if w]
        if not words:
            return None
        grams = {"".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
        for name in self._names:
            if name.folded in grams:
                return name.place
        best: tuple[float, Place] | None = None
        for name in self._names:
            if len(name.folded) < _MIN_FUZZY_LENGTH:
                continue
            for gram in grams:
                if abs(len(gram) - len(name.folded)) > 3:
                    continue
                score = fuzz.ratio(gram, name.folded)
                if score >= _FUZZY_SCORE and (best is None or score > best[0]):
                    best = (score, name.place)
        return best[1] if best else None

    def by_point(self, point: GeoPoint) -> Place | None:
        """The city whose centre is nearest (within its radius) and its nearest district."""
        near = [(distance_km(point, c.centre), c) for c in self._cities if c.centre is not None]
        near = [(d, c) for d, c in near if d <= CITY_RADIUS_KM]
        if not near:
            return None
        _, city = min(near, key=lambda pair: pair[0])
        districts = [(distance_km(point, d.centre), d) for d in city.districts if d.centre]
        if not districts:
            return Place(city=city.id, point=point)
        _, district = min(districts, key=lambda pair: pair[0])
        quarters = [
            (distance_km(point, q.centre), d, q)
            for d in city.districts
            for q in d.quarters
            if q.centre is not None
        ]
        near_quarters = [entry for entry in quarters if entry[0] <= QUARTER_RADIUS_KM]
        if near_quarters:
            _, district, quarter = min(near_quarters, key=lambda entry: entry[0])
            return Place(city=city.id, district=district.id, quarter=quarter.id, point=point)
        return Place(city=city.id, district=district.id, point=point)

    def find(self, text: str) -> Place | None:
        """A postcode first (it is exact), then a name."""
        code = self.postcode_in(text)
        if code is not None:
            return self.by_postcode(code)
        return self.by_name(text)
