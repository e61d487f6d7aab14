"""The stage wrapper: a document's Context built, its citations found and written."""

from __future__ import annotations

from dataclasses import replace

from claimscope.analysis import Analysis
from claimscope.dossier import Citation
from claimscope.stages.citations.context import Context
from claimscope.stages.citations.models import Found, issuer_table
from claimscope.stages.citations.resolve import document_state, find_citations, issuer_is_inferred
from claimscope.text.dates import reference_date
from claimscope.text.sentences import sentence_starts

STAGE = "citations"


def _without_final_period(text: str, found: Found) -> Found:
    """The span without a sentence's full stop ("... of America."), keeping "U.S."."""
    covered = text[found.start : found.end]
    if covered.endswith(".") and "." not in covered.rsplit(" ", 1)[-1][:-1]:
        return replace(found, end=found.end - 1)
    return found


class CitationsStage:
    """Adds the `citations` layer."""

    name = STAGE
    needs_parse = False

    def __call__(self, analysis: Analysis) -> None:
        """Find and normalise the document's references to other documents."""
        text = analysis.document.text
        table = issuer_table()
        dossier = analysis.dossier
        context = Context(
            text=text,
            gazetteer=analysis.resources.gazetteer,
            sentence_starts=sentence_starts(analysis.document.text, analysis.parsed),
            issuers=[
                (match.start(), match.end(), issuer)
                for match in table.pattern.finditer(text)
                if (issuer := table.lookup(match.group())) is not None
            ],
            countries=[
                (entity.start, entity.id.removeprefix("country:"))
                for entity in dossier.entities
                if entity.id is not None and entity.id.startswith("country:")
            ],
            subdivision_countries=[
                entity.id.removeprefix("subdivision:").split("-", 1)[0]
                for entity in dossier.entities
                if entity.id is not None and entity.id.startswith("subdivision:")
            ],
            reference=reference_date(dossier.anatomy.published),
            entities=sorted(
                (entity.start, entity.end, entity.label, entity.text) for entity in dossier.entities
            ),
        )
        context.countries.sort()
        context.state = document_state(context, dossier, table, analysis.document.hints.country)
        for found in find_citations(context):
            found = _without_final_period(text, found)
            dossier.citations.append(
                Citation(
                    kind=found.kind,
                    issuer=found.issuer,
                    issuer_inferred=issuer_is_inferred(context, found),
                    date=found.date,
                    date_inferred=found.date_inferred,
                    number=found.number,
                    pinpoint=found.pinpoint,
                    title=found.title,
                    text=text[found.start : found.end],
                    start=found.start,
                    end=found.end,
                    sentence=context.sentence_of(found.start),
                )
            )
