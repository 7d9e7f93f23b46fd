"""The Integreat CMS public API, version 3: the region's languages, pages and locations.

Shapes as documented in integreat-cms (docs/src/api-docs.rst, integreat_cms/api/v3/): every
list endpoint answers the whole list in one JSON array (no paging). Only the fields Lotse uses
are checked; anything else the CMS adds is ignored.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, field_validator

from bot.errors import SourceError

DEFAULT_BASE_URL = "https://cms.integreat-app.de"
DEFAULT_TIMEOUT = 30.0


class _Api(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ApiLanguage(_Api):
    code: str
    native_name: str = ""
    dir: str = "ltr"


class ApiRef(_Api):
    """A translation in another language, as listed in ``available_languages``."""

    id: int | None = None
    url: str | None = None
    path: str | None = None


class ApiParent(_Api):
    id: int = 0


class ApiPage(_Api):
    """One page translation (its ``id`` is the translation's, not the page's)."""

    id: int
    url: str
    path: str = ""
    title: str
    modified_gmt: str | None = None
    last_updated: str | None = None
    content: str = ""
    parent: ApiParent | None = None
    available_languages: dict[str, ApiRef] = {}
    machine_translated: bool = False
    """Not sent by the CMS versions read so far; honoured should a later one send it."""

    @field_validator("available_languages", mode="before")
    @classmethod
    def _languages_as_map(cls, value: Any) -> Any:
        # Documented as a map of language slug -> translation; anything else carries no links.
        return value if isinstance(value, dict) else {}

    @property
    def changed(self) -> str:
        return self.modified_gmt or self.last_updated or ""


class ApiTimeSlot(_Api):
    start: str
    end: str


class ApiDayHours(_Api):
    """One day of opening hours; the field names are the CMS's own (camelCase)."""

    allDay: bool = False
    closed: bool = True
    appointmentOnly: bool = False
    timeSlots: tuple[ApiTimeSlot, ...] = ()


class ApiPoint(_Api):
    id: int | None = None
    name: str | None = None
    address: str | None = None
    town: str | None = None
    postcode: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class ApiCategory(_Api):
    name: str = ""


class ApiLocation(_Api):
    """One location (POI) translation; ``location`` carries the place itself."""

    id: int
    url: str
    title: str
    modified_gmt: str | None = None
    last_updated: str | None = None
    excerpt: str = ""
    content: str = ""
    website: str | None = None
    email: str | None = None
    phone_number: str | None = None
    category: ApiCategory | None = None
    temporarily_closed: bool = False
    opening_hours: tuple[ApiDayHours, ...] | None = None
    appointment_url: str | None = None
    location: ApiPoint


M = TypeVar("M", bound=BaseModel)


class IntegreatApi:
    """Reads one region. Every failure becomes a :class:`SourceError` naming the URL."""

    def __init__(self, client: httpx.AsyncClient, region: str) -> None:
        self._client = client
        self.region = region

    async def languages(self) -> list[ApiLanguage]:
        return await self._list(f"/api/v3/{self.region}/languages/", ApiLanguage)

    async def pages(self, lang: str) -> list[ApiPage]:
        return await self._list(f"/api/v3/{self.region}/{lang}/pages/", ApiPage)

    async def locations(self, lang: str) -> list[ApiLocation]:
        return await self._list(f"/api/v3/{self.region}/{lang}/locations/", ApiLocation)

    async def _list(self, path: str, model: type[M]) -> list[M]:
        url = f"{self._client.base_url}{path.lstrip('/')}"
        data = await self._get_json(path, url)
        if not isinstance(data, list):
            raise SourceError(f"{url}: expected a JSON list, got {type(data).__name__}")
        adapter = TypeAdapter(model)
        items: list[M] = []
        for index, item in enumerate(data):
            try:
                items.append(adapter.validate_python(item))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "item"
                raise SourceError(f"{url}: item {index}: {where}: {first['msg']}") from exc
        return items

    async def _get_json(self, path: str, url: str) -> Any:
        try:
            response = await self._client.get(path)
            response.raise_for_status()
        except httpx.TimeoutException as exc:
            raise SourceError(f"{url}: no answer in time ({type(exc).__name__})") from exc
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            hint = " (unknown region or language?)" if status == 404 else ""
            raise SourceError(f"{url}: HTTP {status}{hint}") from exc
        except httpx.HTTPError as exc:
            raise SourceError(f"{url}: cannot connect: {exc}") from exc
        try:
            return json.loads(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(f"{url}: the answer is not valid JSON: {exc}") from exc


def api_client(base_url: str, timeout: float) -> httpx.AsyncClient:
    """An HTTP client for the CMS: one timeout for connecting and for each read."""
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/") + "/",
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        headers={"User-Agent": "lotse-integreat-import", "Accept": "application/json"},
    )
