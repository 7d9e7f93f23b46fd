"""Tune the matcher: cross-validate over the examples, evaluate a labelled set, sweep thresholds.

Run ``python -m intents.tuning [--kb DIR] [--dev FILE] [--folds N]
[--oos LABELS --questions DIR]`` (``--oos``: the open-world figures of ``intents.scope``).
Embeddings are memoised under ``.lotse-cache/`` so repeated runs are fast. Reads the
knowledge base's ``examples/*.yaml`` and ``aliases.yaml`` with a small reader of its own
(``intents`` is a leaf).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from ruamel.yaml import YAML

from intents.catalogue import Alias, Catalogue, Example
from intents.evaluation import LabelledItem, evaluate, load_jsonl, metrics
from intents.languages import LANGUAGES, LanguageIdentifier
from intents.matcher import Decision, IntentMatcher, MatchResult, Thresholds
from intents.safety import CrisisExample, SafetyRules
from intents.scope import load_items, load_labels, scope_report
from intents.semantic import MAX_QUERY_TOKENS, E5Encoder, SentenceEncoder, Vectors


def load_catalogue(kb_dir: Path) -> Catalogue:
    """Read examples and aliases from a knowledge-base folder (no validation)."""
    yaml = YAML(typ="safe")
    examples = []
    for path in sorted((kb_dir / "examples").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8")) or {}
        for intent, texts in data.items():
            examples += [Example(intent=str(intent), lang=path.stem, text=str(t)) for t in texts]
    aliases = []
    alias_path = kb_dir / "aliases.yaml"
    if alias_path.is_file():
        for entry in yaml.load(alias_path.read_text(encoding="utf-8")) or []:
            aliases.append(
                Alias(
                    term=str(entry["term"]),
                    intent=str(entry["intent"]),
                    variants=tuple(str(v) for v in entry.get("variants", ())),
                )
            )
    return Catalogue(
        examples=tuple(examples),
        aliases=tuple(aliases),
        languages=LANGUAGES,
        safety=load_safety_rules(kb_dir),
    )


def load_safety_rules(kb_dir: Path) -> SafetyRules:
    """Read the crisis words of ``kb_dir/safety/words`` (no validation; see the loader)."""
    yaml = YAML(typ="safe")
    groups: dict[str, list[str]] = {}
    sure: dict[str, list[str]] = {}
    unsure: dict[str, list[str]] = {}
    lists: dict[str, list[str]] = {"never": [], "calm": [], "yes": []}
    for path in sorted((kb_dir / "safety" / "words").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8")) or {}
        for name, words in (data.get("groups") or {}).items():
            groups.setdefault(str(name), []).extend(str(w) for w in words)
        for section, target in (("sure", sure), ("unsure", unsure)):
            for kind, patterns in (data.get(section) or {}).items():
                target.setdefault(str(kind), []).extend(str(p) for p in patterns)
        for section, bucket in lists.items():
            bucket.extend(str(p) for p in data.get(section) or ())
    examples = []
    for path in sorted((kb_dir / "safety" / "examples").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8")) or {}
        for kind, texts in data.items():
            examples += [CrisisExample(kind=str(kind), lang=path.stem, text=str(t)) for t in texts]
    return SafetyRules(
        examples=tuple(examples),
        groups={name: tuple(words) for name, words in groups.items()},
        sure={kind: tuple(patterns) for kind, patterns in sure.items()},
        unsure={kind: tuple(patterns) for kind, patterns in unsure.items()},
        never=tuple(lists["never"]),
        calm=tuple(lists["calm"]),
        yes=tuple(lists["yes"]),
    )


class MemoEncoder:
    """Wraps an encoder and remembers every vector it computed, on disk between runs."""

    def __init__(self, inner: SentenceEncoder, path: Path) -> None:
        self._inner = inner
        self._path = path
        self._memo: dict[str, Vectors] = {}
        if path.is_file():
            with np.load(path, allow_pickle=False) as data:
                keys = [str(key) for key in data["keys"]]
                self._memo = dict(zip(keys, data["vectors"], strict=True))
        self.name = "memo-" + str(getattr(inner, "name", type(inner).__name__))

    def _encode(self, texts: Sequence[str], kind: str) -> Vectors:
        missing = [t for t in dict.fromkeys(texts) if f"{kind}:{t}" not in self._memo]
        if missing:
            encode = self._inner.encode_queries if kind == "q" else self._inner.encode_passages
            for text, vector in zip(missing, encode(missing), strict=True):
                self._memo[f"{kind}:{text}"] = vector
        return np.stack([self._memo[f"{kind}:{t}"] for t in texts]).astype(np.float32)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, "q")

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, "p")

    def save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._memo), dtype=str)
        vectors = np.stack(list(self._memo.values())) if self._memo else np.zeros((0, 384))
        np.savez(self._path, keys=keys, vectors=vectors)


def cross_validate(
    catalogue: Catalogue, encoder: SentenceEncoder | None, thresholds: Thresholds, folds: int
) -> tuple[list[LabelledItem], list[MatchResult]]:
    """Match every example with a matcher built without its fold."""
    items: list[LabelledItem] = []
    results: list[MatchResult] = []
    examples = catalogue.examples
    for fold in range(folds):
        train = tuple(e for i, e in enumerate(examples) if i % folds != fold)
        test = [e for i, e in enumerate(examples) if i % folds == fold]
        training = dataclasses.replace(catalogue, examples=train)
        matcher = IntentMatcher(training, encoder=encoder, thresholds=thresholds)
        for example in test:
            items.append(LabelledItem(text=example.text, lang=example.lang, intent=example.intent))
            results.append(matcher.match(example.text))
    return items, results


def _summary(report: dict[str, object], results: Sequence[MatchResult]) -> str:
    asks = sum(r.decision is Decision.ASK for r in results) / max(len(results), 1)
    fast = sum(not r.semantic for r in results) / max(len(results), 1)
    per_lang = report["per_lang"]
    assert isinstance(per_lang, dict)
    lowest = min((stats["intent_accuracy"] for stats in per_lang.values()), default=0.0)
    return (
        f"intent {report['intent_accuracy']:.3f}  lowest lang {lowest:.3f}  "
        f"lang {report['lang_accuracy']:.3f}  "
        f"confident-wrong {report['confident_wrong_rate']:.3f}  ask {asks:.3f}  "
        f"fast path {fast:.3f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path, default=Path("knowledge/dortmund"))
    parser.add_argument("--dev", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=0)
    parser.add_argument("--no-encoder", action="store_true")
    parser.add_argument("--set", action="append", default=[], help="threshold=value")
    parser.add_argument("--errors", action="store_true")
    parser.add_argument(
        "--oos",
        type=Path,
        default=None,
        help="scope labels of real questions (tests/data/omosqa-train-scope.jsonl)",
    )
    parser.add_argument(
        "--questions",
        type=Path,
        default=Path("../shared/data/omosqa"),
        help="folder with questions-train-{lang}.jsonl (for --oos)",
    )
    args = parser.parse_args(argv)
    overrides = {k: float(v) for k, v in (s.split("=") for s in args.set)}
    if "neighbours" in overrides:
        overrides["neighbours"] = int(overrides["neighbours"])
    thresholds = dataclasses.replace(Thresholds(), **overrides)  # type: ignore[arg-type]
    catalogue = load_catalogue(args.kb)
    encoder = E5Encoder()
    # The memo is per encoder setting (model and query-token budget): vectors of another
    # setting would silently score other text.
    memo_path = Path(f".lotse-cache/intents-tuning-{encoder.name}-q{MAX_QUERY_TOKENS}.npz")
    memo = None if args.no_encoder else MemoEncoder(encoder, memo_path)
    if args.folds:
        items, results = cross_validate(catalogue, memo, thresholds, args.folds)
        print("cross-validation:", _summary(metrics(items, results, [0.0] * len(items)), results))
    if args.dev:
        started = time.perf_counter()
        identifier = LanguageIdentifier(catalogue)
        matcher = IntentMatcher(
            catalogue, encoder=memo, thresholds=thresholds, identifier=identifier
        )
        print(f"built in {time.perf_counter() - started:.1f}s")
        dev = load_jsonl(args.dev)
        report = evaluate(matcher, dev)
        dev_results = [matcher.match(item.text) for item in dev]
        print("dev:", _summary(report, dev_results))
        print(json.dumps({k: report[k] for k in ("per_lang", "latency_ms")}, indent=None))
        if args.errors:
            for item, result in zip(dev, dev_results, strict=True):
                if result.intent != item.intent or result.lang != item.lang:
                    print(
                        f"{item.lang}->{result.lang} {item.intent}->{result.intent} "
                        f"{result.decision.value} {result.confidence:.2f} | {item.text}"
                    )
    if args.oos:
        _report_scope(catalogue, memo, thresholds, args.oos, args.questions, errors=args.errors)
    if memo is not None:
        memo.save()


def _report_scope(
    catalogue: Catalogue,
    encoder: SentenceEncoder | None,
    thresholds: Thresholds,
    labels_path: Path,
    questions_dir: Path,
    *,
    errors: bool,
) -> None:
    """Print the open-world figures: out-of-scope confident-wrong rate, in-scope accuracy."""
    matcher = IntentMatcher(catalogue, encoder=encoder, thresholds=thresholds)
    items = load_items(questions_dir, load_labels(labels_path))
    results = [matcher.match(item.text) for item in items]
    report = scope_report(items, results)
    for key, stats in report.items():
        assert isinstance(stats, dict)
        print(
            f"{key:>3}: out of scope {stats['out_of_scope']}, confident-wrong "
            f"{stats['confident_wrong_rate']:.3f} (emergency {stats['emergency_rate']:.3f}), "
            f"ask {stats['ask_rate']:.3f} | in scope {stats['in_scope']}, accuracy "
            f"{stats['in_scope_accuracy']:.3f}, answered {stats['in_scope_answered']:.3f}"
        )
    print(json.dumps(report))
    if errors:
        for item, result in zip(items, results, strict=True):
            wrong_answer = result.decision is Decision.ANSWER and result.intent != item.intent
            if wrong_answer or (item.intent != "unknown" and result.intent != item.intent):
                print(
                    f"{item.lang} {item.id} {item.intent}->{result.intent} "
                    f"{result.decision.value} {result.confidence:.2f} | {item.text}"
                )


if __name__ == "__main__":
    main()
