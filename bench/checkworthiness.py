"""Benchmark of the check-worthiness model: ClaimBuster CV, CLEF 2019 LODO and out of time.

Data (``../shared/data``, see each SOURCE.md): ClaimBuster's two-class 2.5xNCS set
(``claimbuster/kfold_25ncs.json``), the CLEF CheckThat! 2019 task 1 training debates
(``checkworthy-clef2019/train.csv``, 19 debates and speeches) and the CLEF CheckThat! 2020
task 5 training debates (``checkworthy-clef2020-debates/train.tsv``).

Every figure is measured on the shipped recipe (:func:`fit_model` with the default
settings), trained without the sentences it is scored on:

- ClaimBuster, 4-fold cross-validation (StratifiedKFold, shuffled, seed 13): each fold is
  scored by a model trained on the other three folds plus the CLEF 2019 debates, less every
  CLEF sentence whose normalised text occurs in the held-out fold (the 2016 presidential
  debates are in both sets). Precision, recall and F1 of the check-worthy class at 0.5,
  with a bootstrap 95% interval of F1 over the sentences.
- CLEF 2019, leave one debate out: each debate is ranked by a model trained on the other
  18 plus ClaimBuster, less every ClaimBuster sentence whose normalised text occurs in the
  held-out debate (their number is reported). Average precision, R-precision and precision
  at k per debate, computed as the CheckThat! 2019 task 1 scorer does (ties keep transcript
  order); MAP is the mean over the debates.
- CLEF 2019, out of time: the debates ordered by the date in their file name; a model
  trained on ClaimBuster and the debates of the 2016 campaign (before
  :data:`OUT_OF_TIME_CUTOFF`: 8 debates) ranks each debate of 2017-2019 (11 debates of the
  Trump presidency: addresses, press conferences, rallies, interviews), as the shipped
  model must rank debates that come after its training data. ClaimBuster's debates end
  in 2016; its sentences whose normalised text occurs in a test debate are left out.
  This is the figure the model is chosen by (``bench/checkworthiness_selection.py``).
- CLEF 2020: a model trained as the shipped one (all of ClaimBuster and CLEF 2019) ranks
  the CLEF 2020 task 5 training debates it has not seen. That file has no debate ids, so
  the test set is built from its rows (:func:`clef2020_segments`): the stretches that are
  CLEF 2019 training debates (found by their sentences) and every row whose normalised
  text occurs in the training data are dropped, and the rest, in transcript order, is cut
  into segments of about :data:`SEGMENT_SENTENCES` sentences that stand for debates.
- Ranking figures come with bootstrap 95% confidence intervals over debates (segments
  for CLEF 2020): :data:`BOOTSTRAP_RESAMPLES` resamples of the debates with replacement,
  seeded, percentile intervals. A debate without check-worthy sentences has no average
  precision and is left out of the means (it is listed). Neighbouring CLEF 2020 segments
  may come from one debate, so their interval is somewhat too narrow.
- Speed on one core: sentences per second of ``CheckworthinessModel.score`` given the
  names, finding them itself (known names by lookup, then spaCy's entity recogniser, as
  the claims stage and ``claimscope score checkworthiness`` use it), and with spaCy's
  whole parse before it (which the pipeline runs anyway; the figure recorded before names
  were read as types measured the same).

Names are read as their type (:func:`claimscope.stages.claims.checkworthiness.find_names`):
what spaCy's entity recogniser finds in each text it is shown is kept in memory for the
run (:class:`NameCache`), and each model learns its known names and finds every
sentence's names through it, exactly as ``claimscope train checkworthiness`` does.

With ``--embeddings`` the same figures are measured for the optional embedding model
(:mod:`claimscope.stages.claims.embeddings`, needs the ``embeddings`` extra): the same
folds, exclusions and debates, each distinct sentence encoded once per run and kept in
memory. They go under the ``embeddings`` key of the results file; the recorded default
figures are kept (and a default run keeps the recorded ``embeddings`` figures).

Floors: ClaimBuster F1 at least 0.80, CLEF 2019 LODO MAP and out-of-time MAP at least
0.15; the exit status is 1 below them (for the model measured).

Run: ``.venv/bin/python -m bench.checkworthiness [--embeddings] [--skip-cv] [--skip-lodo]
[--skip-speed] [--set GROUP.NAME=VALUE ...]`` (``--set`` measures another recipe and writes
nothing, e.g. ``--set features.names_as_types=false --set features.word_ngrams=[1,2]`` for
the recipe shipped before names were read as types).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from bench.common import RESULTS, SHARED_DATA, write_results
from claimscope.stages.claims.checkworthiness import (
    CLAIMBUSTER_FILE,
    CLEF2019_FILE,
    CLEF2020_FILE,
    CheckworthinessModel,
    FeatureSettings,
    LabelledSentence,
    TrainingSettings,
    classification_figures,
    find_names,
    fit_model,
    normalise_text,
    read_claimbuster,
    read_clef2019,
    read_clef2020,
    recognised_names,
    without_texts,
)
from claimscope.stages.claims.known_names import NameSpan

COMMAND = ".venv/bin/python -m bench.checkworthiness"
SEED = 13
FOLDS = 4
PRECISION_RANKS = (1, 3, 5, 10, 20, 50)
FLOORS = {"claimbuster_f1": 0.80, "clef2019_map": 0.15, "out_of_time_map": 0.15}
SPEED_SENTENCES = 2000
DEFAULT_FEATURES = FeatureSettings()
DEFAULT_TRAINING = TrainingSettings()
OUT_OF_TIME_CUTOFF = date(2017, 1, 1)
"""Debates before it train the out-of-time model (the 2016 campaign), the later ones test it."""
BOOTSTRAP_RESAMPLES = 2000
SEGMENT_SENTENCES = 1000
"""CLEF 2020 rows are cut into segments of about this many sentences: CLEF 2019's debates
have 864 on average."""
KNOWN_DEBATE_GAP = 100
KNOWN_DEBATE_ROWS = 50
"""Rows of a CLEF 2019 debate found at most KNOWN_DEBATE_GAP rows apart form one stretch;
a stretch of at least KNOWN_DEBATE_ROWS such rows is that debate, dropped as a whole."""
MIN_SEGMENT_SENTENCES = 100


class Scorer(Protocol):
    """A trained model as the benchmark uses it: a probability per sentence."""

    def score(self, sentences: Sequence[str]) -> list[float]:
        """One score per sentence, in order."""
        ...


# Trains a model on the given sentences; None means the shipped recipe (fit_model).
Fitter = Callable[[list[LabelledSentence]], Scorer]


class NameCache:
    """What spaCy's entity recogniser finds in each text it is shown, found once per run and
    kept in memory (the texts a run shows it: every sentence, and the sentences with their
    known names replaced, which differ little from one trained model to the next)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.found: dict[str, list[NameSpan]] = {}
        self.recognise(texts)

    def recognise(self, texts: Sequence[str]) -> list[list[NameSpan]]:
        """The recogniser's names of each text, found for the texts not seen before."""
        missing = sorted({text for text in texts if text not in self.found})
        self.found.update(zip(missing, recognised_names(missing), strict=True))
        return [self.found[text] for text in texts]


