"""Erasing a user's data on /delete, after they confirm."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Choice, Reply
from bot.state import ConversationState
from bot.turn import DataEraser, Turn, TurnContext

FLOW = "delete"


def ask(ctx: TurnContext) -> Turn:
    choices = (Choice(key="d:yes", label=ctx.msg("yes")), Choice(key="d:no", label=ctx.msg("no")))
    reply = Reply(text=ctx.msg("delete_confirm"), choices=choices, lang=ctx.lang)
    return Turn(replies=(reply,), state=ctx.state.with_flow(FLOW, choices=choices))


class DeleteFlow:
    name = FLOW

    def __init__(self, erasers: Sequence[DataEraser]) -> None:
        self._erasers = erasers
        """Shared with the router, which adds erasers as extensions are installed."""

    async def resume(self, ctx: TurnContext) -> Turn | None:
        if ctx.choice is None or not ctx.choice.key.startswith("d:"):
            return None
        if ctx.choice.key != "d:yes":
            return Turn(
                replies=(ctx.reply(ctx.msg("delete_cancelled")),), state=ctx.state.cleared()
            )
        for eraser in self._erasers:
            await eraser.erase(ctx)
        return Turn(
            replies=(ctx.reply(ctx.msg("deleted")),), state=ConversationState(), forget=True
        )
