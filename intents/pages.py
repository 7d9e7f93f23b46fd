"""Information pages (open-world answers): a page, its language versions, its passages."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["reviewed", "machine", "unreviewed"]

# A passage ends before a heading or once it holds this many characters.
PASSAGE_CHARS = 250
# A heading: a short line that does not end like a sentence.
_HEADING_WORDS = 8
_SENTENCE_END = re.compile(r"[.!?;:,)\"»“”…]\s*$|[.!?؟。]\s*\S{0,2}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class PageVersion:
    """One language version of a page."""

    lang: str
    status: Status
    title: str
    url: str = ""
    lines: tuple[str, ...]
    """The page's sentences in order; a heading is a line too (imported pages start with the
    title, admin pages need not)."""
    last_change: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """An information page of one city, in one or more languages."""

    city: str
    page_id: str
    source: str = ""
    source_date: str = ""
    verified: str = ""
    licence: str = ""
    versions: tuple[PageVersion, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.city, self.page_id)

    def version(self, lang: str) -> PageVersion | None:
        for version in self.versions:
            if version.lang == lang:
                return version
        return None

    def url(self, lang: str) -> str:
        version = self.version(lang)
        return (version.url if version else "") or self.source


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """A block of consecutive lines of one page version (a heading and what follows it)."""

    start: int
    """The index of the block's first line in :attr:`PageVersion.lines`."""
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def is_heading(line: str) -> bool:
    """A short line that does not end like a sentence ("Kosten"; "Wie viel kostet es?" is not)."""
    words = line.split()
    return 0 < len(words) <= _HEADING_WORDS and not _SENTENCE_END.search(line)


def passages(version: PageVersion) -> tuple[Passage, ...]:
    """The page's blocks: a new one starts at each heading or when one grows past
    :data:`PASSAGE_CHARS`. A first line equal to the title is left out (the title is searched
    on its own)."""
    lines = version.lines
    first = 1 if lines and lines[0].strip() == version.title.strip() else 0
    blocks: list[Passage] = []
    current: list[str] = []
    start = first
    size = 0
    for index in range(first, len(lines)):
        line = lines[index].strip()
        if not line:
            continue
        if current and (is_heading(line) or size + len(line) > PASSAGE_CHARS):
            blocks.append(Passage(start=start, lines=tuple(current)))
            current, size = [], 0
        if not current:
            start = index
        current.append(line)
        size += len(line) + 1
    if current:
        blocks.append(Passage(start=start, lines=tuple(current)))
    return tuple(blocks)


def iter_versions(pages: Sequence[Page]) -> Iterator[tuple[Page, PageVersion]]:
    for page in pages:
        for version in page.versions:
            yield page, version
