"""The Matrix channel: matrix-nio long-polls a homeserver and turns room events into messages."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any, Final

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    LocalProtocolError,
    LoginResponse,
    ProfileGetDisplayNameResponse,
    RoomGetEventResponse,
    SyncResponse,
    UploadResponse,
    WhoamiResponse,
)

from adapters.matrix_events import (
    THUMBS_DOWN,
    THUMBS_UP,
    after_invite_of,
    classify,
    has_membership_of,
    mention_pattern,
    rating,
    render_text,
    strip_reply_fallback,
    url_quoted,
)
from bot.errors import (
    AuthenticationError,
    ChannelError,
    DeliveryError,
    PermanentDeliveryError,
)
from bot.messages import (
    ChannelName,
    ChatId,
    ConversationRef,
    IncomingMessage,
    MessageKind,
    Reply,
    UserId,
)
from bot.ports import KeyValueStore, MessageHandler, delivery_key

logger = logging.getLogger(__name__)

CHANNEL: Final = ChannelName("matrix")
SYNC_TOKEN_KEY: Final = "matrix:next_batch"

# Error codes that mean the credentials are wrong or revoked: retrying cannot help.
_AUTH_ERRCODES: Final = frozenset(
    {"M_FORBIDDEN", "M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_USER_DEACTIVATED"}
)
# Enough timeline per room that a restart after a short outage sees every missed message;
# presence is never used, so the server need not send it.
_SYNC_FILTER: Final[dict[str, Any]] = {
    "room": {"timeline": {"limit": 100}},
    "presence": {"not_types": ["*"]},
}
# The first sync of a new installation only learns the rooms; its history is not answered.
_FIRST_SYNC_FILTER: Final[dict[str, Any]] = {
    "room": {"timeline": {"limit": 1}},
    "presence": {"not_types": ["*"]},
}
_MAX_RETRY_DELAY_S: Final = 60.0
_TYPING_TIMEOUT_S: Final = 2.0


class MatrixAdapter:
    """A Matrix bot account: answers direct chats, addressed group messages and staff rooms."""

    def __init__(
        self,
        *,
        homeserver: str,
        user_id: str,
        store: KeyValueStore,
        password: str | None = None,
        access_token: str | None = None,
        device_id: str | None = None,
        device_name: str = "Lotse",
        staff_rooms: frozenset[str] = frozenset(),
        client_config: AsyncClientConfig | None = None,
        sync_timeout_ms: int = 30_000,
        ready_timeout_s: float = 30.0,
        close_grace_s: float = 3.0,
    ) -> None:
        if not password and not access_token:
            raise ValueError("MatrixAdapter needs a password or an access token")
        self._homeserver = homeserver.rstrip("/")
        self._user_id = user_id
        self._store = store
        self._password = password
        self._access_token = access_token
        self._device_id = device_id
        self._device_name = device_name
        self._staff_rooms = staff_rooms
        self._config = client_config or AsyncClientConfig(
            encryption_enabled=False, store_sync_tokens=False
        )
        self._sync_timeout_ms = sync_timeout_ms
        self._ready_timeout_s = ready_timeout_s
        self._close_grace_s = close_grace_s
        self._client: AsyncClient | None = None
        self._ready = asyncio.Event()
        self._stopped = False
        self._sending = 0
        self._sends_done = asyncio.Condition()
        self._display_name: str | None = None

    @property
    def name(self) -> ChannelName:
        return CHANNEL

    async def run(self, on_message: MessageHandler) -> None:
        """Log in, then sync until cancelled; the sync token is stored after each handled batch."""
        client = AsyncClient(
            self._homeserver, self._user_id, device_id=self._device_id or "", config=self._config
        )
        self._client = client
        self._stopped = False
        try:
            await self._log_in(client)
            since = await self._store.get(SYNC_TOKEN_KEY)
            # After a restart nio knows no room state: ask for all of it once, with the
            # timeline still starting at the stored token.
            full_state = since is not None
            if since is None:
                first = await self._sync(
                    client, None, timeout_ms=0, sync_filter=_FIRST_SYNC_FILTER
                )
                await self._accept_invites(client, first)
                since = str(first.next_batch)
                await self._store.set(SYNC_TOKEN_KEY, since)
                logger.info("Matrix: first start, skipped the history before this sync")
            self._ready.set()
            logger.info("Matrix: listening as device %s", client.device_id)
            while True:
                response = await self._sync(
                    client, since, timeout_ms=self._sync_timeout_ms, full_state=full_state
                )
                full_state = False
                await self._accept_invites(client, response)
                await self._handle_batch(client, response, on_message)
                if response.next_batch != since:
                    since = str(response.next_batch)
                    await self._store.set(SYNC_TOKEN_KEY, since)
        finally:
            self._ready.clear()
            self._stopped = True
            await self._finish_sends()
            self._client = None
            await client.close()

    async def _finish_sends(self) -> None:
        """Let replies already being sent arrive before the connection closes."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._close_grace_s), self._sends_done:
                await self._sends_done.wait_for(lambda: self._sending == 0)

    def is_ready(self) -> bool:
        """Connected and receiving now (for /readyz)."""
        return self._ready.is_set()

    async def wait_ready(self) -> None:
        """Return once ``run`` has logged in and the first sync is behind it."""
        await self._ready.wait()

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        """Send the reply as one m.text message, then its document (if any) as m.file."""
        if to.channel != CHANNEL:
            raise DeliveryError(f"MatrixAdapter cannot send to channel {to.channel!r}")
        client = await self._connected_client()
        self._sending += 1
        try:
            await self._send(client, str(to.chat_id), reply)
        finally:
            self._sending -= 1
            async with self._sends_done:
                self._sends_done.notify_all()

    async def _send(self, client: AsyncClient, room_id: str, reply: Reply) -> None:
        event_id = await self._room_send(
            client,
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": render_text(reply)},
            part="text",
        )
        if reply.feedback:
            for key in (THUMBS_UP, THUMBS_DOWN):
                relation = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
                await self._room_send(
                    client, room_id, "m.reaction", {"m.relates_to": relation}, part=key
                )
        if reply.document is not None:
            document = reply.document
            content_uri = await self._upload(
                client, document.content, document.mime_type, document.filename
            )
            content = {
                "msgtype": "m.file",
                "body": document.filename,
                "filename": document.filename,
                "url": content_uri,
                "info": {"mimetype": document.mime_type, "size": len(document.content)},
            }
            await self._room_send(client, room_id, "m.room.message", content, part="file")

    # -- connection -------------------------------------------------------------------------

    async def _log_in(self, client: AsyncClient) -> None:
        try:
            if self._access_token:
                client.restore_login(self._user_id, self._device_id or "", self._access_token)
                who = await client.whoami()
                if not isinstance(who, WhoamiResponse):
                    raise AuthenticationError(f"Matrix rejected the access token: {who}")
                client.user_id = who.user_id
                client.device_id = who.device_id or client.device_id
            else:
                login = await client.login(password=self._password, device_name=self._device_name)
                if not isinstance(login, LoginResponse):
                    raise AuthenticationError(f"Matrix login failed: {login}")
            profile = await client.get_displayname()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ChannelError(f"cannot reach the Matrix homeserver: {error!r}") from error
        if isinstance(profile, ProfileGetDisplayNameResponse):
            self._display_name = profile.displayname

    async def _sync(
        self,
        client: AsyncClient,
        since: str | None,
        *,
        timeout_ms: int,
        full_state: bool = False,
        sync_filter: dict[str, Any] = _SYNC_FILTER,
    ) -> Any:
        """One successful sync response; transient failures are retried with backoff."""
        delay = 1.0
        while True:
            try:
                response = await client.sync(
                    timeout=timeout_ms, since=since, full_state=full_state, sync_filter=sync_filter
                )
            except (aiohttp.ClientError, TimeoutError) as error:
                problem = repr(error)
            else:
                if isinstance(response, SyncResponse):
                    return response
                if response.status_code in _AUTH_ERRCODES:
                    raise AuthenticationError(f"Matrix sync rejected the bot: {response}")
                problem = str(response)
            logger.warning("Matrix sync failed (%s); retrying in %.0f s", problem, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, _MAX_RETRY_DELAY_S)

    async def _connected_client(self) -> AsyncClient:
        if self._stopped:
            raise DeliveryError("the Matrix adapter has stopped")
        try:
            async with asyncio.timeout(self._ready_timeout_s):
                await self._ready.wait()
        except TimeoutError as error:
            raise DeliveryError("the Matrix adapter is not connected") from error
        client = self._client
        if client is None:
            raise DeliveryError("the Matrix adapter is not connected")
        return client

    async def _accept_invites(self, client: AsyncClient, response: Any) -> None:
        for room_id in response.rooms.invite:
            try:
                joined = await client.join(room_id)
            except (aiohttp.ClientError, TimeoutError) as error:
                logger.warning("Matrix: could not join %s: %r", room_id, error)
                continue
            if isinstance(joined, ErrorResponse):
                logger.warning("Matrix: could not join %s: %s", room_id, joined)
            else:
                logger.info("Matrix: joined %s", room_id)

    # -- receiving --------------------------------------------------------------------------

    async def _handle_batch(
        self, client: AsyncClient, response: Any, on_message: MessageHandler
    ) -> None:
        for room_id, info in response.rooms.join.items():
            room = client.rooms.get(room_id)
            if room is None:
                continue
            sources = [getattr(event, "source", None) for event in info.timeline.events]
            if info.timeline.limited and not has_membership_of(client.user_id, sources, "join"):
                logger.warning("Matrix: timeline of %s was cut; older messages are lost", room_id)
            for source in after_invite_of(client.user_id, sources):
                message = await self._incoming(client, room, source)
                if message is not None:
                    await self._deliver(client, message, on_message)

    async def _deliver(
        self, client: AsyncClient, message: IncomingMessage, on_message: MessageHandler
    ) -> None:
        room_id = str(message.conversation.chat_id)
        # Staff chatter should not make the bot look busy; everyone else sees it typing.
        typing = room_id not in self._staff_rooms
        logger.debug("Matrix: %s from %s in %s", message.kind.value, message.sender, room_id)
        if typing:
            await self._typing(client, room_id, on=True)
        try:
            await on_message(message)
        except ChannelError as error:
            # One room that cannot be reached must not stop the bot for everybody else.
            logger.warning("Matrix: handling %s failed: %s", message.message_id, error)
        finally:
            if typing:
                await self._typing(client, room_id, on=False)

    async def _typing(self, client: AsyncClient, room_id: str, *, on: bool) -> None:
        try:
            # Bounded: it also runs while stopping, when the homeserver may not answer.
            async with asyncio.timeout(_TYPING_TIMEOUT_S):
                answer = await client.room_typing(room_id, typing_state=on, timeout=30_000)
        except (aiohttp.ClientError, TimeoutError) as error:
            answer = error
        if isinstance(answer, ErrorResponse | Exception):
            logger.debug("Matrix: typing notice in %s failed: %s", room_id, answer)

    async def _incoming(
        self, client: AsyncClient, room: Any, source: Any
    ) -> IncomingMessage | None:
        """The event as the core sees it, or None when the bot should not react to it."""
        if not isinstance(source, dict) or source.get("sender") == client.user_id:
            return None
        content = source.get("content")
        if not isinstance(content, dict):
            return None
        relation = content.get("m.relates_to")
        relation = relation if isinstance(relation, dict) else {}
        if relation.get("rel_type") == "m.replace":
            return None  # an edit of an earlier message, which was answered already
        classified = classify(source.get("type"), content)
        if classified is None:
            return None
        kind, location = classified
        room_id = str(room.room_id)
        text = ""
        if kind is MessageKind.FEEDBACK:
            # Only a rating of one of the bot's own answers is feedback for the core.
            if not await self._is_own_event(client, room_id, str(relation.get("event_id"))):
                return None
            text = rating(str(relation.get("key"))) or ""
        elif (
            room.member_count > 2
            and room_id not in self._staff_rooms
            and not await self._addressed(client, room, content, relation)
        ):
            return None
        # In a group room each member has a conversation of their own (bookings, /delete).
        group = room.member_count > 2 and room_id not in self._staff_rooms
        if kind is MessageKind.TEXT:
            text = self._clean_text(room, str(content.get("body", "")), relation)
        timestamp = source.get("origin_server_ts")
        return IncomingMessage(
            conversation=ConversationRef(
                channel=CHANNEL,
                chat_id=ChatId(room_id),
                member=UserId(str(source["sender"])) if group else None,
            ),
            sender=UserId(str(source["sender"])),
            message_id=str(source["event_id"]),
            kind=kind,
            text=text,
            location=location,
            received_at=(
                datetime.fromtimestamp(timestamp / 1000, tz=UTC)
                if isinstance(timestamp, int)
                else None
            ),
        )

    def _names(self, room: Any) -> tuple[str, ...]:
        """How people address the bot: its user id, its room nickname, its display name."""
        member = room.users.get(self._user_id)
        nickname = member.display_name if member is not None else None
        names = [self._user_id, nickname, self._display_name]
        return tuple(dict.fromkeys(name for name in names if name))

    async def _addressed(
        self, client: AsyncClient, room: Any, content: dict[str, Any], relation: dict[str, Any]
    ) -> bool:
        mentions = content.get("m.mentions")
        if isinstance(mentions, dict) and self._user_id in (mentions.get("user_ids") or ()):
            return True
        texts = (str(content.get("body", "")), str(content.get("formatted_body", "")))
        if any(mention_pattern(self._names(room)).search(text) for text in texts):
            return True
        if any(self._user_id in text or url_quoted(self._user_id) in text for text in texts):
            return True
        in_reply_to = relation.get("m.in_reply_to")
        if isinstance(in_reply_to, dict) and isinstance(in_reply_to.get("event_id"), str):
            return await self._is_own_event(client, str(room.room_id), in_reply_to["event_id"])
        return False

    async def _is_own_event(self, client: AsyncClient, room_id: str, event_id: str) -> bool:
        try:
            answer = await client.room_get_event(room_id, event_id)
        except (aiohttp.ClientError, TimeoutError):
            return False
        return isinstance(answer, RoomGetEventResponse) and answer.event.sender == client.user_id

    def _clean_text(self, room: Any, body: str, relation: dict[str, Any]) -> str:
        """The body without a reply's quoted fallback and without the bot's name."""
        if "m.in_reply_to" in relation:
            body = strip_reply_fallback(body)
        cleaned = mention_pattern(self._names(room)).sub("", body)
        cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip().lstrip(":,;").strip()
        return cleaned or body.strip()

    # -- sending ----------------------------------------------------------------------------

    async def _room_send(
        self,
        client: AsyncClient,
        room_id: str,
        event_type: str,
        content: dict[str, Any],
        *,
        part: str = "",
    ) -> str:
        try:
            answer = await client.room_send(
                room_id, event_type, content, tx_id=transaction_id(delivery_key.get(), part)
            )
        except (aiohttp.ClientError, TimeoutError, LocalProtocolError) as error:
            raise DeliveryError(f"Matrix send to {room_id} failed: {error!r}") from error
        if isinstance(answer, ErrorResponse):
            if answer.status_code in PERMANENT_ERRCODES:
                raise PermanentDeliveryError(
                    f"Matrix send to {room_id} failed: {answer}",
                    reason=f"Matrix {answer.status_code}",
                )
            raise DeliveryError(f"Matrix send to {room_id} failed: {answer}")
        return str(answer.event_id)

    async def _upload(
        self, client: AsyncClient, data: bytes, mime_type: str, filename: str
    ) -> str:
        try:
            answer, _keys = await client.upload(
                io.BytesIO(data), content_type=mime_type, filename=filename, filesize=len(data)
            )
        except (aiohttp.ClientError, TimeoutError, LocalProtocolError) as error:
            raise DeliveryError(f"Matrix upload failed: {error!r}") from error
        if not isinstance(answer, UploadResponse):
            raise DeliveryError(f"Matrix upload failed: {answer}")
        return str(answer.content_uri)


PERMANENT_ERRCODES: Final = frozenset(
    {"M_FORBIDDEN", "M_NOT_FOUND", "M_BAD_JSON", "M_NOT_JSON", "M_TOO_LARGE"}
)
"""Matrix errors that a retry cannot fix (not in the room, no such room, a malformed event)."""


def transaction_id(key: str | None, part: str) -> str | None:
    """A stable transaction id for one part of one outbox row, so Synapse stores a re-sent
    part once; ``None`` (a fresh id) for sends outside the outbox."""
    if key is None:
        return None
    return uuid.uuid5(uuid.NAMESPACE_URL, f"lotse-outbox:{key}:{part}").hex
