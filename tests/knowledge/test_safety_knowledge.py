"""The crisis words and replies are knowledge: validated, with file:line for every broken edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.knowledge_store import KnowledgeStore
from intents.safety import KINDS
from knowledge.loader import BUNDLED_DIR, load_knowledge


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "dortmund"
    shutil.copytree(BUNDLED_DIR, target)
    return target


def problems_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    return list(caught.value.problems)


def test_the_bundled_crisis_knowledge_is_complete() -> None:
    kb = load_knowledge()
    assert kb.safety is not None
    replies = kb.safety.replies
    assert set(KINDS) - {"emergency"} <= set(replies.kinds)
    for kind, entry in replies.kinds.items():
        assert set(kb.meta.languages) <= set(entry.reply), kind
    sources = {h.id: h for h in replies.helplines}
    assert sources["telefonseelsorge"].numbers == ("0800 111 0 111", "0800 111 0 222", "116 123")
    assert sources["hilfetelefon"].numbers == ("116 016",)
    assert sources["nummer_gegen_kummer"].numbers == ("116 111",)
    assert all(h.source and h.read for h in replies.helplines)
    assert set(kb.safety.rules.sure) <= set(KINDS)


def test_a_broken_pattern_is_named_by_file_and_line(kb_copy: Path) -> None:
    words = kb_copy / "safety" / "words" / "de.yaml"
    lines = words.read_text(encoding="utf-8").splitlines()
    at = lines.index("  medical:") + 1
    lines.insert(at, '    - "{niemand} ... atmet"')
    lines.insert(at + 1, "    - ab*")
    words.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"dortmund/safety/words/de.yaml:{at + 1}:") for p in problems)
    assert any("unknown group '{niemand}'" in p for p in problems)
    assert any(f"de.yaml:{at + 2}:" in p and "too short" in p for p in problems)


def test_a_reply_without_its_number_is_refused(kb_copy: Path) -> None:
    replies = kb_copy / "safety" / "replies.yaml"
    text = replies.read_text(encoding="utf-8")
    broken = text.replace("Call 112 now (ambulance).", "Call an ambulance now.", 1)
    assert broken != text
    replies.write_text(broken, encoding="utf-8")
    problems = problems_of(kb_copy)
    assert any(
        "replies.yaml:" in p and "kinds.medical.reply.en" in p and "112" in p for p in problems
    )


def test_missing_crisis_replies_are_an_error(kb_copy: Path) -> None:
    (kb_copy / "safety" / "replies.yaml").unlink()
    assert any("safety/replies.yaml:1: missing" in p for p in problems_of(kb_copy))


def test_the_bundled_crisis_examples_cover_every_kind_in_every_language() -> None:
    kb = load_knowledge()
    assert kb.safety is not None
    examples = kb.safety.rules.examples
    for lang in kb.meta.languages:
        kinds = {e.kind for e in examples if e.lang == lang}
        assert {"suicide", "self_harm", "medical", "fire_gas", "violence"} <= kinds, lang
        assert {"domestic_violence", "child_at_risk", "harmless"} <= kinds, lang


def test_a_duplicate_crisis_example_is_named_by_file_and_line(kb_copy: Path) -> None:
    path = kb_copy / "safety" / "examples" / "fr.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith("  - ")  # the file ends with its harmless messages
    lines.append("  - quel est le numéro d'urgence")  # already there
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_of(kb_copy)
    assert any(
        p.startswith(f"dortmund/safety/examples/fr.yaml:{len(lines)}:") and "duplicate" in p
        for p in problems
    )


def test_an_unknown_crisis_kind_is_named_by_file_and_line(kb_copy: Path) -> None:
    path = kb_copy / "safety" / "examples" / "fr.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines += ["flood:", "  - l'eau monte dans la cave"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_of(kb_copy)
    flood = f"dortmund/safety/examples/fr.yaml:{len(lines) - 1}:"
    assert any(p.startswith(flood) for p in problems), problems


def test_a_language_without_crisis_examples_is_an_error(kb_copy: Path) -> None:
    (kb_copy / "safety" / "examples" / "so.yaml").unlink()
    problems = problems_of(kb_copy)
    assert any("safety/examples/so.yaml:1: missing: crisis examples" in p for p in problems)


def test_a_broken_examples_file_keeps_the_last_good_knowledge_serving(kb_copy: Path) -> None:
    store = KnowledgeStore(kb_copy, encoder_factory=lambda: None, cache_dir=None)
    before = store.kb
    path = kb_copy / "safety" / "examples" / "de.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - [kaputt\n", encoding="utf-8")
    problems = store.reload()
    assert problems
    assert all(p.split(":")[0].endswith(".yaml") for p in problems)
    assert any("safety/examples/de.yaml:" in p for p in problems)
    assert store.kb is before
    assert store.kb.safety is not None and store.kb.safety.rules.examples
    _kb, _texts, understanding = store()
    assert understanding.understand("mein opa atmet nicht mehr").safety == "sure"