class NamedScorer:
    """A check-worthiness model whose names are found through the run's cache."""

    def __init__(self, model: CheckworthinessModel, cache: NameCache | None) -> None:
        self.model = model
        self.cache = cache

    def score(self, sentences: Sequence[str]) -> list[float]:
        """The model's scores, finding the names through the cache when there is one."""
        names = None
        if self.cache is not None and self.model.known is not None:
            names = find_names(sentences, self.model.known, self.cache.recognise)
        return self.model.score(sentences, names=names)


def recipe(
    features: FeatureSettings = DEFAULT_FEATURES,
    training: TrainingSettings = DEFAULT_TRAINING,
    names: NameCache | None = None,
) -> Fitter:
    """:func:`fit_model` with these settings, the recogniser's names from the cache."""

    def fit(train: list[LabelledSentence]) -> Scorer:
        recognise = names.recognise if names is not None else recognised_names
        return NamedScorer(fit_model(train, features, training, SEED, recognise), names)

    return fit


def _fitter(
    fit: Fitter | None,
    features: FeatureSettings,
    training: TrainingSettings,
    names: NameCache | None = None,
) -> Fitter:
    return fit if fit is not None else recipe(features, training, names)


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
    names: NameCache | None = None,
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
        model = _fitter(fit, features, training, names)(train)
        fold_scores = np.array(model.score([sentence.text for sentence in held_out]))
        scores[test_index] = fold_scores
        per_fold.append(classification_figures(labels[test_index], fold_scores))
    return {
        **classification_figures(labels, scores),
        "f1_ci95": list(f1_interval(labels, scores)),
        "folds": per_fold,
        "sentences": len(claimbuster),
        "check_worthy": int(labels.sum()),
        "clef_sentences_excluded_per_fold": round(excluded_total / folds, 1),
    }


