"""Constitutions, with the state they belong to, and US amendments and clauses by name."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from claimscope.stages.citations.context import PRONOUN_WINDOW_CHARS, Context
from claimscope.stages.citations.lookups import country_in
from claimscope.stages.citations.models import Found
from claimscope.stages.citations.patterns import (
    AMENDMENT_RE,
    CAPITAL_WORD,
    NOT_TITLE_WORDS,
    PART_OF_NAME_BEFORE_RE,
    YEAR,
)

_CONSTITUTION_RE = re.compile(
    r"(?<![\w\-])(?P<owner>(?P<det>its|their|our|the|this|his|her|a|an)[ ]{1,3}"
    r"|(?:the[ ]{1,3})?(?P<reference>country|state|nation|republic|kingdom)['’]s?[ ]{1,3}"
    rf"|(?:the[ ]{{1,3}})?(?P<named>{CAPITAL_WORD}(?:[ ]{CAPITAL_WORD}){{0,2}})"
    r"(?P<possessive>['’]s?)?[ ]{1,3})?"
    r"(?P<qualifier>(?:new|current|amended|federal|national|basic|interim|draft|old"
    r"|Federal|state|commonwealth['’]s)[ ]{1,3})?"
    r"(?P<noun>[Cc]onstitution)(?![\w\-])"
    rf"(?P<of>[ ]{{1,3}}of[ ]{{1,3}}(?:the[ ]{{1,3}})?{CAPITAL_WORD}"
    rf"(?:[ ](?:of[ ])?{CAPITAL_WORD}){{0,3}})?"
)

_NOT_A_CONSTITUTION_AFTER_RE = re.compile(
    r"[ ](?:Day|Square|Avenue|Street|Party|Hall|Hill|Court|Committee|Commission|Council"
    r"|Centre|Center|Park|Bridge|Gardens|Act|Amendment|Avenue|Plaza)(?![\w])"
)


def constitutions(context: Context) -> Iterator[Found]:
    """Constitutions, with the state they belong to when the text makes it clear."""
    text = context.text
    gazetteer = context.gazetteer
    for match in _CONSTITUTION_RE.finditer(text):
        if _NOT_A_CONSTITUTION_AFTER_RE.match(text, match.end("noun")):
            continue
        qualifier = (match.group("qualifier") or "").strip()
        determiner = (match.group("det") or "").casefold()
        if determiner in ("a", "an") or qualifier == "draft":
            continue  # "a new constitution" is a proposal, not a document to fetch.
        country: str | None = None
        start = match.start("noun")
        owner_start: int | None = None
        named = match.group("named")
        unknown_owner = False
        if named:
            leading = len(named) - len(named.removeprefix("The ").removeprefix("the "))
            candidate = re.sub(r"['’]s?$", "", named[leading:])
            country = gazetteer.country(candidate) or gazetteer.demonym(candidate)
            subdivision = None if country else gazetteer.subdivision(candidate)
            if subdivision is not None:
                # "Massachusetts Constitution": a state's or province's own constitution.
                year = re.search(YEAR, match.group("of") or "")
                yield Found(
                    "constitution",
                    match.start("named") + leading,
                    match.end(),
                    candidate,
                    date=year.group() if year else None,
                )
                continue
            if country is None and candidate in NOT_TITLE_WORDS:
                start = match.start("noun")
            else:
                # "The U.S. Constitution": the span starts at the name, not at "The".
                start = match.start("named") + leading
                unknown_owner = country is None
        elif match.group("owner"):
            if determiner in ("the", "this"):
                if PART_OF_NAME_BEFORE_RE.search(text, max(0, match.start() - 40), match.start()):
                    continue  # "Office for the Protection of the Constitution" is a body.
            else:
                start = match.start("owner")
                owner_start = start
        if match.group("of"):
            place = re.sub(r"^[ ]{1,3}of[ ]{1,3}(?:the[ ]{1,3})?", "", match.group("of"))
            country = country or country_in(gazetteer, place)
        if qualifier and start == match.start("noun"):
            start = match.start("qualifier")
        issuer = context.national("constitution", country) if country else None
        if issuer is None and qualifier in ("state", "commonwealth's", "commonwealth’s"):
            # "the state constitution": a US state's, the one named nearest before.
            issuer = _subdivision_before(context, match.start())
            unknown_owner = True
        if issuer is None and owner_start is None and not unknown_owner:
            # "the Constitution", unqualified: the constitution of the document's state.
            issuer = context.national("constitution")
        yield Found(
            "constitution",
            start,
            match.end(),
            issuer,
            title=None,
            owner_start=owner_start if issuer is None else None,
        )


def _subdivision_before(context: Context, position: int) -> str | None:
    """The state or province named nearest before ``position``, within a bounded window."""
    index = bisect.bisect_left(context.entities, (position,))
    low = position - PRONOUN_WINDOW_CHARS * 2
    while index > 0:
        index -= 1
        start, _, _, printed = context.entities[index]
        if start < low:
            return None
        reading = context.gazetteer.subdivision(printed.removeprefix("the "))
        if reading is not None:
            return reading.name
        code = context.gazetteer.country(printed)
        if code is not None and code != "US":
            return context.gazetteer.country_name(code)  # Puerto Rico, a territory.
    return None


def amendments(context: Context) -> Iterator[Found]:
    """US constitutional amendments and clauses cited by name ("Second Amendment")."""
    for match in AMENDMENT_RE.finditer(context.text):
        yield Found(
            "constitution",
            match.start(),
            match.end(),
            context.national("constitution", "US"),
            pinpoint=match.group("pin"),
        )
