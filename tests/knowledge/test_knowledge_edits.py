"""Admins' edits: the validator catches what would break the bot, and nothing an editor leaves
in the folder stops a running bot."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import shutil
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.app import build_core, serve
from bot.knowledge_store import KnowledgeStore
from bot.settings import Settings
from bot.texts import Texts
from knowledge.loader import BUNDLED_DIR, load_knowledge, validate_dir
from knowledge.required import REQUIRED_MESSAGES

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(BUNDLED_DIR, target)
    return target


def _replace_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_validator_names_a_wrong_placeholder_in_the_reminder(kb_copy: Path) -> None:
    booking = kb_copy / "messages" / "booking.yaml"
    _replace_line(booking, "bei {office}. Wenn", "bei {ofice}. Wenn")
    ok, lines = validate_dir(kb_copy)
    assert not ok
    line = next(i for i, t in enumerate(booking.read_text().splitlines(), 1) if "{ofice}" in t)
    assert any(
        out.startswith(f"kb/messages/booking.yaml:{line}: ")
        and "booking_reminder" in out
        and "{ofice}" in out
        and "'de'" in out
        for out in lines
    ), lines


def test_validator_names_a_broken_brace(kb_copy: Path) -> None:
    _replace_line(kb_copy / "messages" / "booking.yaml", "bei {office}. Wenn", "bei {office. Wenn")
    ok, lines = validate_dir(kb_copy)
    assert not ok and any("booking_reminder" in out and "broken" in out for out in lines)


def test_validator_requires_every_message_the_code_uses(kb_copy: Path) -> None:
    core = kb_copy / "messages" / "core.yaml"
    text = core.read_text(encoding="utf-8")
    start = text.index("\nerror:\n") + 1
    end = text.index("\n", text.index("\n  fr:", start) + 1) + 1
    core.write_text(text[:start] + text[end:], encoding="utf-8")
    ok, lines = validate_dir(kb_copy)
    assert not ok
    assert any(out.endswith("missing: message 'error' (the bot needs it)") for out in lines)


def test_validator_finds_a_duplicated_example(kb_copy: Path) -> None:
    german = kb_copy / "examples" / "de.yaml"
    _replace_line(
        german,
        "  - anmeldung wohnung wie lange habe ich zeit\n",
        "  - anmeldung wohnung wie lange habe ich zeit\n"
        "  - Anmeldung  wohnung wie lange habe ich zeit\n",
    )
    ok, lines = validate_dir(kb_copy)
    assert not ok
    assert lines == ["kb/examples/de.yaml:4: duplicate example"], lines


def test_a_wrong_placeholder_never_crashes_a_running_bot() -> None:
    kb = load_knowledge(BUNDLED_DIR)
    broken = dict(kb.messages)
    broken["booking_reminder"] = {**kb.messages["booking_reminder"], "de": "Morgen {wann} {0}"}
    texts = Texts(dataclasses.replace(kb, messages=broken))
    text = texts.message("booking_reminder", "de", when="Fr 10:00", office="Lanstrop")
    # The fallback language's correct text is used instead of failing the turn.
    assert "Fr 10:00" in text and "Lanstrop" in text
    everything_broken = {k: {lang: "{nope}" for lang in v} for k, v in broken.items()}
    texts = Texts(dataclasses.replace(kb, messages=everything_broken))
    assert texts.message("booking_reminder", "de", when="x", office="y") == ""


def _message_calls() -> dict[str, set[str]]:
    """Every literal message key in the code, with the placeholder names it passes."""
    found: dict[str, set[str]] = {}
    for path in [*(REPO / "bot").rglob("*.py"), *(REPO / "adapters").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            position = 2 if name == "_to_user" else 0
            if name not in ("msg", "message", "_to_user") or len(node.args) <= position:
                continue
            key = node.args[position]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names = {k.arg for k in node.keywords if k.arg}
                found.setdefault(key.value, set()).update(names)
    return found


def test_required_messages_are_in_step_with_the_code() -> None:
    used = _message_calls()
    assert len(used) > 50
    missing = sorted(set(used) - set(REQUIRED_MESSAGES))
    assert missing == [], f"add these keys to knowledge/required.py: {missing}"
    for key, names in used.items():
        assert names <= REQUIRED_MESSAGES[key], (key, names)


async def test_editor_debris_appearing_while_the_bot_runs_keeps_it_serving(
    kb_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await asyncio.to_thread(
        KnowledgeStore, kb_copy, encoder_factory=lambda: None, cache_dir=tmp_path / "cache"
    )
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        knowledge_dir=kb_copy,
        knowledge_poll_seconds=0.05,
        semantic=False,
    )
    memory = MemoryAdapter()
    core = await build_core(settings, adapters=(memory,), knowledge=store)
    running = asyncio.create_task(serve(core, [memory], watch_knowledge=True))
    try:
        await asyncio.sleep(0.1)
        first = await memory.say("anna", "wo muss ich mich anmelden")
        kita = kb_copy / "intents" / "kita.yaml"
        good = kita.read_text(encoding="utf-8")
        # Emacs' lock (a dangling link), a Vim swap file, a backup, an autosave ...
        (kb_copy / "intents" / ".#kita.yaml").symlink_to("anna@host.12345:1700000000")
        (kb_copy / "intents" / ".kita.yaml.swp").write_bytes(b"b0VIM 9.0\x00\x00")
        (kb_copy / "intents" / "kita.yaml~").write_text(good, encoding="utf-8")
        (kb_copy / "intents" / "#kita.yaml#").write_text(good[:50], encoding="utf-8")
        (kb_copy / "messages" / ".core.yaml.tmp").write_text("error: [", encoding="utf-8")
        await asyncio.sleep(0.3)
        # ... and the file itself half-written.
        # (cut inside the header: with only de and en required, a third of it can be valid)
        kita.write_text(good[:40], encoding="utf-8")
        for _ in range(600):  # a reload reads every file: seconds on a busy machine
            await asyncio.sleep(0.05)
            if any("kb/intents/kita.yaml:" in r.getMessage() for r in caplog.records):
                break
        assert any("kb/intents/kita.yaml:" in r.getMessage() for r in caplog.records)
        assert not running.done()
        assert core.knowledge.kb.intents["kita"].reply
        again = await memory.say("anna", "wo muss ich mich anmelden")
        assert again[0].text == first[0].text
        # The save completes: the new version serves, the debris is still there.
        kita.write_text(good.replace("Kita", "KiTa"), encoding="utf-8")
        for _ in range(600):
            await asyncio.sleep(0.05)
            if "KiTa" in str(core.knowledge.kb.intents["kita"].reply):
                break
        assert "KiTa" in str(core.knowledge.kb.intents["kita"].reply)
        assert not running.done()
    finally:
        memory.stop()
        await running
        await core.close()
