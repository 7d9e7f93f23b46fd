"""Load the safety folder (crisis words, replies, helplines); problems as ``path:line: msg``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from intents.safety import KINDS, CrisisExample, SafetyRules, compile_pattern
from knowledge.schema import SafetyExamplesDoc, SafetyRepliesDoc, SafetyWordsDoc
from knowledge.yaml_source import line_of

Problem = Callable[[Path, int, str], None]
Loader = Callable[[Path, Any], tuple[Any, Any] | None]

_DIGITS = re.compile(r"\D")


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetyKnowledge:
    """The safety layer's words and the replies it gives, as the bot serves them."""

    rules: SafetyRules
    replies: SafetyRepliesDoc


def _names(text: str, number: str) -> bool:
    """Whether ``text`` names ``number`` (spaces and slashes between digits do not matter)."""
    return _DIGITS.sub("", number) in _DIGITS.sub("", text)


def load_safety(
    root: Path, languages: Sequence[str], load: Loader, problem: Problem
) -> SafetyKnowledge | None:
    """Read ``root/safety``; every problem goes to ``problem(path, line, message)``."""
    folder = root / "safety"
    replies_path = folder / "replies.yaml"
    if not replies_path.exists():
        problem(replies_path, 1, "missing: every knowledge base needs its crisis replies")
        return None
    loaded = load(replies_path, SafetyRepliesDoc)
    replies: SafetyRepliesDoc | None = None
    if loaded is not None:
        raw, replies = loaded
        _check_replies(replies_path, raw, replies, languages, problem)
    rules = _load_words(folder, load, problem)
    examples = _load_examples(folder, languages, load, problem)
    if replies is None or rules is None or examples is None:
        return None
    return SafetyKnowledge(rules=replace(rules, examples=examples), replies=replies)


def _load_examples(
    folder: Path, languages: Sequence[str], load: Loader, problem: Problem
) -> tuple[CrisisExample, ...] | None:
    """safety/examples/<lang>.yaml, optional as a folder; a file of each language once there."""
    where = folder / "examples"
    if not where.is_dir():
        return ()
    examples: list[CrisisExample] = []
    ok = True
    for lang in languages:
        if not (where / f"{lang}.yaml").exists():
            problem(where / f"{lang}.yaml", 1, f"missing: crisis examples in language '{lang}'")
            ok = False
    for path in sorted(where.glob("*.yaml")):
        loaded = load(path, SafetyExamplesDoc)
        if loaded is None:
            ok = False
            continue
        raw, doc = loaded
        seen: dict[str, str] = {}
        for kind, texts in doc.items():
            if not texts:
                problem(path, line_of(raw, (kind,)), f"{kind}: no examples")
                ok = False
            for index, text in enumerate(texts):
                same = " ".join(text.casefold().split())
                if same in seen:
                    under = "" if seen[same] == kind else f" (under '{seen[same]}')"
                    problem(path, line_of(raw, (kind, index)), f"duplicate example{under}")
                    ok = False
                    continue
                seen[same] = kind
                examples.append(CrisisExample(kind=kind, lang=path.stem, text=text))
    return tuple(examples) if ok else None


def _check_replies(
    path: Path,
    raw: Any,
    doc: SafetyRepliesDoc,
    languages: Sequence[str],
    problem: Problem,
) -> None:
    for kind in KINDS:
        # "emergency" (a cry naming no kind) has the emergency intent's reply unless set here.
        if kind != "emergency" and kind not in doc.kinds:
            problem(path, line_of(raw, ("kinds",)), f"kinds: missing the reply for '{kind}'")
    checks: list[tuple[tuple[str | int, ...], tuple[str, ...], Mapping[str, str]]] = [
        (("kinds", kind, "reply"), entry.numbers, entry.reply) for kind, entry in doc.kinds.items()
    ]
    checks.append((("unsure", "line"), doc.unsure.numbers, doc.unsure.line))
    checks.append((("unsure", "question"), (), doc.unsure.question))
    for loc, numbers, translations in checks:
        where = ".".join(str(part) for part in loc)
        missing = [lang for lang in languages if lang not in translations]
        if missing:
            problem(
                path, line_of(raw, loc), f"{where}: missing translation for {', '.join(missing)}"
            )
        for lang, text in translations.items():
            for number in numbers:
                if not _names(text, number):
                    line = line_of(raw, (*loc, lang))
                    problem(path, line, f"{where}.{lang}: the text must name {number}")


def _load_words(folder: Path, load: Loader, problem: Problem) -> SafetyRules | None:
    files = sorted((folder / "words").glob("*.yaml"))
    if not files:
        problem(folder / "words", 1, "missing: the crisis words (safety/words/*.yaml)")
        return None
    docs: list[tuple[Path, Any, SafetyWordsDoc]] = []
    for path in files:
        loaded = load(path, SafetyWordsDoc)
        if loaded is not None:
            docs.append((path, loaded[0], loaded[1]))
    groups: dict[str, list[str]] = {}
    for _path, _raw, doc in docs:
        for name, words in doc.groups.items():
            groups.setdefault(name, []).extend(words)
    frozen_groups = {name: tuple(words) for name, words in groups.items()}
    sure: dict[str, list[str]] = {}
    unsure: dict[str, list[str]] = {}
    lists: dict[str, list[str]] = {"never": [], "calm": [], "yes": []}
    ok = len(docs) == len(files)
    for path, raw, doc in docs:
        entries: list[tuple[tuple[str | int, ...], str, list[str]]] = []
        for name, words in doc.groups.items():
            entries += [(("groups", name, i), w, []) for i, w in enumerate(words)]
        for section, target in (("sure", sure), ("unsure", unsure)):
            for kind, patterns in getattr(doc, section).items():
                bucket = target.setdefault(kind, [])
                entries += [((section, kind, i), p, bucket) for i, p in enumerate(patterns)]
        for section, bucket in lists.items():
            patterns = getattr(doc, section)
            entries += [((section, i), p, bucket) for i, p in enumerate(patterns)]
        for loc, pattern, bucket in entries:
            try:
                compile_pattern(pattern, {} if loc[0] == "groups" else frozen_groups)
            except ValueError as error:
                problem(path, line_of(raw, loc), f"{'.'.join(map(str, loc[:-1]))}: {error}")
                ok = False
                continue
            if loc[0] != "groups":
                bucket.append(pattern)
    if not ok:
        return None
    return SafetyRules(
        groups=frozen_groups,
        sure={kind: tuple(patterns) for kind, patterns in sure.items()},
        unsure={kind: tuple(patterns) for kind, patterns in unsure.items()},
        never=tuple(lists["never"]),
        calm=tuple(lists["calm"]),
        yes=tuple(lists["yes"]),
    )
