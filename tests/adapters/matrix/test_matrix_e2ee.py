"""End-to-end encrypted Matrix rooms: a person's own encrypting nio client against the bot,
on the real Synapse, across a restart of the bot on the same key store."""

from __future__ import annotations

import asyncio
import json
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    DownloadResponse,
    EnableEncryptionBuilder,
    JoinedMembersResponse,
    KeysQueryResponse,
    KeysUploadResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomEncryptedFile,
    RoomMessageText,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)
from nio.crypto import decrypt_attachment

from adapters.matrix import (
    SESSION_FILE,
    SYNC_TOKEN_KEY,
    MatrixAdapter,
    StoredSession,
    key_store_name,
    load_session,
    private_folder,
    save_session,
)
from bot.messages import ChatId, ConversationRef, Document, IncomingMessage, MessageKind, Reply
from bot.ports import delivery_key
from bot.runner import matrix_store_dir
from bot.settings import Settings, default_data_dir
from tests.adapters.matrix.matrix_user import WAIT_S
from tests.adapters.matrix.test_matrix import MemoryStore, running
from tests.fixtures.synapse import MatrixAccount, Synapse

CALENDAR = Document(
    filename="termin.ics",
    mime_type="text/calendar",
    content=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class EncryptingUser:
    """A person on an encrypting nio client with a key store of its own (as Element would)."""

    def __init__(self, synapse: Synapse, account: MatrixAccount, store_dir: Path) -> None:
        store_dir.mkdir()
        config = AsyncClientConfig(
            max_limit_exceeded=0, max_timeouts=2, encryption_enabled=True, store_sync_tokens=False
        )
        self.user_id = account.user_id
        self.client = AsyncClient(
            synapse.base_url,
            account.user_id,
            device_id=account.device_id,
            store_path=str(store_dir),
            config=config,
        )
        self.client.restore_login(account.user_id, account.device_id, account.access_token)

    async def start(self) -> None:
        assert self.client.olm is not None, "the person's client has no encryption"
        assert isinstance(await self.client.keys_upload(), KeysUploadResponse)
        await self.sync(timeout_ms=0)

    async def sync(self, timeout_ms: int = 1000) -> SyncResponse:
        response = await self.client.sync(timeout=timeout_ms)
        assert isinstance(response, SyncResponse), response
        if self.client.should_query_keys:
            assert isinstance(await self.client.keys_query(), KeysQueryResponse)
        return response

    async def open_encrypted_direct_chat(self, bot_user_id: str) -> str:
        """What Element does for a new direct chat: encrypted from its first event."""
        created = await self.client.room_create(
            is_direct=True,
            invite=[bot_user_id],
            preset=RoomPreset.trusted_private_chat,
            initial_state=[EnableEncryptionBuilder().as_dict()],
        )
        assert isinstance(created, RoomCreateResponse), created
        room_id = str(created.room_id)
        async with asyncio.timeout(WAIT_S):
            while True:
                members = await self.client.joined_members(room_id)
                if isinstance(members, JoinedMembersResponse) and any(
                    member.user_id == bot_user_id for member in members.members
                ):
                    break
                await asyncio.sleep(0.05)
        await self.sync(timeout_ms=0)
        assert self.client.rooms[room_id].encrypted
        return room_id

    async def say(self, room_id: str, text: str) -> None:
        # Nobody verifies the bot's device, just as in practice.
        response = await self.client.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )
        assert isinstance(response, RoomSendResponse), response

    async def learn_device(self, user_id: str, device_id: str) -> None:
        """Sync until the server told this client about that device and its keys."""
        async with asyncio.timeout(WAIT_S):
            while device_id not in self.client.device_store[user_id]:
                await self.sync(timeout_ms=200)

    async def messages_from(self, sender: str, room_id: str, count: int) -> list[Any]:
        """The next ``count`` room messages by ``sender``, as nio decrypted them."""
        found: list[Any] = []
        async with asyncio.timeout(WAIT_S):
            while len(found) < count:
                response = await self.sync()
                room = response.rooms.join.get(room_id)
                for event in room.timeline.events if room else ():
                    if event.sender != sender:
                        continue
                    assert not isinstance(event, MegolmEvent), "a reply the person cannot read"
                    if event.source.get("type") == "m.room.message":
                        found.append(event)
        return found


