"""`lotse bench`: how fast Lotse understands and answers, and how much memory it needs."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from adapters.memory import MemoryAdapter
from bot.settings import Settings
from knowledge.loader import ExampleText

# Realistic messages the examples were not written from; measured when the file is present.
DEV_SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "dev-eval.jsonl"


def _dev_texts(path: Path, count: int) -> list[str]:
    """The distinct texts of a labelled JSON Lines file, in file order, at most ``count``."""
    texts: dict[str, None] = {}
    with path.open(encoding="utf-8") as file:
        for line in file:
            if line.strip():
                texts.setdefault(str(json.loads(line)["text"]), None)
    return list(texts)[:count]


def _misspelt(text: str, seed: int) -> str:
    """``text`` with two neighbouring letters swapped, at a place ``seed`` picks."""
    i = seed % max(len(text) - 1, 1)
    return text[:i] + text[i + 1 : i + 2] + text[i : i + 1] + text[i + 2 :]


def _corpus(examples: list[str], count: int) -> list[str]:
    """Distinct, slightly misspelt messages built from the examples (no query-cache hits)."""
    texts: list[str] = []
    round_ = 0
    while len(texts) < count and examples:
        for text in examples:
            if len(texts) >= count:
                break
            typo = _misspelt(text, len(texts) * 7 + round_)
            texts.append(f"{typo} {round_}" if round_ else typo)
        round_ += 1
    return texts


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationScript:
    """One scripted conversation: a greeting, a question, numbered picks, thanks."""

    greeting: str
    question: str
    thanks: str


def conversation_scripts(examples: Sequence[ExampleText], count: int) -> list[ConversationScript]:
    """Conversations in every language, built in a fixed order from the examples.

    The question is an example of a topic, an office search or a booking, with one typo so
    that it is new to the matcher; greetings and thanks are used as written, as people write
    them the same way again and again.
    """
    by_lang: dict[str, dict[str, list[str]]] = {}
    for example in examples:
        by_lang.setdefault(example.lang, {}).setdefault(example.intent, []).append(example.text)
    languages = sorted(by_lang)
    scripts: list[ConversationScript] = []
    for index in range(count):
        own = by_lang[languages[index % len(languages)]]
        turn = index // len(languages)
        questions = [own[intent] for intent in _QUESTIONS if own.get(intent)]
        if not questions or not own.get("greeting") or not own.get("thanks"):
            continue
        asked = questions[index % len(questions)]
        scripts.append(
            ConversationScript(
                greeting=own["greeting"][turn % len(own["greeting"])],
                question=_misspelt(asked[turn % len(asked)], index),
                thanks=own["thanks"][turn % len(own["thanks"])],
            )
        )
    return scripts


# What people of the conversation mix ask about.
_QUESTIONS = (
    "registration",
    "kita",
    "language_course",
    "energy_contract",
    "find_office",
    "book_appointment",
)
# Numbered choices a scripted person picks after the question, at most.
_PICKS = 2


async def _converse(
    memory: MemoryAdapter, scripts: Sequence[ConversationScript], count: int
) -> int:
    """Play the scripts until ``count`` messages are sent; returns how many were sent."""
    sent = 0
    for index, script in enumerate(scripts):
        chat = f"person{index}"
        await memory.say(chat, script.greeting)
        replies = await memory.say(chat, script.question)
        sent += 2
        for pick in range(_PICKS):
            choices = replies[-1].choices if replies else ()
            if not choices:
                break
            replies = await memory.say(chat, str(1 + (index + pick) % len(choices)))
            sent += 1
        await memory.say(chat, script.thanks)
        sent += 1
        if sent >= count:
            break
    return sent


def _messages(examples: list[str], dev_set: Path | None, count: int) -> tuple[list[str], str]:
    """The messages to time and where they come from."""
    if dev_set is not None and dev_set.is_file():
        return _dev_texts(dev_set, count), "dev-set"
    return _corpus(examples, count), "misspelt-examples"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_bench(
    settings: Settings,
    *,
    messages: int = 2000,
    dev_set: Path | None = DEV_SET,
    pages_files: Sequence[Path] = (),
    questions_files: Sequence[Path] = (),
    page_versions: int = 5000,
) -> dict[str, object]:
    """Measure on this machine, in this process (one event loop, so one core for the bot).

    Matching is timed on the development set's messages when ``dev_set`` exists (each once,
    with an empty query cache, so every message is new to the matcher), else on misspelt
    examples. ``pipeline_per_s`` sends those same messages through the whole bot (the
    headline: the hardest case, every message a new question). ``pipeline_conversation_per_s``
    plays scripted conversations (greeting, a question with one typo, typed numbers for the
    offered choices, thanks), closer to what a day of real chats looks like.
    """
    from bot.app import build_core, load_knowledge_store

    started = time.perf_counter()
    store = load_knowledge_store(settings)
    load_s = time.perf_counter() - started
    kb, _, understanding = store()
    corpus, source = _messages([e.text for e in kb.examples], dev_set, messages)

    matcher = understanding.matcher
    timings: list[float] = []
    fast = 0
    match_s = 0.0
    for text in corpus:
        matcher.clear_query_cache()
        start = time.perf_counter()
        result = matcher.match(text)
        elapsed = time.perf_counter() - start
        match_s += elapsed
        timings.append(elapsed * 1000)
        fast += not result.semantic

    with tempfile.TemporaryDirectory() as tmp:
        db_settings = settings.model_copy(
            update={"database_url": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"}
        )
        memory = MemoryAdapter("bench")
        core = await build_core(db_settings, adapters=(memory,), knowledge=store)
        memory.bind(core.dispatcher)
        pipeline_texts = corpus[: max(200, messages // 4)]
        t1 = time.perf_counter()
        for index, text in enumerate(pipeline_texts):
            await memory.say(f"user{index % 50}", text)
        pipeline_s = time.perf_counter() - t1
        scripts = conversation_scripts(kb.examples, len(pipeline_texts))
        t2 = time.perf_counter()
        conversation_messages = await _converse(memory, scripts, len(pipeline_texts))
        conversation_s = time.perf_counter() - t2
        await core.close()

    rss = psutil.Process(os.getpid()).memory_info().rss / 2**20
    from bot.page_bench import run_page_bench

    # Pages last, so ``rss_mb`` stays the bot's own figure and ``page_rss_mb`` adds the index.
    pages = run_page_bench(
        understanding.pages.index.encoder,
        settings.cache_dir,
        pages_files=pages_files,
        questions_files=questions_files,
        versions=page_versions,
    )
    pages["page_rss_mb"] = round(psutil.Process(os.getpid()).memory_info().rss / 2**20, 1)
    return {
        "messages": len(corpus),
        "corpus": source,
        "match_per_s": round(len(corpus) / match_s, 1),
        "p50_ms": round(statistics.median(timings), 3),
        "p99_ms": round(_percentile(timings, 0.99), 3),
        "fast_path_share": round(fast / len(corpus), 3),
        "pipeline_messages": len(pipeline_texts),
        "pipeline_per_s": round(len(pipeline_texts) / pipeline_s, 1),
        "pipeline_conversation_messages": conversation_messages,
        "pipeline_conversation_per_s": round(conversation_messages / conversation_s, 1),
        "rss_mb": round(rss, 1),
        "knowledge_load_s": round(load_s, 2),
        "semantic": settings.semantic,
        "database": "sqlite",
        **pages,
    }
