"""Language identification of short messages in the 16 supported languages."""

from __future__ import annotations

import pytest

from intents.catalogue import Catalogue
from intents.languages import ENDONYMS, LANGUAGES, LanguageIdentifier


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


SENTENCES = [
    ("ich suche einen deutschkurs für meine frau", "de"),
    ("where can my son go to kindergarten", "en"),
    ("мені потрібна довідка про реєстрацію", "uk"),
    ("де знайти курси німецької мови", "uk"),
    ("мне нужна справка о регистрации", "ru"),
    ("где найти курсы немецкого языка", "ru"),
    ("къде мога да намеря курс по немски", "bg"),
    ("трябва ми удостоверение за адрес", "bg"),
    ("أريد أن أسجل ابني في الروضة", "ar"),
    ("می‌خواهم زبان آلمانی یاد بگیرم", "fa"),
    ("زما زوی ته په وړکتون کې ځای پکار دی", "ps"),
    ("almanca kursuna nasıl kayıt olabilirim", "tr"),
    ("unde pot să mă înscriu la un curs de germană", "ro"),
    ("gdzie mogę zapisać dziecko do przedszkola", "pl"),
    ("ez dixwazim zimanê almanî hîn bibim", "ku"),
    ("waxaan rabaa inaan barto luqadda jarmalka", "so"),
    ("ንቆልዓይ ኣብ መውዓሊ ህጻናት ቦታ ይደሊ", "ti"),
    ("ku mund të gjej një kurs gjermanisht", "sq"),
    ("où puis-je inscrire mon fils à la crèche", "fr"),
]


@pytest.mark.parametrize(("text", "lang"), SENTENCES)
def test_short_questions_are_identified(
    identifier: LanguageIdentifier, text: str, lang: str
) -> None:
    guess = identifier.identify(text)
    assert guess.lang == lang
    assert 0.0 <= guess.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("privet, gde mozhno zapisatsya na kurs nemetskogo", "ru"),
        ("pryvit, de mozhna zapysatysya na kurs, dyakuyu", "uk"),
        ("ana biddi a3mel tasjil la ibni", "ar"),
        ("salam, man mikham zaban almani yad begiram", "fa"),
    ],
)
def test_languages_written_in_latin_letters(
    identifier: LanguageIdentifier, text: str, lang: str
) -> None:
    assert identifier.identify(text).lang == lang


def test_script_routes_tigrinya_even_with_german_words(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("Anmeldung ኣበይ እየ ዝገብር").lang == "ti"


def test_german_office_word_does_not_hide_arabic(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("وين لازم اعمل Anmeldung").lang == "ar"


def test_distinctive_letters_separate_cyrillic_and_arabic_languages(
    identifier: LanguageIdentifier,
) -> None:
    assert identifier.identify("їжак").lang == "uk"
    assert identifier.identify("мы").lang == "ru"
    assert identifier.identify("ښه").lang == "ps"


def test_hint_wins_for_an_ambiguous_greeting(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("salam", hints=("fa",)).lang == "fa"
    assert identifier.identify("salam", hints=("ar",)).lang == "ar"
    assert identifier.identify("ok", hints=("uk",)).lang == "uk"


def test_hint_does_not_override_clear_text(identifier: LanguageIdentifier) -> None:
    text = "где найти курсы немецкого языка для жены"
    assert identifier.identify(text, hints=("de",)).lang == "ru"
    assert identifier.identify("wo muss ich mich anmelden", hints=("fr",)).lang == "de"


def test_hint_in_another_script_is_ignored(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("спасибо", hints=("ar",)).lang == "ru"


def test_message_without_letters_falls_back_to_hint(identifier: LanguageIdentifier) -> None:
    assert identifier.identify("112!!", hints=("pl",)).lang == "pl"
    fallback = identifier.identify("👍 42")
    assert fallback.lang in LANGUAGES
    assert fallback.confidence == 0.0


def test_restricted_catalogue_languages_are_respected() -> None:
    identifier = LanguageIdentifier(Catalogue(examples=(), languages=("de", "en")))
    assert identifier.identify("où puis-je inscrire mon fils").lang in ("de", "en")
    assert identifier.identify("ንቆልዓይ").lang in ("de", "en")


def test_every_language_has_an_endonym() -> None:
    assert set(ENDONYMS) == set(LANGUAGES)
    assert len(LANGUAGES) == 16


def test_examples_of_the_bundled_knowledge_base_are_identified(
    bundled_catalogue: Catalogue, bundled_identifier: LanguageIdentifier
) -> None:
    examples = [e for e in bundled_catalogue.examples if len(e.text.split()) >= 3]
    right = sum(bundled_identifier.identify(e.text).lang == e.lang for e in examples)
    assert right / len(examples) >= 0.97
