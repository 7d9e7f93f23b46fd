"""The encoder's query budget: long messages are cut by words, keeping beginning and end."""

from __future__ import annotations

import numpy as np
import pytest

from intents.semantic import HEAD_SHARE, MAX_QUERY_TOKENS, E5Encoder, fit_tokens


def words_plus_two(text: str) -> int:
    """A stand-in token count: one token per word plus two special tokens."""
    return len(text.split()) + 2


def test_a_text_that_fits_is_unchanged() -> None:
    text = "wo muss ich mich anmelden"
    assert fit_tokens(text, 7, words_plus_two) == text


def test_a_long_text_keeps_its_beginning_and_its_end() -> None:
    text = " ".join(f"w{i}" for i in range(30))
    fitted = fit_tokens(text, 12, words_plus_two)
    kept = fitted.split()
    assert words_plus_two(fitted) <= 12
    assert len(kept) == 10
    head = int(10 * HEAD_SHARE)
    assert kept[:head] == [f"w{i}" for i in range(head)]
    assert kept[head:] == [f"w{i}" for i in range(30 - (10 - head), 30)]


def test_the_question_at_the_end_of_a_long_message_survives() -> None:
    text = (
        "hello, we came to dortmund last week with our two children and my mother, "
        "we live in the nordstadt now, where do i register"
    )
    fitted = fit_tokens(text, 14, words_plus_two)
    assert fitted.endswith("where do i register")
    assert fitted.startswith("hello, we came")


@pytest.mark.parametrize("text", ["", "Anmeldungsbestätigungsformular"])
def test_empty_and_single_word_texts_are_unchanged(text: str) -> None:
    assert fit_tokens(text, 1, lambda part: 100) == text


def test_words_are_never_cut_in_the_middle() -> None:
    text = "ich suche einen deutschkurs für anfänger wo kann ich mich melden"
    fitted = fit_tokens(text, 8, words_plus_two)
    assert set(fitted.split()) <= set(text.split())


def test_the_e5_encoder_reads_a_long_query_only_up_to_its_budget() -> None:
    encoder = E5Encoder()
    text = (
        "guten tag, wir sind letzte woche mit den kindern aus rumänien nach dortmund gekommen "
        "und wohnen jetzt bei meinem bruder in der nordstadt, wo muss ich mich anmelden"
    )
    fitted = fit_tokens(text, MAX_QUERY_TOKENS, encoder.count_query_tokens)
    assert fitted != text
    assert encoder.count_query_tokens(fitted) <= MAX_QUERY_TOKENS
    assert fitted.endswith("anmelden")
    long, short = encoder.encode_queries([text, fitted])
    assert np.allclose(long, short)
