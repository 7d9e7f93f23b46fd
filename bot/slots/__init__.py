"""Reading the answers to the bot's own questions: yes/no, nationality, dates and times."""

from bot.slots.reader import Nationality, SlotReader, TimeWish

__all__ = ["Nationality", "SlotReader", "TimeWish"]
