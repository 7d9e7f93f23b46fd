"""The table of questions nothing answered: language, likely topic, a masked short form."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, UtcDateTime

UNANSWERED = "unanswered"
THUMBS_DOWN = "thumbs_down"


class UnansweredRow(Base):
    """One question nothing answered, or one answer rated thumbs-down. No conversation, no
    user id: a row cannot be traced back to a person. Deleted after the retention period."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """"unanswered" or "thumbs_down"."""
    lang: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The likeliest intent (unanswered) or the intent whose answer was rated down."""
    text: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """The question, masked (digits, e-mail addresses, links) and cut short; none for ratings."""
