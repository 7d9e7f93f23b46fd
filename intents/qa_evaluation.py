"""`lotse qa eval`: page retrieval and answer extraction on OMoS-QA style question files."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from intents.evaluation import percentile as _percentile
from intents.page_answers import PageAnswerer


@dataclass(frozen=True, slots=True, kw_only=True)
class Question:
    """A question with the page that answers it and the answering line numbers."""

    id: str
    question: str
    lang: str
    city: str
    page_id: str
    answers: tuple[int, ...]
    context: tuple[str, ...]


def load_questions(path: Path) -> tuple[Question, ...]:
    """Read ``{"id", "question", "lang", "city", "page_id", "answers", "context"}`` lines."""
    items = []
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                items.append(
                    Question(
                        id=str(record.get("id", number)),
                        question=str(record["question"]),
                        lang=str(record["lang"]),
                        city=str(record["city"]),
                        page_id=str(record["page_id"]),
                        answers=tuple(int(a) for a in record.get("answers", ())),
                        context=tuple(str(record.get("context", "")).split("\n")),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}:{number}: not a question: {error}") from error
    return tuple(items)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What happened to one question."""

    lang: str
    rank: int | None
    """1-based rank of the right page among the first ten, or None."""
    gold: tuple[int, ...]
    predicted: tuple[int, ...]
    milliseconds: float


def run_question(answerer: PageAnswerer, item: Question) -> Outcome:
    """Search the question's city and extract from its own context, timed together."""
    started = time.perf_counter()
    hits = answerer.search(item.question, city=item.city, lang=item.lang, limit=10)
    predicted = answerer.extract_lines(item.question, item.context, item.lang)
    elapsed = (time.perf_counter() - started) * 1000
    rank = next(
        (n for n, hit in enumerate(hits, start=1) if hit.page.page_id == item.page_id), None
    )
    return Outcome(
        lang=item.lang,
        rank=rank,
        gold=item.answers,
        predicted=tuple(predicted),
        milliseconds=elapsed,
    )


def evaluate_qa(answerer: PageAnswerer, items: Sequence[Question]) -> dict[str, object]:
    """Run every question and return the `lotse qa eval --json` object."""
    outcomes = [run_question(answerer, item) for item in items]
    by_lang: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_lang[outcome.lang].append(outcome)
    times = sorted(o.milliseconds for o in outcomes)
    return {
        "n": len(outcomes),
        **scores(outcomes),
        "per_lang": {
            lang: {"n": len(group), **scores(group)} for lang, group in sorted(by_lang.items())
        },
        "latency_ms": {
            "p50": round(_percentile(times, 0.5), 2),
            "p99": round(_percentile(times, 0.99), 2),
        },
    }


def scores(outcomes: Sequence[Outcome]) -> dict[str, object]:
    """Retrieval (top-1, MRR@10) and extraction scored as the OMoS-QA README says."""
    n = len(outcomes)
    top1 = sum(o.rank == 1 for o in outcomes) / n if n else 0.0
    mrr = sum(1 / o.rank for o in outcomes if o.rank) / n if n else 0.0
    answerable = [o for o in outcomes if o.gold]
    precisions = []
    recalls = []
    for o in answerable:
        right = len(set(o.gold) & set(o.predicted))
        precisions.append(right / len(set(o.predicted)) if o.predicted else 1.0)
        recalls.append(right / len(set(o.gold)))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    said_none = sum(not o.predicted for o in outcomes)
    truly_none = sum(not o.gold for o in outcomes)
    both = sum(not o.predicted and not o.gold for o in outcomes)
    up = both / said_none if said_none else 0.0
    ur = both / truly_none if truly_none else 0.0
    return {
        "retrieval": {"top1": round(top1, 4), "mrr10": round(mrr, 4)},
        "extraction": {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f": round(_f(p, r), 4),
            "unanswerable": {
                "precision": round(up, 4),
                "recall": round(ur, 4),
                "f": round(_f(up, ur), 4),
            },
        },
    }


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0
