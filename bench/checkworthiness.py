"""Benchmark of the check-worthiness model: ClaimBuster cross-validation and CLEF 2019 LODO.

Data (``../shared/data``, see each SOURCE.md): ClaimBuster's two-class 2.5xNCS set
(``claimbuster/kfold_25ncs.json``) and the CLEF CheckThat! 2019 task 1 training debates
(``checkworthy-clef2019/train.csv``, 19 debates and speeches).

Every figure is measured on the shipped recipe (:func:`fit_model` with the default
settings), trained without the sentences it is scored on:

- ClaimBuster, 4-fold cross-validation (StratifiedKFold, shuffled, seed 13): each fold is
  scored by a model trained on the other three folds plus the CLEF 2019 debates, less every
  CLEF sentence whose normalised text occurs in the held-out fold (the 2016 presidential
  debates are in both sets). Precision, recall and F1 of the check-worthy class at 0.5.
- CLEF 2019, leave one debate out: each debate is ranked by a model trained on the other
  18 plus ClaimBuster, less every ClaimBuster sentence whose normalised text occurs in the
  held-out debate (their number is reported). Average precision, R-precision and precision
  at k per debate, computed as the CheckThat! 2019 task 1 scorer does (ties keep transcript
  order); MAP is the mean over the debates.
- Speed on one core: sentences per second of ``CheckworthinessModel.score`` alone, and of
  spaCy's parse (``nlp.pipe``) followed by the score.

With ``--embeddings`` the same figures are measured for the optional embedding model
(:mod:`claimscope.stages.claims.embeddings`, needs the ``embeddings`` extra): the same
folds, exclusions and debates, each distinct sentence encoded once per run and kept in
memory. They go under the ``embeddings`` key of the results file; the recorded default
figures are kept (and a default run keeps the recorded ``embeddings`` figures).

Floors: ClaimBuster F1 at least 0.80, CLEF 2019 MAP at least 0.15; the exit status is 1
below them (for the model measured).

Run: ``.venv/bin/python -m bench.checkworthiness [--embeddings] [--skip-speed] [--skip-lodo]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from bench.common import RESULTS, SHARED_DATA, write_results
from claimscope.stages.claims.checkworthiness import (
    CLAIMBUSTER_FILE,
    CLEF2019_FILE,
    CheckworthinessModel,
    FeatureSettings,
    LabelledSentence,
    TrainingSettings,
    classification_figures,
    fit_model,
    read_claimbuster,
    read_clef2019,
    without_texts,
)

COMMAND = ".venv/bin/python -m bench.checkworthiness"
SEED = 13
FOLDS = 4
PRECISION_RANKS = (1, 3, 5, 10, 20, 50)
FLOORS = {"claimbuster_f1": 0.80, "clef2019_map": 0.15}
SPEED_SENTENCES = 2000
DEFAULT_FEATURES = FeatureSettings()
DEFAULT_TRAINING = TrainingSettings()


class Scorer(Protocol):
    """A trained model as the benchmark uses it: a probability per sentence."""

    def score(self, sentences: Sequence[str]) -> list[float]:
        """One score per sentence, in order."""
        ...


# Trains a model on the given sentences; None means the shipped recipe (fit_model).
Fitter = Callable[[list[LabelledSentence]], Scorer]


def _fitter(fit: Fitter | None, features: FeatureSettings, training: TrainingSettings) -> Fitter:
    if fit is not None:
        return fit
    return lambda train: fit_model(train, features, training, SEED)


RANKING_KEYS = (
    "average_precision",
    "r_precision",
    *(f"precision_at_{rank}" for rank in PRECISION_RANKS),
)


def ranked_order(scores: Sequence[float]) -> list[int]:
    """Indices from the highest score down; equal scores keep their transcript order."""
    return sorted(range(len(scores)), key=lambda index: -scores[index])


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Mean of precision@k at the rank k of each positive, over all positives (0 if none)."""
    positives = sum(1 for label in labels if label == 1)
    if not positives:
        return 0.0
    found = 0
    total = 0.0
    for rank, index in enumerate(ranked_order(scores), start=1):
        if labels[index] == 1:
            found += 1
            total += found / rank
    return total / positives


