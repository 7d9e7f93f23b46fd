"""The terminal channel behind `lotse chat`: lines in on stdin, replies out on stdout."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.messages import (
    ChannelName,
    ChatId,
    ConversationRef,
    IncomingMessage,
    MessageKind,
    Reply,
    UserId,
)
from bot.ports import MessageHandler


def render(reply: Reply) -> str:
    """A reply as terminal text: the message, then its choices numbered from 1."""
    lines = [reply.text.rstrip()]
    for number, choice in enumerate(reply.choices, start=1):
        lines.append(f"  {number}. {choice.label}")
    if reply.venue is not None:
        lines.append(f"  {reply.venue.name}, {reply.venue.address}: {reply.venue.map_url}")
    if reply.document is not None:
        lines.append(f"  [{reply.document.filename}]")
    return "\n".join(lines)


class ConsoleAdapter:
    """Reads stdin (a TTY or a pipe) until end of input; one conversation per user name."""

    def __init__(
        self,
        *,
        user: str = "console",
        lang_hint: str | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        prompt: bool | None = None,
    ) -> None:
        self._user = user
        self._lang_hint = lang_hint
        self._stdin = stdin or sys.stdin
        self._stdout = stdout or sys.stdout
        self._prompt = self._stdin.isatty() if prompt is None else prompt
        self._counter = 0

    @property
    def name(self) -> ChannelName:
        return ChannelName("console")

    @property
    def conversation(self) -> ConversationRef:
        return ConversationRef(channel=self.name, chat_id=ChatId(self._user))

    async def run(self, on_message: MessageHandler) -> None:
        while True:
            if self._prompt:
                self._stdout.write("> ")
                self._stdout.flush()
            line = await asyncio.to_thread(self._stdin.readline)
            if line == "":
                return
            self._counter += 1
            await on_message(
                IncomingMessage(
                    conversation=self.conversation,
                    sender=UserId(self._user),
                    message_id=f"{self._user}:{self._counter}:{id(self)}",
                    kind=MessageKind.TEXT,
                    text=line.rstrip("\n"),
                    lang_hint=self._lang_hint,
                )
            )

    async def send(self, to: ConversationRef, reply: Reply) -> None:
        self._stdout.write(render(reply) + "\n\n")
        self._stdout.flush()
