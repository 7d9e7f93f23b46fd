"""The Telegram channel: python-telegram-bot updates in, Lotse replies out."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import secrets
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from telegram import CallbackQuery, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from adapters.telegram_replies import FEEDBACK_DATA, reply_markup, reply_text, split_text
from adapters.telegram_updates import CHANNEL, ChatOrderedUpdateProcessor, incoming_from_update
from adapters.telegram_webhook import WebhookServer
from bot.errors import AuthenticationError, ChannelError, DeliveryError, PermanentDeliveryError
from bot.messages import ChannelName, ConversationRef, Reply
from bot.ports import MessageHandler

# PTB 22 warns on every RetryAfter unless time periods are opted in as timedelta; the int form
# is deprecated, so opt in rather than drown the log (and fail warning-strict tests).
os.environ.setdefault("PTB_TIMEDELTA", "true")

log = logging.getLogger(__name__)

T = TypeVar("T")
_App = Application[Any, Any, Any, Any, Any, Any]

ALLOWED_UPDATES = ("message", "callback_query")
HANDLING_GRACE_SECONDS = 3.0
"""How long a stop lets the updates in hand finish; the rest is fetched again next start."""
CONFIRM_TIMEOUT_SECONDS = 2.0
"""How long a stop waits to confirm handled updates to Telegram (which may be unreachable)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookConfig:
    """Receive updates on a local HTTP server that Telegram posts to (instead of polling).

    Telegram posts to ``public_url``, the webhook's full public address; a reverse proxy passes
    it on to ``listen``:``port``, where the server answers on ``url_path`` (by default the path
    of ``public_url``). ``secret_token`` (1-256 of ``A-Za-z0-9_-``) must come with every post;
    without one the adapter makes up a new one at each start.
    """

    public_url: str
    listen: str = "127.0.0.1"
    port: int = 8443
    url_path: str | None = None
    secret_token: str | None = None

    @property
    def local_path(self) -> str:
        path = self.url_path if self.url_path is not None else urlsplit(self.public_url).path
        return path.strip("/")


