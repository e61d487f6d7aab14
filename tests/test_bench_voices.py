"""The voices benchmark: its PolNeAR reader and scorer on hand-made cases, and its floor."""

from __future__ import annotations

import pytest

from bench.polnear import Article, parse_annotations, read_split
from bench.voices import (
    FLOOR,
    ROLES,
    RoleScore,
    exact_matches,
    gold_spans,
    lenient_matches,
    overlap_matches,
    predicted_spans,
    run,
    trimmed,
)
from claimscope.dossier import DocumentInfo, Dossier, Span, TextSpan, Voice
from claimscope.pipeline import Pipeline, default_stages
from tests.conftest import shared_path

ANNOTATION = (
    "T1\tSource 0 5\tFlynn\n"
    "T2\tCue 6 10\tsays\n"
    "T3\tContent 11 19;29 33\tTrump is right\n"
    "T4\tAttribution 6 10\tsays\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "\n"
    "T5\tContent 40 52\ttwo\nlines\n"
    "E2\tAttribution-no-source:T6 \n"
)
TEXT = "Flynn says Trump is, he added, right. And two\nlines here."


def _article(annotation: str = ANNOTATION, text: str = TEXT) -> Article:
    annotations, events = parse_annotations(annotation)
    return Article("sample", "4b22", 1, text, annotations, events)


def test_parse_reads_fragments_continuations_and_events() -> None:
    annotations, events = parse_annotations(ANNOTATION)
    assert annotations["T3"].fragments == ((11, 19), (29, 33))
    assert annotations["T3"].extent == (11, 33)
    # The covered text runs over a line break; the blank separator line is not part of it.
    assert annotations["T5"].covered == "two\nlines"
    assert events[0].trigger == "T4"
    assert events[0].arguments == {"Content": "T3", "Cue": "T2", "Source": "T1"}
    assert events[1].type == "Attribution-no-source" and events[1].arguments == {}


def test_gold_spans_extent_or_fragments() -> None:
    article = _article()
    assert gold_spans(article, "content") == [(11, 33), (40, 52)]
    assert gold_spans(article, "content", fragments=True) == [(11, 19), (29, 33), (40, 52)]
    assert gold_spans(article, "source") == [(0, 5)]


def test_exact_matches_need_identical_offsets() -> None:
    assert exact_matches([(0, 5), (6, 10)], [(0, 5), (6, 11)]) == 1
    assert exact_matches([], [(0, 5)]) == 0


def test_lenient_matches_ignore_quotes_punctuation_and_spaces() -> None:
    text = '"Hello, world." he said'
    assert trimmed(text, (0, 15)) == (1, 13)
    assert lenient_matches(text, [(0, 15)], [(1, 13)]) == 1
    assert lenient_matches(text, [(0, 15)], [(1, 6)]) == 0
    # A span of punctuation only stays itself rather than vanishing.
    assert trimmed(text, (14, 15)) == (14, 15)


def test_overlap_is_one_to_one() -> None:
    # One long prediction over three gold spans matches only one of them.
    assert len(overlap_matches([(0, 100)], [(0, 10), (20, 30), (40, 45)])) == 1
    assert overlap_matches([(5, 6)], [(6, 9)]) == []


def test_overlap_takes_largest_overlap_first() -> None:
    pairs = overlap_matches([(0, 20), (0, 4)], [(0, 5), (8, 30)])
    assert sorted(pairs) == [((0, 4), (0, 5)), ((0, 20), (8, 30))]


def test_role_score_precision_recall_f1() -> None:
    score = RoleScore()
    text = "x" * 100
    score.add(text, [(0, 10), (20, 30), (50, 60)], [(0, 10), (22, 30)])
    score.add(text, [], [(70, 80)])
    assert (score.predicted, score.gold) == (3, 3)
    assert score.matched == {"exact": 1, "lenient": 1, "overlap": 2}
    assert score.precision("overlap") == pytest.approx(2 / 3)
    assert score.recall("exact") == pytest.approx(1 / 3)
    assert score.f1("overlap") == pytest.approx(2 / 3)
    assert RoleScore().f1("exact") == 0.0


def test_predictions_leave_narrator_voices_out() -> None:
    dossier = Dossier(document=DocumentInfo(id="sha256:0", source="-", text=TEXT))
    dossier.voices = [
        Voice(
            kind="indirect",
            speaker="Flynn",
            speaker_span=Span(start=0, end=5),
            cue=TextSpan(text="says", start=6, end=10),
            content=Span(start=11, end=35),
        ),
        Voice(kind="statement", speaker=None, content=Span(start=37, end=46)),
        Voice(kind="narrator", content=Span(start=37, end=56)),
    ]
    assert predicted_spans(dossier, "source") == [(0, 5)]
    assert predicted_spans(dossier, "cue") == [(6, 10)]
    assert predicted_spans(dossier, "content") == [(11, 35), (37, 46)]


def test_reader_keeps_first_annotator_and_aligned_offsets() -> None:
    articles = read_split("dev", root=shared_path("data", "polnear"))
    assert len(articles) == 84
    assert sum(article.annotators > 1 for article in articles) == 2
    for article in articles:
        assert article.misaligned() == [], article.name


def test_bench_runs_on_a_few_dev_articles(pipeline: Pipeline) -> None:
    shared_path("data", "polnear", "dev")
    figures = run("dev", limit=3, pipeline=pipeline)
    assert figures["articles"] == 3
    for group in ("roles", "fragments"):
        for role in ROLES:
            row = figures[group][role]
            assert row["gold"] > 0
            for measure in ("exact", "lenient", "overlap"):
                for name in ("precision", "recall", "f1"):
                    assert 0.0 <= row[measure][name] <= 1.0


def _voices_stage_registered() -> bool:
    return any(stage.name == "voices" for stage in default_stages())


@pytest.mark.skipif(not _voices_stage_registered(), reason="the voices stage is not registered")
def test_voices_meet_overlap_floor_on_dev(pipeline: Pipeline) -> None:
    shared_path("data", "polnear", "dev")
    figures = run("dev", pipeline=pipeline)
    assert figures["articles"] == 84
    for role in ("source", "content"):
        f1 = figures["roles"][role]["overlap"]["f1"]
        assert f1 >= FLOOR, (role, f1)
