"""Training both technique models from PTC, reproducibly: ``train_techniques``.

Both models are fitted on ``DATA/ptc/train`` only (``dev`` stays for measuring). The
articles are parsed once (spaCy's tagger and entity recogniser): both models read the
names it finds as their type, and the classification reads its tags. Settings that the
data has to choose are chosen by cross-validation by article (folds shuffled with the
seed, an article never split): for SI the regularisation, the threshold, the peak, the gap
and the document weight, as the best F1 among the settings whose precision stays at or
above WORST_FOLD_PRECISION in every one of SPAN_FOLDS folds (precision that holds on new
articles, not only on average); for TC the probability temperature. The solvers are
deterministic, so the same data gives the same artefacts: all of it runs on one thread
(``threadpoolctl``), as with more the BLAS sums and so the artefact bytes depend on the
machine's thread count.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from claimscope.artefacts import save_artefact
from claimscope.parsing import load_spacy, parse_texts
from claimscope.stages.techniques import classification, identification
from claimscope.stages.techniques.corpus import TECHNIQUES, Article, read_split
from claimscope.stages.techniques.features import Name, Token, disjoint_names, sparse_weights
from claimscope.stages.techniques.scoring import pooled_scores, si_sums, tc_micro_f1

if TYPE_CHECKING:
    from spacy.tokens import Doc

SPAN_CS = (1.0, 3.0)
"""Inverse regularisation strengths of the SI model tried by cross-validation."""
SPAN_FOLDS = 5
THRESHOLDS = tuple(round(0.18 + 0.02 * step, 2) for step in range(9))
"""0.18 to 0.34."""
PEAK_MARGINS = (0.0, 0.08, 0.16, 0.24)
"""How far above the threshold the peak of a kept span must reach."""
DOCUMENT_WEIGHTS = (0.0, 1.0)
"""How much a document's mean token score moves its tokens' (``with_document_prior``)."""
GAPS = (8, 1000)
"""Gaps in tokens; 1000 bridges a whole sentence, from its first to its last flagged token."""
WORST_FOLD_PRECISION = 0.27
"""SI settings are chosen among those whose held-out precision stays at or above this in
every fold (about 74 articles each): a setting that flags too much on some articles is
what fails on new ones, where its precision fell to 0.18 with the best F1 alone."""
CLASS_C = 0.3
CLASS_FOLDS = 3
TEMPERATURES = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)


def _fingerprint(split_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(split_dir.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(split_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _parse(articles: Sequence[Article]) -> list[Doc]:
    """Each article tagged and its entities found, once: the names both models read as
    their type and the tags the classification reads come from this one parse."""
    texts = [article.text for article in articles]
    return [
        doc for doc, _ in parse_texts(load_spacy(), texts, disable=classification.UNTAGGED_PIPES)
    ]


def _span_data(
    articles: Sequence[Article], names: Sequence[Sequence[Name]]
) -> tuple[list[list[Token]], sparse.csr_matrix, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    tokens_per_article: list[list[Token]] = []
    matrices: list[sparse.csr_matrix] = []
    labels: list[npt.NDArray[np.int64]] = []
    groups: list[npt.NDArray[np.int64]] = []
    for index, (article, article_names) in enumerate(zip(articles, names, strict=True)):
        features = identification.token_features(article.text, names=disjoint_names(article_names))
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
    features: sparse.csr_matrix, labels: npt.NDArray[np.int64], regularisation: float, seed: int
) -> LogisticRegression:
    model = LogisticRegression(C=regularisation, solver="liblinear", random_state=seed)
    model.fit(features, labels)
    return model


def _decoded(
    articles: Sequence[Article],
    tokens: Sequence[Sequence[Token]],
    probabilities: Sequence[npt.NDArray[np.float64]],
    setting: dict[str, Any],
) -> dict[int, list[tuple[int, int]]]:
    return {
        article.article_id: [
            (start, end)
            for start, end, _ in identification.decode_spans(
                article_tokens,
                article_probabilities,
                setting["threshold"],
                setting["gap"],
                setting["peak"],
            )
        ]
        for article, article_tokens, article_probabilities in zip(
            articles, tokens, probabilities, strict=True
        )
    }


def _span_settings(
    articles: Sequence[Article],
    tokens: Sequence[Sequence[Token]],
    scores: Sequence[npt.NDArray[np.float64]],
    fold_of_article: npt.NDArray[np.int64],
    regularisation: float,
) -> list[dict[str, Any]]:
    """The held-out figures of every decoding setting for one regularisation, from each
    article's held-out token scores: pooled precision, recall and F1, the lowest precision
    of a fold and the lower quartile of the articles' own precision."""
    gold = {article.article_id: article.spans for article in articles}
    centre = float(np.mean([items.mean() for items in scores if len(items)]))
    rows: list[dict[str, Any]] = []
    for weight in DOCUMENT_WEIGHTS:
        probabilities = [
            identification.probabilities_of(
                identification.with_document_prior(items, weight, centre)
            )
            for items in scores
        ]
        for threshold in THRESHOLDS:
            for margin in PEAK_MARGINS:
                for gap in GAPS:
                    setting: dict[str, Any] = {
                        "C": regularisation,
                        "document_weight": weight,
                        "document_centre": round(centre, 4),
                        "threshold": threshold,
                        "peak": round(threshold + margin, 2),
                        "gap": gap,
                    }
                    sums = si_sums(_decoded(articles, tokens, probabilities, setting), gold)
                    by_article = [sums[article.article_id] for article in articles]
                    fold_precisions = [
                        pooled_scores(
                            [
                                item
                                for item, fold in zip(by_article, fold_of_article, strict=True)
                                if fold == number
                            ]
                        ).precision
                        for number in range(SPAN_FOLDS)
                    ]
                    precisions = [
                        item.precision_sum / item.predicted for item in by_article if item.predicted
                    ]
                    rows.append(
                        {
                            **setting,
                            **pooled_scores(by_article).as_dict(),
                            "worst_fold_precision": round(min(fold_precisions), 4),
                            "article_precision_q25": round(
                                float(np.quantile(precisions, 0.25)) if precisions else 0.0, 4
                            ),
                        }
                    )
    return rows


