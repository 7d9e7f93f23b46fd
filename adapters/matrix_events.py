"""What Matrix events mean for the core and how replies are written: pure, no client."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from bot.messages import Location, MessageKind, Reply

_UNSUPPORTED_MSGTYPES: Final = frozenset({"m.image", "m.audio", "m.video", "m.file"})
_UNREADABLE_EVENT_TYPES: Final = frozenset({"m.sticker", "m.room.encrypted"})
_TEXT_MSGTYPES: Final = frozenset({"m.text", "m.emote"})
# A knowledge answer carries these two reactions; a user who taps one rates the answer.
THUMBS_UP: Final = "\N{THUMBS UP SIGN}"
THUMBS_DOWN: Final = "\N{THUMBS DOWN SIGN}"
_RATINGS: Final = {THUMBS_UP: "+1", THUMBS_DOWN: "-1"}
_EMOJI_VARIATION: Final = re.compile("[\ufe0f\U0001f3fb-\U0001f3ff]")


def render_text(reply: Reply) -> str:
    """The plain-text body: the text, the numbered choices, then the venue with its map link."""
    parts = [reply.text]
    if reply.choices:
        parts.append(
            "\n".join(
                f"{number}. {choice.label}" for number, choice in enumerate(reply.choices, 1)
            )
        )
    if reply.venue is not None:
        venue = reply.venue
        parts.append(f"{venue.name}\n{venue.address}\n{venue.map_url}")
    return "\n\n".join(part for part in parts if part)


def classify(
    event_type: object, content: dict[str, Any]
) -> tuple[MessageKind, Location | None] | None:
    """What kind of message a room event is for the core; None for events the bot ignores."""
    msgtype = content.get("msgtype")
    if event_type == "m.reaction":
        relation = content.get("m.relates_to")
        key = relation.get("key") if isinstance(relation, dict) else None
        if isinstance(key, str) and rating(key) is not None:
            return MessageKind.FEEDBACK, None
        return None
    if event_type in _UNREADABLE_EVENT_TYPES:
        return MessageKind.UNSUPPORTED, None
    if event_type != "m.room.message":
        return None
    if msgtype in _TEXT_MSGTYPES:
        return MessageKind.TEXT, None
    if msgtype == "m.location":
        location = parse_geo_uri(str(content.get("geo_uri", "")))
        return (
            (MessageKind.UNSUPPORTED, None)
            if location is None
            else (
                MessageKind.LOCATION,
                location,
            )
        )
    if msgtype in _UNSUPPORTED_MSGTYPES:
        return MessageKind.UNSUPPORTED, None
    # m.notice is what other bots send: never answering it rules out bot-to-bot loops.
    return None


def parse_geo_uri(uri: str) -> Location | None:
    """``geo:51.51,7.46;u=20`` (RFC 5870) as a Location; None when it is not one."""
    if not uri.startswith("geo:"):
        return None
    coordinates = uri[4:].split(";", 1)[0].split(",")
    try:
        lat, lon = float(coordinates[0]), float(coordinates[1])
    except (IndexError, ValueError):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return Location(lat=lat, lon=lon)


def strip_reply_fallback(body: str) -> str:
    """Drop the ``> <@user> quoted`` lines that older clients put before a reply's text."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith(">"):
        return body
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    if lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def is_membership(user_id: str, source: Any, membership: str) -> bool:
    """Whether the raw event sets ``user_id``'s membership to ``membership``."""
    return (
        isinstance(source, dict)
        and source.get("type") == "m.room.member"
        and source.get("state_key") == user_id
        and (source.get("content") or {}).get("membership") == membership
    )


def has_membership_of(user_id: str, sources: list[Any], membership: str) -> bool:
    """Whether one of the raw events sets ``user_id``'s membership to ``membership``."""
    return any(is_membership(user_id, source, membership) for source in sources)


def after_invite_of(user_id: str, sources: list[Any]) -> list[Any]:
    """The events after the bot's invitation, when it is in this timeline.

    A newly joined room's first timeline may reach back to history from before the
    invitation: only what was written after it is addressed to the bot.
    """
    for index in range(len(sources) - 1, -1, -1):
        if is_membership(user_id, sources[index], "invite"):
            return sources[index + 1 :]
    return sources


def mention_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """Any of the names as a whole word, in any case."""
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def url_quoted(user_id: str) -> str:
    """The user id as it appears in a percent-encoded matrix.to link."""
    return user_id.replace("@", "%40").replace(":", "%3A")


def rating(key: str) -> str | None:
    """The rating a thumbs reaction (any skin tone) gives: "+1" or "-1"; None for others."""
    return _RATINGS.get(_EMOJI_VARIATION.sub("", key))
