"""Answer extraction: the lines of a page that answer a question, or none."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import Stemmer

from intents.normalise import clean
from intents.scripts import dominant_script
from intents.semantic import SentenceEncoder, Vectors

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float64]

WEIGHTS_FILE = "extraction_weights.json"

# Snowball has no Ukrainian; the Russian stemmer strips most of the shared endings, and words
# are cut to their first letters anyway (below).
_STEMMERS = {
    "de": "german",
    "en": "english",
    "fr": "french",
    "ar": "arabic",
    "uk": "russian",
    "ru": "russian",
    "tr": "turkish",
    "ro": "romanian",
    "pl": "polish",
    "fa": "persian",
}
_STEM_LENGTH = 6  # compound and inflected forms meet on their first letters
_WORD = re.compile(r"\w+")
_TIME = re.compile(r"\d{1,2}[:.]\d{2}|\d{1,2}\s?(?:uhr|h|am|pm)\b", re.IGNORECASE)
_MONEY = re.compile(r"€|\beur\b|euro|євро|يورو|\d+[.,]\d{2}\b", re.IGNORECASE)
_CONTACT = re.compile(r"@|https?://|www\.|\+?\d[\d /-]{6,}\d")
_END = (".", "!", "。", "؟", "?", ";")

# Question words that ask for a time, an amount, a place or documents, in the languages of the
# page collections; the line features below pair them with times, money and addresses.
_ASKS = {
    "when": ("wann", "when", "quand", "متى", "коли", "ab wann", "how long", "wie lange"),
    "much": ("wie viel", "wieviel", "how much", "combien", "كم", "скільки", "kost", "cost"),
    "where": ("wo ", "wohin", "where", "où", "أين", "اين", "де ", "куди"),
    "which": ("welche", "which", "what documents", "quel", "quels", "quelle", "ما هي", "які"),
}


@cache
def _stemmer(lang: str) -> Stemmer._Stemmer | None:
    name = _STEMMERS.get(lang)
    return Stemmer.Stemmer(name) if name else None


def stems(text: str, lang: str) -> frozenset[str]:
    """The word stems of ``text`` (Snowball where it knows ``lang``, then the first letters)."""
    words = [w for w in _WORD.findall(clean(text)) if len(w) >= 3 or w.isdigit()]
    stemmer = _stemmer(lang)
    if stemmer is not None:
        words = stemmer.stemWords(words)
    return frozenset(w[:_STEM_LENGTH] for w in words)


def is_heading(line: str) -> bool:
    """A short line that does not end a sentence: a heading, a label or a list item."""
    stripped = line.strip()
    return 0 < len(stripped.split()) <= 8 and not stripped.endswith((".", "!"))


@dataclass(frozen=True, slots=True)
class LineFacts:
    """What a line says about itself, whatever the question (computed once per line)."""

    stems: frozenset[str]
    cleaned: str
    heading: float
    contact: float
    time: float
    money: float
    ends_question: float
    log_length: float


@lru_cache(maxsize=32768)
def _facts(line: str, lang: str) -> LineFacts:
    return LineFacts(
        stems=stems(line, lang),
        cleaned=clean(line),
        heading=float(is_heading(line)),
        contact=float(bool(_CONTACT.search(line))),
        time=float(bool(_TIME.search(line))),
        money=float(bool(_MONEY.search(line))),
        ends_question=float(line.rstrip().endswith(("?", "؟"))),
        log_length=math.log1p(len(line)),
    )


@dataclass(frozen=True, slots=True)
class PageStructure:
    """Where each line's section starts, and the section of each line."""

    heading: tuple[int, ...]  # index of the heading that governs each line (-1: none)
    section: tuple[int, ...]  # a section number per line


def structure_of(lines: Sequence[str]) -> PageStructure:
    """Sections begin at line 0 and at a short line that a sentence follows or that asks or
    announces (ends with ? or :), as headings over a list do."""
    heading: list[int] = []
    section: list[int] = []
    current, number = -1, 0
    short = [is_heading(line) for line in lines] + [False]
    for index in range(len(lines)):
        opens = lines[index].rstrip().endswith(("?", ":", "؟"))
        starts = index == 0 or (short[index] and (opens or not short[index + 1]))
        if starts and index > 0:
            number += 1
        if starts:
            current = index
        heading.append(current)
        section.append(number)
    return PageStructure(heading=tuple(heading), section=tuple(section))


