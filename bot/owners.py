"""Whose a stored row is, without storing who: a one-way tag of the conversation key."""

from __future__ import annotations

import hashlib

OWNER_TAG_LENGTH = 32


def owner_tag(conversation_key: str) -> str:
    """A stable, non-reversible tag of a conversation (``ConversationRef.key``): rows that
    need no chat id to do their job carry this, so ``/delete`` can still find them."""
    return hashlib.sha256(b"lotse-owner:" + conversation_key.encode()).hexdigest()[
        :OWNER_TAG_LENGTH
    ]
