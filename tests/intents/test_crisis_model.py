"""The crisis classifier: how it learns and decides, and how its bands combine with the words."""

from __future__ import annotations

import numpy as np
import pytest

from intents.crisis_model import CRISIS_KINDS, HARMLESS, CrisisClassifier, TrainingSettings
from intents.matcher import IntentMatcher
from intents.safety import Band, Certainty, CrisisGuess, SafetyDetector, SafetyRules


def _clusters(seed: int = 7) -> tuple[np.ndarray, list[str], np.ndarray]:
    """One tight cluster of vectors per label, around a label's own direction."""
    rng = np.random.default_rng(seed)
    dim = 32
    centres = {label: rng.normal(size=dim) * 3 for label in (*CRISIS_KINDS, HARMLESS)}
    vectors, labels = [], []
    for label, centre in centres.items():
        for _ in range(12):
            vectors.append(centre + rng.normal(size=dim) * 0.3)
            labels.append(label)
    contrast = np.stack([centres[HARMLESS] + rng.normal(size=dim) * 0.3 for _ in range(40)])
    probes = np.stack([centres[label] + rng.normal(size=dim) * 0.3 for label in centres])
    return np.stack(vectors).astype(np.float32), labels, np.vstack([probes, contrast[:1]])


def test_the_classifier_learns_each_kind_and_harmless() -> None:
    vectors, labels, probes = _clusters()
    contrast = vectors[np.array(labels) == HARMLESS]
    classifier = CrisisClassifier(vectors, labels, contrast=contrast)
    for probe, kind in zip(probes[: len(CRISIS_KINDS)], CRISIS_KINDS, strict=True):
        guess = classifier.guess(probe.astype(np.float32))
        assert guess.kind == kind
        assert guess.band is Band.HIGH
    harmless = classifier.guess(probes[len(CRISIS_KINDS)].astype(np.float32))
    assert harmless.band is Band.LOW
    assert harmless.probability < 0.1
    rows = classifier.probabilities(probes.astype(np.float32))
    assert rows.shape == (len(probes), len(CRISIS_KINDS) + 1)
    assert np.allclose(rows.sum(axis=1), 1.0)


def test_bands_follow_the_settings() -> None:
    vectors, labels, probes = _clusters()
    strict = CrisisClassifier(vectors, labels, settings=TrainingSettings(high=1.01, middle=0.5))
    assert strict.guess(probes[0].astype(np.float32)).band is Band.MIDDLE


def test_an_unknown_label_is_refused() -> None:
    vectors, labels, _ = _clusters()
    with pytest.raises(ValueError, match="unknown crisis kind"):
        CrisisClassifier(vectors, [*labels[:-1], "flood"])


def _guess(band: Band, kind: str = "suicide") -> CrisisGuess:
    return CrisisGuess(kind=kind, probability=0.9, band=band)


@pytest.fixture
def words() -> SafetyDetector:
    return SafetyDetector(
        SafetyRules(
            sure={"medical": ("not breathing",)},
            unsure={"violence": ("police",)},
            calm=("electricity bill",),
            never=("killing me",),
        )
    )


def test_a_high_probability_is_sure_of_its_kind(words: SafetyDetector) -> None:
    text = "nobody would notice if i was gone"
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.HIGH)
    )
    assert (verdict.certainty, verdict.kind) == (Certainty.SURE, "suicide")


def test_the_middle_band_is_unsure_and_low_is_nothing(words: SafetyDetector) -> None:
    text = "i do not know how long i can carry this"
    middle = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.MIDDLE)
    )
    assert middle.certainty is Certainty.UNSURE
    low = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.LOW)
    )
    assert low.certainty is Certainty.NONE


def test_sure_words_win_and_unsure_words_stay(words: SafetyDetector) -> None:
    text = "my father is not breathing"
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.LOW)
    )
    assert (verdict.certainty, verdict.kind) == (Certainty.SURE, "medical")
    text = "the police came today"
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.MIDDLE)
    )
    assert (verdict.certainty, verdict.kind) == (Certainty.UNSURE, "violence")


@pytest.mark.parametrize(
    "text",
    [
        "the electricity bill says they will stop everything",  # a harmless context
        "this queue is killing me",  # an idiom explains the danger words
        "3 januar",  # too short to read danger into
    ],
)
def test_the_classifier_cannot_overrule_a_harmless_reading(
    words: SafetyDetector, text: str
) -> None:
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.HIGH)
    )
    assert verdict.certainty is Certainty.NONE


def test_a_short_answer_with_a_number_is_at_most_unsure(words: SafetyDetector) -> None:
    text = "am 3.11. um 10"
    verdict = words.with_model(
        words.assess(text), text, model_says_emergency=False, crisis=_guess(Band.HIGH)
    )
    assert verdict.certainty is Certainty.UNSURE


