"""Page search: the user's city only, the user's language first, German as the fallback."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from intents.page_answers import PageAnswerer, PageDecision, RememberingEncoder
from intents.page_search import PageIndex
from intents.pages import Page, PageVersion, passages
from intents.semantic import E5Encoder
from knowledge.pages import load_pages_dir
from tests.intents.conftest import TrigramEncoder

REPO = Path(__file__).resolve().parents[2]
TEST_PAGES = REPO / "tests" / "data" / "pages-dortmund"
CACHE = Path(os.environ.get("LOTSE_TEST_CACHE_DIR", REPO / ".lotse-cache"))


def dortmund_pages() -> tuple[Page, ...]:
    problems: list[str] = []
    pages = load_pages_dir(TEST_PAGES, lambda p, n, m: problems.append(f"{p}:{n}: {m}"))
    assert not problems
    return pages


def moved(pages: tuple[Page, ...], city: str) -> tuple[Page, ...]:
    return tuple(
        Page(city=city, page_id=p.page_id, source=p.source, versions=p.versions) for p in pages
    )


@pytest.fixture(scope="module")
def e5_index() -> PageIndex:
    return PageIndex(dortmund_pages(), encoder=E5Encoder(), cache_dir=CACHE)


def test_passages_start_at_headings_and_skip_the_title() -> None:
    version = PageVersion(
        lang="de",
        status="reviewed",
        title="Wohngeld",
        lines=("Wohngeld", "Wer bekommt es?", "Haushalte mit wenig Geld.", "Kosten", "Keine."),
    )
    blocks = passages(version)
    assert [b.lines for b in blocks] == [
        ("Wer bekommt es?", "Haushalte mit wenig Geld."),
        ("Kosten", "Keine."),
    ]
    assert [b.start for b in blocks] == [1, 3]


def test_only_the_pages_of_the_users_city_are_searched() -> None:
    pages = dortmund_pages()
    dorsten = moved(tuple(p for p in pages if p.page_id == "housing-benefit"), "dorsten")
    index = PageIndex((*pages, *dorsten), encoder=TrigramEncoder(), cache_dir=None)
    hits = index.search("Wohngeld Antrag Miete", city="dorsten", lang="de")
    assert [h.page.city for h in hits] == ["dorsten"]
    hits = index.search("Wohngeld Antrag Miete", city="dortmund", lang="de")
    assert hits[0].page.page_id == "housing-benefit" and hits[0].page.city == "dortmund"
    assert {h.page.city for h in hits} == {"dortmund"}
    assert index.search("Wohngeld", city="bochum", lang="de") == ()


def test_users_language_first_german_where_a_page_lacks_it() -> None:
    index = PageIndex(dortmund_pages(), encoder=TrigramEncoder(), cache_dir=None)
    hits = index.search("housing benefit rent application", city="dortmund", lang="en")
    by_id = {h.page.page_id: h for h in hits}
    assert by_id["housing-benefit"].version.lang == "en" and not by_id["housing-benefit"].fallback
    # The entitlement page has only a German version: it is searched in German, and says so.
    assert by_id["housing-entitlement"].version.lang == "de"
    assert by_id["housing-entitlement"].fallback


def test_page_vectors_are_cached_by_content(tmp_path: Path) -> None:
    encoder = TrigramEncoder()
    PageIndex(dortmund_pages(), encoder=encoder, cache_dir=tmp_path)
    first = encoder.passage_calls
    assert first > 0
    again = TrigramEncoder()
    PageIndex(dortmund_pages(), encoder=again, cache_dir=tmp_path)
    assert again.passage_calls == 0, "a restart reads the vectors from the cache"
    changed = dortmund_pages()[:1]
    PageIndex(changed, encoder=again, cache_dir=tmp_path)
    assert again.passage_calls < first, "only the changed bucket is encoded again"


def test_remembering_encoder_encodes_a_text_once() -> None:
    inner = TrigramEncoder()
    encoder = RememberingEncoder(inner)
    first = encoder.encode_passages(["a b", "c d"])
    second = encoder.encode_passages(["c d", "a b"])
    assert inner.passage_calls == 2
    assert np.allclose(first[0], second[1]) and np.allclose(first[1], second[0])


@pytest.mark.parametrize(
    ("question", "lang", "page_id"),
    [
        ("كيف أسجل ابني في المدرسة؟", "ar", "school-enrolment"),
        ("Як отримати допомогу на оплату оренди?", "uk", "housing-benefit"),
        ("Comment inscrire mon enfant à l'école ?", "fr", "school-enrolment"),
    ],
)
def test_questions_find_their_page_in_their_language(
    e5_index: PageIndex, question: str, lang: str, page_id: str
) -> None:
    hits = e5_index.search(question, city="dortmund", lang=lang)
    assert hits[0].page.page_id == page_id
    assert hits[0].version.lang == lang


def test_arabic_and_ukrainian_questions_find_german_pages() -> None:
    german_only = tuple(
        Page(city=p.city, page_id=p.page_id, source=p.source, versions=(german,))
        for p in dortmund_pages()
        if (german := p.version("de")) is not None
    )
    index = PageIndex(german_only, encoder=E5Encoder(), cache_dir=CACHE)
    for question, lang, page_id in [
        ("كيف أسجل ابني في المدرسة؟", "ar", "school-enrolment"),
        ("Як отримати допомогу на оплату оренди?", "uk", "housing-benefit"),
    ]:
        hits = index.search(question, city="dortmund", lang=lang)
        assert hits[0].page.page_id == page_id, question
        assert hits[0].fallback and hits[0].version.lang == "de"


def test_answerer_answers_asks_or_admits_nothing(e5_index: PageIndex) -> None:
    answerer = PageAnswerer(e5_index)
    found = answerer.answer(
        "Wo melde ich mein Kind für einen Schulplatz an?", city="dortmund", lang="de"
    )
    assert found.decision is PageDecision.ANSWER
    assert found.hits[0].page.page_id == "school-enrolment"
    assert 0 in found.lines
    nothing = answerer.answer(
        "Wann spielt Borussia Dortmund am Samstag?", city="dortmund", lang="de"
    )
    assert nothing.decision is not PageDecision.ANSWER
