"""Building blocks for the regular expressions compiled from the data tables."""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, any whitespace between their words.

    Longest first, so that "Prime Minister" wins over "Minister"; phrases are casefolded
    and deduplicated, so the pattern is meant to be compiled case-insensitively.
    """
    ordered = sorted({phrase.casefold() for phrase in phrases}, key=len, reverse=True)
    return "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in ordered)
