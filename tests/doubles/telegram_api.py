"""A local Telegram Bot API server for tests: real HTTP on 127.0.0.1, scripted users, faults."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from tests.doubles.telegram_wire import (
    STICKER,
    TEXT_LIMIT,
    ApiError,
    JsonDict,
    UploadedFile,
    chat_json,
    checked_markup,
    error_response,
    message_json,
    photo_json,
    read_params,
    user_json,
    utf16_len,
)

BOOKKEEPING_METHODS = frozenset(
    {
        "getme",
        "getupdates",
        "deletewebhook",
        "setwebhook",
        "getwebhookinfo",
        "getfile",
        "close",
        "logout",
        "setmycommands",
        "getmycommands",
        "deletemycommands",
    }
)
"""Methods that do not deliver anything to a user; they never appear in ``sent``."""


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Bot API request as the double understood it."""

    method: str
    params: JsonDict
    files: dict[str, UploadedFile] = field(default_factory=dict)
    result: Any = None
    """What the double answered (for ``sent``: the Message it created, or True)."""


@dataclass(frozen=True, slots=True)
class _Fault:
    status: int
    retry_after: int | None
    stall: float
    description: str


@dataclass(slots=True)
class _Webhook:
    url: str
    secret_token: str | None


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class TelegramDouble:
    """A Bot API server on 127.0.0.1 that real python-telegram-bot can talk to.

    Use as ``async with TelegramDouble() as tg:``; point PTB's ``base_url`` at ``tg.base_url``.
    Push what users do with ``user_says`` and friends; read what the bot did in ``sent``.
    """

    def __init__(
        self,
        *,
        token: str = "123456789:AAH-lotse-test-token_0123456789abcdef",
        bot_username: str = "lotse_test_bot",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.requests: list[ApiCall] = []
        """Every request that arrived, in order, faulted and rejected ones included."""
        self.sent: list[ApiCall] = []
        """Every request that delivered something to a user (sendMessage ...), in order."""
        self.faults_served: list[tuple[str, int]] = []
        """(method, status) for every injected fault that was served; status 0 = stalled."""
        self.answered_callbacks: dict[str, JsonDict] = {}
        self.webhook_deliveries = 0
        self.forums: set[int] = set()
        """Chats that are supergroups with topics (see ``make_forum``)."""
        self.topics: dict[tuple[int, int], str] = {}
        """(chat id, message_thread_id) -> name of every forum topic the bot created."""
        self._updates: list[JsonDict] = []
        self._update_ids = itertools.count(500_000)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[tuple[int, int], JsonDict] = {}
        self._callback_ids = itertools.count(7_000_000)
        self._open_callbacks: set[str] = set()
        self._faults: dict[str, deque[_Fault]] = {}
        self._webhook: _Webhook | None = None
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._port = 0
        self._methods: dict[str, Callable[[JsonDict, dict[str, UploadedFile]], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "createforumtopic": self._create_forum_topic,
            "answercallbackquery": self._answer_callback_query,
            "sendvenue": self._send_venue,
            "senddocument": self._send_document,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "sendchataction": self._true,
            "getfile": self._get_file,
            "close": self._true,
            "logout": self._true,
            "setmycommands": self._true,
            "deletemycommands": self._true,
            "getmycommands": self._no_commands,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> TelegramDouble:
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = _free_socket()
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._session = aiohttp.ClientSession()
        self._delivery = asyncio.create_task(self._deliver_to_webhook(), name="tg-double-webhook")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing.set()
        self._notify()
        if self._delivery is not None:
            self._delivery.cancel()
            await asyncio.gather(self._delivery, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """The value for PTB's ``base_url``; PTB appends the token."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def webhook_url(self) -> str | None:
        return self._webhook.url if self._webhook else None

    def make_forum(self, chat_id: int) -> None:
        """Turn the group ``chat_id`` into a supergroup with topics."""
        self.forums.add(chat_id)

    # -- what users do -------------------------------------------------------------------------

    def user_says(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "ar",
        first_name: str = "Test",
        thread_id: int | None = None,
    ) -> JsonDict:
        """A user types ``text``; a leading ``/word`` is marked as a bot command.
        ``thread_id`` is a forum topic of the chat to write in."""
        extra: JsonDict = {"text": text}
        if thread_id is not None:
            extra.update(self._in_topic(chat_id, thread_id))
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._user_message(chat_id, user_id, language_code, first_name, extra)

    def user_shares_location(
        self, chat_id: int, lat: float, lon: float, *, language_code: str | None = "ar"
    ) -> JsonDict:
        extra = {"location": {"latitude": lat, "longitude": lon}}
        return self._user_message(chat_id, None, language_code, "Test", extra)

    def user_sends_photo(self, chat_id: int, *, caption: str | None = None) -> JsonDict:
        extra: JsonDict = {"photo": photo_json(chat_id)}
        if caption is not None:
            extra["caption"] = caption
        return self._user_message(chat_id, None, "ar", "Test", extra)

    def user_sends_sticker(self, chat_id: int) -> JsonDict:
        return self._user_message(chat_id, None, "ar", "Test", {"sticker": STICKER})

    def user_sends_voice(self, chat_id: int, *, seconds: int = 3) -> JsonDict:
        voice = {"file_id": "voice-1", "file_unique_id": "v1", "duration": seconds}
        return self._user_message(chat_id, None, "ar", "Test", {"voice": voice})

    def user_sends_document(self, chat_id: int, *, filename: str = "scan.pdf") -> JsonDict:
        doc = {"file_id": "doc-1", "file_unique_id": "d1", "file_name": filename}
        return self._user_message(chat_id, None, "ar", "Test", {"document": doc})

    def user_clicks(
        self,
        chat_id: int,
        callback_data: str,
        message_id: int,
        *,
        user_id: int | None = None,
        language_code: str | None = "ar",
    ) -> str:
        """A user presses an inline button under ``message_id``; returns the callback query id."""
        query_id = str(next(self._callback_ids))
        self._open_callbacks.add(query_id)
        message = self._messages.get((chat_id, message_id)) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat_json(chat_id),
        }
        query = {
            "id": query_id,
            "from": user_json(user_id or chat_id, language_code, "Test"),
            "message": message,
            "chat_instance": f"ci-{chat_id}",
            "data": callback_data,
        }
        self.push_update({"callback_query": query})
        return query_id

    def push_update(self, update: JsonDict) -> int:
        """Queue a raw update (without ``update_id``); returns the id it got."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._notify()
        return update_id

    # -- faults --------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error, without processing them."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or {
            429: f"Too Many Requests: retry after {retry_after}",
            500: "Internal Server Error",
            502: "Bad Gateway",
            400: "Bad Request: chat not found",
            403: "Forbidden: bot was blocked by the user",
        }.get(status, f"Error {status}")
        for _ in range(times):
            self._faults.setdefault(method.lower(), deque()).append(
                _Fault(status=status, retry_after=retry_after, stall=0.0, description=text)
            )

    def stall_next(self, method: str, *, seconds: float, times: int = 1) -> None:
        """Hold the next calls of ``method`` for ``seconds`` (past the client's timeout), then
        drop them unprocessed: the client sees a timeout and nothing was delivered."""
        for _ in range(times):
            self._faults.setdefault(method.lower(), deque()).append(
                _Fault(status=504, retry_after=None, stall=seconds, description="Gateway Timeout")
            )

    def clear_faults(self) -> None:
        """Forget the faults not served yet: Telegram is reachable again."""
        self._faults.clear()

    # -- waiting -------------------------------------------------------------------------------

    async def wait_for_sent(self, n: int, timeout: float = 10.0) -> list[ApiCall]:  # noqa: ASYNC109
        """Wait until at least ``n`` delivering calls were processed; returns ``sent``."""
        await self._wait_until(lambda: len(self.sent) >= n, timeout, f"{n} sent calls")
        return list(self.sent)

    async def wait_for_request(self, method: str, timeout: float = 10.0) -> ApiCall:  # noqa: ASYNC109
        """Wait until a request for ``method`` has arrived; returns the first one."""
        wanted = method.lower()

        def arrived() -> bool:
            return any(c.method.lower() == wanted for c in self.requests)

        await self._wait_until(arrived, timeout, f"a {method} request")
        return next(c for c in self.requests if c.method.lower() == wanted)

    async def wait_until_consumed(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has fetched and confirmed every queued update."""
        await self._wait_until(lambda: not self._updates, timeout, "all updates consumed")

    async def wait_for(self, ready: Callable[[], bool], what: str, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until ``ready()`` holds, re-checking whenever a request arrives."""
        await self._wait_until(ready, timeout, what)

    def sent_by(self, method: str) -> list[ApiCall]:
        return [c for c in self.sent if c.method.lower() == method.lower()]

    async def _wait_until(self, ready: Callable[[], bool], within: float, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not ready():
            remaining = deadline - loop.time()
            if remaining <= 0:
                summary = [c.method for c in self.requests]
                raise AssertionError(f"timed out waiting for {what}; requests: {summary}")
            await self._wait_changed(remaining)

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _wait_changed(self, within: float) -> None:
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await changed.wait()

    # -- HTTP ----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return error_response(ApiError(401, "Unauthorized"))
        params, files = await read_params(request)
        call = ApiCall(method=method, params=params, files=files)
        self.requests.append(call)
        self._notify()
        fault = self._take_fault(method)
        if fault is not None:
            return await self._serve_fault(method, fault)
        handler = self._methods.get(method.lower())
        if handler is None:
            return error_response(ApiError(404, "Not Found: method not found"))
        try:
            result = await handler(params, files)
        except ApiError as exc:
            return error_response(exc)
        if method.lower() not in BOOKKEEPING_METHODS:
            self.sent.append(ApiCall(method=method, params=params, files=files, result=result))
            self._notify()
        return web.json_response({"ok": True, "result": result})

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method.lower())
        return queue.popleft() if queue else None

    async def _serve_fault(self, method: str, fault: _Fault) -> web.StreamResponse:
        if fault.stall:
            self.faults_served.append((method, 0))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(fault.stall):
                    await self._closing.wait()
            return error_response(ApiError(fault.status, fault.description))
        self.faults_served.append((method, fault.status))
        if fault.status == 502:
            # Like a reverse proxy in front of the Bot API: HTML, not JSON.
            html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
            return web.Response(status=502, text=html, content_type="text/html")
        parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
        return error_response(ApiError(fault.status, fault.description, parameters))

    # -- Bot API methods -----------------------------------------------------------------------

    async def _true(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        return True

    async def _no_commands(self, params: JsonDict, files: dict[str, UploadedFile]) -> list[Any]:
        return []

    async def _get_me(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: JsonDict, files: dict[str, UploadedFile]) -> Any:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (self._updates or self._closing.is_set() or self._webhook):
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self._wait_changed(remaining)
        return self._updates[:limit] if self._webhook is None else []

    async def _delete_webhook(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        self._webhook = None
        if str(params.get("drop_pending_updates")).lower() == "true":
            self._updates.clear()
        self._notify()
        return True

    async def _set_webhook(self, params: JsonDict, files: dict[str, UploadedFile]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params, files)
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        secret = params.get("secret_token")
        self._webhook = _Webhook(url=url, secret_token=str(secret) if secret else None)
        if str(params.get("drop_pending_updates")).lower() == "true":
            self._updates.clear()
        self._notify()
        return True

    async def _get_webhook_info(self, params: JsonDict, files: dict[str, UploadedFile]) -> Any:
        return {
            "url": self._webhook.url if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _send_message(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat_id = self._chat_id(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > TEXT_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        content: JsonDict = {"text": text}
        markup = params.get("reply_markup")
        if markup is not None:
            content["reply_markup"] = checked_markup(markup)
        thread = params.get("message_thread_id")
        if thread is not None:
            content.update(self._in_topic(chat_id, int(thread)))
        return self._bot_message(chat_id, content)

    async def _create_forum_topic(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> JsonDict:
        chat_id = self._chat_id(params)
        name = str(params.get("name") or "")
        if chat_id not in self.forums:
            raise ApiError(400, "Bad Request: the chat is not a forum")
        if not 1 <= len(name) <= 128:
            raise ApiError(400, "Bad Request: invalid forum topic name specified")
        thread = self._next_message_id(chat_id)  # a topic's id is its service message's id
        self.topics[(chat_id, thread)] = name
        return {"message_thread_id": thread, "name": name, "icon_color": 7322096}

    def _in_topic(self, chat_id: int, thread: int) -> JsonDict:
        if (chat_id, thread) not in self.topics:
            raise ApiError(400, "Bad Request: message thread not found")
        return {"message_thread_id": thread, "is_topic_message": True}

    async def _answer_callback_query(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired "
                "or query ID is invalid",
            )
        self._open_callbacks.discard(query_id)
        self.answered_callbacks[query_id] = params
        return True

    async def _send_venue(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat_id = self._chat_id(params)
        try:
            lat, lon = float(params["latitude"]), float(params["longitude"])
            title, address = str(params["title"]), str(params["address"])
        except (KeyError, ValueError) as exc:
            raise ApiError(400, f"Bad Request: bad venue: {exc}") from exc
        location = {"latitude": lat, "longitude": lon}
        venue = {"location": location, "title": title, "address": address}
        return self._bot_message(chat_id, {"venue": venue, "location": location})

    async def _send_document(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        chat_id = self._chat_id(params)
        upload = files.get("document")
        if upload is None and not params.get("document"):
            raise ApiError(400, "Bad Request: there is no document in the request")
        document: JsonDict = {"file_id": f"doc-{len(self.sent)}", "file_unique_id": "du"}
        if upload is not None:
            document.update(
                file_name=upload.filename,
                mime_type=upload.content_type,
                file_size=len(upload.content),
            )
        content: JsonDict = {"document": document}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._bot_message(chat_id, content)

    async def _edit_message_reply_markup(
        self, params: JsonDict, files: dict[str, UploadedFile]
    ) -> JsonDict:
        chat_id = self._chat_id(params)
        message = self._messages.get((chat_id, int(params.get("message_id") or 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = checked_markup(markup)
        return message

    async def _get_file(self, params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
        file_id = str(params.get("file_id") or "")
        return {"file_id": file_id, "file_unique_id": "fu", "file_path": f"files/{file_id}"}

    # -- webhook delivery ----------------------------------------------------------------------

    async def _deliver_to_webhook(self) -> None:
        """Like Telegram: POST each update to the webhook in order, retrying until it is taken."""
        assert self._session is not None
        while not self._closing.is_set():
            webhook = self._webhook
            if webhook is None or not self._updates:
                await self._wait_changed(1.0)
                continue
            update = self._updates[0]
            headers = {}
            if webhook.secret_token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
            try:
                async with self._session.post(webhook.url, json=update, headers=headers) as resp:
                    taken = resp.status == 200
            except aiohttp.ClientError:
                taken = False
            if taken:
                self.webhook_deliveries += 1
                if self._updates and self._updates[0] is update:
                    self._updates.pop(0)
                self._notify()
            else:
                await asyncio.sleep(0.2)

    # -- building JSON -------------------------------------------------------------------------

    def _bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Lotse",
            "username": self.bot_username,
        }

    @staticmethod
    def _chat_id(params: JsonDict) -> int:
        try:
            return int(params["chat_id"])
        except (KeyError, ValueError) as exc:
            raise ApiError(400, "Bad Request: chat not found") from exc

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _bot_message(self, chat_id: int, content: JsonDict) -> JsonDict:
        message_id = self._next_message_id(chat_id)
        message = message_json(
            chat_id, message_id, self._bot_user(), content, forum=chat_id in self.forums
        )
        self._messages[(chat_id, message_id)] = message
        return message

    def _user_message(
        self,
        chat_id: int,
        user_id: int | None,
        language_code: str | None,
        first_name: str,
        content: JsonDict,
    ) -> JsonDict:
        sender = user_json(user_id or chat_id, language_code, first_name)
        message_id = self._next_message_id(chat_id)
        message = message_json(chat_id, message_id, sender, content, forum=chat_id in self.forums)
        self.push_update({"message": message})
        return message
