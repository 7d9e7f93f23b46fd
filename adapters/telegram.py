"""The Telegram channel: python-telegram-bot updates in, Lotse replies out."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import (
    BadRequest,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.errors import AuthenticationError, ChannelError, DeliveryError
from bot.messages import (
    ChannelName,
    ChatId,
    ConversationRef,
    IncomingMessage,
    Location,
    MessageKind,
    Reply,
    UserId,
)
from bot.ports import MessageHandler

# PTB 22 warns on every RetryAfter unless time periods are opted in as timedelta; the int form
# is deprecated, so opt in rather than drown the log (and fail warning-strict tests).
os.environ.setdefault("PTB_TIMEDELTA", "true")

log = logging.getLogger(__name__)

T = TypeVar("T")
_App = Application[Any, Any, Any, Any, Any, Any]

CHANNEL = ChannelName("telegram")
TEXT_LIMIT = 4096
"""Telegram's limit for one message, counted in UTF-16 code units."""
FEEDBACK_DATA = {"fb:+1": "+1", "fb:-1": "-1"}
"""Callback data of the rating buttons under a knowledge answer, and what they mean."""
ALLOWED_UPDATES = ("message", "callback_query")


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
        builder = (
            ApplicationBuilder()
            .token(token)
            .request(_http(request_timeout, pool_size=64))
            .get_updates_request(_http(request_timeout, pool_size=1))
            .rate_limiter(AIORateLimiter(max_retries=2))
            .job_queue(None)
            .concurrent_updates(False)  # one update at a time keeps every chat in order
        )
        if base_url:
            builder = builder.base_url(base_url)
        self._application: _App = builder.build()
        self._application.add_handler(TypeHandler(Update, self._on_update))
        self._application.add_error_handler(self._on_handler_error)

    @property
    def name(self) -> ChannelName:
        return CHANNEL

    # -- receiving -------------------------------------------------------------------------

    async def run(self, on_message: MessageHandler) -> None:
        """Receive updates until cancelled; then stop fetching, finish the update in hand and
        shut python-telegram-bot down."""
        self._on_message = on_message
        app = self._application
        http_log = logging.getLogger("httpx")
        http_log.addFilter(self._redactor)
        try:
            async with app:
                await self._start_receiving(app)
                self._running = True
                await app.start()
                log.info(
                    "Telegram adapter running (%s)", "webhook" if self._webhook else "polling"
                )
                try:
                    await asyncio.Event().wait()
                finally:
                    # Updates fetched before the stop are still handled, and may still reply.
                    await self._stop(app)
                    self._running = False
        except InvalidToken:
            # PTB's own message quotes the token; keep it out of logs and tracebacks.
            raise AuthenticationError("Telegram rejected the bot token") from None
        except TelegramError as exc:
            raise ChannelError(f"Telegram failed: {exc.message}") from exc
        finally:
            # A failed start leaves PTB's HTTP clients open (Application.shutdown skips them).
            await app.bot.shutdown()
            http_log.removeFilter(self._redactor)

    async def _start_receiving(self, app: _App) -> None:
        updater = app.updater
        assert updater is not None
        if self._webhook is None:
            await updater.start_polling(
                timeout=timedelta(seconds=self._poll_timeout),
                bootstrap_retries=3,
                allowed_updates=ALLOWED_UPDATES,
                error_callback=_log_polling_error,
            )
            return
        hook = self._webhook
        await updater.start_webhook(
            listen=hook.listen,
            port=hook.port,
            url_path=hook.local_path,
            webhook_url=hook.public_url,
            secret_token=hook.secret_token or secrets.token_urlsafe(32),
            bootstrap_retries=3,
            allowed_updates=ALLOWED_UPDATES,
        )

    @staticmethod
    async def _stop(app: _App) -> None:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        log.info("Telegram adapter stopped")

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await self._answer(update.callback_query)
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

    @staticmethod
    async def _on_handler_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("Handling Telegram update %s failed", update_id, exc_info=context.error)

    # -- sending ---------------------------------------------------------------------------

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        """Deliver ``reply``: its text (split to fit), buttons, venue and document, in order.
        Each Bot API call is retried on its own, so a retry never repeats a delivered part."""
        if not self._running:
            raise DeliveryError("the Telegram adapter is not running")
        if to.channel != CHANNEL:
            raise DeliveryError(f"cannot send to a {to.channel} conversation over Telegram")
        try:
            chat_id = int(to.chat_id)
        except ValueError as exc:
            raise DeliveryError("a Telegram chat id must be an integer") from exc
        bot = self._application.bot
        chunks = split_text(reply_text(reply))
        markup = reply_markup(reply)
        for index, chunk in enumerate(chunks):
            keyboard = markup if index == len(chunks) - 1 else None
            send = functools.partial(bot.send_message, chat_id, chunk, reply_markup=keyboard)
            await self._call("sendMessage", send)
        if reply.venue is not None:
            venue = reply.venue
            send_venue = functools.partial(
                bot.send_venue,
                chat_id,
                latitude=venue.lat,
                longitude=venue.lon,
                title=venue.name,
                address=venue.address,
            )
            await self._call("sendVenue", send_venue)
        if reply.document is not None:
            doc = reply.document
            send_doc = functools.partial(
                bot.send_document,
                chat_id,
                document=InputFile(doc.content, filename=doc.filename),
            )
            await self._call("sendDocument", send_doc)

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
            except BadRequest as exc:
                raise DeliveryError(f"Telegram refused {what}: {exc.message}") from exc
            except NetworkError as exc:
                wait, delay = delay, min(delay * 2, self._max_backoff)
                failure = exc
            except TelegramError as exc:
                raise DeliveryError(f"Telegram refused {what}: {exc.message}") from exc
            if attempt >= self._max_attempts:
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
    """httpx logs every request URL at INFO, and a Bot API URL carries the bot's token."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<token>")
            record.args = None
        return True


# -- updates to the core's messages ----------------------------------------------------------


def incoming_from_update(update: Update) -> IncomingMessage | None:
    """What the core should see for ``update``; ``None`` for updates it does not care about."""
    query = update.callback_query
    if query is not None:
        return _incoming_from_callback(query)
    message = update.message
    if message is None or message.from_user is None:
        return None
    conversation = ConversationRef(channel=CHANNEL, chat_id=ChatId(str(message.chat.id)))
    common: dict[str, Any] = {
        "conversation": conversation,
        "sender": UserId(str(message.from_user.id)),
        "message_id": f"{message.chat.id}:{message.message_id}",
        "lang_hint": _language(message.from_user.language_code),
        "received_at": message.date,
    }
    if message.text is not None:
        return IncomingMessage(kind=MessageKind.TEXT, text=message.text, **common)
    if message.location is not None:
        point = Location(lat=message.location.latitude, lon=message.location.longitude)
        return IncomingMessage(kind=MessageKind.LOCATION, location=point, **common)
    if _has_attachment(message):
        return IncomingMessage(kind=MessageKind.UNSUPPORTED, text=message.caption or "", **common)
    return None


def _incoming_from_callback(query: CallbackQuery) -> IncomingMessage | None:
    data = query.data
    if data is None:
        return None
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    common: dict[str, Any] = {
        "conversation": ConversationRef(channel=CHANNEL, chat_id=ChatId(str(chat_id))),
        "sender": UserId(str(query.from_user.id)),
        "message_id": f"cb:{query.id}",
        "lang_hint": _language(query.from_user.language_code),
    }
    if data in FEEDBACK_DATA:
        return IncomingMessage(kind=MessageKind.FEEDBACK, text=FEEDBACK_DATA[data], **common)
    return IncomingMessage(kind=MessageKind.CHOICE, choice=data, **common)


def _has_attachment(message: Message) -> bool:
    return any(
        (
            message.photo,
            message.voice,
            message.video,
            message.video_note,
            message.sticker,
            message.document,
            message.audio,
            message.animation,
            message.contact,
            message.poll,
            message.dice,
        )
    )


def _language(code: str | None) -> str | None:
    """Telegram sends IETF tags ("pt-br"); the core speaks ISO 639-1 ("pt")."""
    if not code:
        return None
    return code.split("-", 1)[0].lower() or None


# -- replies to Bot API calls ----------------------------------------------------------------


def reply_text(reply: Reply) -> str:
    """The reply's plain text with its choices numbered below, so typing a number works too.

    Sent without ``parse_mode``: nothing needs escaping and no text can inject markup.
    """
    lines = [f"{number}. {choice.label}" for number, choice in enumerate(reply.choices, 1)]
    parts = [part for part in (reply.text.strip(), "\n".join(lines)) if part]
    return "\n\n".join(parts)


def reply_markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """One button per choice ("1. label"), then 👍/👎 when the answer may be rated."""
    rows = [
        [InlineKeyboardButton(f"{number}. {choice.label}", callback_data=choice.key)]
        for number, choice in enumerate(reply.choices, 1)
    ]
    if reply.feedback:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data="fb:+1"),
                InlineKeyboardButton("👎", callback_data="fb:-1"),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut ``text`` into messages of at most ``limit`` UTF-16 units, preferring paragraph,
    then line, then word boundaries in the second half of each piece."""
    chunks: list[str] = []
    rest = text.strip()
    while _utf16_len(rest) > limit:
        cut = _cut_point(rest, _fitting_prefix(rest, limit))
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    if rest:
        chunks.append(rest)
    return chunks


def _cut_point(text: str, window: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, window // 2, window)
        if at > 0:
            return at
    return window


def _fitting_prefix(text: str, limit: int) -> int:
    """The length (in characters) of the longest prefix within ``limit`` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


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