class Answerer:
    """The core's part: record what arrives and answer it through the adapter."""

    def __init__(self, sync_store: MemoryStore) -> None:
        self.adapter: MatrixAdapter | None = None
        self.sync_store = sync_store
        self.received: list[IncomingMessage] = []
        self.token_at_last: str | None = None

    async def committed(self) -> None:
        """Wait until the batch of the last message is marked handled (a stop before that
        delivers it again, which the core would drop as a duplicate)."""
        async with asyncio.timeout(WAIT_S), self.sync_store.written:
            await self.sync_store.written.wait_for(
                lambda: self.sync_store.values.get(SYNC_TOKEN_KEY) != self.token_at_last
            )

    async def __call__(self, message: IncomingMessage) -> None:
        assert self.adapter is not None
        self.received.append(message)
        self.token_at_last = self.sync_store.values.get(SYNC_TOKEN_KEY)
        document = CALENDAR if "Termin" in message.text else None
        # As the outbox sends it: with a stable key per row.
        token = delivery_key.set(f"matrix:{message.message_id}:0")
        try:
            await self.adapter.send(
                message.conversation, Reply(text=f"Antwort: {message.text}", document=document)
            )
        finally:
            delivery_key.reset(token)


def encrypted_bot(
    synapse: Synapse,
    account: MatrixAccount,
    sync_store: MemoryStore,
    store_dir: Path,
    *,
    use_token: bool = False,
) -> MatrixAdapter:
    return MatrixAdapter(
        homeserver=synapse.base_url,
        user_id=account.user_id,
        password=None if use_token else account.password,
        access_token=account.access_token if use_token else None,
        device_id=account.device_id if use_token else None,
        store=sync_store,
        store_dir=store_dir,
        client_config=AsyncClientConfig(
            max_limit_exceeded=0, max_timeouts=2, encryption_enabled=True, store_sync_tokens=False
        ),
        sync_timeout_ms=1000,
    )


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize("login", ["password", "refused_token", "access_token"])
async def test_e2ee_direct_chat_is_read_and_answered_across_a_restart(
    synapse: Synapse, bot_account: MatrixAccount, tmp_path: Path, login: str
) -> None:
    """``password``: the restart reuses the kept device and token; ``refused_token``: the kept
    token is no longer accepted, so the restart logs in again on the same device;
    ``access_token``: the settings give token and device."""
    use_token = login == "access_token"
    person = EncryptingUser(synapse, synapse.register(), tmp_path / "person-keys")
    await person.start()
    store_dir = tmp_path / "data" / "matrix"
    sync_store = MemoryStore()
    bot_id = bot_account.user_id
    try:
        answer = Answerer(sync_store)
        answer.adapter = encrypted_bot(
            synapse, bot_account, sync_store, store_dir, use_token=use_token
        )
        async with running(answer.adapter, answer):
            room_id = await person.open_encrypted_direct_chat(bot_id)
            await person.say(room_id, "Wo finde ich einen Deutschkurs?")
            (first,) = await person.messages_from(bot_id, room_id, 1)
            # A re-send of the same outbox row in the encrypted room is stored once.
            token = delivery_key.set(f"matrix:{answer.received[0].message_id}:0")
            try:
                to = ConversationRef(channel=answer.adapter.name, chat_id=ChatId(room_id))
                await answer.adapter.send(
                    to, Reply(text="Antwort: Wo finde ich einen Deutschkurs?")
                )
            finally:
                delivery_key.reset(token)
            await answer.committed()
        assert answer.received[0].kind is MessageKind.TEXT
        assert answer.received[0].text == "Wo finde ich einen Deutschkurs?"
        assert isinstance(first, RoomMessageText) and first.decrypted
        assert first.body == "Antwort: Wo finde ich einen Deutschkurs?"
        assert _mode(store_dir) == 0o700
        session = load_session(store_dir)
        if use_token:
            assert session is None  # nothing to keep: the settings name token and device
            device_id = bot_account.device_id
        else:
            assert session is not None and _mode(store_dir / SESSION_FILE) == 0o600
            device_id = session.device_id
        if login == "refused_token":
            assert session is not None
            save_session(store_dir, replace(session, access_token="syt_revoked"))

        # A new adapter on the same key store: same device, and the room key the person's
        # client shared before the restart still decrypts the person's next message.
        again = Answerer(sync_store)
        again.adapter = encrypted_bot(
            synapse, bot_account, sync_store, store_dir, use_token=use_token
        )
        async with running(again.adapter, again):
            await person.say(room_id, "Ich brauche einen Termin")
            second, document = await person.messages_from(bot_id, room_id, 2)
        kept = load_session(store_dir)
        if login == "password":
            assert kept == session
        elif login == "refused_token":
            assert kept is not None and session is not None
            assert kept.device_id == session.device_id
            assert kept.access_token not in (session.access_token, "syt_revoked")
        assert [m.text for m in again.received] == ["Ich brauche einen Termin"]
        assert isinstance(second, RoomMessageText) and second.decrypted
        # Only the second answer follows the first: the re-sent row was not stored twice.
        assert second.body == "Antwort: Ich brauche einen Termin"
        assert isinstance(document, RoomEncryptedFile) and document.decrypted
        download = await person.client.download(mxc=document.url)
        assert isinstance(download, DownloadResponse), download
        assert download.body != CALENDAR.content  # the server only holds ciphertext
        plain = decrypt_attachment(
            download.body, document.key["k"], document.hashes["sha256"], document.iv
        )
        assert plain == CALENDAR.content
        # The person's client knows exactly one device of the bot: the restart made no new one.
        assert list(person.client.device_store[bot_id]) == [device_id]
    finally:
        await person.client.close()


