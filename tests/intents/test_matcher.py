"""The hybrid matcher: decisions, emergencies, degraded mode, caching, robustness, accuracy."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intents.catalogue import Alias, Catalogue, Example
from intents.evaluation import LabelledItem, evaluate, load_jsonl
from intents.languages import LANGUAGES, LanguageIdentifier
from intents.matcher import Decision, IntentMatcher, MatchResult, Thresholds
from intents.normalise import normalise
from intents.tuning import load_safety_rules
from tests.intents.conftest import DEV_SET, KNOWLEDGE, TrigramEncoder


def _examples(intent: str, lang: str, *texts: str) -> tuple[Example, ...]:
    return tuple(Example(intent=intent, lang=lang, text=text) for text in texts)


SMALL = Catalogue(
    examples=(
        *_examples(
            "registration", "de", "wo muss ich mich anmelden", "anmeldung wohnung frist",
            "brauche meldebescheinigung",
        ),
        *_examples(
            "registration", "en", "where do i register my address", "registration deadline",
        ),
        *_examples("kita", "de", "kita platz für meinen sohn", "kindergarten in der nähe"),
        *_examples("kita", "en", "daycare place for my daughter", "how do i find a kita"),
        *_examples("language_course", "de", "ich will deutsch lernen", "integrationskurs"),
        *_examples("language_course", "en", "i want to learn german", "german course"),
        *_examples("greeting", "de", "hallo", "guten tag"),
        *_examples("greeting", "en", "hello", "good morning"),
        *_examples("unknown", "de", "wie wird das wetter morgen", "fußball tickets kaufen"),
        *_examples("unknown", "en", "what is the weather tomorrow", "buy football tickets"),
    ),
    aliases=(Alias(term="Anmeldung", intent="registration", variants=("анмельдунг",)),),
    # The crisis words only: the classifier, which reads every message, has its own test below.
    safety=dataclasses.replace(load_safety_rules(KNOWLEDGE), examples=()),
)  # fmt: skip


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier(SMALL)


@pytest.fixture(scope="module")
def lexical(identifier: LanguageIdentifier) -> IntentMatcher:
    return IntentMatcher(SMALL, encoder=None, identifier=identifier)


@pytest.fixture(scope="module")
def trigram(identifier: LanguageIdentifier) -> IntentMatcher:
    return IntentMatcher(SMALL, encoder=TrigramEncoder(), identifier=identifier)


def _assert_well_formed(result: MatchResult, catalogue: Catalogue) -> None:
    assert 0.0 <= result.confidence <= 1.0
    assert 0.0 <= result.lang_confidence <= 1.0
    assert result.lang in catalogue.languages
    known = {*catalogue.intents, "unknown", "emergency"}
    assert result.intent in known
    assert len(result.alternatives) <= 3
    assert all(alt.intent != result.intent for alt in result.alternatives)
    assert all(alt.intent in known for alt in result.alternatives)
    confidences = [alt.confidence for alt in result.alternatives]
    assert confidences == sorted(confidences, reverse=True)
    if result.decision is Decision.UNKNOWN:
        assert result.intent == "unknown"


def test_exact_example_is_answered(lexical: IntentMatcher) -> None:
    result = lexical.match("Wo muss ich mich ANMELDEN?")
    assert (result.intent, result.decision, result.lang) == (
        "registration",
        Decision.ANSWER,
        "de",
    )
    _assert_well_formed(result, SMALL)


def test_near_example_is_matched_without_encoder(lexical: IntentMatcher) -> None:
    assert lexical.match("kita platz für meine tochter").intent == "kita"
    assert lexical.match("i want to learn german please").intent == "language_course"


def test_alias_in_another_script_points_to_its_intent(lexical: IntentMatcher) -> None:
    result = lexical.match("анмельдунг")
    assert result.intent == "registration"
    assert result.alternatives[0].intent != "registration"


def test_out_of_scope_examples_make_unknown(trigram: IntentMatcher) -> None:
    result = trigram.match("what is the weather tomorrow?")
    assert result.decision is Decision.UNKNOWN
    assert result.intent == "unknown"


def test_nonsense_is_not_answered(trigram: IntentMatcher, lexical: IntentMatcher) -> None:
    for matcher in (trigram, lexical):
        result = matcher.match("qqqq zzzz xxxx")
        assert result.decision is not Decision.ANSWER


@pytest.mark.parametrize(
    "text",
    [
        "Krankenwagen bitte schnell",
        "mein mann atmet nicht",
        "he is hitting me",
        "please call an ambulance",
        "there is a fire in our building",
        "нужна скорая",
        "мой муж меня бьёт",
        "потрібна швидка допомога",
        "نحتاج إسعاف بسرعة",
        "زوجي يضربني",
        "آمبولانس لازم دارم",
        "yangın var",
        "ambulanta repede",
        "pogotowie, dziecko nie oddycha",
        "thirrni ambulancën",
        "appelez les pompiers",
        "ኣምቡላንስ ደውሉ",
        "call 112",
        "es riecht nach gas in der küche",
        "ça sent le gaz dans la cuisine",
        "czuć gaz w kuchni, co robić",
        "ريحة الغاز طالعة بالبيت",
        "بيتنا فيه النار",
        "mein kind hat einen krampfanfall",
        "opa reagiert nicht mehr",
        "my son fell off the balcony",
        "сын выпал из окна",
        "çocuk balkondan düştü",
        "aus der wohnung unter uns kommt rauch",
        "smoke coming from the kitchen next door",
    ],
)
def test_emergency_words_always_win(lexical: IntentMatcher, text: str) -> None:
    # The small catalogue has no emergency examples: the crisis words alone must be enough.
    result = lexical.match(text)
    assert result.intent == "emergency"
    assert result.decision is Decision.ANSWER
    assert result.confidence >= 0.9


def test_empty_and_blank_messages(lexical: IntentMatcher) -> None:
    for text in ("", "   ", "?!", "\u200b"):
        result = lexical.match(text)
        assert result.decision is Decision.UNKNOWN
        _assert_well_formed(result, SMALL)


def test_matching_is_deterministic(trigram: IntentMatcher) -> None:
    first = trigram.match("wo kann ich deutsch lernen")
    assert all(trigram.match("wo kann ich deutsch lernen") == first for _ in range(3))


def test_passage_vectors_are_cached_on_disk(
    tmp_path: Path, identifier: LanguageIdentifier
) -> None:
    first = TrigramEncoder()
    IntentMatcher(SMALL, encoder=first, cache_dir=tmp_path, identifier=identifier)
    assert first.passage_calls == len({e.text for e in SMALL.examples})
    assert list(tmp_path.glob("vectors-trigram-test-*.npz"))
    second = TrigramEncoder()
    again = IntentMatcher(SMALL, encoder=second, cache_dir=tmp_path, identifier=identifier)
    assert second.passage_calls == 0
    assert again.match("hallo").intent == "greeting"
    # An edit: one example changed. Only that sentence is encoded again.
    edited = dataclasses.replace(SMALL.examples[0], text="guten morgen zusammen")
    changed = dataclasses.replace(SMALL, examples=(edited, *SMALL.examples[1:]))
    third = TrigramEncoder()
    IntentMatcher(changed, encoder=third, cache_dir=tmp_path, identifier=identifier)
    assert third.passage_calls == 1


def test_damaged_cache_is_rebuilt(tmp_path: Path, identifier: LanguageIdentifier) -> None:
    IntentMatcher(SMALL, encoder=TrigramEncoder(), cache_dir=tmp_path, identifier=identifier)
    (cache,) = tmp_path.glob("vectors-*.npz")
    cache.write_bytes(b"not numpy")
    encoder = TrigramEncoder()
    matcher = IntentMatcher(SMALL, encoder=encoder, cache_dir=tmp_path, identifier=identifier)
    assert encoder.passage_calls == len({e.text for e in SMALL.examples})
    assert matcher.match("hallo").intent == "greeting"


def test_repeated_queries_use_the_query_cache(identifier: LanguageIdentifier) -> None:
    encoder = TrigramEncoder()
    matcher = IntentMatcher(SMALL, encoder=encoder, identifier=identifier)
    for _ in range(5):
        matcher.match("wann bekomme ich einen termin für den kurs")
    assert encoder.query_calls == 1


def test_confident_lexical_match_skips_the_encoder(identifier: LanguageIdentifier) -> None:
    encoder = TrigramEncoder()
    matcher = IntentMatcher(SMALL, encoder=encoder, identifier=identifier)
    result = matcher.match("wo muss ich mich bitte anmelden")
    assert (result.intent, result.decision, result.semantic) == (
        "registration",
        Decision.ANSWER,
        False,
    )
    assert encoder.query_calls == 0


def test_the_crisis_classifier_reads_every_message_with_one_encoding(
    identifier: LanguageIdentifier,
) -> None:
    # With crisis examples the encoder reads a message the intent layer settled alone (the
    # safety layer needs its meaning), once, and the intent's answer stays the same.
    encoder = TrigramEncoder()
    with_examples = dataclasses.replace(SMALL, safety=load_safety_rules(KNOWLEDGE))
    matcher = IntentMatcher(with_examples, encoder=encoder, identifier=identifier)
    encoder.query_calls = 0  # the training sentences were encoded (as queries) when built
    result = matcher.match("wo muss ich mich bitte anmelden")
    assert (result.intent, result.decision, result.semantic) == (
        "registration",
        Decision.ANSWER,
        False,
    )
    assert encoder.query_calls == 1
    matcher.match("wann bekomme ich einen termin für den kurs")
    assert encoder.query_calls == 2  # the intent layer and the classifier share the vector


def test_a_long_message_is_not_settled_by_a_short_example(
    identifier: LanguageIdentifier,
) -> None:
    # "hallo" alone is a greeting; a question that merely starts with it is not.
    encoder = TrigramEncoder()
    matcher = IntentMatcher(SMALL, encoder=encoder, identifier=identifier)
    text = "hallo guten tag, wir sind letzte woche nach dortmund in eine neue wohnung gezogen"
    assert matcher.match(text).semantic
    assert encoder.query_calls == 1
    assert not matcher.match("hallo").semantic


def test_unsure_lexical_match_asks_the_encoder(identifier: LanguageIdentifier) -> None:
    encoder = TrigramEncoder()
    matcher = IntentMatcher(SMALL, encoder=encoder, identifier=identifier)
    assert matcher.match("vielleicht irgendwas völlig anderes").semantic
    assert encoder.query_calls == 1


def test_without_the_fast_path_the_encoder_is_always_asked(
    identifier: LanguageIdentifier,
) -> None:
    encoder = TrigramEncoder()
    never_skip = Thresholds(skip_encoder=1.1)
    matcher = IntentMatcher(SMALL, encoder=encoder, identifier=identifier, thresholds=never_skip)
    assert matcher.match("wo muss ich mich bitte anmelden").semantic
    assert encoder.query_calls == 1


@pytest.mark.parametrize(
    "text",
    [
        "ما ته زنګ ووهئ",  # Pashto: please call me (ووهئ is not وهي, hits)
        "زه باور نه لرم",  # Pashto: I do not believe it (باور is not ب + اور, fire)
    ],
)
def test_short_emergency_words_inside_harmless_words_do_not_alarm(
    lexical: IntentMatcher, text: str
) -> None:
    assert lexical.match(text).intent != "emergency"


def test_emergency_words_win_on_the_fast_path(identifier: LanguageIdentifier) -> None:
    encoder = TrigramEncoder()
    matcher = IntentMatcher(SMALL, encoder=encoder, identifier=identifier)
    result = matcher.match("wo muss ich mich anmelden, mein mann atmet nicht")
    assert (result.intent, result.decision) == ("emergency", Decision.ANSWER)


def test_clearing_the_query_cache_makes_the_next_query_new(
    identifier: LanguageIdentifier,
) -> None:
    encoder = TrigramEncoder()
    matcher = IntentMatcher(SMALL, encoder=encoder, identifier=identifier)
    text = "wann bekomme ich einen termin für den kurs"
    first = matcher.match(text)
    matcher.clear_query_cache()
    assert matcher.match(text) == first
    assert encoder.query_calls == 2


def test_empty_catalogue_answers_unknown_or_emergency() -> None:
    matcher = IntentMatcher(Catalogue(examples=()), encoder=None)
    assert matcher.match("hallo").decision is Decision.UNKNOWN
    assert matcher.match("ambulance!").intent == "unknown"


@settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.text(max_size=80), st.lists(st.sampled_from(LANGUAGES), max_size=2))
def test_any_unicode_text_gives_a_well_formed_result(
    trigram: IntentMatcher, text: str, hints: list[str]
) -> None:
    normalise(text)
    guess = trigram.identifier.identify(text, hints=hints)
    assert guess.lang in LANGUAGES
    assert 0.0 <= guess.confidence <= 1.0
    _assert_well_formed(trigram.match(text, hints=hints), SMALL)


@pytest.mark.slow
def test_bundled_examples_match_their_own_intent(bundled_matcher: IntentMatcher) -> None:
    examples = bundled_matcher.catalogue.examples
    items = [LabelledItem(text=e.text, lang=e.lang, intent=e.intent) for e in examples]
    report = evaluate(bundled_matcher, items)
    assert report["n"] == len(items)
    assert isinstance(report["intent_accuracy"], float)
    assert report["intent_accuracy"] >= 0.98


# Every labelled set in tests/data (see its README for how each was written and when it stopped
# being held out): the targets of the understanding issue hold on all of them.
LABELLED_SETS = (
    "dev-eval",
    "probe-eval",
    "fresh-a",
    "fresh-b",
    "holdout-1",
    "holdout-2",
    "holdout-3",
    "holdout-4",
)


@pytest.mark.slow
@pytest.mark.parametrize("name", LABELLED_SETS)
def test_labelled_sets_meet_the_targets(bundled_matcher: IntentMatcher, name: str) -> None:
    path = DEV_SET.parent / f"{name}.jsonl"
    if not path.is_file():
        pytest.skip(f"{path.name} is not in this checkout")
    report = evaluate(bundled_matcher, load_jsonl(path))
    assert report["intent_accuracy"] >= 0.92  # type: ignore[operator]
    assert report["lang_accuracy"] >= 0.97  # type: ignore[operator]
    assert report["confident_wrong_rate"] <= 0.03  # type: ignore[operator]
    per_lang = report["per_lang"]
    assert isinstance(per_lang, dict)
    assert all(stats["intent_accuracy"] >= 0.85 for stats in per_lang.values())


@pytest.mark.slow
def test_the_out_of_scope_set_is_rarely_answered_with_a_topic(
    bundled_matcher: IntentMatcher,
) -> None:
    # tests/data/oos-holdout.jsonl: out-of-scope questions in all 16 languages (its first,
    # held-out run is in tests/data/README.md; since then a development set for its kinds).
    path = DEV_SET.parent / "oos-holdout.jsonl"
    if not path.is_file():
        pytest.skip(f"{path.name} is not in this checkout")
    report = evaluate(bundled_matcher, load_jsonl(path))
    assert report["confident_wrong_rate"] <= 0.03  # type: ignore[operator]
