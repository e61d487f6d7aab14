"""Character spans: merged intervals, overlap sweeps, the stretches that are layout not prose."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import TypeVar

from claimscope.dossier import Dossier

T = TypeVar("T")


class Intervals:
    """Merged, sorted character intervals with logarithmic overlap queries."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(span for span in spans if span[1] > span[0]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [span[0] for span in merged]
        self.ends = [span[1] for span in merged]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares a character with an interval."""
        index = bisect.bisect_right(self.starts, max(start, end - 1)) - 1
        return index >= 0 and self.ends[index] > start and end > start

    def contains(self, position: int) -> bool:
        """Whether the character at ``position`` lies in an interval."""
        return self.overlaps(position, position + 1)

    def subtract(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of ``[start, end)`` outside every interval."""
        parts: list[tuple[int, int]] = []
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        position = start
        while index < len(self.starts) and self.starts[index] < end:
            if self.ends[index] > position:
                if self.starts[index] > position:
                    parts.append((position, self.starts[index]))
                position = max(position, self.ends[index])
            index += 1
        if position < end:
            parts.append((position, end))
        return parts


def overlapping(
    ranges: Sequence[tuple[int, int]], items: Sequence[tuple[int, int, T]]
) -> list[list[tuple[int, int, T]]]:
    """For each range, the items that overlap it; ranges in text order, items any order.

    A sweep over both sorted lists: linear in their sizes (plus the overlaps), where a
    test of every item against every range would be quadratic on a long document.
    """
    ordered = sorted(items, key=lambda item: (item[0], item[1]))
    active: list[tuple[int, int, T]] = []
    position = 0
    result = []
    for start, end in ranges:
        while position < len(ordered) and ordered[position][0] < end:
            active.append(ordered[position])
            position += 1
        active = [item for item in active if item[1] > start]
        result.append([item for item in active if item[0] < end])
    return result


def excluded_spans(dossier: Dossier) -> list[tuple[int, int]]:
    """Stretches that are layout, not prose: headline, bylines, boilerplate, signatory block."""
    anatomy = dossier.anatomy
    spans: list[tuple[int, int]] = []
    if anatomy.headline is not None:
        spans.append((anatomy.headline.start, anatomy.headline.end))
    spans.extend(
        (byline.start, byline.end)
        for byline in anatomy.bylines
        if byline.start is not None and byline.end is not None
    )
    if anatomy.published_span is not None:
        spans.append((anatomy.published_span.start, anatomy.published_span.end))
    spans.extend((span.start, span.end) for span in anatomy.boilerplate)
    for statement in dossier.statements:
        members = [dossier.signatories[index] for index in statement.signatories]
        if members:
            # The whole block, including the lines between two parsed signatories.
            spans.append((min(s.start for s in members), max(s.end for s in members)))
    spans.extend((signatory.start, signatory.end) for signatory in dossier.signatories)
    return sorted(spans)
