"""Crises through the whole bot: the right first step first, no derailing, no false alarms."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.memory import MemoryAdapter
from bot.app import Core
from bot.expects import expected_answer
from bot.messages import Reply
from bot.safety import answers_expected
from bot.state import ConversationState
from bot.turn import Turn, TurnContext, Understood

SUICIDE = ("0800 111 0 111", "0800 111 0 222", "116 123", "112")

FIRST_STEPS = [
    ("de", "ich will nicht mehr leben, alle wären besser dran ohne mich", SUICIDE),
    ("en", "i want to kill myself", SUICIDE),
    ("uk", "я хочу покінчити з собою", SUICIDE),
    ("ru", "не хочу больше жить", SUICIDE),
    ("ar", "بدي انتحر", SUICIDE),
    ("fa", "میخوام خودمو بکشم", SUICIDE),
    ("tr", "intihar etmek istiyorum", SUICIDE),
    ("ro", "vreau sa mor", SUICIDE),
    ("bg", "искам да умра", SUICIDE),
    ("pl", "chcę umrzeć", SUICIDE),
    ("ps", "غواړم ځان ووژنم", SUICIDE),
    ("ku", "dixwazim bimirim", SUICIDE),
    ("so", "waxaan rabaa inaan is dilo", SUICIDE),
    ("ti", "ርእሰይ ክቐትል እደሊ", SUICIDE),
    ("sq", "dua te vras veten", SUICIDE),
    ("fr", "je veux me suicider", SUICIDE),
    ("en", "i cut myself again", SUICIDE),
    ("de", "mein Baby krampft und zittert am ganzen Körper", ("112",)),
    ("en", "think my flatmate overdosed, can't wake him up", ("112",)),
    ("so", "gargaar! ilmaha ma neefsan karo", ("112",)),
    ("ar", "ريحة غاز قوية بالمطبخ", ("112",)),
    ("uk", "чоловік б'є мене, я ховаюся", ("110", "116 016")),
    ("tr", "kocam beni dövüyor", ("110", "116 016")),
    ("fr", "quelqu'un me menace avec un couteau", ("110",)),
    ("de", "der Nachbar schlägt seine Kinder", ("110", "116 111")),
]


@pytest.mark.parametrize(("lang", "text", "numbers"), FIRST_STEPS)
async def test_each_crisis_kind_gets_its_first_step_first(
    core: Core, memory: MemoryAdapter, lang: str, text: str, numbers: tuple[str, ...]
) -> None:
    replies = await memory.say("user", text)
    first = replies[0]
    assert first.lang == lang
    for number in numbers:
        assert number in first.text, (text, number)
    assert any(choice.key == "i:human" for choice in first.choices), "a person is offered"


async def test_asking_for_the_number_is_answered_without_panic(
    core: Core, memory: MemoryAdapter
) -> None:
    replies = await memory.say("amel", "Quel est le numéro d'urgence ?")
    assert "112" in replies[0].text and "110" in replies[0].text
    assert "maintenant" not in replies[0].text.split(".")[0]  # information, not "call now"


@pytest.mark.parametrize(
    "text",
    [
        "polizeiliches Führungszeugnis, wo beantrage ich das",
        "I lost my passport, do I have to go to the police?",
        "DEW21 погрожує відключити газ",
        "the deadline is killing me",
        "شقة للايجار",
        "3 Januar",
    ],
)
async def test_harmless_messages_get_no_112(core: Core, memory: MemoryAdapter, text: str) -> None:
    replies = await memory.say("ben", text)
    assert all("112" not in reply.text for reply in replies), text


class DateStep:
    """A one-step dialogue that asks for a date, as the booking dialogue does."""

    name = "ask_date"

    async def resume(self, ctx: TurnContext) -> Turn | None:
        reply = Reply(text=f"noted: {ctx.text}", lang=ctx.lang)
        return Turn(replies=(reply,), state=ctx.state.cleared())


def _start(expects: str):  # type: ignore[no-untyped-def]
    async def start(ctx: TurnContext, understood: Understood) -> Turn:
        state = ctx.state.with_flow("ask_date", {"expects": expects})
        return Turn(replies=(Reply(text="which day?", lang=ctx.lang),), state=state)

    return start


async def test_a_date_after_the_bot_asked_for_one_is_a_date(
    core: Core, memory: MemoryAdapter
) -> None:
    core.router.add_flow(DateStep())
    core.router.add_handler("kita", _start("date"))
    for text in ("3 November", "3 نوفمبر", "3 грудня", "Polizei 3.11."):
        await memory.say("dana", "kita platz für meinen sohn")
        replies = await memory.say("dana", text)
        assert [r.text for r in replies] == [f"noted: {text}"]


async def test_unsure_shows_one_line_and_the_dialogue_goes_on(
    core: Core, memory: MemoryAdapter
) -> None:
    core.router.add_flow(DateStep())
    core.router.add_handler("kita", _start("free"))
    await memory.say("emil", "kita platz für meinen sohn")
    replies = await memory.say("emil", "Polizei")
    assert len(replies) == 2
    line = replies[0].text
    assert "112" in line and "110" in line and "Gefahr" in line
    assert replies[1].text == "noted: Polizei", "what was typed reaches the dialogue"
    crisis = await memory.say("emil", "ja")
    assert "112" in crisis[0].text.splitlines()[0]


async def test_no_after_the_question_is_an_ordinary_message(
    core: Core, memory: MemoryAdapter
) -> None:
    await memory.say("finn", "polizei")
    replies = await memory.say("finn", "wo muss ich mich anmelden")
    assert replies and all("112" not in reply.text for reply in replies)


async def test_a_sure_crisis_wins_inside_a_dialogue(core: Core, memory: MemoryAdapter) -> None:
    core.router.add_flow(DateStep())
    core.router.add_handler("kita", _start("date"))
    await memory.say("gina", "kita platz für meinen sohn")
    replies = await memory.say("gina", "mein mann schlägt mich")
    assert "110" in replies[0].text and "116 016" in replies[0].text


def test_expected_answer_reads_the_state_defensively() -> None:
    assert expected_answer(ConversationState()) is None
    assert expected_answer(ConversationState(flow="x", data={"expects": "date"})) == "date"
    # A step that declares no valid kind expects free text (bot/expects.py).
    assert expected_answer(ConversationState(flow="x", data={"expects": 3})) == "free"
    assert answers_expected("date", "3 November")
    assert answers_expected("postcode", "44388")
    assert not answers_expected("date", "my husband hits me")
    assert not answers_expected(None, "3 November")
    assert not answers_expected("free", "3 November")
    state = replace(ConversationState(), safety_asked=True)
    assert ConversationState.from_json(state.to_json()).safety_asked


CHILD = ("110", "116 111")

NEW_FIRST_STEPS = [
    ("en", "i cant take it anymore, i want it all to end", SUICIDE),
    ("de", "die tabletten liegen schon bereit, niemand würde mich vermissen", SUICIDE),
    ("ru", "лучше бы я не проснулся завтра", SUICIDE),
    ("ar", "هذه رسالتي الأخيرة، وداعا للجميع", SUICIDE),
    ("tr", "bu gece her şeye son vereceğim", SUICIDE),
    ("fr", "je me scarifie tous les soirs", SUICIDE),
    ("pl", "robię sobie krzywdę", SUICIDE),
    ("de", "mein Sohn ist seit Mittag verschwunden, ich finde ihn nirgends", CHILD),
    ("uk", "сусіди б'ють свою дитину", CHILD),
    ("fa", "بچه‌ام گم شده", CHILD),
    ("so", "deriskii ayaa ilmihiisa garaacaya", CHILD),
    ("sq", "fqinji e rreh femijen e tij", CHILD),
    ("en", "there is a guy with a knife outside my door", ("110",)),
    ("bg", "някой ме следи и ме заплашва", ("110",)),
]


@pytest.mark.parametrize(("lang", "text", "numbers"), NEW_FIRST_STEPS)
async def test_children_indirect_suicide_self_harm_and_threats_get_their_first_step(
    core: Core, memory: MemoryAdapter, lang: str, text: str, numbers: tuple[str, ...]
) -> None:
    replies = await memory.say("user", text)
    first = replies[0]
    for number in numbers:
        assert number in first.text, (text, number)
    assert any(choice.key == "i:human" for choice in first.choices), "a person is offered"


@pytest.mark.parametrize(
    "text",
    [
        "ich lach mich tot über diesen Brief",
        "I'm dying of boredom in this waiting room",
        "gülmekten öldüm",
        "متت من الضحك",
        "my father died last year, I need his death certificate for the job center",
        "мій батько помер минулого року, які документи потрібні",
        "پدرم پارسال فوت کرد، برای گواهی فوت چه مدارکی لازمه",
        "j'ai perdu mon titre de séjour",
        "zgubiłam kartę pobytu",
    ],
)
async def test_idioms_past_deaths_and_lost_papers_get_no_112(
    core: Core, memory: MemoryAdapter, text: str
) -> None:
    replies = await memory.say("ben", text)
    assert all("112" not in reply.text for reply in replies), text


@pytest.mark.parametrize(
    "text",
    [
        "I nearly died laughing at the bus driver",
        "ich sterbe vor Hunger, wo ist die Mensa",
        "помираю з голоду, де найближчий супермаркет",
        "умираю от скуки в этой очереди",
        "öldüm yorgunluktan, randevu ne zaman",
        "قتلني الانتظار بالمكتب",
        "از خنده مردم",
        "je suis mort de fatigue après le rendez-vous",
        "umieram z nudów w kolejce",
        "am murit de ras",
        "умирам от смях",
        "ji kenê mirim",
        "له خندا مړ شوم",
        "vdes nga te qeshurit",
        "this form is killing me",
        "mein Vater ist letztes Jahr gestorben, welche Papiere brauche ich",
        "زوجي توفي السنة الماضية، شو الأوراق المطلوبة",
        "babam geçen yıl vefat etti, hangi belgeler lazım",
        "پاسپورټ مې ورک شو",
        "baasaboorkaygii waa lumay",
    ],
)
async def test_idioms_and_past_deaths_get_no_danger_line_either(
    core: Core, memory: MemoryAdapter, text: str
) -> None:
    replies = await memory.say("ben", text)
    assert all("112" not in reply.text for reply in replies), text
