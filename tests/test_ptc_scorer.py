"""The PTC scorers (SI partial overlap, TC micro-F1, end to end) on hand-computed cases."""

from __future__ import annotations

import pytest

from bench.ptc import (
    SpanSums,
    bootstrap_micro_f1,
    bootstrap_span_scores,
    end_to_end_scores,
    end_to_end_sums,
    merge_overlapping,
    per_article_quantiles,
    pooled_scores,
    scores_by_gold_density,
    si_scores,
    si_sums,
    tc_micro_f1,
    tc_per_technique_f1,
)


def test_si_partial_overlap() -> None:
    # Gold (0,10) and (20,30). Prediction (5,15) shares 5 characters with (0,10):
    # precision term 5/10 = 0.5, recall term 5/10 = 0.5. Prediction (20,30) is exact: 1 and 1.
    # P = (0.5 + 1) / 2 = 0.75, R = (0.5 + 1) / 2 = 0.75, F1 = 0.75.
    scores = si_scores({1: [(5, 15), (20, 30)]}, {1: [(0, 10), (20, 30)]})
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(0.75)
    assert scores.f1 == pytest.approx(0.75)


def test_si_merges_overlapping_gold_but_not_touching_gold() -> None:
    # Gold (0,10) and (5,20) overlap, so they are one gold span (0,20).
    # Prediction (0,10): P = 10/10 = 1, R = 10/20 = 0.5, F1 = 2*1*0.5/1.5 = 2/3.
    merged = si_scores({1: [(0, 10)]}, {1: [(0, 10), (5, 20)]})
    assert merged.precision == pytest.approx(1.0)
    assert merged.recall == pytest.approx(0.5)
    assert merged.f1 == pytest.approx(2 / 3)
    # Gold (0,5) and (5,10) only touch: two gold spans. Prediction (0,10):
    # P = (5/10 + 5/10) / 1 = 1, R = (5/5 + 5/5) / 2 = 1.
    touching = si_scores({1: [(0, 10)]}, {1: [(0, 5), (5, 10)]})
    assert touching.precision == pytest.approx(1.0)
    assert touching.recall == pytest.approx(1.0)
    assert merge_overlapping([(5, 10), (0, 5), (8, 12)]) == [(0, 5), (5, 12)]


def test_si_denominators_run_over_the_whole_corpus() -> None:
    # Article 1: prediction (0,4) with no gold. Article 2: gold (0,8) never predicted.
    # Article 3: prediction (0,4) inside gold (0,8): P term 4/4 = 1, R term 4/8 = 0.5.
    # P = 1 / 2 predictions = 0.5, R = 0.5 / 2 gold spans = 0.25, F1 = 2*0.125/0.75 = 1/3.
    scores = si_scores({1: [(0, 4)], 3: [(0, 4)]}, {2: [(0, 8)], 3: [(0, 8)]})
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.25)
    assert scores.f1 == pytest.approx(1 / 3)
    nothing = si_scores({1: [(0, 4)]}, {2: [(0, 8)]})
    assert (nothing.precision, nothing.recall, nothing.f1) == (0.0, 0.0, 0.0)
    # Neither predictions nor gold: the official scorer gives F1 = 1.
    assert si_scores({}, {}).f1 == 1.0


GOLD_TC = {
    1: [
        ("Loaded_Language", 0, 5),
        ("Doubt", 10, 20),
        ("Repetition", 30, 35),
        ("Slogans", 30, 35),
    ]
}


def test_tc_micro_f1_pairs_duplicate_spans_to_agree() -> None:
    # (0,5) right, (10,20) wrong, the duplicate span (30,35) gets both of its labels in the
    # other order: 1 + 0 + 2 = 3 agreeing of 4 predictions and 4 gold lines: 0.75.
    predicted = {
        1: [
            ("Loaded_Language", 0, 5),
            ("Loaded_Language", 10, 20),
            ("Slogans", 30, 35),
            ("Repetition", 30, 35),
        ]
    }
    scores = tc_micro_f1(predicted, GOLD_TC)
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(0.75)
    assert scores.f1 == pytest.approx(0.75)
    # Per technique: Loaded_Language agrees once, predicted twice, gold once: 2*1/3.
    # Doubt: never predicted, gold once: 0. Repetition and Slogans: 2*1/(1+1) = 1.
    per_technique = tc_per_technique_f1(predicted, GOLD_TC)
    assert per_technique["Loaded_Language"] == pytest.approx(2 / 3)
    assert per_technique["Doubt"] == 0.0
    assert per_technique["Repetition"] == pytest.approx(1.0)
    assert per_technique["Slogans"] == pytest.approx(1.0)
    assert per_technique["Flag-Waving"] == 0.0
    assert len(per_technique) == 14


def test_tc_micro_f1_a_repeated_label_matches_once() -> None:
    # (0,5) right; (10,20) wrong; both predictions of the duplicate span (30,35) say
    # Slogans, which its gold carries once, so only one agrees: 1 + 0 + 1 = 2 of 4 = 0.5.
    predicted = {
        1: [
            ("Loaded_Language", 0, 5),
            ("Flag-Waving", 10, 20),
            ("Slogans", 30, 35),
            ("Slogans", 30, 35),
        ]
    }
    assert tc_micro_f1(predicted, GOLD_TC).f1 == pytest.approx(0.5)
    # A prediction on a span that is not gold never agrees, even with the right label.
    shifted = {1: [("Loaded_Language", 0, 6)]}
    assert tc_micro_f1(shifted, {1: [("Loaded_Language", 0, 5)]}).f1 == 0.0


