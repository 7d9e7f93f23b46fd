"""The bot's own sentences that the code asks for, with the placeholders it fills in each."""

from __future__ import annotations

import string
from collections.abc import Mapping

REQUIRED_MESSAGES: Mapping[str, frozenset[str]] = {
    "booking_limit": frozenset({"office", "when"}),
    "booking_not_here": frozenset({"office"}),
    "booking_staff_about": frozenset({"language", "topic"}),
    "booking_way_appointment_only": frozenset(),
    "booking_way_closed": frozenset(),
    "booking_way_none": frozenset(),
    "booking_way_online": frozenset({"url"}),
    "booking_way_walk_in": frozenset({"hours"}),
    "deadline_holiday": frozenset({"holiday", "workday"}),
    "deadline_weekend": frozenset({"workday"}),
    "office_appointments": frozenset({"url"}),
    "office_by_appointment": frozenset(),
    "page_ask_back": frozenset(),
    "page_in_german": frozenset(),
    "page_machine": frozenset(),
    "page_not_found": frozenset(),
    "page_source": frozenset({"title"}),
    "postcode_prompt": frozenset(),
    "registration_household": frozenset(),
    "a_person": frozenset(),
    "address_line": frozenset({"address"}),
    "address_unverified": frozenset(),
    "ask_back": frozenset(),
    "booking_cancel": frozenset(),
    "booking_cancelled": frozenset({"when"}),
    "booking_choose_office": frozenset(),
    "booking_choose_slot": frozenset({"office", "service"}),
    "booking_confirm": frozenset(),
    "booking_confirmed": frozenset({"address", "office", "when"}),
    "booking_date_no_slots": frozenset({"date"}),
    "booking_date_past": frozenset(),
    "booking_held": frozenset({"minutes", "office", "when"}),
    "booking_hold_expired": frozenset(),
    "booking_join_waitlist": frozenset(),
    "booking_mine": frozenset(),
    "booking_mine_none": frozenset(),
    "booking_more": frozenset(),
    "booking_move": frozenset(),
    "booking_moved": frozenset({"address", "office", "when"}),
    "booking_my_list": frozenset(),
    "booking_no_slots": frozenset({"office"}),
    "booking_none_bookable": frozenset(),
    "booking_offer": frozenset({"office", "until", "when"}),
    "booking_offer_declined": frozenset(),
    "booking_offer_gone": frozenset(),
    "booking_other_time": frozenset(),
    "booking_pick_number": frozenset({"n"}),
    "booking_reminder": frozenset({"office", "when"}),
    "booking_slot_gone": frozenset(),
    "booking_slot_taken": frozenset(),
    "booking_staff_booked": frozenset({"service", "when"}),
    "booking_staff_cancelled": frozenset({"service", "when"}),
    "booking_waitlisted": frozenset(),
    "booking_what_now": frozenset(),
    "deadline_ask_citizenship": frozenset(),
    "deadline_ask_date": frozenset(),
    "deadline_bad_date": frozenset(),
    "deadline_bring": frozenset(),
    "deadline_eu": frozenset(),
    "deadline_non_eu": frozenset(),
    "deadline_offer_reminder": frozenset(),
    "deadline_passed": frozenset({"deadline"}),
    "deadline_reminder_set": frozenset({"when"}),
    "deadline_reminder_text": frozenset({"deadline"}),
    "deadline_result": frozenset({"deadline", "moved"}),
    "delete_cancelled": frozenset(),
    "delete_confirm": frozenset(),
    "deleted": frozenset(),
    "empty": frozenset(),
    "error": frozenset(),
    "fallback_notice": frozenset({"fallback"}),
    "feedback_sorry": frozenset(),
    "feedback_thanks": frozenset(),
    "flow_cancelled": frozenset(),
    "handover_after_hours": frozenset({"when"}),
    "handover_at_work": frozenset(),
    "handover_claimed": frozenset({"name"}),
    "handover_closed": frozenset(),
    "handover_emergency": frozenset(),
    "handover_glad": frozenset(),
    "handover_helped": frozenset(),
    "handover_need_more": frozenset(),
    "handover_opened": frozenset(),
    "handover_passed_on": frozenset(),
    "handover_text_only": frozenset(),
    "handover_when_unknown": frozenset(),
    "hours_unpublished": frozenset(),
    "human_unavailable": frozenset(),
    "invalid_choice": frozenset({"n"}),
    "language_changed": frozenset(),
    "no": frozenset(),
    "non_text": frozenset(),
    "office_ask_city": frozenset(),
    "office_book_here": frozenset(),
    "office_closed_now": frozenset({"when"}),
    "office_contact": frozenset({"contact"}),
    "office_map": frozenset({"url"}),
    "office_nearest": frozenset(),
    "office_open_now": frozenset({"until"}),
    "office_outside": frozenset(),
    "office_place_unknown": frozenset(),
    "office_weekdays": frozenset(),
    "something_else": frozenset(),
    "too_long": frozenset(),
    "where_to_go": frozenset({"office"}),
    "yes": frozenset(),
}
"""Every key the code looks up, and the ``{names}`` it fills in. A test reads the code and
keeps this in step with it; ``topic_<intent>`` labels are optional (the id stands in)."""


def placeholder_problems(key: str, template: str) -> list[str]:
    """What is wrong with the ``{placeholders}`` of one translation of a required message."""
    allowed = REQUIRED_MESSAGES.get(key)
    if allowed is None:
        return []
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    except ValueError as exc:
        if not allowed:
            return []  # filled in without values: the text is shown as written, braces and all
        return [f"message '{key}': broken placeholder ({exc}); write {{{{ and }}}} for braces"]
    problems = []
    for name in fields:
        if name not in allowed:
            known = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
            problems.append(
                f"message '{key}': unknown placeholder {{{name}}} (the bot fills in: {known})"
            )
    return problems