def _chosen(grid: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The setting with the best held-out F1 among those whose every fold keeps precision
    at or above WORST_FOLD_PRECISION (ties: the higher threshold and peak, the stronger
    regularisation, the shorter gap); with none, the one with the best worst fold."""
    steady = [row for row in grid if row["worst_fold_precision"] >= WORST_FOLD_PRECISION]
    if not steady:
        return max(grid, key=lambda row: (row["worst_fold_precision"], row["f1"]))
    return max(
        steady,
        key=lambda row: (
            row["f1"],
            row["threshold"],
            row["peak"],
            -row["C"],
            -row["gap"],
            -row["document_weight"],
        ),
    )


def _train_spans(
    articles: Sequence[Article], names: Sequence[Sequence[Name]], seed: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    tokens, features, labels, groups = _span_data(articles, names)
    offsets = np.cumsum([0] + [len(items) for items in tokens])
    fold_of_article = np.zeros(len(articles), dtype=np.int64)
    folds = list(_folds(SPAN_FOLDS, seed).split(features, labels, groups))
    for fold, (_, test_rows) in enumerate(folds):
        fold_of_article[np.unique(groups[test_rows])] = fold
    grid: list[dict[str, Any]] = []
    for regularisation in SPAN_CS:
        scores = np.zeros(len(labels))
        for train_rows, test_rows in folds:
            fold_model = _fit_spans(features[train_rows], labels[train_rows], regularisation, seed)
            scores[test_rows] = fold_model.decision_function(features[test_rows])
        by_article = [scores[offsets[index] : offsets[index + 1]] for index in range(len(articles))]
        grid.extend(_span_settings(articles, tokens, by_article, fold_of_article, regularisation))
    best = _chosen(grid)
    model = _fit_spans(features, labels, best["C"], seed)
    weights = sparse_weights(model.coef_.astype(np.float64))
    arrays = {**weights, "intercept": model.intercept_.astype(np.float32)}
    meta = {
        "model": "logistic regression (liblinear), token inside a technique span or not",
        "hash_bits": identification.HASH_BITS,
        "names": "read as their type (spaCy's entities of the article)",
        "C": best["C"],
        "threshold": best["threshold"],
        "peak": best["peak"],
        "gap": int(best["gap"]),
        "document_weight": best["document_weight"],
        "document_centre": best["document_centre"],
        "tokens": len(labels),
        "cross_validation": {
            "folds": SPAN_FOLDS,
            "grouped_by": "article",
            "rule": f"best F1 with every fold's precision >= {WORST_FOLD_PRECISION}",
            "best": best,
            "grid": grid,
        },
    }
    return arrays, meta


def _class_data(
    articles: Sequence[Article], docs: Sequence[Doc]
) -> tuple[sparse.csr_matrix, npt.NDArray[np.str_], npt.NDArray[np.int64]]:
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


def _folds(count: int, seed: int) -> GroupKFold:
    """Folds by article, shuffled with the seed: an article's spans are never split between
    fitting and measuring, as a new article's are not."""
    return GroupKFold(n_splits=count, shuffle=True, random_state=seed)


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


def _train_classes(
    articles: Sequence[Article], docs: Sequence[Doc], seed: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    features, labels, groups = _class_data(articles, docs)
    present = [technique for technique in TECHNIQUES if technique in set(labels.tolist())]
    decisions = np.zeros((len(labels), len(present)))
    correct = 0
    for train_rows, test_rows in _folds(CLASS_FOLDS, seed).split(features, labels, groups):
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
            "folds": CLASS_FOLDS,
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
    docs = _parse(articles)
    names = [classification.doc_names(doc) for doc in docs]
    span_arrays, span_meta = _train_spans(articles, names, seed)
    span_seconds = time.perf_counter() - began
    save_artefact(out_dir, identification.ARTEFACT, span_arrays, {**source, **span_meta})
    began = time.perf_counter()
    class_arrays, class_meta = _train_classes(articles, docs, seed)
    class_seconds = time.perf_counter() - began
    save_artefact(out_dir, classification.ARTEFACT, class_arrays, {**source, **class_meta})
    return {
        "articles": len(articles),
        "span_identification": {
            "C": span_meta["C"],
            "threshold": span_meta["threshold"],
            "peak": span_meta["peak"],
            "gap": span_meta["gap"],
            "document_weight": span_meta["document_weight"],
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