def f1_interval(
    labels: npt.NDArray[Any],
    scores: npt.NDArray[Any],
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
) -> tuple[float, float]:
    """Percentile 95% interval of the check-worthy class's F1 at 0.5, resampling sentences."""
    generator = np.random.default_rng(seed)
    predicted = scores >= 0.5
    actual = labels == 1
    values = []
    for _ in range(resamples):
        picks = generator.integers(0, len(labels), size=len(labels))
        true_positives = int(np.sum(predicted[picks] & actual[picks]))
        denominator = int(predicted[picks].sum()) + int(actual[picks].sum())
        values.append(2 * true_positives / denominator if denominator else 0.0)
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def clef_leave_one_debate_out(
    clef: Sequence[LabelledSentence],
    claimbuster: Sequence[LabelledSentence],
    features: FeatureSettings = DEFAULT_FEATURES,
    training: TrainingSettings = DEFAULT_TRAINING,
    debates: Sequence[str] | None = None,
    fit: Fitter | None = None,
    names: NameCache | None = None,
) -> dict[str, Any]:
    """Ranking figures per held-out CLEF debate and their means (MAP first)."""
    held_out_debates = list(debates) if debates is not None else sorted({s.debate for s in clef})
    per_debate: dict[str, dict[str, Any]] = {}
    for name in held_out_debates:
        held_out = [sentence for sentence in clef if sentence.debate == name]
        kept_claimbuster = without_texts(claimbuster, (sentence.text for sentence in held_out))
        train = [sentence for sentence in clef if sentence.debate != name] + kept_claimbuster
        model = _fitter(fit, features, training, names)(train)
        figures = debate_figures(held_out, model)
        figures["claimbuster_excluded"] = len(claimbuster) - len(kept_claimbuster)
        per_debate[name] = figures
    return {
        **ranking_summary(per_debate),
        "claimbuster_excluded": sum(f["claimbuster_excluded"] for f in per_debate.values()),
    }


def debate_figures(debate: Sequence[LabelledSentence], model: Scorer) -> dict[str, Any]:
    """The ranking figures of one debate as the model ranks it, with its counts."""
    scores = model.score([sentence.text for sentence in debate])
    figures: dict[str, Any] = ranking_figures([sentence.label for sentence in debate], scores)
    figures["sentences"] = len(debate)
    figures["check_worthy"] = sum(sentence.label for sentence in debate)
    return figures


def bootstrap_intervals(
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
) -> dict[str, tuple[float, float]]:
    """Percentile 95% intervals of the mean of each key, resampling the rows with replacement."""
    if not rows:
        return {key: (math.nan, math.nan) for key in keys}
    values = np.array([[float(row[key]) for key in keys] for row in rows])
    generator = np.random.default_rng(seed)
    picks = generator.integers(0, len(rows), size=(resamples, len(rows)))
    means = values[picks].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5], axis=0)
    return {key: (float(low[i]), float(high[i])) for i, key in enumerate(keys)}


