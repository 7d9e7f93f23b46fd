"""Log records carry a short, non-identifying conversation tag from a context variable."""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any

_conversation: ContextVar[str] = ContextVar("lotse_conversation", default="-")


def conversation_tag(key: str) -> str:
    """A stable pseudonym for a conversation: logs can follow it without showing the chat id."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


@contextmanager
def conversation_context(key: str) -> Iterator[str]:
    tag = conversation_tag(key)
    token = _conversation.set(tag)
    try:
        yield tag
    finally:
        _conversation.reset(token)


class ConversationFilter(logging.Filter):
    """Adds ``%(conversation)s`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.conversation = _conversation.get()
        return True


class PrivateFormatter(logging.Formatter):
    """Tracebacks without the exceptions' text: a database error's text quotes the values it
    could not store (a message, an address), a driver's its parameters. Kept at DEBUG only."""

    def __init__(self, fmt: str, *, show_text: bool) -> None:
        super().__init__(fmt)
        self._show_text = show_text

    def formatException(self, ei: Any) -> str:
        if self._show_text:
            return super().formatException(ei)
        return private_traceback(ei[1])


def private_traceback(exc: BaseException | None) -> str:
    """Where each exception of a chain was raised and its type, never its text."""
    chain: list[BaseException] = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    lines: list[str] = []
    for item in reversed(chain):
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        kind = type(item)
        lines.append(f"{kind.__module__}.{kind.__qualname__}: (text hidden above DEBUG)")
    return "\n".join(lines)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(conversation)s] %(message)s"


class JsonFormatter(PrivateFormatter):
    """One JSON object a line, for log collectors; the same privacy rules as the text form."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "conversation": getattr(record, "conversation", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str = "INFO", stream: IO[str] | None = None, *, log_format: str = "text"
) -> None:
    handler = logging.StreamHandler(stream)
    handler.addFilter(ConversationFilter())
    show_text = level.upper() == "DEBUG"
    formatter = JsonFormatter if log_format == "json" else PrivateFormatter
    handler.setFormatter(formatter(LOG_FORMAT, show_text=show_text))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request line (one per Telegram poll) at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
