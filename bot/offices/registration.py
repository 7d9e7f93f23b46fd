"""The registration follow-up: move-in date -> last day, where to go (EU or not), a reminder."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import BERLIN
from bot.expects import expecting
from bot.messages import Choice
from bot.offices.card import address_known, address_text, day_text
from bot.offices.deadline import registration_deadline
from bot.offices.finder import OfficeFinder
from bot.router import Router
from bot.turn import Turn, TurnContext, Understood
from intents.context import looks_like_follow_up, mentions_someone
from knowledge.schema import Office

FLOW = "registration"
EU = "r:eu"
NON_EU = "r:non_eu"
REMIND = "r:remind"
NO_REMINDER = "r:no"
REMIND_DAYS_BEFORE = 2
REMIND_AT = time(9, 0)
MAX_WORDS_OF_A_DATE = 6
MAX_OFFICES_SHOWN = 3


def _office_line(office: Office) -> str:
    """The office's name with its address where the address is confirmed."""
    if address_known(office):
        return f"{office.name}, {address_text(office)}"
    return office.name


class DeadlineReminders(Protocol):
    async def remind_deadline(
        self, session: AsyncSession, *, conversation: str, lang: str, due: datetime, deadline: date
    ) -> None: ...


class RegistrationHandler:
    """The registration answer, then the deadline for the date given (or the question)."""

    def __init__(self, router: Router, flow: RegistrationFlow) -> None:
        self._router = router
        self._flow = flow

    async def __call__(self, ctx: TurnContext, understood: Understood) -> Turn:
        if ctx.state.last_intent == FLOW and self._about_the_household(ctx):
            reply = ctx.reply(ctx.msg("registration_household"))
            state = replace(ctx.state.cleared(), misses=0)
            return Turn(replies=(reply,), state=state, intent="registration")
        place, _ = self._flow.finder.place_of(ctx)
        if place is not None:  # "anmeldung 44388": kept, so "where?" is not asked later
            ctx = self._flow.finder.remember(ctx, place)
        answer = self._router.knowledge_answer(ctx, "registration")
        moved_in = self._flow.moved_in(ctx)
        ctx = replace(ctx, state=answer.state)
        if moved_in is not None:
            follow = self._flow.deadline(ctx, moved_in)
        else:
            reply = ctx.reply(ctx.msg("deadline_ask_date"))
            data = {"step": "date", **expecting("date")}
            follow = Turn(replies=(reply,), state=ctx.state.with_flow(FLOW, data))
        return replace(follow, replies=(*answer.replies, *follow.replies), intent="registration")

    @staticmethod
    def _about_the_household(ctx: TurnContext) -> bool:
        """ "And my wife?", "for my children too": the same duty, not the whole answer again."""
        return mentions_someone(ctx.text, ctx.lang) and looks_like_follow_up(ctx.text, ctx.lang)


