"""`lotse qa eval` and `lotse ask` with pages: the contract's keys and the OMoS-QA scoring."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from intents.qa_evaluation import Outcome, scores
from knowledge.loader import BUNDLED_DIR

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "data" / "omosqa-sample"
TEST_PAGES = REPO / "tests" / "data" / "pages-dortmund"


def lotse(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "LOTSE_CACHE_DIR": os.environ.get("LOTSE_TEST_CACHE_DIR", str(REPO / ".lotse-cache")),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, text=True, env=environment, cwd=cwd, timeout=900, check=False,
    )  # fmt: skip


def outcome(rank: int | None, gold: tuple[int, ...], predicted: tuple[int, ...]) -> Outcome:
    return Outcome(lang="de", rank=rank, gold=gold, predicted=predicted, milliseconds=1.0)


def test_scores_follow_the_omosqa_readme() -> None:
    result = scores(
        [
            outcome(1, (1, 2), (2, 3)),  # half right, half found
            outcome(2, (4,), ()),  # answerable, nothing predicted: precision 1, recall 0
            outcome(None, (), ()),  # unanswerable, rightly nothing
            outcome(1, (), (1,)),  # unanswerable, wrongly answered
        ]
    )
    assert result["retrieval"] == {"top1": 0.5, "mrr10": 0.625}
    extraction = result["extraction"]
    assert isinstance(extraction, dict)
    assert extraction["precision"] == 0.75 and extraction["recall"] == 0.25
    assert extraction["f"] == 0.375
    assert extraction["unanswerable"] == {"precision": 0.5, "recall": 0.5, "f": 0.5}


@pytest.mark.slow
def test_qa_eval_prints_the_contract_object(tmp_path: Path) -> None:
    done = lotse(
        "qa", "eval", str(SAMPLE / "questions-ar.jsonl"),
        "--pages", str(SAMPLE / "pages-de.jsonl"), "--pages", str(SAMPLE / "pages-en.jsonl"),
        "--json", cwd=tmp_path, LOTSE_SEMANTIC="0",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"n", "retrieval", "extraction", "per_lang", "latency_ms"}
    assert result["n"] == 8 and set(result["per_lang"]) == {"ar"}
    assert set(result["retrieval"]) == {"top1", "mrr10"}
    assert set(result["extraction"]) == {"precision", "recall", "f", "unanswerable"}
    assert set(result["extraction"]["unanswerable"]) == {"precision", "recall", "f"}
    assert result["latency_ms"]["p50"] <= result["latency_ms"]["p99"]


@pytest.mark.slow
def test_qa_eval_finds_most_pages_of_german_questions(tmp_path: Path) -> None:
    done = lotse(
        "qa", "eval", str(SAMPLE / "questions-de.jsonl"),
        "--pages", str(SAMPLE / "pages-de.jsonl"), "--json", cwd=tmp_path, LOTSE_SEMANTIC="0",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # Seven pages per region: words alone find most of the right ones.
    assert result["retrieval"]["top1"] >= 0.5
    assert result["per_lang"]["de"]["n"] == 8


def test_qa_eval_names_a_broken_pages_line(tmp_path: Path) -> None:
    pages = tmp_path / "pages.jsonl"
    pages.write_text('{"city": "x"}\n', encoding="utf-8")
    done = lotse(
        "qa", "eval", str(SAMPLE / "questions-de.jsonl"), "--pages", str(pages), "--json",
        cwd=tmp_path, LOTSE_SEMANTIC="0",
    )  # fmt: skip
    assert done.returncode == 1
    assert f"{pages}:1: missing key 'page_id'" in done.stderr


@pytest.mark.slow
def test_ask_json_carries_the_page_and_its_sentences(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED_DIR, kb)
    shutil.rmtree(kb / "pages", ignore_errors=True)
    shutil.copytree(TEST_PAGES, kb / "pages")
    done = lotse(
        "ask", "How much Wohngeld can I get and where do I apply for it?", "--json",
        cwd=tmp_path, LOTSE_KNOWLEDGE_DIR=str(kb),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["intent"] == "unknown"
    assert result["page"] == {
        "city": "dortmund",
        "page_id": "housing-benefit",
        "title": "Housing benefit (Wohngeld)",
        "url": "https://dortmund.de/themen/wohnen/wohngeld",
    }
    assert result["sentences"] and all(s in result["reply"] for s in result["sentences"])
    plain = lotse("ask", "hallo", "--json", cwd=tmp_path, LOTSE_KNOWLEDGE_DIR=str(kb))
    greeting = json.loads(plain.stdout)
    assert greeting["page"] is None and greeting["sentences"] == []
