"""One conversation per language: the bot understands and answers in each of the sixteen."""

from __future__ import annotations

import pytest

from adapters.memory import MemoryAdapter
from bot.app import Core

# (language, a question about a topic, the topic) — written for this test, not taken from the
# knowledge base's examples or the development set.
# fmt: off
CONVERSATIONS: list[tuple[str, str, str]] = [
    ("de", "Ich suche einen Deutschkurs für Anfänger, wo kann ich mich melden?", "language_course"),  # noqa: E501
    ("en", "we moved into our new flat last week, do we have to register somewhere", "registration"),  # noqa: E501
    ("uk", "у нас прийшов лист від постачальника світла, як укласти договір на електрику", "energy_contract"),  # noqa: E501
    ("ru", "моей дочке 2 года, как получить место в детском саду", "kita"),
    ("ar", "انتقلنا إلى شقة جديدة، أين يجب أن نسجل العنوان", "registration"),
    ("fa", "می‌خواهم زبان آلمانی یاد بگیرم، کورس کجا است", "language_course"),
    ("tr", "çocuğum için kreş yeri nasıl bulurum, 3 yaşında", "kita"),
    ("ro", "cum fac contract de curent electric pentru apartament", "energy_contract"),
    ("bg", "къде да се регистрирам след като се преместих в Дортмунд", "registration"),
    ("pl", "szukam kursu języka niemieckiego, gdzie mogę się zapisać", "language_course"),
    ("ps", "زما زوی درې کلن دی، د ماشومانو وړکتون ته څنګه ولاړ شي", "kita"),
    ("ku", "ez dixwazim fêrî zimanê almanî bibim, kursa almanî li ku ye", "language_course"),
    ("so", "sideen isku diiwaangeliyaa ciwaanka cusub ee gurigayga", "registration"),
    ("ti", "ንቋንቋ ጀርመን ክመሃር እደሊ ኣለኹ፡ ኮርስ ኣበይ ኣሎ", "language_course"),
    ("sq", "ku duhet të regjistrohem pasi u transferova në banesë të re", "registration"),
    ("fr", "mon fils a deux ans, comment trouver une place en crèche", "kita"),
]
# fmt: on


@pytest.mark.parametrize(
    ("lang", "question", "topic"), CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS]
)
async def test_conversation_in_each_language(
    core: Core, memory: MemoryAdapter, lang: str, question: str, topic: str
) -> None:
    chat = f"user-{lang}"
    answer = await memory.say(chat, question)
    _, texts, _ = core.knowledge()
    expected = texts.reply(topic, lang).text
    assert answer[0].lang == lang
    assert answer[0].text == expected
    thanks = await memory.say(chat, "👍")
    assert thanks[0].lang == lang, "the conversation's language sticks for a reply with no words"