SEMANTIC_FEATURES = (
    "sim",
    "sim_gap",
    "sim_z",
    "sim_rank",
    "sim_best",
    "sim_second_gap",
    "neighbour_gap",
    "previous_gap",
    "next_gap",
    "window_gap",
    "heading_sim_gap",
    "section_sim_gap",
    "section_of_best",
    "after_best",
    "distance_to_best",
)
LEXICAL_FEATURES = (
    "overlap",
    "overlap_gap",
    "overlap_best",
    "neighbour_overlap",
    "previous_overlap",
    "heading_overlap",
    "section_overlap_gap",
    "section_of_lexical_best",
    "distance_to_lexical_best",
    "question_on_page",
    "is_heading",
    "is_title",
    "position",
    "offset_in_section",
    "section_length",
    "first_lines",
    "log_length",
    "contact",
    "ends_question",
    "when_time",
    "much_money",
    "where_contact",
    "which_list",
)
FEATURES = SEMANTIC_FEATURES + LEXICAL_FEATURES
# Without shared words (a question in Arabic on a German page) the overlap columns say nothing;
# the cross-lingual model reads the encoder and the page's shape only.
WORD_FEATURES = frozenset(
    (
        "overlap",
        "overlap_gap",
        "overlap_best",
        "neighbour_overlap",
        "previous_overlap",
        "heading_overlap",
        "section_overlap_gap",
        "section_of_lexical_best",
        "distance_to_lexical_best",
        "question_on_page",
    )
)
# e5 gives lower cosines across languages, so the absolute levels are left out as well.
CROSSLINGUAL_FEATURES = tuple(
    name for name in FEATURES if name not in WORD_FEATURES and name not in ("sim", "sim_best")
)
MODELS = ("semantic", "lexical", "crosslingual")
# The model for a question in the page's own script. "crosslingual" cross-validates higher on
# the training questions (F 0.521 at P 0.797 against 0.493 at 0.788, intents/TUNING.md), but
# every one of those asks about its own page; without the absolute similarity it also answers
# questions that the page does not touch, which "semantic" refuses.
SAME_SCRIPT_MODEL = "semantic"


def _asks(question: str) -> dict[str, bool]:
    text = " " + clean(question) + " "
    return {kind: any(word in text for word in words) for kind, words in _ASKS.items()}


def _gap_to_best(values: Matrix, groups: Sequence[int]) -> Matrix:
    """Per line: the best value within its group minus the best value on the page."""
    best: dict[int, float] = {}
    for value, group in zip(values, groups, strict=True):
        best[group] = max(best.get(group, -math.inf), float(value))
    return np.array([best[g] for g in groups]) - float(values.max())


def _distance(index: Matrix, best: int, n: int) -> Matrix:
    return np.minimum(np.abs(index - best), 10.0) / 10.0 if n else index


