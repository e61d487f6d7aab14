"""Check-worthiness of sentences: hashed word and character n-grams plus a linear model.

A sentence is check-worthy when it states something factual that the public would want
verified (ClaimBuster's two-class setting, CLEF CheckThat! 2019 task 1). The features are
text-only so the stage can score any sentence string:

- word 1-2 grams and character 2-5 grams (within word boundaries), hashed into fixed-size
  spaces so no vocabulary is stored, log-scaled, weighted by an inverse document frequency
  learnt at training time and L2-normalised per block;
- a few dense cues that n-grams see only piecemeal: numbers, percentages, money, years,
  comparatives and superlatives, past tense, modal and future verbs, first-person opinion,
  questions and length.

Names are read as their type, not their identity: before any feature is computed, every
person, organisation, group (nationality, religion, party), country and place in the
sentence is replaced by its placeholder word (:mod:`claimscope.text.names`), in training
and at inference alike, so that a sentence scores the same whichever side it names.
:func:`find_names` finds them in two steps, on the sentence alone:

1. the names the model knows, by lookup: those of its training data and the gazetteer's
   countries, nationalities, bodies and big cities
   (:mod:`claimscope.stages.claims.known_names`);
2. spaCy's entity recogniser, shown the sentence with those names already replaced, for
   the others.

The recogniser alone reads a name by its spelling and context: it tags "Hillary Clinton"
and misses "Donald Trump" in the same headline, calls Armenia an organisation and Yerevan
a person. Both steps see the same text whichever known name stands in it, so a sentence
reads the same whichever side it names. The claims stage lets the model find the names
of each claim this way rather than take them from the document's parse: measured on
PolNeAR dev with Clinton/Trump, Hillary/Donald and Democrat(s/ic)/Republican(s)
exchanged, the parse's or the entities layer's names (with the known ones) moved a
claim's score by up to 0.20 and read 15-17% of the claims differently from training;
this way, by up to 0.06 and 0% (see the README). No feature needs a name's surface form:
the cues look for numbers, dates, money and tense, and the n-grams of a name would only
teach the model who was speaking in the training debates.

A logistic regression on these features gives a probability. The model is trained by
:func:`train_checkworthiness` from ClaimBuster's 2.5xNCS set and the CLEF 2019 training
debates and saved as arrays plus JSON through :mod:`claimscope.artefacts` (no pickle).
"""

from __future__ import annotations

import bisect
import csv
import functools
import hashlib
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

from claimscope.artefacts import load_artefact, save_artefact
from claimscope.stages.claims.known_names import (
    KnownNames,
    NameSpan,
    is_common_word,
    learn_known_names,
    with_known_names,
)
from claimscope.text.names import PLACEHOLDERS, masked, name_spans

ARTEFACT_NAME = "checkworthiness"
CLAIMBUSTER_FILE = Path("claimbuster") / "kfold_25ncs.json"
CLEF2019_FILE = Path("checkworthy-clef2019") / "train.csv"
CLEF2020_FILE = Path("checkworthy-clef2020-debates") / "train.tsv"

# Words (not word pieces) so that a match never runs past a bounded number of characters.
TOKEN_PATTERN = r"(?u)\b\w{1,40}\b"
_DIGIT_RUN = re.compile(r"\d{1,40}")
_NOT_WORD = re.compile(r"[\W_]{1,200}")

NAME_BATCH = 256


@dataclass(frozen=True)
class FeatureSettings:
    """How sentences become feature vectors; stored in the artefact so scoring matches training.

    Chosen by the out-of-time MAP (``bench/checkworthiness_selection.py``): word unigrams
    ranked the later debates as well as word 1-2 grams (0.332 against 0.325) with fewer
    features; every other variant tried fell within the same noise.
    """

    word_ngrams: tuple[int, int] = (1, 1)
    char_ngrams: tuple[int, int] = (2, 5)
    char_analyzer: str = "char_wb"
    word_bits: int = 18
    char_bits: int = 18
    fold_digits: bool = True
    dense_weight: float = 1.0
    # Whether names are replaced by their type's placeholder before the features are
    # computed. Artefacts written before this setting existed read names as words.
    names_as_types: bool = True

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> FeatureSettings:
        """The settings as an artefact's JSON description stores them."""
        return cls(
            word_ngrams=(int(raw["word_ngrams"][0]), int(raw["word_ngrams"][1])),
            char_ngrams=(int(raw["char_ngrams"][0]), int(raw["char_ngrams"][1])),
            char_analyzer=str(raw["char_analyzer"]),
            word_bits=int(raw["word_bits"]),
            char_bits=int(raw["char_bits"]),
            fold_digits=bool(raw["fold_digits"]),
            dense_weight=float(raw["dense_weight"]),
            names_as_types=bool(raw.get("names_as_types", False)),
        )


