"""The safety layer on the bundled crisis words: each kind in all 16 languages, no false alarms."""

from __future__ import annotations

import pytest

from intents.safety import Certainty, SafetyDetector, SafetyRules, compile_pattern
from intents.tuning import load_safety_rules
from tests.intents.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def detector() -> SafetyDetector:
    return SafetyDetector(load_safety_rules(KNOWLEDGE))


CRISES = [
    # suicidal thoughts, direct and indirect
    ("de", "ich will einfach nicht mehr leben", "suicide"),
    ("de", "alle wären besser dran ohne mich", "suicide"),
    ("en", "i keep thinking everyone would be better off without me", "suicide"),
    ("en", "honestly i just want to end it tonight", "suicide"),
    ("uk", "я більше не хочу жити", "suicide"),
    ("uk", "ne khochu zhyty bilshe", "suicide"),
    ("ru", "думаю покончить с собой", "suicide"),
    ("ru", "ne hochu zhit voobshe", "suicide"),
    ("ar", "والله بدي انتحر ما عاد فيني", "suicide"),
    ("ar", "bdi ente7er", "suicide"),
    ("fa", "دیگه نمیخوام زندگی کنم", "suicide"),
    ("fa", "mikham bemiram", "suicide"),
    ("tr", "artık yaşamak istemiyorum", "suicide"),
    ("ro", "nu mai vreau sa traiesc", "suicide"),
    ("bg", "не искам да живея повече", "suicide"),
    ("pl", "nie chce juz zyc", "suicide"),
    ("ps", "زه غواړم ځان ووژنم", "suicide"),
    ("ku", "ez dixwazim xwe bikujim", "suicide"),
    ("so", "waxaan rabaa inaan dhinto", "suicide"),
    ("ti", "ክመውት እደሊ", "suicide"),
    ("sq", "nuk dua te jetoj me", "suicide"),
    ("fr", "je veux en finir, je suis fatigué de vivre", "suicide"),
    # self-harm
    ("de", "ich ritze mich wieder", "self_harm"),
    ("en", "i cut myself again last night", "self_harm"),
    ("ru", "я опять режу себя", "self_harm"),
    ("fr", "je me fais du mal", "self_harm"),
    # medical
    ("de", "mein opa ist umgekippt und atmet nicht", "medical"),
    ("en", "my baby is having a fit, shaking all over", "medical"),
    ("en", "think my flatmate overdosed, cant wake him up", "medical"),
    ("uk", "дитина не дихає", "medical"),
    ("ru", "папа без сознания", "medical"),
    ("ar", "امي مغمى عليها", "medical"),
    ("fa", "پسرم تشنج کرده", "medical"),
    ("tr", "babam nefes almıyor", "medical"),
    ("ro", "bunica nu mai respira", "medical"),
    ("bg", "баща ми получи инфаркт", "medical"),
    ("pl", "mama jest nieprzytomna", "medical"),
    ("ps", "زما پلار بې هوښه دی", "medical"),
    ("ku", "bavê min bêhiş bûye", "medical"),
    ("so", "gargaar! ilmaha ma neefsan karo", "medical"),
    ("ti", "ኣቦይ ስምዒቱ ስሒቱ", "medical"),
    ("sq", "nena nuk merr fryme", "medical"),
    ("fr", "mon fils a avalé tous les médicaments", "medical"),
    # fire and gas
    ("de", "im treppenhaus brennt es", "fire_gas"),
    ("en", "it smells of gas in the whole building", "fire_gas"),
    ("uk", "у квартирі пахне газом", "fire_gas"),
    ("ar", "في حريق بالبناية", "fire_gas"),
    ("tr", "mutfakta gaz kokusu var", "fire_gas"),
    ("pl", "czuć gaz na klatce", "fire_gas"),
    ("fr", "il y a le feu dans la cuisine", "fire_gas"),
    # violence at home
    ("de", "mein mann schlägt mich jeden abend", "domestic_violence"),
    ("en", "my husband hits me and i am hiding in the bathroom", "domestic_violence"),
    ("uk", "чоловік б'є мене", "domestic_violence"),
    ("ar", "زوجي يضربني", "domestic_violence"),
    ("fa", "شوهرم کتکم میزنه", "domestic_violence"),
    ("tr", "kocam beni dövüyor", "domestic_violence"),
    ("ro", "sotul meu ma bate", "domestic_violence"),
    ("bg", "мъжът ми ме бие", "domestic_violence"),
    ("ps", "مېړه مې ما وهي", "domestic_violence"),
    ("ku", "mêrê min li min dixe", "domestic_violence"),
    ("so", "ninkaygu wuu i garaacayaa", "domestic_violence"),
    ("ti", "ሰብኣየይ ይወቕዓኒ", "domestic_violence"),
    ("sq", "burri im me rreh", "domestic_violence"),
    ("fr", "mon mari me frappe", "domestic_violence"),
    # violence now
    ("en", "a man with a knife is outside our door", "violence"),
    ("de", "jemand bricht gerade bei uns ein", "violence"),
    ("ru", "кто-то ломится в дверь, угрожает мне", "violence"),
    ("pl", "ktoś się włamuje, ratunku", "violence"),
    # a child at risk
    ("de", "der nachbar schlägt seine kinder", "child_at_risk"),
    ("en", "my daughter is missing since this morning", "child_at_risk"),
    # what the emergency number is: information
    ("fr", "Quel est le numéro d'urgence ?", "info"),
    ("uk", "який екстрений номер у німеччині", "info"),
    ("de", "was ist die notrufnummer", "info"),
]


