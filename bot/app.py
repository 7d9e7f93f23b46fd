"""The composition root: the one place that wires settings, storage, knowledge and channels."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.booking import install as install_booking
from bot.clock import SystemClock
from bot.dispatcher import Dispatcher
from bot.handover import install as install_handover
from bot.knowledge_store import KnowledgeStore
from bot.messages import Reply
from bot.observability import HealthServer, Metrics
from bot.outbox import Outbox
from bot.ports import ChatAdapter, Clock, MessageHandler, StaffNotifier
from bot.retention import CoreEraser, RetentionJob, RetentionPolicy
from bot.router import Router
from bot.settings import Settings
from bot.storage.database import Database
from bot.turn import Turn, TurnContext, Understood
from bot.unanswered import install as install_unanswered
from intents.semantic import SentenceEncoder, default_encoder

log = logging.getLogger(__name__)


@dataclass(slots=True, kw_only=True)
class Core:
    """Everything the channels talk to. Build it with :func:`build_core`, close it after."""

    settings: Settings
    database: Database
    knowledge: KnowledgeStore
    router: Router
    dispatcher: Dispatcher
    outbox: Outbox
    clock: Clock
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    """Long-running jobs of extensions (reminders, hold expiry), run by :func:`serve`."""
    staff_rooms: dict[str, set[str]] = field(default_factory=dict)
    """Per channel, the chats where staff work: every message there is passed on."""
    staff_notifier: StaffNotifier | None = None
    """How office staff hear of bookings and cancellations (set by the handover feature)."""
    dispatcher_entry: MessageHandler | None = None
    """What the channels call for each message; the dispatcher unless wrapped (see runner)."""
    metrics: Metrics = field(default_factory=Metrics)

    async def close(self) -> None:
        await self.database.close()


def encoder_factory(settings: Settings) -> Callable[[], SentenceEncoder | None]:
    return default_encoder if settings.semantic else (lambda: None)


def load_knowledge_store(settings: Settings, *, lazy: bool = False) -> KnowledgeStore:
    return KnowledgeStore(
        settings.knowledge_dir,
        encoder_factory=encoder_factory(settings),
        cache_dir=settings.cache_dir,
        lazy=lazy,
    )


async def build_core(
    settings: Settings,
    *,
    adapters: Sequence[ChatAdapter] = (),
    clock: Clock | None = None,
    knowledge: KnowledgeStore | None = None,
) -> Core:
    """Open the database (migrating it), load the knowledge base and wire the dispatcher."""
    clock = clock or SystemClock()
    database = Database(settings.database_url, pool_size=settings.database_pool_size)
    await database.migrate()
    if knowledge is None:
        knowledge = await asyncio.to_thread(load_knowledge_store, settings)
    outbox = Outbox(database, {adapter.name: adapter for adapter in adapters}, clock)
    router = Router(knowledge=knowledge)
    dispatcher = Dispatcher(
        database=database, router=router, outbox=outbox, clock=clock, texts=knowledge.texts
    )
    metrics = Metrics()
    router.metrics = dispatcher.metrics = outbox.metrics = metrics
    dispatcher.ready = knowledge.ready
    core = Core(
        metrics=metrics,
        settings=settings,
        database=database,
        knowledge=knowledge,
        router=router,
        dispatcher=dispatcher,
        outbox=outbox,
        clock=clock,
    )
    router.add_handler("human", no_staff_connected)
    for install in EXTENSIONS:
        install(core)
    # Privacy: /delete also takes the handled-message ids and queued replies; old rows go.
    router.add_eraser(CoreEraser())
    core.background.append(RetentionJob(database, retention_policy(settings), clock).run_forever)
    return core


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        conversation_days=settings.retention_conversation_days,
        handled_ids_days=settings.retention_handled_ids_days,
        booking_days=settings.retention_booking_days,
        closed_case_days=settings.retention_closed_case_days,
        outbox_days=settings.retention_outbox_days,
    )


async def no_staff_connected(ctx: TurnContext, understood: Understood) -> Turn:
    """`human` without a staff roster: say honestly that nobody is here, and where people are.
    The handover feature replaces this handler when staff are configured."""
    reply = Reply(text=ctx.msg("human_unavailable"), lang=ctx.lang)
    return Turn(replies=(reply,), state=ctx.state.cleared(), intent="human")


EXTENSIONS: tuple[Callable[[Core], None], ...] = (
    install_handover,
    install_booking,
    install_unanswered,
)
"""Features that plug into the router and dispatcher (booking, handover): each gets the core
and registers its handlers, flows, gates, erasers and background jobs."""


async def serve(
    core: Core,
    adapters: Sequence[ChatAdapter],
    *,
    watch_knowledge: bool,
    health: HealthServer | None = None,
) -> None:
    """Run the channels in one TaskGroup until they end or the task is cancelled."""
    for adapter in adapters:
        core.outbox.attach(adapter)
    async with asyncio.TaskGroup() as group:
        entry = core.dispatcher_entry or core.dispatcher
        runs = [group.create_task(a.run(entry)) for a in adapters]
        helpers = [group.create_task(job()) for job in core.background]
        helpers.append(group.create_task(_flush_when_ready(core, adapters)))
        # The matcher is built while the channels connect (at once when it already is).
        helpers.append(group.create_task(core.knowledge.ready()))
        if health is not None:
            helpers.append(group.create_task(health.run()))
        if watch_knowledge:
            helpers.append(
                group.create_task(core.knowledge.watch(core.settings.knowledge_poll_seconds))
            )
        # The channels decide when serving ends (console: end of input; others: cancellation).
        # asyncio.wait, not gather: on cancellation the TaskGroup alone stops each channel once.
        await asyncio.wait(runs)
        for task in helpers:
            task.cancel()


async def _flush_when_ready(core: Core, adapters: Sequence[ChatAdapter]) -> None:
    """Send replies left over from the last run once every channel can send again."""
    for adapter in adapters:
        wait_ready = getattr(adapter, "wait_ready", None)
        if wait_ready is not None:
            await wait_ready()
    sent = await core.outbox.flush(at_start=True)
    if sent:
        log.info("sent %d reply(ies) left over from the last run", sent)
    while True:
        # A reply whose delivery failed (a channel hiccup) is tried again; only older ones, so
        # a reply the dispatcher is delivering right now is never sent twice.
        await asyncio.sleep(OUTBOX_RETRY_SECONDS)
        await core.outbox.flush(older_than=core.clock.now() - OUTBOX_RETRY_AGE)


OUTBOX_RETRY_SECONDS = 60.0
OUTBOX_RETRY_AGE = timedelta(minutes=2)
