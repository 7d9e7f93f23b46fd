"""The registration deadline: a move-in date in any of the 16 languages, plus two weeks."""

from __future__ import annotations

from datetime import date

import pytest

from bot.offices.deadline import find_date, registration_deadline

TODAY = date(2026, 11, 19)
THIRD_OF_NOVEMBER = date(2026, 11, 3)


@pytest.mark.parametrize(
    "text",
    [
        "Ich bin am 3. November eingezogen",  # de
        "I moved in on 3 November",  # en
        "Я заселився 3 листопада",  # uk
        "Я переехал 3-го ноября",  # ru
        "انتقلت إلى الشقة في 3 نوفمبر",  # ar
        "سكنت في ٣ تشرين الثاني",  # ar, Levantine month name and Arabic-Indic digit
        "من ۳ نوامبر اسباب‌کشی کردم",  # fa, Persian digit
        "3 Kasım'da taşındım",  # tr
        "M-am mutat pe 3 noiembrie",  # ro
        "Нанесох се на 3 ноември",  # bg
        "Wprowadziłem się 3 listopada",  # pl
        "ما د نومبر 3 کډه وکړه",  # ps
        "Ez di 3 Çiriya Paşîn de bar kirim",  # ku
        "Waxaan guuray 3 Nofeembar",  # so
        "ኣብ ሕዳር 3 ኣቲና",  # ti
        "U zhvendosa më 3 nëntor",  # sq
        "J'ai emménagé le 3 novembre",  # fr
        "eingezogen am 3.11.",
        "03/11",
        "3.11.2026",
        "2026-11-03",
        "on November 3rd",
    ],
)
def test_the_move_in_date_is_read(text: str) -> None:
    assert find_date(text, TODAY) == THIRD_OF_NOVEMBER


def test_the_deadline_is_two_weeks_later() -> None:
    assert registration_deadline(THIRD_OF_NOVEMBER) == date(2026, 11, 17)


def test_the_year_is_the_one_closest_to_today() -> None:
    assert find_date("20.12.", date(2027, 1, 5)) == date(2026, 12, 20)
    assert find_date("2 Januar", date(2026, 12, 28)) == date(2027, 1, 2)


@pytest.mark.parametrize("text", ["heute", "ab 3 Uhr", "31.02.", "33.11.", "Termin um 10"])
def test_no_date_is_no_date(text: str) -> None:
    assert find_date(text, TODAY) is None
