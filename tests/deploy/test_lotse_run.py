"""The container's start-up path: `lotse run` as a process, with Telegram (a local Bot API
double), answering, healthy and ready over HTTP, and stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

from tests.doubles.telegram_api import TelegramDouble


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_health_lotse_run_starts_answers_and_reports_ready(
    telegram_double: TelegramDouble, tmp_path: Path
) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTSE_")}
    env.update(
        LOTSE_DATABASE_URL=f"sqlite:///{tmp_path / 'lotse.sqlite3'}",
        LOTSE_CACHE_DIR=str(tmp_path / "cache"),  # empty: the shipped vectors must do
        LOTSE_TELEGRAM_TOKEN=telegram_double.token,
        LOTSE_TELEGRAM_BASE_URL=telegram_double.base_url,
        LOTSE_HTTP_LISTEN=f"127.0.0.1:{port}",
        LOTSE_LOG_FORMAT="json",
    )
    lotse = str(Path(sys.executable).with_name("lotse"))
    process = await asyncio.create_subprocess_exec(
        lotse, "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            ready = None
            for _ in range(600):
                await asyncio.sleep(0.1)
                try:
                    ready = await client.get("/readyz")
                except httpx.TransportError:
                    continue
                if ready.status_code == 200:
                    break
            assert ready is not None and ready.status_code == 200, ready and ready.text
            assert (await client.get("/healthz")).status_code == 200
            telegram_double.user_says(4242, "wo muss ich mich anmelden", language_code="de")
            (sent,) = await telegram_double.wait_for_sent(1, timeout=60)
            assert "Anmeldung" in str(sent.params.get("text", ""))
            metrics = (await client.get("/metrics")).text
            assert 'lotse_messages_total{channel="telegram",lang="de"} 1.0' in metrics
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 0, stderr.decode()[-2000:]
        assert "4242" not in stderr.decode()  # no chat id in the logs at INFO
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
