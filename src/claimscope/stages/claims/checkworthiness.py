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

A logistic regression on these features gives a probability. The model is trained by
:func:`train_checkworthiness` from ClaimBuster's 2.5xNCS set and the CLEF 2019 training
debates and saved as arrays plus JSON through :mod:`claimscope.artefacts` (no pickle).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import math
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

from claimscope.artefacts import load_artefact, save_artefact

ARTEFACT_NAME = "checkworthiness"
CLAIMBUSTER_FILE = Path("claimbuster") / "kfold_25ncs.json"
CLEF2019_FILE = Path("checkworthy-clef2019") / "train.csv"
CLEF2020_FILE = Path("checkworthy-clef2020-debates") / "train.tsv"

# Words (not word pieces) so that a match never runs past a bounded number of characters.
TOKEN_PATTERN = r"(?u)\b\w{1,40}\b"
_DIGIT_RUN = re.compile(r"\d{1,40}")
_NOT_WORD = re.compile(r"[\W_]{1,200}")


@dataclass(frozen=True)
class FeatureSettings:
    """How sentences become feature vectors; stored in the artefact so scoring matches training."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_analyzer: str = "char_wb"
    word_bits: int = 18
    char_bits: int = 18
    fold_digits: bool = True
    dense_weight: float = 1.0

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
    """The learner and how the two data sources are mixed."""

    regularisation: float = 4.0
    balanced: bool = True
    # CLEF's labels are stricter than ClaimBuster's: at full weight its negatives cut
    # ClaimBuster recall (cross-validated F1 0.72 against 0.79) for no gain in CLEF
    # leave-one-debate-out MAP (0.251 against 0.249 at this weight).
    clef_weight: float = 0.05


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


@dataclass
class CheckworthinessModel:
    """A trained check-worthiness model: feature settings, idf weights and linear weights."""

    settings: FeatureSettings
    word_idf: npt.NDArray[np.float32]
    char_idf: npt.NDArray[np.float32]
    weights: npt.NDArray[np.float32]
    bias: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path | None = None) -> CheckworthinessModel:
        """The shipped model (cached), or the one saved in ``directory``."""
        if directory is None:
            return _packaged_model()
        return cls._read(directory)

    @classmethod
    def _read(cls, directory: Path | None) -> CheckworthinessModel:
        arrays, meta = load_artefact(ARTEFACT_NAME, directory)
        return cls(
            settings=FeatureSettings.from_json(meta["features"]),
            word_idf=arrays["word_idf"].astype(np.float32),
            char_idf=arrays["char_idf"].astype(np.float32),
            weights=arrays["weights"].astype(np.float32),
            bias=float(arrays["bias"][0]),
            meta=meta,
        )

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The arrays to save: nothing but plain float32 numbers."""
        return linear_arrays(self.word_idf, self.char_idf, self.weights, self.bias)

    def decision(self, sentences: Sequence[str]) -> npt.NDArray[np.float64]:
        """The linear score (log-odds) of each sentence."""
        if not sentences:
            return np.zeros(0, dtype=np.float64)
        matrix = feature_matrix(sentences, self.settings, self.word_idf, self.char_idf)
        return np.asarray(matrix @ self.weights, dtype=np.float64) + self.bias

    def score(self, sentences: Sequence[str]) -> list[float]:
        """The probability that each sentence is check-worthy, in [0, 1]."""
        return probabilities(self.decision(list(sentences)))


@functools.cache
def _packaged_model() -> CheckworthinessModel:
    return CheckworthinessModel._read(None)


def fit_model(
    sentences: Sequence[LabelledSentence],
    features: FeatureSettings = FeatureSettings(),
    training: TrainingSettings = TrainingSettings(),
    seed: int = 13,
) -> CheckworthinessModel:
    """Fit the linear model on labelled sentences (deterministic for a given seed)."""
    from sklearn.linear_model import LogisticRegression

    texts = [sentence.text for sentence in sentences]
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
        source_weight = 1.0 if source == "claimbuster" else training.clef_weight
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
    model = fit_model(sentences, features, training, seed)
    seconds = time.perf_counter() - started
    scores = np.array(model.score([sentence.text for sentence in sentences]))
    metrics, meta = training_report(
        data_dir,
        sentences,
        scores,
        seconds,
        {"features": asdict(features), "training": asdict(training)},
        seed,
    )
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

    def score(self, sentences: Sequence[str]) -> list[float]:
        """One score per sentence, in order."""
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