def test_e2ee_store_folder_is_created_private(tmp_path: Path) -> None:
    store_dir = tmp_path / "data" / "matrix"
    private_folder(store_dir)
    assert store_dir.is_dir() and _mode(store_dir) == 0o700
    # An existing folder that others could read is tightened.
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    private_folder(loose)
    assert _mode(loose) == 0o700


def test_e2ee_session_file_is_private_and_round_trips(tmp_path: Path) -> None:
    session = StoredSession(
        homeserver="https://matrix.example.org",
        user_id="@lotse:example.org",
        device_id="LOTSEDEV",
        access_token="secret-token",
    )
    private_folder(tmp_path / "matrix")
    save_session(tmp_path / "matrix", session)
    written = tmp_path / "matrix" / SESSION_FILE
    assert _mode(written) == 0o600
    assert json.loads(written.read_text())["device_id"] == "LOTSEDEV"
    assert load_session(tmp_path / "matrix") == session
    written.write_text("{not json")
    assert load_session(tmp_path / "matrix") is None
    assert load_session(tmp_path / "nowhere") is None


@pytest.mark.e2e
@pytest.mark.slow
async def test_e2ee_lost_key_store_logs_in_as_a_new_device(
    synapse: Synapse, bot_account: MatrixAccount, tmp_path: Path
) -> None:
    person = EncryptingUser(synapse, synapse.register(), tmp_path / "person-keys")
    await person.start()
    store_dir = tmp_path / "data" / "matrix"
    sync_store = MemoryStore()
    bot_id = bot_account.user_id
    try:
        answer = Answerer(sync_store)
        answer.adapter = encrypted_bot(synapse, bot_account, sync_store, store_dir)
        async with running(answer.adapter, answer):
            room_id = await person.open_encrypted_direct_chat(bot_id)
            await person.say(room_id, "Hallo")
            await person.messages_from(bot_id, room_id, 1)
            await answer.committed()
        before = load_session(store_dir)
        assert before is not None
        # The keys are lost, the session file survived (a partial restore, say).
        (store_dir / key_store_name(before.user_id, before.device_id)).unlink()

        again = Answerer(sync_store)
        again.adapter = encrypted_bot(synapse, bot_account, sync_store, store_dir)
        async with running(again.adapter, again):
            # Encrypted with the room key of before the loss, which the new device never got:
            # the bot cannot read it and says so (rather than staying silent).
            await person.say(room_id, "Bist du noch da?")
            (unread,) = await person.messages_from(bot_id, room_id, 1)
            # Once the person's client has heard of the new device, it gives it a room key with
            # its next room session (nio starts one on demand; Element shares its current one
            # with a new device).
            after = load_session(store_dir)
            assert after is not None and after.device_id != before.device_id
            await person.learn_device(bot_id, after.device_id)
            person.client.invalidate_outbound_session(room_id)
            await person.say(room_id, "Hallo noch einmal")
            (reply,) = await person.messages_from(bot_id, room_id, 1)
        assert [m.kind for m in again.received] == [MessageKind.UNSUPPORTED, MessageKind.TEXT]
        assert again.received[1].text == "Hallo noch einmal"
        assert isinstance(unread, RoomMessageText) and unread.decrypted
        assert isinstance(reply, RoomMessageText) and reply.decrypted
        assert reply.body == "Antwort: Hallo noch einmal"
    finally:
        await person.client.close()


def test_e2ee_keys_live_in_the_data_folder_unless_encryption_is_off(tmp_path: Path) -> None:
    settings = Settings.from_env({"LOTSE_DATA_DIR": str(tmp_path / "state")})
    assert matrix_store_dir(settings) == tmp_path / "state" / "matrix"
    assert Settings.from_env({"LOTSE_MATRIX_ENCRYPTION": "0"}).matrix_encryption is False
    assert matrix_store_dir(Settings(matrix_encryption=False)) is None
    # By default a folder that is kept, never the cache a cleanup may empty.
    default = Settings().data_dir
    assert default == default_data_dir() and default.is_absolute()
    assert default != Settings().cache_dir and default != Path.cwd()
