"""expected_answer: what the dialogue in progress waits for."""

from __future__ import annotations

import pytest

from bot.expects import EXPECTS_KEY, expected_answer, expecting
from bot.messages import Choice
from bot.state import ConversationState


def test_no_dialogue_expects_nothing() -> None:
    assert expected_answer(ConversationState()) is None
    assert expected_answer(ConversationState(last_intent="kita", city="dortmund")) is None


@pytest.mark.parametrize("kind", ["date", "time", "yes_no", "nationality", "city", "postcode"])
def test_a_declared_kind_is_returned(kind: str) -> None:
    state = ConversationState().with_flow("registration", {"step": "x", **expecting(kind)})
    assert expected_answer(state) == kind


def test_undeclared_steps_expect_a_choice_or_free_text() -> None:
    choices = (Choice(key="a", label="A"),)
    assert expected_answer(ConversationState().with_flow("language", choices=choices)) == "choice"
    assert expected_answer(ConversationState().with_flow("something")) == "free"


def test_an_unknown_kind_is_refused_and_ignored_in_stored_state() -> None:
    with pytest.raises(ValueError, match="unknown answer kind"):
        expecting("colour")
    stored = ConversationState().with_flow("x", {EXPECTS_KEY: "colour"})
    assert expected_answer(stored) == "free"


def test_the_declaration_survives_storage() -> None:
    state = ConversationState(postcode="44388", office="migrado").with_flow(
        "registration", {"step": "date", **expecting("date")}
    )
    again = ConversationState.from_json(state.to_json())
    assert expected_answer(again) == "date"
    assert (again.postcode, again.office) == ("44388", "migrado")
