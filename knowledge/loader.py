"""Load and check a knowledge-base folder; every problem comes back as ``path:line: message``."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import KnowledgeError
from intents.pages import Page
from knowledge.files import is_editor_debris, yaml_files
from knowledge.pages import load_pages_dir
from knowledge.required import REQUIRED_MESSAGES, placeholder_problems
from knowledge.safety import SafetyKnowledge, load_safety
from knowledge.schema import (
    CANONICAL_INTENTS,
    AliasDoc,
    AliasesDoc,
    ExamplesDoc,
    IntentDoc,
    KbMeta,
    MessagesDoc,
    Office,
    OfficesDoc,
    PlacesDoc,
    SlotsDoc,
)
from knowledge.yaml_source import line_of, parse_yaml, validate

BUNDLED_DIR = Path(__file__).resolve().parent / "dortmund"
"""The bundled Dortmund (and Dorsten) knowledge base."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExampleText:
    intent: str
    lang: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class KnowledgeBase:
    """A whole, valid knowledge base, as the bot serves it."""

    root: Path
    meta: KbMeta
    intents: Mapping[str, IntentDoc]
    examples: tuple[ExampleText, ...]
    aliases: tuple[AliasDoc, ...]
    messages: Mapping[str, Mapping[str, str]]
    offices: tuple[Office, ...] = ()
    places: PlacesDoc | None = None
    slots: SlotsDoc | None = None
    """slots.yaml: words for answers to the bot's own questions (dates, yes/no ...)."""
    pages: tuple[Page, ...] = ()
    """Information pages (pages/*.yaml and imported pages/**/*.jsonl) for open-world answers."""
    safety: SafetyKnowledge | None = None
    """Crisis words and replies (safety/); None only in knowledge bases built by hand."""
    fingerprint: str = field(default="")
    """A hash of the files' contents: changes whenever an admin's edit changes anything."""

    def summary(self) -> str:
        langs = " ".join(self.meta.languages)
        return (
            f"{self.root}: valid: {len(self.intents)} intents, {len(self.examples)} examples, "
            f"{len(self.messages)} messages, {len(self.offices)} offices, "
            f"{len(self.pages)} pages, languages {langs}"
        )


