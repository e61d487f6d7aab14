"""Training both technique models from PTC, reproducibly: ``train_techniques``.

Both models are fitted on ``DATA/ptc/train`` only (``dev`` stays for measuring). Settings
that the data has to choose (the SI threshold and gap, the TC probability temperature)
are chosen by 3-fold cross-validation over train articles; folds are fixed by article
order, and the solvers are deterministic, so the same data gives the same artefacts: all
of it runs on one thread (``threadpoolctl``), as with more the BLAS sums and so the
artefact bytes depend on the machine's thread count.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from claimscope.artefacts import save_artefact
from claimscope.parsing import load_spacy
from claimscope.stages.techniques import classification, identification
from claimscope.stages.techniques.corpus import TECHNIQUES, Article, read_split
from claimscope.stages.techniques.features import Token, sparse_weights
from claimscope.stages.techniques.scoring import si_scores, tc_micro_f1

SPAN_C = 3.0
CLASS_C = 0.3
FOLDS = 3
THRESHOLDS = (0.16, 0.2, 0.22, 0.24, 0.28)
GAPS = (8, 1000)
"""Gaps in tokens; 1000 bridges a whole sentence, from its first to its last flagged token."""
TEMPERATURES = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)


def _fingerprint(split_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(split_dir.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(split_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _span_data(
    articles: Sequence[Article],
) -> tuple[list[list[Token]], sparse.csr_matrix, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    tokens_per_article: list[list[Token]] = []
    matrices: list[sparse.csr_matrix] = []
    labels: list[npt.NDArray[np.int64]] = []
    groups: list[npt.NDArray[np.int64]] = []
    for index, article in enumerate(articles):
        features = identification.token_features(article.text)
        tokens = features.tokens
        inside = np.zeros(len(article.text) + 1, dtype=bool)
        for start, end in article.spans:
            inside[start:end] = True
        tokens_per_article.append(tokens)
        matrices.append(identification.feature_matrix(features))
        labels.append(
            np.array([inside[token.start : token.end].any() for token in tokens], dtype=np.int64)
        )
        groups.append(np.full(len(tokens), index, dtype=np.int64))
    return (
        tokens_per_article,
        sparse.vstack(matrices).tocsr(),
        np.concatenate(labels),
        np.concatenate(groups),
    )


def _fit_spans(
    features: sparse.csr_matrix, labels: npt.NDArray[np.int64], seed: int
) -> LogisticRegression:
    model = LogisticRegression(C=SPAN_C, solver="liblinear", random_state=seed)
    model.fit(features, labels)
    return model


def _train_spans(articles: Sequence[Article], seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    tokens, features, labels, groups = _span_data(articles)
    offsets = np.cumsum([0] + [len(items) for items in tokens])
    probabilities = np.zeros(len(labels))
    for train_rows, test_rows in GroupKFold(n_splits=FOLDS).split(features, labels, groups):
        fold_model = _fit_spans(features[train_rows], labels[train_rows], seed)
        probabilities[test_rows] = fold_model.predict_proba(features[test_rows])[:, 1]
    gold = {article.article_id: article.spans for article in articles}
    grid: list[dict[str, float]] = []
    for threshold in THRESHOLDS:
        for gap in GAPS:
            predicted = {
                article.article_id: [
                    (start, end)
                    for start, end, _ in identification.decode_spans(
                        tokens[index],
                        probabilities[offsets[index] : offsets[index + 1]],
                        threshold,
                        gap,
                    )
                ]
                for index, article in enumerate(articles)
            }
            scores = si_scores(predicted, gold)
            grid.append(
                {
                    "threshold": threshold,
                    "gap": gap,
                    "precision": round(scores.precision, 4),
                    "recall": round(scores.recall, 4),
                    "f1": round(scores.f1, 4),
                }
            )
    best = max(grid, key=lambda row: (row["f1"], -row["threshold"], -row["gap"]))
    model = _fit_spans(features, labels, seed)
    weights = sparse_weights(model.coef_.astype(np.float64))
    arrays = {**weights, "intercept": model.intercept_.astype(np.float32)}
    meta = {
        "model": "logistic regression (liblinear), token inside a technique span or not",
        "hash_bits": identification.HASH_BITS,
        "C": SPAN_C,
        "threshold": best["threshold"],
        "gap": int(best["gap"]),
        "tokens": len(labels),
        "cross_validation": {"folds": FOLDS, "best": best, "grid": grid},
    }
    return arrays, meta


def _class_data(
    articles: Sequence[Article],
) -> tuple[sparse.csr_matrix, npt.NDArray[np.str_], npt.NDArray[np.int64]]:
    nlp = load_spacy()
    skipped = [name for name in classification.UNTAGGED_PIPES if name in nlp.pipe_names]
    docs = nlp.pipe((article.text for article in articles), disable=skipped)
    contexts = [
        classification.ArticleContext.of(article.text, doc)
        for article, doc in zip(articles, docs, strict=True)
    ]
    spans = [
        (index, start, end)
        for index, article in enumerate(articles)
        for _, start, end in article.techniques
    ]
    labels = np.array([technique for article in articles for technique, _, _ in article.techniques])
    groups = np.array([index for index, _, _ in spans], dtype=np.int64)
    return classification.feature_matrix(contexts, spans), labels, groups


def _fit_classes(features: sparse.csr_matrix, labels: npt.NDArray[np.str_], seed: int) -> LinearSVC:
    model = LinearSVC(C=CLASS_C, random_state=seed, max_iter=5000)
    model.fit(features, labels)
    return model


def _softmax(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exponentials = np.exp(shifted)
    result: npt.NDArray[np.float64] = exponentials / exponentials.sum(axis=1, keepdims=True)
    return result


def _ranked_micro_f1(
    articles: Sequence[Article], decisions: npt.NDArray[np.float64], present: Sequence[str]
) -> float:
    """TC micro-F1 of held-out scores, a span listed k times getting its k best techniques
    (as ``chain.score_span_lines`` answers)."""
    predicted: dict[int, list[tuple[str, int, int]]] = {}
    row = 0
    for article in articles:
        seen: dict[tuple[int, int], int] = {}
        first_row: dict[tuple[int, int], int] = {}
        for _, start, end in article.techniques:
            first_row.setdefault((start, end), row)
            order = np.argsort(-decisions[first_row[(start, end)]], kind="stable")
            rank = seen.get((start, end), 0)
            seen[(start, end)] = rank + 1
            technique = present[int(order[min(rank, len(order) - 1)])]
            predicted.setdefault(article.article_id, []).append((technique, start, end))
            row += 1
    gold = {article.article_id: article.techniques for article in articles}
    return tc_micro_f1(predicted, gold).f1


def _train_classes(articles: Sequence[Article], seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    features, labels, groups = _class_data(articles)
    present = [technique for technique in TECHNIQUES if technique in set(labels.tolist())]
    decisions = np.zeros((len(labels), len(present)))
    correct = 0
    for train_rows, test_rows in GroupKFold(n_splits=FOLDS).split(features, labels, groups):
        fold_model = _fit_classes(features[train_rows], labels[train_rows], seed)
        fold_scores = np.asarray(fold_model.decision_function(features[test_rows]))
        if fold_scores.ndim == 1:
            fold_scores = np.stack([-fold_scores, fold_scores], axis=1)
        columns = [
            list(fold_model.classes_).index(label) if label in fold_model.classes_ else -1
            for label in present
        ]
        for position, column in enumerate(columns):
            decisions[test_rows, position] = fold_scores[:, column] if column >= 0 else -10.0
        correct += int(
            np.sum(
                np.asarray(fold_model.classes_)[np.argmax(fold_scores, axis=1)] == labels[test_rows]
            )
        )
    label_index = np.array([present.index(label) for label in labels])
    # LinearSVC gives scores, not probabilities: a softmax of the scores times the
    # temperature with the best held-out log-likelihood makes them usable as a probability.
    losses = {
        temperature: float(
            -np.mean(
                np.log(
                    _softmax(decisions * temperature)[np.arange(len(labels)), label_index] + 1e-12
                )
            )
        )
        for temperature in TEMPERATURES
    }
    temperature = min(losses, key=lambda value: (losses[value], value))
    model = _fit_classes(features, labels, seed)
    order = [list(model.classes_).index(label) for label in present]
    coefficients = np.asarray(model.coef_, dtype=np.float64)[order] * temperature
    intercept = np.asarray(model.intercept_, dtype=np.float64)[order] * temperature
    if coefficients.shape[0] == 1:
        coefficients = np.vstack([-coefficients, coefficients]) / 2
        intercept = np.concatenate([-intercept, intercept]) / 2
    arrays = {**sparse_weights(coefficients), "intercept": intercept.astype(np.float32)}
    meta = {
        "model": "linear SVM (one vs rest), scores times temperature through a softmax",
        "hash_bits": classification.HASH_BITS,
        "dense_features": list(classification.DENSE_FEATURES),
        "C": CLASS_C,
        "labels": present,
        "temperature": temperature,
        "spans": len(labels),
        "cross_validation": {
            "folds": FOLDS,
            "accuracy": round(correct / len(labels), 4),
            "micro_f1": round(_ranked_micro_f1(articles, decisions, present), 4),
            "log_loss_by_temperature": {str(key): round(value, 4) for key, value in losses.items()},
        },
    }
    return arrays, meta


def train_techniques(data_dir: Path, out_dir: Path, seed: int = 13) -> dict[str, Any]:
    """Train the SI and TC models on ``DATA/ptc/train``, save both artefacts, return metrics."""
    with threadpool_limits(limits=1):
        return _train_techniques(data_dir, out_dir, seed)


def _train_techniques(data_dir: Path, out_dir: Path, seed: int) -> dict[str, Any]:
    split_dir = data_dir / "ptc" / "train"
    articles = read_split(split_dir)
    if not articles:
        raise ValueError(f"no articles in {split_dir / 'articles'}")
    source = {
        "data": "ptc/train",
        "articles": len(articles),
        "sha256": _fingerprint(split_dir),
        "seed": seed,
    }
    began = time.perf_counter()
    span_arrays, span_meta = _train_spans(articles, seed)
    span_seconds = time.perf_counter() - began
    save_artefact(out_dir, identification.ARTEFACT, span_arrays, {**source, **span_meta})
    began = time.perf_counter()
    class_arrays, class_meta = _train_classes(articles, seed)
    class_seconds = time.perf_counter() - began
    save_artefact(out_dir, classification.ARTEFACT, class_arrays, {**source, **class_meta})
    return {
        "articles": len(articles),
        "span_identification": {
            "threshold": span_meta["threshold"],
            "gap": span_meta["gap"],
            "cross_validation": span_meta["cross_validation"]["best"],
            "seconds": round(span_seconds, 1),
        },
        "technique_classification": {
            "temperature": class_meta["temperature"],
            "cross_validation_accuracy": class_meta["cross_validation"]["accuracy"],
            "cross_validation_micro_f1": class_meta["cross_validation"]["micro_f1"],
            "seconds": round(class_seconds, 1),
        },
    }
