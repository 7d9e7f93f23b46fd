"""Keeps, for a while, what people asked that nothing answered, and which answers they rated
down: masked, without who asked, and deleted after the retention period."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import MessageKind
from bot.turn import Turn, TurnContext, Understood
from bot.unanswered.models import THUMBS_DOWN, UNANSWERED, UnansweredRow

log = logging.getLogger(__name__)

MAX_TEXT = 160
LIKELY = 0.2
"""The likeliest intent below this confidence is no guess at all: the topic stays empty."""
_LINK = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_DIGIT = re.compile(r"\d")


def masked(text: str) -> str:
    """The question without what most often identifies someone: links, e-mail addresses,
    @names and every digit (phone numbers, dates of birth, case numbers), cut short."""
    text = _LINK.sub("<link>", text)
    text = _EMAIL.sub("<email>", text)
    text = _HANDLE.sub("<name>", text)
    text = _DIGIT.sub("#", text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rstrip() + "…"


def likely_topic(understood: Understood | None) -> str | None:
    if understood is None:
        return None
    for intent, confidence in understood.alternatives:
        if intent != "unknown" and confidence >= LIKELY:
            return intent
    return None


async def prune(session: AsyncSession, now: datetime, keep: timedelta) -> int:
    result = await session.execute(
        delete(UnansweredRow).where(UnansweredRow.asked_at < now - keep)
    )
    return int(getattr(result, "rowcount", 0) or 0)


class UnansweredRecorder:
    """A router observer (``bot.turn.TurnObserver``)."""

    def __init__(self, keep_days: int) -> None:
        self._keep = timedelta(days=keep_days)

    async def __call__(self, ctx: TurnContext, understood: Understood | None, turn: Turn) -> None:
        if ctx.message.kind is MessageKind.FEEDBACK:
            if ctx.message.text.strip() != "-1":
                return
            row = UnansweredRow(
                asked_at=ctx.now, kind=THUMBS_DOWN, lang=ctx.lang,
                topic=ctx.state.last_intent, text=None,
            )  # fmt: skip
        elif turn.unanswered and ctx.choice is None and ctx.text:
            row = UnansweredRow(
                asked_at=ctx.now, kind=UNANSWERED, lang=ctx.lang,
                topic=likely_topic(understood), text=masked(ctx.text),
            )  # fmt: skip
        else:
            return
        ctx.session.add(row)
        await prune(ctx.session, ctx.now, self._keep)
        log.debug("kept a %s question for the report", row.kind)
