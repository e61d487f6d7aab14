"""PTC (SemEval-2020 Task 11) for the benchmarks: its articles and labels, the task's scores,
and how far those scores hold across articles (bootstrap intervals, per-article quantiles).

The reader and the scorers live in the package (training chooses its settings with the same
SI score that the benchmark reports); see ``claimscope.stages.techniques.scoring`` for the
definitions, checked against the task's official scorers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from claimscope.stages.techniques.corpus import TECHNIQUES, Article, read_split
from claimscope.stages.techniques.scoring import (
    Scores,
    SpanSums,
    end_to_end_scores,
    end_to_end_sums,
    merge_overlapping,
    pooled_scores,
    si_scores,
    si_sums,
    tc_agreement,
    tc_micro_f1,
    tc_per_technique_f1,
)

__all__ = [
    "TECHNIQUES",
    "Article",
    "Scores",
    "SpanSums",
    "bootstrap_micro_f1",
    "bootstrap_span_scores",
    "end_to_end_scores",
    "end_to_end_sums",
    "merge_overlapping",
    "per_article_quantiles",
    "pooled_scores",
    "read_split",
    "scores_by_gold_density",
    "si_scores",
    "si_sums",
    "tc_agreement",
    "tc_micro_f1",
    "tc_per_technique_f1",
]

BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 13
QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75)
"""Quantiles of the per-article figures reported: the worst article, the worst tenth, the
quartiles (the upper end of a figure matters less than how low it goes on some articles)."""


def _ratio(
    numerator: npt.NDArray[np.float64], denominator: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    result: npt.NDArray[np.float64] = np.divide(
        numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0
    )
    return result


def _interval(values: npt.NDArray[np.float64]) -> list[float]:
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def _samples(count: int, seed: int, samples: int) -> npt.NDArray[np.intp]:
    """Bootstrap samples of article indices: ``samples`` rows of ``count`` drawn with
    replacement, the same rows for every figure measured with the same seed."""
    return np.random.default_rng(seed).integers(0, count, size=(samples, count))


def bootstrap_span_scores(
    sums: Sequence[SpanSums], seed: int = BOOTSTRAP_SEED, samples: int = BOOTSTRAP_SAMPLES
) -> dict[str, list[float]]:
    """95% percentile intervals of precision, recall and F1 over articles drawn with
    replacement: how much the figure owes to which articles happened to be measured."""
    table = np.array(
        [[item.precision_sum, item.predicted, item.recall_sum, item.gold] for item in sums],
        dtype=np.float64,
    ).reshape(-1, 4)
    totals = table[_samples(len(table), seed, samples)].sum(axis=1)
    precision = _ratio(totals[:, 0], totals[:, 1])
    recall = _ratio(totals[:, 2], totals[:, 3])
    f1 = _ratio(2 * precision * recall, precision + recall)
    return {"precision": _interval(precision), "recall": _interval(recall), "f1": _interval(f1)}


def bootstrap_micro_f1(
    counts: Sequence[tuple[int, int, int]],
    seed: int = BOOTSTRAP_SEED,
    samples: int = BOOTSTRAP_SAMPLES,
) -> list[float]:
    """95% percentile interval of TC micro-F1 from each article's (agreeing, predicted,
    gold) counts, articles drawn with replacement."""
    table = np.array(counts, dtype=np.float64).reshape(-1, 3)
    totals = table[_samples(len(table), seed, samples)].sum(axis=1)
    return _interval(_ratio(2 * totals[:, 0], totals[:, 1] + totals[:, 2]))


def per_article_quantiles(sums: Sequence[SpanSums]) -> dict[str, dict[str, float]]:
    """Quantiles of each article's own precision (articles with a prediction) and recall
    (articles with a gold span)."""
    precision = [item.precision_sum / item.predicted for item in sums if item.predicted]
    recall = [item.recall_sum / item.gold for item in sums if item.gold]
    return {
        name: {
            f"q{round(100 * quantile):02d}": round(float(np.quantile(values, quantile)), 4)
            for quantile in QUANTILES
        }
        for name, values in (("precision", precision), ("recall", recall))
        if values
    }


def scores_by_gold_density(
    sums: Sequence[SpanSums], lengths: Sequence[int], groups: int = 4
) -> list[dict[str, Any]]:
    """Articles in ``groups`` groups by gold spans per 1,000 characters (sparsest first),
    with the pooled scores of each: precision falls on articles with little to find."""
    density = [
        1000 * item.gold / max(1, length) for item, length in zip(sums, lengths, strict=True)
    ]
    order = np.argsort(density, kind="stable")
    result: list[dict[str, Any]] = []
    for members in np.array_split(order, groups):
        chosen = [sums[int(index)] for index in members]
        result.append(
            {
                "articles": len(chosen),
                "gold_spans_per_1000_chars": [
                    round(min(density[int(index)] for index in members), 3),
                    round(max(density[int(index)] for index in members), 3),
                ],
                **pooled_scores(chosen).as_dict(),
            }
        )
    return result