def test_end_to_end_needs_the_technique_to_agree() -> None:
    # Gold: Loaded_Language (0,10), Doubt (20,40).
    # Loaded_Language (5,10) inside the first: P term 5/5 = 1, R term 5/10 = 0.5.
    # Loaded_Language (20,40) covers Doubt exactly but with the wrong technique: 0.
    # P = 1/2 = 0.5, R = 0.5/2 = 0.25, F1 = 2*0.5*0.25/0.75 = 1/3.
    gold = {1: [("Loaded_Language", 0, 10), ("Doubt", 20, 40)]}
    predicted = {1: [("Loaded_Language", 5, 10), ("Loaded_Language", 20, 40)]}
    scores = end_to_end_scores(predicted, gold)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.25)
    assert scores.f1 == pytest.approx(1 / 3)


def test_end_to_end_merges_overlaps_within_a_technique_only() -> None:
    # Gold Doubt (0,10) and (5,15) merge into (0,15); gold Slogans (5,15) stays apart.
    # Prediction Doubt (0,15): P term 15/15 = 1, R term 15/15 = 1 for Doubt; the Slogans
    # gold is missed. P = 1/1 = 1, R = 1/2 = 0.5, F1 = 2/3.
    gold = {1: [("Doubt", 0, 10), ("Doubt", 5, 15), ("Slogans", 5, 15)]}
    scores = end_to_end_scores({1: [("Doubt", 0, 15)]}, gold)
    assert scores.precision == pytest.approx(1.0)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(2 / 3)


def test_per_article_sums_add_up_to_the_corpus_score() -> None:
    # The corpus case above, article by article: 1 has a prediction and no gold, 2 gold and
    # no prediction, 3 a prediction of 4 characters inside a gold span of 8.
    sums = si_sums({1: [(0, 4)], 3: [(0, 4)]}, {2: [(0, 8)], 3: [(0, 8)]})
    assert sums == {
        1: SpanSums(0.0, 1, 0.0, 0),
        2: SpanSums(0.0, 0, 0.0, 1),
        3: SpanSums(1.0, 1, 0.5, 1),
    }
    pooled = pooled_scores(sums.values())
    assert (pooled.precision, pooled.recall) == (0.5, 0.25)
    # End to end per article: a right span with the wrong technique counts for nothing.
    labelled = end_to_end_sums({1: [("Doubt", 0, 4)]}, {1: [("Slogans", 0, 4)]})
    assert labelled == {1: SpanSums(0.0, 1, 0.0, 1)}


def test_per_article_quantiles_and_density_groups() -> None:
    # Precision per article with a prediction: 0.0, 0.5, 1.0 (article 4 has none).
    # Recall per article with gold: 0.25, 0.5 (articles 3 and 4 have none).
    sums = [
        SpanSums(0.0, 2, 0.5, 2),
        SpanSums(1.0, 2, 0.5, 1),
        SpanSums(3.0, 3, 0.0, 0),
        SpanSums(0.0, 0, 0.0, 0),
    ]
    quantiles = per_article_quantiles(sums)
    assert quantiles["precision"] == {"q00": 0.0, "q10": 0.1, "q25": 0.25, "q50": 0.5, "q75": 0.75}
    assert quantiles["recall"]["q00"] == 0.25 and quantiles["recall"]["q50"] == 0.375
    # Gold spans per 1,000 characters: 2, 1, 0, 0 -> two groups, sparsest first.
    groups = scores_by_gold_density(sums, [1000, 1000, 1000, 1000], groups=2)
    assert [group["articles"] for group in groups] == [2, 2]
    assert groups[0]["gold_spans_per_1000_chars"] == [0.0, 0.0]
    assert groups[1]["gold_spans_per_1000_chars"] == [1.0, 2.0]
    # The denser half: precision (0 + 1) / 4 = 0.25, recall (0.5 + 0.5) / 3 = 1/3.
    assert (groups[1]["precision"], groups[1]["recall"]) == (0.25, 0.3333)


def test_bootstrap_intervals_hold_the_figure_and_repeat() -> None:
    # Every article alike: every resample gives the same figures, so the interval is a point.
    same = [SpanSums(1.0, 2, 1.0, 4)] * 10
    assert bootstrap_span_scores(same) == {
        "precision": [0.5, 0.5],
        "recall": [0.25, 0.25],
        "f1": [0.3333, 0.3333],
    }
    mixed = [SpanSums(float(index % 3), 3, float(index % 2), 2) for index in range(30)]
    interval = bootstrap_span_scores(mixed)
    assert interval == bootstrap_span_scores(mixed)
    point = pooled_scores(mixed)
    assert interval["precision"][0] <= point.precision <= interval["precision"][1]
    assert interval["precision"][0] < interval["precision"][1]
    # TC: 3 of 4 agree in each article -> micro-F1 0.75 whatever the resample.
    assert bootstrap_micro_f1([(3, 4, 4)] * 5) == [0.75, 0.75]
