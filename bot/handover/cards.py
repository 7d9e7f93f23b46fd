"""What staff read: case cards, forwarded messages, the case list and command answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.clock import BERLIN
from bot.handover.cases import TranscriptLine
from bot.handover.models import Author, CaseRow, CaseStatus
from bot.handover.roster import StaffMember
from bot.texts import LANGUAGE_NAMES

REASONS = {
    "asked": "Person gewünscht / asked for a person",
    "not_understood": "Bot hat 2x nicht verstanden / bot did not understand twice",
    "thumbs_down": "Antwort half nicht (👎) / answer did not help",
    "takeover": "Übernahme durch Team / taken over by staff",
    "asked_again": "Nach Abschluss erneut / asked again after closing",
}
EMERGENCY_MARK = "⚠ NOTFALL / EMERGENCY – Bot hat 112/110 genannt / bot gave 112/110 – "
STAFF_HELP = (
    "Befehle / commands:\n"
    "!claim K7F2 – Fall übernehmen / claim a case\n"
    "!reply K7F2 Text – antworten / answer (ohne ID: dein einziger Fall / your only case)\n"
    "!close K7F2 – abschließen, der Bot übernimmt wieder / close, the bot takes over again\n"
    "!takeover K7F2 – Fall an dich ziehen / take a case over\n"
    "!cases – offene Fälle / open cases\n"
    "!show K7F2 – Fallkarte mit Verlauf / card with messages"
)


def shown(at: datetime, now: datetime) -> str:
    """A time as staff read it: Berlin time, the date only when it is not today."""
    local, today = at.astimezone(BERLIN), now.astimezone(BERLIN)
    return (
        local.strftime("%H:%M") if local.date() == today.date() else local.strftime("%d.%m. %H:%M")
    )


def _language(lang: str) -> str:
    return f"{lang} ({LANGUAGE_NAMES[lang]})" if lang in LANGUAGE_NAMES else lang


def _place(case: CaseRow) -> str:
    parts = [p for p in (case.city, case.district) if p]
    return ", ".join(parts) if parts else "unbekannt / unknown"


def _author(author: Author, case: CaseRow) -> str:
    return "Nutzer/user" if author is Author.USER else (case.claimed_by or "Team")


def case_card(
    case: CaseRow,
    transcript: Sequence[TranscriptLine],
    suited: Sequence[StaffMember],
    now: datetime,
    *,
    heading: str = "Neuer Fall / new case",
) -> str:
    """The card posted to staff rooms. Never the user's chat id, phone number or account name."""
    lines = [
        f"{heading} {case.id}",
        f"Sprache / language: {_language(case.lang)}",
        f"Thema / topic: {case.topic or '–'}",
        f"Ort / place: {_place(case)}",
        f"Grund / reason: {REASONS.get(case.reason, case.reason)}",
        f"Bot verstand / understood: {case.understood or '–'}",
        f"Seit / since: {shown(case.opened_at, now)}",
    ]
    if case.status == CaseStatus.CLAIMED.value:
        lines.append(f"Bei / with: {case.claimed_by}")
    elif suited:
        names = ", ".join(m.name for m in suited)
        lines.append(f"Passend (Sprache, Bezirk) / suited (language, district): {names}")
    if transcript:
        lines.append("Letzte Nachrichten / last messages:")
        lines += [f"[{shown(t.at, now)}] {_author(t.author, case)}: {t.text}" for t in transcript]
    lines.append(f"→ !claim {case.id} · !reply {case.id} <Text> · !close {case.id}")
    return "\n".join(lines)


def forwarded(case: CaseRow, text: str, *, emergency: bool = False) -> str:
    """A user's message as it appears in the staff room."""
    mark = EMERGENCY_MARK if emergency else ""
    owner = f" → {case.claimed_by}" if case.claimed_by else ""
    return f"[{case.id}{owner}] {mark}{text}"


def case_list(cases: Sequence[CaseRow], now: datetime) -> str:
    if not cases:
        return "Keine offenen Fälle / no open cases."
    lines = ["Offene Fälle / open cases:"]
    for case in cases:
        owner = case.claimed_by or "offen / open"
        topic = case.topic or "–"
        since = shown(case.opened_at, now)
        lines.append(f"{case.id} · {case.lang} · {topic} · {_place(case)} · {since} · {owner}")
    return "\n".join(lines)