class TelegramAdapter:
    """A ``bot.ports.ChatAdapter`` on the Telegram Bot API (python-telegram-bot 22)."""

    def __init__(
        self,
        *,
        token: str,
        base_url: str | None = None,
        webhook: WebhookConfig | None = None,
        poll_timeout: float = 30.0,
        request_timeout: float = 10.0,
        max_attempts: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_retry_after: float = 60.0,
    ) -> None:
        """``base_url`` is a Bot API server other than Telegram's, such as
        ``http://127.0.0.1:8081/bot`` (the token is appended); ``None`` means Telegram's.
        A failed call is tried at most ``max_attempts`` times, backing off from ``backoff``
        seconds; a flood wait longer than ``max_retry_after`` seconds is not waited out."""
        if not token:
            raise AuthenticationError("the Telegram bot token is empty")
        self._webhook = webhook
        self._poll_timeout = poll_timeout
        self._max_attempts = max(1, max_attempts)
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._max_retry_after = max_retry_after
        self._on_message: MessageHandler | None = None
        self._redactor = TokenRedactor(token)
        self._running = False
        self._ready = asyncio.Event()
        self._poller: asyncio.Task[None] | None = None
        self._webhook_server: WebhookServer | None = None
        self._offset: int | None = None
        self._handling = False
        self._stopping = False
        builder = (
            ApplicationBuilder()
            .token(token)
            .request(_http(request_timeout, pool_size=64))
            .get_updates_request(_http(request_timeout, pool_size=1))
            .rate_limiter(AIORateLimiter(max_retries=2))
            .job_queue(None)
            .concurrent_updates(ChatOrderedUpdateProcessor())
        )
        if base_url:
            builder = builder.base_url(base_url)
            if base_url.endswith("/bot"):
                builder = builder.base_file_url(base_url.removesuffix("bot") + "file/bot")
        with self._redactor.installed():
            self._application: _App = builder.build()
        self._application.add_handler(TypeHandler(Update, self._on_update))
        self._application.add_error_handler(self._on_handler_error)

    @property
    def name(self) -> ChannelName:
        return CHANNEL

    def is_ready(self) -> bool:
        """Connected and receiving now (for /readyz)."""
        return self._ready.is_set()

    async def wait_ready(self) -> None:
        """Return once ``run`` has checked the token and receives updates; ``send`` works
        from then on."""
        await self._ready.wait()

    # -- receiving -------------------------------------------------------------------------

    async def run(self, on_message: MessageHandler) -> None:
        """Receive updates until cancelled; then stop fetching, finish the update in hand and
        shut python-telegram-bot down."""
        self._on_message = on_message
        app = self._application
        with self._redactor.installed():
            await self._serve(app)

    async def _serve(self, app: _App) -> None:
        try:
            async with app:
                try:
                    await self._start_receiving(app)
                    self._running = True
                    await app.start()
                    log.info(
                        "Telegram adapter running (%s)", "webhook" if self._webhook else "polling"
                    )
                    self._ready.set()
                    if self._webhook is None:
                        self._poller = asyncio.create_task(self._poll(app), name="telegram-poll")
                        # Shielded: a stop lets the batch in hand finish (see _stop).
                        await asyncio.shield(self._poller)
                    else:
                        await asyncio.Event().wait()
                finally:
                    # Updates fetched before the stop are still handled, and may still reply.
                    await self._stop(app)
                    self._running = False
                    self._ready.clear()
        except InvalidToken:
            # PTB's own message quotes the token; keep it out of logs and tracebacks.
            raise AuthenticationError("Telegram rejected the bot token") from None
        except TelegramError as exc:
            raise ChannelError(f"Telegram failed: {exc.message}") from exc
        finally:
            # A failed start leaves PTB's HTTP clients open (Application.shutdown skips them).
            await app.bot.shutdown()

    async def _start_receiving(self, app: _App) -> None:
        if self._webhook is None:
            # Own polling instead of the Updater's: an update is confirmed to Telegram (the
            # next getUpdates offset) only once it was handled, so a crash loses none.
            await self._call("deleteWebhook", app.bot.delete_webhook)
            return
        # Own webhook server: a post is answered 200 only after its update was handled.
        hook = self._webhook

        async def handle(data: dict[str, Any]) -> None:
            update = Update.de_json(data, app.bot)
            await app.update_processor.process_update(update, app.process_update(update))

        secret = hook.secret_token or secrets.token_urlsafe(32)
        self._webhook_server = WebhookServer(
            listen=hook.listen,
            port=hook.port,
            path=hook.local_path,
            secret_token=secret,
            handle=handle,
            shutdown_timeout=HANDLING_GRACE_SECONDS,
        )
        await self._webhook_server.start()
        set_webhook = functools.partial(
            app.bot.set_webhook,
            url=hook.public_url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
        )
        await self._call("setWebhook", set_webhook)

    # -- polling with confirmation after handling (delivery guarantees) ------------------------

    async def _poll(self, app: _App) -> None:
        """Fetch updates and hand each to PTB; confirm a batch only after it was handled.

        Telegram forgets an update once a later getUpdates names a higher offset. Each batch
        is handled to the end (its messages committed and their replies in the outbox)
        before that offset is sent, so a crash before then gets the batch again; the core
        drops the ones it already committed (processed message ids)."""
        delay = self._backoff
        while not self._stopping:
            try:
                updates = await app.bot.get_updates(
                    offset=self._offset,
                    timeout=timedelta(seconds=self._poll_timeout),
                    allowed_updates=ALLOWED_UPDATES,
                )
            except InvalidToken:
                raise
            except RetryAfter as exc:
                _log_polling_error(exc)
                await asyncio.sleep(min(_seconds(exc.retry_after), self._max_retry_after))
                continue
            except TelegramError as exc:
                _log_polling_error(exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_backoff)
                continue
            delay = self._backoff
            if updates:
                self._handling = True
                try:
                    await self._handle_batch(app, updates)
                finally:
                    self._handling = False

    async def _handle_batch(self, app: _App, updates: tuple[Update, ...]) -> None:
        """Handle a batch (chats at once, each chat in order); move the offset past every
        update handled without a gap, also when a stop cancels the batch half-way."""
        done: set[int] = set()

        async def one(update: Update) -> None:
            await app.update_processor.process_update(update, app.process_update(update))
            done.add(update.update_id)

        try:
            async with asyncio.TaskGroup() as group:
                for update in updates:
                    group.create_task(one(update))
        finally:
            for update in sorted(updates, key=lambda u: u.update_id):
                if update.update_id not in done:
                    break
                self._offset = update.update_id + 1

    async def _confirm(self, app: _App) -> None:
        """On stop, tell Telegram which updates were handled; bounded, as it may be away."""
        if self._offset is None:
            return
        try:
            async with asyncio.timeout(CONFIRM_TIMEOUT_SECONDS):
                await app.bot.get_updates(
                    offset=self._offset,
                    timeout=0,
                    read_timeout=CONFIRM_TIMEOUT_SECONDS,
                    allowed_updates=ALLOWED_UPDATES,
                )
        except (TelegramError, TimeoutError) as exc:
            # Not lost: Telegram sends them again and the core drops the duplicates.
            log.info("could not confirm handled updates on stop (%s)", type(exc).__name__)

    async def _stop(self, app: _App) -> None:
        if self._poller is not None:
            # Stop fetching at once; a batch in hand may finish within the grace period.
            self._stopping = True
            if not self._handling:
                self._poller.cancel()
            await asyncio.wait({self._poller}, timeout=HANDLING_GRACE_SECONDS)
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._stopping = False
            self._poller = None
            if self._offset is not None:
                await self._confirm(app)
        if self._webhook_server is not None:
            await self._webhook_server.stop()
            self._webhook_server = None
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        log.info("Telegram adapter stopped")

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await self._answer(update.callback_query)
            await self._retire_rating_buttons(update.callback_query)
        incoming = incoming_from_update(update)
        if incoming is None:
            log.debug("Ignoring Telegram update %s", update.update_id)
            return
        assert self._on_message is not None
        await self._on_message(incoming)

    async def _answer(self, query: CallbackQuery) -> None:
        """Stop the button's spinner; a failure here must not lose the click itself."""
        try:
            await self._call("answerCallbackQuery", query.answer)
        except DeliveryError as exc:
            log.warning("Could not answer a Telegram callback query: %s", exc)

    async def _retire_rating_buttons(self, query: CallbackQuery) -> None:
        """After a rating, take 👍/👎 off the message so it is rated once; keep other buttons."""
        message = query.message
        if query.data not in FEEDBACK_DATA or not isinstance(message, Message):
            return
        markup = message.reply_markup
        if markup is None:
            return
        rows = [
            row
            for row in markup.inline_keyboard
            if not any(button.callback_data in FEEDBACK_DATA for button in row)
        ]
        remaining = InlineKeyboardMarkup(rows) if rows else None
        try:
            await self._call(
                "editMessageReplyMarkup",
                functools.partial(query.edit_message_reply_markup, reply_markup=remaining),
            )
        except DeliveryError as exc:
            log.debug("Could not remove the rating buttons: %s", exc)

    @staticmethod
    async def _on_handler_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("Handling Telegram update %s failed", update_id, exc_info=context.error)

    # -- sending ---------------------------------------------------------------------------

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        """Deliver ``reply``: its text (split to fit), buttons, venue and document, in order.
        Each Bot API call is retried on its own, so a retry never repeats a delivered part."""
        await self.send_parts(to, reply, skip=0, part_sent=_nothing)

    async def send_parts(
        self,
        to: ConversationRef,
        reply: Reply,
        *,
        skip: int,
        part_sent: Callable[[int], Awaitable[None]],
    ) -> None:
        """``bot.ports.PartwiseSender``: the parts after the first ``skip``, each reported."""
        if not self._running:
            raise DeliveryError("the Telegram adapter is not running")
        if to.channel != CHANNEL:
            raise DeliveryError(f"cannot send to a {to.channel} conversation over Telegram")
        try:
            chat_id = int(to.chat_id)
        except ValueError as exc:
            raise DeliveryError("a Telegram chat id must be an integer") from exc
        thread = _thread(to)
        bot = self._application.bot
        chunks = split_text(reply_text(reply))
        markup = reply_markup(reply)
        part = 0

        async def sent() -> None:
            nonlocal part
            part += 1
            await part_sent(part)

        for index, chunk in enumerate(chunks):
            if part < skip:
                part += 1
                continue
            keyboard = markup if index == len(chunks) - 1 else None
            send = functools.partial(
                bot.send_message,
                chat_id,
                chunk,
                reply_markup=keyboard,
                message_thread_id=thread,
            )
            await self._call("sendMessage", send)
            await sent()
        if reply.venue is not None and part < skip:
            part += 1
        elif reply.venue is not None:
            venue = reply.venue
            send_venue = functools.partial(
                bot.send_venue,
                chat_id,
                latitude=venue.lat,
                longitude=venue.lon,
                title=venue.name,
                address=venue.address,
                message_thread_id=thread,
            )
            await self._call("sendVenue", send_venue)
            await sent()
        if reply.document is not None and part >= skip:
            doc = reply.document
            upload = InputFile(doc.content, filename=doc.filename)
            upload.mimetype = doc.mime_type  # PTB would guess it from the file name
            send_doc = functools.partial(
                bot.send_document, chat_id, document=upload, message_thread_id=thread
            )
            await self._call("sendDocument", send_doc)
            await sent()

    async def open_thread(self, chat: ConversationRef, title: str) -> str:
        """``bot.ports.ThreadOpener``: a new topic in a forum group; returns its thread id."""
        if not self._running:
            raise DeliveryError("the Telegram adapter is not running")
        try:
            chat_id = int(chat.chat_id)
        except ValueError as exc:
            raise DeliveryError("a Telegram chat id must be an integer") from exc
        create = functools.partial(self._application.bot.create_forum_topic, chat_id, title)
        topic = await self._call("createForumTopic", create)
        return str(topic.message_thread_id)

    async def _call(self, what: str, request: Callable[[], Awaitable[T]]) -> T:
        """One Bot API call with bounded retries on flood waits and transient failures.

        The rate limiter already retries 429s; what it gives up on, and network errors,
        timeouts and 5xx (a request that never reached the server), are retried here.
        """
        delay = self._backoff
        attempt = 0
        while True:
            attempt += 1
            try:
                return await request()
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after) + 0.1
                failure: TelegramError = exc
                if wait > self._max_retry_after:
                    raise DeliveryError(f"Telegram {what}: flood wait of {wait:.0f}s") from exc
            except InvalidToken:
                raise AuthenticationError("Telegram rejected the bot token") from None
            except (BadRequest, Forbidden) as exc:
                # 400 (chat not found, bad request) and 403 (blocked, kicked): for good.
                raise PermanentDeliveryError(
                    f"Telegram refused {what}: {exc.message}",
                    reason=f"Telegram {what} {type(exc).__name__}: {exc.message}",
                ) from exc
            except NetworkError as exc:
                wait, delay = delay, min(delay * 2, self._max_backoff)
                failure = exc
            except TelegramError as exc:
                raise DeliveryError(f"Telegram refused {what}: {exc.message}") from exc
            if attempt >= self._max_attempts or not self._running:
                raise DeliveryError(
                    f"Telegram {what} failed {attempt} times: {failure.message}"
                ) from failure
            log.warning(
                "Telegram %s failed (%s), attempt %d of %d; retrying in %.1fs",
                what,
                type(failure).__name__,
                attempt,
                self._max_attempts,
                wait,
            )
            await asyncio.sleep(wait)


