"""The citations stage: references to documents, each a normalised record to fetch.

Built like eyecite: small extractors, one per kind of reference, each a pattern and a
normaliser that turns the match into a typed :class:`Found`; overlapping finds are then
resolved (the longer span wins), a pinpoint printed before the reference ("Article 7
of the ...") is attached, and each find becomes a :class:`~claimscope.dossier.Citation`
with the index of its sentence.

The noise rule: a generic mention ("a peace agreement", "the act of voting", "federal
law", "the resolution", "UN resolutions", "in his opinion", "an executive order") is not a
citation. A reference is kept only when it carries something that identifies one document:
a title ("Rome Statute", "Criminal Code"), a number ("resolution 884", "Law No. 123"), a date
("Order of July 6"), a pinpoint, for a court decision the court or judge that issued it, for
a resolution, statement or report an issuer named next to it or by its own clause ("Security
Council resolution", "the ministry said in a statement", "the OECD's report", "a statement by
NATO"; then the span is the document noun alone), for an executive order the person who
signed it. A communiqué or press release is an official document by itself; "a statement" or
"a report" with no issuer in its clause stays noise. A constitution is one per state, so "the
Constitution" identifies it by itself; unqualified, it and "the Supreme Court", "Congress" or
an act are the document's state's (the dateline's, else a country or national body it names
at least twice and more than all others, else ``default_country`` of
``citation_issuers.json``).

Every pattern uses bounded quantifiers only and is searched once over the text (or over
a bounded window before a match), so matching time stays linear on adversarial input.

The modules, as in eyecite: ``patterns`` (pattern pieces several extractors share),
``models`` (:class:`Found`, issuers, known documents and the issuer table), ``context``
(:class:`Context`, what the extractors read, and :func:`parse_date`), ``lookups`` (issuers,
courts and states near a reference, shared by several extractors), ``extractors`` (one
module per kind or construction, assembled in priority order as ``EXTRACTORS``),
``resolve`` (pinpoints, overlaps, states, acronym mentions, inferred issuers:
:func:`find_citations`) and ``stage`` (:class:`CitationsStage`).
"""

from __future__ import annotations

from claimscope.stages.citations.context import Context, parse_date
from claimscope.stages.citations.extractors import EXTRACTORS
from claimscope.stages.citations.models import (
    Found,
    Issuer,
    IssuerTable,
    KnownDocument,
    issuer_table,
)
from claimscope.stages.citations.resolve import find_citations
from claimscope.stages.citations.stage import STAGE, CitationsStage

__all__ = [
    "EXTRACTORS",
    "STAGE",
    "CitationsStage",
    "Context",
    "Found",
    "Issuer",
    "IssuerTable",
    "KnownDocument",
    "find_citations",
    "issuer_table",
    "parse_date",
]
