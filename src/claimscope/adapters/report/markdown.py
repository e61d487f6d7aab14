"""Markdown report: a readable dossier with tables, safe to paste into any Markdown viewer.

Every string taken from a document is escaped, so text from the document can neither
break a table (``|``, newlines) nor turn into links (bare URLs and e-mail addresses, which
GitHub links by themselves, are shown as code), emphasis or raw HTML.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Final

from claimscope.adapters.report.wording import (
    CHECKED_BEFORE_NOTE,
    dateline_place,
    highlighted_window,
    match_source,
    matched_claims,
    reviewer_rating,
)
from claimscope.dossier import Dossier, Entity
from claimscope.stages.techniques.descriptions import describe

NOT_A_VERDICT: Final = (
    "Findings are for examination, not verdicts: a technique label marks how a passage "
    "tries to persuade, and check-worthiness says how much a claim deserves checking; "
    "neither says whether anything is true, or which side is right."
)
EXCERPT_CHARS: Final = 300
TOP_ENTITIES: Final = 20

# Characters that start Markdown or HTML constructs anywhere in a line.
_SIGNIFICANT = re.compile(r"([\\`*_\[\]<>|~&])")
# A line starting with these would become a heading, list, quote or rule.
_LINE_START = re.compile(r"^(?:([-=+#])|(\d+)([.)]))")
# GitHub-flavoured renderers link bare "scheme://…", "www.…" and "name@domain" text, and
# some do so even with its punctuation backslash-escaped; a code span is never linked.
_LINK_LIKE = re.compile(r"://|www\.|@", re.IGNORECASE)
_BACKTICKS = re.compile(r"`+")


def escape_markdown(text: str) -> str:
    """Text on one line, with every Markdown-significant character backslash-escaped."""
    words = " ".join(text.split()).split(" ")
    escaped = " ".join(
        _code_span(word) if _LINK_LIKE.search(word) else _SIGNIFICANT.sub(r"\\\1", word)
        for word in words
    )
    return _LINE_START.sub(_escape_line_start, escaped)


def _code_span(word: str) -> str:
    """The word as inline code: its fence outlasts any backtick run inside it."""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(word)), default=0) + 1)
    padding = " " if word.startswith("`") or word.endswith("`") else ""
    # A table splits cells at "|" before it reads code spans.
    content = word.replace("|", "\\|")
    return f"{fence}{padding}{content}{padding}{fence}"


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"


def render_markdown(dossiers: Sequence[Dossier]) -> str:
    """The dossiers as a Markdown report."""
    reports = [_render_dossier(dossier) for dossier in dossiers]
    if len(dossiers) > 1:
        index = "\n".join(
            f"{number}. {escape_markdown(_title_of(dossier))} — "
            f"{escape_markdown(dossier.document.source)}"
            for number, dossier in enumerate(dossiers, start=1)
        )
        header = f"# claimscope report: {len(dossiers)} documents\n\n{index}\n\n> {NOT_A_VERDICT}\n"
        return "\n---\n\n".join([header, *reports])
    return reports[0] if reports else "# claimscope report\n\nNo document.\n"


def _title_of(dossier: Dossier) -> str:
    if dossier.anatomy.headline and dossier.anatomy.headline.text.strip():
        return dossier.anatomy.headline.text
    return dossier.document.title or dossier.document.source


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return escape_markdown(text) if text.strip() else "—"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A pipe table; cells must already be escaped (``_cell``) or be trusted text."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return escape_markdown(flat)


def _span_text(dossier: Dossier, start: int, end: int) -> str:
    text = dossier.document.text
    start = min(max(start, 0), len(text))
    return text[start : min(max(end, start), len(text))]


def _render_dossier(dossier: Dossier) -> str:
    sections = [
        f"# {escape_markdown(_title_of(dossier))}\n\n{_metadata(dossier)}",
        _statements(dossier),
        _signatories(dossier),
        _entities(dossier),
        _voices(dossier),
        _citations(dossier),
        _claims(dossier),
        _checked_before(dossier),
        _techniques(dossier),
        _warnings(dossier),
        f"> {NOT_A_VERDICT}\n",
    ]
    return "\n".join(section for section in sections if section)


def _metadata(dossier: Dossier) -> str:
    document = dossier.document
    anatomy = dossier.anatomy
    rows = [["Source", _cell(document.source)]]
    if document.outlet:
        rows.append(["Outlet", _cell(document.outlet)])
    if document.url:
        rows.append(["URL", _cell(document.url)])
    rows.append(["Document id", _cell(document.id)])
    rows.append(["Section", _cell(anatomy.section)])
    rows.append(["Bylines", _cell(", ".join(byline.name for byline in anatomy.bylines))])
    rows.append(["Published", _cell(anatomy.published)])
    if anatomy.dateline:
        dateline = anatomy.dateline
        date = dateline.date or "?"
        if dateline.date and dateline.date_inferred:
            date += " (year inferred)"
        rows.append(
            [
                "Dateline",
                f"“{_cell(dateline.text)}” — {_cell(dateline_place(dateline))}, "
                f"date: {escape_markdown(date)}",
            ]
        )
    else:
        rows.append(["Dateline", "—"])
    rows.append(["Agency", _cell(anatomy.agency.name if anatomy.agency else None)])
    rows.append(["Language", _cell(document.language)])
    return _table(("Field", "Value"), rows)


def _statements(dossier: Dossier) -> str:
    if not dossier.statements:
        return ""
    blocks = [f"## Statements ({len(dossier.statements)})\n"]
    for number, statement in enumerate(dossier.statements, start=1):
        signers = len(statement.signatories)
        details = [
            f"**Issuer:** {_cell(statement.issuer)}",
            f"**Cue:** {'“' + _cell(statement.cue.text) + '”' if statement.cue else '—'}",
            f"characters {statement.start}–{statement.end}",
            f"{signers} signator{'y' if signers == 1 else 'ies'}",
        ]
        excerpt = _excerpt(_span_text(dossier, statement.start, statement.end))
        blocks.append(f"{number}. {' · '.join(details)}\n\n   > {excerpt}\n")
    return "\n".join(blocks)


def _signatories(dossier: Dossier) -> str:
    if not dossier.signatories:
        return ""
    rows = [
        [
            str(number),
            _cell(signatory.person),
            _cell(signatory.role),
            _cell(signatory.organization),
            _cell(signatory.acronym),
            _cell(signatory.country),
        ]
        for number, signatory in enumerate(dossier.signatories, start=1)
    ]
    table = _table(("#", "Person", "Role", "Organization", "Acronym", "Country"), rows)
    return f"## Signatories ({len(rows)})\n\n{table}"


def _entities(dossier: Dossier) -> str:
    if not dossier.entities:
        return ""
    groups: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for entity in dossier.entities:
        groups[(entity.id or entity.text.casefold(), entity.label)].append(entity)
    ranked = sorted(groups.values(), key=lambda mentions: -len(mentions))
    rows = [
        [
            _cell(mentions[0].text),
            _cell(mentions[0].label),
            _cell(mentions[0].id),
            str(len(mentions)),
        ]
        for mentions in ranked[:TOP_ENTITIES]
    ]
    table = _table(("Entity", "Label", "Id", "Mentions"), rows)
    shown = f"top {len(rows)} of {len(groups)}" if len(groups) > len(rows) else f"{len(groups)}"
    return f"## Entities ({len(dossier.entities)} mentions, {shown} distinct)\n\n{table}"


def _voices(dossier: Dossier) -> str:
    if not dossier.voices:
        return ""
    rows = []
    for number, voice in enumerate(dossier.voices, start=1):
        content = _span_text(dossier, voice.content.start, voice.content.end)
        rows.append(
            [
                str(number),
                _cell(voice.speaker or "unattributed"),
                _cell(voice.kind),
                _cell(voice.cue.text if voice.cue else None),
                _excerpt(content, 160) or "—",
            ]
        )
    table = _table(("#", "Speaker", "Kind", "Cue", "Content"), rows)
    return f"## Voices ({len(rows)})\n\n{table}"


def _citations(dossier: Dossier) -> str:
    if not dossier.citations:
        return ""
    rows = []
    for number, citation in enumerate(dossier.citations, start=1):
        date = _cell(citation.date)
        if citation.date and citation.date_inferred:
            date += " (inferred)"
        issuer = _cell(citation.issuer)
        if citation.issuer and citation.issuer_inferred:
            issuer += " (inferred)"
        rows.append(
            [
                str(number),
                _cell(citation.kind),
                issuer,
                date,
                _cell(citation.number),
                _cell(citation.pinpoint),
                _excerpt(citation.text, 120) or "—",
            ]
        )
    table = _table(("#", "Kind", "Issuer", "Date", "Number", "Pinpoint", "Text"), rows)
    return f"## Citations ({len(rows)})\n\n{table}"


def _claims(dossier: Dossier) -> str:
    if not dossier.claims:
        return ""
    ranked = sorted(dossier.claims, key=lambda claim: -claim.checkworthiness)
    rows = []
    for rank, claim in enumerate(ranked, start=1):
        cited = ", ".join(f"\\[{index + 1}\\]" for index in claim.citations) or "—"
        rows.append(
            [
                str(rank),
                f"{claim.checkworthiness:.2f}",
                _excerpt(claim.text, 240) or "—",
                _cell(claim.speaker),
                cited,
            ]
        )
    table = _table(("Rank", "Check-worthiness", "Claim", "Speaker", "Citations"), rows)
    return (
        f"## Claims ({len(rows)})\n\n"
        "Ranked by check-worthiness: how much a claim deserves checking, not whether it is "
        f"true. Citation numbers refer to the citations table.\n\n{table}"
    )


def _checked_before(dossier: Dossier) -> str:
    claims = matched_claims(dossier)
    if not claims:
        return ""
    rows = []
    for _, claim in claims:
        for match in claim.matches:
            before, marked, after = highlighted_window(match, 240)
            # escape_markdown trims each piece: the spaces around the highlight come back.
            pieces = [escape_markdown(before)]
            if marked.strip():
                pieces.append(f"**{escape_markdown(marked)}**")
            pieces.append(escape_markdown(after))
            text = _join_pieces(
                pieces, [before, marked, after] if marked.strip() else [before, after]
            )
            rows.append(
                [
                    _excerpt(claim.text, 120) if match.rank == 1 else "",
                    str(match.rank),
                    f"{match.score:.2f}",
                    "fact-check" if match.kind == "factcheck" else "document",
                    _cell(match_source(match)),
                    text or "—",
                    _cell(reviewer_rating(match)),
                    # As inline code, like every address the report prints: never a link.
                    _cell(match.url),
                ]
            )
    table = _table(
        ("Claim", "#", "Score", "Kind", "Source", "Matched text", "Reviewer's rating", "Link"),
        rows,
    )
    return f"## Checked before ({len(claims)})\n\n{escape_markdown(CHECKED_BEFORE_NOTE)}\n\n{table}"


def _join_pieces(pieces: Sequence[str], raw: Sequence[str]) -> str:
    """Escaped pieces joined with a space wherever the raw text had one between them."""
    joined = ""
    for number, (piece, original) in enumerate(zip(pieces, raw, strict=True)):
        if (
            number
            and piece
            and joined
            and (original[:1].isspace() or raw[number - 1][-1:].isspace())
        ):
            joined += " "
        joined += piece
    return joined


def _techniques(dossier: Dossier) -> str:
    if not dossier.techniques:
        return ""
    ordered = sorted(dossier.techniques, key=lambda technique: technique.start)
    rows = [
        [
            _cell(describe(technique.technique)[0]),
            f"{technique.score:.2f}",
            f"{technique.start}–{technique.end}",
            _excerpt(_span_text(dossier, technique.start, technique.end), 160) or "—",
        ]
        for technique in ordered
    ]
    table = _table(("Technique", "Score", "Characters", "Span"), rows)
    used = sorted({technique.technique for technique in ordered})
    glossary = "\n".join(
        f"- **{escape_markdown(describe(label)[0])}**: {escape_markdown(describe(label)[1])}"
        for label in used
    )
    return (
        f"## Technique spans ({len(rows)})\n\n"
        "Spans where a persuasion technique is used, with the models' score; a label of how "
        "a passage tries to persuade, not a verdict on what it says.\n\n"
        f"{table}\n\n{glossary}\n"
    )


def _warnings(dossier: Dossier) -> str:
    if not dossier.warnings:
        return ""
    items = []
    for warning in dossier.warnings:
        where = ""
        if warning.start is not None and warning.end is not None:
            where = f" (characters {warning.start}–{warning.end})"
        items.append(f"- **{_cell(warning.stage)}**: {_cell(warning.message)}{where}")
    return f"## Warnings ({len(items)})\n\n" + "\n".join(items) + "\n"
