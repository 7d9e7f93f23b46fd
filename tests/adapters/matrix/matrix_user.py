"""A person on the test homeserver, driving a real nio client, as the Matrix tests use it."""

from __future__ import annotations

import asyncio
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinedMembersResponse,
    RoomCreateResponse,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)

from tests.fixtures.synapse import MatrixAccount, Synapse

WAIT_S = 20.0


def fast_failing_config() -> AsyncClientConfig:
    """A 429 or a dead server fails the test at once instead of being retried for minutes."""
    return AsyncClientConfig(
        max_limit_exceeded=0, max_timeouts=2, encryption_enabled=False, store_sync_tokens=False
    )


class MatrixUser:
    """A person on the homeserver, driving a real nio client."""

    def __init__(self, synapse: Synapse, account: MatrixAccount) -> None:
        self.user_id = account.user_id
        self.client = AsyncClient(synapse.base_url, account.user_id, config=fast_failing_config())
        self.client.restore_login(account.user_id, account.device_id, account.access_token)

    async def start(self) -> None:
        assert isinstance(await self.client.sync(timeout=0), SyncResponse)

    async def create_room(self, invite: list[str], *, direct: bool) -> str:
        response = await self.client.room_create(
            is_direct=direct,
            invite=invite,
            preset=RoomPreset.trusted_private_chat if direct else RoomPreset.private_chat,
        )
        assert isinstance(response, RoomCreateResponse), response
        return str(response.room_id)

    async def send(self, room_id: str, content: dict[str, Any]) -> str:
        response = await self.client.room_send(room_id, "m.room.message", content)
        assert isinstance(response, RoomSendResponse), response
        return str(response.event_id)

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        relation = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
        response = await self.client.room_send(room_id, "m.reaction", {"m.relates_to": relation})
        assert isinstance(response, RoomSendResponse), response
        return str(response.event_id)

    async def say(self, room_id: str, text: str, **extra: Any) -> str:
        return await self.send(room_id, {"msgtype": "m.text", "body": text, **extra})

    async def wait_joined(self, room_id: str, user_id: str) -> None:
        async with asyncio.timeout(WAIT_S):
            while True:
                members = await self.client.joined_members(room_id)
                if isinstance(members, JoinedMembersResponse) and any(
                    member.user_id == user_id for member in members.members
                ):
                    return
                await asyncio.sleep(0.05)

    async def messages_from(
        self,
        sender: str,
        room_id: str,
        count: int,
        event_types: tuple[str, ...] = ("m.room.message",),
    ) -> list[dict[str, Any]]:
        """The next ``count`` events of ``event_types`` by ``sender``, as raw events."""
        found: list[dict[str, Any]] = []
        async with asyncio.timeout(WAIT_S):
            while len(found) < count:
                response = await self.client.sync(timeout=1000)
                assert isinstance(response, SyncResponse), response
                room = response.rooms.join.get(room_id)
                for event in room.timeline.events if room else ():
                    source = event.source
                    if source["type"] in event_types and source["sender"] == sender:
                        found.append(source)
        return found