@pytest.mark.parametrize(("lang", "text", "kind"), CRISES)
def test_each_crisis_kind_is_recognised_surely(
    detector: SafetyDetector, lang: str, text: str, kind: str
) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.SURE, (lang, text)
    assert verdict.kind == kind, (lang, text, verdict.kinds)


FALSE_ALARMS = [
    # dates, times and numbers
    "3 November", "3 نوفمبر", "3 грудня", "3 Januar", "am 3.11. um 10 uhr", "3 listopada",
    "3 noiembrie", "3 Kasım", "۳ آبان", "3 декември", "le 3 novembre", "3 nëntor",
    "44388", "110 euro", "ich wohne in der Feuerwehrstraße 12",
    # office words
    "polizeiliches Führungszeugnis beantragen",
    "i lost my passport, do i have to go to the police?",
    "ضاع جوازي لازم روح عالشرطة؟",
    "як отримати довідку про несудимість",
    "pasaportumu kaybettim polise gitmem gerekir mi",
    "zgubiłem paszport, czy muszę iść na policję?",
    "wo ist die Ausländerbehörde",
    # bills, debts and cut-off threats
    "DEW21 droht das Gas abzustellen",
    "DEW21 threatens to cut off the gas",
    "DEW21 погрожує відключити газ",
    "الشركة عم تهدد تقطع الغاز",
    "DEW21 gazı kesmekle tehdit ediyor",
    "DEW21 grozi odcięciem gazu",
    "ich habe eine Mahnung bekommen",
    # idioms
    "the deadline is killing me",
    "I'm dying to know when my appointment is",
    "this heat kills me",
    "die Hitze bringt mich um",
    "жара убивает меня",
    "la chaleur me tue",
    # flats and streets
    "flat for rent", "شقة للايجار", "wohnung zu vermieten", "rue de la Paix",
    # the past
    "my brother died in the war",
    "mein vater ist im krieg gestorben",
    # ordinary questions
    "wo muss ich mich anmelden",
    "ich brauche hilfe bei der anmeldung",
    "помогите пожалуйста с анмельдунг",
    "potrzebuję pomocy z meldunkiem",
    "ma ta zang wawahai",
    "ما ته زنګ ووهئ",
    "زه باور نه لرم",
    "kita platz 44388",
    "meldebescheinigung nereden alinir acil lazim",
    "Rendez-vous d'urgence chez le dentiste",
]  # fmt: skip


