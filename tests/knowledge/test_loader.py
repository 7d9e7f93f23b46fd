"""The knowledge loader: the bundled base is valid, and every broken edit is named by file:line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from knowledge.loader import BUNDLED_DIR, load_knowledge, validate_dir
from knowledge.schema import CANONICAL_INTENTS


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "dortmund"
    shutil.copytree(BUNDLED_DIR, target)
    return target


def problems_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    return list(caught.value.problems)


def test_bundled_knowledge_base_is_valid_and_complete() -> None:
    kb = load_knowledge()
    assert set(CANONICAL_INTENTS) <= set(kb.intents)
    assert {"de", "en", "uk", "ru", "ar", "fa", "tr", "ro", "bg", "pl"} <= set(kb.meta.languages)
    for intent in CANONICAL_INTENTS:  # the bundled replies are complete, though they need not be
        assert set(kb.meta.languages) <= set(kb.intents[intent].reply), intent
    langs_with_examples = {(e.intent, e.lang) for e in kb.examples}
    for intent in CANONICAL_INTENTS:
        if intent != "unknown":
            for lang in kb.meta.languages:
                assert (intent, lang) in langs_with_examples, (intent, lang)


def test_topic_answers_state_the_registration_deadline() -> None:
    kb = load_knowledge()
    assert (
        "2" in kb.intents["registration"].reply["de"]
        or "zwei" in kb.intents["registration"].reply["de"].lower()
    )
    assert "Wohnungsgeberbestätigung" in kb.intents["registration"].reply["de"]


def test_bad_indentation_is_reported_with_its_line(kb_copy: Path) -> None:
    path = kb_copy / "intents" / "kita.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "   broken: [indent")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_of(kb_copy)
    assert any(
        p.startswith("dortmund/intents/kita.yaml:") and "YAML syntax" in p for p in problems
    )


def test_unknown_key_is_reported_at_its_line(kb_copy: Path) -> None:
    path = kb_copy / "intents" / "kita.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: topic", "kind: topic\nsauce: tomato", 1), encoding="utf-8")
    line = next(
        i for i, line_text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line_text.startswith("sauce:")
    )  # fmt: skip
    assert f"dortmund/intents/kita.yaml:{line}: unknown key 'sauce'" in problems_of(kb_copy)


def _drop_reply(path: Path, lang: str) -> list[str]:
    raw = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line_text in enumerate(raw) if line_text.startswith(f"  {lang}:"))
    end = start + 1
    while end < len(raw) and raw[end].startswith("    "):
        end += 1
    del raw[start:end]
    path.write_text("\n".join(raw) + "\n", encoding="utf-8")
    return raw


def test_a_missing_fallback_translation_is_reported_at_the_reply_key(kb_copy: Path) -> None:
    path = kb_copy / "intents" / "thanks.yaml"
    raw = _drop_reply(path, "en")
    reply_line = next(i for i, line_text in enumerate(raw, 1) if line_text.startswith("reply:"))
    problems = problems_of(kb_copy)
    assert (
        f"dortmund/intents/thanks.yaml:{reply_line}: reply: missing translation for en" in problems
    )


def test_other_languages_may_be_missing_and_fall_back_with_a_notice(kb_copy: Path) -> None:
    from bot.texts import Texts

    _drop_reply(kb_copy / "intents" / "thanks.yaml", "uk")
    kb = load_knowledge(kb_copy)
    reply = Texts(kb).reply("thanks", "uk")
    assert reply.lang == "en"
    notice = kb.messages["fallback_notice"]["uk"].split("{")[0].strip()
    assert reply.text.startswith(notice)


def test_impossible_opening_time_is_reported(kb_copy: Path) -> None:
    path = kb_copy / "offices.yaml"
    text = path.read_text(encoding="utf-8")
    assert "08:30-11:30" in text
    path.write_text(text.replace("08:30-11:30", "08:30-25:00", 1), encoding="utf-8")
    line = next(
        i
        for i, line_text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "25:00" in line_text
    )
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"dortmund/offices.yaml:{line}:") and "25:00" in p for p in problems)


def test_all_problems_are_reported_at_once(kb_copy: Path) -> None:
    (kb_copy / "intents" / "help.yaml").write_text("id: help\nkind: nonsense\n", encoding="utf-8")
    (kb_copy / "examples" / "de.yaml").write_text("registration: [\n", encoding="utf-8")
    problems = problems_of(kb_copy)
    assert any("intents/help.yaml:2:" in p for p in problems)
    assert any("examples/de.yaml:" in p and "YAML syntax" in p for p in problems)


def test_validate_command_exit_codes(kb_copy: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "validate", str(kb_copy)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "valid" in ok.stdout and len(ok.stdout.strip().splitlines()) == 1
    (kb_copy / "kb.yaml").write_text("name: X\nlanguages: [de, xx]\nfallback: [de]\n")
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "validate", str(kb_copy)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "kb.yaml:2:" in bad.stdout and "xx" in bad.stdout


def test_validate_dir_reports_success_in_one_line() -> None:
    ok, lines = validate_dir(BUNDLED_DIR)
    assert ok and len(lines) == 1
