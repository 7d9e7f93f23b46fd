"""Whole conversations through the in-memory channel, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.app import Core, build_core
from bot.clock import FrozenClock
from bot.knowledge_store import KnowledgeStore
from bot.messages import MessageKind
from bot.settings import Settings
from bot.turn import Turn, TurnContext, Understood


async def test_german_registration_question_gets_deadline_and_place(
    core: Core, memory: MemoryAdapter
) -> None:
    greeting = await memory.say("anna", "hallo")
    assert greeting[0].lang == "de" and "Lotse" in greeting[0].text
    answer = await memory.say("anna", "wo muss ich mich anmelden")
    assert answer[0].lang == "de"
    assert "zwei Wochen" in answer[0].text
    assert "Ausländerbehörde" in answer[0].text and "Bürgerdienste" in answer[0].text


async def test_arabic_kita_question_gets_arabic_kita_answer(
    core: Core, memory: MemoryAdapter
) -> None:
    replies = await memory.say("samir", "ابني عمره ٣ سنوات وين ألاقي له مكان في الروضة")
    assert replies[0].lang == "ar"
    assert "Kita" in replies[0].text
    assert any("\u0600" <= ch <= "\u06ff" for ch in replies[0].text)


async def test_emergency_answers_112_and_110_first(core: Core, memory: MemoryAdapter) -> None:
    replies = await memory.say("olena", "мій чоловік мене б'є, допоможіть")
    first_line = replies[0].text.splitlines()[0]
    assert "112" in first_line or "110" in first_line
    assert replies[0].lang == "uk"


async def test_emergency_wins_inside_another_dialogue(core: Core, memory: MemoryAdapter) -> None:
    await memory.say("omar", "/language")
    replies = await memory.say("omar", "there is a fire in our building")
    assert "112" in replies[0].text.splitlines()[0]


async def test_language_picker_by_number_then_sticks(core: Core, memory: MemoryAdapter) -> None:
    picker = await memory.say("ivan", "/language")
    labels = [c.label for c in picker[0].choices]
    number = labels.index("Українська") + 1
    switched = await memory.say("ivan", str(number))
    assert switched[0].lang == "uk"
    answer = await memory.say("ivan", "wo ist ein Deutschkurs")
    assert answer[0].lang == "uk", "an explicit choice wins over detection"


async def test_change_language_request_names_the_language(
    core: Core, memory: MemoryAdapter
) -> None:
    replies = await memory.say("maria", "can you speak romanian please")
    assert replies[0].lang == "ro"
    later = await memory.say("maria", "kita")
    assert later[0].lang == "ro"


async def test_sticky_language_for_short_ambiguous_follow_ups(
    core: Core, memory: MemoryAdapter
) -> None:
    await memory.say("pavlo", "де можна знайти курси німецької мови")
    replies = await memory.say("pavlo", "ok")
    assert replies[0].lang == "uk"


async def test_unknown_is_honest_and_offers_a_person(core: Core, memory: MemoryAdapter) -> None:
    replies = await memory.say("lea", "wer gewinnt heute das Fußballspiel BVB gegen Schalke")
    assert "/human" in replies[0].text


async def test_ask_back_choice_answers_the_picked_topic(core: Core, memory: MemoryAdapter) -> None:
    async def ask(ctx: TurnContext, understood: Understood) -> Turn:
        ambiguous = Understood(
            intent="kita", confidence=0.4, decision="ask",
            alternatives=(("registration", 0.35),), lang=ctx.lang,
        )  # fmt: skip
        return await core.router.answer(ctx, ambiguous)

    core.router.add_handler("help", ask)
    offered = await memory.say("tom", "/help")
    assert [c.key for c in offered[0].choices][:2] == ["i:kita", "i:registration"]
    answer = await memory.say("tom", "2")
    assert "Wohnungsgeberbestätigung" in answer[0].text or "Anmeldung" in answer[0].text
    wrong = await memory.say("tom", "/help")
    assert wrong[0].choices
    out_of_range = await memory.say("tom", "9")
    assert out_of_range[0].choices == wrong[0].choices, "the same choices are offered again"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 10_000,
        "😀😀😀",
        "\u200f\u200e\u202e",
        "\x00\x01\x02\x1b[31m",
        "<script>alert(1)</script>",
        "<b>kita</b>",
        "\u202eأريد روضة\u202c",
        "?????",
    ],
)
async def test_bad_input_gets_a_kind_reply(core: Core, memory: MemoryAdapter, text: str) -> None:
    replies = await memory.say("robin", text)
    assert len(replies) >= 1
    assert all(r.text.strip() for r in replies)
    assert all("Traceback" not in r.text for r in replies)


async def test_long_message_is_cut_and_the_user_told(core: Core, memory: MemoryAdapter) -> None:
    replies = await memory.say("robin", "wo ist die kita " + "bitte " * 2000)
    assert len(replies) == 2
    assert replies[1].text


async def test_unsupported_media_gets_i_can_read_text(core: Core, memory: MemoryAdapter) -> None:
    await memory.say("rami", "مرحبا")
    replies = await memory.say("rami", kind=MessageKind.UNSUPPORTED)
    assert replies[0].lang == "ar" and replies[0].text


async def test_a_redelivered_message_is_answered_once(core: Core, memory: MemoryAdapter) -> None:
    first = await memory.say("kim", "hallo", message_id="same-id")
    again = await memory.say("kim", "hallo", message_id="same-id")
    assert first and again == []


async def test_delete_erases_the_conversation_after_confirming(
    core: Core, memory: MemoryAdapter
) -> None:
    await memory.say("yana", "/language")
    await memory.say("yana", "Polski")
    asked = await memory.say("yana", "/delete")
    assert asked[0].lang == "pl" and len(asked[0].choices) == 2
    done = await memory.say("yana", "1")
    assert done[0].lang == "pl"
    fresh = await memory.say("yana", "hello")
    assert fresh[0].lang == "en", "the language choice was forgotten"


async def test_error_boundary_apologises_in_the_users_language(
    core: Core, memory: MemoryAdapter
) -> None:
    async def broken(ctx: TurnContext, understood: Understood) -> Turn:
        raise RuntimeError("boom")

    await memory.say("ali", "سلام، من تازه از افغانستان آمده‌ام و زبان آلمانی نمی‌دانم")
    core.router.add_handler("kita", broken)
    replies = await memory.say("ali", "کودکستان برای پسرم میخواهم، کیتا")
    assert replies[0].lang == "fa"
    assert "/human" in replies[0].text
    after = await memory.say("ali", "تشکر")
    assert after[0].text, "the conversation goes on after an error"


async def test_state_survives_a_restart(
    database_url: str, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> None:
    settings = Settings(database_url=database_url)
    first = MemoryAdapter()
    core = await build_core(settings, adapters=(first,), clock=clock, knowledge=knowledge_store)
    first.bind(core.dispatcher)
    await first.say("ion", "/language")
    await first.say("ion", "Română")
    await core.close()

    second = MemoryAdapter()
    core = await build_core(settings, adapters=(second,), clock=clock, knowledge=knowledge_store)
    second.bind(core.dispatcher)
    replies = await second.say("ion", "hallo", message_id="after-restart")
    await core.close()
    assert replies[0].lang == "ro"


async def test_follow_up_keeps_the_previous_topic(core: Core, memory: MemoryAdapter) -> None:
    first = await memory.say("nina", "how do I get a place in a kita for my son")
    assert "Kita" in first[0].text
    follow = await memory.say("nina", "and for my daughter?")
    assert "Kita" in follow[0].text


def test_sqlite_database_file_is_created_where_the_url_says(tmp_path: Path) -> None:
    from bot.storage.database import normalise_url

    url = normalise_url(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert url.startswith("sqlite+aiosqlite:///") and url.endswith("x.sqlite3")
    assert normalise_url("postgresql://u@h/db").startswith("postgresql+asyncpg://")


@pytest.mark.parametrize("text", ["SOS", "sos!!", "112", "Krankenwagen bitte schnell"])
async def test_distress_words_get_112_first(core: Core, memory: MemoryAdapter, text: str) -> None:
    replies = await memory.say("zara", text)
    assert "112" in replies[0].text.splitlines()[0]


async def test_asking_for_a_person_without_staff_is_answered_honestly(
    core: Core, memory: MemoryAdapter
) -> None:
    replies = await memory.say("marta", "/human")
    assert "MigraDO" in replies[0].text and "112" in replies[0].text
    _, texts, _ = core.knowledge()
    assert replies[0].text == texts.message("human_unavailable", "de")
