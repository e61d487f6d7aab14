"""The task's three scores for PTC (SemEval-2020 Task 11), written from its definitions.

- SI (span identification), partial overlap, as the official ``task-SI_scorer.py``: the gold
  spans of an article are merged where they share a character; for predicted spans S and
  gold spans T over the whole corpus, precision = (1/|S|) Σ_s Σ_t |s∩t|/|s| and recall =
  (1/|T|) Σ_s Σ_t |s∩t|/|t| (sums within each article, denominators over the corpus), F1
  their harmonic mean (0 when either is 0; 1 when there is neither a prediction nor a gold
  span). Overlapping predicted spans are merged too, as the scorer's ``-m`` option does,
  since the scorer refuses them otherwise.
- TC (technique classification), as the official ``task-TC_scorer.py``: predictions and gold
  are paired on identical spans; a span carrying k gold labels is paired with its k
  predictions so that as many labels as possible agree. Micro precision = agreeing pairs /
  predictions, micro recall = agreeing pairs / gold lines, micro-F1 their harmonic mean
  (equal to both when there is one prediction per gold line). Per technique, F1 =
  2·agree / (predicted with it + gold with it).
- End to end (the FLC scorer): the SI formula where a pair counts only when the techniques
  agree; spans of the same technique are merged where they overlap, on both sides.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from claimscope.stages.techniques.corpus import TECHNIQUES

Span = tuple[int, int]
LabelledSpan = tuple[str, int, int]


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1."""

    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        """The three figures, rounded for a results file."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def _scores(precision_sum: float, predicted: int, recall_sum: float, gold: int) -> Scores:
    precision = precision_sum / predicted if predicted else 0.0
    recall = recall_sum / gold if gold else 0.0
    if predicted == 0 and gold == 0:
        return Scores(precision, recall, 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision > 0 and recall > 0 else 0.0
    return Scores(precision, recall, f1)


def merge_overlapping(spans: Iterable[Span]) -> list[Span]:
    """Spans merged where they share at least one character (touching spans stay apart)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _overlap_sums(predicted: Sequence[Span], gold: Sequence[Span]) -> tuple[float, float]:
    precision_sum = recall_sum = 0.0
    for start, end in predicted:
        for gold_start, gold_end in gold:
            shared = min(end, gold_end) - max(start, gold_start)
            if shared > 0:
                precision_sum += shared / (end - start)
                recall_sum += shared / (gold_end - gold_start)
    return precision_sum, recall_sum


@dataclass(frozen=True)
class SpanSums:
    """One article's share of the SI score: its overlap sums and the counts they divide."""

    precision_sum: float
    predicted: int
    recall_sum: float
    gold: int


def pooled_scores(sums: Iterable[SpanSums]) -> Scores:
    """SI precision, recall and F1 of articles taken together (denominators summed)."""
    precision_sum = recall_sum = 0.0
    predicted = gold = 0
    for item in sums:
        precision_sum += item.precision_sum
        recall_sum += item.recall_sum
        predicted += item.predicted
        gold += item.gold
    return _scores(precision_sum, predicted, recall_sum, gold)


def si_sums(
    predicted: Mapping[int, Sequence[Span]], gold: Mapping[int, Sequence[Span]]
) -> dict[int, SpanSums]:
    """Each article's SI sums (every article id of either side), so that scores of any
    group of articles (a fold, a bootstrap sample, one article) come without rescoring."""
    result: dict[int, SpanSums] = {}
    for article_id in sorted(set(predicted) | set(gold)):
        article_predicted = merge_overlapping(predicted.get(article_id, ()))
        article_gold = merge_overlapping(gold.get(article_id, ()))
        precision_sum, recall_sum = _overlap_sums(article_predicted, article_gold)
        result[article_id] = SpanSums(
            precision_sum, len(article_predicted), recall_sum, len(article_gold)
        )
    return result


def si_scores(
    predicted: Mapping[int, Sequence[Span]], gold: Mapping[int, Sequence[Span]]
) -> Scores:
    """SI precision, recall and F1 with partial overlap, per article id, over the corpus."""
    return pooled_scores(si_sums(predicted, gold).values())


