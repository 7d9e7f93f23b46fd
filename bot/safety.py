"""The bot's side of the safety layer: what a dialogue step expects, and the crisis texts."""

from __future__ import annotations

import re

from bot.texts import LocalText, Texts
from knowledge.loader import KnowledgeBase

ANSWER_KINDS = frozenset({"date", "time", "postcode", "number", "choice"})
"""Answers that a short message with a digit in it is taken to be."""
INFO = "info"
"""The kind that asks what the emergency numbers are: information, not an alarm."""

_DIGIT = re.compile(r"\d")
_SHORT = 4


def answers_expected(expected: str | None, text: str) -> bool:
    """Whether ``text`` reads as the answer the step expects; then only a sure signal counts,
    so that "3 November" after "which day?" is a date and never a guess at an emergency."""
    words = text.split()
    if expected in ANSWER_KINDS:
        return bool(_DIGIT.search(text)) and len(words) <= _SHORT
    if expected == "yes_no":
        return len(words) <= _SHORT - 1
    return False


def crisis_text(kb: KnowledgeBase, texts: Texts, kind: str | None, lang: str) -> LocalText:
    """The first step for a crisis of ``kind`` in ``lang`` (the emergency reply by default)."""
    safety = kb.safety
    entry = safety.replies.kinds.get(kind) if safety is not None and kind else None  # type: ignore[call-overload]
    if entry is None:
        return texts.reply("emergency", lang)
    return texts.translated(entry.reply, lang)


def unsure_text(
    kb: KnowledgeBase, texts: Texts, lang: str, kind: str | None = None
) -> LocalText | None:
    """One line with 112/110 and the question "are you or someone else in danger right now?".

    When the kind the safety layer suspects has a helpline of its own (TelefonSeelsorge for
    suicidal thoughts, 116 016, 116 111), its line from that kind's reply comes too: a person
    who may be in crisis gets the number that fits, even when Lotse is not sure."""
    if kb.safety is None:
        return None
    unsure = kb.safety.replies.unsure
    line = texts.translated(unsure.line, lang)
    question = texts.translated(unsure.question, lang)
    lines = [line.text.strip()]
    helpline = _helpline_line(kb, texts, kind, lang)
    if helpline:
        lines.append(helpline)
    lines.append(question.text.strip())
    return LocalText(text="\n".join(lines), lang=line.lang)


def _helpline_line(kb: KnowledgeBase, texts: Texts, kind: str | None, lang: str) -> str | None:
    """The line of ``kind``'s reply that names its first number other than 112/110."""
    safety = kb.safety
    if safety is None or not kind:
        return None
    entry = safety.replies.kinds.get(kind)  # type: ignore[call-overload]
    if entry is None:
        return None
    own = [n for n in entry.numbers if n not in safety.replies.unsure.numbers]
    if not own:
        return None
    for candidate in texts.translated(entry.reply, lang).text.splitlines():
        if own[0] in candidate:
            return str(candidate.strip())
    return None
