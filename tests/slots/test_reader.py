"""The slot reader on the bundled slots.yaml: yes/no, nationality, dates, times; 16 languages."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.slots import SlotReader, TimeWish
from knowledge.loader import BUNDLED_DIR, load_knowledge

TODAY = date(2026, 11, 19)  # a Thursday
YESTERDAY = date(2026, 11, 18)
A_WEEK_AGO = date(2026, 11, 12)
TOMORROW = date(2026, 11, 20)
NEXT_THURSDAY = date(2026, 11, 26)
MORNING = TimeWish(start=time(8, 0), end=time(12, 0))


@pytest.fixture(scope="module")
def reader() -> SlotReader:
    return SlotReader(load_knowledge().slots)


# (language, yesterday, a week ago, tomorrow morning, next Thursday, yes, no + nationality)
PHRASES = [
    ("de", "gestern", "vor einer Woche", "morgen früh", "nächsten Donnerstag", "ja",
     "nein, ich bin Syrer"),
    ("en", "yesterday", "a week ago", "tomorrow morning", "next Thursday", "yes",
     "no, I'm Syrian"),
    ("uk", "вчора", "тиждень тому", "завтра вранці", "наступного четверга", "так",
     "ні я з україни"),
    ("ru", "вчера", "неделю назад", "завтра утром", "в следующий четверг", "да",
     "нет, я из Сирии"),
    ("ar", "امس", "قبل اسبوع", "بكرة الصبح", "الخميس القادم", "نعم", "لا انا سوري"),
    ("fa", "دیروز", "یک هفته پیش", "فردا صبح", "پنجشنبه آینده", "بله", "نه، افغانی هستم"),
    ("tr", "dün", "bir hafta önce", "yarın sabah", "gelecek perşembe", "evet",
     "hayır, suriyeliyim"),
    ("ro", "ieri", "acum o săptămână", "mâine dimineață", "joia viitoare", "da",
     "nu, sunt sirian"),
    ("bg", "вчера", "преди седмица", "утре сутринта", "следващия четвъртък", "да",
     "не, от Сирия съм"),
    ("pl", "wczoraj", "tydzień temu", "jutro rano", "w przyszły czwartek", "tak",
     "nie, jestem z Syrii"),
    ("ps", "پرون", "یوه اونۍ مخکې", "سبا سهار", "راتلونکې پنجشنبه", "هو", "نه، زه افغان یم"),
    ("ku", "duh", "hefteyek berê", "sibê sibeh", "pêncşema bê", "erê", "na, ez Sûrî me"),
    ("so", "shalay", "toddobaad ka hor", "berri subaxda", "khamiista soo socda", "haa",
     "maya, waxaan ahay Suuri"),
    ("ti", "ትማሊ", "ቅድሚ ሰሙን", "ጽባሕ ንግሆ", "ዝመጽእ ሓሙስ", "እወ", "ኣይፋል፣ ኤርትራዊ እየ"),
    ("sq", "dje", "një javë më parë", "nesër në mëngjes", "të enjten e ardhshme", "po",
     "jo, jam nga Siria"),
    ("fr", "hier", "il y a une semaine", "demain matin", "jeudi prochain", "oui",
     "non, je suis syrien"),
]  # fmt: skip
LANGS = [row[0] for row in PHRASES]


def test_every_language_has_its_tables(reader: SlotReader) -> None:
    assert sorted(LANGS) == sorted(load_knowledge().meta.languages)


@pytest.mark.parametrize(("lang", "yesterday", "week_ago", "tomorrow_morning", "thursday",
                          "yes", "no_and_nationality"), PHRASES, ids=LANGS)  # fmt: skip
def test_relative_dates_times_and_answers(
    reader: SlotReader,
    lang: str,
    yesterday: str,
    week_ago: str,
    tomorrow_morning: str,
    thursday: str,
    yes: str,
    no_and_nationality: str,
) -> None:
    assert reader.read_date(yesterday, [lang], TODAY) == YESTERDAY
    assert reader.read_date(week_ago, [lang], TODAY) == A_WEEK_AGO
    assert reader.read_date(tomorrow_morning, [lang], TODAY, prefer="future") == TOMORROW
    assert reader.read_time(tomorrow_morning, [lang]) == MORNING
    assert reader.read_date(thursday, [lang], TODAY, prefer="future") == NEXT_THURSDAY
    assert reader.yes_no(yes, [lang]) is True
    assert reader.yes_no(no_and_nationality, [lang]) is False
    said = reader.nationality(no_and_nationality)
    assert said is not None and said.eu is False and said.country is not None
    assert reader.citizenship(no_and_nationality, [lang]) is False
    assert reader.citizenship(yes, [lang]) is True


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("3 November", "en", date(2026, 11, 3)),
        ("3 نوفمبر", "ar", date(2026, 11, 3)),
        ("3 грудня", "uk", date(2026, 12, 3)),
        ("3 Januar", "de", date(2027, 1, 3)),
        ("3.11.", "de", date(2026, 11, 3)),
        ("in two days", "en", date(2026, 11, 21)),
        ("через 2 дні", "uk", date(2026, 11, 21)),
        ("قبل اسبوعين", "ar", date(2026, 11, 5)),
        ("last week", "en", A_WEEK_AGO),
        ("geçen hafta", "tr", A_WEEK_AGO),
        ("acum două luni", "ro", date(2026, 9, 19)),
        ("luni", "ro", date(2026, 11, 16)),  # Monday, not "months"
        ("heute", "de", TODAY),
        ("vorgestern", "de", date(2026, 11, 17)),
        ("a month ago", "en", date(2026, 10, 19)),
    ],
)
def test_absolute_and_relative_dates(
    reader: SlotReader, text: str, lang: str, expected: date
) -> None:
    assert reader.read_date(text, [lang], TODAY) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("yesterdy", "en", YESTERDAY),  # a typo
        ("donnerstg", "de", TODAY),  # a typo; a weekday alone, past preferred: this Thursday
        ("vchora", "uk", YESTERDAY),  # Latin letters for вчора
        ("vchera", "ru", YESTERDAY),
        ("bukra", "ar", TOMORROW),
        ("dirooz", "fa", YESTERDAY),
    ],
)
def test_typos_and_latin_letters(reader: SlotReader, text: str, lang: str, expected: date) -> None:
    assert reader.read_date(text, [lang], TODAY) == expected


def test_a_weekday_alone_points_back_for_a_move_and_ahead_for_a_booking(
    reader: SlotReader,
) -> None:
    assert reader.read_date("Montag", ["de"], TODAY, prefer="past") == date(2026, 11, 16)
    assert reader.read_date("Montag", ["de"], TODAY, prefer="future") == date(2026, 11, 23)
    assert reader.read_date("last Monday", ["en"], TODAY, prefer="future") == date(2026, 11, 16)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("at 10", "en", time(10, 0)),
        ("14:30", "de", time(14, 30)),
        ("um 10 Uhr", "de", time(10, 0)),
        ("о 10", "uk", time(10, 0)),
        ("الساعة ١٠", "ar", time(10, 0)),
        ("saat 14", "tr", time(14, 0)),
        ("3 pm", "en", time(15, 0)),
        ("at 3 in the afternoon", "en", time(15, 0)),
        ("à 9h30", "fr", time(9, 30)),
    ],
)
def test_times_of_day(reader: SlotReader, text: str, lang: str, expected: time) -> None:
    assert reader.read_time(text, [lang]) == TimeWish(start=expected, end=expected)


@pytest.mark.parametrize("text", ["3.11.", "Dortmund", "wo muss ich mich anmelden", "12"])
def test_no_time_where_there_is_none(reader: SlotReader, text: str) -> None:
    assert reader.read_time(text, ["de"]) is None


@pytest.mark.parametrize(
    "text", ["wo ist die Kita", "Dortmund", "kita platz 44388", "I need help", "112"]
)
def test_no_date_where_there_is_none(reader: SlotReader, text: str) -> None:
    assert reader.read_date(text, ["de", "en"], TODAY) is None


@pytest.mark.parametrize(
    ("text", "eu", "country"),
    [
        ("Romania", True, "romania"),
        ("sunt român", True, "romania"),
        ("българка съм", True, "bulgaria"),
        ("ich bin aus der EU", True, None),
        ("nicht EU", False, None),
        ("no, I'm Romanian", True, "romania"),  # the country decides, not the "no"
        ("من افغانستان", False, "afghanistan"),
        ("Ukrainerin", False, "ukraine"),
    ],
)
def test_nationality_in_any_language(
    reader: SlotReader, text: str, eu: bool, country: str | None
) -> None:
    said = reader.nationality(text)
    assert said is not None and said.eu is eu and said.country == country


@pytest.mark.parametrize("text", ["no idea", "what do you mean", "Dortmund", "12"])
def test_no_nationality_where_none_is_named(reader: SlotReader, text: str) -> None:
    assert reader.nationality(text) is None


def test_yes_or_no_must_come_first(reader: SlotReader) -> None:
    assert reader.yes_no("ok ja", ["de"]) is True
    assert reader.yes_no("I have no idea what that means", ["en"]) is None


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        ("where is that?", "en", "where"),
        ("ووين هذا؟", "ar", "where"),
        ("а коли працює?", "uk", "open"),
        ("und wann ist das offen?", "de", "open"),
        ("book there", "en", "book"),
        ("orası nerede?", "tr", "where"),
        ("thanks", "en", None),
    ],
)
def test_follow_up_words(reader: SlotReader, text: str, lang: str, kind: str | None) -> None:
    assert reader.asks(text, [lang]) == kind


def test_a_broken_slots_file_names_file_and_line(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "kb"
    shutil.copytree(BUNDLED_DIR, copy)
    path = copy / "slots.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("weekdays: [[montag]", "weekdays: [[montag]], [x", 1), "utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(copy)
    assert any("slots.yaml:" in problem for problem in raised.value.problems)


def test_without_slots_file_nothing_but_plain_dates_is_read(tmp_path: Path) -> None:
    bare = SlotReader(None)
    assert bare.read_date("gestern", ["de"], TODAY) is None
    assert bare.read_date("3.11.", ["de"], TODAY) == date(2026, 11, 3)
    assert bare.yes_no("ja", ["de"]) is None


WHERE_AND_OPEN = [
    ("de", "wo ist das?", "wann ist offen?"),
    ("en", "where is that?", "when is it open?"),
    ("uk", "а де це?", "коли працює?"),
    ("ru", "а где это?", "когда открыто?"),
    ("ar", "وين هذا؟", "متى يفتح؟"),
    ("fa", "کجاست؟", "کی باز است؟"),
    ("tr", "orası nerede?", "ne zaman açık?"),
    ("ro", "unde este asta?", "când e deschis?"),
    ("bg", "къде е това?", "кога работи?"),
    ("pl", "a gdzie to jest?", "kiedy otwarte?"),
    ("ps", "دا چیرته دی؟", "کله خلاص وي؟"),
    ("ku", "ew li ku ye?", "kengî vekirî ye?"),
    ("so", "xaggee weeye?", "goorma furan yahay?"),
    ("ti", "ኣበይ እዩ?", "መዓስ ክፉት እዩ?"),
    ("sq", "ku është?", "kur është hapur?"),
    ("fr", "c'est où ?", "c'est ouvert quand ?"),
]


@pytest.mark.parametrize(
    ("lang", "where", "open_"), WHERE_AND_OPEN, ids=[row[0] for row in WHERE_AND_OPEN]
)
def test_where_and_when_open_in_every_language(
    reader: SlotReader, lang: str, where: str, open_: str
) -> None:
    assert reader.asks(where, [lang]) == "where"
    assert reader.asks(open_, [lang]) == "open"