def _by_technique(spans: Iterable[LabelledSpan]) -> dict[str, list[Span]]:
    grouped: dict[str, list[Span]] = defaultdict(list)
    for technique, start, end in spans:
        grouped[technique].append((start, end))
    return {technique: merge_overlapping(items) for technique, items in grouped.items()}


def end_to_end_sums(
    predicted: Mapping[int, Sequence[LabelledSpan]], gold: Mapping[int, Sequence[LabelledSpan]]
) -> dict[int, SpanSums]:
    """Each article's share of the end-to-end score (as :func:`si_sums` for SI)."""
    result: dict[int, SpanSums] = {}
    for article_id in sorted(set(predicted) | set(gold)):
        article_predicted = _by_technique(predicted.get(article_id, ()))
        article_gold = _by_technique(gold.get(article_id, ()))
        precision_sum = recall_sum = 0.0
        for technique, items in article_predicted.items():
            technique_precision, technique_recall = _overlap_sums(
                items, article_gold.get(technique, [])
            )
            precision_sum += technique_precision
            recall_sum += technique_recall
        result[article_id] = SpanSums(
            precision_sum,
            sum(len(items) for items in article_predicted.values()),
            recall_sum,
            sum(len(items) for items in article_gold.values()),
        )
    return result


def end_to_end_scores(
    predicted: Mapping[int, Sequence[LabelledSpan]], gold: Mapping[int, Sequence[LabelledSpan]]
) -> Scores:
    """Span and technique both right, with partial overlap (the task's FLC score)."""
    return pooled_scores(end_to_end_sums(predicted, gold).values())


def _tc_counts(
    predicted: Mapping[int, Sequence[LabelledSpan]], gold: Mapping[int, Sequence[LabelledSpan]]
) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Per technique: agreeing pairs, predictions and gold lines."""
    agreeing: Counter[str] = Counter()
    predicted_counts: Counter[str] = Counter()
    gold_counts: Counter[str] = Counter()
    for article_id in set(predicted) | set(gold):
        predicted_by_span: dict[Span, Counter[str]] = defaultdict(Counter)
        gold_by_span: dict[Span, Counter[str]] = defaultdict(Counter)
        for technique, start, end in predicted.get(article_id, ()):
            predicted_by_span[(start, end)][technique] += 1
            predicted_counts[technique] += 1
        for technique, start, end in gold.get(article_id, ()):
            gold_by_span[(start, end)][technique] += 1
            gold_counts[technique] += 1
        for span, labels in predicted_by_span.items():
            agreeing.update(labels & gold_by_span.get(span, Counter()))
    return agreeing, predicted_counts, gold_counts


def tc_agreement(
    predicted: Mapping[int, Sequence[LabelledSpan]], gold: Mapping[int, Sequence[LabelledSpan]]
) -> tuple[int, int, int]:
    """TC counts: agreeing pairs, predictions and gold lines (micro-F1's three numbers)."""
    agreeing, predicted_counts, gold_counts = _tc_counts(predicted, gold)
    return (
        sum(agreeing.values()),
        sum(predicted_counts.values()),
        sum(gold_counts.values()),
    )


def tc_micro_f1(
    predicted: Mapping[int, Sequence[LabelledSpan]], gold: Mapping[int, Sequence[LabelledSpan]]
) -> Scores:
    """TC micro precision, recall and F1 on identical spans (the official TC measure)."""
    correct, predicted_count, gold_count = tc_agreement(predicted, gold)
    return _scores(correct, predicted_count, correct, gold_count)


def tc_per_technique_f1(
    predicted: Mapping[int, Sequence[LabelledSpan]], gold: Mapping[int, Sequence[LabelledSpan]]
) -> dict[str, float]:
    """TC F1 of each of the 14 techniques (0 for one neither predicted nor in the gold)."""
    agreeing, predicted_counts, gold_counts = _tc_counts(predicted, gold)
    result: dict[str, float] = {}
    for technique in TECHNIQUES:
        denominator = predicted_counts[technique] + gold_counts[technique]
        result[technique] = 2 * agreeing[technique] / denominator if denominator else 0.0
    return result
