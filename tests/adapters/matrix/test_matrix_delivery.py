"""Matrix sends from the outbox are idempotent: a re-send of a row is stored once by Synapse."""

from __future__ import annotations

import pytest

from adapters.matrix_events import THUMBS_DOWN, THUMBS_UP
from bot.errors import PermanentDeliveryError
from bot.messages import ChatId, ConversationRef, IncomingMessage, Reply
from bot.ports import delivery_key
from tests.adapters.matrix.matrix_user import MatrixUser
from tests.adapters.matrix.test_matrix import MemoryStore, make_adapter, running
from tests.fixtures.synapse import MatrixAccount, Synapse

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def _ignore(message: IncomingMessage) -> None:
    """No answers here: the test sends by hand."""


async def test_matrix_resend_of_an_outbox_row_is_stored_once(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    adapter = make_adapter(synapse, bot_account, MemoryStore())
    async with running(adapter, _ignore):
        room_id = await user.create_room([bot_account.user_id], direct=True)
        await user.wait_joined(room_id, bot_account.user_id)
        to = ConversationRef(channel=adapter.name, chat_id=ChatId(room_id))
        token = delivery_key.set(f"matrix:{room_id}:m1:0")
        try:
            await adapter.send(to, Reply(text="Einmal, bitte", feedback=True))
            # The retry after an answer that never arrived (a 502 after Synapse stored it).
            await adapter.send(to, Reply(text="Einmal, bitte", feedback=True))
        finally:
            delivery_key.reset(token)
        await adapter.send(to, Reply(text="Danach"))
        kinds = ("m.room.message", "m.reaction")
        events = await user.messages_from(bot_account.user_id, room_id, 4, kinds)
    # Once each: the text, its two rating reactions, then the next reply (a duplicate would
    # come before "Danach").
    assert [
        e["content"].get("body", e["content"].get("m.relates_to", {}).get("key")) for e in events
    ] == ["Einmal, bitte", THUMBS_UP, THUMBS_DOWN, "Danach"]


async def test_permanent_matrix_forbidden_is_a_permanent_delivery_error(
    synapse: Synapse, user: MatrixUser, bot_account: MatrixAccount
) -> None:
    adapter = make_adapter(synapse, bot_account, MemoryStore())
    foreign_room = await user.create_room([], direct=False)
    elsewhere = ConversationRef(channel=adapter.name, chat_id=ChatId(foreign_room))
    async with running(adapter, _ignore):
        with pytest.raises(PermanentDeliveryError) as refused:
            await adapter.send(elsewhere, Reply(text="hallo"))
    # The reason the outbox stores and logs names the error, not the room.
    assert refused.value.reason == "Matrix M_FORBIDDEN"