class TokenRedactor(logging.Filter):
    """Bot API URLs carry the bot's token, and httpx logs every one at INFO (PTB at DEBUG)."""

    LOGGERS = ("httpx", "telegram.ext.ExtBot", "telegram.Bot")

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    @contextmanager
    def installed(self) -> Iterator[None]:
        loggers = [logging.getLogger(name) for name in self.LOGGERS]
        for logger in loggers:
            logger.addFilter(self)
        try:
            yield
        finally:
            for logger in loggers:
                logger.removeFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<token>")
            record.args = None
        return True


async def _nothing(_: int) -> None:
    """``part_sent`` for a plain ``send``: nothing to mark."""


def _thread(to: ConversationRef) -> int | None:
    if to.thread_id is None:
        return None
    try:
        return int(to.thread_id)
    except ValueError as exc:
        raise DeliveryError("a Telegram thread id must be an integer") from exc


def _seconds(period: int | timedelta) -> float:
    return period.total_seconds() if isinstance(period, timedelta) else float(period)


def _http(timeout: float, *, pool_size: int) -> HTTPXRequest:
    return HTTPXRequest(
        connection_pool_size=pool_size,
        connect_timeout=timeout,
        read_timeout=timeout,
        write_timeout=timeout,
        pool_timeout=timeout,
    )


def _log_polling_error(error: TelegramError) -> None:
    log.warning("Fetching Telegram updates failed (%s); retrying", type(error).__name__)