def probabilities(logits: npt.NDArray[np.float64]) -> list[float]:
    """Log-odds to probabilities in [0, 1] (clipped so exp cannot overflow)."""
    clipped = np.clip(logits, -60.0, 60.0)
    return [float(value) for value in 1.0 / (1.0 + np.exp(-clipped))]


def linear_arrays(
    word_idf: npt.NDArray[np.float32],
    char_idf: npt.NDArray[np.float32],
    weights: npt.NDArray[np.float32],
    bias: float,
) -> dict[str, npt.NDArray[Any]]:
    """The arrays a linear check-worthiness model saves: nothing but float32 numbers."""
    return {
        "word_idf": word_idf,
        "char_idf": char_idf,
        "weights": weights,
        "bias": np.array([bias], dtype=np.float32),
    }


@dataclass(frozen=True)
class TrainingSettings:
    """The learner and how the two data sources are mixed.

    Chosen by the out-of-time MAP (``bench/checkworthiness_selection.py``, word 1-2
    grams): C from 0.5 to 8 gave 0.289 to 0.328, C = 4 and 8 tied; class balance made no
    difference beyond noise.
    """

    regularisation: float = 4.0
    balanced: bool = True
    # CLEF's labels are stricter than ClaimBuster's: at full weight its negatives cut
    # ClaimBuster recall (cross-validated F1 0.72 against 0.79) and rank the later debates
    # no better (out-of-time MAP 0.309 at weight 1, 0.322 at 0.2, 0.325 at 0.05).
    clef_weight: float = 0.05
    # ClaimBuster's weight against CLEF's: 0 trains on the CLEF debates alone, which
    # ranks the later debates far worse (out-of-time MAP 0.23 to 0.24 against 0.33).
    claimbuster_weight: float = 1.0


@dataclass(frozen=True)
class LabelledSentence:
    """One training sentence with its label, data set and (for CLEF) debate."""

    text: str
    label: int
    source: str
    debate: str = ""


