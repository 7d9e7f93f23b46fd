"""The bot's sentences in the user's language, with an honest fallback where one is missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from knowledge.loader import KnowledgeBase

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
        picked = self._pick(self._kb.messages[key], lang)
        if picked is None:
            raise KeyError(key)
        return picked.text.format(**values) if values else picked.text

    def has_message(self, key: str) -> bool:
        return key in self._kb.messages

    def reply(self, intent: str, lang: str) -> LocalText:
        """An intent's reply; after a fallback the text starts with a notice saying so."""
        doc = self._kb.intents.get(intent) or self._kb.intents["unknown"]
        picked = self._pick(doc.reply, lang)
        if picked is None:
            raise KeyError(intent)
        if picked.lang != lang:
            notice = self.message("fallback_notice", lang, fallback=LANGUAGE_NAMES[picked.lang])
            return LocalText(text=f"{notice}\n\n{picked.text}", lang=picked.lang)
        return picked

    def topic_name(self, intent: str, lang: str) -> str:
        key = f"topic_{intent}"
        return self.message(key, lang) if self.has_message(key) else intent