def ranking_summary(per_debate: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """MAP, mean R-precision and P@k over the debates with a check-worthy sentence, each
    with its bootstrap 95% interval over those debates, and the per-debate figures."""
    scored = [figures for figures in per_debate.values() if figures["check_worthy"] > 0]
    intervals = bootstrap_intervals(scored, RANKING_KEYS)
    summary: dict[str, Any] = {}
    for key in RANKING_KEYS:
        name = {"average_precision": "map", "r_precision": "mean_r_precision"}.get(
            key, f"mean_{key}"
        )
        summary[name] = float(np.mean([figures[key] for figures in scored])) if scored else 0.0
        summary[f"{name}_ci95"] = list(intervals[key])
    return {
        **summary,
        "debates_scored": len(scored),
        "debates_without_check_worthy": sorted(
            name for name, figures in per_debate.items() if figures["check_worthy"] == 0
        ),
        "debates": per_debate,
    }


def debate_date(name: str) -> date:
    """The date a CLEF debate's file name starts with (YYYYMMDD)."""
    year, month, day = int(name[:4]), int(name[4:6]), int(name[6:8])
    # One file is named year-day-month: 20182601_trump_world is Trump's Davos speech of
    # 26 January 2018.
    return date(year, month, day) if month <= 12 else date(year, day, month)


def clef_out_of_time(
    clef: Sequence[LabelledSentence],
    claimbuster: Sequence[LabelledSentence],
    features: FeatureSettings = DEFAULT_FEATURES,
    training: TrainingSettings = DEFAULT_TRAINING,
    fit: Fitter | None = None,
    names: NameCache | None = None,
    cutoff: date = OUT_OF_TIME_CUTOFF,
) -> dict[str, Any]:
    """One model trained on the debates before ``cutoff`` (and ClaimBuster) ranks each later one."""
    earlier = [sentence for sentence in clef if debate_date(sentence.debate) < cutoff]
    later = [sentence for sentence in clef if debate_date(sentence.debate) >= cutoff]
    kept_claimbuster = without_texts(claimbuster, (sentence.text for sentence in later))
    model = _fitter(fit, features, training, names)([*earlier, *kept_claimbuster])
    test_debates = sorted({sentence.debate for sentence in later}, key=debate_date)
    per_debate = {
        name: debate_figures([s for s in later if s.debate == name], model) for name in test_debates
    }
    return {
        **ranking_summary(per_debate),
        "cutoff": cutoff.isoformat(),
        "train_debates": sorted({sentence.debate for sentence in earlier}, key=debate_date),
        "test_debates": test_debates,
        "claimbuster_excluded": len(claimbuster) - len(kept_claimbuster),
    }


def _known_debate_rows(
    rows: Sequence[LabelledSentence], clef2019: Sequence[LabelledSentence]
) -> dict[str, tuple[int, int]]:
    """Each CLEF 2019 debate found among the rows: its first and last row (inclusive).

    A row belongs to a debate when its normalised text occurs in that debate alone;
    such rows at most KNOWN_DEBATE_GAP apart form stretches, and the longest stretch of at
    least KNOWN_DEBATE_ROWS rows is the debate (other matches are stock phrases).
    """
    debates_of: dict[str, set[str]] = {}
    for sentence in clef2019:
        debates_of.setdefault(normalise_text(sentence.text), set()).add(sentence.debate)
    found: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        debates = debates_of.get(normalise_text(row.text), set())
        if len(debates) == 1:
            found.setdefault(next(iter(debates)), []).append(index)
    spans: dict[str, tuple[int, int]] = {}
    for debate, indices in found.items():
        stretches: list[list[int]] = [[indices[0]]]
        for index in indices[1:]:
            if index - stretches[-1][-1] <= KNOWN_DEBATE_GAP:
                stretches[-1].append(index)
            else:
                stretches.append([index])
        longest = max(stretches, key=len)
        if len(longest) >= KNOWN_DEBATE_ROWS:
            spans[debate] = (longest[0], longest[-1])
    return spans


def clef2020_segments(
    clef2020: Sequence[LabelledSentence],
    clef2019: Sequence[LabelledSentence],
    claimbuster: Sequence[LabelledSentence],
    segment_sentences: int = SEGMENT_SENTENCES,
    min_segment_sentences: int = MIN_SEGMENT_SENTENCES,
) -> tuple[dict[str, list[LabelledSentence]], dict[str, Any]]:
    """The CLEF 2020 rows the training data does not hold, cut into debate-sized segments.

    Dropped: the stretch of every CLEF 2019 training debate (:func:`_known_debate_rows`)
    and every row whose normalised text occurs in CLEF 2019 or ClaimBuster. What remains
    falls into runs between the dropped stretches; each run is cut into
    ceil(length / segment_sentences) consecutive segments of equal size, and runs shorter
    than ``min_segment_sentences`` are dropped. Segments are named by their first and last row
    (0-based, in the file's order). Also returns what was dropped.
    """
    known = _known_debate_rows(clef2020, clef2019)
    seen = {normalise_text(sentence.text) for sentence in (*clef2019, *claimbuster)}
    in_known = np.zeros(len(clef2020), dtype=bool)
    for first, last in known.values():
        in_known[first : last + 1] = True
    runs: list[list[tuple[int, LabelledSentence]]] = [[]]
    dropped_seen = 0
    for index, row in enumerate(clef2020):
        if in_known[index]:
            if runs[-1]:
                runs.append([])
            continue
        if normalise_text(row.text) in seen:
            dropped_seen += 1
            continue
        runs[-1].append((index, row))
    segments: dict[str, list[LabelledSentence]] = {}
    short_runs = 0
    for run in runs:
        if len(run) < min_segment_sentences:
            short_runs += len(run)
            continue
        pieces = math.ceil(len(run) / segment_sentences)
        bounds = [round(piece * len(run) / pieces) for piece in range(pieces + 1)]
        for low, high in itertools.pairwise(bounds):
            piece = run[low:high]
            segments[f"rows_{piece[0][0]}-{piece[-1][0]}"] = [row for _, row in piece]
    dropped = {
        "clef2019_debates_dropped": {name: list(span) for name, span in sorted(known.items())},
        "rows_in_clef2019_debates": int(in_known.sum()),
        "rows_seen_in_training": dropped_seen,
        "rows_in_short_runs": short_runs,
        "rows_kept": sum(len(segment) for segment in segments.values()),
    }
    return segments, dropped


def clef2020_test(
    clef2020: Sequence[LabelledSentence],
    clef2019: Sequence[LabelledSentence],
    claimbuster: Sequence[LabelledSentence],
    features: FeatureSettings = DEFAULT_FEATURES,
    training: TrainingSettings = DEFAULT_TRAINING,
    fit: Fitter | None = None,
    names: NameCache | None = None,
) -> dict[str, Any]:
    """The shipped recipe, trained on all of ClaimBuster and CLEF 2019, ranks each segment."""
    segments, dropped = clef2020_segments(clef2020, clef2019, claimbuster)
    model = _fitter(fit, features, training, names)([*clef2019, *claimbuster])
    per_segment = {name: debate_figures(rows, model) for name, rows in segments.items()}
    return {**ranking_summary(per_segment), **dropped}


def single_core() -> None:
    """Keep numerical libraries to one thread so speeds are per core."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


class NamesScorer(Protocol):
    """A model that takes each sentence's names, or finds them itself (the shipped one)."""

    def score(
        self, sentences: Sequence[str], *, names: Sequence[Sequence[NameSpan]] | None = None
    ) -> list[float]:
        """One score per sentence, in order."""
        ...


def speed(sentences: Sequence[str], model: NamesScorer | None = None) -> dict[str, float]:
    """Sentences per second on one core: the model given the names; the model finding them
    itself (as the claims stage and ``claimscope score`` use it); spaCy's whole parse
    (which the pipeline runs for every stage) followed by the model finding the names."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    from claimscope.parsing import load_spacy

    model = model or CheckworthinessModel.load()
    model.score(sentences[:10])
    names = find_names(sentences, getattr(model, "known", None))
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        model.score(sentences, names=names)
        model_seconds = time.perf_counter() - started
        started = time.perf_counter()
        model.score(sentences)
        found_seconds = time.perf_counter() - started
        nlp = load_spacy()
        started = time.perf_counter()
        for _ in nlp.pipe(sentences, batch_size=256):
            pass
        model.score(sentences)
        parsed_seconds = time.perf_counter() - started
    return {
        "sentences": len(sentences),
        "model_sentences_per_second": round(len(sentences) / model_seconds, 1),
        "names_and_model_sentences_per_second": round(len(sentences) / found_seconds, 1),
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
        "out_of_time_map": figures.get("clef2019_out_of_time", {}).get("map"),
    }
    return [
        f"{name} {value:.3f} < {FLOORS[name]}"
        for name, value in measured.items()
        if value is not None and value < FLOORS[name]
    ]


def _print_ranking(title: str, result: dict[str, Any], extra: str = "") -> None:
    print(title)
    print(f"  {'debate':<32} {'AP':>6} {'R-prec':>6} {'P@10':>6} {'pos':>4} {'sent':>5} {extra}")
    for name, debate in result["debates"].items():
        extra_value = f" {debate[extra]:5d}" if extra else ""
        print(
            f"  {name:<32} {debate['average_precision']:6.3f} {debate['r_precision']:6.3f}"
            f" {debate['precision_at_10']:6.3f} {debate['check_worthy']:4d}"
            f" {debate['sentences']:5d}{extra_value}"
        )
    print(
        f"  {'MEAN':<32} {result['map']:6.3f} {result['mean_r_precision']:6.3f}"
        f" {result['mean_precision_at_10']:6.3f}"
    )
    for key in ("map", "mean_r_precision", "mean_precision_at_10"):
        low, high = result[f"{key}_ci95"]
        print(f"  {key} {result[key]:.3f}, 95% CI [{low:.3f}, {high:.3f}]")


def _measure(
    figures: dict[str, Any],
    data: dict[str, list[LabelledSentence]],
    options: argparse.Namespace,
    fit: Fitter | None,
    model: Callable[[], NamesScorer],
    names: NameCache | None = None,
) -> None:
    """Cross-validation, LODO, out of time, CLEF 2020 and speed of one model, printed and
    added to ``figures``."""
    claimbuster, clef = data["claimbuster"], data["clef2019"]
    if not options.skip_cv:
        started = time.perf_counter()
        figures["claimbuster"] = claimbuster_cross_validation(
            claimbuster, clef, fit=fit, names=names
        )
        figures["claimbuster_seconds"] = round(time.perf_counter() - started, 1)
        result = figures["claimbuster"]
        print(f"ClaimBuster 2.5xNCS, {FOLDS}-fold CV (check-worthy class, threshold 0.5)")
        print(f"  precision {result['precision']:.3f}  recall {result['recall']:.3f}", end="")
        low, high = result["f1_ci95"]
        print(f"  F1 {result['f1']:.3f}, 95% CI [{low:.3f}, {high:.3f}] (sentences resampled)")
    if not options.skip_lodo:
        started = time.perf_counter()
        figures["clef2019_lodo"] = clef_leave_one_debate_out(
            clef, claimbuster, fit=fit, names=names
        )
        figures["clef2019_seconds"] = round(time.perf_counter() - started, 1)
        _print_ranking(
            "CLEF 2019 train, leave one debate out",
            figures["clef2019_lodo"],
            "claimbuster_excluded",
        )
    started = time.perf_counter()
    figures["clef2019_out_of_time"] = clef_out_of_time(clef, claimbuster, fit=fit, names=names)
    figures["out_of_time_seconds"] = round(time.perf_counter() - started, 1)
    _print_ranking(
        f"CLEF 2019 out of time: trained on the debates before {OUT_OF_TIME_CUTOFF}"
        " and ClaimBuster, tested on the later ones",
        figures["clef2019_out_of_time"],
    )
    if "clef2020" in data:
        started = time.perf_counter()
        figures["clef2020"] = clef2020_test(
            data["clef2020"], clef, claimbuster, fit=fit, names=names
        )
        figures["clef2020_seconds"] = round(time.perf_counter() - started, 1)
        _print_ranking(
            "CLEF 2020 task 5 rows unseen in training, in segments (trained as shipped)",
            figures["clef2020"],
        )
    if not options.skip_speed:
        sentences = [sentence.text for sentence in clef[:SPEED_SENTENCES]]
        figures["speed"] = speed(sentences, model())
        print(
            f"speed, one core: model {figures['speed']['model_sentences_per_second']:.0f}"
            " sentences/s; names found with spaCy + model"
            f" {figures['speed']['names_and_model_sentences_per_second']:.0f} sentences/s;"
            " spaCy parse + model"
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


def with_overrides(
    features: FeatureSettings, training: TrainingSettings, overrides: Sequence[str]
) -> tuple[FeatureSettings, TrainingSettings]:
    """The settings with ``features.NAME=VALUE`` or ``training.NAME=VALUE`` overrides (JSON)."""
    changed: dict[str, dict[str, Any]] = {
        "features": asdict(features),
        "training": asdict(training),
    }
    for override in overrides:
        key, _, value = override.partition("=")
        group, _, name = key.partition(".")
        if group not in changed or name not in changed[group]:
            raise ValueError(f"unknown setting {key!r}")
        changed[group][name] = json.loads(value)
    return (
        FeatureSettings.from_json(changed["features"]),
        TrainingSettings(**changed["training"]),
    )


def main(arguments: Sequence[str] | None = None) -> int:
    """Run the benchmark, print a table and write bench/results/checkworthiness.json.

    Without ``--embeddings`` the default model is measured and any recorded ``embeddings``
    figures are kept; with it only the embedding model is measured, under ``embeddings``,
    and the recorded default figures are kept. With ``--set`` (another recipe) nothing is
    written.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--skip-lodo", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="GROUP.NAME=VALUE",
        help="measure another recipe, e.g. features.names_as_types=false or "
        "training.regularisation=2 (JSON values; nothing is written)",
    )
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help="measure the embedding model (needs the 'embeddings' extra) instead",
    )
    options = parser.parse_args(arguments)
    single_core()
    data = {
        "claimbuster": read_claimbuster(options.data / CLAIMBUSTER_FILE),
        "clef2019": read_clef2019(options.data / CLEF2019_FILE),
        "clef2020": read_clef2020(options.data / CLEF2020_FILE),
    }
    command = " ".join([COMMAND, *(arguments if arguments is not None else sys.argv[1:])])
    previous = _previous_results()
    texts = [sentence.text for sentences in data.values() for sentence in sentences]
    if not options.embeddings:
        features, training = with_overrides(DEFAULT_FEATURES, DEFAULT_TRAINING, options.set)
        figures: dict[str, Any] = {
            "command": command,
            "features": asdict(features),
            "training": asdict(training),
            "seed": SEED,
        }
        names = None
        if features.names_as_types:
            started = time.perf_counter()
            names = NameCache(texts)
            figures["names_seconds"] = round(time.perf_counter() - started, 1)
            print(f"names of {len(names.found)} sentences found in {figures['names_seconds']} s")
        _measure(
            figures,
            data,
            options,
            recipe(features, training, names),
            CheckworthinessModel.load,
            names,
        )
        if options.set:
            print("another recipe (--set): nothing written")
            return 1 if figures["floors"]["below"] else 0
        if "embeddings" in previous:
            figures["embeddings"] = previous["embeddings"]
        write_results("checkworthiness", _rounded(figures))
        return 1 if figures["floors"]["below"] else 0
    from claimscope.stages.claims.embeddings import (
        DEFAULT_FEATURES as EMBEDDING_FEATURES,
    )
    from claimscope.stages.claims.embeddings import (
        DEFAULT_TRAINING as EMBEDDING_TRAINING,
    )
    from claimscope.stages.claims.embeddings import (
        EmbeddingCheckworthinessModel,
        EmbeddingSettings,
    )

    started = time.perf_counter()
    cache = EmbeddingCache(texts)
    embedded: dict[str, Any] = {
        "command": command,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "features": asdict(EMBEDDING_FEATURES),
        "embedding": asdict(EmbeddingSettings()),
        "training": asdict(EMBEDDING_TRAINING),
        "seed": SEED,
        "distinct_sentences_encoded": len(cache.rows),
        "encoding_seconds": round(time.perf_counter() - started, 1),
    }
    print(f"encoded {len(cache.rows)} distinct sentences in {embedded['encoding_seconds']} s")
    _measure(
        embedded,
        data,
        options,
        embedding_fitter(cache),
        EmbeddingCheckworthinessModel.load,
    )
    # The recorded default figures stay as they were, with their own measured_at.
    write_results("checkworthiness", _rounded({**previous, "embeddings": embedded}))
    return 1 if embedded["floors"]["below"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
