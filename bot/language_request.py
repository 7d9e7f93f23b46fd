"""Finding which language a user asks for in "english please" or "по-украински"."""

from __future__ import annotations

import re

from anyascii import anyascii

# Stems of each language's name as people write it in our sixteen languages, transliterated to
# ASCII and lower-cased (so "українською" and "ukrainisch" both contain "ukrain").
_STEMS: dict[str, tuple[str, ...]] = {
    "de": ("deutsch", "german", "nimets", "nemets", "nemsk", "almanca", "almani", "almaan",
           "alman", "germana", "niemieck", "allemand", "gjermanisht", "elmaniya", "jarman",
           "lmny", "lmany"),
    "en": ("english", "englisch", "angli", "ingiliz", "ingilizce", "englez", "inglizi",
           "ingliisi", "anglais", "anglisht", "inglisi", "engliz", "ingilis", "ingliz", "njlyzy",
           "nglysy"),
    "uk": ("ukrain", "ukrayn", "ucrain", "oukrain", "okrain", "ukrajin", "ukrainsk"),
    "ru": ("russ", "rusk", "rosyj", "rusca", " rus ", "rusa ", "rusisht", "rwsy", "roos"),
    "ar": ("arab", "arapca", "araabi", "arabisht", "3arabi", "`rby", "carabi"),
    "fa": ("pers", "farsi", "dari", "fars", "frsy", " dry ", "farsca", "persan"),
    "tr": ("turk", "turc", "tyrk", "trky"),
    "ro": ("roman", "rumaen", "rumun", "rumyn", "rumyin"),
    "bg": ("bulgar", "bolgar", "blgar"),
    "pl": ("polish", "polnisch", "polsk", "polon", "polsh", "pol'sk", "lehce", "bwlndy"),
    "ps": ("pashto", "pasht", "pushtu", "pakhto", "pshtw", "pstw"),
    "ku": ("kurd", "kurmanc", "kwrdy", "kurt"),
    "so": ("somal", "soomaal", "swmal"),
    "ti": ("tigrin", "tigriny", "tgrny", "tigrigna"),
    "sq": ("alban", "shqip", "arnavut", "albansk"),
    "fr": ("french", "franz", "franc", "frants", "frantsu", "frnsy", "fransiz", "frenj"),
}  # fmt: skip

_WORD = re.compile(r"[a-z0-9'`]+")


def requested_language(text: str) -> str | None:
    """The one language named in ``text``, or None when none or several are named."""
    ascii_text = " " + " ".join(_WORD.findall(anyascii(text).lower())) + " "
    found = {lang for lang, stems in _STEMS.items() if any(stem in ascii_text for stem in stems)}
    return found.pop() if len(found) == 1 else None
