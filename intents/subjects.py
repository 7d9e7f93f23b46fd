"""Subjects that no intent covers: a doctor, a school, a bank, the Jobcenter, a phone ...

Out-of-scope questions meet a topic on a shared verb or frame ("register", "an appointment",
"a contract", "how much does ... cost") while their subject is something else: "an appointment
at the dermatologist" is not an appointment at the advice office, "registering a car" is not
registering an address, "cancelling a phone contract" is not an energy contract. So a message
that names one of these subjects is answered with a topic only if it also names an anchor of
that topic (:func:`topic_anchors`: "Meldebescheinigung", "Kita"); otherwise it is asked back
about (``IntentMatcher``, TUNING.md "Out-of-scope questions").

Words are matched after normalisation (and in Latin letters): ``word*`` as a stem, ``*word``
as an ending, ``*word*`` anywhere in a word, otherwise the whole word. The lists name kinds of
subjects, in the 16 languages, not sentences.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from intents.lexical import ExampleForms, QueryForms
from intents.normalise import normalise, transliterate

SUBJECTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "doctor": (
        "*arzt", "*arztin", "*arzte", "*arzten", "arzt*", "doktor*", "doctor*", "dentist*",
        "docteur*", "medecin*", "klinik*", "clinic*", "krankenhaus*", "hospital*", "zahn*",
        "врач*", "доктор*", "лікар*", "стоматолог*", "зубн*", "терапевт*", "лекар*",
        "больниц*", "лікарн*", "болниц*", "*طبیب*", "*دکتور*", "*دکتر*", "*ډاکټر*",
        "*مستشفی*", "*بیمارستان*", "*روغتون*", "*اسنان*", "*دندان*", "dishekim*", "hastane*",
        "medic", "medicul*", "medicului", "stomatolog*", "spital*", "lekarz*", "dentyst*",
        "szpital*", "bijisk*", "nexwesxane*", "dhakhtar*", "isbitaal*", "mjek*", "ሓኪም*",
        "ዶክተር*", "ሆስፒታል*",
    ),
    "school": (
        "schul*", "grundschul*", "*schule", "gymnasium", "realschul*", "school*", "ecole*",
        "lycee*", "college", "школ*", "училищ*", "*مدرسه*", "*مدارس*", "*ښوونځ*", "okul*",
        "scoal*", "szkol*", "dibistan*", "dugsi*", "shkoll*",
    ),
    "bank": (
        "bank*", "banc*", "konto*", "банк*", "*بنک*", "*بانک*", "bangi*", "ባንኪ*",
    ),
    "benefits": (
        "jobcenter*", "jobcentr*", "burgergeld*", "buergergeld*", "arbeitslosengeld*",
        "sozialhilfe*", "wohngeld*", "kindergeld*", "elterngeld*", "джобцентр*", "джоб*",
        "جاب", "جوب", "جابسنتر*", "جوبسنتر*", "*بورگرگلد*",
    ),
    "phone": (
        "handy", "handys", "handyvertrag*", "telefon", "telefons", "telefonvertrag*", "phone",
        "phones", "mobilfunk*", "mobile", "portable", "simkart*", "sim", "internet*", "wlan",
        "wifi", "dsl", "телефон*", "мобил*", "мобіл*", "интернет*", "інтернет*", "*هاتف*",
        "*موبایل*", "*جوال*", "*تلفن*", "*اینترنت*", "*انټرنیټ*", "*ټیلیفون*", "cep",
        "telefoon*", "ስልኪ*",
    ),
    "car": (
        "auto", "autos", "car", "cars", "kfz*", "fuhrerschein*", "voiture*", "машин*",
        "автомоб*", "водительск*", "*سیاره*", "*سیارت*", "ماشین*", "*موټر*", "araba*", "arabam*",
        "ehliyet*", "masin*", "samochod*", "baabuur*", "makin*",
    ),
    "asylum": (
        "bamf", "asyl*", "asylum*", "asile*", "azyl*", "азил*", "убежищ*", "притул*",
        "*لجو*", "*پناهند*", "*پناه*", "iltica*", "siginma*", "azil*", "magangelyo*", "penaber*",
        "ዑቕባ*", "aufenthalt*", "duldung*", "visum", "visa*", "виза", "визу", "визы", "візу",
        "einburger*", "citizenship*", "naturalis*", "eqam*", "*اقامت*", "*اقامه*", "oturum*",
    ),
    "rent": (
        "miete", "schufa*", "wbs", "loyer", "квартплат*", "czynsz*",
    ),
    "ticket": (
        "ticket*", "deutschlandticket*", "monatskart*", "fahrkart*", "проездн*", "квиток*",
        "билет*", "*تذکر*", "*بلیط*", "bilet*", "tigidh*", "bileta*",
    ),
    "recognition": (
        "anerkenn*", "diplom*", "recogni*", "reconnaissance", "признан*", "визнан*",
        "*معادل*", "denklik*", "echival*", "uznan*", "nostryfik*", "njohj*", "ተቐባልነት*",
    ),
    "insurance": (
        "krankenkass*", "krankenversicher*", "versicher*", "insurance*", "assurance*",
        "страхов*", "*تامین*", "*بیمه*", "sigort*", "asigur*", "ubezpiecz*", "caymis*",
        "sigurim*",
    ),
    "leisure": (
        "fitness*", "gym", "verein", "vereine", "vereins", "sportverein*", "bibliothek*",
        "library", "bibliotheque*", "sport*",
    ),
})  # fmt: skip
"""Kinds of subject that no intent covers, each with words in the 16 languages."""

# Intents that answer about a subject of their own: only these are checked.
TOPIC_INTENTS = frozenset(
    {
        "registration",
        "kita",
        "language_course",
        "energy_contract",
        "book_appointment",
        "cancel_appointment",
    }
)

# Subjects that are a way of doing a topic rather than another subject: an appointment made
# by phone or online is still an appointment.
SPARED: Mapping[str, frozenset[str]] = MappingProxyType(
    {"phone": frozenset({"book_appointment", "cancel_appointment"})}
)

_Form = tuple[str, bool, bool]  # (text, match at the start, match at the end)


def _forms(words: Iterable[str]) -> tuple[_Form, ...]:
    forms = []
    for word in words:
        text = normalise(word.strip("*"))
        if text:
            forms.append((text, word.endswith("*"), word.startswith("*")))
    return tuple(forms)


_SUBJECT_FORMS: Mapping[str, tuple[_Form, ...]] = MappingProxyType(
    {subject: _forms(words) for subject, words in SUBJECTS.items()}
)


def _matches(word: str, form: _Form) -> bool:
    text, open_end, open_start = form
    if open_end and open_start:
        return text in word
    if open_end:
        return word.startswith(text)
    if open_start:
        return word.endswith(text)
    return word == text


def subjects_of(normalised: str) -> frozenset[str]:
    """The kinds of subject a normalised text names (each word also read in Latin letters)."""
    words = set()
    for word in normalised.split():
        words.add(word)
        words.add(transliterate(word))
    return frozenset(
        subject
        for subject, forms in _SUBJECT_FORMS.items()
        if any(_matches(word, form) for word in words for form in forms)
    )


# A topic's anchor: a word stem (its first letters, as in :mod:`intents.coverage`) that at least
# ANCHOR_MIN_EXAMPLES examples use, ANCHOR_SHARE of them of that one intent ("anmeld",
# "meldebescheinigung", "kita", "integrationskurs"). A message that names its topic's anchor
# is about that topic even when it names another subject too ("the bank wants my
# Meldebescheinigung").
ANCHOR_STEM = 6
ANCHOR_SHORTEST = 4
ANCHOR_MIN_EXAMPLES = 3
ANCHOR_SHARE = 0.9


def _stems(text: str) -> set[str]:
    return {word[:ANCHOR_STEM] for word in text.split() if len(word) >= ANCHOR_SHORTEST}


def topic_anchors(forms: ExampleForms, intents: Sequence[str]) -> dict[str, frozenset[str]]:
    """The anchor stems of every topic intent, from the examples."""
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for normalised, latin, intent in zip(forms.normalised, forms.latin, intents, strict=True):
        for stem in _stems(normalised) | _stems(latin):
            counts[stem][intent] += 1
    anchors: defaultdict[str, set[str]] = defaultdict(set)
    for stem, per_intent in counts.items():
        intent, count = per_intent.most_common(1)[0]
        total = sum(per_intent.values())
        if (
            intent in TOPIC_INTENTS
            and count >= ANCHOR_MIN_EXAMPLES
            and count >= ANCHOR_SHARE * total
            and not subjects_of(stem)
        ):
            anchors[intent].add(stem)
    return {intent: frozenset(stems) for intent, stems in anchors.items()}


def mentions_anchor(forms: QueryForms, anchors: frozenset[str]) -> bool:
    """Whether the message uses one of the ``anchors`` (in its own script or Latin letters)."""
    return bool((_stems(forms.normalised) | _stems(forms.latin)) & anchors)
