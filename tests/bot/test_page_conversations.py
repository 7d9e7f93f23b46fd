"""Open-world conversations: questions no intent covers are answered from the city's pages."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.app import Core, build_core
from bot.clock import FrozenClock
from bot.knowledge_store import KnowledgeStore
from bot.settings import Settings
from intents.semantic import default_encoder
from knowledge.loader import BUNDLED_DIR

REPO = Path(__file__).resolve().parents[2]
TEST_PAGES = REPO / "tests" / "data" / "pages-dortmund"
SCHOOL_URL = (
    "https://www.dortmund.de/themen/bildung/dienstleistungszentrum-bildung/"
    "neu-zugereiste-schueler-innen/"
)
HOUSING_URL = "https://dortmund.de/themen/wohnen/wohngeld"


@pytest.fixture(scope="module")
def pages_store(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeStore:
    """The bundled knowledge base with three Dortmund test pages instead of its own pages (so
    the questions below have one right page), with the real encoder."""
    root = tmp_path_factory.mktemp("kb") / "dortmund"
    shutil.copytree(BUNDLED_DIR, root)
    shutil.rmtree(root / "pages", ignore_errors=True)
    shutil.copytree(TEST_PAGES, root / "pages")
    cache = Path(os.environ.get("LOTSE_TEST_CACHE_DIR", REPO / ".lotse-cache"))
    return KnowledgeStore(root, encoder_factory=default_encoder, cache_dir=cache)


@pytest.fixture
async def pages_core(
    database_url: str, pages_store: KnowledgeStore, memory: MemoryAdapter, clock: FrozenClock
) -> AsyncIterator[Core]:
    settings = Settings(database_url=database_url)
    built = await build_core(settings, adapters=(memory,), clock=clock, knowledge=pages_store)
    memory.bind(built.dispatcher)
    yield built
    await built.close()


@pytest.mark.parametrize(
    ("chat", "question", "lang", "sentence", "url"),
    [
        (
            "de",
            "Wo bekommt mein Kind einen Schulplatz?",
            "de",
            "Dienstleistungszentrum Bildung",
            SCHOOL_URL,
        ),
        (
            "en",
            "Can I get money towards my rent? My income is low.",
            "en",
            "housing benefit",
            HOUSING_URL,
        ),
        ("ar", "ابني عمره ١٠ سنوات، كيف أجد له مدرسة في دورتموند؟", "ar", "DLZB", SCHOOL_URL),
        (
            "uk",
            "У мене низький дохід. Чи можна отримати допомогу на оплату оренди?",
            "uk",
            "Житлова допомога",
            HOUSING_URL,
        ),
        (
            "fr",
            "Qui trouve une école pour les enfants nouvellement arrivés ?",
            "fr",
            "DLZB",
            SCHOOL_URL,
        ),
    ],
)
async def test_out_of_scope_question_gets_page_sentences_and_link(
    pages_core: Core,
    memory: MemoryAdapter,
    chat: str,
    question: str,
    lang: str,
    sentence: str,
    url: str,
) -> None:
    replies = await memory.say(chat, question)
    assert len(replies) == 1
    reply = replies[0]
    assert reply.lang == lang
    assert sentence.casefold() in reply.text.casefold()
    # The page's sentences come first, then the title and the link.
    assert reply.text.rstrip().endswith(url)
    assert reply.text.index(sentence.split()[0]) < reply.text.index(url)


async def test_german_only_page_is_shown_in_german_with_a_note(
    pages_core: Core, memory: MemoryAdapter
) -> None:
    asked = await memory.say("wbs", "Do I need a WBS for a subsidised flat?")
    assert asked[0].lang == "en"
    replies = asked
    if asked[0].choices and asked[0].choices[0].key.startswith("p:"):
        # Not sure enough to answer: the page is offered first and picked.
        assert asked[0].choices[0].label == "Wohnberechtigungsschein (WBS)"
        replies = await memory.say("wbs", "1")
    text = replies[0].text
    assert replies[0].lang == "en"
    assert "Einkommensgrenze" in text or "Wohnberechtigungsschein" in text
    assert "This page is only available in German." in text
    assert "Wohnberechtigungsschein (WBS)" in text


async def test_nothing_answers_so_the_bot_says_so_and_offers_a_person(
    pages_core: Core, memory: MemoryAdapter
) -> None:
    replies = await memory.say("football", "Wer hat 1997 die Champions League gewonnen?")
    reply = replies[0]
    assert "keine meiner Seiten" in reply.text
    assert [c.key for c in reply.choices] == ["i:human"]


async def test_unsure_the_bot_offers_page_titles_and_a_pick_shows_the_page(
    pages_core: Core, memory: MemoryAdapter
) -> None:
    asked = await memory.say("sami", "Mein Sohn ist 9 und neu hier. Welche Schule nimmt ihn auf?")
    reply = asked[0]
    shown = asked
    if "Welche meinen Sie?" in reply.text:
        labels = [c.label for c in reply.choices]
        assert labels[0] == "Schulplatz für neu zugezogene Kinder"
        assert labels[-1] == "Mit einem Menschen sprechen"
        shown = await memory.say("sami", "1")
    # Either way (asked back and picked, or answered at once) the school page is what is shown.
    assert "DLZB" in shown[0].text or "Dienstleistungszentrum Bildung" in shown[0].text
    assert shown[0].text.rstrip().endswith(SCHOOL_URL)