def line_features(
    question: str,
    lines: Sequence[str],
    lang: str,
    question_vector: Vectors | None,
    line_vectors: Vectors | None,
) -> Matrix:
    """The (lines x FEATURES) matrix the model scores; semantic columns are 0 without vectors."""
    n = len(lines)
    out = np.zeros((n, len(FEATURES)))
    if n == 0:
        return out
    column = {name: k for k, name in enumerate(FEATURES)}
    index = np.arange(n, dtype=np.float64)
    shape = structure_of(lines)
    sections = shape.section

    def neighbour_max(values: Matrix) -> Matrix:
        padded = np.concatenate(([values.min()], values, [values.min()]))
        return np.maximum(padded[:-2], padded[2:])

    if question_vector is not None and line_vectors is not None and len(line_vectors) == n:
        sim = line_vectors.astype(np.float64) @ question_vector.astype(np.float64)
        best = int(np.argmax(sim))
        top = float(sim[best])
        ordered = np.sort(sim)[::-1]
        rank = np.empty(n)
        rank[np.argsort(-sim, kind="stable")] = np.arange(n)
        window = np.convolve(np.pad(sim, 1, mode="edge"), np.ones(3) / 3, mode="valid")
        heading_sim = np.array([sim[h] if h >= 0 else sim.min() for h in shape.heading])
        section_ids = sorted(set(sections))
        centroids = np.stack(
            [line_vectors[[i for i in range(n) if sections[i] == s]].mean(0) for s in section_ids]
        ).astype(np.float64)
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True) + 1e-9
        section_sim = centroids @ question_vector.astype(np.float64)
        per_line_section = section_sim[[section_ids.index(s) for s in sections]]
        semantic = {
            "sim": sim,
            "sim_gap": sim - top,
            "sim_z": (sim - sim.mean()) / (sim.std() + 1e-6),
            "sim_rank": 1.0 / (1.0 + rank),
            "sim_best": np.full(n, top),
            "sim_second_gap": np.full(n, top - (ordered[1] if n > 1 else top)),
            "neighbour_gap": neighbour_max(sim) - top,
            "previous_gap": np.concatenate(([sim.min()], sim[:-1])) - top,
            "next_gap": np.concatenate((sim[1:], [sim.min()])) - top,
            "window_gap": window - top,
            "heading_sim_gap": heading_sim - top,
            "section_sim_gap": per_line_section - float(section_sim.max()),
            "section_of_best": np.array([float(s == sections[best]) for s in sections]),
            "after_best": (index >= best).astype(np.float64),
            "distance_to_best": _distance(index, best, n),
        }
        for name, values in semantic.items():
            out[:, column[name]] = values

    question_stems = stems(question, lang)
    facts = [_facts(line, lang) for line in lines]
    line_stems = [fact.stems for fact in facts]
    document_frequency: dict[str, int] = {}
    for words in line_stems:
        for word in words & question_stems:
            document_frequency[word] = document_frequency.get(word, 0) + 1
    idf = {w: math.log((n + 1) / (df + 0.5)) for w, df in document_frequency.items()}
    total = sum(idf.values()) or 1.0
    overlap = (
        np.array([sum(idf[w] for w in words & question_stems) for words in line_stems]) / total
    )
    lexical_best = int(np.argmax(overlap))
    section_words: dict[int, set[str]] = {}
    for words, s in zip(line_stems, sections, strict=True):
        section_words.setdefault(s, set()).update(words)
    section_score = {
        s: sum(idf.get(w, 0.0) for w in words & question_stems) / total
        for s, words in section_words.items()
    }
    section_overlap = np.array([section_score[s] for s in sections])
    heading_overlap = np.array([overlap[h] if h >= 0 else 0.0 for h in shape.heading])
    asks = _asks(question)
    headings = np.array([fact.heading for fact in facts])
    contact = np.array([fact.contact for fact in facts])
    time = np.array([fact.time for fact in facts])
    money = np.array([fact.money for fact in facts])
    title = facts[0].cleaned
    lexical = {
        "overlap": overlap,
        "overlap_gap": overlap - overlap.max(),
        "overlap_best": np.full(n, overlap.max()),
        "neighbour_overlap": neighbour_max(overlap),
        "previous_overlap": np.concatenate(([0.0], overlap[:-1])),
        "heading_overlap": heading_overlap,
        "section_overlap_gap": section_overlap - section_overlap.max(),
        "section_of_lexical_best": np.array(
            [float(s == sections[lexical_best]) for s in sections]
        ),
        "distance_to_lexical_best": _distance(index, lexical_best, n),
        "question_on_page": np.full(n, len(document_frequency) / max(1, len(question_stems))),
        "is_heading": headings,
        "is_title": np.array([float(i == 0 or f.cleaned == title) for i, f in enumerate(facts)]),
        "position": index / n,
        "offset_in_section": np.minimum(index - np.maximum(shape.heading, 0), 10) / 10,
        "section_length": np.log1p([sections.count(s) for s in sections]),
        "first_lines": (index <= 2).astype(np.float64),
        "log_length": np.array([fact.log_length for fact in facts]),
        "contact": contact,
        "ends_question": np.array([fact.ends_question for fact in facts]),
        "when_time": time * asks["when"],
        "much_money": money * asks["much"],
        "where_contact": contact * asks["where"],
        "which_list": headings * asks["which"],
    }
    for name, values in lexical.items():
        out[:, column[name]] = values
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Decoder:
    """Which lines to return, given each line's probability of answering."""

    answer: float  # the best line must reach this, or the page does not answer
    line: float  # other lines must reach this
    relative: float  # ... and this share of the best line's probability
    gap: int  # lines may be this far from the block around the best line (0: touching)
    # confidence = (1 - blend) x the best line's probability + blend x the block's mean
    blend: float = 0.0

    def decode(self, probability: Matrix) -> tuple[int, ...]:
        """The chosen line numbers, ascending; () when the confidence is below ``answer``."""
        lines, confidence = self.block(probability)
        return lines if confidence >= self.answer else ()

    def block(self, probability: Matrix) -> tuple[tuple[int, ...], float]:
        """The block of lines around the best line, and the confidence that it answers."""
        if probability.size == 0:
            return (), 0.0
        best = int(np.argmax(probability))
        top = float(probability[best])
        chosen = probability >= max(self.line, self.relative * top)
        keep = [best]
        # grow the block around the best line, stepping over at most ``gap`` unchosen lines
        for step in (-1, 1):
            index, missed = best + step, 0
            while 0 <= index < len(probability) and missed <= self.gap:
                if chosen[index]:
                    keep.append(index)
                    missed = 0
                else:
                    missed += 1
                index += step
        keep.sort()
        mean = float(probability[keep].mean())
        return tuple(keep), (1 - self.blend) * top + self.blend * mean


