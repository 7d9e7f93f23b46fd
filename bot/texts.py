"""The bot's sentences in the user's language, with an honest fallback where one is missing."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from knowledge.loader import KnowledgeBase

log = logging.getLogger(__name__)

_BRACES = re.compile(r"\{[^{}]*\}")

LANGUAGE_NAMES: dict[str, str] = {
    "de": "Deutsch", "en": "English", "uk": "Українська", "ru": "Русский", "ar": "العربية",
    "fa": "فارسی / دری", "tr": "Türkçe", "ro": "Română", "bg": "Български", "pl": "Polski",
    "ps": "پښتو", "ku": "Kurmancî", "so": "Soomaali", "ti": "ትግርኛ", "sq": "Shqip",
    "fr": "Français",
}  # fmt: skip
"""Each language's own name, as people look for it in a list."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalText:
    text: str
    lang: str
    """The language ``text`` is really written in (differs from the asked one after a fallback)."""


class Texts:
    """Looks up replies and messages in one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb

    @property
    def languages(self) -> tuple[str, ...]:
        return self._kb.meta.languages

    def serving_language(self, lang: str | None) -> str:
        """The language replies are written in for a user of ``lang``."""
        if lang in self._kb.meta.languages:
            return lang
        return self._kb.meta.fallback[0]

    def _pick(self, translations: Mapping[str, str], lang: str) -> LocalText | None:
        if lang in translations:
            return LocalText(text=translations[lang], lang=lang)
        for fallback in self._kb.meta.fallback:
            if fallback in translations:
                return LocalText(text=translations[fallback], lang=fallback)
        return None

    def translated(self, translations: Mapping[str, str], lang: str) -> LocalText:
        """``translations`` in ``lang``, or in the first fallback language that has it."""
        picked = self._pick(translations, lang)
        if picked is None:
            raise KeyError(lang)
        return LocalText(text=picked.text.strip(), lang=picked.lang)

    def message(self, key: str, lang: str, **values: object) -> str:
        """A UI sentence; placeholders filled. Unknown keys are a programming error."""
        translations = self._kb.messages[key]
        picked = self._pick(translations, lang)
        if picked is None:
            raise KeyError(key)
        if not values:
            return picked.text
        try:
            return picked.text.format(**values)
        except (KeyError, IndexError, ValueError, AttributeError):
            # The validator rejects such a text; this keeps a running bot answering anyway.
            log.error("message '%s' (%s) has a placeholder the bot cannot fill", key, picked.lang)
        for fallback in self._kb.meta.fallback:
            try:
                return translations[fallback].format(**values)
            except (KeyError, IndexError, ValueError, AttributeError):
                continue
        return _BRACES.sub("", picked.text)

    def has_message(self, key: str) -> bool:
        return key in self._kb.messages

    def reply(self, intent: str, lang: str, city: str | None = None) -> LocalText:
        """An intent's reply (the city's own where it has one); after a fallback the text
        starts with a notice saying so."""
        doc = self._kb.intents.get(intent) or self._kb.intents["unknown"]
        replies = doc.reply_by_city.get(city, doc.reply) if city else doc.reply
        picked = self._pick(replies, lang)
        if picked is None:
            raise KeyError(intent)
        if picked.lang != lang:
            notice = self.message("fallback_notice", lang, fallback=LANGUAGE_NAMES[picked.lang])
            return LocalText(text=f"{notice}\n\n{picked.text}", lang=picked.lang)
        return picked

    def topic_name(self, intent: str, lang: str) -> str:
        key = f"topic_{intent}"
        return self.message(key, lang) if self.has_message(key) else intent