# Messages written for these tests, in none of the examples (checked below): each must be
# recognised as a crisis of its kind (sure, or at least unsure where marked), by the words
# or by the classifier, through the real matcher with the bundled encoder.
NEW_CRISES = [
    (
        "de",
        "ich kann das alles nicht mehr ertragen und habe mich heute von allen verabschiedet",
        "suicide",
    ),
    ("de", "unser kleiner ist seit dem mittag weg und geht nicht ans handy", "child_at_risk"),
    ("en", "nobody would even notice if i stopped existing tonight", "suicide"),
    ("en", "my grandad collapsed in the kitchen and his lips look grey", "medical"),
    ("uk", "я вже все вирішила, сьогодні це закінчиться назавжди", "suicide"),
    ("uk", "у квартирі дим і ми не можемо вийти", "fire_gas"),
    ("ru", "я всем только мешаю, скоро меня не станет", "suicide"),
    pytest.param(
        *("ru", "сосед кричит и бьёт жену, она плачет за стеной", "domestic_violence"),
        marks=pytest.mark.xfail(
            strict=True,
            reason="the words read a neighbour who beats as a child at risk (reply names 110)",
        ),
    ),
    ("ar", "تعبت وما عاد بدي كمل، سامحوني على كل شي", "suicide"),
    ("ar", "ابني الصغير بلع حبوب من الخزانة وعم يدوخ", "medical"),
    ("fa", "دیگه طاقت ندارم، امشب تمومش می‌کنم", "suicide"),
    ("fa", "مرد غریبه با چاقو جلوی در خانه ایستاده", "violence"),
    ("tr", "herkese veda ettim, yarın sabah ben olmayacağım", "suicide"),
    ("tr", "annem yere düştü, gözlerini açmıyor", "medical"),
    ("ro", "m-am hotărât, diseară pun capăt la tot", "suicide"),
    ("ro", "miroase puternic a fum în bloc și nu putem ieși", "fire_gas"),
    ("bg", "на никого няма да липсвам, тази вечер слагам край", "suicide"),
    ("bg", "мъжът ми пак ме удари и заключи вратата", "domestic_violence"),
    ("pl", "pożegnałam się już ze wszystkimi, dziś w nocy to zakończę", "suicide"),
    ("pl", "mój synek zniknął z placu zabaw pół godziny temu", "child_at_risk"),
    ("ps", "زه نور نه شم کولی، غواړم دا ژوند ختم کړم", "suicide"),
    ("ps", "مېړه مې بیا وهلې یم او په کور کې یې بنده کړې یم", "domestic_violence"),
    pytest.param(
        *("ku", "êdî naxwazim vê jiyanê bidomînim, îşev diqedînim", "suicide"),
        marks=pytest.mark.xfail(
            strict=True, reason="Kurmanji: not yet recognised (too few examples, weak encoder)"
        ),
    ),
    ("ku", "kurê min ê piçûk winda bûye, em nikarin bibînin", "child_at_risk"),
    pytest.param(
        *("so", "waan ka daalay noloshan, caawa ayaan soo afjarayaa", "suicide"),
        marks=pytest.mark.xfail(
            strict=True, reason="Somali: not yet recognised (too few examples, weak encoder)"
        ),
    ),
    ("so", "aabahay wuu dhacay kamana jawaabayo", "medical"),
    ("ti", "ደጊም ክጻወር ኣይክእልን እየ፣ ክመውት እየ", "suicide"),
    ("ti", "ሰብኣየይ ብጭካነ ይወቕዓኒ ኣሎ", "domestic_violence"),
    ("sq", "u thashë lamtumirë të gjithëve, sonte mbaron gjithçka", "suicide"),
    ("sq", "një burrë me thikë po më ndjek në rrugë", "violence"),
    ("fr", "je me suis encore entaillé les bras ce soir", "self_harm"),
    ("fr", "mon père ne répond plus et respire très mal", "medical"),
]

NEW_HARMLESS = [
    ("de", "Termin am 12.3. um 9 Uhr passt mir"),
    ("de", "die Nebenkostenabrechnung bringt mich um den Verstand"),
    ("en", "my late husband's pension, which office handles that"),
    ("en", "the smoke detector in the hallway keeps chirping, who fixes it"),
    ("uk", "загубила посвідку, куди звертатися"),
    ("ru", "мне нужна справка для ведомства, где её взять"),
    ("ar", "وصلتني فاتورة غاز كتير غالية"),
    ("fa", "برای ثبت‌نام کلاس زبان چه مدارکی لازم است"),
    ("tr", "çocuğum öksürüyor, doktor randevusu nasıl alınır"),
    ("ro", "am nevoie de o programare pentru anmeldung"),
    ("bg", "къде мога да платя сметката за ток"),
    ("pl", "ile kosztuje kurs niemieckiego"),
    ("ps", "د ژبې کورس ته څنګه نوم ولیکم"),
    ("ku", "ez dixwazim randevûyekê bigirim"),
    ("so", "xafiiska magaalada goorma ayuu furan yahay"),
    ("ti", "ቆጸራ ክሕዝ ይኽእል ዶ"),
    ("sq", "ku mund ta paguaj faturën e gazit"),
    ("fr", "je cherche une place en crèche pour ma fille"),
]


def test_the_test_messages_are_not_training_examples() -> None:
    from intents.tuning import load_safety_rules
    from tests.intents.conftest import KNOWLEDGE

    known = {" ".join(e.text.casefold().split()) for e in load_safety_rules(KNOWLEDGE).examples}
    rows = [p.values if hasattr(p, "values") else p for p in [*NEW_CRISES, *NEW_HARMLESS]]
    for _lang, text, *_ in rows:
        assert " ".join(text.casefold().split()) not in known, text


@pytest.mark.parametrize(("lang", "text", "kind"), NEW_CRISES)
def test_new_wordings_of_each_kind_are_recognised_in_16_languages(
    bundled_matcher: IntentMatcher, lang: str, text: str, kind: str
) -> None:
    result = bundled_matcher.match(text)
    assert result.safety.certainty is not Certainty.NONE, (lang, text)
    if result.safety.is_sure:
        assert result.intent == "emergency"
        assert kind in result.safety.kinds, (text, result.safety.kinds)


@pytest.mark.parametrize(("lang", "text"), NEW_HARMLESS)
def test_new_harmless_messages_raise_no_alarm_in_16_languages(
    bundled_matcher: IntentMatcher, lang: str, text: str
) -> None:
    result = bundled_matcher.match(text)
    assert not result.safety.is_sure, (lang, text, result.safety)
