"""The character n-gram layer: cosine in a shared Latin space, robust to typos and scripts."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from intents.catalogue import Catalogue, Example
from intents.lexical import ExampleForms, QueryForms
from intents.ngrams import NgramIndex

EXAMPLES = (
    Example(intent="kita", lang="de", text="wir suchen einen kitaplatz für unseren sohn"),
    Example(intent="registration", lang="ru", text="где сделать анмельдунг квартиры"),
    Example(intent="language_course", lang="en", text="where can i learn german"),
    Example(intent="energy_contract", lang="tr", text="elektrik sözleşmesi nasıl yapılır"),
)
INDEX = NgramIndex(ExampleForms.of(Catalogue(examples=EXAMPLES)))


def _best(text: str) -> tuple[int, float]:
    scores = INDEX.similarities(QueryForms.of(text))
    return int(np.argmax(scores)), float(scores.max())


def test_an_example_is_most_like_itself() -> None:
    for index, example in enumerate(EXAMPLES):
        best, score = _best(example.text)
        assert best == index
        assert score > 0.99


def test_typos_and_endings_still_meet_the_example() -> None:
    assert _best("kitaplaz fur sohn")[0] == 0
    assert _best("lern germn")[0] == 2


def test_latin_letters_meet_a_cyrillic_example() -> None:
    # "gde sdelat anmeldung" shares no letter with the Cyrillic example, only its Latin form.
    best, score = _best("gde sdelat anmeldung")
    assert best == 1
    assert score > 0.3


def test_diacritics_do_not_matter() -> None:
    assert _best("elektrik sozlesmesi")[0] == 3


def test_nothing_in_common_scores_zero() -> None:
    scores = INDEX.similarities(QueryForms.of("ፖፖፖ"))
    assert scores.shape == (len(EXAMPLES),)
    assert not scores.any()


def test_an_empty_catalogue_gives_no_scores() -> None:
    empty = NgramIndex(ExampleForms.of(Catalogue(examples=())))
    assert empty.similarities(QueryForms.of("hallo")).shape == (0,)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_cosines_between_zero_and_one(text: str) -> None:
    scores = INDEX.similarities(QueryForms.of(text))
    assert scores.shape == (len(EXAMPLES),)
    assert np.all(scores >= 0.0) and np.all(scores <= 1.0)
    again = INDEX.similarities(QueryForms.of(text))
    assert np.array_equal(scores, again)
