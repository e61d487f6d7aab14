"""The citations benchmark: its scorer on hand-made cases, the gold set's shape, its floors."""

from __future__ import annotations

import re
import unicodedata

import pytest

from bench.citations import (
    FLOOR,
    GOLD,
    KINDS,
    Excerpt,
    GoldCitation,
    field_agrees,
    floor_failures,
    overlap_matches,
    read_gold,
    run,
    score,
    stage_registered,
)
from claimscope.dossier import Citation

ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
"""ISO 8601 calendar date, full or of reduced precision (a year, a year and month)."""


def _gold(start: int, end: int, text: str, kind: str, issuer: str | None) -> GoldCitation:
    return GoldCitation(
        start=start,
        end=end,
        text=text,
        kind=kind,
        issuer=issuer,
        date=None,
        date_inferred=False,
        number=None,
        pinpoint=None,
        title=None,
    )


def test_overlap_matches_one_to_one() -> None:
    # Each prediction overlaps one gold span by 5 characters; the third overlaps none.
    pairs = overlap_matches([(5, 12), (25, 40), (50, 55)], [(0, 10), (20, 30)])
    assert pairs == [(0, 0), (1, 1)]


def test_overlap_matches_one_long_prediction_takes_one_gold_span() -> None:
    # (0, 20) overlaps both gold spans by 10: the tie goes to the earlier gold span.
    assert overlap_matches([(0, 20)], [(0, 10), (10, 20)]) == [(0, 0)]


def test_overlap_matches_largest_overlap_first() -> None:
    # p0-g0 share 8, p1-g0 5, p1-g1 2: p0 takes g0, so p1 falls back to g1.
    assert overlap_matches([(0, 8), (5, 20)], [(0, 10), (12, 14)]) == [(0, 0), (1, 1)]


def test_overlap_matches_disjoint_spans_do_not_match() -> None:
    assert overlap_matches([(0, 5)], [(5, 9)]) == []


def test_field_agreement_rules() -> None:
    assert field_agrees("issuer", "UN  Security\nCouncil", "un security council")
    assert not field_agrees("title", "Rome statute", "Rome Statute")
    assert field_agrees("title", "Rome  Statute", "Rome Statute")
    assert field_agrees("number", None, None)
    assert not field_agrees("number", None, "2334")
    assert field_agrees("date_inferred", True, True)


def test_score_counts_matches_fields_and_errors() -> None:
    text = "Resolution 2334 and the Rome Statute were cited."
    excerpt = Excerpt(
        id="case",
        source="hand-made",
        published=None,
        text=text,
        citations=(
            _gold(0, 15, "Resolution 2334", "resolution", "UN Security Council"),
            _gold(24, 36, "Rome Statute", "treaty", None),
        ),
    )
    predicted = [
        # Overlaps the first gold citation: kind agrees, issuer does not.
        Citation(kind="resolution", issuer="UN General Assembly", text="2334", start=11, end=15),
        # Overlaps nothing: spurious.
        Citation(kind="other", text="cited", start=42, end=47),
    ]
    result = score([excerpt], [predicted])
    figures = result.figures()
    assert (figures["predicted"], figures["gold"], figures["matched"]) == (2, 2, 1)
    assert figures["span_precision"] == 0.5
    assert figures["span_recall"] == 0.5
    assert figures["span_f1"] == 0.5
    assert figures["fields"]["kind"] == 1.0
    assert figures["fields"]["issuer"] == 0.0
    # date, number, pinpoint and title are null on both sides: they agree.
    assert figures["fields"]["date"] == 1.0
    assert figures["per_kind"] == {
        "resolution": {"gold": 1, "recall": 1.0},
        "treaty": {"gold": 1, "recall": 0.0},
    }
    assert len(result.errors) == 3  # the issuer, the spurious "cited", the missed treaty
    assert floor_failures(figures) == ["span_f1 0.5", "issuer 0.0"]


def test_score_of_nothing_is_zero() -> None:
    figures = score([], []).figures()
    assert figures["span_f1"] == 0.0 and figures["fields"]["kind"] == 0.0


def test_gold_rows_are_well_formed() -> None:
    excerpts = read_gold(GOLD)
    assert len({excerpt.id for excerpt in excerpts}) == len(excerpts)
    assert sum(len(excerpt.citations) for excerpt in excerpts) >= 150
    assert sum(1 for excerpt in excerpts if not excerpt.citations) >= 25
    for excerpt in excerpts:
        assert excerpt.text == unicodedata.normalize("NFC", excerpt.text), excerpt.id
        assert len(excerpt.text) <= 600, excerpt.id
        assert excerpt.published is None or ISO_DATE.fullmatch(excerpt.published), excerpt.id
        previous_end = 0
        for citation in excerpt.citations:
            where = f"{excerpt.id} {citation.text!r}"
            assert 0 <= citation.start < citation.end <= len(excerpt.text), where
            assert excerpt.text[citation.start : citation.end] == citation.text, where
            assert citation.start >= previous_end, f"{where} overlaps or is out of order"
            previous_end = citation.end
            assert citation.kind in KINDS, where
            assert citation.date is None or ISO_DATE.fullmatch(citation.date), where
            # A date can only be inferred when there is one.
            assert not citation.date_inferred or citation.date is not None, where
            for value in (citation.issuer, citation.number, citation.pinpoint, citation.title):
                assert value is None or (value.strip() == value and value), where


def test_citations_bench_meets_floors() -> None:
    if not stage_registered():
        pytest.skip("no citations stage in claimscope.pipeline.default_stages() yet")
    figures, result = run()
    assert figures["gold"] > 0
    assert not floor_failures(figures), (floor_failures(figures), FLOOR, result.errors[:20])
