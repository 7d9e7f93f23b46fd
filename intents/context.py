"""Recognise short follow-ups that refer back to the previous topic ("and for my wife?")."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from intents.normalise import normalise

_MAX_WORDS = 7


def _words(text: str) -> frozenset[str]:
    return frozenset(normalise(word) for word in text.split())


# Words that open a follow-up: "and", "but", "also", "what about".
OPENERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "de": _words("und aber auch noch"),
        "en": _words("and but also"),
        "uk": _words("а і й та але ще також"),
        "ru": _words("а и но еще ещё также тоже"),
        "ar": _words("و وماذا وهل وكيف وأين طيب"),
        "fa": _words("و ولی پس اونوقت"),
        "tr": _words("peki ya ve ama bir de"),
        "ro": _words("si dar iar pai"),
        "bg": _words("а и но ами още"),
        "pl": _words("a i ale jeszcze oraz"),
        "ps": _words("او خو بیا"),
        "ku": _words("u û ma lê"),
        "so": _words("iyo oo laakiin haddii"),
        "ti": _words("ከ እሞ ግን ንሱ"),
        "sq": _words("dhe por edhe po"),
        "fr": _words("et mais aussi puis alors"),
    }
)

# Words that point back at something said before: "that", "there", "it", "then".
REFERENCES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "de": _words("das dort dafür damit dann ebenfalls dahin davon"),
        "en": _words("that there it this then those them too either same"),
        "uk": _words("це там то цього туди тоді теж тож"),
        "ru": _words("это там то этого туда тогда тоже так"),
        "ar": _words("ذلك هذا هذه هناك هنا كذلك أيضا ايضا نفس"),
        "fa": _words("این آن اون اینو اونجا آنجا همین هم کجاست"),
        "tr": _words("bu o orasi orada orası onun bunun bunu onu de da"),
        "ro": _words("asta acolo acesta aceasta atunci"),
        "bg": _words("това там то тогава също"),
        "pl": _words("to tam tego wtedy tez też"),
        "ps": _words("دا هغه هلته دلته هم"),
        "ku": _words("ev ew wir wê wî jî"),
        "so": _words("taas halkaas kaas sidoo"),
        "ti": _words("እዚ እቲ ኣብኡ ከኣ"),
        "sq": _words("kjo ajo atje kete ate atehere gjithashtu"),
        "fr": _words("ca cela la-bas la y aussi alors meme"),
    }
)

# Who or what the follow-up is about instead: family members, children.
SUBJECTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "de": _words("frau mann kind kinder sohn tochter mutter vater baby familie"),
        "en": _words("wife husband child children kids son daughter mother father baby family"),
        "uk": _words("дружини чоловіка дитини дітей сина доньки мами тата сім'ї"),
        "ru": _words("жены мужа ребенка детей сына дочери мамы папы семьи"),
        "ar": _words("زوجتي زوجي للأطفال الأطفال ابني بنتي امي ابي العائلة للعائلة لزوجتي"),
        "fa": _words("زنم شوهرم بچه ها بچه‌ها پسرم دخترم مادرم پدرم خانواده"),
        "tr": _words("esim esimi cocuk cocuklar oglum kizim annem babam aile"),
        "ro": _words("sotia sotul copil copii fiul fiica mama tata familie"),
        "bg": _words("съпругата съпруга детето децата сина дъщерята майка баща семейството"),
        "pl": _words("zony meza dziecka dzieci syna corki mamy taty rodziny"),
        "ps": _words("ښځې میړه ماشوم ماشومان زوی لور مور پلار کورنۍ"),
        "ku": _words("jina mêr zarok zarokan kur keç dayik bav malbat"),
        "so": _words("xaaska ninka ilmaha caruurta wiilka gabadha hooyo aabo qoyska"),
        "ti": _words("ሰበይተይ ሰብኣየይ ቆልዓ ቆልዑ ወደይ ጓለይ ኣደይ ኣቦይ ስድራ"),
        "sq": _words("gruaja burri femija femijet djali vajza nena babai familja"),
        "fr": _words("femme mari enfant enfants fils fille mere pere bebe famille"),
    }
)

# Phrases that open a follow-up in any language the user mixes in.
OPENING_PHRASES: tuple[str, ...] = tuple(
    normalise(phrase)
    for phrase in (
        "what about", "how about", "and what", "and how", "and where", "was ist mit",
        "wie ist es mit", "und was", "und wie", "und wo", "а как", "а что", "а где", "і як",
        "а як", "a co", "a jak", "et pour", "et si", "peki ya", "ya da", "dar pentru", "si pentru",
        "ama ya",
    )
)  # fmt: skip

# Arabic, Persian and Pashto attach "and" to the next word (وللأطفال, "and for the children").
_ATTACHED_AND = tuple(
    normalise(prefix) for prefix in ("ول", "وب", "وال", "وماذا", "وهل", "وكيف", "وأين", "واذا")
)


def looks_like_follow_up(text: str, lang: str) -> bool:
    """Whether ``text`` is a short message that only makes sense with the previous topic.

    True for "and for my wife?", "where is that?", "а для жены?", "وللأطفال؟", "und wo ist das".
    Word lists of ``lang`` are used, plus English and German, which many users mix in.
    """
    words = normalise(text).split()
    if not words or len(words) > _MAX_WORDS:
        return False
    languages = (lang, "en", "de")
    openers = frozenset().union(*(OPENERS.get(code, frozenset()) for code in languages))
    references = frozenset().union(*(REFERENCES.get(code, frozenset()) for code in languages))
    subjects = frozenset().union(*(SUBJECTS.get(code, frozenset()) for code in languages))
    first = words[0]
    joined = " ".join(words)
    opens = (
        first in openers
        or first.startswith(_ATTACHED_AND)
        or any(joined.startswith(phrase) for phrase in OPENING_PHRASES)
    )
    if opens and len(words) <= 5:
        return True
    if any(word in references for word in words) and len(words) <= 5:
        return True
    about_someone = any(word in subjects for word in words)
    if opens and about_someone:
        return True
    asks = text.rstrip().endswith(("?", "؟", "፧"))
    if asks and about_someone and len(words) <= 3:
        return True
    # Tigrinya attaches "-ከ" ("and what about ...?") to the word it asks about.
    return lang == "ti" and len(words) <= 3 and words[-1].endswith("ከ") and len(words[-1]) > 1


def mentions_someone(text: str, lang: str) -> bool:
    """Whether ``text`` names a family member ("for my wife too", "а для дітей?")."""
    subjects = frozenset().union(*(SUBJECTS.get(code, frozenset()) for code in (lang, "en", "de")))
    words = normalise(text).split()
    # Arabic, Persian and Pashto attach "and" (و) to the word: "ولزوجتي", "and for my wife".
    return any(w in subjects or (w.startswith("و") and w[1:] in subjects) for w in words)
