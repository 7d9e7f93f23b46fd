"""The outbox: a reply committed but not delivered is sent after a restart, exactly once."""

from __future__ import annotations

from pathlib import Path

from adapters.memory import MemoryAdapter
from bot.app import build_core
from bot.clock import FrozenClock
from bot.errors import DeliveryError
from bot.knowledge_store import KnowledgeStore
from bot.messages import Choice, ConversationRef, Document, Reply, Venue
from bot.outbox import reply_from_json, reply_to_json
from bot.settings import Settings


class BrokenChannel(MemoryAdapter):
    """A channel whose network is down: every send fails."""

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        raise DeliveryError("network down")


async def test_undelivered_reply_is_sent_after_restart_once(
    tmp_path: Path, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lotse.sqlite3'}")
    broken = BrokenChannel("memory")
    core = await build_core(settings, adapters=(broken,), clock=clock, knowledge=knowledge_store)
    broken.bind(core.dispatcher)
    assert await broken.say("dana", "wo muss ich mich anmelden") == []
    await core.close()

    working = MemoryAdapter("memory")
    core = await build_core(settings, adapters=(working,), clock=clock, knowledge=knowledge_store)
    sent = await core.outbox.flush(at_start=True)
    assert sent >= 1
    assert await core.outbox.flush() == 0, "a delivered reply is not sent again"
    await core.close()
    assert len(working.sent) == sent
    assert "Wohnungsgeberbestätigung" in working.sent[0].reply.text


async def test_retry_only_takes_replies_older_than_asked(
    tmp_path: Path, knowledge_store: KnowledgeStore, clock: FrozenClock
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lotse.sqlite3'}")
    broken = BrokenChannel("memory")
    core = await build_core(settings, adapters=(broken,), clock=clock, knowledge=knowledge_store)
    broken.bind(core.dispatcher)
    await broken.say("dana", "hallo")
    working = MemoryAdapter("memory")
    core.outbox.attach(working)
    assert await core.outbox.flush(older_than=clock.now()) == 0
    await core.close()


def test_reply_round_trips_through_json() -> None:
    reply = Reply(
        text="Termin",
        lang="uk",
        feedback=True,
        choices=(Choice(key="b:1", label="Так"),),
        venue=Venue(name="MigraDO", address="Friedensplatz 7", lat=51.5, lon=7.4, map_url="u"),
        document=Document(filename="a.ics", mime_type="text/calendar", content=b"\x00ics"),
    )
    assert reply_from_json(reply_to_json(reply)) == reply
