"""`lotse bench`, pages part: thousands of page versions from copies of a few real pages."""

from __future__ import annotations

from pathlib import Path

from bot.page_bench import SAMPLE, run_page_bench, with_copies
from knowledge.pages import read_pages_files


def test_copies_go_under_other_city_ids_until_the_count_is_reached() -> None:
    pages = read_pages_files(sorted(SAMPLE.glob("pages-*.jsonl")))
    copied = with_copies(pages, 500)
    versions = sum(len(p.versions) for p in copied)
    assert versions >= 500
    assert versions - sum(len(p.versions) for p in pages) < 500
    assert len({p.key for p in copied}) == len(copied), "every copy is a page of its own"
    assert {p.city for p in copied[: len(pages)]} == {p.city for p in pages}


def test_page_bench_times_search_and_answers_over_the_copies(tmp_path: Path) -> None:
    result = run_page_bench(None, tmp_path, versions=1000)
    page_versions = result["page_versions"]
    assert isinstance(page_versions, int) and page_versions >= 1000
    assert result["page_questions"] == 40
    for key in ("page_search_p50_ms", "page_search_p99_ms", "page_answer_p99_ms"):
        value = result[key]
        assert isinstance(value, float) and value > 0
    assert result["page_search_p50_ms"] <= result["page_search_p99_ms"]