def precision_at(labels: Sequence[int], scores: Sequence[float], rank: int) -> float:
    """Positives in the top ``rank`` over ``rank``; 0 past the end, as the 2019 scorer has it."""
    if rank > len(scores):
        return 0.0
    top = ranked_order(scores)[:rank]
    return sum(1 for index in top if labels[index] == 1) / rank


def r_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Precision at the rank equal to the number of positives (0 if none)."""
    positives = sum(1 for label in labels if label == 1)
    return precision_at(labels, scores, positives) if positives else 0.0


def ranking_figures(labels: Sequence[int], scores: Sequence[float]) -> dict[str, float]:
    """AP, R-precision and precision at each of PRECISION_RANKS for one debate."""
    figures = {
        "average_precision": average_precision(labels, scores),
        "r_precision": r_precision(labels, scores),
    }
    for rank in PRECISION_RANKS:
        figures[f"precision_at_{rank}"] = precision_at(labels, scores, rank)
    return figures


def claimbuster_cross_validation(
    claimbuster: Sequence[LabelledSentence],
    clef: Sequence[LabelledSentence],
    features: FeatureSettings = DEFAULT_FEATURES,
    training: TrainingSettings = DEFAULT_TRAINING,
    folds: int = FOLDS,
    fit: Fitter | None = None,
) -> dict[str, Any]:
    """P/R/F1 of the check-worthy class over seeded stratified folds of ClaimBuster."""
    from sklearn.model_selection import StratifiedKFold

    labels = np.array([sentence.label for sentence in claimbuster])
    scores = np.zeros(len(claimbuster))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    per_fold = []
    excluded_total = 0
    for train_index, test_index in splitter.split(np.zeros(len(labels)), labels):
        held_out = [claimbuster[index] for index in test_index]
        kept_clef = without_texts(clef, (sentence.text for sentence in held_out))
        excluded_total += len(clef) - len(kept_clef)
        train = [claimbuster[index] for index in train_index] + kept_clef
        model = _fitter(fit, features, training)(train)
        fold_scores = np.array(model.score([sentence.text for sentence in held_out]))
        scores[test_index] = fold_scores
        per_fold.append(classification_figures(labels[test_index], fold_scores))
    return {
        **classification_figures(labels, scores),
        "folds": per_fold,
        "sentences": len(claimbuster),
        "check_worthy": int(labels.sum()),
        "clef_sentences_excluded_per_fold": round(excluded_total / folds, 1),
    }


def clef_leave_one_debate_out(
    clef: Sequence[LabelledSentence],
    claimbuster: Sequence[LabelledSentence],
    features: FeatureSettings = DEFAULT_FEATURES,
    training: TrainingSettings = DEFAULT_TRAINING,
    debates: Sequence[str] | None = None,
    fit: Fitter | None = None,
) -> dict[str, Any]:
    """Ranking figures per held-out CLEF debate and their means (MAP first)."""
    names = list(debates) if debates is not None else sorted({s.debate for s in clef})
    per_debate: dict[str, dict[str, Any]] = {}
    for name in names:
        held_out = [sentence for sentence in clef if sentence.debate == name]
        kept_claimbuster = without_texts(claimbuster, (sentence.text for sentence in held_out))
        train = [sentence for sentence in clef if sentence.debate != name] + kept_claimbuster
        model = _fitter(fit, features, training)(train)
        scores = model.score([sentence.text for sentence in held_out])
        figures: dict[str, Any] = ranking_figures([s.label for s in held_out], scores)
        figures["sentences"] = len(held_out)
        figures["check_worthy"] = sum(sentence.label for sentence in held_out)
        figures["claimbuster_excluded"] = len(claimbuster) - len(kept_claimbuster)
        per_debate[name] = figures
    means = {
        key: float(np.mean([figures[key] for figures in per_debate.values()]))
        for key in RANKING_KEYS
    }
    return {
        "map": means.pop("average_precision"),
        "mean_r_precision": means.pop("r_precision"),
        **{f"mean_{key}": value for key, value in means.items()},
        "debates": per_debate,
        "claimbuster_excluded": sum(f["claimbuster_excluded"] for f in per_debate.values()),
    }


def single_core() -> None:
    """Keep numerical libraries to one thread so speeds are per core."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


