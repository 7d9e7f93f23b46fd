"""Integreat page HTML to plain lines: headings, paragraphs and list items each a line of text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# The CMS stores editor-made HTML; only its block structure and text matter here, so the
# stdlib parser (tolerant of broken markup, no extra dependency) is enough: a DOM library
# would still leave the walk over the blocks to us.
_BLOCKS = frozenset(
    ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr",
     "table", "thead", "tbody", "blockquote", "section", "article", "header", "footer",
     "figure", "figcaption", "address", "pre", "hr")
)  # fmt: skip
_CELLS = frozenset(("td", "th"))
_SKIP = frozenset(("script", "style", "template", "noscript", "iframe", "svg"))
_SPACE = re.compile(r"\s+")


class _LineCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._parts: list[str] = []
        self._skip_depth = 0
        self._links: list[str | None] = []
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCKS or tag == "br":
            self._flush()
        elif tag in _CELLS:
            self._parts.append(" ; ")
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))
            self._link_text.append("")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self._text(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCKS:
            self._flush()
        elif tag == "a" and self._links:
            href, text = self._links.pop(), self._link_text.pop()
            # A bare "here" is useless in a chat: keep where the link goes.
            if href and href.startswith(("http://", "https://")) and href not in text:
                self._parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._text(data)

    def _text(self, data: str) -> None:
        self._parts.append(data)
        if self._link_text:
            self._link_text[-1] += data

    def _flush(self) -> None:
        line = _SPACE.sub(" ", "".join(self._parts)).strip(" ;")
        self._parts = []
        if line:
            self.lines.append(line)

    def close(self) -> None:
        super().close()
        self._flush()


def html_lines(html: str) -> list[str]:
    """The text of ``html`` as lines, in reading order; blank lines dropped."""
    collector = _LineCollector()
    collector.feed(html or "")
    collector.close()
    return collector.lines
