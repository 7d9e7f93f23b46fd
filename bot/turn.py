"""What a handler sees (TurnContext) and what it returns (Turn)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Choice, IncomingMessage, Outgoing, Reply
from bot.state import ConversationState
from bot.texts import Texts
from knowledge.loader import KnowledgeBase


@dataclass(frozen=True, slots=True, kw_only=True)
class Understood:
    """What the matcher made of a message."""

    intent: str
    confidence: float
    decision: str
    """"answer", "ask" or "unknown"."""
    alternatives: tuple[tuple[str, float], ...] = ()
    lang: str = "de"
    lang_confidence: float = 0.0
    safety: str = "none"
    """The safety layer's certainty: "sure", "unsure" or "none" (intents/safety.py)."""
    safety_kind: str | None = None
    """The kind of crisis ("medical", "suicide" ...) when ``safety`` is not "none"."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnContext:
    """Everything one message's handling may look at. ``session`` is the message's unit of work."""

    message: IncomingMessage
    text: str
    """The message text, cleaned (control characters, bidi marks and markup removed)."""
    state: ConversationState
    lang: str
    """The language to answer in."""
    now: datetime
    session: AsyncSession
    kb: KnowledgeBase
    texts: Texts
    choice: Choice | None = None
    """The choice picked, by button or by typing its number."""
    understood: Understood | None = None
    """What the matcher made of the message, so a dialogue step can let a clear new
    question ("my appointments" inside the slot list) leave the step."""

    def msg(self, key: str, **values: object) -> str:
        return self.texts.message(key, self.lang, **values)

    def reply(self, text: str, **kwargs: object) -> Reply:
        return Reply(text=text, lang=self.lang, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True, kw_only=True)
class Turn:
    """The outcome of one message: replies to the user, the new state, messages to others."""

    replies: tuple[Reply, ...]
    state: ConversationState
    outgoing: tuple[Outgoing, ...] = ()
    """Messages to other conversations (staff rooms, a user's case) sent after commit."""
    forget: bool = False
    """True when the user asked to delete their data: the conversation row is removed."""
    intent: str | None = None
    """The intent answered, for logs and evaluation."""
    after_commit: tuple[Callable[[], Awaitable[None]], ...] = field(default=())
    unanswered: bool = False
    """True when nothing answered the question (the "I don't know" reply or a handover after
    repeated misses); `lotse report unanswered` counts these. A page answer is an answer."""


class Flow(Protocol):
    """A dialogue of several steps (language picker, booking ...)."""

    name: str

    async def resume(self, ctx: TurnContext) -> Turn | None:
        """Handle the next message of the flow; None hands the message back to the router."""
        ...


class IntentHandler(Protocol):
    async def __call__(self, ctx: TurnContext, understood: Understood) -> Turn: ...


class FollowUpHandler(Protocol):
    """Answers a message that refers to what was just shown, or returns None."""

    async def __call__(self, ctx: TurnContext, understood: Understood) -> Turn | None: ...


class LocationHandler(Protocol):
    async def __call__(self, ctx: TurnContext) -> Turn: ...


class DataEraser(Protocol):
    """Deletes one kind of a user's data (bookings, cases ...) when they ask for it."""

    async def erase(self, ctx: TurnContext) -> None: ...


TurnObserver = Callable[[TurnContext, Understood | None, Turn], Awaitable[None]]
"""Looks at every routed message and its outcome inside the message's unit of work."""
