"""The extractors, one module per kind or construction, in their priority order."""

from __future__ import annotations

from claimscope.stages.citations.extractors.case_names import case_names
from claimscope.stages.citations.extractors.constitutions import amendments, constitutions
from claimscope.stages.citations.extractors.court_decisions import court_decisions
from claimscope.stages.citations.extractors.implicit_documents import implicit_documents
from claimscope.stages.citations.extractors.issued_documents import issued_documents
from claimscope.stages.citations.extractors.known_documents import known_documents, law_entities
from claimscope.stages.citations.extractors.laws import laws
from claimscope.stages.citations.extractors.other_references import other_references
from claimscope.stages.citations.extractors.reports import official_statements, reports
from claimscope.stages.citations.extractors.resolutions import resolutions
from claimscope.stages.citations.extractors.treaties import treaties

EXTRACTORS = (
    known_documents,
    court_decisions,
    resolutions,
    constitutions,
    treaties,
    laws,
    reports,
    official_statements,
    amendments,
    issued_documents,
    case_names,
    implicit_documents,
    other_references,
    law_entities,
)
"""The extractors, in priority order: on equal spans the earlier one's reading wins."""
