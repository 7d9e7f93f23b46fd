"""Run a matcher over labelled messages and compute the metrics of `lotse eval`."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from intents.catalogue import UNKNOWN
from intents.matcher import Decision, IntentMatcher, MatchResult


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelledItem:
    """A message with its true language and intent."""

    text: str
    lang: str
    intent: str


def load_jsonl(path: Path) -> tuple[LabelledItem, ...]:
    """Read JSON Lines of ``{"text", "lang", "intent"}`` (other keys ignored, blank lines too)."""
    items = []
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                items.append(
                    LabelledItem(
                        text=str(record["text"]),
                        lang=str(record["lang"]),
                        intent=str(record["intent"]),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise ValueError(f"{path}:{number}: not a labelled item: {error}") from error
    return tuple(items)


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Linear-interpolated percentile of already sorted values (0.0 when there are none)."""
    if not sorted_values:
        return 0.0
    rank = share * (len(sorted_values) - 1)
    lower = int(rank)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (rank - lower)


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def evaluate(matcher: IntentMatcher, items: Sequence[LabelledItem]) -> dict[str, object]:
    """Match every item (without hints) and return the `lotse eval --json` object.

    Keys: n, intent_accuracy, lang_accuracy, confident_wrong_rate, per_lang, latency_ms,
    plus per_intent (precision and recall) and confusion (off-diagonal counts only).
    Accuracy compares ``result.intent`` whatever the decision; a confident wrong answer is a
    wrong intent (not ``unknown``) given with ``Decision.ANSWER``.
    """
    results: list[MatchResult] = []
    latencies: list[float] = []
    for item in items:
        started = time.perf_counter()
        results.append(matcher.match(item.text))
        latencies.append((time.perf_counter() - started) * 1000.0)
    return metrics(items, results, latencies)


def metrics(
    items: Sequence[LabelledItem], results: Sequence[MatchResult], latencies: Sequence[float]
) -> dict[str, object]:
    """Compute the evaluation object from items, their results and latencies (ms)."""
    n = len(items)
    intent_right = lang_right = confident_wrong = 0
    per_lang: defaultdict[str, Counter[str]] = defaultdict(Counter)
    predicted_count: Counter[str] = Counter()
    gold_count: Counter[str] = Counter()
    true_positive: Counter[str] = Counter()
    confusion: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for item, result in zip(items, results, strict=True):
        intent_ok = result.intent == item.intent
        lang_ok = result.lang == item.lang
        intent_right += intent_ok
        lang_right += lang_ok
        if result.decision is Decision.ANSWER and not intent_ok and result.intent != UNKNOWN:
            confident_wrong += 1
        stats = per_lang[item.lang]
        stats["n"] += 1
        stats["intent"] += intent_ok
        stats["lang"] += lang_ok
        gold_count[item.intent] += 1
        predicted_count[result.intent] += 1
        if intent_ok:
            true_positive[item.intent] += 1
        else:
            confusion[item.intent][result.intent] += 1
    ordered = sorted(latencies)
    return {
        "n": n,
        "intent_accuracy": _share(intent_right, n),
        "lang_accuracy": _share(lang_right, n),
        "confident_wrong_rate": _share(confident_wrong, n),
        "per_lang": {
            lang: {
                "n": stats["n"],
                "intent_accuracy": _share(stats["intent"], stats["n"]),
                "lang_accuracy": _share(stats["lang"], stats["n"]),
            }
            for lang, stats in sorted(per_lang.items())
        },
        "latency_ms": {
            "p50": round(percentile(ordered, 0.5), 3),
            "p99": round(percentile(ordered, 0.99), 3),
        },
        "per_intent": {
            intent: {
                "n": gold_count[intent],
                "precision": _share(true_positive[intent], predicted_count[intent]),
                "recall": _share(true_positive[intent], gold_count[intent]),
            }
            for intent in sorted(gold_count.keys() | predicted_count.keys())
        },
        "confusion": {
            gold: dict(sorted(predicted.items())) for gold, predicted in sorted(confusion.items())
        },
    }
