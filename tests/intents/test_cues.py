"""Cue words: cancelling or moving against booking, switching language against a course."""

from __future__ import annotations

import pytest

from intents.cues import cued_intents
from intents.normalise import normalise


@pytest.mark.parametrize(
    "text",
    [
        "termin absagen bitte",
        "can i reschedule my appointment",
        "хочу перенести запись",
        "randevumu cumaya alabilir miyim",  # "my appointment" in one word: one they already have
        "موعدي يوم الخميس ما بقدر اجي",
        "نوبتم را عوض کنید",
    ],
)
def test_cancel_and_move_words_cue_cancelling(text: str) -> None:
    assert "cancel_appointment" in cued_intents(normalise(text))


@pytest.mark.parametrize(
    "text",
    ["randevu almak istiyorum", "ich möchte einen termin", "بدي موعد"],
)
def test_booking_words_do_not_cue_cancelling(text: str) -> None:
    assert "cancel_appointment" not in cued_intents(normalise(text))


def test_a_speaking_verb_with_a_language_name_cues_switching() -> None:
    assert cued_intents(normalise("kannst du arabisch schreiben")) == ("change_language",)
    assert cued_intents(normalise("ich will arabisch lernen")) == ()
