"""`lotse chat` as people use it: a real process reading piped stdin, replies on stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter, render
from bot.messages import Choice, Reply

REPO = Path(__file__).resolve().parents[2]


def chat(tmp_path: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LOTSE_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.sqlite3'}",
        "LOTSE_CACHE_DIR": os.environ.get("LOTSE_TEST_CACHE_DIR", str(REPO / ".lotse-cache")),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip


def test_piped_german_conversation_answers_deadline_and_where(tmp_path: Path) -> None:
    done = chat(tmp_path, "hallo\nwo muss ich mich anmelden\n")
    assert done.returncode == 0, done.stderr
    assert "Lotse" in done.stdout
    assert "zwei Wochen" in done.stdout
    assert "Ausländerbehörde" in done.stdout and "Bürgerdienste" in done.stdout
    assert "Traceback" not in done.stderr


def test_numbered_choice_can_be_typed(tmp_path: Path) -> None:
    done = chat(tmp_path, "/language\n3\nwo ist die kita\n")
    assert done.returncode == 0, done.stderr
    assert "  3. Українська" in done.stdout
    assert "Kita" in done.stdout
    tail = done.stdout.strip().split("\n\n")[-1]
    assert any("\u0400" <= ch <= "\u04ff" for ch in tail), "answers in Ukrainian after picking 3"


def test_end_of_input_exits_cleanly_and_state_is_kept(tmp_path: Path) -> None:
    first = chat(tmp_path, "/language\n4\n")
    assert first.returncode == 0
    second = chat(tmp_path, "hello\n")
    assert second.returncode == 0
    assert any("\u0400" <= ch <= "\u04ff" for ch in second.stdout), "Russian was remembered"


def test_empty_input_exits_with_no_output(tmp_path: Path) -> None:
    done = chat(tmp_path, "")
    assert done.returncode == 0 and done.stdout == ""


@pytest.mark.parametrize("line", ["", "\x1b[2J", "\u200f", "🙂🙂"])
def test_odd_lines_get_a_reply_not_a_traceback(tmp_path: Path, line: str) -> None:
    done = chat(tmp_path, line + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert "Traceback" not in done.stderr


def test_render_numbers_choices_from_one() -> None:
    reply = Reply(text="Which?", choices=(Choice(key="a", label="A"), Choice(key="b", label="B")))
    assert render(reply) == "Which?\n  1. A\n  2. B"


def test_console_adapter_name_and_conversation() -> None:
    adapter = ConsoleAdapter(user="amal")
    assert adapter.name == "console"
    assert adapter.conversation.chat_id == "amal"