CONTEXT_FEATURES = (
    "p",
    "logit",
    "p_gap",
    "p_best",
    "neighbour_p",
    "window_p",
    "section_p_gap",
    "section_mean_p",
    "heading_p",
    "distance_to_p_best",
    "section_of_p_best",
    "after_p_best",
    "is_heading",
    "is_title",
)


def context_features(probability: Matrix, features: Matrix, sections: Sequence[int]) -> Matrix:
    """The second stage's view of a line: its first-stage probability beside its neighbours'."""
    n = len(probability)
    if n == 0:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    p = np.clip(probability, 1e-6, 1 - 1e-6)
    best = int(np.argmax(p))
    top = float(p[best])
    padded = np.concatenate(([0.0], p, [0.0]))
    neighbour = np.maximum(padded[:-2], padded[2:])
    window = np.convolve(np.pad(p, 2), np.ones(5) / 5, mode="valid")
    section_max: dict[int, float] = {}
    section_sum: dict[int, list[float]] = {}
    for value, section in zip(p, sections, strict=True):
        section_max[section] = max(section_max.get(section, 0.0), float(value))
        section_sum.setdefault(section, []).append(float(value))
    heading_p = np.zeros(n)
    first_of: dict[int, int] = {}
    for number, section in enumerate(sections):
        first_of.setdefault(section, number)
        heading_p[number] = p[first_of[section]]
    index = np.arange(n, dtype=np.float64)
    columns = {
        "p": p,
        "logit": np.log(p / (1 - p)),
        "p_gap": p - top,
        "p_best": np.full(n, top),
        "neighbour_p": neighbour,
        "window_p": window,
        "section_p_gap": np.array([section_max[s] for s in sections]) - top,
        "section_mean_p": np.array([float(np.mean(section_sum[s])) for s in sections]),
        "heading_p": heading_p,
        "distance_to_p_best": _distance(index, best, n),
        "section_of_p_best": np.array([float(s == sections[best]) for s in sections]),
        "after_p_best": (index >= best).astype(np.float64),
        "is_heading": features[:, FEATURES.index("is_heading")],
        "is_title": features[:, FEATURES.index("is_title")],
    }
    return np.column_stack([columns[name] for name in CONTEXT_FEATURES])


