"""Reports and official statements identified by a title, a date or a number."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimscope.stages.citations.context import Context
from claimscope.stages.citations.lookups import issuer_before, tidy
from claimscope.stages.citations.models import Found
from claimscope.stages.citations.patterns import DATE, QUOTED

_REPORT_RE = re.compile(
    r"(?<![\w\-])(?P<noun>[Rr]eport)(?:,)?[ ]{1,3}(?:(?:titled|entitled|called|named)[ ]{1,3}"
    + QUOTED
    + r"|(?:dated|of|published[ ]on|issued[ ]on)[ ]{1,3}(?P<date>"
    + DATE
    + "))"
)
_REPORT_ISSUER_KINDS = frozenset({"organ", "organization", "court", "government", "parliament"})


def reports(context: Context) -> Iterator[Found]:
    """Reports with a title or a date ("report titled '...'", "report of 3 May")."""
    for match in _REPORT_RE.finditer(context.text):
        issuer, issuer_start = issuer_before(context, match.start(), _REPORT_ISSUER_KINDS)
        iso, inferred = context.date(match.group("date"))
        quoted = match.group("quoted")
        yield Found(
            "report",
            issuer_start if issuer_start is not None else match.start(),
            match.end(),
            context.issuer_name(issuer) if issuer else None,
            iso,
            inferred,
            title=tidy(quoted) if quoted else None,
        )


_OFFICIAL_STATEMENT_RE = re.compile(
    r"(?<![\w\-])(?P<noun>[Pp]ress[ ]release|[Pp]ress[ ]statement|[Ss]tatement|[Cc]ommuniqu[eé]"
    r"|[Ss]peech|[Aa]ddress[ ]to[ ]the[ ]nation)"
    r"(?:[ ]{1,3}(?:No\.?|no\.)[ ]?(?P<number>\d[\w/\-]{0,15})"
    r"|(?:,)?[ ]{1,3}(?:of|dated|issued[ ]on|published[ ]on|released[ ]on)[ ]{1,3}(?P<date>"
    + DATE
    + "))"
)
_STATEMENT_ISSUER_KINDS = frozenset({"organ", "organization", "court", "government", "parliament"})


def official_statements(context: Context) -> Iterator[Found]:
    """Press releases, statements and speeches with a date or a number."""
    text = context.text
    for match in _OFFICIAL_STATEMENT_RE.finditer(text):
        issuer, issuer_start = issuer_before(context, match.start(), _STATEMENT_ISSUER_KINDS)
        iso, inferred = context.date(match.group("date"))
        yield Found(
            "official_statement",
            issuer_start if issuer_start is not None else match.start(),
            match.end(),
            context.issuer_name(issuer) if issuer else None,
            iso,
            inferred,
            number=match.group("number"),
        )
