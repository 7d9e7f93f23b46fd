"""Pages in the knowledge base: admin YAML and imported JSON Lines, errors as file:line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.knowledge_store import KnowledgeStore
from knowledge.loader import BUNDLED_DIR, load_knowledge
from knowledge.pages import read_pages_files

TEST_PAGES = Path(__file__).resolve().parents[1] / "data" / "pages-dortmund"
OMOS_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "omosqa-sample"


@pytest.fixture
def kb_with_pages(tmp_path: Path) -> Path:
    target = tmp_path / "dortmund"
    shutil.copytree(BUNDLED_DIR, target)
    shutil.rmtree(target / "pages", ignore_errors=True)  # the test pages instead of the bundled
    shutil.copytree(TEST_PAGES, target / "pages")
    return target


def problems_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    return list(caught.value.problems)


def imported_line(**changes: object) -> str:
    record: dict[str, object] = {
        "city": "dortmund",
        "page_id": "1234",
        "lang": "de",
        "title": "Müll",
        "lines": ["Müll", "Die gelbe Tonne ist für Verpackungen."],
        "url": "https://example.org/muell",
        "last_change": "2026-10-01T12:00:00Z",
        "licence": "CC BY 4.0",
        "status": "reviewed",
    }
    record.update(changes)
    return json.dumps(record, ensure_ascii=False)


def test_yaml_pages_load_with_every_language_version(kb_with_pages: Path) -> None:
    kb = load_knowledge(kb_with_pages)
    pages = {page.page_id: page for page in kb.pages}
    assert set(pages) == {"school-enrolment", "housing-benefit", "housing-entitlement"}
    school = pages["school-enrolment"]
    assert school.city == "dortmund" and school.verified == "2026-12-05"
    assert {v.lang for v in school.versions} == {"de", "en", "ar", "uk", "fr"}
    german = school.version("de")
    assert german is not None and german.status == "reviewed"
    assert german.lines[0].startswith("Neu zugezogene Kinder")
    # No URL of its own: the link is the source.
    assert school.url("de") == school.source
    assert "3 pages" in kb.summary()


def test_imported_json_lines_merge_languages_of_one_page(kb_with_pages: Path) -> None:
    folder = kb_with_pages / "pages" / "integreat"
    folder.mkdir()
    (folder / "dortmund.jsonl").write_text(
        imported_line()
        + "\n\n"
        + imported_line(lang="en", title="Waste", status="machine")
        + "\n",
        encoding="utf-8",
    )
    kb = load_knowledge(kb_with_pages)
    page = next(p for p in kb.pages if p.page_id == "1234")
    assert {v.lang for v in page.versions} == {"de", "en"}
    english = page.version("en")
    assert english is not None and english.status == "machine"
    assert page.url("en") == "https://example.org/muell" and page.licence == "CC BY 4.0"


def test_yaml_page_errors_name_file_and_line(kb_with_pages: Path) -> None:
    path = kb_with_pages / "pages" / "housing-benefit.yaml"
    text = path.read_text(encoding="utf-8").replace("status: unreviewed", "status: draft", 1)
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "status: draft" in row)
    problems = problems_of(kb_with_pages)
    assert any(p.startswith(f"dortmund/pages/housing-benefit.yaml:{line}: ") for p in problems)


def test_yaml_page_id_must_equal_file_name(kb_with_pages: Path) -> None:
    source = kb_with_pages / "pages" / "housing-benefit.yaml"
    source.rename(kb_with_pages / "pages" / "wohngeld.yaml")
    problems = problems_of(kb_with_pages)
    assert any(
        p.startswith("dortmund/pages/wohngeld.yaml:") and "must equal the file name" in p
        for p in problems
    )


def test_yaml_page_without_a_german_version_is_rejected(kb_with_pages: Path) -> None:
    path = kb_with_pages / "pages" / "housing-entitlement.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  de:\n", "  en:\n"), "utf-8")
    problems = problems_of(kb_with_pages)
    assert any("housing-entitlement.yaml:" in p and "German version" in p for p in problems)


def test_json_lines_errors_name_file_and_line(kb_with_pages: Path) -> None:
    folder = kb_with_pages / "pages" / "integreat"
    folder.mkdir()
    (folder / "dortmund.jsonl").write_text(
        "\n".join(
            [
                imported_line(),
                '{"city": "dortmund", "page_id": ',  # line 2: cut off
                imported_line(page_id="9", lang="xx"),  # line 3: unknown language
                imported_line(page_id="10", status="draft"),  # line 4
                imported_line(lang="de"),  # line 5: the same version twice
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    problems = problems_of(kb_with_pages)
    rel = "dortmund/pages/integreat/dortmund.jsonl"
    assert any(p.startswith(f"{rel}:2: not JSON") for p in problems)
    assert any(p.startswith(f"{rel}:3: ") and "language" in p for p in problems)
    assert any(p.startswith(f"{rel}:4: ") and "status" in p for p in problems)
    assert any(p.startswith(f"{rel}:5: ") and "two 'de' versions" in p for p in problems)


def test_a_broken_page_edit_keeps_the_last_good_pages_serving(kb_with_pages: Path) -> None:
    store = KnowledgeStore(kb_with_pages, encoder_factory=lambda: None, cache_dir=None)
    before = {p.page_id for p in store.kb.pages}
    path = kb_with_pages / "pages" / "housing-benefit.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  tr: [unclosed\n", encoding="utf-8")
    problems = store.reload()
    assert problems and all("housing-benefit.yaml:" in p for p in problems)
    assert {p.page_id for p in store.kb.pages} == before
    _, _, understanding = store()
    assert understanding.pages.has_pages("dortmund")
    # Fixed again: the new version serves.
    path.unlink()
    assert store.reload() == []
    assert {p.page_id for p in store.kb.pages} == before - {"housing-benefit"}


def test_omos_pages_files_load_as_imported_pages() -> None:
    pages = read_pages_files(sorted(OMOS_SAMPLE.glob("pages-*.jsonl")))
    assert pages
    for page in pages:
        german = page.version("de")
        assert german is not None and german.lines[0] == german.title


def test_pages_files_with_problems_raise_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_text(imported_line() + "\n[1, 2]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pages\.jsonl:2: not a JSON object"):
        read_pages_files([path])
