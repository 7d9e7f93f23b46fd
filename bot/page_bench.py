"""`lotse bench`, pages part: page search and answer speed over thousands of page versions."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from intents.page_answers import PageAnswerer, RememberingEncoder
from intents.page_search import PageIndex
from intents.pages import Page
from intents.qa_evaluation import Question, load_questions
from intents.semantic import SentenceEncoder
from knowledge.pages import read_pages_files

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "omosqa-sample"
"""A small OMoS-QA sample (CC BY 4.0, see its README), used when no pages files are given."""


def with_copies(pages: Sequence[Page], versions: int) -> tuple[Page, ...]:
    """``pages`` plus copies of them under other city ids (``<city>~2`` ...) until there are at
    least ``versions`` page versions: the search only ever looks at one city, so copies make
    the index as big as a large deployment's without changing what one search does."""
    result = list(pages)
    per_copy = sum(len(p.versions) for p in pages)
    copy = 2
    while per_copy and sum(len(p.versions) for p in result) < versions:
        result.extend(replace(p, city=f"{p.city}~{copy}") for p in pages)
        copy += 1
    return tuple(result)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run_page_bench(
    encoder: SentenceEncoder | None,
    cache_dir: Path | None,
    *,
    pages_files: Sequence[Path] = (),
    questions_files: Sequence[Path] = (),
    versions: int = 5000,
) -> dict[str, object]:
    """Time :meth:`PageAnswerer.search` and :meth:`PageAnswerer.answer` (search, then the
    extraction of the best page's lines: the bot's path) for every question, twice: the first
    round with nothing remembered, the second with the page lines' vectors remembered."""
    files = list(pages_files) or sorted(SAMPLE.glob("pages-*.jsonl"))
    question_files = list(questions_files) or sorted(SAMPLE.glob("questions-*.jsonl"))
    pages = with_copies(read_pages_files(files), versions)
    questions: list[Question] = [q for path in question_files for q in load_questions(path)]
    started = time.perf_counter()
    index = PageIndex(pages, encoder=encoder, cache_dir=cache_dir)
    build_s = time.perf_counter() - started
    answerer = PageAnswerer(index)
    remembering = answerer.encoder if isinstance(answerer.encoder, RememberingEncoder) else None
    search_ms: list[float] = []
    search_cpu_ms: list[float] = []
    for item in questions:
        if remembering is not None:
            remembering.forget_queries()
        start, cpu = time.perf_counter(), time.thread_time()
        answerer.search(item.question, city=item.city, lang=item.lang, limit=10)
        search_ms.append((time.perf_counter() - start) * 1000)
        search_cpu_ms.append((time.thread_time() - cpu) * 1000)
    rounds: list[list[float]] = []
    cpu_rounds: list[list[float]] = []
    for _ in range(2):
        timings = []
        cpu_timings = []
        for item in questions:
            if remembering is not None:
                remembering.forget_queries()
            start, cpu = time.perf_counter(), time.thread_time()
            answerer.answer(item.question, city=item.city, lang=item.lang)
            timings.append((time.perf_counter() - start) * 1000)
            cpu_timings.append((time.thread_time() - cpu) * 1000)
        rounds.append(timings)
        cpu_rounds.append(cpu_timings)
    return {
        "page_versions": len(index),
        "page_cities": len(index.cities()),
        "page_questions": len(questions),
        "page_index_build_s": round(build_s, 2),
        "page_search_p50_ms": round(_percentile(search_ms, 0.5), 2),
        "page_search_p99_ms": round(_percentile(search_ms, 0.99), 2),
        "page_answer_cold_p50_ms": round(_percentile(rounds[0], 0.5), 2),
        "page_answer_cold_p99_ms": round(_percentile(rounds[0], 0.99), 2),
        "page_answer_p50_ms": round(_percentile(rounds[1], 0.5), 2),
        "page_answer_p99_ms": round(_percentile(rounds[1], 0.99), 2),
        # CPU time of this thread alone: what one core spends, without waiting for it (on a
        # busy machine the wall-clock figures above include time other processes had the CPU).
        "page_search_cpu_p50_ms": round(_percentile(search_cpu_ms, 0.5), 2),
        "page_search_cpu_p99_ms": round(_percentile(search_cpu_ms, 0.99), 2),
        "page_answer_cpu_p50_ms": round(_percentile(cpu_rounds[1], 0.5), 2),
        "page_answer_cpu_p99_ms": round(_percentile(cpu_rounds[1], 0.99), 2),
    }
