"""The Telegram webhook: a small aiohttp server that answers 200 only after an update was handled.

python-telegram-bot's own webhook server answers 200 as soon as an update is queued, so a crash
before the message is committed loses it. Here the answer waits until the core has committed the
message (and put its replies in the outbox); without a 200 Telegram posts the update again, and
the core drops the copies it has already handled.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

UpdateHandler = Callable[[dict[str, Any]], Awaitable[None]]


class WebhookServer:
    """Serves POSTs on ``path`` at ``listen``:``port``; each must carry ``secret_token``."""

    def __init__(
        self,
        *,
        listen: str,
        port: int,
        path: str,
        secret_token: str,
        handle: UpdateHandler,
        shutdown_timeout: float,
    ) -> None:
        self._listen = listen
        self._port = port
        self._path = "/" + path.strip("/")
        self._secret = secret_token
        self._handle = handle
        self._shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(self._path, self._post)
        runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=self._shutdown_timeout
        )
        await runner.setup()
        await web.TCPSite(runner, self._listen, self._port).start()
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening; requests in hand get ``shutdown_timeout`` to finish (else no 200,
        and Telegram posts them again)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _post(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), self._secret.encode()):
            log.warning("a webhook post without the right secret token was refused")
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400)
        if not isinstance(data, dict) or "update_id" not in data:
            return web.Response(status=400)
        await self._handle(data)
        return web.Response(status=200)
