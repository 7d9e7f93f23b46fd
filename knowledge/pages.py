"""Load information pages: admin YAML (pages/*.yaml) and imported JSON Lines (pages/**/*.jsonl).

Both kinds pass the same pydantic models, and every problem is ``path:line: message``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from intents.pages import Page, PageVersion
from knowledge.schema import Id, Lang, Model, Text
from knowledge.yaml_source import line_of, parse_yaml, validate

Problem = Callable[[Path, int, str], None]


class PageVersionDoc(Model):
    """One language version of an admin page."""

    status: Literal["reviewed", "machine", "unreviewed"]
    title: Text
    url: str = ""
    lines: tuple[Text, ...] = Field(min_length=1)
    last_change: str = ""


class PageDoc(Model):
    """pages/<id>.yaml: one page with every language version in it."""

    id: Id
    city: Id
    source: Text
    source_date: date | None = None
    verified: date
    licence: str = ""
    versions: dict[Lang, PageVersionDoc] = Field(min_length=1)


class ImportedPageLine(Model):
    """One line of an imported pages file: one language version of one page."""

    city: Text
    page_id: str | int
    lang: Lang
    title: Text
    lines: tuple[str, ...] = Field(min_length=1)
    url: str = ""
    last_change: str = ""
    licence: str = ""
    status: Literal["reviewed", "machine", "unreviewed"] = "reviewed"
    source: str = ""


def load_pages_dir(folder: Path, problem: Problem) -> tuple[Page, ...]:
    """Every page under ``folder`` (admin YAML and imported JSON Lines), merged by (city, id)."""
    if not folder.is_dir():
        return ()
    pages: list[Page] = []
    for path in sorted(folder.glob("*.yaml")):
        page = _yaml_page(path, problem)
        if page is not None:
            pages.append(page)
    admin = {page.key for page in pages}
    imported = load_jsonl_pages(sorted(folder.rglob("*.jsonl")), problem)
    for page in imported:
        if page.key in admin:
            continue  # an admin's page of the same id replaces the imported one
        pages.append(page)
    return tuple(pages)


def _yaml_page(path: Path, problem: Problem) -> Page | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem(path, 1, f"cannot read file: {exc}")
        return None
    raw, syntax = parse_yaml(text)
    if syntax is not None:
        problem(path, *syntax)
        return None
    if raw is None:
        problem(path, 1, "file is empty")
        return None
    doc, problems = validate(raw, PageDoc)
    for line, message in problems:
        problem(path, line, message)
    if doc is None:
        return None
    assert isinstance(doc, PageDoc)
    if doc.id != path.stem:
        problem(path, line_of(raw, ("id",)), f"id '{doc.id}' must equal the file name")
        return None
    if "de" not in doc.versions:
        problem(path, line_of(raw, ("versions",)), "versions: a German version (de) is needed")
    versions = tuple(
        PageVersion(
            lang=lang,
            status=version.status,
            title=version.title,
            url=version.url,
            lines=version.lines,
            last_change=version.last_change,
        )
        for lang, version in doc.versions.items()
    )
    return Page(
        city=doc.city,
        page_id=doc.id,
        source=doc.source,
        source_date=doc.source_date.isoformat() if doc.source_date else "",
        verified=doc.verified.isoformat(),
        licence=doc.licence,
        versions=versions,
    )


def load_jsonl_pages(paths: Iterable[Path], problem: Problem) -> tuple[Page, ...]:
    """Pages from JSON Lines files, one language version a line (the imported format and the
    OMoS-QA ``pages-*.jsonl``); versions of one (city, page_id) are merged across files."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for path in paths:
        for number, record in _records(path, problem):
            doc, problems = validate(record, ImportedPageLine)
            for _, message in problems:
                problem(path, number, message)
            if doc is None:
                continue
            assert isinstance(doc, ImportedPageLine)
            key = (doc.city, str(doc.page_id))
            entry = merged.setdefault(
                key, {"source": doc.source or doc.url, "licence": doc.licence, "versions": {}}
            )
            if doc.lang in entry["versions"]:
                problem(path, number, f"page {key[0]}/{key[1]} has two '{doc.lang}' versions")
                continue
            entry["versions"][doc.lang] = PageVersion(
                lang=doc.lang,
                status=doc.status,
                title=doc.title,
                url=doc.url,
                lines=tuple(doc.lines),
                last_change=doc.last_change,
            )
    return tuple(
        Page(
            city=city,
            page_id=page_id,
            source=entry["source"],
            source_date="",
            verified="",
            licence=entry["licence"],
            versions=tuple(entry["versions"].values()),
        )
        for (city, page_id), entry in merged.items()
    )


def _records(path: Path, problem: Problem) -> Iterable[tuple[int, Any]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        problem(path, 1, f"cannot read file: {exc}")
        return
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    problem(path, number, f"not JSON: {exc.msg} (column {exc.colno})")
                    continue
                if not isinstance(record, dict):
                    problem(path, number, "not a JSON object")
                    continue
                yield number, record
        except UnicodeDecodeError as exc:
            problem(path, 1, f"cannot read file: {exc}")


def read_pages_files(paths: Sequence[Path]) -> tuple[Page, ...]:
    """Pages from JSON Lines files given on the command line; raises ``ValueError`` listing
    every ``path:line: message`` problem."""
    problems: list[str] = []
    pages = load_jsonl_pages(paths, lambda p, n, m: problems.append(f"{p}:{n}: {m}"))
    if problems:
        raise ValueError("\n".join(problems))
    return pages
