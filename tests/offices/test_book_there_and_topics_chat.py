"""What issue 11 must show, in German, Arabic, Ukrainian, Romanian and Bulgarian: the Bürgeramt
in Lütgendortmund with its address, "book there" after that card (an office that takes no
bookings through Lotse: the way to an appointment there, never another office's slots), and
school and health insurance questions answered from the bundled topic pages."""

from __future__ import annotations

import pytest

from adapters.memory import MemoryAdapter
from bot.app import Core
from knowledge.loader import BUNDLED_DIR
from knowledge.yaml_source import parse_yaml

# (label in the language menu, where is the Bürgeramt, book there, school, health insurance)
DIALOGUES = {
    "de": ("Deutsch", "Wo ist das Bürgeramt in Lütgendortmund?", "Termin dort",
           "Mein Kind ist 8, wie melde ich es in der Schule an?",
           "Wie bekomme ich eine Krankenversicherung?"),
    "ar": ("العربية", "أين Bürgeramt في Lütgendortmund؟", "احجز موعدا هناك",
           "ابني عمره ٨ سنوات، كيف أسجله في المدرسة؟", "كيف أحصل على تأمين صحي؟"),
    "uk": ("Українська", "Де Bürgeramt у Lütgendortmund?", "записатися туди",
           "Моїй дитині 8 років, як записати її до школи?", "Як отримати медичне страхування?"),
    "ro": ("Română", "Unde este Bürgeramt în Lütgendortmund?", "programare acolo",
           "Copilul meu are 8 ani, cum îl înscriu la școală?", "Cum obțin asigurare de sănătate?"),
    "bg": ("Български", "Къде е Bürgeramt в Lütgendortmund?", "запиши час там",
           "Детето ми е на 8, как да го запиша в училище?", "Как да получа здравна осигуровка?"),
}  # fmt: skip
LANGS = sorted(DIALOGUES)


def page_title(page_id: str, lang: str) -> str:
    raw, problem = parse_yaml((BUNDLED_DIR / "pages" / f"{page_id}.yaml").read_text("utf-8"))
    assert problem is None
    return str(raw["versions"][lang]["title"])


async def choose(memory: MemoryAdapter, chat: str, label: str) -> None:
    await memory.say(chat, "/language")
    await memory.say(chat, label)


@pytest.mark.parametrize("lang", LANGS)
async def test_book_there_after_the_luetgendortmund_card_gives_the_way_there(
    core: Core, memory: MemoryAdapter, lang: str
) -> None:
    label, where, book, _, _ = DIALOGUES[lang]
    chat = f"there-{lang}"
    await choose(memory, chat, label)
    card = (await memory.say(chat, where))[0]
    assert card.text.startswith("Bürgerdienste Lütgendortmund")
    assert "Limbecker Straße 31, 44388 Dortmund" in card.text
    assert card.venue is not None
    replies = await memory.say(chat, book)
    ways = replies[0]
    assert ways.lang == lang
    # The office on the card, in the user's language, with its phone and walk-in hours.
    expected = core.knowledge.texts().message(
        "booking_not_here", lang, office="Bürgerdienste Lütgendortmund (Bezirksverwaltungsstelle)"
    )
    assert ways.text.startswith(expected)
    assert "0231 50-11150" in ways.text and "08:00-12:00" in ways.text
    everything = "\n".join(r.text for r in replies)
    assert "Lanstrop" not in everything and "lokal willkommen" not in everything.split("\n")[0]
    assert not any(c.key.startswith("bk:") for r in replies for c in r.choices)


@pytest.mark.parametrize("lang", LANGS)
async def test_school_and_health_insurance_questions_are_answered(
    core: Core, memory: MemoryAdapter, lang: str
) -> None:
    label, _, _, school, health = DIALOGUES[lang]
    chat = f"topics-{lang}"
    await choose(memory, chat, label)
    for question, page_id in ((school, "school-enrolment"), (health, "health-insurance")):
        replies = await memory.say(chat, question)
        assert len(replies) == 1
        reply = replies[0]
        assert reply.lang == lang
        assert not reply.choices  # an answer, not a menu to pick from
        assert page_title(page_id, lang) in reply.text
        # Written in the user's language: no "this page is in German" notice.
        assert core.knowledge.texts().message("page_in_german", lang) not in reply.text


