"""The wording the reports share: a dateline place says when it is ambiguous or was chosen."""

from __future__ import annotations

import pytest

from claimscope.adapters.report.wording import dateline_place
from claimscope.dossier import Dateline, PlaceCandidate

TROY_NY = PlaceCandidate(
    id="city:1", name="Troy", country="US", subdivision="US-NY", population=49000
)
TROY_MI = PlaceCandidate(
    id="city:2", name="Troy", country="US", subdivision="US-MI", population=83000
)
PARIS = PlaceCandidate(id="city:3", name="Paris", country="FR", population=2138551)
PARIS_TX = PlaceCandidate(
    id="city:4", name="Paris", country="US", subdivision="US-TX", population=25000
)


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        (
            Dateline(
                text="BAKU, Aug. 1", place="Baku", country="AZ", place_basis="only", start=0, end=12
            ),
            "Baku, AZ",
        ),
        (
            Dateline(
                text="TROY",
                place="Troy",
                country="US",
                place_ambiguous=True,
                place_candidates=[TROY_MI, TROY_NY],
                start=0,
                end=4,
            ),
            "Troy, US (ambiguous: could be Troy (US-MI), Troy (US-NY))",
        ),
        (
            Dateline(
                text="PARIS",
                place="Paris",
                country="FR",
                place_basis="prominence",
                place_candidates=[PARIS, PARIS_TX],
                start=0,
                end=5,
            ),
            "Paris, FR (the best-known place of that name; also Paris (FR), Paris (US-TX))",
        ),
        (
            Dateline(
                text="BIRMINGHAM",
                place="Birmingham",
                country=None,
                place_ambiguous=True,
                start=0,
                end=10,
            ),
            "Birmingham, ? (ambiguous)",
        ),
    ],
)
def test_dateline_place(dateline: Dateline, expected: str) -> None:
    assert dateline_place(dateline) == expected
