"""Log records carry a short, non-identifying conversation tag from a context variable."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(ConversationFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(conversation)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request line (one per Telegram poll) at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
