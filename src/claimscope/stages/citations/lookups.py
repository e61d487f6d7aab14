"""Lookups several extractors share: issuers, courts, states and entities near a reference."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from claimscope.gazetteer import Gazetteer
from claimscope.stages.citations.context import ISSUER_WINDOW_CHARS, Context
from claimscope.stages.citations.models import Issuer


def tidy(text: str) -> str:
    """The text with every run of whitespace made one space, and none at either end."""
    return " ".join(text.split())


def last_court_before(courts: Sequence[tuple[int, int, Issuer]], position: int) -> Issuer | None:
    """The court named last before ``position``, skipping one whose name spans it."""
    index = bisect.bisect_left(courts, (position,))
    while index > 0 and courts[index - 1][1] > position:
        index -= 1
    return courts[index - 1][2] if index > 0 else None


def issuer_before(
    context: Context, position: int, kinds: frozenset[str]
) -> tuple[Issuer | None, int | None]:
    """The issuer named right before ``position`` ("Security Council resolution")."""
    window = context.issuers_in(max(0, position - ISSUER_WINDOW_CHARS), position)
    if not window:
        return None, None
    start, end, issuer = window[-1]
    gap = context.text[end:position]
    if issuer.kind in kinds and re.fullmatch(r"(?:['’]s?)?[ ]{1,3}", gap):
        return issuer, start
    return None, None


def country_in(gazetteer: Gazetteer, phrase: str) -> str | None:
    """The country a phrase names, trying its longest leading run of words first."""
    words = phrase.split()
    for size in range(len(words), 0, -1):
        code = gazetteer.country(" ".join(words[:size]))
        if code is not None:
            return code
    return None


def us_state(gazetteer: Gazetteer, words: Sequence[str]) -> str | None:
    """The US state a title opens with ("Alabama Human Life Protection Act"), if any."""
    for size in (2, 1):
        if len(words) > size:
            subdivision = gazetteer.subdivision(" ".join(words[:size]))
            if subdivision is not None and subdivision.country == "US":
                return subdivision.name
    return None


def law_issuer(context: Context, country: str | None) -> str | None:
    """Who passes a state's laws: its legislature, else the state; the document's state."""
    if country is not None:
        return context.national("legislature", country) or context.gazetteer.country_name(country)
    return context.national("legislature")


ISSUER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def entity_ending_at(context: Context, position: int) -> tuple[int, int, str, str] | None:
    """The named person or body whose text ends at ``position``."""
    index = bisect.bisect_left(context.entities, (position,))
    for entity in reversed(context.entities[max(0, index - 3) : index]):
        if entity[1] == position and entity[2] in ISSUER_LABELS:
            return entity
    return None
