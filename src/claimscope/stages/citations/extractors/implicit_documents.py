"""Pinpoints whose document news leaves implicit ("Title IX", "Article II"), states' laws."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimscope.stages.citations.context import Context
from claimscope.stages.citations.lookups import law_issuer, us_state
from claimscope.stages.citations.models import Found

# "Title IX", "Article II": pinpoints whose document news leaves implicit.
_TITLE_PINPOINT_RE = re.compile(r"(?<![\w\-])Title[ ](?P<number>[IVXL]{1,6}|\d{1,2})(?![\w\-])")
_ROMAN_ARTICLE_RE = re.compile(
    r"(?<![\w\-])Article[ ](?P<number>[IVX]{1,5})(?![\w\-])(?![ ]{1,3}of[ ])"
)
_STATE_LAW_RE = re.compile(
    r"(?<![\w\-])(?P<owner>[A-Z][a-z]{2,15}(?:[ ][A-Z][a-z]{2,15})?)['’]s?[ ]{1,3}"
    r"(?:(?:new|controversial|strict|proposed|current|existing|[a-z]{3,15}-[a-z]{3,15})[ ]{1,3})?"
    r"(?:[a-z]{4,15}[ ]{1,3})?(?P<noun>law)(?![\w\-])"
)


def implicit_documents(context: Context) -> Iterator[Found]:
    """ "Title IX" (a US law), roman "Article II" (the constitution), "Texas's abortion law"."""
    text = context.text
    gazetteer = context.gazetteer
    for match in _TITLE_PINPOINT_RE.finditer(text):
        yield Found(
            "law",
            match.start(),
            match.end(),
            context.national("legislature"),
            pinpoint=match.group(),
        )
    for match in _ROMAN_ARTICLE_RE.finditer(text):
        yield Found(
            "constitution",
            match.start(),
            match.end(),
            context.national("constitution"),
            pinpoint=match.group(),
        )
    for match in _STATE_LAW_RE.finditer(text):
        if match.group().split()[-2:-1] == ["proposed"]:
            continue
        owner = match.group("owner")
        state = us_state(gazetteer, [*owner.split(), "law"])
        code = gazetteer.country(owner)
        if state is None and code is None:
            continue
        issuer = f"{state} Legislature" if state else law_issuer(context, code)
        yield Found("law", match.start(), match.end(), issuer)
