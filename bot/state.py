"""A conversation's remembered state: language, last topic and the dialogue step in progress."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from bot.messages import Choice


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationState:
    """What the bot keeps between messages. No message text, no names: only what the job needs."""

    lang: str | None = None
    lang_explicit: bool = False
    """True after the user chose a language; detection no longer overrides it."""
    last_intent: str | None = None
    """The last topic answered, for follow-ups like "and where is that?"."""
    misses: int = 0
    """Messages in a row the bot did not understand."""
    flow: str | None = None
    """The dialogue in progress ("ask_back", "language", "delete", "booking" ...), if any."""
    data: Mapping[str, Any] = field(default_factory=_empty)
    """The flow's own JSON-serialisable data."""
    choices: tuple[Choice, ...] = ()
    """The numbered choices last offered; a typed number picks one."""
    city: str | None = None
    district: str | None = None
    postcode: str | None = None
    """The postcode the user gave, kept with city and district for follow-ups."""
    office: str | None = None
    """The id of the office last shown, for "where is that?", "when is it open?", "book there"."""
    safety_asked: bool = False
    """True right after the bot asked "are you or someone else in danger right now?"."""

    def with_flow(
        self,
        flow: str | None,
        data: Mapping[str, Any] | None = None,
        *,
        choices: tuple[Choice, ...] = (),
    ) -> ConversationState:
        return replace(self, flow=flow, data=MappingProxyType(dict(data or {})), choices=choices)

    def cleared(self) -> ConversationState:
        """No flow, no pending choices."""
        return self.with_flow(None)

    def to_json(self) -> str:
        return json.dumps(
            {
                "lang": self.lang,
                "lang_explicit": self.lang_explicit,
                "last_intent": self.last_intent,
                "misses": self.misses,
                "flow": self.flow,
                "data": dict(self.data),
                "choices": [[c.key, c.label] for c in self.choices],
                "city": self.city,
                "district": self.district,
                "postcode": self.postcode,
                "office": self.office,
                "safety_asked": self.safety_asked,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ConversationState:
        raw = json.loads(text or "{}")
        return cls(
            lang=raw.get("lang"),
            lang_explicit=bool(raw.get("lang_explicit", False)),
            last_intent=raw.get("last_intent"),
            misses=int(raw.get("misses", 0)),
            flow=raw.get("flow"),
            data=MappingProxyType(dict(raw.get("data") or {})),
            choices=tuple(Choice(key=k, label=label) for k, label in raw.get("choices", [])),
            city=raw.get("city"),
            district=raw.get("district"),
            postcode=raw.get("postcode"),
            office=raw.get("office"),
            safety_asked=bool(raw.get("safety_asked", False)),
        )
