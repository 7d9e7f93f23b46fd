"""What answer the dialogue in progress waits for ("date", "yes_no" ...), for the router and
the safety layer: a date typed after "when did you move in?" is a date, not an alarm."""

from __future__ import annotations

from typing import Final

from bot.state import ConversationState

EXPECTS_KEY: Final = "expects"
"""The key in a flow step's data that names the answer it waits for."""

KINDS: Final = frozenset(
    {"date", "time", "postcode", "yes_no", "nationality", "city", "district", "choice", "free"}
)


def expecting(kind: str) -> dict[str, str]:
    """The step data that declares ``kind``; merge it into a flow's data."""
    if kind not in KINDS:
        raise ValueError(f"unknown answer kind {kind!r}")
    return {EXPECTS_KEY: kind}


def expected_answer(state: ConversationState) -> str | None:
    """The kind of answer the bot just asked for, or None when no dialogue is in progress.

    A step that declares nothing but offers numbered choices expects "choice"; any other step
    of a dialogue expects "free" text.
    """
    if not state.flow:
        return None
    declared = state.data.get(EXPECTS_KEY)
    if isinstance(declared, str) and declared in KINDS:
        return declared
    return "choice" if state.choices else "free"