def speed(sentences: Sequence[str], model: Scorer | None = None) -> dict[str, float]:
    """Sentences per second of the model alone and of spaCy's parse followed by the model."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    from claimscope.parsing import load_spacy

    model = model or CheckworthinessModel.load()
    model.score(sentences[:10])
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        model.score(sentences)
        model_seconds = time.perf_counter() - started
        nlp = load_spacy()
        started = time.perf_counter()
        for _ in nlp.pipe(sentences, batch_size=256):
            pass
        model.score(sentences)
        parsed_seconds = time.perf_counter() - started
    return {
        "sentences": len(sentences),
        "model_sentences_per_second": round(len(sentences) / model_seconds, 1),
        "parse_and_model_sentences_per_second": round(len(sentences) / parsed_seconds, 1),
    }


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def floor_failures(figures: dict[str, Any]) -> list[str]:
    """The floored figures below their floor, as readable lines."""
    measured = {
        "claimbuster_f1": figures.get("claimbuster", {}).get("f1"),
        "clef2019_map": figures.get("clef2019_lodo", {}).get("map"),
    }
    return [
        f"{name} {value:.3f} < {FLOORS[name]}"
        for name, value in measured.items()
        if value is not None and value < FLOORS[name]
    ]


def _measure(
    figures: dict[str, Any],
    claimbuster: Sequence[LabelledSentence],
    clef: Sequence[LabelledSentence],
    options: argparse.Namespace,
    fit: Fitter | None,
    model: Callable[[], Scorer],
) -> None:
    """Cross-validation, LODO and speed of one model, printed and added to ``figures``."""
    started = time.perf_counter()
    figures["claimbuster"] = claimbuster_cross_validation(claimbuster, clef, fit=fit)
    figures["claimbuster_seconds"] = round(time.perf_counter() - started, 1)
    result = figures["claimbuster"]
    print(f"ClaimBuster 2.5xNCS, {FOLDS}-fold CV (check-worthy class, threshold 0.5)")
    print(f"  precision {result['precision']:.3f}  recall {result['recall']:.3f}", end="")
    print(f"  F1 {result['f1']:.3f}")
    if not options.skip_lodo:
        started = time.perf_counter()
        figures["clef2019_lodo"] = clef_leave_one_debate_out(clef, claimbuster, fit=fit)
        figures["clef2019_seconds"] = round(time.perf_counter() - started, 1)
        lodo = figures["clef2019_lodo"]
        print("CLEF 2019 train, leave one debate out")
        print(f"  {'debate':<32} {'AP':>6} {'R-prec':>6} {'P@10':>6} {'pos':>4} {'excl':>5}")
        for name, debate in lodo["debates"].items():
            print(
                f"  {name:<32} {debate['average_precision']:6.3f} {debate['r_precision']:6.3f}"
                f" {debate['precision_at_10']:6.3f} {debate['check_worthy']:4d}"
                f" {debate['claimbuster_excluded']:5d}"
            )
        print(
            f"  {'MEAN':<32} {lodo['map']:6.3f} {lodo['mean_r_precision']:6.3f}"
            f" {lodo['mean_precision_at_10']:6.3f}"
        )
    if not options.skip_speed:
        sentences = [sentence.text for sentence in clef[:SPEED_SENTENCES]]
        figures["speed"] = speed(sentences, model())
        print(
            f"speed, one core: model {figures['speed']['model_sentences_per_second']:.0f}"
            f" sentences/s; spaCy parse + model"
            f" {figures['speed']['parse_and_model_sentences_per_second']:.0f} sentences/s"
        )
    failures = floor_failures(figures)
    figures["floors"] = {"floors": FLOORS, "below": failures}
    for failure in failures:
        print(f"below floor: {failure}")


class EmbeddingCache:
    """Embeddings of every distinct sentence of a run, encoded once and kept in memory."""

    def __init__(self, texts: Sequence[str]) -> None:
        from claimscope.stages.claims.embeddings import encode

        distinct = sorted(set(texts))
        self.rows = {text: index for index, text in enumerate(distinct)}
        self.matrix = encode(distinct)

    def vectors(self, texts: Sequence[str]) -> Any:
        """The embedding of each text, one row each (every text must have been encoded)."""
        return self.matrix[[self.rows[text] for text in texts]]


class CachedEmbeddingScorer:
    """An embedding model that takes its embeddings from the run's cache."""

    def __init__(self, model: Any, cache: EmbeddingCache) -> None:
        self.model = model
        self.cache = cache

    def score(self, sentences: Sequence[str]) -> list[float]:
        """The model's scores with cached embeddings."""
        scores: list[float] = self.model.score(sentences, self.cache.vectors(sentences))
        return scores


