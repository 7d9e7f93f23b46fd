"""The hybrid intent matcher: lexical and semantic similarity to examples, calibrated decisions."""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from intents.catalogue import EMERGENCY, UNKNOWN, Catalogue
from intents.coverage import ContentCoverage
from intents.crisis_model import CrisisClassifier, train_classifier
from intents.cues import cued_intents
from intents.languages import LanguageGuess, LanguageIdentifier
from intents.lexical import ExampleForms, LexicalIndex, QueryForms
from intents.ngrams import NgramIndex
from intents.normalise import clean
from intents.safety import NO_CRISIS, CrisisGuess, SafetyDetector, SafetyVerdict
from intents.semantic import QueryCache, SentenceEncoder, passage_vectors
from intents.subjects import SPARED, TOPIC_INTENTS, mentions_anchor, subjects_of, topic_anchors

log = logging.getLogger(__name__)

_ALTERNATIVES = 3


class Decision(enum.Enum):
    """What the bot should do with a match."""

    ANSWER = "answer"  # confident: answer the intent
    ASK = "ask"  # unsure: ask back with the likeliest intents
    UNKNOWN = "unknown"  # nothing fits: out of scope


@dataclass(frozen=True, slots=True, kw_only=True)
class Scored:
    """An intent and its probability."""

    intent: str
    confidence: float


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchResult:
    """The matcher's verdict on one message."""

    lang: str
    lang_confidence: float
    intent: str
    confidence: float
    decision: Decision
    alternatives: tuple[Scored, ...]
    semantic: bool = False  # whether the sentence encoder took part (False: the fast path)
    safety: SafetyVerdict = NO_CRISIS  # the safety layer's verdict (intent is emergency iff sure)


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    """Decision thresholds and scoring weights; tuned values and trade-offs in TUNING.md."""

    answer: float = 0.7  # probability of the best intent needed to answer without asking
    ask: float = 0.25  # below this the matcher says unknown rather than asking back
    emergency: float = 0.3  # from this probability on the model's guess makes safety "unsure"
    min_similarity: float = 0.78  # semantic similarity below which nothing fits
    temperature: float = 0.01  # softness of the similarity kernel (semantic scale)
    lexical_weight: float = 0.1  # weight of fuzzy string similarity next to the semantic one
    stem_weight: float = 0.03  # weight of shared (idf-weighted) word stems
    alias_bonus: float = 0.03  # added to an intent named by an alias word
    cue_bonus: float = 0.03  # added to an intent its cue words point to (cancel, switch)
    neighbours: int = 3  # examples per intent that vote
    lexical_only_temperature: float = 0.06  # kernel softness of the lexical layer alone
    lexical_only_ngram: float = 1.0  # weight of character n-grams in the lexical layer alone
    lexical_only_fuzzy: float = 0.0  # weight of the fuzzy ratio in the lexical layer alone
    lexical_stem_weight: float = 0.1  # weight of shared word stems in the lexical layer alone
    skip_encoder: float = 0.8  # lexical-only probability from which the encoder is not asked
    skip_emergency: float = 0.05  # ... unless the lexical layer gives emergency this much
    skip_extra_words: int = 8  # ... or the message has more words than its match beyond this
    # Open world (TUNING.md, "Out-of-scope questions"): a match carried by generic words
    # (documents, register, Germany, course) is not settled on spelling alone, and is not
    # answered unless the message is close in meaning to an example of the intent.
    skip_coverage: float = 0.4  # share of the message's content its closest examples explain
    answer_similarity: float = 0.875  # semantic similarity to the intent's examples to answer


