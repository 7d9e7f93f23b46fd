"""The Matrix channel: matrix-nio long-polls a homeserver and turns room events into messages."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    LocalProtocolError,
    LoginResponse,
    MegolmEvent,
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
# Beside nio's key store: the device the keys belong to and its access token.
SESSION_FILE: Final = "session.json"
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
        store_dir: Path | None = None,
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
        # With a store folder the bot reads and writes end-to-end encrypted rooms; its keys and
        # the device they belong to live in that folder across restarts.
        self._store_dir = store_dir
        self._config = client_config or AsyncClientConfig(
            encryption_enabled=store_dir is not None, store_sync_tokens=False
        )
        self._crypto_lock = asyncio.Lock()
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
        if self._store_dir is not None:
            private_folder(self._store_dir)
        client = AsyncClient(
            self._homeserver,
            self._user_id,
            device_id=self._device_id or "",
            store_path=str(self._store_dir) if self._store_dir is not None else "",
            config=self._config,
        )
        self._client = client
        self._stopped = False
        try:
            await self._log_in(client)
            # Before the first sync, so that other devices find the bot's keys at once.
            await self._maintain_keys(client)
            since = await self._store.get(SYNC_TOKEN_KEY)
            # After a restart nio knows no room state: ask for all of it once, with the
            # timeline still starting at the stored token.
            full_state = since is not None
            if since is None:
                first = await self._sync(
                    client, None, timeout_ms=0, sync_filter=_FIRST_SYNC_FILTER
                )
                await self._maintain_keys(client)
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
                await self._maintain_keys(client)
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
            where = await self._upload(
                client,
                document.content,
                document.mime_type,
                document.filename,
                encrypt=self._encrypted(client, room_id),
            )
            content = {
                "msgtype": "m.file",
                "body": document.filename,
                "filename": document.filename,
                **where,
                "info": {"mimetype": document.mime_type, "size": len(document.content)},
            }
            await self._room_send(client, room_id, "m.room.message", content, part="file")

    # -- connection -------------------------------------------------------------------------

    async def _log_in(self, client: AsyncClient) -> None:
        """Log in; with encryption, on the device whose keys the store folder holds."""
        try:
            if self._access_token:
                refused = await self._restore(client, self._access_token, self._device_id)
                if refused is not None:
                    raise AuthenticationError(f"Matrix rejected the access token: {refused}")
            else:
                saved = self._saved_session()
                if (
                    saved is None
                    or await self._restore(client, saved.access_token, saved.device_id) is not None
                ):
                    # A revoked token keeps its device: log in on it again, keys stay valid.
                    await self._password_login(
                        client, saved.device_id if saved is not None else self._device_id
                    )
            profile = await client.get_displayname()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ChannelError(f"cannot reach the Matrix homeserver: {error!r}") from error
        if self._store_dir is not None and client.olm is None:
            raise ChannelError("the Matrix key store could not be opened")
        if isinstance(profile, ProfileGetDisplayNameResponse):
            self._display_name = profile.displayname

    async def _restore(self, client: AsyncClient, token: str, device_id: str | None) -> Any:
        """Use an access token: None, or the server's answer when it does not accept it."""
        client.user_id = self._user_id
        client.access_token = token
        who = await client.whoami()
        if not isinstance(who, WhoamiResponse):
            client.access_token = ""
            if who.status_code in _AUTH_ERRCODES:
                return who
            raise ChannelError(f"Matrix whoami failed: {who}")
        device = who.device_id or device_id or ""
        if device:
            client.restore_login(who.user_id, device, token)  # also opens that device's keys
        else:
            client.user_id = who.user_id
        return None

    async def _password_login(self, client: AsyncClient, device_id: str | None) -> None:
        if not self._password:
            raise AuthenticationError("Matrix needs a password to log in again")
        client.device_id = device_id or ""
        login = await client.login(password=self._password, device_name=self._device_name)
        if not isinstance(login, LoginResponse):
            raise AuthenticationError(f"Matrix login failed: {login}")
        if self._store_dir is not None:
            save_session(
                self._store_dir,
                StoredSession(
                    homeserver=self._homeserver,
                    user_id=str(login.user_id),
                    device_id=str(login.device_id),
                    access_token=str(login.access_token),
                ),
            )
            logger.info("Matrix: logged in as device %s, kept in the key store", login.device_id)

    def _saved_session(self) -> StoredSession | None:
        if self._store_dir is None:
            return None
        saved = load_session(self._store_dir)
        if saved is None or (saved.homeserver, saved.user_id) != (self._homeserver, self._user_id):
            return None
        if not (self._store_dir / key_store_name(saved.user_id, saved.device_id)).exists():
            # The keys of that device are gone: it can never decrypt again, and uploading new
            # keys for it would be refused. A new login makes a new device.
            logger.warning(
                "Matrix: the keys of device %s are missing; logging in as a new device "
                "(delete the old one in the account's device list)",
                saved.device_id,
            )
            return None
        return saved

    async def _maintain_keys(self, client: AsyncClient) -> None:
        """Upload the bot's keys, learn other devices' keys, open sessions with them, and send
        the key messages nio queued (what ``sync_forever`` would do after each sync)."""
        if client.olm is None:
            return
        async with self._crypto_lock:
            try:
                if client.outgoing_to_device_messages:
                    await client.send_to_device_messages()
                if client.should_upload_keys:
                    self._check(await client.keys_upload(), "key upload")
                if client.should_query_keys:
                    self._check(await client.keys_query(), "key query")
                if client.should_claim_keys:
                    users = client.get_users_for_key_claiming()
                    self._check(await client.keys_claim(users), "key claim")
            except (aiohttp.ClientError, TimeoutError, LocalProtocolError) as error:
                # The next sync tries again; a reply waits until keys can be shared.
                logger.warning("Matrix: key exchange failed: %r", error)

    @staticmethod
    def _check(answer: Any, what: str) -> None:
        if isinstance(answer, ErrorResponse):
            # A refused upload usually means the device's keys on the server are not the ones
            # in the store (a store lost while the device id or access token was kept).
            logger.error("Matrix: %s failed: %s", what, answer)

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
            for event in info.timeline.events:
                if isinstance(event, MegolmEvent) and event.sender != client.user_id:
                    await self._undecryptable(client, event)
            sources = [getattr(event, "source", None) for event in info.timeline.events]
            if info.timeline.limited and not has_membership_of(client.user_id, sources, "join"):
                logger.warning("Matrix: timeline of %s was cut; older messages are lost", room_id)
            for source in after_invite_of(client.user_id, sources):
                message = await self._incoming(client, room, source)
                if message is not None:
                    await self._deliver(client, message, on_message)

    async def _undecryptable(self, client: AsyncClient, event: Any) -> None:
        """A message whose room key the bot lacks: ask the sender's devices for it (helps the
        messages after it); the event itself reaches the core as unsupported, so the user
        learns that it was not read."""
        logger.warning(
            "Matrix: cannot decrypt %s (session %s unknown to this device)",
            event.event_id,
            event.session_id,
        )
        if client.olm is None or event.session_id in client.outgoing_key_requests:
            return
        try:
            answer = await client.request_room_key(event)
        except (aiohttp.ClientError, TimeoutError, LocalProtocolError) as error:
            answer = error
        if isinstance(answer, ErrorResponse | Exception):
            logger.debug("Matrix: room key request failed: %s", answer)

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
        tx_id = transaction_id(delivery_key.get(), part)
        try:
            if self._encrypted(client, room_id):
                # Key sharing with the room's devices must not interleave with the key exchange
                # of the sync loop. Devices are not verified: every member's device gets the
                # room key (the bot talks to strangers; nobody could verify them).
                async with self._crypto_lock:
                    answer = await client.room_send(
                        room_id, event_type, content, tx_id=tx_id, ignore_unverified_devices=True
                    )
            else:
                answer = await client.room_send(room_id, event_type, content, tx_id=tx_id)
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

    @staticmethod
    def _encrypted(client: AsyncClient, room_id: str) -> bool:
        room = client.rooms.get(room_id)
        return client.olm is not None and room is not None and bool(room.encrypted)

    async def _upload(
        self, client: AsyncClient, data: bytes, mime_type: str, filename: str, *, encrypt: bool
    ) -> dict[str, Any]:
        """Upload a file; the keys of the event content that point to it (``url``, or in an
        encrypted room ``file`` with the key to decrypt it)."""
        try:
            answer, keys = await client.upload(
                io.BytesIO(data),
                content_type=mime_type,
                filename=filename,
                filesize=len(data),
                encrypt=encrypt,
            )
        except (aiohttp.ClientError, TimeoutError, LocalProtocolError) as error:
            raise DeliveryError(f"Matrix upload failed: {error!r}") from error
        if not isinstance(answer, UploadResponse):
            raise DeliveryError(f"Matrix upload failed: {answer}")
        if encrypt and keys is not None:
            return {"file": {"url": str(answer.content_uri), "mimetype": mime_type, **keys}}
        return {"url": str(answer.content_uri)}


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


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredSession:
    """The device whose keys the store folder holds, and the token to use it without a new
    login (each password login without a device id creates a new device, without keys)."""

    homeserver: str
    user_id: str
    device_id: str
    access_token: str


def key_store_name(user_id: str, device_id: str) -> str:
    """The file nio's default store keeps one device's keys in, inside the store folder."""
    return f"{user_id}_{device_id}.db"


def private_folder(path: Path) -> None:
    """Create ``path`` readable by the bot's user only (0700), tightening an existing one."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def save_session(folder: Path, session: StoredSession) -> None:
    """Write the session file (0600) atomically: a crash leaves the old one or the new one."""
    target = folder / SESSION_FILE
    temporary = folder / f".{SESSION_FILE}.tmp"
    data = json.dumps(
        {
            "homeserver": session.homeserver,
            "user_id": session.user_id,
            "device_id": session.device_id,
            "access_token": session.access_token,
        }
    ).encode()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, target)


def load_session(folder: Path) -> StoredSession | None:
    """The saved session, or None when there is none (a first start) or it is unreadable."""
    try:
        raw = json.loads((folder / SESSION_FILE).read_text(encoding="utf-8"))
        return StoredSession(
            homeserver=str(raw["homeserver"]),
            user_id=str(raw["user_id"]),
            device_id=str(raw["device_id"]),
            access_token=str(raw["access_token"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        logger.warning("Matrix: ignoring an unreadable %s: %r", SESSION_FILE, error)
        return None
