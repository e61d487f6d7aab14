"""Co-publication windows: estimated from the corpus, groups of outlets within one window."""

from __future__ import annotations

from datetime import datetime, timedelta

from claimscope.corpus.coordination import (
    Sighting,
    coordinated_groups,
    estimate_window,
    time_to_half,
    untimed,
)

T0 = datetime(2023, 8, 1, 12, 0)


def at(minutes: float, outlet: str | None, document: str = "d") -> Sighting:
    return Sighting(document, outlet, T0 + timedelta(minutes=minutes))


def test_time_to_half_of_the_sightings() -> None:
    assert time_to_half([T0]) is None
    assert time_to_half([T0, T0 + timedelta(minutes=8)]) == timedelta(minutes=8)
    five = [T0 + timedelta(minutes=m) for m in (40, 0, 3, 100, 7)]
    assert time_to_half(five) == timedelta(minutes=7)  # the third of five, from the first


def test_the_window_is_the_median_of_the_fastest_tenth() -> None:
    # Twenty clusters of two sightings, gaps of 1..20 hours; the fastest tenth are the
    # 1 and 2 hour ones, whose (lower) median is one hour.
    clusters = [[at(0, "a"), at(60 * hours, "b")] for hours in range(1, 21)]
    clusters.append([Sighting("x", "c", None), at(5, "d")])  # one timed sighting: no speed
    assert estimate_window(clusters) == timedelta(hours=1)
    assert estimate_window([[Sighting("x", "a", None)]]) is None
    assert estimate_window([[at(0, "a"), at(0, "b")]]) == timedelta(minutes=1)


def test_groups_need_two_outlets_within_the_window() -> None:
    cluster = [
        at(0, "Outlet A", "1"),
        at(4, "Outlet B", "2"),
        at(9, "Outlet C", "3"),
        at(30, "Outlet A", "4"),
        at(33, "Outlet A", "5"),  # one outlet twice is no group
        at(120, "Outlet D", "6"),
        at(125, "Outlet E", "7"),
        Sighting("8", "Outlet F", None),
    ]
    groups = coordinated_groups([cluster], timedelta(minutes=10))
    assert [[s.document for s in group.sightings] for group in groups] == [
        ["1", "2", "3"],
        ["6", "7"],
    ]
    assert groups[0].outlets == ["Outlet A", "Outlet B", "Outlet C"]
    assert groups[0].describe() == "published within 9 minutes by 3 outlets"
    assert [(number, s.document) for number, s in untimed([cluster])] == [(0, "8")]
