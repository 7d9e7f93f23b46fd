"""Cue words that separate intents the embeddings confuse: cancelling against booking, and
asking the bot to switch language against asking for a language course.

A cue only nudges the scores (see ``Thresholds.cue_bonus``); the examples still decide.
Words are matched after normalisation, as whole words or, with a trailing ``*``, as stems.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from intents.normalise import normalise

CANCEL_WORDS: tuple[str, ...] = (
    # de en fr
    "absagen", "abzusagen", "stornier*", "verschieben", "verlegen", "cancel*", "reschedul*",
    "postpone", "annul*", "reporter", "deplacer", "decaler",
    # ru uk bg
    "отмен*", "перенес*", "перенест*", "скасу*", "відмін*", "отлож*", "преместя", "премести*",
    # ar fa ps
    "الغاء", "الغی", "الغي", "تاجیل", "تأجيل", "اجل", "لغو", "کنسل", "كنسل", "لغوه",
    # tr ro pl ku so sq ti
    "iptal", "ertele*", "anula*", "amana*", "reprogram*", "odwol*", "przeloz*", "przesun*",
    "betal*", "baaj*", "kansal*", "anulo*", "shty*", "ሰርዝ*", "ሰርዙ*", "ሰረዝ*", "ኣተሓላልፍ*",
    # "my appointment" in one word: an appointment the person already has
    "randevumu", "randevum", "randevumun", "موعدي", "ترميني", "نوبتم",
)  # fmt: skip

# Verbs of writing, speaking and answering: with a language name they ask the bot to switch.
SPEAK_WORDS: tuple[str, ...] = (
    "sprich*", "sprech*", "schreib*", "antwort*", "speak*", "talk*", "write", "answer*",
    "reply", "parl*", "ecri*", "repond*", "говор*", "пиш*", "напиш*", "отвеч*", "ответ*",
    "розмовля*", "відповіда*", "говори*", "отговар*", "تکلم", "تتكلم", "تحدث", "اكتب",
    "صحبت", "بنویس", "حرف", "خبرې", "ولیکه", "konus*", "yaz*", "vorb*", "scrie*", "scrii",
    "raspun*", "mow*", "pisz*", "napisz*", "odpowiad*", "biaxiv*", "binivis*", "ku hadl*",
    "qor*", "fol*", "shkru*", "pergjigj*", "ተዛረብ*", "ጽሓፍ*", "ዘረብ*",
)  # fmt: skip

LANGUAGE_NAMES: tuple[str, ...] = (
    "deutsch*", "german*", "englisch*", "english", "anglais", "allemand", "arab*", "farsi",
    "persisch", "persian", "dari", "pasht*", "pashto", "paxto", "kurd*", "kurmanc*", "turk*",
    "rumanisch", "romanian", "roman*", "bulgar*", "polnisch", "polish", "polsk*", "somali*",
    "tigrin*", "tigrigna", "albanisch", "albanian", "shqip", "francais", "franzosisch",
    "french", "russisch", "russian", "ukrain*", "немец*", "немецк*", "німецьк*", "немски",
    "англ*", "русск*", "украин*", "україн*", "арабск*", "български", "عربی", "العربیه",
    "بالعربی", "الانجلیزیه", "الالمانیه", "فارسی", "دری", "پشتو", "پښتو", "انگلیسی",
    "الماني", "آلمانی", "almanca", "ingilizce", "arapca", "turkce", "kurtce", "germana",
    "engleza", "araba", "niemiecki*", "angielski*", "almani", "erebi", "tirki", "jarmal*",
    "ingiriis*", "carabi", "soomaali", "gjermanisht", "anglisht", "arabisht", "ትግርኛ", "እንግሊዝኛ",
    "ዓረብኛ", "ጀርመንኛ",
)  # fmt: skip


def _forms(words: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    """(normalised word, is stem) pairs."""
    return tuple(
        (normalise(word.rstrip("*")), word.endswith("*"))
        for word in words
        if normalise(word.rstrip("*"))
    )


def _mentions(words: list[str], forms: tuple[tuple[str, bool], ...]) -> bool:
    return any(
        word.startswith(form) if stem else word == form for word in words for form, stem in forms
    )


_CANCEL = _forms(CANCEL_WORDS)
_SPEAK = _forms(SPEAK_WORDS)
_LANGUAGE = _forms(LANGUAGE_NAMES)

CUE_INTENTS: Mapping[str, str] = MappingProxyType(
    {"cancel": "cancel_appointment", "switch": "change_language"}
)


def cued_intents(normalised: str) -> tuple[str, ...]:
    """Intents that the cue words in a normalised message point to."""
    words = normalised.split()
    found = []
    if _mentions(words, _CANCEL):
        found.append(CUE_INTENTS["cancel"])
    if _mentions(words, _SPEAK) and _mentions(words, _LANGUAGE):
        found.append(CUE_INTENTS["switch"])
    return tuple(found)
