"""Month and weekday names, and dates printed without their year resolved against another."""

from __future__ import annotations

from datetime import date

# A date written without its year is resolved to the year that puts it nearest to the
# reference (the publication date): a story filed "Dec 31" and published 2 January is
# from last year.
HALF_YEAR_DAYS = 183

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
"""Month names and their abbreviations, casefolded, to the month's number."""

WEEKDAYS = (
    "monday", "mon", "tuesday", "tues", "tue", "wednesday", "wed", "thursday", "thurs",
    "thur", "thu", "friday", "fri", "saturday", "sat", "sunday", "sun",
)  # fmt: skip
"""Weekday names and their abbreviations, casefolded."""


def month_number(name: str) -> int:
    """The number of a month name or abbreviation, with or without its final period."""
    return MONTHS[name.rstrip(".").casefold()]


def resolve_year(month: int, day: int, reference: date) -> date | None:
    """The date with that month and day nearest to ``reference`` (within half a year)."""
    for year in (reference.year, reference.year - 1, reference.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if abs((candidate - reference).days) <= HALF_YEAR_DAYS:
            return candidate
    return None


def reference_date(published: str | None) -> date | None:
    """The date part of an ISO publication time, or None when there is none."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None
