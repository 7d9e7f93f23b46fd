"""`lotse kb import-integreat`: read a region, write its pages and offices, only what changed.

Everything is read and converted before anything is written, so a timeout, an HTTP error or a
malformed answer leaves the last good import as it was. The new files are written into a
staging folder beside the target and then moved into place one by one with an atomic rename,
the state file last: a reader sees each file either old or new, never half written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.errors import SourceError
from knowledge.integreat.api import ApiLocation, ApiPage, IntegreatApi
from knowledge.integreat.convert import (
    lotse_lang,
    office_record,
    page_key,
    page_record,
    page_status,
)
from knowledge.schema import OfficesDoc

log = logging.getLogger(__name__)

STATE_FILE = ".import-state.json"
DEFAULT_LICENCE = "CC BY 4.0, Integreat ({region}), integreat-app.de; converted to plain text"
"""Integreat content is licensed CC BY 4.0 (Nordstadtblogger on the Dortmund launch, 2021,
read 2026-12-05); ``--licence`` overrides it."""


@dataclass(slots=True)
class ImportReport:
    region: str
    languages: list[str] = field(default_factory=list)
    skipped_languages: list[str] = field(default_factory=list)
    pages: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    offices: int = 0
    files_written: list[str] = field(default_factory=list)

    def summary(self) -> str:
        skipped = f" (skipped: {' '.join(self.skipped_languages)})" if self.skipped else ""
        return (
            f"integreat {self.region}: languages {' '.join(self.languages)}{skipped}; "
            f"{self.pages} pages ({self.changed} new or changed, {self.unchanged} unchanged, "
            f"{self.deleted} removed); {self.offices} offices; "
            f"{len(self.files_written)} files written"
        )

    @property
    def skipped(self) -> bool:
        return bool(self.skipped_languages)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportTarget:
    out: Path
    region: str
    city: str
    licence: str

    @property
    def pages_dir(self) -> Path:
        return self.out / "pages" / f"integreat-{self.region}"

    @property
    def offices_file(self) -> Path:
        return self.out / f"offices-integreat-{self.region}.yaml"


async def import_region(api: IntegreatApi, target: ImportTarget, today: date) -> ImportReport:
    """Read the region through ``api`` and bring ``target`` up to date."""
    report = ImportReport(region=target.region)
    state = _read_state(target.pages_dir / STATE_FILE)
    languages = await api.languages()
    chosen: dict[str, str] = {}  # Lotse code -> Integreat slug
    for language in languages:
        lang = lotse_lang(language.code)
        if lang is None or lang in chosen:
            report.skipped_languages.append(language.code)
        else:
            chosen[lang] = language.code
    if not chosen:
        raise SourceError(f"region {target.region}: none of its languages is one Lotse speaks")
    source_lang = "de" if "de" in chosen else next(iter(chosen))
    report.languages = list(chosen)

    pages: dict[str, list[ApiPage]] = {}
    locations: dict[str, list[ApiLocation]] = {}
    for lang, slug in chosen.items():
        pages[lang] = await api.pages(slug)
        locations[lang] = await api.locations(slug)

    new_state: dict[str, Any] = {"region": target.region, "read_on": today.isoformat()}
    page_files: dict[str, str | None] = {}  # file name -> new text (None: delete)
    seen_state: dict[str, dict[str, dict[str, str]]] = {}
    old_pages: dict[str, dict[str, dict[str, str]]] = state.get("pages", {})
    for lang, items in pages.items():
        before = old_pages.get(lang, {})
        previous = _read_records(target.pages_dir / f"{lang}.jsonl")
        records: list[dict[str, Any]] = []
        now_state: dict[str, dict[str, str]] = {}
        dirty = not (target.pages_dir / f"{lang}.jsonl").exists()
        for page in items:
            key = str(page.id)
            page_id = page_key(page, source_lang)
            old = before.get(key)
            record = previous.get(page.url)
            if old is not None and old.get("modified") == page.changed and record is not None:
                report.unchanged += 1
                status = page_status(page, lang=lang, source_lang=source_lang)
                if record.get("page_id") != page_id or record.get("status") != status:
                    # Files written before a page's id or status rule changed are corrected.
                    record = {**record, "page_id": page_id, "status": status}
                    dirty = True
            else:
                record = page_record(
                    page,
                    city=target.city,
                    lang=lang,
                    source_lang=source_lang,
                    page_id=page_id,
                    licence=target.licence,
                )
                report.changed += 1
                dirty = True
            records.append(record)
            now_state[key] = {"modified": page.changed, "url": page.url}
        gone = set(before) - set(now_state)
        report.deleted += len(gone)
        report.pages += len(records)
        if dirty or gone:
            page_files[f"{lang}.jsonl"] = "".join(
                json.dumps(r, ensure_ascii=False) + "\n" for r in records
            )
        seen_state[lang] = now_state
    for lang in set(old_pages) - set(pages):
        report.deleted += len(old_pages[lang])
        page_files[f"{lang}.jsonl"] = None
    new_state["pages"] = seen_state

    text, offices_hash = _offices_yaml(locations, source_lang, target, today)
    report.offices = len(_by_place(locations))
    new_state["offices"] = offices_hash
    same = state.get("offices") == offices_hash and target.offices_file.exists()
    # Same facts: the file stays, and with it the day they were first read.
    _write(target, page_files, None if same else text, new_state, report)
    return report


def _by_place(locations: dict[str, list[ApiLocation]]) -> dict[str, dict[str, ApiLocation]]:
    """Location translations grouped by the place they describe (one office each)."""
    places: dict[str, dict[str, ApiLocation]] = {}
    for lang, items in locations.items():
        for item in items:
            place = str(item.location.id if item.location.id is not None else item.id)
            places.setdefault(place, {})[lang] = item
    return places


def _offices_yaml(
    locations: dict[str, list[ApiLocation]], source_lang: str, target: ImportTarget, today: date
) -> tuple[str, str]:
    """The offices file and a hash of its facts (without the day they were read)."""
    where = {"source_lang": source_lang, "region": target.region, "city": target.city}
    offices = [
        office_record(versions, read_on=today, **where)
        for _, versions in sorted(_by_place(locations).items(), key=lambda kv: kv[0])
    ]
    # Check against the loader's own schema: a location the loader would reject fails the
    # import now, with its id, instead of breaking the knowledge base later.
    for office in offices:
        try:
            OfficesDoc.model_validate({"offices": [office]})
        except ValueError as exc:
            raise SourceError(f"location {office['id']}: cannot become an office: {exc}") from exc
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    buffer = StringIO()
    buffer.write(
        f"# Written by `lotse kb import-integreat {target.region}` on {today.isoformat()}.\n"
        "# Do not edit: the next import replaces this file. Facts are as the region's\n"
        "# Integreat locations give them; nobody has checked them (see imported_on).\n"
    )
    yaml.dump({"offices": offices}, buffer)
    facts = [{k: v for k, v in o.items() if k not in ("verified", "imported_on")} for o in offices]
    digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()
    return buffer.getvalue(), digest


def _write(
    target: ImportTarget,
    page_files: dict[str, str | None],
    offices_text: str | None,
    state: dict[str, Any],
    report: ImportReport,
) -> None:
    target.pages_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=target.out))
    try:
        moves: list[tuple[Path, Path]] = []
        for name, text in sorted(page_files.items()):
            if text is not None:
                moves.append((_stage(staging, name, text), target.pages_dir / name))
        if offices_text is not None:
            moves.append((_stage(staging, "offices.yaml", offices_text), target.offices_file))
        state_text = json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        moves.append((_stage(staging, STATE_FILE, state_text), target.pages_dir / STATE_FILE))
        for source, destination in moves:
            os.replace(source, destination)
            if destination.name != STATE_FILE:
                report.files_written.append(str(destination))
        for name, text in page_files.items():
            if text is None:
                (target.pages_dir / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stage(staging: Path, name: str, text: str) -> Path:
    path = staging / name
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def _read_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read_records(path: Path) -> dict[str, dict[str, Any]]:
    """The records of the last import of one language, by URL; a damaged file counts as
    empty, so everything in it is converted again."""
    records: dict[str, dict[str, Any]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return records
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            return {}
        if isinstance(record, dict) and isinstance(record.get("url"), str):
            records[record["url"]] = record
    return records
