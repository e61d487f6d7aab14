"""Resolutions by number ("Security Council resolution 884") and UN document symbols."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimscope.stages.citations.context import ISSUER_WINDOW_CHARS, Context
from claimscope.stages.citations.lookups import issuer_before, tidy
from claimscope.stages.citations.models import Found
from claimscope.stages.citations.patterns import DATE_TAIL, NOT_WORD_AFTER, OF_COURT_RE

_RESOLUTION_NUMBER = r"(?:ES-\d{1,3}/)?\d{1,5}(?:/\d{1,5})?(?:[ ]{0,2}\((?:19|20)\d{2}\))?"
_RESOLUTION_RE = re.compile(
    r"(?<![\w])(?P<noun>[Rr]esolutions?)"
    r"(?:[ ]{1,3}(?:No\.?|no\.|number|Nos\.?|nos\.))?"
    rf"(?:[ ]{{1,3}}(?P<numbers>{_RESOLUTION_NUMBER}"
    rf"(?:(?:,[ ]{{1,2}}|,?[ ]{{1,3}}(?:and|&)[ ]{{1,3}}){_RESOLUTION_NUMBER}){{0,12}}))?"
    + NOT_WORD_AFTER
    + DATE_TAIL
)
_ONE_NUMBER_RE = re.compile(_RESOLUTION_NUMBER)
_SYMBOL_RE = re.compile(
    r"(?<![\w/])(?P<symbol>S/RES/\d{1,5}[ ]?\((?:19|20)\d{2}\)|S/RES/\d{1,5}"
    r"|A/RES/(?:ES-\d{1,3}|\d{1,3})/\d{1,4}|A/HRC/RES/\d{1,3}/\d{1,4}"
    r"|A/HRC/\d{1,3}/\d{1,4}|A/\d{2,3}/\d{1,4}|S/(?:19|20)\d{2}/\d{1,4})(?![\w/])"
)
_SYMBOL_ISSUERS = (
    ("A/HRC/", "UN Human Rights Council"),
    ("A/", "UN General Assembly"),
    ("S/", "UN Security Council"),
)
_RESOLUTION_ISSUER_KINDS = frozenset({"organ", "organization", "parliament", "government"})


def resolutions(context: Context) -> Iterator[Found]:
    """Resolutions by number ("Security Council resolution 884") and UN document symbols."""
    text = context.text
    for match in _RESOLUTION_RE.finditer(text):
        numbers = match.group("numbers")
        printed_date = match.group("date")
        issuer, issuer_start = issuer_before(context, match.start(), _RESOLUTION_ISSUER_KINDS)
        if issuer is None:
            after = OF_COURT_RE.match(text, match.end())
            if after is not None:
                named = context.issuers_in(after.end(), after.end() + ISSUER_WINDOW_CHARS)
                if named and named[0][0] == after.end():
                    issuer = named[0][2]
        plural = match.group("noun").endswith("s")
        if not numbers and not printed_date and (issuer_start is None or plural):
            continue  # "the resolution", "UN resolutions": no one document identified.
        if issuer is None:
            sentence = context.sentence_window(match.start())
            named = [
                m
                for m in context.issuers_in(sentence[0], match.start())
                if m[2].kind in ("organ", "parliament")
            ]
            if named:
                issuer = named[-1][2]
        iso, inferred = context.date(printed_date or match.group("paren_year"))
        start = issuer_start if issuer_start is not None else match.start()
        if not numbers:
            yield Found(
                "resolution",
                start,
                match.end(),
                context.issuer_name(issuer) if issuer else None,
                iso,
                inferred,
            )
            continue
        offset = match.start("numbers")
        pieces = list(_ONE_NUMBER_RE.finditer(numbers))
        for index, piece in enumerate(pieces):
            number = tidy(piece.group())
            year = re.search(r"\(((?:19|20)\d{2})\)", number)
            piece_date, piece_inferred = iso, inferred
            if year and not printed_date:
                piece_date, piece_inferred = year.group(1), False
            piece_start = start if index == 0 else offset + piece.start()
            piece_end = offset + piece.end()
            if index == len(pieces) - 1:
                piece_end = max(piece_end, match.end())
            yield Found(
                "resolution",
                piece_start,
                piece_end,
                context.issuer_name(issuer) if issuer else None,
                piece_date,
                piece_inferred,
                number=number,
            )
    for match in _SYMBOL_RE.finditer(text):
        symbol = tidy(match.group("symbol"))
        issuer_name = next(name for prefix, name in _SYMBOL_ISSUERS if symbol.startswith(prefix))
        kind = "resolution" if "/RES/" in symbol else "report"
        year = re.search(r"\(((?:19|20)\d{2})\)", symbol)
        yield Found(
            kind,
            match.start(),
            match.end(),
            issuer_name,
            year.group(1) if year else None,
            number=symbol,
        )