def embedding_fitter(cache: EmbeddingCache) -> Fitter:
    """The embedding model's recipe (:func:`fit_embedding_model`, defaults) over the cache."""
    from claimscope.stages.claims.embeddings import fit_embedding_model

    def fit(train: list[LabelledSentence]) -> Scorer:
        texts = [sentence.text for sentence in train]
        model = fit_embedding_model(train, cache.vectors(texts), seed=SEED)
        return CachedEmbeddingScorer(model, cache)

    return fit


def _previous_results() -> dict[str, Any]:
    path = RESULTS / "checkworthiness.json"
    if not path.exists():
        return {}
    previous: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return previous


def main(arguments: Sequence[str] | None = None) -> int:
    """Run the benchmark, print a table and write bench/results/checkworthiness.json.

    Without ``--embeddings`` the default model is measured and any recorded ``embeddings``
    figures are kept; with it only the embedding model is measured, under ``embeddings``,
    and the recorded default figures are kept.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--skip-lodo", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help="measure the embedding model (needs the 'embeddings' extra) instead",
    )
    options = parser.parse_args(arguments)
    single_core()
    claimbuster = read_claimbuster(options.data / CLAIMBUSTER_FILE)
    clef = read_clef2019(options.data / CLEF2019_FILE)
    command = " ".join([COMMAND, *(arguments if arguments is not None else sys.argv[1:])])
    previous = _previous_results()
    if not options.embeddings:
        figures: dict[str, Any] = {
            "command": command,
            "features": asdict(FeatureSettings()),
            "training": asdict(TrainingSettings()),
            "seed": SEED,
        }
        _measure(figures, claimbuster, clef, options, None, CheckworthinessModel.load)
        if "embeddings" in previous:
            figures["embeddings"] = previous["embeddings"]
        write_results("checkworthiness", _rounded(figures))
        return 1 if figures["floors"]["below"] else 0
    from claimscope.stages.claims.embeddings import (
        EmbeddingCheckworthinessModel,
        EmbeddingSettings,
    )

    started = time.perf_counter()
    cache = EmbeddingCache([sentence.text for sentence in (*claimbuster, *clef)])
    embedded: dict[str, Any] = {
        "command": command,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "features": asdict(FeatureSettings()),
        "embedding": asdict(EmbeddingSettings()),
        "training": asdict(TrainingSettings()),
        "seed": SEED,
        "distinct_sentences_encoded": len(cache.rows),
        "encoding_seconds": round(time.perf_counter() - started, 1),
    }
    print(f"encoded {len(cache.rows)} distinct sentences in {embedded['encoding_seconds']} s")
    _measure(
        embedded,
        claimbuster,
        clef,
        options,
        embedding_fitter(cache),
        EmbeddingCheckworthinessModel.load,
    )
    # The recorded default figures stay as they were, with their own measured_at.
    write_results("checkworthiness", _rounded({**previous, "embeddings": embedded}))
    return 1 if embedded["floors"]["below"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
