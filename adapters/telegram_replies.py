"""Lotse replies as Bot API pieces: numbered plain text split to fit, inline keyboards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Reply

TEXT_LIMIT = 4096
"""Telegram's limit for one message, counted in UTF-16 code units."""
RATE_UP = "fb:+1"
RATE_DOWN = "fb:-1"
FEEDBACK_DATA = {RATE_UP: "+1", RATE_DOWN: "-1"}
"""Callback data of the rating buttons under a knowledge answer, and what they mean."""


def reply_text(reply: Reply) -> str:
    """The reply's plain text with its choices numbered below, so typing a number works too.

    Sent without ``parse_mode``: nothing needs escaping and no text can inject markup.
    """
    lines = [f"{number}. {choice.label}" for number, choice in enumerate(reply.choices, 1)]
    parts = [part for part in (reply.text.strip(), "\n".join(lines)) if part]
    return "\n\n".join(parts)


def reply_markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """One button per choice ("1. label"), then 👍/👎 when the answer may be rated."""
    rows = [
        [InlineKeyboardButton(f"{number}. {choice.label}", callback_data=choice.key)]
        for number, choice in enumerate(reply.choices, 1)
    ]
    if reply.feedback:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data=RATE_UP),
                InlineKeyboardButton("👎", callback_data=RATE_DOWN),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut ``text`` into messages of at most ``limit`` UTF-16 units, preferring paragraph,
    then line, then word boundaries in the second half of each piece."""
    chunks: list[str] = []
    rest = text.strip()
    while _utf16_len(rest) > limit:
        cut = _cut_point(rest, _fitting_prefix(rest, limit))
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    if rest:
        chunks.append(rest)
    return chunks


def _cut_point(text: str, window: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, window // 2, window)
        if at > 0:
            return at
    return window


def _fitting_prefix(text: str, limit: int) -> int:
    """The length (in characters) of the longest prefix within ``limit`` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
