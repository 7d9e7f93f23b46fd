"""The Bot API on the wire, for the double: reading requests, error answers, user JSON."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

JsonDict = dict[str, Any]

TEXT_LIMIT = 4096
"""Telegram's limit for one message's text, in UTF-16 code units."""

_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "message_thread_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "max_connections",
    }
)
_FLOAT_FIELDS = frozenset({"latitude", "longitude"})


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file that arrived in a multipart request."""

    filename: str
    content_type: str
    content: bytes


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def decode_form_value(key: str, value: str) -> Any:
    """Form fields arrive as text; PTB JSON-encodes nested values and numbers."""
    if key in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value
    if key in _FLOAT_FIELDS:
        return float(value)
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def read_params(request: web.Request) -> tuple[JsonDict, dict[str, UploadedFile]]:
    params: JsonDict = {k: decode_form_value(k, v) for k, v in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json" and request.can_read_body:
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = UploadedFile(
                    filename=value.filename,
                    content_type=value.content_type,
                    content=value.file.read(),
                )
            else:
                params[key] = decode_form_value(key, str(value))
    return params, files


def checked_markup(markup: Any) -> JsonDict:
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup


def error_response(error: ApiError) -> web.Response:
    body: JsonDict = {"ok": False, "error_code": error.status, "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.status)


def user_json(user_id: int, language_code: str | None, first_name: str = "Test") -> JsonDict:
    user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        user["language_code"] = language_code
    return user


def chat_json(chat_id: int, *, forum: bool = False) -> JsonDict:
    """Positive ids are private chats with a user, negative ones groups (as in Telegram);
    a forum is a supergroup with topics."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Test"}
    if forum:
        return {"id": chat_id, "type": "supergroup", "title": "Test forum", "is_forum": True}
    return {"id": chat_id, "type": "group", "title": "Test group"}


def message_json(
    chat_id: int, message_id: int, sender: JsonDict, content: JsonDict, *, forum: bool = False
) -> JsonDict:
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat_json(chat_id, forum=forum),
        "from": sender,
        **content,
    }


def photo_json(chat_id: int) -> list[JsonDict]:
    return [
        {"file_id": f"photo-{chat_id}-{w}", "file_unique_id": f"p{w}", "width": w, "height": w}
        for w in (90, 320, 800)
    ]


STICKER: JsonDict = {
    "file_id": "sticker-1",
    "file_unique_id": "s1",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "emoji": "👍",
}
