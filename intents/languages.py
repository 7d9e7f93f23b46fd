"""The supported languages and identification of the language a short message is written in."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from py3langid.langid import MODEL_FILE
from py3langid.langid import LanguageIdentifier as _CharacterModel

from intents.normalise import clean, normalise
from intents.scripts import (
    ROMANISED_LANGUAGES,
    SCRIPT_LANGUAGES,
    Script,
    letter_evidence,
    message_script,
)

if TYPE_CHECKING:
    from intents.catalogue import Catalogue

LANGUAGES: tuple[str, ...] = (
    "de", "en", "uk", "ru", "ar", "fa", "tr", "ro", "bg", "pl", "ps", "ku", "so", "ti", "sq", "fr",
)  # fmt: skip

ENDONYMS: Mapping[str, str] = MappingProxyType(
    {
        "de": "Deutsch",
        "en": "English",
        "uk": "Українська",
        "ru": "Русский",
        "ar": "العربية",
        "fa": "فارسی / دری",
        "tr": "Türkçe",
        "ro": "Română",
        "bg": "Български",
        "pl": "Polski",
        "ps": "پښتو",
        "ku": "Kurmancî",
        "so": "Soomaali",
        "ti": "ትግርኛ",
        "sq": "Shqip",
        "fr": "Français",
    }
)

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class LanguageGuess:
    """The language of a message and how sure the identifier is (0..1)."""

    lang: str
    confidence: float


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentifierWeights:
    """How the evidence is weighed; tuned on the examples (see intents/TUNING.md)."""

    characters: float = 1.0  # character n-gram model (py3langid), log-probability
    words: float = 1.0  # word model, log-evidence per known word
    romanised_floor: float = 0.002  # character probability given to romanised languages
    hint_short: float = 2.5  # log bonus for the hinted language, messages of <= 3 words
    hint_long: float = 0.7  # log bonus for the hinted language, longer messages
    floor: float = 1e-4  # smallest character probability (keeps the log finite)
    clear: float = 0.9  # probability above which a short message's language beats the hint


class LanguageIdentifier:
    """Identify which of the catalogue's languages a (short) message is written in.

    Evidence: the script (Ge'ez means Tigrinya), letters only one language uses (Pashto,
    Ukrainian, Russian), a character model restricted to our languages, a word model built
    from the examples and word lists (which also recognises Arabic, Persian, Russian ... written
    in Latin letters), and the caller's hints (conversation language, client language).
    """

    __slots__ = ("_languages", "_model", "_model_languages", "_vocabulary", "_weights")

    def __init__(
        self, catalogue: Catalogue | None = None, *, weights: IdentifierWeights | None = None
    ) -> None:
        from intents.vocabulary import LanguageVocabulary

        languages = catalogue.languages if catalogue is not None else LANGUAGES
        self._languages = tuple(languages)
        self._weights = weights or IdentifierWeights()
        self._model = _CharacterModel.from_model_file(MODEL_FILE, norm_probs=True)
        self._model_languages = frozenset(self._model.labels) & frozenset(self._languages)
        self._model.set_languages(sorted(self._model_languages))
        self._vocabulary = LanguageVocabulary.build(catalogue, self._languages)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages this identifier chooses from."""
        return self._languages

    def identify(self, text: str, *, hints: Sequence[str] = ()) -> LanguageGuess:
        """Return the likeliest language of ``text``; ``hints`` tip the balance when unclear."""
        scores = self.scores(text, hints=hints)
        if not scores:
            return self._fallback(hints)
        best = max(scores, key=lambda lang: scores[lang])
        hint = next((hint for hint in hints if hint in scores), None)
        if hint is not None and hint != best:
            words = normalise(text).split()
            # A greeting of 1-3 words ("salam", "hallo", "ok") fits many languages: keep the
            # conversation's language unless the words clearly belong elsewhere.
            unclear = scores[best] < self._weights.clear
            if len(words) <= 3 and (unclear or self._vocabulary.knows_any(words, hint)):
                return LanguageGuess(lang=hint, confidence=round(max(scores[hint], 0.5), 4))
        return LanguageGuess(lang=best, confidence=round(scores[best], 4))

    def scores(self, text: str, *, hints: Sequence[str] = ()) -> dict[str, float]:
        """Return a probability per candidate language (empty when ``text`` has no letters)."""
        cleaned = clean(text)
        script = message_script(cleaned)
        candidates = [lang for lang in SCRIPT_LANGUAGES.get(script, ()) if lang in self._languages]
        if script is Script.LATIN:
            candidates += [lang for lang in ROMANISED_LANGUAGES if lang in self._languages]
        if not candidates:
            return {}
        if len(candidates) == 1:
            return {candidates[0]: 0.99}
        weights = self._weights
        characters = dict(self._model.rank(cleaned))
        native = [lang for lang in SCRIPT_LANGUAGES[script] if lang in characters]
        native_total = sum(characters[lang] for lang in native) or 1.0
        words = normalise(cleaned).split()
        word_scores, _ = self._vocabulary.log_scores(words)
        letters = letter_evidence(cleaned)
        hint_bonus = weights.hint_short if len(words) <= 3 else weights.hint_long
        valid_hints = [hint for hint in hints if hint in candidates]
        logits: dict[str, float] = {}
        for lang in candidates:
            if lang in native:
                probability = characters[lang] / native_total
            else:
                probability = weights.romanised_floor
            logit = weights.characters * math.log(max(probability, weights.floor))
            logit += weights.words * word_scores.get(lang, 0.0) + letters.get(lang, 0.0)
            if valid_hints and lang == valid_hints[0]:
                logit += hint_bonus
            elif lang in valid_hints:
                logit += hint_bonus / 2
            logits[lang] = logit
        top = max(logits.values())
        exps = {lang: math.exp(logit - top) for lang, logit in logits.items()}
        total = sum(exps.values())
        return {lang: value / total for lang, value in exps.items()}

    def _fallback(self, hints: Sequence[str]) -> LanguageGuess:
        for hint in hints:
            if hint in self._languages:
                return LanguageGuess(lang=hint, confidence=0.0)
        lang = FALLBACK_LANGUAGE if FALLBACK_LANGUAGE in self._languages else self._languages[0]
        return LanguageGuess(lang=lang, confidence=0.0)
