"""The date a page prints beside its headline, in the languages its month names cover.

Only a full date (day, month and year) counts: a year alone ("© 2019") is a year, never
1 January. A date after an update cue ("Last updated", "Actualizado") is marked as such.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from claimscope.data import load_table
from claimscope.page_metadata.declarations import MAX_HEADINGS, bounded_text, fold_space
from claimscope.page_metadata.headline import comparable

NEAR_HEADLINE_BEFORE = 300
NEAR_HEADLINE_AFTER = 400
"""How far before and after the headline, in characters of the page's visible text, a
printed date is read: the dateline, byline and date block of every layout we met."""
BESIDE_HEADLINE_CHARS = 40
"""A date this close to the headline is printed with it (a kicker or the line under it)."""
MAX_VISIBLE_CHARS = 200_000
"""The visible text read to find the headline; a headline further into a page is not the
page's."""
_INVISIBLE = ("script", "style", "noscript", "template", "head", "title", "select", "svg")
_MIN_YEAR, _MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class PrintedDate:
    """A full date (day, month, year) the page prints near its headline."""

    value: str
    """The ISO day."""
    distance: int
    """Characters of visible text between the date and the headline."""
    updated: bool
    """Whether an update cue ("Last updated", "Actualizado") precedes it."""


@dataclass(frozen=True)
class _DateTables:
    months: dict[str, int]
    pattern: re.Pattern[str]
    update_cue: re.Pattern[str]


@functools.cache
def _date_tables() -> _DateTables:
    """The month names and update cues of ``data/page_dates.json``, loaded once."""
    table = load_table("page_dates.json")
    months = {
        name.casefold(): int(number) for number, names in table["months"].items() for name in names
    }
    month = (
        "(?:" + "|".join(re.escape(name) for name in sorted(months, key=len, reverse=True)) + ")"
    )
    pattern = re.compile(
        rf"(?<![\w.])(?:"
        rf"(?P<d1>\d{{1,2}})(?:\.|er|º|°)?[ ]{{1,2}}(?:de[ ]{{1,2}})?(?P<m1>{month})\.?,?[ ]{{1,2}}"
        rf"(?:de[ ]{{1,2}}|del[ ]{{1,2}})?(?P<y1>\d{{4}})"
        rf"|(?P<m2>{month})\.?[ ]{{1,2}}(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?[ ]{{1,2}}"
        rf"(?P<y2>\d{{4}})"
        r"|(?P<d3>\d{1,2})\.(?P<m3>\d{1,2})\.(?P<y3>\d{4})"
        r"|(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2})"
        r"|(?P<a5>\d{1,2})/(?P<b5>\d{1,2})/(?P<y5>\d{4})"
        r")(?![\w])",
        re.IGNORECASE,
    )
    cues = sorted((cue.casefold() for cue in table["update_cues"]), key=len, reverse=True)
    update_cue = re.compile(
        r"(?:^|[^\w])(?:" + "|".join(re.escape(cue) for cue in cues) + r")[ :.,\-–]{0,4}$",
        re.IGNORECASE,
    )
    return _DateTables(months, pattern, update_cue)


def printed_dates(tree: Any, headline: str) -> list[PrintedDate]:
    """The full dates printed within a few lines of the headline, the nearest first.

    The headline is found in the page's visible text where an ``<h1>`` prints it (else
    its first occurrence); only dates with a day, a month and a year count, so a year
    alone ("© 2019") is never read as 1 January.
    """
    text, heading_start = _visible_text(tree, headline)
    target = fold_space(headline)
    if not target:
        return []
    start = text.find(target, heading_start) if heading_start >= 0 else -1
    if start < 0:
        start = text.find(target)
    if start < 0:
        return []
    end = start + len(target)
    tables = _date_tables()
    found: list[PrintedDate] = []
    window_start = max(0, start - NEAR_HEADLINE_BEFORE)
    window_end = min(len(text), end + NEAR_HEADLINE_AFTER)
    for match in tables.pattern.finditer(text, window_start, window_end):
        if match.start() < end and match.end() > start:
            continue
        value = _printed_day(match, tables.months)
        if value is None:
            continue
        distance = start - match.end() if match.end() <= start else match.start() - end
        before = text[max(0, match.start() - 40) : match.start()]
        updated = tables.update_cue.search(before) is not None
        found.append(PrintedDate(value, max(0, distance), updated))
    found.sort(key=lambda printed: printed.distance)
    return found


def _printed_day(match: re.Match[str], months: dict[str, int]) -> str | None:
    groups = match.groupdict()
    try:
        if groups["d1"]:
            day, month, year = int(groups["d1"]), months[groups["m1"].casefold()], int(groups["y1"])
        elif groups["d2"]:
            day, month, year = int(groups["d2"]), months[groups["m2"].casefold()], int(groups["y2"])
        elif groups["d3"]:
            day, month, year = int(groups["d3"]), int(groups["m3"]), int(groups["y3"])
        elif groups["d4"]:
            day, month, year = int(groups["d4"]), int(groups["m4"]), int(groups["y4"])
        else:
            first, second, year = int(groups["a5"]), int(groups["b5"]), int(groups["y5"])
            # "06/07/2019" reads both ways: only a slash date with a day past 12 is read.
            if first > 12 >= second:
                day, month = first, second
            elif second > 12 >= first:
                day, month = second, first
            else:
                return None
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        return date(year, month, day).isoformat()
    except (ValueError, KeyError):
        return None


def _visible_text(tree: Any, headline: str) -> tuple[str, int]:
    """The page's visible text, whitespace folded, and where the ``<h1>`` printing the
    headline starts in it (-1 when no ``<h1>`` prints it). One walk, linear in the page."""
    import lxml.etree

    target = comparable(headline)
    heading = next(
        (
            h1
            for h1 in itertools.islice(tree.iter("h1"), MAX_HEADINGS)
            if target and target in comparable(bounded_text(h1, len(headline) * 2 + 200))
        ),
        None,
    )
    body = tree.find(".//body")
    pieces: list[str] = []
    length = 0
    heading_start = -1
    hidden = 0

    def add(text: str | None) -> None:
        nonlocal length
        piece = fold_space(text or "")
        if piece:
            pieces.append(piece)
            length += len(piece) + 1

    for event, element in lxml.etree.iterwalk(
        body if body is not None else tree, events=("start", "end")
    ):
        if length > MAX_VISIBLE_CHARS:
            break
        is_element = isinstance(element.tag, str)
        invisible = not is_element or element.tag in _INVISIBLE
        if event == "start":
            if element is heading:
                heading_start = length
            if invisible:
                hidden += 1
            elif not hidden:
                add(element.text)
        else:
            if invisible:
                hidden -= 1
            if not hidden:
                add(element.tail)
    return " ".join(pieces), heading_start
