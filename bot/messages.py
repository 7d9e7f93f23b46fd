"""The message model that flows between channels and the core: frozen values only."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import NewType

ChannelName = NewType("ChannelName", str)
"""The adapter a conversation lives on: "console", "telegram", "matrix", "memory" ..."""

ChatId = NewType("ChatId", str)
"""The channel's own id of a chat (Telegram chat id, Matrix room id ...), as text."""

UserId = NewType("UserId", str)
"""The channel's own id of a sender, as text. Never shown to staff."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationRef:
    """Where a conversation lives: a chat on a channel. Hashable, usable as a key."""

    channel: ChannelName
    chat_id: ChatId
    thread_id: str | None = None
    """A thread inside the chat (a Telegram forum topic); ``None`` for the chat itself."""
    member: UserId | None = None
    """In a group chat, the member who wrote: the conversation is theirs, not the group's
    (their bookings, handover case and ``/delete``). ``None`` in a one-to-one chat."""

    @property
    def key(self) -> str:
        """A stable text key for storage: ``channel:chat_id``, plus ``|member`` in a group. A
        thread belongs to its chat's conversation: one state, one lock, whichever thread a
        message came from."""
        chat = f"{self.channel}:{self.chat_id}"
        return chat if self.member is None else f"{chat}{MEMBER_SEPARATOR}{self.member}"

    @property
    def chat_key(self) -> str:
        """``channel:chat_id`` of the chat itself, whoever wrote (staff rooms, threads)."""
        return f"{self.channel}:{self.chat_id}"

    @classmethod
    def from_key(cls, key: str, thread_id: str | None = None) -> ConversationRef:
        """The conversation a stored :attr:`key` names."""
        channel, _, rest = key.partition(":")
        chat_id, _, member = rest.partition(MEMBER_SEPARATOR)
        return cls(
            channel=ChannelName(channel),
            chat_id=ChatId(chat_id),
            thread_id=thread_id,
            member=UserId(member) if member else None,
        )


MEMBER_SEPARATOR = "|"
"""Between the chat and the member in a group conversation's key (no chat id contains it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """A point the user shared, in WGS84 degrees."""

    lat: float
    lon: float


class MessageKind(enum.Enum):
    TEXT = "text"
    """Plain text typed by the user (commands like /help included)."""
    CHOICE = "choice"
    """The user pressed a button of a choice offered earlier (``choice`` holds its key)."""
    LOCATION = "location"
    """The user shared a location; ``location`` is set."""
    UNSUPPORTED = "unsupported"
    """A photo, voice note, sticker ...: something the bot cannot read."""
    FEEDBACK = "feedback"
    """A thumbs-up/down on an answer; ``text`` is "+1" or "-1"."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IncomingMessage:
    """One thing a user sent, as the core sees it, whatever the channel."""

    conversation: ConversationRef
    sender: UserId
    message_id: str
    """Unique per channel; used to drop duplicates (redelivery after a restart)."""
    kind: MessageKind = MessageKind.TEXT
    text: str = ""
    choice: str | None = None
    """For ``MessageKind.CHOICE``: the ``Choice.key`` that was picked."""
    location: Location | None = None
    lang_hint: str | None = None
    """The client's interface language (Telegram ``language_code``): a hint, never a verdict."""
    received_at: datetime | None = None
    """Aware UTC; ``None`` means "now" according to the core's clock."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """One numbered option offered to the user; ``key`` comes back as the message's choice."""

    key: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Venue:
    """An office to show on a map (Telegram sends it as a venue; others as text + link)."""

    name: str
    address: str
    lat: float
    lon: float
    map_url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A file to send, such as an appointment's .ics."""

    filename: str
    mime_type: str
    content: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """One message from the bot: plain text (channels escape it), choices numbered 1..n."""

    text: str
    choices: tuple[Choice, ...] = ()
    venue: Venue | None = None
    document: Document | None = None
    lang: str = "de"
    """The language the text is written in."""
    feedback: bool = False
    """True for a knowledge answer the user may rate (thumbs up/down)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Outgoing:
    """A reply addressed to a conversation: the unit the dispatcher hands to an adapter."""

    to: ConversationRef
    reply: Reply
    id: str = field(default="")
    """Idempotency key: an adapter that already delivered this id must not send it again."""
