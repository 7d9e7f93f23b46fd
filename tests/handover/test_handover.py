"""Handover on in-memory channels: open, claim, reply, close; authorisation; the bot steps back."""

from __future__ import annotations

from sqlalchemy import select

from bot.handover.models import CaseRow, CaseStatus
from bot.messages import MessageKind
from tests.handover.conftest import ANA, JONAS, ROOM, STRANGER, Handover

USER = "4711"
OTHER_USER = "4712"


async def test_a_user_asks_for_a_person_and_staff_answer_then_hand_back(
    handover: Handover,
) -> None:
    replies = await handover.users.say(USER, "/human", lang_hint="en")
    assert len(replies) == 1
    assert "passing your chat to a person" in replies[0].text
    assert "The team is at work now" in replies[0].text
    assert "112" in replies[0].text

    card = handover.room_texts()[-1]
    case_id = handover.last_case_id()
    assert "language: en" in card
    assert USER not in card, "the user's chat id never appears on the card"
    assert "Ana" not in card.split("suited")[0]
    case = await handover.case(case_id)
    assert case is not None and case.status == CaseStatus.OPEN.value

    # The bot no longer answers: the message goes to staff, the user hears "passed on" once.
    assert await handover.users.say(USER, "I lost my residence permit, what now?") == []
    assert handover.room_texts()[-1] == f"[{case_id}] I lost my residence permit, what now?"
    assert await handover.users.say(USER, "hello?") == []

    await handover.staff_says(ANA, f"!claim {case_id.lower()}")
    assert handover.user_texts(USER)[-1] == "Ana from the advice office is now answering you here."
    assert handover.room_texts()[-1].startswith(f"{case_id}: übernommen von / claimed by Ana")

    before = len(handover.room_texts())
    await handover.staff_says(
        ANA, f"!reply {case_id} Please come to MigraDO tomorrow.\nBring your passport."
    )
    assert (
        handover.user_texts(USER)[-1]
        == "Ana: Please come to MigraDO tomorrow.\nBring your passport."
    )
    assert len(handover.room_texts()) == before, "a reply is not echoed in the room"

    assert await handover.users.say(USER, "Thank you, at what time?") == []
    assert handover.room_texts()[-1] == f"[{case_id} → Ana] Thank you, at what time?"
    await handover.staff_says(ANA, "!reply From 9 o'clock.")  # her only case: no id needed
    assert handover.user_texts(USER)[-1] == "Ana: From 9 o'clock."
    assert await handover.transcript_size() == 5

    await handover.staff_says(ANA, f"!close {case_id}")
    closing = handover.users.replies_to(USER)[-1]
    assert "the bot, am answering again" in closing.text
    assert [c.label for c in closing.choices] == ["Yes, thank you", "I still need help"]
    assert "the bot is back" in handover.room_texts()[-1]
    assert await handover.transcript_size() == 0, "the transcript goes with the case"
    case = await handover.case(case_id)
    assert case is not None and case.status == CaseStatus.CLOSED.value
    assert case.conversation_key is None

    glad = await handover.users.say(USER, "1")
    assert glad[0].text.startswith("I am glad")
    answer = await handover.users.say(USER, "Where can I learn German?")
    assert answer and answer[0].feedback, "the bot answers again"


async def test_someone_not_on_the_roster_cannot_claim_reply_or_close(
    handover: Handover,
) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    case_id = handover.last_case_id()
    users_before = len(handover.users.sent)
    room_before = len(handover.room_texts())

    for command in (f"!claim {case_id}", f"!reply {case_id} hi", f"!close {case_id}", "!cases"):
        assert await handover.staff_says(STRANGER, command) == []

    assert len(handover.users.sent) == users_before
    assert len(handover.room_texts()) == room_before
    case = await handover.case(case_id)
    assert case is not None and case.status == CaseStatus.OPEN.value and case.claimed_by is None


async def test_staff_chatter_is_never_answered_by_the_bot(handover: Handover) -> None:
    assert await handover.staff_says(ANA, "Hallo zusammen, wer macht heute Telefondienst?") == []
    assert await handover.staff_says(STRANGER, "/human") == []
    assert handover.room_texts() == []


