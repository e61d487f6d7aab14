"""Court decisions: orders, judgments and advisory opinions of a court the text names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from claimscope.stages.citations.context import ISSUER_WINDOW_CHARS, Context
from claimscope.stages.citations.lookups import (
    entity_ending_at,
    issuer_before,
    last_court_before,
    tidy,
)
from claimscope.stages.citations.models import Found, Issuer, issuer_table
from claimscope.stages.citations.patterns import DATE_TAIL, NOT_WORD_AFTER, OF_COURT_RE, WEEKDAYS

_COURT_DECISION_RE = re.compile(
    r"(?P<det>(?<![\w])(?:its|their|the|this|that|an?)[ ]{1,3})?"
    r"(?P<adjective>(?:(?:provisional|interim)[ ]measures|provisional|interim|preliminary"
    r"|final|landmark|latest|recent|unanimous)[ ]{1,3})?"
    r"(?P<noun>Advisory[ ]Opinion|advisory[ ]opinion|[Oo]rder|[Jj]udge?ment|[Rr]uling"
    r"|[Vv]erdict|[Dd]ecision|[Oo]pinion)"
    + NOT_WORD_AFTER
    + DATE_TAIL
    + r"(?P<number>[ ]{1,3}(?:No\.?|no\.)[ ]?\d[\w/\-]{0,15})?"
)
_POSSESSIVE_BEFORE_RE = re.compile(r"['’]s?[ ]{1,3}$")

_THE_COURT_RE = re.compile(
    r"(?:[Tt]he[ ]{1,3}|[Tt]his[ ]{1,3})(?:[Cc]ourt|[Tt]ribunal)['’]s?[ ]{1,3}$"
)
_COURT_KINDS = frozenset({"court"})
_UNNAMED_COURT = Issuer(name="Supreme Court", kind="court", country=None, role="court")

_WEEKDAY_POSSESSIVE_RE = re.compile(
    r"(?<![\w])(?P<weekday>" + "|".join(WEEKDAYS) + r")['’]s[ ]{1,3}$"
)


def _weekday_date(weekday: str, reference: date) -> str:
    """The last such weekday on or before the reference date ("Monday's ruling")."""
    back = (reference.weekday() - WEEKDAYS.index(weekday)) % 7
    return date.fromordinal(reference.toordinal() - back).isoformat()


_COURT_WORD_RE = re.compile(r"(?<![\w])(?:[Cc]ourt|[Tt]ribunal)(?![\w])")
_DECISION_KINDS = {
    "order": "court_order",
    "advisory opinion": "advisory_opinion",
}


def court_decisions(context: Context) -> Iterator[Found]:
    """Orders, judgments and advisory opinions of a court the text names."""
    text = context.text
    courts = [mention for mention in context.issuers if mention[2].kind == "court"]
    for match in _COURT_DECISION_RE.finditer(text):
        noun = match.group("noun").casefold()
        if noun == "order" and text.startswith(" to", match.end("noun")):
            continue  # "an order to withdraw" is an instruction, not the document.
        if noun == "opinion" and (match.group("det") or "").strip() not in ("its", "the", "an"):
            continue  # "in his opinion" is a view, not a court's opinion.
        start = match.start("noun")
        if match.group("adjective"):
            start = match.start("adjective")
        before = text[max(0, start - ISSUER_WINDOW_CHARS) : match.start()]
        issuer: Issuer | None = None
        adjacent, adjacent_start = issuer_before(context, match.start(), _COURT_KINDS)
        possessive = _POSSESSIVE_BEFORE_RE.search(before)
        if adjacent is not None and adjacent_start is not None and possessive is None:
            # "Monday's Supreme Court ruling", "the ICJ order": the court names the noun.
            issuer, start = adjacent, adjacent_start
        if possessive is not None and issuer is None:
            owner = entity_ending_at(context, match.start() - len(possessive.group()))
            if owner is not None and _COURT_WORD_RE.search(owner[3]):
                # "the Court of Session's opinion": a court the table does not list.
                known = issuer_table().lookup(owner[3])
                bare = owner[3].removeprefix("the ").removeprefix("The ")
                if known is None and bare in ("Court", "court"):
                    known = last_court_before(courts, owner[0]) or _UNNAMED_COURT
                issuer = known or Issuer(name=bare, kind="court", country=None)
                start = owner[0] + (4 if owner[3].startswith(("the ", "The ")) else 0)
        if possessive is not None and issuer is None:
            named = context.issuers_in(match.start() - len(before), match.start())
            if named and named[-1][1] == match.start() - len(possessive.group()):
                issuer = named[-1][2] if named[-1][2].kind == "court" else None
                start = named[-1][0]
            elif _THE_COURT_RE.search(before):
                issuer = last_court_before(courts, match.start())
        after = OF_COURT_RE.match(text, match.end())
        if issuer is None and after is not None:
            named = context.issuers_in(after.end(), after.end() + ISSUER_WINDOW_CHARS)
            if named and named[0][0] == after.end() and named[0][2].kind == "court":
                issuer = named[0][2]
            elif _COURT_WORD_RE.match(text, after.end()):
                # "the opinion of the Court": the court named before, else the state's own.
                issuer = last_court_before(courts, match.start()) or _UNNAMED_COURT
        determiner = (match.group("det") or "").strip().casefold()
        has_detail = bool(match.group("date") or match.group("number"))
        if issuer is None and (determiner in ("its", "their") or has_detail):
            sentence = context.sentence_window(match.start())
            named = [
                m for m in context.issuers_in(sentence[0], match.start()) if m[2].kind == "court"
            ]
            if named:
                issuer = named[-1][2]
            elif determiner in ("its", "their"):
                # "In its Order of July 6, the Court ...": the court may be named after,
                # or only as "the Court" after a full name earlier in the text.
                following = context.issuers_in(match.end(), sentence[1])
                courts_after = [m for m in following if m[2].kind == "court"]
                if courts_after:
                    issuer = courts_after[0][2]
                elif _COURT_WORD_RE.search(text, sentence[0], sentence[1]):
                    issuer = last_court_before(courts, match.start())
        if issuer is None:
            continue
        # "a sovereign and legitimate decision" is not a court's; keep only the court's.
        if (
            noun == "decision"
            and not (has_detail or match.group("noun")[0].isupper())
            and possessive is None
            and after is None
            and determiner not in ("its", "their")
        ):
            continue
        kind = _DECISION_KINDS.get(noun, "court_judgment")
        if "measures" in (match.group("adjective") or ""):
            kind = "court_order"
        end = match.end()
        if after is not None and issuer is not None and possessive is None:
            named = context.issuers_in(after.end(), after.end() + ISSUER_WINDOW_CHARS)
            if named and named[0][0] == after.end():
                end = max(end, named[0][1])
        iso, inferred = context.date(match.group("date") or match.group("paren_year"))
        weekday = _WEEKDAY_POSSESSIVE_RE.search(text, max(0, start - 16), start)
        if iso is None and weekday is not None and context.reference is not None:
            iso, inferred = _weekday_date(weekday.group("weekday"), context.reference), True
            start = weekday.start()
        number = match.group("number")
        yield Found(
            kind=kind,
            start=start,
            end=end,
            issuer=context.issuer_name(issuer),
            date=iso,
            date_inferred=inferred,
            number=_number(number) if number else None,
        )


def _number(printed: str) -> str:
    return tidy(re.sub(r"^[ ]*(?:No\.?|no\.|Number|number|#)[ ]?", "", printed.strip()))
