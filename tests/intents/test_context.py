"""Follow-up recognition in all supported languages."""

from __future__ import annotations

import pytest

from intents.context import looks_like_follow_up
from intents.languages import LANGUAGES


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("and for my wife?", "en"),
        ("where is that?", "en"),
        ("what about my son", "en"),
        ("und wo ist das", "de"),
        ("und für meine Frau?", "de"),
        ("а для жены?", "ru"),
        ("а де це?", "uk"),
        ("وللأطفال؟", "ar"),
        ("وماذا عن زوجتي", "ar"),
        ("برای بچه ها هم؟", "fa"),
        ("peki eşim için?", "tr"),
        ("si pentru sotia mea?", "ro"),
        ("а за децата?", "bg"),
        ("a dla żony?", "pl"),
        ("او ښځې ته؟", "ps"),
        ("û ji bo jina min?", "ku"),
        ("xaaska iyo carruurta?", "so"),
        ("ንሰበይተይ'ከ?", "ti"),
        ("dhe per gruan?", "sq"),
        ("et pour ma femme ?", "fr"),
    ],
)
def test_short_back_references_are_follow_ups(text: str, lang: str) -> None:
    assert looks_like_follow_up(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("wo muss ich mich anmelden", "de"),
        ("gibt es einen sprachkurs am abend", "de"),
        ("what is kita", "en"),
        ("I need a place in a kindergarten for my daughter, she is three years old", "en"),
        ("где записаться на курс немецкого", "ru"),
        ("وين المكتب", "ar"),
        ("hallo", "de"),
        ("", "en"),
    ],
)
def test_complete_questions_are_not_follow_ups(text: str, lang: str) -> None:
    assert not looks_like_follow_up(text, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_word_lists(lang: str) -> None:
    from intents.context import OPENERS, REFERENCES, SUBJECTS

    assert OPENERS[lang] and REFERENCES[lang] and SUBJECTS[lang]
