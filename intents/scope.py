"""Measure the open world: real questions, labelled in scope (an intent) or not (``unknown``).

The questions are OMoS-QA's (files ``questions-train-{lang}.jsonl``, see the data's README);
the labels (``tests/data/omosqa-train-scope.jsonl``) give, per question id, the intent a
counsellor would give it or ``unknown``, and mark the ones a counsellor could read either way
(``borderline``: left out of both figures). The same id is the same question in every language.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from intents.catalogue import UNKNOWN
from intents.matcher import Decision, MatchResult

OMOS_LANGUAGES = ("de", "en", "ar", "uk", "fr")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeLabel:
    """The intent of one question id (``unknown`` when out of scope)."""

    id: int
    intent: str
    borderline: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeItem:
    """One question in one language with its label."""

    id: int
    lang: str
    text: str
    intent: str


def load_labels(path: Path) -> dict[int, ScopeLabel]:
    """Read the scope labels (JSON Lines ``{"id", "intent", "borderline", ...}``)."""
    labels: dict[int, ScopeLabel] = {}
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                label = ScopeLabel(
                    id=int(record["id"]),
                    intent=str(record["intent"]),
                    borderline=bool(record.get("borderline", False)),
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}:{number}: not a scope label: {error}") from error
            labels[label.id] = label
    return labels


def load_items(
    questions_dir: Path, labels: dict[int, ScopeLabel], langs: Sequence[str] = OMOS_LANGUAGES
) -> tuple[ScopeItem, ...]:
    """The labelled, not borderline questions of ``questions-train-{lang}.jsonl`` files."""
    items = []
    for lang in langs:
        path = questions_dir / f"questions-train-{lang}.jsonl"
        with path.open(encoding="utf-8") as file:
            for line in file:
                if not line.strip():
                    continue
                record = json.loads(line)
                label = labels.get(int(record["id"]))
                if label is None or label.borderline:
                    continue
                items.append(
                    ScopeItem(
                        id=label.id, lang=lang, text=str(record["question"]), intent=label.intent
                    )
                )
    return tuple(items)


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def scope_report(items: Sequence[ScopeItem], results: Sequence[MatchResult]) -> dict[str, object]:
    """Out of scope: how often an intent is answered without asking back (confident-wrong),
    asked about, or the question called unknown; in scope: accuracy and answered share.

    ``confident_wrong_rate`` counts every answered intent, emergencies included (the
    emergency words are another layer's, so ``emergency`` is also reported on its own).
    """
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for item, result in zip(items, results, strict=True):
        for key in (item.lang, "all"):
            stats = counts[key]
            if item.intent == UNKNOWN:
                stats["oos"] += 1
                answered = result.decision is Decision.ANSWER and result.intent != UNKNOWN
                stats["confident_wrong"] += answered
                stats["emergency"] += answered and result.intent == "emergency"
                stats["ask"] += result.decision is Decision.ASK
            else:
                stats["in"] += 1
                stats["right"] += result.intent == item.intent
                stats["answered"] += (
                    result.intent == item.intent and result.decision is Decision.ANSWER
                )
    return {
        key: {
            "out_of_scope": stats["oos"],
            "confident_wrong_rate": _share(stats["confident_wrong"], stats["oos"]),
            "emergency_rate": _share(stats["emergency"], stats["oos"]),
            "ask_rate": _share(stats["ask"], stats["oos"]),
            "in_scope": stats["in"],
            "in_scope_accuracy": _share(stats["right"], stats["in"]),
            "in_scope_answered": _share(stats["answered"], stats["in"]),
        }
        for key, stats in sorted(counts.items())
    }
