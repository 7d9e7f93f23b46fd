"""What starts a handover from the user's side: asking, two misses, a thumbs-down; and the
question after a case closed."""

from __future__ import annotations

from dataclasses import replace

from bot.handover.service import AFTER_FLOW, HELPED, NEED_MORE, HandoverService
from bot.turn import Turn, TurnContext, Understood


def _understood(understood: Understood) -> str:
    return f"{understood.intent} ({understood.confidence:.2f})"


class HandoverTriggers:
    """The router's handlers for the ``human`` intent, the second miss and ratings."""

    def __init__(self, service: HandoverService) -> None:
        self._service = service

    async def asked(self, ctx: TurnContext, understood: Understood) -> Turn:
        return await self._service.open_for(ctx, "asked", _understood(understood))

    async def missed(self, ctx: TurnContext, understood: Understood) -> Turn:
        seen = f"unknown ×{ctx.state.misses}; best guess {_understood(understood)}"
        return await self._service.open_for(ctx, "not_understood", seen)

    async def rated(self, ctx: TurnContext, understood: Understood) -> Turn:
        if ctx.message.text.strip() != "-1":
            reply = ctx.reply(ctx.msg("feedback_thanks"), choices=ctx.state.choices)
            return Turn(replies=(reply,), state=ctx.state)
        rated = f"👎 on {ctx.state.last_intent or 'an answer'}"
        return await self._service.open_for(ctx, "thumbs_down", rated)


class AfterHandoverFlow:
    """Asks how it went once staff closed the case: thanks, or a person again."""

    name = AFTER_FLOW

    def __init__(self, service: HandoverService) -> None:
        self._service = service

    async def resume(self, ctx: TurnContext) -> Turn | None:
        key = ctx.choice.key if ctx.choice is not None else None
        if key == HELPED:
            reply = ctx.reply(ctx.msg("handover_glad"))
            return Turn(replies=(reply,), state=ctx.state.cleared(), intent="thanks")
        if key == NEED_MORE:
            ctx = replace(ctx, state=ctx.state.cleared())
            return await self._service.open_for(ctx, "asked_again", "asked again after closing")
        return None
