"""The booking dialogue: office, slot, confirm; my appointments, cancel, move; waiting list."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime

from rapidfuzz import fuzz

from bot.booking.calendar_file import appointment_ics
from bot.booking.models import BookingRow
from bot.booking.offers import FLOW, PASS, TAKE, offer_freed
from bot.booking.service import BookingLimitError, BookingService, Freed, HoldExpiredError
from bot.booking.ways import named_offices, takes_bookings, ways_reply
from bot.clock import BERLIN
from bot.errors import BookingError, SlotTakenError
from bot.expects import expecting
from bot.messages import Choice, Outgoing, Reply
from bot.offices.card import address_text, day_text, venue, when_text
from bot.offices.directory import Bookable
from bot.offices.finder import OfficeFinder
from bot.ports import StaffNotifier
from bot.slots import TimeWish
from bot.turn import Turn, TurnContext, Understood
from intents.normalise import normalise
from knowledge.loader import KnowledgeBase
from knowledge.schema import Office

SERVICE = "bk:s:"
SLOT = "bk:t:"
MORE = "bk:more"
WAIT = "bk:wait"
CONFIRM = "bk:yes"
OTHER = "bk:other"
MINE = "bk:mine"
PICK = "bk:b:"
CANCEL = "bk:cancel:"
MOVE = "bk:move:"
SLOTS_PER_PAGE = 6
NEW_QUESTION_WORDS = 5
"""A message this long in the middle of the dialogue is a new question, not a wrong answer."""
_NUMBER = re.compile(r"^\s*\d+\s*[.)]?\s*$")
MY_LIST_SCORE = 85.0
_OWN_DIALOGUE = frozenset({"book_appointment", "unknown", "greeting", "thanks", "help"})
"""Intents that a message inside the booking dialogue may look like without leaving it."""


class BookingFlow:
    """Every step answers with numbered choices; "0" or "stop" leaves (the router does that)."""

    name = FLOW

    def __init__(
        self, finder: OfficeFinder, service: BookingService, staff: StaffNotifier
    ) -> None:
        self._finder = finder
        self._service = service
        self._staff = staff

    # -- entry points ---------------------------------------------------------------------

    def takes_bookings(self, kb: KnowledgeBase, office_id: str) -> bool:
        office = self._finder.directory(kb).get(office_id)
        return office is not None and takes_bookings(office, self._staff)

    async def start(self, ctx: TurnContext, understood: Understood) -> Turn:
        """book_appointment: the bookable offices near the user, or straight to the slots.
        An office the message names is the only one offered; one that does not book gets
        the way to an appointment there, never a slot somewhere else."""
        directory = self._finder.directory(ctx.kb)
        place, _ = self._finder.place_of(ctx)
        place = place or self._finder.known_place(ctx)
        if place is not None:
            ctx = self._finder.remember(ctx, place)
        named = named_offices(directory, ctx.text) if ctx.text else []
        if named:
            ranked = directory.nearest(place, limit=len(directory.offices))
            named = sorted(named, key=lambda o: ranked.index(o) if o in ranked else len(ranked))
        bookables = [
            b
            for b in directory.bookable(place)
            if (place is None or b.office.city == place.city)
            and takes_bookings(b.office, self._staff)
            and (not named or b.office in named)
        ]
        if not bookables and named:
            return self._ways(ctx, named[0], others=[o.id for o in named[1:4]])
        if not bookables:
            if place is None:
                return self._finder.ask_place(ctx, flow=FLOW, data={}, key="office_ask_city")
            nearest = directory.nearest(place, lang=ctx.lang)
            if not nearest:
                return self._finder.ask_place(ctx, flow=FLOW, data={}, key="office_ask_city")
            return self._ways(ctx, nearest[0], others=[o.id for o in nearest[1:]])
        if len(bookables) == 1:
            return await self._slots(ctx, bookables[0], intro="")
        choices = (
            *(
                Choice(key=f"{SERVICE}{b.office.id}|{b.service.id}", label=_label(ctx, b))
                for b in bookables[:8]
            ),
            Choice(key=MINE, label=ctx.msg("booking_my_list")),
        )
        reply = ctx.reply(ctx.msg("booking_choose_office"), choices=choices)
        return Turn(
            replies=(reply,),
            state=ctx.state.with_flow(
                FLOW, {"step": "office", **expecting("choice")}, choices=choices
            ),
            intent="book_appointment",
        )

    async def start_at(self, ctx: TurnContext, office_id: str) -> Turn:
        """Booking at one office ("book there"): its slots, or the way to an appointment
        there when it does not book through Lotse; never another office's slots."""
        directory = self._finder.directory(ctx.kb)
        office = directory.get(office_id)
        if office is None:
            return await self.start(ctx, _sure())
        bookables = [b for b in directory.bookable(None) if b.office.id == office_id]
        if not bookables or not takes_bookings(office, self._staff):
            return self._ways(ctx, office, others=[])
        return await self._slots(ctx, bookables[0], intro="")

    def _ways(self, ctx: TurnContext, office: Office, *, others: list[str]) -> Turn:
        """How to get an appointment at ``office`` first, then its card (map, other offices
        as choices), so the conversation remembers the office just shown."""
        ways = ways_reply(ctx.texts, ctx.lang, office)
        shown = self._finder.show_office(ctx, office.id, others=others, flow="offices")
        ways = replace(ways, venue=None)
        return replace(shown, replies=(ways, *shown.replies), intent="book_appointment")

    async def _over_limit(self, ctx: TurnContext, bookable: Bookable) -> Turn | None:
        """The one-booking rule: the existing appointment instead of new slots."""
        if ctx.state.data.get("replaces") is not None:
            return None  # moving an appointment keeps the count
        mine = await self._service.open_at(
            ctx.session, ctx.message.conversation.key, bookable.office.id, ctx.now
        )
        if len(mine) < bookable.office.booking.max_open_per_person:
            return None
        return self._limit_reply(ctx, bookable, mine[0])

    def _limit_reply(self, ctx: TurnContext, bookable: Bookable, row: BookingRow) -> Turn:
        text = ctx.msg(
            "booking_limit",
            office=bookable.office.name,
            when=when_text(ctx.texts, ctx.lang, row.slot_start),
        )
        choices = (
            Choice(key=f"{MOVE}{row.id}", label=ctx.msg("booking_move")),
            Choice(key=f"{CANCEL}{row.id}", label=ctx.msg("booking_cancel")),
        )
        state = ctx.state.with_flow(FLOW, {"step": "manage"}, choices=choices)
        return Turn(
            replies=(ctx.reply(text, choices=choices),), state=state, intent="book_appointment"
        )

    async def mine(self, ctx: TurnContext, understood: Understood) -> Turn:
        """cancel_appointment and "my appointments": the list, each one a choice."""
        rows = await self._service.mine(ctx.session, ctx.message.conversation.key, ctx.now)
        if not rows:
            return Turn(
                replies=(ctx.reply(ctx.msg("booking_mine_none")),),
                state=ctx.state.cleared(),
                intent="cancel_appointment",
            )
        choices = tuple(Choice(key=f"{PICK}{r.id}", label=self._label_of(ctx, r)) for r in rows)
        reply = ctx.reply(ctx.msg("booking_mine"), choices=choices)
        state = ctx.state.with_flow(FLOW, {"step": "mine", **expecting("choice")}, choices=choices)
        return Turn(replies=(reply,), state=state, intent="cancel_appointment")

    # -- the steps ------------------------------------------------------------------------

    async def resume(self, ctx: TurnContext) -> Turn | None:
        data = ctx.state.data
        key = ctx.choice.key if ctx.choice is not None else ""
        step = data.get("step")
        if key == MINE or (not key and _asks_for_own_list(ctx)):
            return await self.mine(ctx, _sure())
        if key.startswith((TAKE, PASS)):
            return await self._offer_answer(ctx, key)
        if step == "place":
            place, problem = self._finder.place_of(ctx)
            if place is not None:
                return await self.start(self._finder.remember(ctx, place), _sure())
            if problem is None:
                return None
            return self._finder.ask_place(ctx, flow=FLOW, data={}, key=problem)
        if key.startswith(SERVICE):
            office_id, _, service_id = key[len(SERVICE) :].partition("|")
            bookable = self._finder.directory(ctx.kb).service(office_id, service_id)
            return await self._slots(ctx, bookable, intro="") if bookable else None
        if key.startswith(PICK):
            return self._manage(ctx, int(key[len(PICK) :]))
        if key.startswith(CANCEL):
            return await self._cancel(ctx, int(key[len(CANCEL) :]))
        if key.startswith(MOVE):
            return await self._move(ctx, int(key[len(MOVE) :]))
        bookable = self._bookable(ctx)
        if step == "slot" and bookable is not None:
            return await self._slot_step(ctx, bookable, key)
        if step == "confirm" and bookable is not None:
            if not key:
                said = self._finder.reader(ctx.kb).yes_no(ctx.text, (ctx.lang, ctx.state.lang))
                key = {True: CONFIRM, False: OTHER, None: ""}[said]
            if key == CONFIRM:
                return await self._confirm(ctx, bookable, int(data["hold"]))
            if key == OTHER:
                return await self._slots(ctx, bookable, intro="")
        if step in ("done", None):
            return None  # the dialogue is over: anything else is a new question
        return self._not_understood(ctx)

    async def _slot_step(self, ctx: TurnContext, bookable: Bookable, key: str) -> Turn | None:
        if key.startswith(SLOT):
            start = datetime.fromisoformat(key[len(SLOT) :])
            return await self._hold(ctx, bookable, start)
        if key == MORE:
            after = datetime.fromisoformat(str(ctx.state.data["last"]))
            return await self._slots(ctx, bookable, intro="", after=after)
        if key == WAIT:
            await self._service.wait(
                ctx.session,
                conversation=ctx.message.conversation.key,
                lang=ctx.lang,
                bookable=bookable,
                now=ctx.now,
            )
            return Turn(
                replies=(ctx.reply(ctx.msg("booking_waitlisted")),), state=ctx.state.cleared()
            )
        today = ctx.now.astimezone(BERLIN).date()
        reader = self._finder.reader(ctx.kb)
        langs = (ctx.lang, ctx.state.lang)
        day = reader.read_date(ctx.text, langs, today, prefer="future") if ctx.text else None
        wish = reader.read_time(ctx.text, langs) if ctx.text else None
        if day is not None and day < today:
            return self._again(ctx, ctx.msg("booking_date_past"))
        if day is not None or wish is not None:
            return await self._slots(ctx, bookable, intro="", day=day, wish=wish)
        return self._not_understood(ctx)

    async def _slots(
        self,
        ctx: TurnContext,
        bookable: Bookable,
        *,
        intro: str,
        day: date | None = None,
        after: datetime | None = None,
        wish: TimeWish | None = None,
    ) -> Turn:
        over = await self._over_limit(ctx, bookable)
        if over is not None:
            return over
        free = await self._service.free_slots(ctx.session, bookable, ctx.now, first_day=day)
        if after is not None:
            free = [s for s in free if s > after]
        lines = [intro] if intro else []
        if day is not None and not any(s.astimezone(BERLIN).date() == day for s in free):
            lines.append(ctx.msg("booking_date_no_slots", date=day_text(ctx.texts, ctx.lang, day)))
        elif wish is not None:
            # Slots at the wished time of day first ("tomorrow morning", "at 10"), then the rest.
            fitting = [s for s in free if wish.contains(s.astimezone(BERLIN).time())]
            free = fitting + [s for s in free if s not in fitting]
        data = {
            "step": "slot",
            "office": bookable.office.id,
            "service": bookable.service.id,
            **expecting("date"),
        }
        data |= {k: v for k, v in ctx.state.data.items() if k in ("replaces", "topic")}
        last = ctx.kb.intents.get(ctx.state.last_intent or "")
        if "topic" not in data and last is not None and last.kind == "topic":
            data["topic"] = last.id
        if not free:
            lines.append(ctx.msg("booking_no_slots", office=bookable.office.name))
            choices: tuple[Choice, ...] = (
                Choice(key=WAIT, label=ctx.msg("booking_join_waitlist")),
            )
        else:
            page = free[:SLOTS_PER_PAGE]
            data["last"] = page[-1].isoformat()
            lines.append(ctx.msg("booking_choose_slot", office=bookable.office.name,
                                 service=_service_name(ctx, bookable)))  # fmt: skip
            choices = tuple(
                Choice(key=f"{SLOT}{s.isoformat()}", label=when_text(ctx.texts, ctx.lang, s))
                for s in page
            )
            if len(free) > SLOTS_PER_PAGE:
                choices += (Choice(key=MORE, label=ctx.msg("booking_more")),)
        reply = ctx.reply("\n\n".join(lines), choices=choices)
        state = ctx.state.with_flow(FLOW, data, choices=choices)
        return Turn(replies=(reply,), state=state, intent="book_appointment")

    async def _hold(self, ctx: TurnContext, bookable: Bookable, start: datetime) -> Turn:
        replaces = ctx.state.data.get("replaces")
        try:
            row = await self._service.hold(
                ctx.session,
                conversation=ctx.message.conversation.key,
                lang=ctx.lang,
                bookable=bookable,
                start=start,
                now=ctx.now,
                replaces_id=int(replaces) if replaces is not None else None,
            )
        except BookingLimitError as exc:
            return self._limit_reply(ctx, bookable, exc.existing)
        except SlotTakenError:
            return await self._slots(ctx, bookable, intro=ctx.msg("booking_slot_taken"))
        except BookingError:
            return await self._slots(ctx, bookable, intro=ctx.msg("booking_slot_gone"))
        choices = (
            Choice(key=CONFIRM, label=ctx.msg("booking_confirm")),
            Choice(key=OTHER, label=ctx.msg("booking_other_time")),
        )
        text = ctx.msg(
            "booking_held",
            office=bookable.office.name,
            when=when_text(ctx.texts, ctx.lang, start),
            minutes=(row.hold_expires_at - ctx.now).seconds // 60 if row.hold_expires_at else 0,
        )
        data = {**ctx.state.data, "step": "confirm", "hold": row.id, **expecting("yes_no")}
        state = ctx.state.with_flow(FLOW, data, choices=choices)
        return Turn(replies=(ctx.reply(text, choices=choices),), state=state)

    async def _confirm(self, ctx: TurnContext, bookable: Bookable, hold_id: int) -> Turn:
        conversation = ctx.message.conversation.key
        try:
            row, freed = await self._service.confirm(ctx.session, hold_id, conversation, ctx.now)
        except HoldExpiredError:
            return await self._slots(ctx, bookable, intro=ctx.msg("booking_hold_expired"))
        when = when_text(ctx.texts, ctx.lang, row.slot_start)
        key = "booking_moved" if freed else "booking_confirmed"
        text = ctx.msg(
            key, office=bookable.office.name, when=when, address=address_text(bookable.office)
        )
        document = appointment_ics(
            uid=f"booking-{row.id}@lotse",
            start=row.slot_start,
            end=row.slot_end,
            summary=f"{_service_name(ctx, bookable)}: {bookable.office.name}",
            location=address_text(bookable.office),
            stamp=ctx.now,
        )
        choices = (Choice(key=MINE, label=ctx.msg("booking_my_list")),)
        reply = Reply(
            text=text,
            choices=choices,
            venue=venue(bookable.office),
            document=document,
            lang=ctx.lang,
        )
        outgoing = await self._pass_on(ctx, freed)
        notices = [self._notice(ctx, "booking_staff_booked", row)] + [
            self._notice(ctx, "booking_staff_cancelled", f) for f in freed
        ]
        return Turn(
            replies=(reply,),
            state=replace(ctx.state, office=bookable.office.id).with_flow(
                FLOW, {"step": "done", **expecting("choice")}, choices=choices
            ),
            outgoing=outgoing,
            after_commit=tuple(notices),
            intent="book_appointment",
        )

    def _manage(self, ctx: TurnContext, booking_id: int) -> Turn:
        choices = (
            Choice(key=f"{CANCEL}{booking_id}", label=ctx.msg("booking_cancel")),
            Choice(key=f"{MOVE}{booking_id}", label=ctx.msg("booking_move")),
        )
        data = {"step": "manage", **expecting("choice")}
        state = ctx.state.with_flow(FLOW, data, choices=choices)
        return Turn(
            replies=(ctx.reply(ctx.msg("booking_what_now"), choices=choices),), state=state
        )

    async def _cancel(self, ctx: TurnContext, booking_id: int) -> Turn:
        try:
            row, freed = await self._service.cancel(
                ctx.session, booking_id, ctx.message.conversation.key
            )
        except BookingError:
            return await self.mine(ctx, _sure())
        text = ctx.msg("booking_cancelled", when=when_text(ctx.texts, ctx.lang, row.slot_start))
        return Turn(
            replies=(ctx.reply(text),),
            state=ctx.state.cleared(),
            outgoing=await self._pass_on(ctx, [freed]),
            after_commit=(self._notice(ctx, "booking_staff_cancelled", freed),),
            intent="cancel_appointment",
        )

    async def _move(self, ctx: TurnContext, booking_id: int) -> Turn:
        row = await self._service.get(ctx.session, booking_id)
        key = ctx.message.conversation.key
        bookable = (
            self._finder.directory(ctx.kb).service(row.office_id, row.service_id)
            if row is not None and row.conversation == key
            else None
        )
        if bookable is None:
            return await self.mine(ctx, _sure())
        ctx = replace(ctx, state=ctx.state.with_flow(FLOW, {"replaces": booking_id}))
        return await self._slots(ctx, bookable, intro="")

    async def _offer_answer(self, ctx: TurnContext, key: str) -> Turn:
        hold_id = int(key.rsplit(":", 1)[1])
        row = await self._service.get(ctx.session, hold_id)
        bookable = (
            self._finder.directory(ctx.kb).service(row.office_id, row.service_id) if row else None
        )
        if row is None or bookable is None:
            return Turn(
                replies=(ctx.reply(ctx.msg("booking_offer_gone")),), state=ctx.state.cleared()
            )
        if key.startswith(TAKE):
            return await self._confirm(ctx, bookable, hold_id)
        freed = await self._service.release(ctx.session, hold_id, ctx.message.conversation.key)
        return Turn(
            replies=(ctx.reply(ctx.msg("booking_offer_declined")),),
            state=ctx.state.cleared(),
            outgoing=await self._pass_on(ctx, [freed]),
        )

    # -- small pieces ---------------------------------------------------------------------

    def _bookable(self, ctx: TurnContext) -> Bookable | None:
        office, service = ctx.state.data.get("office"), ctx.state.data.get("service")
        if not office or not service:
            return None
        return self._finder.directory(ctx.kb).service(str(office), str(service))

    def _not_understood(self, ctx: TurnContext) -> Turn | None:
        """Wrong input keeps the dialogue going; a long message, or one the matcher is sure
        is another request ("my appointments", "cancel my appointment"), is a new question."""
        if not _NUMBER.match(ctx.text) and len(ctx.text.split()) >= NEW_QUESTION_WORDS:
            return None
        understood = ctx.understood
        if (
            understood is not None
            and not _NUMBER.match(ctx.text)
            and understood.decision == "answer"
            and understood.intent not in _OWN_DIALOGUE
        ):
            return None
        return self._again(ctx, ctx.msg("booking_pick_number", n=len(ctx.state.choices)))

    @staticmethod
    def _again(ctx: TurnContext, text: str) -> Turn:
        choices = ctx.state.choices
        return Turn(replies=(ctx.reply(text, choices=choices),), state=ctx.state)

    async def _pass_on(self, ctx: TurnContext, freed: list[Freed]) -> tuple[Outgoing, ...]:
        return await offer_freed(
            ctx.session,
            service=self._service,
            directory=self._finder.directory(ctx.kb),
            texts=ctx.texts,
            freed=freed,
            now=ctx.now,
        )

    def _label_of(self, ctx: TurnContext, row: BookingRow) -> str:
        office = self._finder.directory(ctx.kb).get(row.office_id)
        name = office.name if office else row.office_id
        return f"{when_text(ctx.texts, ctx.lang, row.slot_start)}, {name}"

    def _notice(
        self, ctx: TurnContext, key: str, what: BookingRow | Freed
    ) -> Callable[[], Awaitable[None]]:
        """A staff notice in German (the offices' language), sent after the commit: the
        service, the time, and the person's language and topic (never who they are)."""
        start = what.slot_start if isinstance(what, BookingRow) else what.start
        bookable = self._finder.directory(ctx.kb).service(what.office_id, what.service_id)
        service = bookable.service.name.get("de", what.service_id) if bookable else what.service_id
        text = ctx.texts.message(
            key, "de", service=service, when=when_text(ctx.texts, "de", start)
        )
        topic = str(ctx.state.data.get("topic") or service)
        lang = what.lang if isinstance(what, BookingRow) else ctx.lang
        text += " " + ctx.texts.message("booking_staff_about", "de", language=lang, topic=topic)
        office_id = what.office_id

        async def send() -> None:
            await self._staff.notify(office_id, text)

        return send


def _asks_for_own_list(ctx: TurnContext) -> bool:
    """ "my appointments" typed inside a step: the label of the list's own button, in the
    user's language, German or English, with a typo at most."""
    typed = normalise(ctx.text)
    if not typed or len(typed) > 40:
        return False
    for lang in {ctx.lang, ctx.state.lang or ctx.lang, "en", "de"}:
        label = normalise(ctx.texts.message("booking_my_list", lang))
        if fuzz.ratio(typed, label) >= MY_LIST_SCORE:
            return True
    return False


def _service_name(ctx: TurnContext, bookable: Bookable) -> str:
    names = bookable.service.name
    return (
        names.get(ctx.lang) or names.get("en") or next(iter(names.values()), bookable.service.id)
    )


def _label(ctx: TurnContext, bookable: Bookable) -> str:
    return f"{bookable.office.name}: {_service_name(ctx, bookable)}"


def _sure() -> Understood:
    return Understood(intent="book_appointment", confidence=1.0, decision="answer")
