"""Documents cited by a name: from the data table ("JCPOA"), or labelled LAW by the model."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimscope.stages.citations.context import Context
from claimscope.stages.citations.lookups import country_in
from claimscope.stages.citations.models import Found, issuer_table
from claimscope.stages.citations.patterns import AMENDMENT_RE


def known_documents(context: Context) -> Iterator[Found]:
    """Documents cited by a name from the data table ("JCPOA", "Obamacare")."""
    table = issuer_table()
    if table.documents_pattern is None:
        return
    for match in table.documents_pattern.finditer(context.text):
        document = table.documents[match.group()]
        if document.context and not any(word in context.text for word in document.context):
            continue
        yield Found(
            document.kind,
            match.start(),
            match.end(),
            document.issuer,
            pinpoint=document.pinpoint,
            title=document.title,
        )


_LAW_ENTITY_KINDS = (
    (re.compile(r"(?<![\w])[Cc]onstitution(?![\w])"), "constitution"),
    (re.compile(r"(?<![\w])(?:Act|Code|Law|act)(?![\w])"), "law"),
    (
        re.compile(
            r"(?<![\w])(?:Treaty|Convention|Conventions|Agreement|Accords?|Charter|Protocol"
            r"|Statute|Covenant|Declaration)(?![\w])"
        ),
        "treaty",
    ),
)


def law_entities(context: Context) -> Iterator[Found]:
    """Documents the named-entity model labels LAW, kept when they hold a document noun."""
    for start, end, label, printed in context.entities:
        if label != "LAW":
            continue
        kind = next((kind for pattern, kind in _LAW_ENTITY_KINDS if pattern.search(printed)), None)
        if kind is None:
            continue
        if printed.startswith(("the ", "The ")):
            start, printed = start + 4, printed[4:]
        issuer = None
        pinpoint = None
        country = country_in(context.gazetteer, printed)
        if kind == "law":
            issuer = context.national("legislature", country)
        elif kind == "constitution":
            clause = AMENDMENT_RE.match(printed)
            if clause is not None:
                # "Due Process Clause of the United States Constitution": the clause is
                # the pinpoint, and named amendments and clauses are the US Constitution's.
                pinpoint, country = clause.group("pin"), country or "US"
            issuer = context.national("constitution", country)
        yield Found(
            kind,
            start,
            end,
            issuer,
            pinpoint=pinpoint,
            title=printed if kind != "constitution" else None,
        )
