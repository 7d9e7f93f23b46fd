"""The language picker: /language, /start and "change_language" end here."""

from __future__ import annotations

from dataclasses import replace

from bot.language_request import requested_language
from bot.messages import Choice, Reply
from bot.texts import LANGUAGE_NAMES
from bot.turn import Turn, TurnContext

FLOW = "language"


def picker(ctx: TurnContext, *, intro: str | None = None) -> Turn:
    """Offer every language of the knowledge base as a numbered choice."""
    choices = tuple(
        Choice(key=f"l:{lang}", label=LANGUAGE_NAMES.get(lang, lang))
        for lang in ctx.texts.languages
    )
    text = intro if intro is not None else ctx.texts.reply("change_language", ctx.lang).text
    state = ctx.state.with_flow(FLOW, choices=choices)
    return Turn(replies=(Reply(text=text, choices=choices, lang=ctx.lang),), state=state)


def switch_to(ctx: TurnContext, lang: str) -> Turn:
    """Speak ``lang`` from now on, whatever later messages look like."""
    lang = ctx.texts.serving_language(lang)
    state = replace(ctx.state.cleared(), lang=lang, lang_explicit=True)
    text = ctx.texts.message("language_changed", lang)
    return Turn(replies=(Reply(text=text, lang=lang),), state=state, intent="change_language")


def change_language(ctx: TurnContext) -> Turn:
    """``change_language``: switch at once when the message names a language, else ask."""
    wanted = requested_language(ctx.text)
    if wanted is not None and wanted in ctx.texts.languages:
        return switch_to(ctx, wanted)
    return picker(ctx)


class LanguageFlow:
    name = FLOW

    async def resume(self, ctx: TurnContext) -> Turn | None:
        if ctx.choice is not None and ctx.choice.key.startswith("l:"):
            return switch_to(ctx, ctx.choice.key[2:])
        wanted = requested_language(ctx.text) if len(ctx.text) <= 40 else None
        if wanted is not None and wanted in ctx.texts.languages:
            return switch_to(ctx, wanted)
        return None
