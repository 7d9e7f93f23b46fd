"""`lotse kb coverage`, the sources of office facts, per-city replies and the topic pages."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from bot.cli import main
from bot.errors import KnowledgeError
from bot.texts import Texts
from knowledge.coverage import coverage, missing_facts
from knowledge.loader import BUNDLED_DIR, load_knowledge
from knowledge.schema import SUPPORTED_LANGUAGES

PAGE_KEYS = {"id", "city", "source", "source_date", "verified", "licence", "versions"}
VERSION_KEYS = {"status", "title", "url", "lines"}
STATUSES = {"reviewed", "machine", "unreviewed"}
MAX_LINE = 700


def test_coverage_json_names_every_office_and_topic() -> None:
    result = CliRunner().invoke(main, ["kb", "coverage", str(BUNDLED_DIR), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    kb = load_knowledge(BUNDLED_DIR)
    assert [o["id"] for o in report["offices"]] == [o.id for o in kb.offices]
    assert all(set(o) >= {"id", "missing"} for o in report["offices"])
    assert "registration" in report["topics"] and "registration@dorsten" in report["topics"]
    assert "dortmund/school-enrolment" in report["topics"]
    assert report["topics"]["registration"]["reviewed"] == ["de", "en"]
    summary = report["summary"]
    assert summary["facts_with_source"] == summary["facts"]  # every stated fact has a source
    assert summary["with_address_and_hours"] >= 12


def test_coverage_table_is_readable() -> None:
    result = CliRunner().invoke(main, ["kb", "coverage", str(BUNDLED_DIR)])
    assert result.exit_code == 0
    assert "offices with address and hours" in result.output
    assert "migrado" in result.output and "hours" in result.output


def test_missing_facts_follow_the_entry() -> None:
    kb = load_knowledge(BUNDLED_DIR)
    offices = {o.id: o for o in kb.offices}
    assert "address" not in missing_facts(offices["buergerdienste-luetgendortmund"])
    assert "hours" not in missing_facts(offices["buergerdienste-luetgendortmund"])
    # by appointment only counts as an answer about hours
    assert "hours" not in missing_facts(offices["auslaenderbehoerde"])
    assert {"address", "hours"} <= set(missing_facts(offices["jobcenter"]))
    report = {o["id"]: o for o in coverage(kb)["offices"]}
    assert report["jobcenter"]["unsourced"] == []


def test_every_office_source_was_read_and_no_fact_is_unsourced() -> None:
    kb = load_knowledge(BUNDLED_DIR)
    for office in kb.offices:
        assert office.sources, office.id
        for source in office.sources:
            assert source.read <= date(2026, 12, 5)
            assert source.source_date is None or source.source_date <= source.read


def test_per_city_reply_and_honest_fallback() -> None:
    kb = load_knowledge(BUNDLED_DIR)
    texts = Texts(kb)
    assert "Friedensplatz" in texts.reply("registration", "de").text
    dorsten = texts.reply("registration", "de", city="dorsten")
    assert "Halterner Straße 5" in dorsten.text and "Friedensplatz" not in dorsten.text
    # Pashto has no Dorsten text yet: English, with a notice in Pashto saying so.
    pashto = texts.reply("registration", "ps", city="dorsten")
    assert pashto.lang == "en"
    assert "Halterner Straße 5" in pashto.text
    assert pashto.text.startswith(kb.messages["fallback_notice"]["ps"].split("{")[0].strip())


def test_reply_for_an_unknown_city_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "dortmund"
    shutil.copytree(BUNDLED_DIR, root)
    path = root / "intents" / "registration.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  dorsten:\n", "  essen:\n"), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    assert any(
        p.startswith("dortmund/intents/registration.yaml:") and "unknown city 'essen'" in p
        for p in caught.value.problems
    ), caught.value.problems


def _pages() -> list[tuple[Path, Any]]:
    yaml = YAML(typ="safe")
    return [(p, yaml.load(p)) for p in sorted((BUNDLED_DIR / "pages").glob("*.yaml"))]


def test_every_page_has_the_format_keys_and_a_source() -> None:
    kb = load_knowledge(BUNDLED_DIR)
    cities = {c.id for c in kb.places.cities} if kb.places else set()
    pages = _pages()
    assert len(pages) >= 10
    for path, page in pages:
        assert set(page) == PAGE_KEYS, path
        assert page["id"] == path.stem, path
        assert page["city"] in cities, path
        assert isinstance(page["source"], str) and len(page["source"]) > 20, path
        assert isinstance(page["verified"], date), path
        assert page["source_date"] is None or isinstance(page["source_date"], date), path
        assert {"de", "en"} <= set(page["versions"]), path
        for lang, version in page["versions"].items():
            assert lang in SUPPORTED_LANGUAGES, (path, lang)
            assert set(version) == VERSION_KEYS, (path, lang)
            assert version["status"] in STATUSES, (path, lang)
            assert version["title"].strip() and version["lines"], (path, lang)
            assert all(0 < len(line) <= MAX_LINE for line in version["lines"]), (path, lang)
        assert page["versions"]["de"]["status"] == "reviewed", path
        assert page["versions"]["en"]["status"] == "reviewed", path


def test_the_on_call_page_gives_116117_and_112() -> None:
    pages = dict((path.stem, page) for path, page in _pages())
    for lang in ("de", "en"):
        lines = " ".join(pages["doctor-on-call"]["versions"][lang]["lines"])
        assert "116 117" in lines and "112" in lines
    topics = {p["id"] for _, p in _pages()}
    assert {
        "school-enrolment", "health-insurance", "doctor-on-call", "jobcenter-buergergeld",
        "asylum-procedure", "residence-permit", "housing", "bank-account", "kindergeld",
        "deutschlandticket",
    } <= topics  # fmt: skip
