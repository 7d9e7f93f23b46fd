"""Telegram groups: every member who writes has a conversation of their own."""

from __future__ import annotations

from telegram import Update

from adapters.telegram_updates import incoming_from_update
from bot.messages import IncomingMessage


def _incoming(
    chat: dict[str, object], sender: int, key: str, payload: dict[str, object]
) -> IncomingMessage:
    person = {"id": sender, "is_bot": False, "first_name": "T"}
    if key == "message":
        body = {"message_id": 5, "date": 0, "chat": chat, "from": person, **payload}
    else:
        shown = {"message_id": 6, "date": 0, "chat": chat, "text": "?"}
        body = {"id": "q", "from": person, "chat_instance": "c", "message": shown, **payload}
    update = Update.de_json({"update_id": 1, key: body}, None)
    assert update is not None
    message = incoming_from_update(update)
    assert message is not None
    return message


def test_privacy_group_messages_and_button_presses_belong_to_the_member() -> None:
    group = {"id": -1001, "type": "supergroup", "title": "Nachbarschaft"}
    alice = _incoming(group, 11, "message", {"text": "hallo"})
    bob = _incoming(group, 12, "message", {"text": "hallo"})
    assert alice.conversation.chat_id == bob.conversation.chat_id == "-1001"
    assert alice.conversation.key == "telegram:-1001|11" != bob.conversation.key
    pressed = _incoming(group, 12, "callback_query", {"data": "intent:kita"})
    assert pressed.conversation.key == "telegram:-1001|12"
    private = _incoming({"id": 11, "type": "private", "first_name": "T"}, 11, "message",
                        {"text": "hallo"})  # fmt: skip
    assert private.conversation.key == "telegram:11" and private.conversation.member is None