DENSE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("number", re.compile(r"\d")),
    (
        "percentage",
        re.compile(r"%|\bper ?cent\b|\bpercentage\b", re.IGNORECASE),
    ),
    (
        "money",
        re.compile(
            r"[$£€]|\b(?:dollars?|cents?|millions?|billions?|trillions?|budget|tax(?:es)?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "year_or_date",
        re.compile(
            r"\b(?:1[7-9]\d\d|20\d\d|january|february|march|april|june|july|august|september"
            r"|october|november|december|last year|this year|years? ago|decades?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "comparative",
        re.compile(
            r"\b(?:more|less|fewer|most|least|higher|lower|largest|biggest|highest|lowest"
            r"|bigger|larger|smaller|better|worse|best|worst|record|doubled?|tripled?"
            r"|increased?|decreased?|rose|fell|cut|only|first|every|never|all)\b|\w{2,30}est\b",
            re.IGNORECASE,
        ),
    ),
    (
        "past_tense",
        re.compile(
            r"\b(?:was|were|had|did|voted|passed|has been|have been|went|lost|created"
            r"|signed|said|raised|spent)\b|\b\w{2,30}ed\b",
            re.IGNORECASE,
        ),
    ),
    (
        "modal_or_future",
        re.compile(
            r"\b(?:will|would|going to|gonna|should|could|must|can|might|may|want to"
            r"|need to|let's|let me)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "opinion",
        re.compile(
            r"\b(?:i think|i believe|i feel|i hope|i love|i want|thank you|thanks"
            r"|i'm not|i am not|in my opinion|frankly|honestly|believe me|great|wonderful"
            r"|terrible|disaster)\b",
            re.IGNORECASE,
        ),
    ),
    ("question", re.compile(r"\?")),
)
DENSE_NAMES: tuple[str, ...] = (*(name for name, _ in DENSE_CUES), "length")


def normalise_text(text: str) -> str:
    """Lowercase words separated by single spaces: the key for spotting one sentence twice."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def _fold(text: str) -> str:
    # Numbers matter by their presence and shape, not their value: "4.1 percent" and
    # "7.3 percent" should share their features.
    return _DIGIT_RUN.sub(lambda match: "0" * min(len(match.group()), 4), text.casefold())


def _plain(text: str) -> str:
    return text.casefold()


@functools.cache
def _vectorizers(settings: FeatureSettings) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import HashingVectorizer

    preprocessor = _fold if settings.fold_digits else _plain
    word = HashingVectorizer(
        analyzer="word",
        ngram_range=settings.word_ngrams,
        n_features=2**settings.word_bits,
        token_pattern=TOKEN_PATTERN,
        preprocessor=preprocessor,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )
    characters = HashingVectorizer(
        analyzer=settings.char_analyzer,
        ngram_range=settings.char_ngrams,
        n_features=2**settings.char_bits,
        preprocessor=preprocessor,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )
    return word, characters


def hashed_counts(
    sentences: Sequence[str], settings: FeatureSettings
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Word and character n-gram counts of the sentences, log-scaled (1 + log count)."""
    word, characters = _vectorizers(settings)
    blocks = []
    for vectorizer in (word, characters):
        counts = sparse.csr_matrix(vectorizer.transform(sentences), dtype=np.float32)
        counts.data = (1.0 + np.log(counts.data)).astype(np.float32)
        blocks.append(counts)
    return blocks[0], blocks[1]


def dense_features(sentences: Sequence[str]) -> npt.NDArray[np.float32]:
    """The dense cues of each sentence, each scaled to about [0, 1]."""
    rows = np.zeros((len(sentences), len(DENSE_NAMES)), dtype=np.float32)
    for index, sentence in enumerate(sentences):
        for column, (_, pattern) in enumerate(DENSE_CUES):
            found = len(pattern.findall(sentence))
            rows[index, column] = min(found, 3) / 3.0
        words = max(1, len(sentence.split()))
        rows[index, -1] = min(math.log(words) / math.log(64), 1.0)
    return rows


def inverse_document_frequency(counts: sparse.csr_matrix) -> npt.NDArray[np.float32]:
    """Smoothed idf of each hashed feature, as scikit-learn's TfidfTransformer computes it."""
    documents = counts.shape[0]
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    idf: npt.NDArray[np.float32] = (np.log((1.0 + documents) / (1.0 + frequency)) + 1.0).astype(
        np.float32
    )
    return idf


def _weighted_block(counts: sparse.csr_matrix, idf: npt.NDArray[np.float32]) -> sparse.csr_matrix:
    weighted = sparse.csr_matrix(counts.multiply(idf[np.newaxis, :]), dtype=np.float32)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted, dtype=np.float32)


def feature_matrix(
    sentences: Sequence[str],
    settings: FeatureSettings,
    word_idf: npt.NDArray[np.float32],
    char_idf: npt.NDArray[np.float32],
) -> sparse.csr_matrix:
    """The model's input: weighted word block, character block and dense cues side by side."""
    word_counts, char_counts = hashed_counts(sentences, settings)
    dense = sparse.csr_matrix(dense_features(sentences) * settings.dense_weight)
    return sparse.hstack(
        [_weighted_block(word_counts, word_idf), _weighted_block(char_counts, char_idf), dense],
        format="csr",
        dtype=np.float32,
    )


def recognised_names(texts: Sequence[str]) -> list[list[NameSpan]]:
    """The names spaCy's entity recogniser finds in each text read on its own.

    Texts go through :func:`claimscope.parsing.parse_texts` in batches with every component
    but the recogniser switched off (its entities do not depend on them).
    """
    if not texts:
        return []
    from claimscope.parsing import load_spacy, parse_texts

    nlp = load_spacy()
    disabled = [name for name in nlp.pipe_names if name != "ner"]
    return [
        name_spans([(entity.start_char, entity.end_char, entity.label_) for entity in doc.ents])
        for doc, _ in parse_texts(nlp, texts, batch_size=NAME_BATCH, disable=disabled)
    ]


Recogniser = Callable[[Sequence[str]], list[list[NameSpan]]]


def find_names(
    texts: Sequence[str],
    known: KnownNames | None = None,
    recognise: Recogniser = recognised_names,
) -> list[list[NameSpan]]:
    """The names of each text: its known names, then what the recogniser finds around them.

    The recogniser reads each text with its known names already replaced by their
    placeholders, so that what it makes of the rest cannot depend on which known name
    stands there; its names are mapped back to the text and combined with the known ones
    (:func:`~claimscope.stages.claims.known_names.with_known_names`). A text in which no
    word can be another name (:func:`may_hold_other_names`) is not shown to the recogniser
    at all, which saves most of the cost of scoring news.
    """
    shown = [Placeholders(text, known.find(text) if known else []) for text in texts]
    asked = [index for index, view in enumerate(shown) if may_hold_other_names(view.text)]
    found: list[list[NameSpan]] = [[] for _ in texts]
    for index, names in zip(asked, recognise([shown[i].text for i in asked]), strict=True):
        found[index] = names
    return [
        with_known_names(view.known, view.original_spans(names), text)
        for text, view, names in zip(texts, shown, found, strict=True)
    ]


_PLACEHOLDER_WORDS = frozenset(PLACEHOLDERS.values())
_LETTERS_RE = re.compile(r"[^\W\d_]{1,40}")


def may_hold_other_names(shown: str) -> bool:
    """Whether a text, its known names replaced, may hold other names: a capitalised word
    that is not a placeholder (the first word too, unless it is a function word such as
    "The" or "However"), or a first word joined to a placeholder ("The Personname") that
    may be part of its name (the recogniser finds names by their capitals).

    The first word is asked about like the others: a name the model does not know that
    opens a sentence ("Erdogan also said") must be read as its type just as a known one
    there is ("Assad also said"), or the two sides of a claim would read differently.
    """
    words = [(match.start(), match.end(), match.group()) for match in _LETTERS_RE.finditer(shown)]
    if not words:
        return False
    first = words[0][2]
    if first not in _PLACEHOLDER_WORDS:
        if first[:1].isupper() and not is_common_word(first):
            return True
        if len(words) > 1:
            second_start, _, second = words[1]
            if second in _PLACEHOLDER_WORDS and shown[words[0][1] : second_start] == " ":
                return True
    return any(
        word not in _PLACEHOLDER_WORDS and any(letter.isupper() for letter in word)
        for _, _, word in words[1:]
    )


class Placeholders:
    """A text with some of its names replaced by placeholders, and the way back to it."""

    def __init__(self, text: str, known: Sequence[NameSpan]) -> None:
        self.known = name_spans(sorted(known))
        self.text = masked(text, 0, len(text), self.known)
        # (start in the shown text, end there, start in the original, end there) of each
        # placeholder, in order.
        self.swaps: list[tuple[int, int, int, int]] = []
        shift = 0
        for start, end, label in self.known:
            placeholder = PLACEHOLDERS[label]
            self.swaps.append((start + shift, start + shift + len(placeholder), start, end))
            shift += len(placeholder) - (end - start)
        self.starts = [swap[0] for swap in self.swaps]

    def original_offset(self, offset: int, is_end: bool) -> int:
        """An offset of the shown text in the original: a placeholder maps to its name."""
        # The last placeholder starting before the offset (at or before it, for a start).
        position = bisect.bisect_left(self.starts, offset) if is_end else None
        if position is None:
            position = bisect.bisect_right(self.starts, offset)
        if position == 0:
            return offset
        _, shown_end, start, end = self.swaps[position - 1]
        if offset < shown_end or (is_end and offset == shown_end):
            return end if is_end else start
        return offset + end - shown_end

    def original_spans(self, spans: Iterable[NameSpan]) -> list[NameSpan]:
        """Spans of the shown text as spans of the original text."""
        return [
            (self.original_offset(start, False), self.original_offset(end, True), label)
            for start, end, label in spans
        ]


def model_texts(
    sentences: Sequence[str],
    settings: FeatureSettings,
    names: Sequence[Sequence[NameSpan]] | None = None,
    known: KnownNames | None = None,
) -> list[str]:
    """The sentences as the model reads them: names replaced by their type's placeholder.

    ``names``: per sentence, its names in its own offsets as :func:`find_names` gives them
    (the known names included); found that way when not given. Unchanged sentences for a
    model that reads names as words.
    """
    if not settings.names_as_types:
        return list(sentences)
    if names is None:
        names = find_names(sentences, known)
    if len(names) != len(sentences):
        raise ValueError(f"{len(sentences)} sentences but names for {len(names)}")
    return [
        masked(sentence, 0, len(sentence), found)
        for sentence, found in zip(sentences, names, strict=True)
    ]


def _known_names(rows: Iterable[Sequence[str]] | dict[tuple[str, ...], str]) -> KnownNames:
    from claimscope.gazetteer import default_gazetteer

    if isinstance(rows, dict):
        return KnownNames(rows, default_gazetteer())
    return KnownNames.from_json(rows, default_gazetteer())


@dataclass
class CheckworthinessModel:
    """A trained check-worthiness model: feature settings, idf weights and linear weights."""

    settings: FeatureSettings
    word_idf: npt.NDArray[np.float32]
    char_idf: npt.NDArray[np.float32]
    weights: npt.NDArray[np.float32]
    bias: float
    meta: dict[str, Any] = field(default_factory=dict)
    known: KnownNames | None = None
    """The names read as their type wherever they occur (a model with names as types)."""

    @classmethod
    def load(cls, directory: Path | None = None) -> CheckworthinessModel:
        """The shipped model (cached), or the one saved in ``directory``."""
        if directory is None:
            return _packaged_model()
        return cls._read(directory)

    @classmethod
    def _read(cls, directory: Path | None) -> CheckworthinessModel:
        arrays, meta = load_artefact(ARTEFACT_NAME, directory)
        settings = FeatureSettings.from_json(meta["features"])
        return cls(
            settings=settings,
            word_idf=arrays["word_idf"].astype(np.float32),
            char_idf=arrays["char_idf"].astype(np.float32),
            weights=arrays["weights"].astype(np.float32),
            bias=float(arrays["bias"][0]),
            meta=meta,
            known=_known_names(meta.get("known_names", [])) if settings.names_as_types else None,
        )

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The arrays to save: nothing but plain float32 numbers."""
        return linear_arrays(self.word_idf, self.char_idf, self.weights, self.bias)

    def decision(
        self, sentences: Sequence[str], names: Sequence[Sequence[NameSpan]] | None = None
    ) -> npt.NDArray[np.float64]:
        """The linear score (log-odds) of each sentence (names as in :func:`model_texts`)."""
        if not sentences:
            return np.zeros(0, dtype=np.float64)
        texts = model_texts(sentences, self.settings, names, self.known)
        matrix = feature_matrix(texts, self.settings, self.word_idf, self.char_idf)
        return np.asarray(matrix @ self.weights, dtype=np.float64) + self.bias

    def score(
        self, sentences: Sequence[str], names: Sequence[Sequence[NameSpan]] | None = None
    ) -> list[float]:
        """The probability that each sentence is check-worthy, in [0, 1].

        ``names``: per sentence, its names as :func:`find_names` gives them (found if not
        given; the claims stage and ``claimscope score`` let the model find them).
        """
        return probabilities(self.decision(list(sentences), names))


@functools.cache
def _packaged_model() -> CheckworthinessModel:
    return CheckworthinessModel._read(None)


def fit_model(
    sentences: Sequence[LabelledSentence],
    features: FeatureSettings = FeatureSettings(),
    training: TrainingSettings = TrainingSettings(),
    seed: int = 13,
    recognise: Recogniser = recognised_names,
) -> CheckworthinessModel:
    """Fit the linear model on labelled sentences (deterministic for a given seed).

    With names as types, the names the model will know are learnt from what the
    recogniser finds in the sentences; then each sentence's names are found as at
    inference (:func:`find_names`). ``recognise`` lets a caller reuse the recogniser's
    results.
    """
    from sklearn.linear_model import LogisticRegression

    raw = [sentence.text for sentence in sentences]
    known = None
    names = None
    if features.names_as_types:
        known = _known_names(learn_known_names(raw, recognise(raw)))
        names = find_names(raw, known, recognise)
    texts = model_texts(raw, features, names, known)
    labels = np.array([sentence.label for sentence in sentences], dtype=np.int64)
    word_counts, char_counts = hashed_counts(texts, features)
    word_idf = inverse_document_frequency(word_counts)
    char_idf = inverse_document_frequency(char_counts)
    matrix = feature_matrix(texts, features, word_idf, char_idf)
    sample_weight = _sample_weights(sentences, training)
    learner = LogisticRegression(
        C=training.regularisation, solver="liblinear", max_iter=1000, random_state=seed
    )
    learner.fit(matrix, labels, sample_weight=sample_weight)
    return CheckworthinessModel(
        settings=features,
        word_idf=word_idf,
        char_idf=char_idf,
        weights=learner.coef_.ravel().astype(np.float32),
        bias=float(np.float32(learner.intercept_[0])),
        known=known,
    )


def _sample_weights(
    sentences: Sequence[LabelledSentence], training: TrainingSettings
) -> npt.NDArray[np.float64]:
    # Each source is balanced on its own: CLEF has 2.7% positives and ClaimBuster 29%, so
    # one global class weight would let the larger CLEF set decide what a positive is worth.
    weights = np.ones(len(sentences), dtype=np.float64)
    sources = sorted({sentence.source for sentence in sentences})
    for source in sources:
        members = [index for index, sentence in enumerate(sentences) if sentence.source == source]
        positives = sum(sentences[index].label for index in members)
        negatives = len(members) - positives
        source_weight = (
            training.claimbuster_weight if source == "claimbuster" else training.clef_weight
        )
        for index in members:
            weight = source_weight
            if training.balanced and positives and negatives:
                share = positives if sentences[index].label else negatives
                weight *= len(members) / (2.0 * share)
            weights[index] = weight
    return weights


def read_claimbuster(path: Path) -> list[LabelledSentence]:
    """ClaimBuster's two-class k-fold JSON: sentence_id, label (1 = check-worthy), text."""
    records = json.loads(path.read_text(encoding="utf-8"))
    return [
        LabelledSentence(text=str(record["text"]), label=int(record["label"]), source="claimbuster")
        for record in records
    ]


def read_clef2019(path: Path) -> list[LabelledSentence]:
    """CLEF 2019 task 1 CSV: line_number, speaker, text, label, file_name (the debate)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            LabelledSentence(
                text=row["text"],
                label=int(row["label"]),
                source="clef2019",
                debate=row["file_name"],
            )
            for row in csv.DictReader(handle)
        ]


def read_clef2020(path: Path) -> list[LabelledSentence]:
    """CLEF 2020 task 5 TSV: text, label; quoted fields CSV-style."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quotechar='"')
        return [
            LabelledSentence(text=row["text"], label=int(row["label"]), source="clef2020")
            for row in reader
        ]


def without_texts(
    sentences: Iterable[LabelledSentence], excluded: Iterable[str]
) -> list[LabelledSentence]:
    """The sentences whose normalised text is not among the excluded texts' normalised forms."""
    keys = {normalise_text(text) for text in excluded}
    return [sentence for sentence in sentences if normalise_text(sentence.text) not in keys]


def training_sentences(data_dir: Path) -> list[LabelledSentence]:
    """The shipped model's training data: ClaimBuster 2.5xNCS and the CLEF 2019 debates."""
    return read_claimbuster(data_dir / CLAIMBUSTER_FILE) + read_clef2019(data_dir / CLEF2019_FILE)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def training_report(
    data_dir: Path,
    sentences: Sequence[LabelledSentence],
    scores: npt.NDArray[Any],
    seconds: float,
    settings: dict[str, Any],
    seed: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The metrics of a trained model on its training data, and the artefact's description.

    ``settings`` holds the model's own settings ("features", "training", ...); both
    check-worthiness models describe their data, counts and fit the same way.
    """
    labels = np.array([sentence.label for sentence in sentences])
    sources = sorted({sentence.source for sentence in sentences})
    metrics: dict[str, Any] = {"training_seconds": round(seconds, 1)}
    for source in sources:
        mask = np.array([sentence.source == source for sentence in sentences])
        metrics[f"{source}_training_fit"] = classification_figures(labels[mask], scores[mask])
    files = [data_dir / CLAIMBUSTER_FILE, data_dir / CLEF2019_FILE]
    meta = {
        **settings,
        "dense_features": list(DENSE_NAMES),
        "learner": "sklearn LogisticRegression(solver='liblinear'), weights stored as float32",
        "seed": seed,
        "data": [
            {"file": file.relative_to(data_dir).as_posix(), "sha256": _sha256(file)}
            for file in files
        ],
        "counts": {
            "sentences": len(sentences),
            "check_worthy": int(labels.sum()),
            **{
                source: sum(1 for sentence in sentences if sentence.source == source)
                for source in sources
            },
        },
        # Time is left out of the description so a rebuild from the same data is identical.
        "training_metrics": {
            key: value for key, value in metrics.items() if key != "training_seconds"
        },
    }
    return metrics, meta


def train_checkworthiness(data_dir: Path, out_dir: Path, seed: int = 13) -> dict[str, Any]:
    """Train the shipped model from ``data_dir``, save it into ``out_dir``, return its metrics."""
    started = time.perf_counter()
    sentences = training_sentences(data_dir)
    features, training = FeatureSettings(), TrainingSettings()
    texts = [sentence.text for sentence in sentences]
    found: dict[str, list[NameSpan]] = {}

    def recognise(shown: Sequence[str]) -> list[list[NameSpan]]:
        # Training reads most sentences twice (to learn the known names, then around
        # them); a sentence without a known name is the same text both times.
        missing = sorted({text for text in shown if text not in found})
        found.update(zip(missing, recognised_names(missing), strict=True))
        return [found[text] for text in shown]

    model = fit_model(sentences, features, training, seed, recognise)
    seconds = time.perf_counter() - started
    names = find_names(texts, model.known, recognise) if model.known is not None else None
    scores = np.array(model.score(texts, names))
    metrics, meta = training_report(
        data_dir,
        sentences,
        scores,
        seconds,
        {"features": asdict(features), "training": asdict(training)},
        seed,
    )
    if model.known is not None:
        meta["known_names"] = model.known.to_json()
    save_artefact(out_dir, ARTEFACT_NAME, model.arrays(), meta)
    return metrics


def classification_figures(
    labels: npt.NDArray[Any], scores: npt.NDArray[Any], threshold: float = 0.5
) -> dict[str, float]:
    """Precision, recall and F1 of the check-worthy class at a score threshold."""
    predicted = scores >= threshold
    actual = labels == 1
    true_positives = int(np.sum(predicted & actual))
    precision = true_positives / int(predicted.sum()) if predicted.any() else 0.0
    recall = true_positives / int(actual.sum()) if actual.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def parse_line(line: str, number: int) -> tuple[str, str] | None:
    """``(id, text)`` of one input line: ``id<TAB>text`` or a bare sentence numbered by line."""
    stripped = line.rstrip("\r\n")
    if not stripped.strip():
        return None
    identifier, tab, text = stripped.partition("\t")
    if tab:
        return identifier.strip(), text.strip()
    return str(number), stripped.strip()


class SentenceScorer(Protocol):
    """What scoring needs of a model: a check-worthiness in [0, 1] per sentence."""

    def score(
        self, sentences: Sequence[str], *, names: Sequence[Sequence[NameSpan]] | None = None
    ) -> list[float]:
        """One score per sentence, in order; ``names`` per sentence, found if not given."""
        ...


def score_lines(
    lines: Iterable[str], model: SentenceScorer | None = None, batch: int = 1024
) -> Iterator[tuple[str, float]]:
    """``(id, score)`` for each non-blank line: ``id<TAB>text``, else the 1-based line number."""
    scorer = model or CheckworthinessModel.load()
    pending: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        parsed = parse_line(line, number)
        if parsed is not None:
            pending.append(parsed)
        if len(pending) >= batch:
            yield from _scored(scorer, pending)
            pending = []
    if pending:
        yield from _scored(scorer, pending)


def _scored(
    model: SentenceScorer, pending: Sequence[tuple[str, str]]
) -> Iterator[tuple[str, float]]:
    scores = model.score([text for _, text in pending])
    return zip((identifier for identifier, _ in pending), scores, strict=True)