@dataclass(frozen=True, slots=True, kw_only=True)
class Logistic:
    """One logistic layer over standardised features."""

    mean: Matrix
    scale: Matrix
    weights: Matrix
    bias: float

    def __call__(self, features: Matrix) -> Matrix:
        z = ((features - self.mean) / self.scale) @ self.weights + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))), dtype=np.float64)

    def to_json(self) -> dict[str, object]:
        return {
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "weights": [round(float(x), 6) for x in self.weights],
            "bias": round(self.bias, 6),
        }

    @classmethod
    def from_json(cls, data: dict[str, object], width: int) -> Logistic:
        layer = cls(
            mean=np.array(data["mean"], dtype=np.float64),
            scale=np.array(data["scale"], dtype=np.float64),
            weights=np.array(data["weights"], dtype=np.float64),
            bias=float(data["bias"]),  # type: ignore[arg-type]
        )
        if not layer.mean.shape == layer.scale.shape == layer.weights.shape == (width,):
            raise ValueError("extraction weights do not fit the features; rebuild them")
        return layer


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractionModel:
    """Two logistic stages (each line alone, then beside its neighbours) and a decoder."""

    first: Logistic
    second: Logistic | None
    decoder: Decoder

    def probabilities(self, features: Matrix, sections: Sequence[int]) -> Matrix:
        """Each line's probability of belonging to the answer."""
        probability = self.first(features)
        if self.second is None:
            return probability
        return self.second(context_features(probability, features, sections))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "context_features": list(CONTEXT_FEATURES),
            "first": self.first.to_json(),
            "second": self.second.to_json() if self.second is not None else None,
            "decoder": {
                "answer": self.decoder.answer,
                "line": self.decoder.line,
                "relative": self.decoder.relative,
                "gap": self.decoder.gap,
                "blend": self.decoder.blend,
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ExtractionModel:
        if data.get("features") != list(FEATURES) or data.get("context_features") != list(
            CONTEXT_FEATURES
        ):
            raise ValueError("extraction weights were trained on other features; rebuild them")
        decoder = data["decoder"]
        first = data["first"]
        second = data["second"]
        assert isinstance(decoder, dict) and isinstance(first, dict)
        return cls(
            first=Logistic.from_json(first, len(FEATURES)),
            second=(
                Logistic.from_json(second, len(CONTEXT_FEATURES))
                if isinstance(second, dict)
                else None
            ),
            decoder=Decoder(
                answer=float(decoder["answer"]),
                line=float(decoder["line"]),
                relative=float(decoder["relative"]),
                gap=int(decoder["gap"]),
                blend=float(decoder.get("blend", 0.0)),
            ),
        )


def load_models(path: Path | None = None) -> dict[str, ExtractionModel]:
    """The shipped models: ``semantic`` (with the encoder), ``lexical`` (without) and
    ``crosslingual`` (with the encoder, when question and page are in different scripts)."""
    text = (
        path.read_text(encoding="utf-8")
        if path is not None
        else resources.files("intents").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    )
    data = json.loads(text)
    return {kind: ExtractionModel.from_json(data[kind]) for kind in MODELS}


class LineVectors:
    """Passage vectors of page lines, by content: in memory (bounded) and on disk per page."""

    __slots__ = ("_cache_dir", "_capacity", "_lines")

    def __init__(self, cache_dir: Path | None, capacity: int = 8192) -> None:
        self._cache_dir = cache_dir
        self._capacity = capacity
        self._lines: OrderedDict[tuple[str, str], Vectors] = OrderedDict()

    def vectors(self, encoder: SentenceEncoder, lines: Sequence[str]) -> Vectors:
        """The (lines x d) passage vectors; only lines never seen before reach the encoder."""
        model = str(getattr(encoder, "name", type(encoder).__qualname__))
        missing = [line for line in dict.fromkeys(lines) if (model, line) not in self._lines]
        if missing:
            fresh = self._encode(encoder, model, missing)
            for line, vector in zip(missing, fresh, strict=True):
                self._lines[(model, line)] = np.asarray(vector, dtype=np.float32)
        rows = []
        for line in lines:
            self._lines.move_to_end((model, line))
            rows.append(self._lines[(model, line)])
        while len(self._lines) > max(self._capacity, len(lines)):
            self._lines.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, 1), np.float32)

    def _encode(self, encoder: SentenceEncoder, model: str, texts: list[str]) -> Vectors:
        """Embed ``texts``, through a file under the cache directory named by their content."""
        digest = hashlib.sha256(model.encode())
        for text in texts:
            digest.update(b"\x00" + text.encode("utf-8", "surrogatepass"))
        path = (
            self._cache_dir / "lines" / f"{digest.hexdigest()[:32]}.npy"
            if self._cache_dir is not None
            else None
        )
        if path is not None and path.is_file():
            try:
                cached = np.load(path, allow_pickle=False)
            except (OSError, ValueError) as error:
                log.debug("ignoring unreadable line vectors %s: %s", path, error)
            else:
                if cached.ndim == 2 and cached.shape[0] == len(texts):
                    return np.asarray(cached, dtype=np.float32)
        vectors = np.concatenate(
            [encoder.encode_passages(texts[i : i + 32]) for i in range(0, len(texts), 32)]
        ).astype(np.float32)
        if path is not None:
            _write(path, vectors)
        return vectors


