"""A readable table of `lotse eval` results for people (the JSON is for machines)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _pct(value: object) -> str:
    return f"{float(value) * 100:5.1f} %" if isinstance(value, int | float) else "  -  "


def render_report(result: Mapping[str, Any]) -> str:
    lines = [
        f"messages              {result['n']}",
        f"intent accuracy       {_pct(result['intent_accuracy'])}",
        f"language accuracy     {_pct(result['lang_accuracy'])}",
        f"confident-wrong rate  {_pct(result['confident_wrong_rate'])}",
        "latency p50 / p99     "
        f"{result['latency_ms']['p50']} ms / {result['latency_ms']['p99']} ms",
        "",
        "per language          n   intent   language",
    ]
    for lang, row in sorted(result.get("per_lang", {}).items()):
        intent_acc, lang_acc = _pct(row["intent_accuracy"]), _pct(row["lang_accuracy"])
        lines.append(f"  {lang:<18}{row['n']:>4}  {intent_acc}  {lang_acc}")
    per_intent = result.get("per_intent", {})
    if per_intent:
        lines += ["", "per intent                n   precision   recall"]
        for intent, row in sorted(per_intent.items()):
            precision, recall = _pct(row.get("precision")), _pct(row.get("recall"))
            lines.append(f"  {intent:<22}{row['n']:>4}  {precision}   {recall}")
    confusion = result.get("confusion", {})
    if confusion:
        lines += ["", "confusions (true -> predicted: count)"]
        pairs = [
            (count, true, predicted)
            for true, row in confusion.items()
            for predicted, count in row.items()
        ]
        for count, true, predicted in sorted(pairs, reverse=True)[:25]:
            lines.append(f"  {true} -> {predicted}: {count}")
    return "\n".join(lines)
