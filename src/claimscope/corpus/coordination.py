"""Co-publication in tight time windows: the same text carried by several outlets at once.

For each cluster of near-identical texts (:mod:`claimscope.corpus.duplicates`), the
sightings with a publication time are sorted; every stretch of at most ``window`` that
holds sightings from two or more outlets is a *group*. The default window is estimated
from the corpus itself, the way CooRnet estimates its coordination interval for link
sharing: among the fastest-spreading tenth of clusters (those quickest to reach half of
their sightings), the median time to reach half of their sightings.

Sightings without a publication time are listed with their cluster, never assumed to be
simultaneous. The wording is descriptive ("published within N minutes by K outlets"): a
group says when and where a text appeared, never why.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

FASTEST_SHARE = 0.1
"""The share of clusters, the quickest to reach half of their sightings, that sets the window."""
MIN_OUTLETS = 2


@dataclass(frozen=True)
class Sighting:
    """One appearance of a text: where, when (None when unknown) and in which document."""

    document: str
    outlet: str | None
    published: datetime | None
    source: str = ""


@dataclass(frozen=True)
class Group:
    """Sightings of one cluster by several outlets within one window."""

    cluster: int
    sightings: tuple[Sighting, ...]
    window: timedelta

    @property
    def outlets(self) -> list[str]:
        """The outlets of the group, in order of first appearance."""
        return list(dict.fromkeys(s.outlet for s in self.sightings if s.outlet))

    @property
    def span(self) -> timedelta:
        """Time from the group's first sighting to its last."""
        times = [s.published for s in self.sightings if s.published is not None]
        return max(times) - min(times)

    def describe(self) -> str:
        """A neutral one-line description."""
        minutes = max(1, math.ceil(self.span.total_seconds() / 60))
        return f"published within {minutes} minutes by {len(self.outlets)} outlets"


def time_to_half(times: Sequence[datetime]) -> timedelta | None:
    """How long a cluster took to reach half of its timed sightings (None below two)."""
    if len(times) < 2:
        return None
    ordered = sorted(times)
    # Half of the sightings, and at least the second one: a pair's time is its gap.
    return ordered[max(1, math.ceil(len(ordered) / 2) - 1)] - ordered[0]


def estimate_window(clusters: Sequence[Sequence[Sighting]]) -> timedelta | None:
    """The coordination window estimated from the clusters (None without enough timed data)."""
    speeds = sorted(
        value
        for cluster in clusters
        if (value := time_to_half([s.published for s in cluster if s.published])) is not None
    )
    if not speeds:
        return None
    fastest = speeds[: max(1, math.ceil(len(speeds) * FASTEST_SHARE))]
    window = statistics.median_low(fastest)
    # Identical timestamps would give a zero window; one minute is the finest a page prints.
    return max(window, timedelta(minutes=1))


def coordinated_groups(clusters: Sequence[Sequence[Sighting]], window: timedelta) -> list[Group]:
    """Maximal stretches of at most ``window`` holding sightings from two or more outlets."""
    groups: list[Group] = []
    for number, cluster in enumerate(clusters):
        timed = sorted(
            ((s.published, s) for s in cluster if s.published is not None),
            key=lambda item: (item[0], item[1].outlet or "", item[1].document),
        )
        last_end = -1
        low = 0
        for high in range(len(timed)):
            while timed[high][0] - timed[low][0] > window:
                low += 1
            # Report a stretch only when it cannot grow further to the right.
            grows = high + 1 < len(timed) and timed[high + 1][0] - timed[low][0] <= window
            if grows or high <= last_end:
                continue
            members = [sighting for _, sighting in timed[low : high + 1]]
            if len({s.outlet for s in members if s.outlet}) >= MIN_OUTLETS:
                groups.append(Group(number, tuple(members), window))
                last_end = high
    return groups


def untimed(clusters: Sequence[Sequence[Sighting]]) -> list[tuple[int, Sighting]]:
    """The sightings without a publication time, with their cluster's number."""
    return [
        (number, sighting)
        for number, cluster in enumerate(clusters)
        for sighting in cluster
        if sighting.published is None
    ]
