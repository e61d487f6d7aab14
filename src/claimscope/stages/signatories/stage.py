"""The signatories stage: blocks of signatories, and one record per entry.

Blocks are found by ``text/lists.py`` (headings, closings, tables, statements' ends,
standalone list runs, with Markdown and HTML read as a reader sees them); each entry's
fields come from ``fields.py``.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Sequence

from claimscope.analysis import Analysis
from claimscope.dossier import Signatory, Statement
from claimscope.stages.signatories.fields import Fields, parse_entry
from claimscope.stages.signatories.tagger import Tagger, layouts, shipped_tagger
from claimscope.text.lists import Block, find_blocks, load_tables

STAGE = "signatories"


class _Owners:
    """The statement each block belongs to: the one it follows, else the last statement
    (in the layer's order) that ends before it, each statement owning at most one such
    block. Binary search over the statements' ends, so many blocks and many statements
    stay cheap."""

    def __init__(self, statements: Sequence[Statement]) -> None:
        order = sorted(range(len(statements)), key=lambda number: statements[number].end)
        self.ends = [statements[number].end for number in order]
        # For the first k statements by end, the one latest in the layer's order.
        self.latest: list[int] = []
        for number in order:
            self.latest.append(max(number, self.latest[-1]) if self.latest else number)
        self.owned: set[int] = set()

    def __call__(self, block: Block) -> int | None:
        if block.after_statement is not None:
            self.owned.add(block.after_statement)
            return block.after_statement
        count = bisect.bisect_right(self.ends, block.start)
        if count == 0 or self.latest[count - 1] in self.owned:
            return None
        owner = self.latest[count - 1]
        self.owned.add(owner)
        return owner


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
        owners = _Owners(statements)
        read: dict[tuple[object, ...], Fields] = {}
        for block in blocks:
            owner = owners(block)
            # The layout the entries under one label share is a feature of each of them.
            for entry, shared in zip(
                block.entries, layouts(block.entries, self.tables, gazetteer), strict=True
            ):
                # A list repeats entries (and an adversarial text repeats one line many
                # times): an entry read once under one layout is not tagged again.
                key = (
                    entry.row.kind,
                    entry.row.text,
                    entry.row.visible.links,
                    entry.header,
                    shared,
                )
                known = read.get(key)
                if known is None:
                    known = parse_entry(entry, text, gazetteer, self.tables, self.tagger, shared)
                    read[key] = known
                fields = dataclasses.replace(known, problems=list(known.problems))
                for problem in fields.problems:
                    analysis.warn(STAGE, problem, entry.row.start, entry.row.end)
                index = len(analysis.dossier.signatories)
                analysis.dossier.signatories.append(
                    _signatory(entry.row.start, entry.row.end, fields)
                )
                if owner is not None:
                    statements[owner].signatories.append(index)
