"""Terminal output: a readable summary of each dossier, with Rich."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimscope.adapters.report.wording import dateline_place
from claimscope.dossier import Dossier

# C0 and C1 control characters and DEL, written as JSON-style \uXXXX escapes: a
# document's ESC sequences could otherwise recolour, retitle or rewrite the terminal
# that shows them. The escape is valid inside a JSON string, so JSON shown on a terminal
# still parses, and escaping twice changes nothing.
_CONTROLS = {code: f"\\u{code:04x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_KEEP_LINES = {code: escape for code, escape in _CONTROLS.items() if chr(code) not in "\t\n"}
_ONE_LINE = {code: escape for code, escape in _CONTROLS.items() if chr(code) != "\t"}


def terminal_safe(text: str, *, one_line: bool = False) -> str:
    """Text with its control characters escaped (newlines kept unless ``one_line``)."""
    return text.translate(_ONE_LINE if one_line else _KEEP_LINES)


def summary_lines(dossiers: Sequence[Dossier]) -> list[str]:
    """One line per dossier: source, headline and the size of each layer."""
    lines = []
    for dossier in dossiers:
        headline = dossier.anatomy.headline.text if dossier.anatomy.headline else "(no headline)"
        counts = ", ".join(
            f"{len(getattr(dossier, layer))} {layer}"
            for layer in ("statements", "signatories", "voices", "entities", "citations", "claims")
        )
        lines.append(
            terminal_safe(f"{dossier.document.source}: {headline} [{counts}]", one_line=True)
        )
    return lines


# The terminal shows the head of the ranking; the reports list every claim.
TOP_CLAIMS = 12


def render_text(dossiers: Sequence[Dossier], width: int = 100) -> str:
    """The dossiers as terminal text (with colour when printed by Rich to a terminal)."""
    buffer = io.StringIO()
    # Document text is data: with markup on, a headline holding "[/x]" would crash Rich
    # and "[link=…]" would become a hyperlink.
    console = Console(file=buffer, width=width, highlight=False, color_system=None, markup=False)
    for dossier in dossiers:
        _print_dossier(console, dossier)
    return terminal_safe(buffer.getvalue())


def _print_dossier(console: Console, dossier: Dossier) -> None:
    anatomy = dossier.anatomy
    console.rule(Text(dossier.document.source, style="bold"))
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    table.add_row("headline", anatomy.headline.text if anatomy.headline else "—")
    table.add_row("section", anatomy.section or "—")
    table.add_row("bylines", ", ".join(b.name for b in anatomy.bylines) or "—")
    table.add_row("published", anatomy.published or "—")
    if anatomy.dateline:
        dateline = anatomy.dateline
        table.add_row(
            "dateline",
            f"{dateline.text!r} → {dateline_place(dateline)}, {dateline.date or '?'}",
        )
    else:
        table.add_row("dateline", "—")
    table.add_row("agency", anatomy.agency.name if anatomy.agency else "—")
    for statement in dossier.statements:
        table.add_row(
            "statement",
            f"{statement.issuer or 'unknown issuer'}: "
            f"characters {statement.start}–{statement.end}, "
            f"{len(statement.signatories)} signatories",
        )
    console.print(table)
    if dossier.signatories:
        signers = Table(title="Signatories", show_lines=False)
        for column in ("#", "person", "role", "organization", "acronym", "country"):
            signers.add_column(column)
        for index, signer in enumerate(dossier.signatories, start=1):
            signers.add_row(
                str(index),
                signer.person or "",
                signer.role or "",
                signer.organization or "",
                signer.acronym or "",
                signer.country or "",
            )
        console.print(signers)
    if dossier.entities:
        seen: dict[tuple[str, str], int] = {}
        for entity in dossier.entities:
            key = (entity.id or entity.text, entity.label)
            seen[key] = seen.get(key, 0) + 1
        ranked = sorted(seen.items(), key=lambda item: -item[1])[:15]
        console.print(
            "entities: "
            + ", ".join(f"{name} ({label}) ×{count}" for (name, label), count in ranked)
        )
    if dossier.citations:
        cited = Table(title="Citations")
        for column in ("#", "kind", "issuer", "date", "pinpoint", "text"):
            cited.add_column(column)
        for index, citation in enumerate(dossier.citations, start=1):
            issuer = citation.issuer or ""
            if citation.issuer and citation.issuer_inferred:
                issuer += " (inferred)"
            cited.add_row(
                str(index),
                citation.kind,
                issuer,
                citation.date or "",
                citation.pinpoint or "",
                _shorten(citation.text, 60),
            )
        console.print(cited)
    if dossier.claims:
        ranked_claims = sorted(dossier.claims, key=lambda claim: claim.rank)[:TOP_CLAIMS]
        claims = Table(
            title=f"Most check-worthy claims ({len(ranked_claims)} of {len(dossier.claims)}; "
            "a score for attention, not a verdict)"
        )
        for column in ("rank", "score", "speaker", "claim"):
            claims.add_column(column)
        for claim in ranked_claims:
            claims.add_row(
                str(claim.rank),
                f"{claim.checkworthiness:.2f}",
                claim.speaker or "",
                _shorten(claim.text, 160),
            )
        console.print(claims)
    for warning in dossier.warnings:
        console.print(f"warning [{warning.stage}]: {warning.message}", style="yellow")


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
