"""`lotse kb import-integreat` over real HTTP against a local server of recorded API answers."""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from bot.cli import main
from knowledge.loader import BUNDLED_DIR, load_knowledge

DATA = Path(__file__).resolve().parent.parent / "data" / "integreat"
REGION = "testregion"


@dataclass
class Recordings:
    """What the local CMS answers: path -> file name, raw bytes, a status or a delay."""

    routes: dict[str, object] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    def standard(self) -> None:
        base = f"/api/v3/{REGION}"
        self.routes = {
            f"{base}/languages/": "languages.json",
            f"{base}/de/pages/": "pages-de.json",
            f"{base}/en/pages/": "pages-en.json",
            f"{base}/ar/pages/": "pages-ar.json",
            f"{base}/de/locations/": "locations-de.json",
            f"{base}/en/locations/": "locations-en.json",
            f"{base}/ar/locations/": "locations-ar.json",
        }


def _handler(recordings: Recordings) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            recordings.hits.append(self.path)
            answer = recordings.routes.get(self.path)
            if isinstance(answer, float):
                time.sleep(answer)
                answer = b"[]"
            if answer is None or isinstance(answer, int):
                self.send_response(answer if isinstance(answer, int) else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"error": "not found"}')
                return
            body = (DATA / answer).read_bytes() if isinstance(answer, str) else answer
            assert isinstance(body, bytes)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (the timeout test)
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out and hung up is expected here


@pytest.fixture
def cms() -> Iterator[tuple[str, Recordings]]:
    recordings = Recordings()
    recordings.standard()
    server = _Server(("127.0.0.1", 0), _handler(recordings))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recordings
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(BUNDLED_DIR, target)
    return target


def _run(base_url: str, out: Path, *extra: str, timeout: str = "20") -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main,
        ["kb", "import-integreat", REGION, "--out", str(out), "--base-url", base_url,
         "--city", "dortmund", "--timeout", timeout, *extra],
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ("integreat" in str(p))
    }


def test_integreat_import_writes_pages_in_every_language(
    cms: tuple[str, Recordings], kb_dir: Path
) -> None:
    base_url, recordings = cms
    code, out, err = _run(base_url, kb_dir)
    assert code == 0, err
    assert "languages de en ar (skipped: de-si)" in out
    assert "6 pages (6 new or changed, 0 unchanged, 0 removed); 2 offices" in out
    pages = kb_dir / "pages" / f"integreat-{REGION}"
    assert sorted(p.name for p in pages.glob("*.jsonl")) == ["ar.jsonl", "de.jsonl", "en.jsonl"]
    de = {r["page_id"]: r for r in _records(pages / "de.jsonl")}
    page = de["102"]
    assert set(page) == {
        "city", "page_id", "lang", "title", "lines", "url", "last_change", "licence", "status",
    }  # fmt: skip
    assert page["lines"] == [
        "Anmeldung der Wohnung",
        "TESTDATEN – fiktiver Inhalt für die Tests von Lotse.",
        "Melden Sie Ihre Wohnung innerhalb von zwei Wochen an.",
        "Bringen Sie mit:",
        "Pass oder Ausweis",
        "Wohnungsgeberbestätigung",
        "Termin: online buchen (https://termine.example.test/anmeldung)",
    ]
    assert page["city"] == "dortmund" and page["lang"] == "de" and page["status"] == "reviewed"
    assert page["last_change"] == "2026-10-02T09:30:00Z"
    assert page["url"] == "https://cms.integreat.test/testregion/de/anmeldung/"
    assert str(page["licence"]).startswith("CC BY 4.0")
    # One page id across languages: the German translation's id.
    en = {r["page_id"]: r for r in _records(pages / "en.jsonl")}
    ar = {r["page_id"]: r for r in _records(pages / "ar.jsonl")}
    assert set(en) == {"101", "102"} and set(ar) == {"101"}
    # Nothing in the answer says who translated a page or whether anyone checked it.
    assert {r["status"] for r in (*en.values(), *ar.values())} == {"unreviewed"}
    assert en["102"]["lines"][-1] == "Monday ; 8:00-12:00"
    assert ar["101"]["lines"][0] == "مرحبا"
    # The API answers each list whole: one request per endpoint and language, no paging.
    assert len(recordings.hits) == 7 and len(set(recordings.hits)) == 7