async def test_a_user_cannot_reach_another_users_case(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    case_id = handover.last_case_id()
    await handover.staff_says(ANA, f"!claim {case_id}")
    # The other user types the case's commands: they are ordinary words for the bot.
    replies = await handover.users.say(OTHER_USER, f"!reply {case_id} hello", lang_hint="en")
    assert replies, "the bot answers the other user itself"
    await handover.users.say(OTHER_USER, f"!close {case_id}")
    case = await handover.case(case_id)
    assert case is not None and case.status == CaseStatus.CLAIMED.value
    assert all("hello" not in t for t in handover.user_texts(USER))


async def test_a_claimed_case_belongs_to_its_claimer(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    case_id = handover.last_case_id()
    await handover.staff_says(ANA, f"!claim {case_id}")
    [answer] = await handover.staff_says(JONAS, f"!claim {case_id}")
    assert "is with Ana" in answer.text
    [answer] = await handover.staff_says(JONAS, f"!reply {case_id} hi")
    assert "is with Ana" in answer.text
    [answer] = await handover.staff_says(JONAS, f"!close {case_id}")
    assert "is with Ana" in answer.text

    [answer] = await handover.staff_says(JONAS, f"!takeover {case_id}")
    assert "claimed by Jonas (vorher / before: Ana)" in answer.text
    assert handover.user_texts(USER)[-1].startswith("Jonas from the advice office")
    await handover.staff_says(JONAS, f"!close {case_id}")
    case = await handover.case(case_id)
    assert case is not None and case.status == CaseStatus.CLOSED.value


async def test_staff_can_take_over_any_conversation(handover: Handover) -> None:
    await handover.users.say(USER, "Wo kann ich Deutsch lernen?")
    [answer] = await handover.staff_says(ANA, f"!takeover telegram:{USER}")
    case_id = handover.last_case_id()
    assert "language: de" in answer.text and "claimed by Ana" in answer.text
    assert "language_course" in answer.text, "the topic the bot answered is on the card"
    assert handover.user_texts(USER)[-1].startswith("Ana aus der Beratungsstelle")
    assert await handover.users.say(USER, "Danke, und die Kosten?") == []
    assert handover.room_texts()[-1] == f"[{case_id} → Ana] Danke, und die Kosten?"
    [refused] = await handover.staff_says(ANA, f"!takeover matrix:{ROOM}")
    assert "no open case" in refused.text


async def test_commands_about_unknown_cases_say_so(handover: Handover) -> None:
    [answer] = await handover.staff_says(ANA, "!claim ZZZZ")
    assert answer.text == "Kein offener Fall ZZZZ / no open case ZZZZ."
    [answer] = await handover.staff_says(ANA, "!reply nothing to reply to")
    assert "which case?" in answer.text
    [answer] = await handover.staff_says(ANA, "!help")
    assert "!claim" in answer.text
    [answer] = await handover.staff_says(ANA, "!cases")
    assert "no open cases" in answer.text


async def test_two_misses_in_a_row_hand_over(handover: Handover) -> None:
    await handover.users.say(USER, "wie wird das wetter morgen")
    assert handover.room_texts() == []
    replies = await handover.users.say(USER, "erzähl einen witz")
    assert "Person aus einer Beratungsstelle" in replies[0].text
    card = handover.room_texts()[-1]
    assert "Bot hat 2x nicht verstanden" in card
    assert "Nutzer/user: erzähl einen witz" in card


async def test_a_thumbs_down_hands_over_and_a_thumbs_up_thanks(handover: Handover) -> None:
    await handover.users.say(USER, "Wo kann ich Deutsch lernen?")
    thanks = await handover.users.say(USER, "+1", kind=MessageKind.FEEDBACK)
    assert thanks and handover.room_texts() == []
    await handover.users.say(USER, "-1", kind=MessageKind.FEEDBACK)
    card = handover.room_texts()[-1]
    assert "👎 on language_course" in card and "topic: language_course" in card


async def test_an_emergency_is_still_answered_with_112_and_passed_on(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="de")
    case_id = handover.last_case_id()
    await handover.staff_says(ANA, f"!claim {case_id}")
    replies = await handover.users.say(USER, "Hilfe, mein Mann schlägt mich, Polizei!")
    assert len(replies) == 1 and "110" in replies[0].text
    assert handover.room_texts()[-1].startswith(f"[{case_id} → Ana] ⚠ NOTFALL / EMERGENCY")


async def test_delete_during_a_case_erases_it_and_tells_staff(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    case_id = handover.last_case_id()
    await handover.users.say(USER, "my name is Olena, my phone is 0151 0000")
    await handover.users.say(USER, "/delete")
    await handover.users.say(USER, "1")
    assert await handover.case(case_id) is None
    assert await handover.transcript_size() == 0
    assert "user deleted their data" in handover.room_texts()[-1]


async def test_pictures_are_not_passed_on_and_the_user_is_told(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    replies = await handover.users.say(USER, kind=MessageKind.UNSUPPORTED)
    assert replies[0].text == "I can only pass on text. Please write your message in words."


async def test_one_active_case_per_conversation(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    await handover.users.say(USER, "/human")
    async with handover.core.database.unit_of_work() as session:
        cases = (await session.execute(select(CaseRow))).scalars().all()
    assert len(cases) == 1


async def test_telegram_style_commands_work_in_a_staff_group(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    case_id = handover.last_case_id()
    await handover.staff_says(ANA, f"/claim@lotse_bot {case_id}")
    assert handover.user_texts(USER)[-1].startswith("Ana from the advice office")


async def test_asking_again_after_closing_opens_a_new_case(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    first = handover.last_case_id()
    await handover.staff_says(ANA, f"!close {first}")
    await handover.users.say(USER, "2")
    second = handover.last_case_id()
    assert second != first
    assert "asked again after closing" in handover.room_texts()[-1]
    assert "Nutzer/user: 2" not in handover.room_texts()[-1]


async def test_a_reply_may_start_on_the_next_line(handover: Handover) -> None:
    await handover.users.say(USER, "/human", lang_hint="en")
    case_id = handover.last_case_id()
    await handover.staff_says(ANA, f"!reply {case_id}\nPlease bring:\n- passport\n- rent contract")
    assert handover.user_texts(USER)[-1] == "Ana: Please bring:\n- passport\n- rent contract"
