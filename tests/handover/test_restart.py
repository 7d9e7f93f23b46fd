"""A restart mid-case loses no message in either direction: cases and the outbox are stored."""

from __future__ import annotations

from pathlib import Path

from adapters.memory import MemoryAdapter
from bot.clock import FrozenClock
from bot.errors import DeliveryError
from bot.handover.models import CaseStatus
from bot.knowledge_store import KnowledgeStore
from bot.messages import ConversationRef, Reply
from tests.handover.conftest import ANA, start_handover, write_roster

USER = "4711"


class FlakyChannel(MemoryAdapter):
    """A memory channel whose network can be cut: sends fail as a real channel's would."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.down = False

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        if self.down:
            raise DeliveryError(f"{self.name} is unreachable")
        await super().send(to, reply)


async def test_messages_in_both_directions_survive_a_restart(
    database_url: str, tmp_path: Path, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> None:
    roster = write_roster(tmp_path)
    users, staff = FlakyChannel("telegram"), FlakyChannel("matrix")
    first = await start_handover(database_url, roster, knowledge_store, clock, users, staff)
    await first.users.say(USER, "/human", lang_hint="en")
    case_id = first.last_case_id()
    await first.staff_says(ANA, f"!claim {case_id}")

    # Both networks fail while one message goes each way; then the bot stops.
    staff.down = users.down = True
    await first.users.say(USER, "Are you still there?")
    await first.staff_says(ANA, f"!reply {case_id} Yes, one moment please.")
    await first.core.close()
    assert all("still there" not in t for t in first.room_texts())
    assert all("one moment" not in t for t in first.user_texts(USER))

    # A new process on the same database: the outbox is flushed when serving starts.
    users2, staff2 = MemoryAdapter("telegram"), MemoryAdapter("matrix")
    second = await start_handover(database_url, roster, knowledge_store, clock, users2, staff2)
    try:
        assert await second.core.outbox.flush(at_start=True) == 2
        assert second.room_texts() == [f"[{case_id} → Ana] Are you still there?"]
        assert second.user_texts(USER) == ["Ana: Yes, one moment please."]
        case = await second.case(case_id)
        assert case is not None and case.status == CaseStatus.CLAIMED.value

        # The case goes on after the restart: staff still own the conversation.
        assert await second.users.say(USER, "Thanks!", message_id="after-restart") == []
        assert second.room_texts()[-1] == f"[{case_id} → Ana] Thanks!"
        await second.staff_says(ANA, f"!close {case_id}")
        assert "Did it help you?" in second.user_texts(USER)[-1]
    finally:
        await second.core.close()
