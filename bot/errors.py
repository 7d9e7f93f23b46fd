"""The one exception tree of the project: every error Lotse raises on purpose is a LotseError."""

from __future__ import annotations


class LotseError(Exception):
    """Base of every error raised on purpose by Lotse."""


class ConfigError(LotseError):
    """The settings or environment are wrong; the message says which and how to fix it."""


class KnowledgeError(LotseError):
    """The knowledge base is invalid. ``problems`` holds ``path:line: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(problems) if problems else "invalid knowledge base")


class StorageError(LotseError):
    """The database failed in a way the core cannot recover from within this message."""


class ChannelError(LotseError):
    """A chat channel failed (network, authentication, protocol)."""


class DeliveryError(ChannelError):
    """A reply could not be delivered."""


class PermanentDeliveryError(DeliveryError):
    """The channel refused a send for good (the user blocked the bot, the chat is gone, the
    request is malformed): trying again cannot help. ``reason`` is short and names no chat."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class AuthenticationError(ChannelError):
    """The channel rejected the bot's credentials."""


class BookingError(LotseError):
    """A booking rule was broken: the slot is taken, the hold expired, the slot is in the past."""


class SlotTakenError(BookingError):
    """Every desk of the slot is booked (the database constraint said so)."""


class NotAuthorisedError(LotseError):
    """A staff or admin action by someone who is not on the configured roster."""


class SourceError(LotseError):
    """An outside source of knowledge (the Integreat API) could not be read: no answer, an
    HTTP error, or an answer of the wrong shape. The message names the URL and the problem."""
