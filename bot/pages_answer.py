"""Open-world answers: when no intent fits, the pages of the user's city answer, or the bot
offers the likeliest page titles, or says honestly that it does not know."""

from __future__ import annotations

from dataclasses import replace

from bot.messages import Choice, Reply
from bot.turn import Turn, TurnContext, Understood
from intents.page_answers import PageAnswer, PageAnswerer, PageDecision
from intents.page_search import PageHit
from intents.pages import passages
from knowledge.loader import KnowledgeBase

PAGE_CHOICE = "p:"
"""Choice keys of offered pages: ``p:<city>/<page id>/<lang>/<passage>`` (no message text)."""
PAGE_FLOW = "page_choice"
ASK_PAGES_BELOW = 0.5
"""A matcher's ask-back below this confidence also looks in the pages (and answers from one
that answers with confidence)."""
MAX_SENTENCES = 3
MAX_CHARS = 600


def consults_pages(understood: Understood) -> bool:
    """Whether a message goes to the pages: nothing fits, or a doubtful ask-back."""
    if understood.intent == "emergency":
        return False
    if understood.decision == "unknown" or understood.intent == "unknown":
        return True
    return understood.decision == "ask" and understood.confidence < ASK_PAGES_BELOW


def user_city(kb: KnowledgeBase, city: str | None) -> str:
    """The user's city, else the knowledge base's first city."""
    if city:
        return city
    if kb.places is not None and kb.places.cities:
        return kb.places.cities[0].id
    return kb.meta.name.casefold()


def look_up(
    answerer: PageAnswerer, kb: KnowledgeBase, text: str, city: str | None, lang: str
) -> PageAnswer | None:
    """The pages' answer for a message, or None when the city has no pages."""
    where = user_city(kb, city)
    if not answerer.has_pages(where):
        return None
    return answerer.answer(text, city=where, lang=lang)


def sentences(found: PageAnswer) -> tuple[str, ...]:
    """The page lines shown for an answer, in page order, bounded."""
    if not found.hits:
        return ()
    lines = found.hits[0].version.lines
    shown: list[str] = []
    size = 0
    for index in sorted(found.lines)[:MAX_SENTENCES]:
        line = lines[index].strip()
        if shown and size + len(line) > MAX_CHARS:
            break
        shown.append(line)
        size += len(line)
    return tuple(shown)


def page_turn(ctx: TurnContext, understood: Understood, found: PageAnswer) -> Turn | None:
    """The reply for what the pages found; None hands the message back to the router.

    A doubtful intent ask-back is replaced only by a page that answers; an unknown message
    also gets page titles to choose from, or an honest "I do not know" with a person."""
    if found.decision is PageDecision.ANSWER:
        return _answer(ctx, found.hits[0], sentences(found))
    if understood.decision != "unknown" and understood.intent != "unknown":
        return None
    if found.decision is PageDecision.ASK and found.hits:
        return _ask(ctx, found.hits)
    return None


def _answer(ctx: TurnContext, hit: PageHit, shown: tuple[str, ...]) -> Turn:
    parts = ["\n".join(shown)]
    notes = []
    if hit.fallback:
        notes.append(ctx.msg("page_in_german"))
    elif hit.version.status == "machine":
        notes.append(ctx.msg("page_machine"))
    source = ctx.msg("page_source", title=hit.version.title)
    url = hit.page.url(hit.version.lang)
    parts.append("\n".join([*notes, source, *([url] if url else [])]))
    state = replace(ctx.state.cleared(), misses=0)
    reply = Reply(text="\n\n".join(parts), lang=ctx.lang, feedback=True)
    return Turn(replies=(reply,), state=state, intent="unknown")


def _ask(ctx: TurnContext, hits: tuple[PageHit, ...]) -> Turn:
    choices = (
        *(
            Choice(
                key=f"{PAGE_CHOICE}{h.page.city}/{h.page.page_id}/{h.version.lang}/"
                f"{h.best_passage}",
                label=h.version.title,
            )
            for h in hits
        ),
        Choice(key="i:human", label=ctx.msg("a_person")),
    )
    state = ctx.state.with_flow(PAGE_FLOW, choices=choices)
    reply = ctx.reply(ctx.msg("page_ask_back"), choices=choices)
    return Turn(replies=(reply,), state=state, intent="unknown")


def not_found(ctx: TurnContext) -> Turn:
    """Nothing answers: say so, and offer a person."""
    misses = ctx.state.misses + 1
    choices = (Choice(key="i:human", label=ctx.msg("a_person")),)
    state = replace(ctx.state.cleared(), misses=misses).with_flow(PAGE_FLOW, choices=choices)
    reply = ctx.reply(ctx.msg("page_not_found"), choices=choices)
    return Turn(replies=(reply,), state=state, intent="unknown")


def picked(ctx: TurnContext, answerer: PageAnswerer, key: str) -> Turn | None:
    """The user picked an offered page: show the passage that matched, with title and link."""
    try:
        city, page_id, lang, passage = key[len(PAGE_CHOICE) :].split("/")
        rank = int(passage)
    except ValueError:
        return None
    for page in answerer.index.pages:
        if page.city == city and page.page_id == page_id:
            version = page.version(lang)
            if version is None:
                return None
            blocks = passages(version)
            block = blocks[rank] if 0 <= rank < len(blocks) else None
            lines = block.lines[:MAX_SENTENCES] if block else version.lines[:MAX_SENTENCES]
            hit = PageHit(
                page=page,
                version=version,
                score=0.0,
                best_passage=rank,
                dense=0.0,
                asked_lang=ctx.lang,
            )
            return _answer(ctx, hit, tuple(lines))
    return None
