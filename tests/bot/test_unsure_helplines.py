"""When Lotse is unsure about a crisis, the kind it suspects brings its own helpline along."""

from __future__ import annotations

import pytest

from bot.safety import unsure_text
from bot.texts import Texts
from knowledge.loader import KnowledgeBase, load_knowledge


@pytest.fixture(scope="module")
def bundled() -> tuple[KnowledgeBase, Texts]:
    kb = load_knowledge()
    return kb, Texts(kb)


@pytest.mark.parametrize("lang", ["de", "en", "ar", "uk", "fa", "tr", "ro", "so"])
@pytest.mark.parametrize("kind", ["suicide", "self_harm"])
def test_unsure_about_suicide_or_self_harm_names_the_telefonseelsorge(
    bundled: tuple[KnowledgeBase, Texts], lang: str, kind: str
) -> None:
    kb, texts = bundled
    local = unsure_text(kb, texts, lang, kind)
    assert local is not None
    lines = local.text.splitlines()
    assert len(lines) == 3, "danger line, helpline, question"
    assert "112" in lines[0] and "110" in lines[0]
    assert "0800 111 0 111" in lines[1]
    question = texts.translated(kb.safety.replies.unsure.question, lang).text.strip()  # type: ignore[union-attr]
    assert lines[2] == question


@pytest.mark.parametrize(("kind", "number"), [("domestic_violence", "116 016"),
                                              ("child_at_risk", "116 111")])  # fmt: skip
def test_unsure_about_violence_at_home_or_a_child_names_that_helpline(
    bundled: tuple[KnowledgeBase, Texts], kind: str, number: str
) -> None:
    kb, texts = bundled
    local = unsure_text(kb, texts, "de", kind)
    assert local is not None and number in local.text.splitlines()[1]


@pytest.mark.parametrize("kind", ["medical", "fire_gas", "violence", None])
def test_unsure_without_a_helpline_of_its_own_is_one_line_and_the_question(
    bundled: tuple[KnowledgeBase, Texts], kind: str | None
) -> None:
    kb, texts = bundled
    local = unsure_text(kb, texts, "en", kind)
    assert local is not None
    lines = local.text.splitlines()
    assert len(lines) == 2 and "112" in lines[0]
    assert "TelefonSeelsorge" not in local.text
