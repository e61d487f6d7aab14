"""The signatories stage: blocks of signatories, and one record per entry.

Blocks are found by ``text/lists.py`` (headings, closings, tables, statements' ends,
standalone list runs, with Markdown and HTML read as a reader sees them); each entry's
fields come from ``fields.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimscope.analysis import Analysis
from claimscope.dossier import Signatory, Statement
from claimscope.stages.signatories.fields import Fields, parse_entry
from claimscope.stages.signatories.tagger import Tagger, layouts, shipped_tagger
from claimscope.text.lists import Block, find_blocks, load_tables

STAGE = "signatories"
# Entries tagged per document: far above any real letter, and a bound on the work an
# adversarial text of a million one-word lines can cause.
MAX_ENTRIES = 2000


def _owner(statements: Sequence[Statement], block: Block, owned: set[int]) -> int | None:
    """The statement a block belongs to: the one it follows, else the nearest before it."""
    if block.after_statement is not None:
        return block.after_statement
    best: int | None = None
    for number, statement in enumerate(statements):
        if statement.end <= block.start:
            best = number
    if best is None or best in owned:
        return None
    return best


def _signatory(start: int, end: int, fields: Fields) -> Signatory:
    return Signatory(
        person=fields.person,
        role=fields.role,
        organization=fields.organization,
        acronym=fields.acronym,
        country=fields.country,
        url=fields.url,
        start=start,
        end=end,
    )


class SignatoriesStage:
    """Adds the `signatories` layer and links each block to its statement."""

    name = "signatories"
    needs_parse = False

    def __init__(self, tagger: Tagger | None = None) -> None:
        self.tables = load_tables()
        # Another tagger (one trained without a letter, for cross-validation) may be given.
        self.tagger = tagger or shipped_tagger()

    def __call__(self, analysis: Analysis) -> None:
        """Find signatory blocks and parse each entry into a signatory."""
        text = analysis.document.text
        body = analysis.dossier.anatomy.body
        body_start = body.start if body is not None and body.end > body.start else 0
        # The whole text is read: a signatory page's heading or first entries may sit
        # where anatomy sees a headline; only lists without a heading must reach the body.
        statements = analysis.dossier.statements
        _, blocks = find_blocks(
            text, 0, len(text), [statement.end for statement in statements], body_start
        )
        gazetteer = analysis.resources.gazetteer
        owned: set[int] = set()
        for block in blocks:
            owner = _owner(statements, block, owned)
            if owner is not None:
                owned.add(owner)
            # The layout the entries under one label share is a feature of each of them.
            for entry, shared in zip(
                block.entries, layouts(block.entries, self.tables, gazetteer), strict=True
            ):
                if len(analysis.dossier.signatories) >= MAX_ENTRIES:
                    analysis.warn(STAGE, "signatory list cut", entry.row.start, entry.row.end)
                    return
                fields = parse_entry(entry, text, gazetteer, self.tables, self.tagger, shared)
                for problem in fields.problems:
                    analysis.warn(STAGE, problem, entry.row.start, entry.row.end)
                index = len(analysis.dossier.signatories)
                analysis.dossier.signatories.append(
                    _signatory(entry.row.start, entry.row.end, fields)
                )
                if owner is not None:
                    statements[owner].signatories.append(index)