class _Collector:
    """Gathers problems across files so an admin sees all of them at once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add(self, path: Path, line: int, message: str) -> None:
        self.problems.append(f"{self.rel(path)}:{line}: {message}")


def _read_yaml(path: Path, out: _Collector) -> Any | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        out.add(path, 1, f"cannot read file: {exc}")
        return None
    raw, problem = parse_yaml(text)
    if problem is not None:
        out.add(path, *problem)
    return raw


def _validate(path: Path, raw: Any, model: Any, out: _Collector) -> Any | None:
    value, problems = validate(raw, model)
    for line, message in problems:
        out.add(path, line, message)
    return value


def _load_file(path: Path, model: Any, out: _Collector) -> tuple[Any, Any] | None:
    raw = _read_yaml(path, out)
    if raw is None:
        if path.exists() and not out.problems:
            out.add(path, 1, "file is empty")
        return None
    value = _validate(path, raw, model, out)
    return None if value is None else (raw, value)


def _check_translations(
    path: Path,
    raw: Any,
    loc: Sequence[int | str],
    translations: Mapping[str, str],
    languages: Sequence[str],
    what: str,
    out: _Collector,
) -> None:
    missing = [lang for lang in languages if lang not in translations]
    if missing:
        out.add(path, line_of(raw, loc), f"{what}: missing translation for {', '.join(missing)}")


def load_knowledge(root: Path | str | None = None) -> KnowledgeBase:
    """Load and check the knowledge base in ``root``. Raises :class:`KnowledgeError`."""
    root = Path(root) if root is not None else BUNDLED_DIR
    root = root.resolve()
    out = _Collector(root)
    if not root.is_dir():
        raise KnowledgeError([f"{root}:1: not a knowledge-base folder"])

    meta_file = root / "kb.yaml"
    loaded_meta = _load_file(meta_file, KbMeta, out) if meta_file.exists() else None
    if not meta_file.exists():
        out.add(meta_file, 1, "kb.yaml is missing")
    meta: KbMeta | None = loaded_meta[1] if loaded_meta else None
    languages: tuple[str, ...] = meta.languages if meta else ()

    required = meta.fallback if meta else ()
    intents = _load_intents(root, required, places_cities(root), out)
    examples = _load_examples(root, languages, set(intents), out)
    aliases = _load_aliases(root, set(intents), out)
    messages = _load_messages(root, required, out)
    places = _load_places(root, out)
    offices = _load_offices(root, places, languages, out)
    slots = _load_slots(root, out)
    pages = load_pages_dir(root / "pages", out.add)
    safety = load_safety(
        root, languages, lambda path, model: _load_file(path, model, out), out.add
    )

    if out.problems or meta is None:
        raise KnowledgeError(out.problems or [f"{meta_file}:1: invalid"])
    return KnowledgeBase(
        root=root,
        meta=meta,
        intents=intents,
        examples=examples,
        aliases=aliases,
        messages=messages,
        offices=offices,
        places=places,
        slots=slots,
        pages=pages,
        safety=safety,
        fingerprint=fingerprint(root),
    )


def _page_lines_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.jsonl") if not is_editor_debris(p)]


def fingerprint(root: Path) -> str:
    """A content hash of every YAML file (and imported JSON Lines page file) below ``root``."""
    digest = hashlib.sha256()
    for path in sorted([*yaml_files(root, recursive=True), *_page_lines_files(root)]):
        digest.update(str(path.relative_to(root)).encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            # Removed or renamed while we looked (an editor saving): the next look sees it.
            digest.update(b"\0unreadable")
    return digest.hexdigest()[:16]


def places_cities(root: Path) -> frozenset[str] | None:
    """The city ids of places.yaml, read leniently (its own errors are reported later)."""
    path = root / "places.yaml"
    try:
        raw, problem = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    if problem is not None or not isinstance(raw, dict):
        return None
    cities = raw.get("cities")
    if not isinstance(cities, list):
        return None
    return frozenset(str(c.get("id")) for c in cities if isinstance(c, dict))


def _load_intents(
    root: Path, required: Sequence[str], cities: frozenset[str] | None, out: _Collector
) -> dict[str, IntentDoc]:
    """Intents. A reply needs only the fallback languages (kb.yaml): a user whose language is
    missing gets a fallback language with a notice saying so."""
    intents: dict[str, IntentDoc] = {}
    folder = root / "intents"
    for path in yaml_files(folder):
        loaded = _load_file(path, IntentDoc, out)
        if loaded is None:
            continue
        raw, doc = loaded
        if doc.id != path.stem:
            out.add(path, line_of(raw, ("id",)), f"id '{doc.id}' must equal the file name")
            continue
        _check_translations(path, raw, ("reply",), doc.reply, required, "reply", out)
        for lang in doc.status:
            if lang not in doc.reply:
                line = line_of(raw, ("status", lang))
                out.add(path, line, f"status for '{lang}' without a reply")
        for city, replies in doc.reply_by_city.items():
            if cities is not None and city not in cities:
                line = line_of(raw, ("reply_by_city", city))
                out.add(path, line, f"unknown city '{city}' (not in places.yaml)")
            _check_translations(
                path, raw, ("reply_by_city", city), replies, required,
                f"reply_by_city {city}", out,
            )  # fmt: skip
        intents[doc.id] = doc
    for intent in CANONICAL_INTENTS:
        if intent not in intents and not (folder / f"{intent}.yaml").exists():
            out.add(
                folder / f"{intent}.yaml", 1, f"missing: every knowledge base needs '{intent}'"
            )
    return intents


def _load_examples(
    root: Path, languages: Sequence[str], intents: set[str], out: _Collector
) -> tuple[ExampleText, ...]:
    examples: list[ExampleText] = []
    folder = root / "examples"
    for lang in languages:
        path = folder / f"{lang}.yaml"
        if not path.exists():
            out.add(path, 1, f"missing: examples in language '{lang}'")
            continue
        loaded = _load_file(path, ExamplesDoc, out)
        if loaded is None:
            continue
        raw, doc = loaded
        seen: dict[str, str] = {}
        for intent, texts in doc.items():
            if intent not in intents:
                out.add(path, line_of(raw, (intent,)), f"unknown intent '{intent}'")
                continue
            for index, text in enumerate(texts):
                same = " ".join(text.casefold().split())
                if same in seen:
                    where = "" if seen[same] == intent else f" (under '{seen[same]}')"
                    out.add(path, line_of(raw, (intent, index)), f"duplicate example{where}")
                    continue
                seen[same] = intent
                examples.append(ExampleText(intent=intent, lang=lang, text=text))
        for intent in sorted(intents - set(doc) - {"unknown"}):
            out.add(path, 1, f"no examples for intent '{intent}'")
    return tuple(examples)


def _load_aliases(root: Path, intents: set[str], out: _Collector) -> tuple[AliasDoc, ...]:
    path = root / "aliases.yaml"
    if not path.exists():
        return ()
    loaded = _load_file(path, AliasesDoc, out)
    if loaded is None:
        return ()
    raw, doc = loaded
    for index, alias in enumerate(doc):
        if alias.intent not in intents:
            out.add(path, line_of(raw, (index, "intent")), f"unknown intent '{alias.intent}'")
    return tuple(doc)


def _load_messages(
    root: Path, languages: Sequence[str], out: _Collector
) -> dict[str, dict[str, str]]:
    messages: dict[str, dict[str, str]] = {}
    for path in yaml_files(root / "messages"):
        loaded = _load_file(path, MessagesDoc, out)
        if loaded is None:
            continue
        raw, doc = loaded
        for key, translations in doc.items():
            if key in messages:
                out.add(path, line_of(raw, (key,)), f"message '{key}' is defined twice")
                continue
            _check_translations(path, raw, (key,), translations, languages, key, out)
            for lang, template in translations.items():
                for problem in placeholder_problems(key, template):
                    out.add(path, line_of(raw, (key, lang)), f"{problem} in '{lang}'")
            messages[key] = dict(translations)
    for key in sorted(set(REQUIRED_MESSAGES) - set(messages)):
        out.add(root / "messages", 1, f"missing: message '{key}' (the bot needs it)")
    return messages


def _load_places(root: Path, out: _Collector) -> PlacesDoc | None:
    path = root / "places.yaml"
    if not path.exists():
        return None
    loaded = _load_file(path, PlacesDoc, out)
    return loaded[1] if loaded else None


def _load_slots(root: Path, out: _Collector) -> SlotsDoc | None:
    path = root / "slots.yaml"
    if not path.exists():
        return None
    loaded = _load_file(path, SlotsDoc, out)
    return loaded[1] if loaded else None


def _load_offices(
    root: Path, places: PlacesDoc | None, languages: Sequence[str], out: _Collector
) -> tuple[Office, ...]:
    """offices.yaml, then the files imports write (offices-<source>.yaml); ids are unique
    across all of them."""
    paths = [root / "offices.yaml", *sorted(root.glob("offices-*.yaml"))]
    seen: set[str] = set()
    found: list[Office] = []
    for path in paths:
        if path.exists():
            found.extend(_load_offices_file(path, places, languages, seen, out))
    return tuple(found)


def _load_offices_file(
    path: Path,
    places: PlacesDoc | None,
    languages: Sequence[str],
    seen: set[str],
    out: _Collector,
) -> tuple[Office, ...]:
    loaded = _load_file(path, OfficesDoc, out)
    if loaded is None:
        return ()
    raw, doc = loaded
    cities = {c.id: c for c in places.cities} if places else {}
    for index, office in enumerate(doc.offices):
        if office.id in seen:
            out.add(
                path, line_of(raw, ("offices", index, "id")), f"duplicate office '{office.id}'"
            )
        seen.add(office.id)
        if places is not None:
            city = cities.get(office.city)
            if city is None:
                line = line_of(raw, ("offices", index, "city"))
                out.add(path, line, f"unknown city '{office.city}' (not in places.yaml)")
                continue
            known = {d.id for d in city.districts} | {
                q.id for d in city.districts for q in d.quarters
            }
            for d_index, district in enumerate(office.districts):
                if district not in known:
                    line = line_of(raw, ("offices", index, "districts", d_index))
                    out.add(path, line, f"unknown district '{district}' in {city.id}")
        for s_index, service in enumerate(office.services):
            _check_translations(
                path, raw, ("offices", index, "services", s_index, "name"), service.name,
                languages, f"service '{service.id}' name", out,
            )  # fmt: skip
    offices: tuple[Office, ...] = doc.offices
    return offices


def validate_dir(root: Path | str | None) -> tuple[bool, list[str]]:
    """For ``lotse kb validate``: (ok, lines to print)."""
    try:
        kb = load_knowledge(root)
    except KnowledgeError as exc:
        return False, list(exc.problems)
    return True, [kb.summary()]