class AnswerExtractor:
    """Finds the lines of a page that answer a question (pure apart from its vector caches)."""

    __slots__ = ("_lines", "_models", "_questions")

    def __init__(
        self,
        *,
        models: dict[str, ExtractionModel] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self._models = models if models is not None else load_models()
        self._lines = LineVectors(cache_dir)
        self._questions: OrderedDict[tuple[str, str], Vectors] = OrderedDict()

    def probabilities(
        self, question: str, lines: Sequence[str], lang: str, encoder: SentenceEncoder | None
    ) -> Matrix:
        """Each line's probability of belonging to the answer."""
        question_vector = line_vectors = None
        if encoder is not None and lines:
            question_vector = self._question_vector(encoder, question)
            line_vectors = self._lines.vectors(encoder, lines)
        model = self._models[choose_model(question, lines, semantic=question_vector is not None)]
        features = line_features(question, lines, lang, question_vector, line_vectors)
        return model.probabilities(features, structure_of(lines).section)

    def extract(
        self, question: str, lines: Sequence[str], lang: str, encoder: SentenceEncoder | None
    ) -> tuple[int, ...]:
        """The line numbers (0-based, ascending) that answer ``question``, or ()."""
        if not lines or not question.strip():
            return ()
        model = self._models[choose_model(question, lines, semantic=encoder is not None)]
        return model.decoder.decode(self.probabilities(question, lines, lang, encoder))

    def _question_vector(self, encoder: SentenceEncoder, question: str) -> Vectors:
        model = str(getattr(encoder, "name", type(encoder).__qualname__))
        key = (model, question)
        vector = self._questions.get(key)
        if vector is None:
            vector = np.asarray(encoder.encode_queries((question,))[0], dtype=np.float32)
            self._questions[key] = vector
            if len(self._questions) > 256:
                self._questions.popitem(last=False)
        return vector


def choose_model(question: str, lines: Sequence[str], *, semantic: bool) -> str:
    """Which of :data:`MODELS` reads this question on this page."""
    if not semantic:
        return "lexical"
    page_script = dominant_script(" ".join(lines[:20]))
    return "crosslingual" if dominant_script(question) is not page_script else SAME_SCRIPT_MODEL


def _write(path: Path, vectors: Vectors) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            np.save(file, vectors, allow_pickle=False)
        os.replace(temporary, path)
    except OSError as error:
        log.warning("could not write line vectors %s: %s", path, error)


@cache
def _default_extractor() -> AnswerExtractor:
    directory = os.environ.get("LOTSE_CACHE_DIR")
    return AnswerExtractor(cache_dir=Path(directory) if directory else None)


def extract_answer(
    question: str, lines: Sequence[str], lang: str, encoder: SentenceEncoder | None
) -> tuple[int, ...]:
    """The line numbers (0-based, ascending) of ``lines`` that answer ``question``, or ().

    Uses one process-wide :class:`AnswerExtractor` (line vectors cached in memory and under
    ``LOTSE_CACHE_DIR``); build your own extractor to choose the cache directory.
    """
    return _default_extractor().extract(question, lines, lang, encoder)
