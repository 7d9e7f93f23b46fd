"""The crisis words and replies are knowledge: validated, with file:line for every broken edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
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
