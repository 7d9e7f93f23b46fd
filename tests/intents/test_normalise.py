"""Normalisation: Unicode forms, case, diacritics, Arabic letters, invisible marks, Latin forms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents.normalise import clean, normalise, skeleton, tokens, transliterate


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("كيف", "کیف"),  # Arabic kaf and yeh against the Persian letters
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("أين", "اين"),
        ("إسعاف", "اسعاف"),
        ("آمبولانس", "امبولانس"),
        ("مـــرحـبا", "مرحبا"),  # tatweel
        ("مَرْحَبًا", "مرحبا"),  # harakat
        ("مسؤول", "مسوول"),
    ],
)
def test_arabic_and_persian_spellings_meet(one: str, other: str) -> None:
    assert normalise(one) == normalise(other)


def test_invisible_marks_and_bidi_controls_vanish() -> None:
    assert normalise("an\u200bmel\u200edung\u2067") == "anmeldung"
    assert normalise("\ufeffkita\u00ad") == "kita"


def test_compatibility_forms_case_and_diacritics_fold() -> None:
    assert normalise("ＫＩＴＡ") == "kita"
    assert normalise("STRAẞE") == "strasse"
    assert normalise("Bürgeramt Öffnungszeiten") == "burgeramt offnungszeiten"
    assert normalise("Teşekkürler çok") == "tesekkurler cok"
    assert normalise("Mulțumesc frumos") == "multumesc frumos"


def test_punctuation_splits_words_and_digits_survive() -> None:
    assert normalise("Hilfe!!! 112, bitte...") == "hilfe 112 bitte"
    assert normalise("۱۱۲") == "112"
    assert normalise("١١٠") == "110"
    assert tokens("wo? hier!") == ("wo", "hier")


def test_clean_keeps_letters_that_tell_languages_apart() -> None:
    assert clean("  Ich  bin\u200b NEU ") == "ich bin neu"
    assert "ي" in clean("في")
    assert "ş" in clean("şehir")


def test_transliteration_gives_plain_latin() -> None:
    assert transliterate("Анмельдунг") == "anmel dung"
    assert transliterate("Где записаться?") == "gde zapisat sya"
    assert transliterate("ኪታ") == "kita"
    assert transliterate("kita").isascii()


def test_consonant_skeleton_meets_romanised_arabic() -> None:
    assert skeleton(transliterate("أين أسجل")) == skeleton("ayna usajjil")
    assert skeleton("kita 112") == "kt 112"


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_normalise_is_idempotent_and_clean(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert transliterate(text).isascii()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quel est le numéro d'urgence ?", "quel est le numero d urgence"),
        ("appelez l’ambulance", "appelez l ambulance"),
        ("s'marr frymë", "s marr fryme"),
        ("112'yi arayın", "112 yi arayin"),
        ("б'є", "бє"),
        ("бʼє", "бє"),
        ("б’є", "бє"),
        ("п'ять", "пять"),
        ("don't", "dont"),
    ],
)
def test_apostrophes_keep_elided_words_and_join_inside_words(text: str, expected: str) -> None:
    assert normalise(text) == expected