class IntentMatcher:
    """Match a message to an intent of the catalogue; see :class:`Thresholds` for the knobs.

    The semantic layer (an optional :class:`SentenceEncoder`) compares meaning across
    languages; the lexical layer compares normalised and transliterated strings and catches
    alias words. Without an encoder the matcher runs on the lexical layer alone, less well.
    """

    __slots__ = (
        "_anchors",
        "_catalogue",
        "_coverage",
        "_crisis",
        "_encoder",
        "_example_intents",
        "_example_words",
        "_identifier",
        "_intent_rows",
        "_intents",
        "_lexical",
        "_ngrams",
        "_queries",
        "_safety",
        "_thresholds",
        "_vectors",
    )

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        encoder: SentenceEncoder | None,
        cache_dir: Path | None = None,
        thresholds: Thresholds | None = None,
        identifier: LanguageIdentifier | None = None,
        query_cache_size: int = 2048,
    ) -> None:
        self._catalogue = catalogue
        self._thresholds = thresholds or Thresholds()
        self._identifier = identifier or LanguageIdentifier(catalogue)
        forms = ExampleForms.of(catalogue)
        self._lexical = LexicalIndex(catalogue, forms)
        self._ngrams = NgramIndex(forms)
        self._coverage = ContentCoverage(forms)
        self._anchors = topic_anchors(forms, [example.intent for example in catalogue.examples])
        self._safety = SafetyDetector(catalogue.safety)
        intents = list(catalogue.intents)
        for required in (UNKNOWN, EMERGENCY):
            if required not in intents:
                intents.append(required)
        self._intents = tuple(intents)
        position = {intent: index for index, intent in enumerate(self._intents)}
        self._example_intents = np.array(
            [position[example.intent] for example in catalogue.examples], dtype=np.intp
        )
        self._example_words = np.array(
            [len(text.split()) for text in forms.normalised], dtype=np.intp
        )
        self._intent_rows = tuple(
            np.flatnonzero(self._example_intents == index) for index in range(len(self._intents))
        )
        self._encoder = encoder
        self._vectors = (
            passage_vectors(encoder, [clean(e.text) for e in catalogue.examples], cache_dir)
            if encoder is not None and catalogue.examples
            else None
        )
        self._queries = QueryCache(query_cache_size)
        self._crisis: CrisisClassifier | None = None
        if encoder is not None and catalogue.safety is not None:
            contrast = [e.text for e in catalogue.examples if e.intent != EMERGENCY]
            examples = catalogue.safety.examples
            self._crisis = train_classifier(encoder, examples, contrast, cache_dir)

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue this matcher was built from."""
        return self._catalogue

    @property
    def safety(self) -> SafetyDetector:
        """The safety layer in use (built from the catalogue's crisis words)."""
        return self._safety

    @property
    def identifier(self) -> LanguageIdentifier:
        """The language identifier in use."""
        return self._identifier

    @property
    def thresholds(self) -> Thresholds:
        """The thresholds in use."""
        return self._thresholds

    def clear_query_cache(self) -> None:
        """Forget the cached query vectors (so that a measurement sees only new messages)."""
        self._queries.clear()

    def match(self, text: str, *, hints: Sequence[str] = ()) -> MatchResult:
        """Identify the language of ``text`` and the intent it expresses."""
        guess = self._identifier.identify(text, hints=hints)
        forms = QueryForms.of(text)
        if not forms.normalised or len(self._example_intents) == 0:
            return self._result(guess, UNKNOWN, 0.0, Decision.UNKNOWN, ())
        probabilities, similarities = self._probabilities(forms)
        return self._decide(guess, forms, probabilities, similarities)

    def _probabilities(
        self, forms: QueryForms
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
        """Return a probability per intent and the semantic similarity per example (``None``
        when the encoder did not take part).

        The cascade: an exact example answers at once; otherwise the lexical layer scores
        alone, and the encoder is asked only when that score is not already confident
        (``skip_encoder``) or leans towards an emergency (``skip_emergency``).
        """
        th = self._thresholds
        exact = self._lexical.exact(forms)
        exact_intents = {int(self._example_intents[index]) for index in exact}
        if len(exact_intents) == 1:
            return self._one_hot(exact_intents.pop(), 0.97), None
        stems = self._lexical.stem_overlap(forms).astype(np.float64)
        ngrams = self._ngrams.similarities(forms).astype(np.float64)
        bonuses = [(intent, th.alias_bonus) for intent in self._lexical.alias_intents(forms)]
        bonuses += [(intent, th.cue_bonus) for intent in cued_intents(forms.normalised)]
        fast_scores = th.lexical_only_ngram * ngrams + th.lexical_stem_weight * stems
        # The fuzzy ratio (rapidfuzz over every example) is computed only where it is weighed.
        lexical: npt.NDArray[np.float64] | None = None
        if th.lexical_only_fuzzy:
            lexical = self._lexical.similarities(forms).astype(np.float64)
            fast_scores = fast_scores + th.lexical_only_fuzzy * lexical
        lexical_only = self._softmax(fast_scores, th.lexical_only_temperature, bonuses)
        if (
            self._vectors is None
            or self._encoder is None
            or self._lexically_sure(lexical_only, fast_scores, forms)
        ):
            return lexical_only, None
        if lexical is None:
            lexical = self._lexical.similarities(forms).astype(np.float64)
        query = self._queries.vector(self._encoder, forms.cleaned)
        semantic = (self._vectors @ query).astype(np.float64)
        scores = semantic + th.lexical_weight * lexical + th.stem_weight * stems
        probabilities = self._softmax(scores, th.temperature, bonuses)
        return probabilities, semantic

    def _softmax(
        self,
        scores: npt.NDArray[np.float64],
        temperature: float,
        bonuses: Sequence[tuple[str, float]],
    ) -> npt.NDArray[np.float64]:
        """Per-intent probabilities from example scores, plus alias and cue bonuses."""
        logits = self._intent_logits(scores, temperature)
        for intent, bonus in bonuses:
            if intent in self._intents:
                logits[self._intents.index(intent)] += bonus / temperature
        logits -= logits.max()
        weights = np.exp(logits)
        probabilities: npt.NDArray[np.float64] = weights / weights.sum()
        return probabilities

    def _lexically_sure(
        self,
        probabilities: npt.NDArray[np.float64],
        scores: npt.NDArray[np.float64],
        forms: QueryForms,
    ) -> bool:
        """Whether the lexical layer alone is confident enough to skip the encoder.

        Emergencies are never settled by spelling alone: emergency words win in ``_decide``
        either way, and a message the lexical layer thinks may be one goes to the encoder.
        Nor is a long message settled by a much shorter example ("hello, we just got a flat,
        how long do we have for the anmeldung" is not a greeting because it starts with one),
        nor one whose content its closest examples leave mostly unexplained ("Welche
        Geburtskliniken gibt es?" meets "welche themen gibt es" on everything but its subject).
        """
        th = self._thresholds
        emergency = float(probabilities[self._intents.index(EMERGENCY)])
        best = int(np.argmax(probabilities))
        if float(probabilities[best]) < th.skip_encoder or emergency >= th.skip_emergency:
            return False
        rows = self._intent_rows[best]
        if rows.size == 0:
            return True
        closest = rows[int(np.argmax(scores[rows]))]
        if len(forms.normalised.split()) - int(self._example_words[closest]) > th.skip_extra_words:
            return False
        if best == self._intents.index(UNKNOWN):
            return True
        return self._coverage.coverage(forms, self._nearest(rows, scores)) >= th.skip_coverage

    def _nearest(
        self, rows: npt.NDArray[np.intp], scores: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.intp]:
        """The ``neighbours`` examples among ``rows`` with the highest scores."""
        k = self._thresholds.neighbours
        if rows.size <= k:
            return rows
        nearest: npt.NDArray[np.intp] = rows[np.argpartition(-scores[rows], k - 1)[:k]]
        return nearest

    def _intent_logits(
        self, scores: npt.NDArray[np.float64], temperature: float
    ) -> npt.NDArray[np.float64]:
        """Per intent: log of the summed kernel weights of its best ``neighbours`` examples."""
        k = self._thresholds.neighbours
        logits = np.full(len(self._intents), -np.inf)
        top = scores.max()
        for index, rows in enumerate(self._intent_rows):
            if rows.size == 0:
                continue
            own = scores[rows]
            best = np.partition(own, own.size - k)[-k:] if own.size > k else own
            logits[index] = np.log(np.exp((best - top) / temperature).sum())
        return logits

    def _one_hot(self, intent: int, confidence: float) -> npt.NDArray[np.float64]:
        rest = (1.0 - confidence) / max(len(self._intents) - 1, 1)
        probabilities = np.full(len(self._intents), rest)
        probabilities[intent] = confidence
        return probabilities

    def _decide(
        self,
        guess: LanguageGuess,
        forms: QueryForms,
        probabilities: npt.NDArray[np.float64],
        similarities: npt.NDArray[np.float64] | None,
    ) -> MatchResult:
        th = self._thresholds
        semantic = similarities is not None
        best_similarity = 1.0 if similarities is None else float(similarities.max())
        order = [int(index) for index in np.argsort(-probabilities, kind="stable")]
        ranked = [(self._intents[index], float(probabilities[index])) for index in order]
        emergency_probability = float(probabilities[self._intents.index(EMERGENCY)])
        # The examples alone never make an emergency: at most they make the safety layer unsure,
        # and the message is answered as what it is otherwise. The crisis classifier, trained
        # on crisis messages and their harmless look-alikes, may make it sure.
        model_says = ranked[0][0] == EMERGENCY and emergency_probability >= th.emergency
        verdict = self._safety.assess(forms.normalised)
        if verdict.is_sure or self._safety.models_may_speak(verdict, forms.normalised):
            verdict = self._safety.with_model(
                verdict, forms.normalised, model_says_emergency=model_says,
                crisis=self._crisis_guess(forms),
            )  # fmt: skip
        if verdict.is_sure:
            confidence = max(emergency_probability, 0.95)
            return self._result(
                guess, EMERGENCY, confidence, Decision.ANSWER, ranked, semantic=semantic,
                safety=verdict,
            )  # fmt: skip
        rest = max(1.0 - emergency_probability, 1e-9)
        ranked = [(intent, p / rest) for intent, p in ranked if intent != EMERGENCY]
        if verdict.is_unsure and (model_says or verdict.vetoed):
            # Reported as emergency, but only "ask": the bot shows 112/110 in one line, asks
            # once whether anyone is in danger, and goes on with what the message otherwise is.
            return self._result(
                guess, EMERGENCY, emergency_probability, Decision.ASK,
                [(EMERGENCY, emergency_probability), *ranked], semantic=semantic, safety=verdict,
            )  # fmt: skip
        if not ranked:
            return self._result(guess, UNKNOWN, 0.0, Decision.UNKNOWN, (), safety=verdict)
        intent, confidence = ranked[0]
        if intent == UNKNOWN:
            return self._result(
                guess, UNKNOWN, confidence, Decision.UNKNOWN, ranked, semantic=semantic,
                safety=verdict,
            )  # fmt: skip
        if best_similarity < th.min_similarity or confidence < th.ask:
            return self._result(
                guess, UNKNOWN, 1.0 - confidence, Decision.UNKNOWN, ranked, semantic=semantic,
                safety=verdict,
            )  # fmt: skip
        decision = Decision.ANSWER if confidence >= th.answer else Decision.ASK
        if decision is Decision.ANSWER and similarities is not None:
            # Probabilities are relative: an out-of-scope question that is far from every
            # example can still lean clearly towards one topic. Answering needs an example of
            # the intent that is close in meaning; otherwise ask back.
            rows = self._intent_rows[self._intents.index(intent)]
            if float(similarities[rows].max()) < th.answer_similarity:
                decision = Decision.ASK
        if decision is Decision.ANSWER and self._other_subject(intent, forms):
            decision = Decision.ASK
        return self._result(
            guess, intent, confidence, decision, ranked, semantic=semantic, safety=verdict
        )

    def _other_subject(self, intent: str, forms: QueryForms) -> bool:
        """Whether the message names a subject no intent covers (a doctor, a school, a car:
        :mod:`intents.subjects`) without naming an anchor word of the topic ``intent``."""
        if intent not in TOPIC_INTENTS:
            return False
        named = {s for s in subjects_of(forms.normalised) if intent not in SPARED.get(s, ())}
        if not named:
            return False
        return not mentions_anchor(forms, self._anchors.get(intent, frozenset()))

    def _crisis_guess(self, forms: QueryForms) -> CrisisGuess | None:
        """The crisis classifier's view (the message's vector is the matcher's own, cached)."""
        if self._crisis is None or self._encoder is None:
            return None
        vector = self._queries.vector(self._encoder, forms.cleaned)
        return self._crisis.guess(vector)

    @staticmethod
    def _result(
        guess: LanguageGuess,
        intent: str,
        confidence: float,
        decision: Decision,
        ranked: Sequence[tuple[str, float]],
        *,
        semantic: bool = False,
        safety: SafetyVerdict = NO_CRISIS,
    ) -> MatchResult:
        alternatives = tuple(
            Scored(intent=other, confidence=round(probability, 4))
            for other, probability in ranked
            if other not in (intent, UNKNOWN)
        )[:_ALTERNATIVES]
        return MatchResult(
            lang=guess.lang,
            lang_confidence=guess.confidence,
            intent=intent,
            confidence=round(min(max(confidence, 0.0), 1.0), 4),
            decision=decision,
            alternatives=alternatives,
            semantic=semantic,
            safety=safety,
        )
