"""What a knowledge base still lacks: per office the missing or unsourced facts, per topic the
languages without a reviewed translation (``lotse kb coverage``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from knowledge.loader import KnowledgeBase
from knowledge.schema import SUPPORTED_LANGUAGES, Office
from knowledge.yaml_source import parse_yaml

REVIEWED = "reviewed"
UNREVIEWED = "unreviewed"


def present_facts(office: Office) -> list[str]:
    """The facts the office's entry states (and does not itself mark unverified)."""
    facts: list[str] = ["name"]
    unverified = set(office.unverified)
    if office.address.street and "address" not in unverified:
        facts.append("address")
    if (office.hours and "hours" not in unverified) or office.by_appointment_only:
        facts.append("hours")
    contacts = office.contacts
    for fact, value in (
        ("phone", contacts.phones),
        ("email", contacts.emails),
        ("appointment", contacts.appointments),
        ("web", contacts.web),
        ("languages", office.languages),
        ("registers", office.registers),
    ):
        if value:
            facts.append(fact)
    return facts


def missing_facts(office: Office) -> list[str]:
    """What a user would need and the entry does not give (or gives only unconfirmed)."""
    unverified = set(office.unverified)
    missing: list[str] = []
    address = office.address
    if not address.street or not address.postcode or "address" in unverified:
        missing.append("address")
    has_hours = bool(office.hours) and "hours" not in unverified
    if not has_hours and not office.by_appointment_only:
        missing.append("hours")
    if not office.contacts.phones:
        missing.append("phone")
    if not office.contacts.emails:
        missing.append("email")
    if office.location is None or (office.location.approximate and not office.location.source):
        missing.append("location")
    if not office.languages:
        missing.append("languages")
    return missing


def office_report(office: Office) -> dict[str, Any]:
    sourced = {fact for source in office.sources for fact in source.facts}
    present = present_facts(office)
    unsourced = [fact for fact in present if fact not in sourced]
    reads = sorted({source.read.isoformat() for source in office.sources})
    return {
        "id": office.id,
        "city": office.city,
        "missing": missing_facts(office),
        "unsourced": unsourced,
        "sources": len(office.sources),
        "read": reads,
    }


def _intent_topics(kb: KnowledgeBase) -> dict[str, dict[str, Any]]:
    topics: dict[str, dict[str, Any]] = {}
    for intent_id, doc in sorted(kb.intents.items()):
        if doc.kind != "topic":
            continue
        status = {lang: doc.status.get(lang, UNREVIEWED) for lang in doc.reply}
        topics[intent_id] = _topic_entry("intent", status, source_date=doc.source_date)
        for city, replies in sorted(doc.reply_by_city.items()):
            by_city = {lang: doc.status.get(lang, UNREVIEWED) for lang in replies}
            topics[f"{intent_id}@{city}"] = _topic_entry(
                "intent", by_city, source_date=doc.source_date
            )
    return topics


def _page_topics(root: Path) -> dict[str, dict[str, Any]]:
    """Admin-written pages (pages/*.yaml), read leniently: the page loader validates them."""
    topics: dict[str, dict[str, Any]] = {}
    for path in sorted((root / "pages").glob("*.yaml")):
        try:
            raw, problem = parse_yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if problem is not None or not isinstance(raw, Mapping):
            continue
        versions = raw.get("versions")
        if not isinstance(versions, Mapping):
            continue
        status = {
            str(lang): str(version.get("status", UNREVIEWED))
            for lang, version in versions.items()
            if isinstance(version, Mapping)
        }
        page_id = f"{raw.get('city', '')}/{raw.get('id', path.stem)}"
        topics[page_id] = _topic_entry("page", status, source_date=raw.get("source_date"))
    return topics


def _topic_entry(kind: str, status: Mapping[str, str], *, source_date: object) -> dict[str, Any]:
    reviewed = [lang for lang in SUPPORTED_LANGUAGES if status.get(lang) == REVIEWED]
    return {
        "kind": kind,
        "reviewed": reviewed,
        "not_reviewed": [lang for lang in SUPPORTED_LANGUAGES if lang not in reviewed],
        "machine": [lang for lang in SUPPORTED_LANGUAGES if status.get(lang) == "machine"],
        "unreviewed": [lang for lang in SUPPORTED_LANGUAGES if status.get(lang) == UNREVIEWED],
        "missing": [lang for lang in SUPPORTED_LANGUAGES if lang not in status],
        "source_date": str(source_date) if source_date else None,
    }


def coverage(kb: KnowledgeBase) -> dict[str, Any]:
    """The whole report, as ``lotse kb coverage --json`` prints it."""
    offices = [office_report(o) for o in kb.offices]
    complete = [
        o for o in offices if "address" not in o["missing"] and "hours" not in o["missing"]
    ]
    facts = sum(len(present_facts(o)) for o in kb.offices)
    unsourced = sum(len(o["unsourced"]) for o in offices)
    total = len(offices)
    return {
        "offices": offices,
        "topics": {**_intent_topics(kb), **_page_topics(kb.root)},
        "summary": {
            "offices": total,
            "with_address_and_hours": len(complete),
            "share_with_address_and_hours": round(len(complete) / total, 3) if total else 0.0,
            "facts": facts,
            "facts_with_source": facts - unsourced,
        },
    }


def coverage_table(report: Mapping[str, Any]) -> list[str]:
    """The report as readable lines."""
    lines = ["office                                   missing                        unsourced"]
    for office in report["offices"]:
        missing = ", ".join(office["missing"]) or "-"
        unsourced = ", ".join(office["unsourced"]) or "-"
        lines.append(f"{office['id']:<40} {missing:<30} {unsourced}")
    summary = report["summary"]
    lines.append("")
    lines.append(
        f"offices with address and hours (or by appointment only): "
        f"{summary['with_address_and_hours']} of {summary['offices']} "
        f"({summary['share_with_address_and_hours']:.0%}); "
        f"facts with a source: {summary['facts_with_source']} of {summary['facts']}"
    )
    lines.append("")
    lines.append("topic                          reviewed              not reviewed (missing)")
    for topic_id, topic in report["topics"].items():
        reviewed = " ".join(topic["reviewed"]) or "-"
        missing = " ".join(topic["missing"])
        open_langs = " ".join(lang for lang in topic["not_reviewed"] if lang not in missing)
        lines.append(f"{topic_id:<30} {reviewed:<21} {open_langs} ({missing or '-'})")
    return lines
