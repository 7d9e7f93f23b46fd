"""`lotse privacy report`: what is stored, how many rows, and for how long."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_privacy_report_lists_what_is_stored_and_for_how_long(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTSE_")}
    env.update(
        LOTSE_DATABASE_URL=f"sqlite:///{tmp_path / 'lotse.sqlite3'}",
        LOTSE_SEMANTIC="0",
        LOTSE_CACHE_DIR=str(tmp_path / "cache"),
        LOTSE_RETENTION_CONVERSATION_DAYS="14",
    )
    chat = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], input="hallo\n", capture_output=True, text=True,
        env=env, cwd=tmp_path, timeout=300, check=False,
    )  # fmt: skip
    assert chat.returncode == 0, chat.stderr
    done = subprocess.run(
        [sys.executable, "-m", "bot", "privacy", "report", "--json"], capture_output=True,
        text=True, env=env, cwd=tmp_path, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    stored = {line["table"]: line for line in json.loads(done.stdout)["stored"]}
    assert stored["conversations"]["rows"] == 1
    assert stored["conversations"]["kept"] == "14 days after the last message"
    assert stored["processed_messages"]["rows"] == 1 and stored["bookings"]["rows"] == 0
    assert stored["handover_messages"]["kept"].startswith("while the case is open")
    assert stored["conversations"]["oldest"] is not None