@pytest.mark.parametrize("text", FALSE_ALARMS)
def test_harmless_messages_raise_no_alarm(detector: SafetyDetector, text: str) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.NONE, (text, verdict)


def test_bare_institution_words_are_only_unsure(detector: SafetyDetector) -> None:
    for text in ("police", "Polizei", "полиция", "feuer"):
        assert detector.assess(text).certainty is Certainty.UNSURE, text


def test_a_harmless_context_silences_unsure_words(detector: SafetyDetector) -> None:
    assert detector.assess("ich kann nicht mehr").certainty is Certainty.UNSURE
    assert detector.assess("ich kann nicht mehr, die Mahnung").certainty is Certainty.NONE


def test_the_encoder_alone_makes_unsure_never_sure(detector: SafetyDetector) -> None:
    none = detector.assess("mein Nachbar ist komisch")
    guessed = detector.with_model(none, "mein Nachbar ist komisch", model_says_emergency=True)
    assert (guessed.certainty, guessed.kind) == (Certainty.UNSURE, "emergency")
    calm = detector.assess("die Rechnung ist komisch")
    assert calm.calm
    assert detector.with_model(calm, "x y", model_says_emergency=True).certainty is Certainty.NONE
    alone = detector.assess("3 Januar")
    assert detector.with_model(alone, "3 januar", model_says_emergency=True) == alone


def test_the_most_urgent_kind_answers(detector: SafetyDetector) -> None:
    verdict = detector.assess("i took all my pills because i want to die")
    assert verdict.kind == "medical"
    assert "suicide" in verdict.kinds
    # Asking for the number next to a real danger is that danger, not information.
    assert detector.assess("what is the police number, my husband hits me").kind == (
        "domestic_violence"
    )


@pytest.mark.parametrize(
    "text", ["ja", "Ja, bitte!", "yes", "да", "так", "نعم", "evet", "tak", "po", "haa", "እወ"]
)
def test_yes_to_the_danger_question(detector: SafetyDetector, text: str) -> None:
    assert detector.is_yes(text)


@pytest.mark.parametrize("text", ["nein", "no", "ich weiß ja nicht", "3 November"])
def test_no_yes(detector: SafetyDetector, text: str) -> None:
    assert not detector.is_yes(text)


def test_pattern_syntax() -> None:
    rules = SafetyRules(
        groups={"person": ("mein mann", "er")},
        sure={"domestic_violence": ("{person} ... schlägt",), "fire_gas": ("rauch*",)},
    )
    detector = SafetyDetector(rules)
    assert detector.assess("mein Mann schlägt").kind == "domestic_violence"
    assert detector.assess("er hat mich gestern schon wieder geschlagen").kind is None
    assert detector.assess("mein mann er schlägt").kind == "domestic_violence"
    assert detector.assess("überall Rauchgeruch").kind == "fire_gas"
    assert detector.assess("verrauchte Kneipe").kind is None  # word boundaries


def test_violating_is_not_viol_and_arabic_prefixes_need_a_long_word() -> None:
    rules = SafetyRules(sure={"violence": ("viol", "اور"), "medical": ("نزيف",)})
    detector = SafetyDetector(rules)
    assert detector.assess("violating the rules").kind is None
    assert detector.assess("باور").kind is None  # Pashto "trust": not ب + اور
    assert detector.assess("والنزيف").kind == "medical"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("{nobody} hits", "unknown group"),
        ("ab*", "too short"),
        ("... hits", "needs a word before and after"),
        ("hits ...", "needs a word before and after"),
        ("!!!", "no letters or digits"),
    ],
)
def test_bad_patterns_say_what_is_wrong(pattern: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        compile_pattern(pattern, {"person": ("he",)})


def test_anchored_patterns_need_the_whole_message(detector: SafetyDetector) -> None:
    assert detector.assess("112").kind == "emergency"
    assert detector.assess("112!").kind == "emergency"
    assert detector.assess("110 euro").certainty is Certainty.NONE
