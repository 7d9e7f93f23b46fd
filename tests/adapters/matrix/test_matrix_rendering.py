"""How the Matrix adapter renders replies and reads locations and replies, without a server."""

from __future__ import annotations

import pytest

from adapters.matrix_events import classify, parse_geo_uri, render_text, strip_reply_fallback
from bot.messages import Choice, Location, MessageKind, Reply, Venue


def test_choices_are_numbered_lines_after_the_text() -> None:
    reply = Reply(
        text="Wobei kann ich helfen?",
        choices=(Choice(key="kita", label="Kita"), Choice(key="human", label="Ein Mensch")),
    )
    assert render_text(reply) == "Wobei kann ich helfen?\n\n1. Kita\n2. Ein Mensch"


def test_a_venue_is_text_with_its_map_link() -> None:
    venue = Venue(
        name="MigraDO", address="Friedensplatz 7", lat=51.5, lon=7.4, map_url="https://m"
    )
    assert (
        render_text(Reply(text="Hier:", venue=venue))
        == "Hier:\n\nMigraDO\nFriedensplatz 7\nhttps://m"
    )


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("geo:51.5136,7.4653", Location(lat=51.5136, lon=7.4653)),
        ("geo:51.5136,7.4653,120;u=35", Location(lat=51.5136, lon=7.4653)),
        ("geo:-33.9,18.4;crs=wgs84", Location(lat=-33.9, lon=18.4)),
        ("geo:91,7", None),
        ("geo:abc", None),
        ("https://maps.example/51,7", None),
        ("", None),
    ],
)
def test_geo_uris(uri: str, expected: Location | None) -> None:
    assert parse_geo_uri(uri) == expected


def test_reply_fallback_is_stripped() -> None:
    body = "> <@lotse:lotse.test> Wobei kann ich helfen?\n> 1. Kita\n\nund die Kosten?"
    assert strip_reply_fallback(body) == "und die Kosten?"
    assert strip_reply_fallback("ohne Zitat") == "ohne Zitat"


@pytest.mark.parametrize(
    ("event_type", "content", "kind"),
    [
        ("m.room.message", {"msgtype": "m.text", "body": "hallo"}, MessageKind.TEXT),
        ("m.room.message", {"msgtype": "m.emote", "body": "winkt"}, MessageKind.TEXT),
        ("m.room.message", {"msgtype": "m.location", "geo_uri": "geo:1,2"}, MessageKind.LOCATION),
        ("m.room.message", {"msgtype": "m.location", "geo_uri": "x"}, MessageKind.UNSUPPORTED),
        ("m.room.message", {"msgtype": "m.audio", "body": "a.ogg"}, MessageKind.UNSUPPORTED),
        ("m.room.message", {"msgtype": "m.video", "body": "v.mp4"}, MessageKind.UNSUPPORTED),
        ("m.room.message", {"msgtype": "m.file", "body": "f.pdf"}, MessageKind.UNSUPPORTED),
        ("m.sticker", {"body": "sticker"}, MessageKind.UNSUPPORTED),
        ("m.room.encrypted", {"algorithm": "m.megolm.v1.aes-sha2"}, MessageKind.UNSUPPORTED),
        ("m.room.message", {"msgtype": "m.notice", "body": "bot"}, None),
        ("m.room.member", {"membership": "join"}, None),
        ("m.reaction", {}, None),
    ],
)
def test_classify(event_type: str, content: dict[str, object], kind: MessageKind | None) -> None:
    classified = classify(event_type, content)
    assert (classified[0] if classified else None) == kind


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("\N{THUMBS UP SIGN}", MessageKind.FEEDBACK),
        ("\N{THUMBS UP SIGN}\N{EMOJI MODIFIER FITZPATRICK TYPE-4}", MessageKind.FEEDBACK),
        ("\N{THUMBS DOWN SIGN}\ufe0f", MessageKind.FEEDBACK),
        ("\N{HEAVY BLACK HEART}", None),
    ],
)
def test_thumbs_reactions_are_feedback(key: str, kind: MessageKind | None) -> None:
    content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$e", "key": key}}
    classified = classify("m.reaction", content)
    assert (classified[0] if classified else None) == kind