@pytest.mark.parametrize(
    ("label", "lang", "question"),
    [
        ("Polski", "pl", "Jak dostać ubezpieczenie zdrowotne?"),
        ("Français", "fr", "Comment obtenir une assurance maladie ?"),
    ],
)
async def test_a_page_missing_in_the_users_language_comes_in_german_and_says_so(
    core: Core, memory: MemoryAdapter, label: str, lang: str, question: str
) -> None:
    """The health insurance page has no Polish or French version: the German one, with the
    notice in the user's language that it is German. Matching a question against German text
    is less sure, so the bot may first offer the pages it found; the page is among them."""
    chat = f"fallback-{lang}"
    await choose(memory, chat, label)
    replies = await memory.say(chat, question)
    offered = [c.key for c in replies[0].choices]
    if offered:
        pick = next(i for i, key in enumerate(offered) if "/health-insurance/" in key)
        replies = await memory.say(chat, str(pick + 1))
    reply = replies[0]
    assert reply.lang == lang
    assert core.knowledge.texts().message("page_in_german", lang) in reply.text
    assert page_title("health-insurance", "de") in reply.text
    assert "Wer in Deutschland wohnt, muss krankenversichert sein." in reply.text


@pytest.mark.parametrize(
    ("label", "lang", "question"),
    [
        ("Türkçe", "tr", "Sağlık sigortası nasıl alırım?"),
        ("Русский", "ru", "Как получить медицинскую страховку?"),
    ],
)
async def test_health_insurance_in_turkish_and_russian(
    core: Core, memory: MemoryAdapter, label: str, lang: str, question: str
) -> None:
    """Before the page had these versions, the Turkish question got the doctor's page."""
    chat = f"health-{lang}"
    await choose(memory, chat, label)
    reply = (await memory.say(chat, question))[0]
    assert reply.lang == lang and not reply.choices
    assert page_title("health-insurance", lang) in reply.text


@pytest.mark.parametrize(
    ("label", "lang", "question"),
    [
        ("Українська", "uk", "Запис на прийом у Jobcenter"),
        ("Български", "bg", "Искам час в Jobcenter"),
        ("العربية", "ar", "أريد موعدا في الجوب سنتر"),
    ],
)
async def test_a_jobcenter_appointment_is_never_booked_at_a_walk_in_hour(
    core: Core, memory: MemoryAdapter, label: str, lang: str, question: str
) -> None:
    """The Jobcenter takes no bookings through Lotse: its card and the way there, not the
    Lanstrop office hour (the only office with bookable services)."""
    chat = f"jobcenter-{lang}"
    await choose(memory, chat, label)
    replies = await memory.say(chat, question)
    everything = "\n".join(r.text for r in replies)
    assert "Jobcenter Dortmund" in everything
    assert "Lanstrop" not in everything
    assert not any(c.key.startswith("bk:") for r in replies for c in r.choices)


@pytest.mark.parametrize(
    ("label", "lang", "question", "office"),
    [
        ("Українська", "uk", "Який консультаційний офіс найближчий? Я живу в 44388",
         "lokal willkommen Lütgendortmund"),
        ("العربية", "ar", "ما هو أقرب مكتب استشارة؟ أسكن في 44357",
         "lokal willkommen Mengede/Huckarde"),
    ],
)  # fmt: skip
async def test_nearest_office_by_postcode_in_ukrainian_and_arabic(
    core: Core, memory: MemoryAdapter, label: str, lang: str, question: str, office: str
) -> None:
    chat = f"nearest-{lang}"
    await choose(memory, chat, label)
    reply = (await memory.say(chat, question))[0]
    assert reply.lang == lang
    # The nearest office is the card itself, not a question back.
    assert reply.text.splitlines()[0] == office or f"\n{office}\n" in reply.text
