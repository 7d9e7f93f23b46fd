"""`lotse report unanswered`: what went unanswered, by language and likely topic."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.unanswered.models import THUMBS_DOWN, UnansweredRow

EXAMPLES = 3
_SPAN = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")


def parse_since(text: str) -> timedelta:
    """``30d``, ``12h``, ``2w`` -> a time span; ValueError names what is wrong."""
    match = _SPAN.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{text}' is not a time span like 30d, 12h or 2w")
    number, unit = int(match.group(1)), match.group(2)
    return {"h": timedelta(hours=number), "d": timedelta(days=number)}.get(
        unit, timedelta(weeks=number)
    )


@dataclass(slots=True)
class Group:
    lang: str
    topic: str
    unanswered: int = 0
    thumbs_down: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.unanswered + self.thumbs_down


async def unanswered_groups(session: AsyncSession, now: datetime, since: timedelta) -> list[Group]:
    rows = await session.execute(
        select(UnansweredRow)
        .where(UnansweredRow.asked_at >= now - since)
        .order_by(UnansweredRow.asked_at.desc(), UnansweredRow.id.desc())
    )
    groups: dict[tuple[str, str], Group] = {}
    for row in rows.scalars():
        key = (row.lang, row.topic or "-")
        group = groups.setdefault(key, Group(lang=key[0], topic=key[1]))
        if row.kind == THUMBS_DOWN:
            group.thumbs_down += 1
        else:
            group.unanswered += 1
            if row.text and row.text not in group.examples and len(group.examples) < EXAMPLES:
                group.examples.append(row.text)
    return sorted(groups.values(), key=lambda g: (-g.total, g.lang, g.topic))


def as_table(groups: Sequence[Group]) -> str:
    if not groups:
        return "nothing went unanswered in that time"
    lines = ["lang  topic                 unanswered  thumbs-down  examples"]
    for g in groups:
        lines.append(
            f"{g.lang:<5} {g.topic:<21} {g.unanswered:>10}  {g.thumbs_down:>11}  "
            + " | ".join(g.examples)
        )
    return "\n".join(lines)


def as_csv(groups: Sequence[Group]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["lang", "topic", "unanswered", "thumbs_down", "examples"])
    for g in groups:
        writer.writerow([g.lang, g.topic, g.unanswered, g.thumbs_down, " | ".join(g.examples)])
    return out.getvalue()