def test_integreat_offices_load_with_the_knowledge_base(
    cms: tuple[str, Recordings], kb_dir: Path
) -> None:
    base_url, _ = cms
    assert _run(base_url, kb_dir)[0] == 0
    kb = load_knowledge(kb_dir)
    imported = {o.id: o for o in kb.offices if o.id.startswith("integreat-")}
    assert set(imported) == {"integreat-testregion-41", "integreat-testregion-42"}
    open_office = imported["integreat-testregion-41"]
    assert open_office.address.street == "Beispielweg 1"
    assert open_office.address.postcode == "44135"
    assert open_office.location is not None and open_office.location.lat == 51.51
    assert open_office.hours["mon"] == ("08:30-12:00", "13:00-15:30")
    assert "wed" not in open_office.hours and open_office.hours["fri"] == ("08:30-11:00",)
    assert open_office.appointment_only  # Thursday is by appointment only
    assert open_office.appointment_url == "https://termine.example.test/beratung"
    assert open_office.contacts.phones == ("0000 000000 (Testnummer)",)
    assert set(open_office.description) == {"de", "en", "ar"}
    assert open_office.source.endswith("/locations/41-de/")
    assert open_office.imported_on == open_office.verified
    assert not open_office.booking.enabled
    closed = imported["integreat-testregion-42"]
    assert closed.temporarily_closed and not closed.hours
    assert {"hours", "address", "location"} <= set(closed.unverified)


def test_integreat_second_run_rewrites_only_the_changed_and_drops_the_deleted(
    cms: tuple[str, Recordings], kb_dir: Path
) -> None:
    base_url, recordings = cms
    assert _run(base_url, kb_dir)[0] == 0
    pages = kb_dir / "pages" / f"integreat-{REGION}"
    en_before = (pages / "en.jsonl").stat().st_mtime_ns
    offices_before = (kb_dir / f"offices-integreat-{REGION}.yaml").stat().st_mtime_ns

    recordings.routes[f"/api/v3/{REGION}/de/pages/"] = "pages-de-v2.json"
    code, out, err = _run(base_url, kb_dir)
    assert code == 0, err
    assert "5 pages (1 new or changed, 4 unchanged, 1 removed)" in out
    de = {r["page_id"]: r for r in _records(pages / "de.jsonl")}
    assert set(de) == {"101", "102"}  # 103 was deleted
    assert "Neu: Die Anmeldung geht jetzt auch am Samstag." in de["102"]["lines"]
    assert de["102"]["last_change"] == "2026-11-20T14:00:00Z"
    # Unchanged languages and offices are not rewritten.
    assert (pages / "en.jsonl").stat().st_mtime_ns == en_before
    assert (kb_dir / f"offices-integreat-{REGION}.yaml").stat().st_mtime_ns == offices_before

    code, out, _ = _run(base_url, kb_dir)
    assert code == 0 and "0 new or changed, 5 unchanged, 0 removed" in out
    assert "0 files written" in out


@pytest.mark.parametrize(
    ("route", "answer", "message"),
    [
        ("languages/", 4.0, "no answer in time"),  # answers after 4 s, the limit is 1 s
        ("ar/pages/", b'[{"id": 301, "title": "broken"', "not valid JSON"),
        ("de/locations/", 500, "HTTP 500"),
        ("en/locations/", b'{"detail": "no list"}', "expected a JSON list"),
        ("de/pages/", b'[{"id": "x", "url": "u", "title": "t"}]', "item 0: id"),
    ],
)
def test_integreat_failures_change_nothing_and_exit_1(
    cms: tuple[str, Recordings], kb_dir: Path, route: str, answer: object, message: str
) -> None:
    base_url, recordings = cms
    assert _run(base_url, kb_dir)[0] == 0
    before = _snapshot(kb_dir)

    recordings.routes[f"/api/v3/{REGION}/de/pages/"] = "pages-de-v2.json"  # would change
    recordings.routes[f"/api/v3/{REGION}/{route}"] = answer
    code, out, err = _run(base_url, kb_dir, timeout="1" if isinstance(answer, float) else "20")
    assert code == 1
    assert message in err and "nothing was changed" in err
    assert f"/api/v3/{REGION}/{route}" in err
    assert out == ""
    assert _snapshot(kb_dir) == before  # the last good import keeps serving
    assert not list(kb_dir.glob(".import-*"))  # no staging folder left behind
    load_knowledge(kb_dir)


def test_integreat_unknown_region_is_a_clear_error(
    cms: tuple[str, Recordings], tmp_path: Path
) -> None:
    base_url, recordings = cms
    recordings.routes.clear()
    code, _, err = _run(base_url, tmp_path)
    assert code == 1
    assert f"/api/v3/{REGION}/languages/: HTTP 404 (unknown region or language?)" in err
    assert not (tmp_path / "pages").exists()


def test_integreat_region_without_a_city_asks_for_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["kb", "import-integreat", "kreis-x", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--city" in result.stderr


def test_integreat_offices_file_is_plain_yaml(cms: tuple[str, Recordings], kb_dir: Path) -> None:
    base_url, _ = cms
    assert _run(base_url, kb_dir)[0] == 0
    text = (kb_dir / f"offices-integreat-{REGION}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Written by `lotse kb import-integreat testregion`")
    doc = YAML(typ="safe").load(text)
    assert [o["id"] for o in doc["offices"]] == [
        "integreat-testregion-41",
        "integreat-testregion-42",
    ]
