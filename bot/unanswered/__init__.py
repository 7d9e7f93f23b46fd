"""What people asked that nothing answered: recorded masked and briefly, reported by topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.unanswered.recorder import UnansweredRecorder

if TYPE_CHECKING:
    from bot.app import Core


def install(core: Core) -> None:
    """The extension hook for ``bot.app.EXTENSIONS``; LOTSE_UNANSWERED_DAYS=0 turns it off."""
    days = core.settings.unanswered_days
    if days > 0:
        core.router.add_observer(UnansweredRecorder(keep_days=days))


__all__ = ["UnansweredRecorder", "install"]