class RegistrationFlow:
    name = FLOW

    def __init__(self, finder: OfficeFinder, reminders: DeadlineReminders | None) -> None:
        self._finder = finder
        self.reminders = reminders

    @property
    def finder(self) -> OfficeFinder:
        return self._finder

    def moved_in(self, ctx: TurnContext) -> date | None:
        """The move-in date in the message: "3.11.", "3 грудня", "gestern", "vor einer Woche"."""
        today = ctx.now.astimezone(BERLIN).date()
        reader = self._finder.reader(ctx.kb)
        return reader.read_date(ctx.text, (ctx.lang, ctx.state.lang), today, prefer="past")

    def deadline(self, ctx: TurnContext, moved_in: date) -> Turn:
        last_day = registration_deadline(moved_in)
        today = ctx.now.astimezone(BERLIN).date()
        lines = [
            ctx.msg(
                "deadline_result",
                moved=day_text(ctx.texts, ctx.lang, moved_in),
                deadline=day_text(ctx.texts, ctx.lang, last_day),
            )
        ]
        if last_day < today:
            lines.append(
                ctx.msg("deadline_passed", deadline=day_text(ctx.texts, ctx.lang, last_day))
            )
        else:
            lines.extend(self._closed_that_day(ctx, last_day))
        lines.append(ctx.msg("deadline_ask_citizenship"))
        choices = (
            Choice(key=EU, label=ctx.msg("deadline_eu")),
            Choice(key=NON_EU, label=ctx.msg("deadline_non_eu")),
        )
        data = {"step": "citizenship", "deadline": last_day.isoformat()}
        state = ctx.state.with_flow(FLOW, data | expecting("nationality"), choices=choices)
        return Turn(replies=(ctx.reply("\n\n".join(lines), choices=choices),), state=state)

    def _closed_that_day(self, ctx: TurnContext, last_day: date) -> list[str]:
        """A last day on a weekend or NRW public holiday: say so, and name the last working
        day before it (the offices are closed then; the law's own day does not move here)."""
        calendar = self._finder.calendar
        holiday = calendar.holiday_name(last_day)
        if holiday is None and last_day.weekday() < 5:
            return []
        workday = last_day - timedelta(days=1)
        while workday.weekday() >= 5 or calendar.holiday_name(workday) is not None:
            workday -= timedelta(days=1)
        shown = day_text(ctx.texts, ctx.lang, workday)
        if holiday is not None:
            return [ctx.msg("deadline_holiday", holiday=holiday, workday=shown)]
        return [ctx.msg("deadline_weekend", workday=shown)]

    async def resume(self, ctx: TurnContext) -> Turn | None:
        data = ctx.state.data
        step = data.get("step")
        key = ctx.choice.key if ctx.choice is not None else ""
        if step == "date":
            moved_in = self.moved_in(ctx)
            if moved_in is not None:
                return self.deadline(ctx, moved_in)
            has_digit = any(ch.isdigit() for ch in ctx.text)
            if not has_digit or len(ctx.text.split()) > MAX_WORDS_OF_A_DATE:
                return None  # not an attempt at a date: the router takes it as a new message
            return Turn(replies=(ctx.reply(ctx.msg("deadline_bad_date")),), state=ctx.state)
        if step == "citizenship" and key in (EU, NON_EU):
            return self._where(ctx, key[2:])
        if step == "citizenship" and not key:
            # "no, I'm Syrian", "ні я з україни", "Romania": the answer, typed.
            langs = (ctx.lang, ctx.state.lang)
            eu = self._finder.reader(ctx.kb).citizenship(ctx.text, langs)
            if eu is not None:
                return self._where(ctx, "eu" if eu else "non_eu")
        if step == "place":
            place, problem = self._finder.place_of(ctx)
            if place is not None:
                ctx = self._finder.remember(ctx, place)
                return self._where(ctx, str(data["citizenship"]))
            if problem is None:
                return None
            return self._finder.ask_place(ctx, flow=FLOW, data=data, key=problem)
        if step == "reminder" and key in (REMIND, NO_REMINDER):
            return await self._remind(ctx, key == REMIND)
        if step == "reminder" and not key:
            wanted = self._finder.reader(ctx.kb).yes_no(ctx.text, (ctx.lang, ctx.state.lang))
            if wanted is not None:
                return await self._remind(ctx, wanted)
        return None

    def _where(self, ctx: TurnContext, citizenship: str) -> Turn:
        data = {**ctx.state.data, "citizenship": citizenship}
        place = self._finder.known_place(ctx)
        if place is None:
            return self._finder.ask_place(ctx, flow=FLOW, data=data, key="office_ask_city")
        directory = self._finder.directory(ctx.kb)
        offices = directory.registration_offices(place.city, citizenship, place)
        if offices:
            ctx = replace(ctx, state=replace(ctx.state, office=offices[0].id))
        lines = [
            ctx.msg("where_to_go", office=_office_line(o)) for o in offices[:MAX_OFFICES_SHOWN]
        ]
        lines.append(ctx.msg("deadline_bring"))
        choices: tuple[Choice, ...] = ()
        if self.reminders is not None:
            lines.append(ctx.msg("deadline_offer_reminder"))
            choices = (
                Choice(key=REMIND, label=ctx.msg("yes")),
                Choice(key=NO_REMINDER, label=ctx.msg("no")),
            )
        state = (
            ctx.state.with_flow(
                FLOW, {**data, "step": "reminder", **expecting("yes_no")}, choices=choices
            )
            if choices
            else ctx.state.cleared()
        )
        return Turn(replies=(ctx.reply("\n".join(lines), choices=choices),), state=state)

    async def _remind(self, ctx: TurnContext, wanted: bool) -> Turn:
        if not wanted or self.reminders is None:
            return Turn(replies=(ctx.reply(ctx.msg("flow_cancelled")),), state=ctx.state.cleared())
        last_day = date.fromisoformat(str(ctx.state.data["deadline"]))
        due = datetime.combine(last_day - timedelta(days=REMIND_DAYS_BEFORE), REMIND_AT, BERLIN)
        if due <= ctx.now:
            due = ctx.now
        await self.reminders.remind_deadline(
            ctx.session,
            conversation=ctx.message.conversation.key,
            lang=ctx.lang,
            due=due,
            deadline=last_day,
        )
        text = ctx.msg("deadline_reminder_set", when=day_text(ctx.texts, ctx.lang, due.date()))
        return Turn(replies=(ctx.reply(text),), state=ctx.state.cleared())
