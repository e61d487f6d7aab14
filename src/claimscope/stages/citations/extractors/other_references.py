"""Bills by number, named amendments, a court's or judge's ruling, a body's guidelines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimscope.stages.citations.context import Context
from claimscope.stages.citations.lookups import last_court_before, tidy, us_state
from claimscope.stages.citations.models import Found, issuer_table
from claimscope.stages.citations.patterns import COUNTRY_OWNER_RE

# "SB 1070", "H.R. 1": bills and acts by legislative number.
_BILL_NUMBER_RE = re.compile(
    r"(?<![\w\-.])(?P<chamber>H\.R\.|S\.B\.|H\.B\.|SB|HB|AB)[ ]?(?P<number>\d{1,5})(?![\w\-])"
)
# "the Hyde Amendment": an amendment named for its sponsor is a law, not a pinpoint.
_NAMED_AMENDMENT_RE = re.compile(
    r"(?<![\w\-])(?P<name>[A-Z][a-z]{2,20}(?:[-–][A-Z][a-z]{2,20})?)[ ]Amendment(?![\w\-])"
)
_ORDINAL_WORDS = frozenset(
    {
        "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
        "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth",
        "Seventeenth", "Eighteenth", "Nineteenth", "Twentieth", "Twenty", "The", "This", "An",
        "A", "New", "Proposed",
    }
)  # fmt: skip
_COURT_NOUN_RE = re.compile(
    r"(?<![\w\-])(?:the|a|an)[ ]{1,3}(?P<court>(?:(?:federal|appeals|district|state|high|top"
    r"|supreme|appellate|lower|constitutional|military)[ ]{1,3}){0,2}court)['’]s?[ ]{1,3}"
    r"(?:(?:latest|recent|final|landmark|unanimous)[ ]{1,3})?"
    r"(?P<noun>ruling|decision|order|opinion|judge?ment|verdict)(?![\w\-])"
)
# "Judge Gray Miller's ruling", "a federal judge's order": a judge's decision.
_JUDGE_DECISION_RE = re.compile(
    r"(?<![\w\-])(?P<judge>(?:(?:U\.S\.|federal|district|appeals|state)[ ]{1,3})?[Jj]udge"
    r"(?:[ ][A-Z][\w.\-]{1,20}){0,3})['’]s?[ ]{1,3}"
    r"(?:(?:latest|recent|final|temporary|preliminary)[ ]{1,3})?"
    r"(?P<noun>ruling|decision|order|opinion|judge?ment|injunction)(?![\w\-])"
)
_NAMED_OTHER_RE = re.compile(
    r"(?<![\w\-])(?P<name>[A-Z][A-Za-z.&\-]{1,15})[ ](?P<noun>guidelines)(?![\w\-])"
)


def other_references(context: Context) -> Iterator[Found]:
    """Bills by number, named amendments, "the court's ruling", "NATO guidelines"."""
    text = context.text
    courts = [mention for mention in context.issuers if mention[2].kind == "court"]
    for match in _BILL_NUMBER_RE.finditer(text):
        federal = match.group("chamber") == "H.R."
        owner = COUNTRY_OWNER_RE.search(text, max(0, match.start() - 40), match.start())
        state = (
            us_state(context.gazetteer, [*owner.group("owner").split(), "bill"]) if owner else None
        )
        yield Found(
            "law",
            match.start(),
            match.end(),
            context.national("legislature")
            if federal
            else (f"{state} Legislature" if state else None),
            number=tidy(match.group()),
        )
    for match in _NAMED_AMENDMENT_RE.finditer(text):
        if match.group("name") in _ORDINAL_WORDS:
            continue
        yield Found(
            "law",
            match.start(),
            match.end(),
            context.national("legislature"),
            title=match.group(),
        )
    for match in _COURT_NOUN_RE.finditer(text):
        court = last_court_before(courts, match.start())
        noun = match.group("noun")
        yield Found(
            "court_order" if noun == "order" else "court_judgment",
            match.start("court"),
            match.end(),
            context.issuer_name(court) if court else None,
        )
    for match in _JUDGE_DECISION_RE.finditer(text):
        judge = match.group("judge")
        named = judge.split()[-1][0].isupper() and judge.split()[-1].casefold() != "judge"
        yield Found(
            "court_order" if match.group("noun") in ("order", "injunction") else "court_judgment",
            match.start(),
            match.end(),
            judge if named else None,
        )
    for match in _NAMED_OTHER_RE.finditer(text):
        known = issuer_table().lookup(match.group("name"))
        if known is None:
            continue
        yield Found("other", match.start(), match.end(), match.group("name"))
