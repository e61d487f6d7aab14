"""HTML report: one self-contained page showing the text with every layer highlighted.

The text is cut at every span boundary into flat segments, each carrying the classes of
all the spans that cover it, so nested and overlapping spans never produce broken
markup. Every string taken from a dossier is escaped; the page's own script reads only
ids and ``data-`` attributes this module writes, never document data.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Final, Protocol

from claimscope.adapters.report.where_else import WhereElse
from claimscope.adapters.report.wording import (
    CHECKED_BEFORE_NOTE,
    dateline_place,
    highlighted_window,
    match_source,
    matched_claims,
    reviewer_rating,
    web_link,
)
from claimscope.dossier import Dossier
from claimscope.stages.techniques.descriptions import describe

LAYERS: Final[tuple[tuple[str, str], ...]] = (
    ("anatomy", "Anatomy"),
    ("boilerplate", "Boilerplate"),
    ("statements", "Statements"),
    ("signatories", "Signatories"),
    ("entities", "Entities"),
    ("voices", "Voices"),
    ("citations", "Citations"),
    ("claims", "Claims"),
    ("techniques", "Techniques"),
    ("warnings", "Warnings"),
)

NOT_A_VERDICT: Final = (
    "Highlights are findings to examine, not verdicts. A technique label marks how a "
    "passage tries to persuade, and check-worthiness says how much a claim deserves "
    "checking; neither says whether anything is true, or which side is right."
)

# Strong colours (at least 3:1 against white) for thin underlines.
ENTITY_COLORS: Final = (
    "#1d4ed8",
    "#b45309",
    "#047857",
    "#7c3aed",
    "#be123c",
    "#0e7490",
    "#a16207",
    "#4d7c0f",
    "#c2410c",
    "#9d174d",
    "#475569",
    "#0f766e",
)
# Light tints that keep dark text readable on top of them.
VOICE_TINTS: Final = (
    "rgba(59, 130, 246, 0.18)",
    "rgba(236, 72, 153, 0.16)",
    "rgba(34, 197, 94, 0.18)",
    "rgba(168, 85, 247, 0.17)",
    "rgba(20, 184, 166, 0.2)",
    "rgba(239, 68, 68, 0.15)",
    "rgba(132, 204, 22, 0.22)",
    "rgba(99, 102, 241, 0.18)",
    "rgba(14, 165, 233, 0.2)",
    "rgba(217, 70, 239, 0.15)",
)
TECHNIQUE_COLORS: Final = (
    "#be123c",
    "#1d4ed8",
    "#047857",
    "#7c3aed",
    "#b45309",
    "#0e7490",
    "#9d174d",
    "#4d7c0f",
    "#c2410c",
    "#6d28d9",
    "#0f766e",
    "#a16207",
    "#334155",
    "#db2777",
)
# Fixed colour slots for the labels readers meet most, so colours agree across reports.
KNOWN_ENTITY_LABELS: Final = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW")
# The 14 labels of the Propaganda Techniques Corpus, in its order.
KNOWN_TECHNIQUES: Final = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Exaggeration,Minimisation",
    "Doubt",
    "Appeal_to_fear-prejudice",
    "Flag-Waving",
    "Causal_Oversimplification",
    "Slogans",
    "Appeal_to_Authority",
    "Black-and-White_Fallacy",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
    "Bandwagon,Reductio_ad_hitlerum",
)
EXCERPT_CHARS: Final = 160
# Header fields too long for one grid cell.
WIDE_FIELDS: Final = frozenset({"Source", "URL", "Document id"})


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class Mark:
    """One highlighted span of the text: a finding of one layer, with its anchor id."""

    key: str
    layer: str
    start: int
    end: int
    classes: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Segment:
    """A piece of text between two consecutive span boundaries, and the marks covering it."""

    start: int
    end: int
    marks: tuple[Mark, ...]


def split_into_segments(length: int, marks: Sequence[Mark]) -> list[Segment]:
    """The text ``[0, length)`` cut at every mark boundary, each piece with its covering marks."""
    boundaries = {0, length}
    starting: dict[int, list[int]] = defaultdict(list)
    for index, mark in enumerate(marks):
        start, end = _clip(mark.start, mark.end, length)
        boundaries.update((start, end))
        if end > start:
            starting[start].append(index)
    ends = {index: _clip(mark.start, mark.end, length)[1] for index, mark in enumerate(marks)}
    active: dict[int, Mark] = {}
    segments: list[Segment] = []
    for left, right in pairwise(sorted(boundaries)):
        for index in [index for index in active if ends[index] <= left]:
            del active[index]
        for index in starting.get(left, ()):
            active[index] = marks[index]
        ordered = tuple(active[index] for index in sorted(active))
        segments.append(Segment(left, right, ordered))
    return segments


def render_html(
    dossiers: Sequence[Dossier], where_else: Sequence[WhereElse | None] | None = None
) -> str:
    """The dossiers as one self-contained HTML page.

    ``where_else`` gives a stored document's "Where else" panel (one entry per dossier,
    None for none): what the corpus store knows about the same text elsewhere.
    """
    palette = _Palette()
    for dossier in dossiers:
        palette.register(dossier)
    panels = list(where_else) if where_else is not None else [None] * len(dossiers)
    sections = [
        _DossierView(dossier, f"d{number}", palette, panel).render()
        for number, (dossier, panel) in enumerate(zip(dossiers, panels, strict=True), start=1)
    ]
    page_title = _title_of(dossiers[0]) if len(dossiers) == 1 else f"{len(dossiers)} documents"
    index = _render_index(dossiers) if len(dossiers) > 1 else ""
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_escape(page_title)} — claimscope</title>\n"
        f"<style>\n{_asset('report.css')}\n{palette.css()}</style>\n"
        "</head>\n<body>\n"
        '<header class="page-header">\n'
        f'<h1>claimscope report <span class="tool">· {_escape(page_title)}</span></h1>\n'
        f'<p class="note" role="note">{_escape(NOT_A_VERDICT)}</p>\n'
        "</header>\n"
        f"{index}"
        f"<main>\n{''.join(sections)}</main>\n"
        f"<script>\n{_asset('report.js')}\n</script>\n"
        "</body>\n</html>\n"
    )


@cache
def _asset(name: str) -> str:
    return resources.files("claimscope.adapters.report").joinpath(name).read_text("utf-8")


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def _clip(start: int, end: int, length: int) -> tuple[int, int]:
    start = min(max(start, 0), length)
    return start, min(max(end, start), length)


def _title_of(dossier: Dossier) -> str:
    if dossier.anatomy.headline and dossier.anatomy.headline.text.strip():
        return dossier.anatomy.headline.text.strip()
    return dossier.document.title or dossier.document.source


def _render_index(dossiers: Sequence[Dossier]) -> str:
    items = "".join(
        f'<li><a href="#d{number}">{_escape(_title_of(dossier))}</a> '
        f'<span class="pill">{_escape(dossier.document.source)}</span></li>\n'
        for number, dossier in enumerate(dossiers, start=1)
    )
    return (
        '<nav class="index" aria-labelledby="index-title">\n'
        f'<h2 id="index-title">Documents</h2>\n<ol>\n{items}</ol>\n</nav>\n'
    )


class _Palette:
    """Colour slots for entity labels and techniques, shared by every dossier on the page."""

    def __init__(self) -> None:
        self.entity_labels: dict[str, int] = {
            label: slot for slot, label in enumerate(KNOWN_ENTITY_LABELS)
        }
        self.techniques: dict[str, int] = {
            name.casefold(): slot for slot, name in enumerate(KNOWN_TECHNIQUES)
        }

    def register(self, dossier: Dossier) -> None:
        """Give a slot to every label and technique the dossier uses."""
        for entity in dossier.entities:
            self.entity_labels.setdefault(entity.label, len(self.entity_labels))
        for technique in dossier.techniques:
            self.techniques.setdefault(technique.technique.casefold(), len(self.techniques))

    def entity_class(self, label: str) -> str:
        """The colour class of an entity label."""
        return f"ec{self.entity_labels.get(label, 0) % len(ENTITY_COLORS)}"

    def technique_class(self, technique: str) -> str:
        """The colour class of a technique."""
        slot = self.techniques.get(technique.casefold(), 0)
        return f"tc{slot % len(TECHNIQUE_COLORS)}"

    @staticmethod
    def css() -> str:
        """Rules binding each colour class to its colour."""
        rules = [
            f".ec{slot} {{ --entity-color: {color}; }}" for slot, color in enumerate(ENTITY_COLORS)
        ]
        rules += [f".vc{slot} {{ --voice-tint: {tint}; }}" for slot, tint in enumerate(VOICE_TINTS)]
        rules += [
            f".tc{slot} {{ --technique-color: {color}; }}"
            for slot, color in enumerate(TECHNIQUE_COLORS)
        ]
        return "\n".join(rules) + "\n"


class _DossierView:
    """The section of the page for one dossier: header, highlighted text and findings."""

    def __init__(
        self,
        dossier: Dossier,
        prefix: str,
        palette: _Palette,
        where_else: WhereElse | None = None,
    ) -> None:
        self.dossier = dossier
        self.where_else = where_else
        self.prefix = prefix
        self.palette = palette
        self.text = dossier.document.text
        self.speakers = self._speaker_slots()
        self.marks = self._collect_marks()
        self.keys = {mark.key for mark in self.marks}

    # ---- marks -------------------------------------------------------------------------

    def _key(self, *parts: object) -> str:
        return "-".join((self.prefix, *(str(part) for part in parts)))

    def _speaker_slots(self) -> dict[str, int]:
        slots: dict[str, int] = {}
        for voice in self.dossier.voices:
            slots.setdefault(_speaker_name(voice.speaker), len(slots))
        return slots

    def _speaker_class(self, speaker: str | None) -> str:
        return f"vc{self.speakers.get(_speaker_name(speaker), 0) % len(VOICE_TINTS)}"

    def _collect_marks(self) -> list[Mark]:
        dossier = self.dossier
        anatomy = dossier.anatomy
        marks: list[Mark] = []

        def add(
            key: str,
            layer: str,
            span: _Spanned | None,
            description: str,
            *classes: str,
        ) -> None:
            if span is not None:
                marks.append(Mark(key, layer, span.start, span.end, classes, description))

        def add_range(
            key: str,
            layer: str,
            start: int | None,
            end: int | None,
            description: str,
            *classes: str,
        ) -> None:
            if start is not None and end is not None:
                marks.append(Mark(key, layer, start, end, classes, description))

        for index, span in enumerate(anatomy.boilerplate):
            add(self._key("boilerplate", index), "boilerplate", span, "boilerplate")
        add(self._key("headline"), "anatomy", anatomy.headline, "headline", "headline")
        for index, byline in enumerate(anatomy.bylines):
            add_range(
                self._key("byline", index),
                "anatomy",
                byline.start,
                byline.end,
                f"byline: {byline.name}",
            )
        add(self._key("published"), "anatomy", anatomy.published_span, "published")
        if anatomy.dateline:
            add(self._key("dateline"), "anatomy", anatomy.dateline, "dateline")
        if anatomy.agency:
            agency = anatomy.agency
            add_range(
                self._key("agency"), "anatomy", agency.start, agency.end, f"agency: {agency.name}"
            )
        if anatomy.body:
            # The body covers most of the text: an anchor to jump to, not a highlight.
            marks.append(Mark(self._key("body"), "body", anatomy.body.start, anatomy.body.start))
        for index, statement in enumerate(dossier.statements):
            issuer = statement.issuer or "unknown issuer"
            add(
                self._key("statement", index),
                "statements",
                statement,
                f"statement by {issuer}",
                "statement",
            )
            add(
                self._key("statement", index, "issuer"),
                "statements",
                statement.issuer_span,
                f"statement issuer: {issuer}",
                "statement-issuer",
            )
            add(
                self._key("statement", index, "cue"),
                "statements",
                statement.cue,
                "statement cue",
                "statement-cue",
            )
        for index, signatory in enumerate(dossier.signatories):
            add(
                self._key("signatory", index),
                "signatories",
                signatory,
                "signatory: " + _signatory_label(signatory.person, signatory.organization),
            )
        for index, entity in enumerate(dossier.entities):
            identifier = f" ({entity.id})" if entity.id else ""
            add(
                self._key("entity", index),
                "entities",
                entity,
                f"{entity.label}: {entity.text}{identifier}",
                self.palette.entity_class(entity.label),
            )
        for index, voice in enumerate(dossier.voices):
            speaker = _speaker_name(voice.speaker)
            tint = self._speaker_class(voice.speaker)
            add(
                self._key("voice", index),
                "voices",
                voice.content,
                f"voice ({voice.kind}): {speaker}",
                "voice-content",
                tint,
            )
            add(
                self._key("voice", index, "speaker"),
                "voices",
                voice.speaker_span,
                f"speaker: {speaker}",
                "voice-speaker",
            )
            add(
                self._key("voice", index, "cue"),
                "voices",
                voice.cue,
                "attribution cue",
                "voice-cue",
            )
        for index, citation in enumerate(dossier.citations):
            add(
                self._key("citation", index),
                "citations",
                citation,
                f"citation ({citation.kind})" + (f": {citation.issuer}" if citation.issuer else ""),
            )
        for index, claim in enumerate(dossier.claims):
            add(
                self._key("claim", index),
                "claims",
                claim,
                f"claim, check-worthiness {claim.checkworthiness:.2f}",
                f"claim-{_claim_level(claim.checkworthiness)}",
            )
        for index, technique in enumerate(dossier.techniques):
            add(
                self._key("technique", index),
                "techniques",
                technique,
                f"technique span: {_technique_name(technique.technique)} "
                f"({technique.score:.2f}) — {_technique_description(technique.technique)}",
                self.palette.technique_class(technique.technique),
            )
        for index, warning in enumerate(dossier.warnings):
            add_range(
                self._key("warning", index),
                "warnings",
                warning.start,
                warning.end,
                f"warning ({warning.stage}): {warning.message}",
            )
        return marks

    # ---- text --------------------------------------------------------------------------

    def _render_text(self) -> str:
        length = len(self.text)
        anchors: dict[int, list[str]] = defaultdict(list)
        for mark in self.marks:
            anchors[_clip(mark.start, mark.end, length)[0]].append(mark.key)
        parts: list[str] = []
        for segment in split_into_segments(length, self.marks):
            parts.extend(_anchor(key) for key in anchors.pop(segment.start, ()))
            piece = _escape(self.text[segment.start : segment.end])
            visible = [mark for mark in segment.marks if mark.layer != "body"]
            if not visible:
                parts.append(piece)
                continue
            classes = ["seg"]
            for mark in visible:
                classes.append(f"l-{mark.layer}")
                classes.extend(mark.classes)
            keys = " ".join(mark.key for mark in visible)
            title = "\n".join(
                dict.fromkeys(mark.description for mark in visible if mark.description)
            )
            parts.append(
                f'<span class="{_escape(" ".join(dict.fromkeys(classes)))}" '
                f'data-m="{_escape(keys)}" title="{_escape(title)}">{piece}</span>'
            )
        for position in sorted(anchors):
            parts.extend(_anchor(key) for key in anchors[position])
        return "".join(parts)

    # ---- page section ------------------------------------------------------------------

    def render(self) -> str:
        """The ``<section>`` of this dossier."""
        prefix = self.prefix
        language = _escape(self.dossier.document.language)
        return (
            f'<section class="dossier" id="{prefix}" aria-labelledby="{prefix}-title">\n'
            f"{self._render_header()}"
            '<div class="layout">\n<div class="reading">\n'
            f"{self._render_toolbar()}"
            f'<div class="text hl" id="{prefix}-text" lang="{language}">'
            f"{self._render_text()}</div>\n</div>\n"
            f'<aside class="panel" aria-label="Findings">\n{self._render_panel()}</aside>\n'
            "</div>\n</section>\n"
        )

    def _render_header(self) -> str:
        document = self.dossier.document
        anatomy = self.dossier.anatomy
        fields: list[tuple[str, str]] = [("Source", _escape(document.source))]
        if document.outlet:
            fields.append(("Outlet", _escape(document.outlet)))
        if document.url:
            # Shown as text only: the report must not reach the network or leak a referrer.
            fields.append(("URL", _escape(document.url)))
        if anatomy.section:
            fields.append(("Section", _escape(anatomy.section)))
        if anatomy.bylines:
            fields.append(("By", _escape(", ".join(byline.name for byline in anatomy.bylines))))
        # A timestamp broken at its hyphens reads as two values.
        published = f'<span class="nowrap">{_escape(anatomy.published or "—")}</span>'
        fields.append(("Published", published))
        fields.append(("Dateline", _escape(_dateline_summary(self.dossier) or "—")))
        fields.append(("Agency", _escape(anatomy.agency.name if anatomy.agency else "—")))
        fields.append(("Language", _escape(document.language)))
        fields.append(("Document id", f'<span class="id">{_escape(document.id)}</span>'))
        rows = "".join(_meta_field(name, value) for name, value in fields)
        return (
            '<header class="dossier-header">\n'
            f'<h2 id="{self.prefix}-title">{_escape(_title_of(self.dossier))}</h2>\n'
            f'<dl class="meta">\n{rows}</dl>\n</header>\n'
        )

    def _render_toolbar(self) -> str:
        counts = Counter(mark.layer for mark in self.marks)
        toggles = []
        for layer, name in LAYERS:
            if not counts[layer]:
                continue
            toggles.append(
                '<label class="toggle">'
                f'<input type="checkbox" checked data-layer="{layer}" '
                f'data-text="{self.prefix}-text">'
                f'<span class="hl"><span class="seg l-{layer}{_swatch_classes(layer)}">'
                f"{name}</span></span></label>"
            )
        if not toggles:
            toggles.append('<span class="sub">No spans to highlight yet.</span>')
        return (
            '<div class="toolbar">\n<fieldset class="toggles">'
            "<legend>Highlight</legend>"
            f"{''.join(toggles)}</fieldset>\n{self._render_legend()}</div>\n"
        )

    def _render_legend(self) -> str:
        groups: list[str] = []
        labels = sorted({entity.label for entity in self.dossier.entities})
        if labels:
            items = "".join(
                f'<span class="{self.palette.entity_class(label)}">'
                f'<span class="dot dot-entity"></span>{_escape(label)}</span>'
                for label in labels
            )
            groups.append(f'<span class="legend-title">Entities</span>{items}')
        if self.speakers:
            items = "".join(
                f'<span class="vc{slot % len(VOICE_TINTS)}">'
                f'<span class="dot dot-voice"></span>{_escape(speaker)}</span>'
                for speaker, slot in self.speakers.items()
            )
            groups.append(f'<span class="legend-title">Speakers</span>{items}')
        techniques = list(dict.fromkeys(t.technique for t in self.dossier.techniques))
        if techniques:
            items = "".join(
                f'<span class="{self.palette.technique_class(name)}" '
                f'title="{_escape(_technique_description(name))}">'
                f'<span class="dot dot-technique"></span>{_escape(_technique_name(name))}</span>'
                for name in techniques
            )
            groups.append(f'<span class="legend-title">Techniques</span>{items}')
        if self.dossier.claims:
            groups.append(
                '<span class="legend-title">Claims</span>'
                '<span class="hl"><span class="seg l-claims claim-1">low</span> '
                '<span class="seg l-claims claim-5">high</span> check-worthiness</span>'
            )
        return "".join(f'<div class="legend">{group}</div>\n' for group in groups)

    def _link(self, key: str, content: str) -> str:
        """A finding linked to its span, or plain content when the span is absent."""
        if key not in self.keys:
            return content
        return f'<a class="finding" href="#{_escape(key)}">{content}</a>'

    def _excerpt(self, start: int, end: int, limit: int = EXCERPT_CHARS) -> str:
        start, end = _clip(start, end, len(self.text))
        return _escape(_shorten(self.text[start:end], limit))

    def _render_panel(self) -> str:
        parts = [
            self._panel_anatomy(),
            self._panel_statements(),
            self._panel_signatories(),
            self._panel_entities(),
        ]
        dossier = self.dossier
        if dossier.voices:
            parts.append(self._panel_voices())
        if dossier.citations:
            parts.append(self._panel_citations())
        if dossier.claims:
            parts.append(self._panel_claims())
        if any(claim.matches for claim in dossier.claims):
            parts.append(self._panel_checked_before())
        if dossier.techniques:
            parts.append(self._panel_techniques())
        if self.where_else is not None:
            parts.append(self._panel_where_else(self.where_else))
        parts.append(self._panel_warnings())
        return "".join(parts)

    def _panel_where_else(self, found: WhereElse) -> str:
        blocks = [
            '<p class="sub">What the corpus store holds besides this document: the same or '
            "a near-identical text seen elsewhere, its claims in other documents, its "
            "signatories' other statements. Appearing together says where and when, not "
            "why.</p>"
        ]
        if found.appearances:
            rows = []
            for item in found.appearances:
                marks = []
                if item.earliest:
                    marks.append('<span class="pill">earliest known</span>')
                if item.this_document:
                    marks.append('<span class="pill">this text</span>')
                rows.append(
                    (
                        f'<span class="nowrap">{_escape(item.published or "—")}</span>'
                        + (" " + " ".join(marks) if marks else ""),
                        _escape(item.outlet or "—"),
                        _escape(item.source),
                        f"{item.similarity:.2f}",
                        _escape(item.shared or "—"),
                    )
                )
            blocks.append(
                "<h3>Same or near-identical text</h3>"
                + _table(("Published", "Outlet", "Source", "Similarity", "Shared part"), rows)
            )
            if found.timeline:
                # networkx (network.py's import) is loaded only for a panel that needs it.
                from claimscope.adapters.report.network import timeline_svg

                blocks.append(f'<div class="timeline">{timeline_svg(found.timeline, 480)}</div>')
        else:
            blocks.append('<p class="empty">No other sighting of this text in the store.</p>')
        if found.claims:
            items = "".join(
                f"<li>{_escape(claim.text)} "
                f'<span class="sub">in {claim.documents} documents'
                + (f", outlets: {_escape(', '.join(claim.outlets))}" if claim.outlets else "")
                + f", first {_escape(claim.first_seen or '—')}, last "
                f"{_escape(claim.last_seen or '—')}"
                + (f", speakers: {_escape(', '.join(claim.speakers))}" if claim.speakers else "")
                + "</span></li>"
                for claim in found.claims
            )
            blocks.append(f"<h3>Its claims elsewhere</h3><ul>{items}</ul>")
        if found.signatories:
            items = "".join(
                f'<li>{_escape(actor.name)} <span class="pill">{_escape(actor.kind)}</span>'
                "<ul>"
                + "".join(
                    f'<li><span class="id">{_escape(identifier[7:19])}</span> '
                    f"{_escape(title or '(untitled)')} "
                    f'<span class="sub">{_escape(published or "")}</span></li>'
                    for identifier, title, published in actor.documents
                )
                + "</ul></li>"
                for actor in found.signatories
            )
            blocks.append(f"<h3>Its signatories' other statements</h3><ul>{items}</ul>")
        count = len({item.document_id for item in found.appearances if not item.this_document})
        return (
            '<div class="where-else">' + _details("Where else", count, "".join(blocks)) + "</div>"
        )

    def _panel_anatomy(self) -> str:
        anatomy = self.dossier.anatomy
        rows: list[tuple[str, str]] = []
        if anatomy.headline:
            rows.append(
                ("Headline", self._link(self._key("headline"), _escape(anatomy.headline.text)))
            )
        rows.append(("Section", _escape(anatomy.section or "—")))
        bylines = ", ".join(
            self._link(self._key("byline", index), _escape(byline.name))
            for index, byline in enumerate(anatomy.bylines)
        )
        rows.append(("Bylines", bylines or "—"))
        rows.append(
            ("Published", self._link(self._key("published"), _escape(anatomy.published or "—")))
        )
        if anatomy.dateline:
            dateline = anatomy.dateline
            detail = _escape(_dateline_summary(self.dossier))
            rows.append(
                (
                    "Dateline",
                    self._link(self._key("dateline"), f"“{_escape(dateline.text)}”")
                    + f'<br><span class="sub">{detail}</span>',
                )
            )
        else:
            rows.append(("Dateline", "—"))
        agency = anatomy.agency
        rows.append(
            ("Agency", self._link(self._key("agency"), _escape(agency.name)) if agency else "—")
        )
        if anatomy.body:
            body = anatomy.body
            rows.append(
                (
                    "Body",
                    self._link(self._key("body"), f"characters {body.start}–{body.end}"),
                )
            )
        if anatomy.boilerplate:
            links = " ".join(
                self._link(self._key("boilerplate", index), str(index + 1))
                for index in range(len(anatomy.boilerplate))
            )
            rows.append(("Boilerplate", f'<span class="occurrences">{links}</span>'))
        return _details("Anatomy", None, _definition_list(rows))

    def _panel_statements(self) -> str:
        statements = self.dossier.statements
        if not statements:
            return _details("Statements", 0, '<p class="empty">No statement found.</p>')
        items = []
        for index, statement in enumerate(statements):
            issuer = self._link(
                self._key("statement", index, "issuer"),
                _escape(statement.issuer or "unknown issuer"),
            )
            cue = ""
            if statement.cue:
                quoted = f"“{_escape(statement.cue.text)}”"
                cue_link = self._link(self._key("statement", index, "cue"), quoted)
                cue = f'<br><span class="sub">cue: {cue_link}</span>'
            signers = len(statement.signatories)
            items.append(
                f"<li><strong>{issuer}</strong>{cue}<br>"
                + self._link(
                    self._key("statement", index),
                    f'<span class="excerpt">{self._excerpt(statement.start, statement.end)}</span>',
                )
                + f'<br><span class="sub">characters {statement.start}–{statement.end} · '
                f"{signers} signator{'y' if signers == 1 else 'ies'}</span></li>"
            )
        return _details("Statements", len(statements), f"<ol>{''.join(items)}</ol>")

    def _panel_signatories(self) -> str:
        signatories = self.dossier.signatories
        if not signatories:
            return _details("Signatories", 0, '<p class="empty">No signatory found.</p>')
        rows = []
        for index, signatory in enumerate(signatories):
            cells = [
                self._link(self._key("signatory", index), str(index + 1)),
                *(
                    _escape(value or "")
                    for value in (
                        signatory.person,
                        signatory.role,
                        signatory.organization,
                        signatory.acronym,
                        signatory.country,
                    )
                ),
            ]
            rows.append(cells)
        return _details(
            "Signatories",
            len(signatories),
            _table(("#", "Person", "Role", "Organization", "Acronym", "Country"), rows),
        )

    def _panel_entities(self) -> str:
        entities = self.dossier.entities
        if not entities:
            return _details("Entities", 0, '<p class="empty">No entity found.</p>')
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, entity in enumerate(entities):
            groups[(entity.id or entity.text.casefold(), entity.label)].append(index)
        ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[1][0]))
        rows = []
        for (_, label), indices in ranked:
            first = entities[indices[0]]
            occurrences = " ".join(
                self._link(self._key("entity", index), str(number))
                for number, index in enumerate(indices[:20], start=1)
            )
            if len(indices) > 20:
                occurrences += f" +{len(indices) - 20}"
            name = (
                self._link(self._key("entity", indices[0]), _escape(first.text))
                + f'<br><span class="sub">{_escape(first.id or "no id")}</span>'
            )
            rows.append(
                [
                    name,
                    f'<span class="{self.palette.entity_class(label)}">'
                    f'<span class="dot dot-entity"></span>{_escape(label)}</span>',
                    str(len(indices)),
                    f'<span class="occurrences">{occurrences}</span>',
                ]
            )
        return _details(
            "Entities",
            len(entities),
            f'<p class="sub">{len(groups)} distinct, by id (or text) and label</p>'
            + _table(("Entity", "Label", "Count", "Mentions"), rows),
        )

    def _panel_voices(self) -> str:
        by_speaker: dict[str, list[int]] = defaultdict(list)
        for index, voice in enumerate(self.dossier.voices):
            by_speaker[_speaker_name(voice.speaker)].append(index)
        blocks = []
        for speaker, indices in by_speaker.items():
            items = []
            for index in indices:
                voice = self.dossier.voices[index]
                cue = f" · cue “{_escape(voice.cue.text)}”" if voice.cue else ""
                items.append(
                    "<li>"
                    + self._link(
                        self._key("voice", index),
                        '<span class="excerpt">'
                        f"{self._excerpt(voice.content.start, voice.content.end)}</span>",
                    )
                    + f'<br><span class="sub">{_escape(voice.kind)}{cue}</span></li>'
                )
            slot = self.speakers.get(speaker, 0) % len(VOICE_TINTS)
            blocks.append(
                f'<p><span class="vc{slot}"><span class="dot dot-voice"></span></span>'
                f"<strong>{_escape(speaker)}</strong> "
                f'<span class="sub">({len(indices)})</span></p><ol>{"".join(items)}</ol>'
            )
        return _details("Voices", len(self.dossier.voices), "".join(blocks))

    def _panel_citations(self) -> str:
        rows = []
        for index, citation in enumerate(self.dossier.citations):
            date = _escape(citation.date or "")
            if citation.date and citation.date_inferred:
                date += ' <span class="sub">(inferred)</span>'
            issuer = _escape(citation.issuer or "")
            if citation.issuer and citation.issuer_inferred:
                issuer += ' <span class="sub">(inferred)</span>'
            rows.append(
                [
                    self._link(self._key("citation", index), str(index + 1)),
                    _escape(citation.kind),
                    issuer,
                    date,
                    _escape(citation.number or ""),
                    _escape(citation.pinpoint or ""),
                    f'<span class="excerpt">{_escape(_shorten(citation.text, 80))}</span>',
                ]
            )
        return _details(
            "Citations",
            len(rows),
            _table(("#", "Kind", "Issuer", "Date", "Number", "Pinpoint", "Text"), rows),
        )

    def _panel_claims(self) -> str:
        claims = self.dossier.claims
        order = sorted(range(len(claims)), key=lambda index: -claims[index].checkworthiness)
        items = []
        for index in order:
            claim = claims[index]
            cited = " ".join(
                self._link(self._key("citation", number), f"[{number + 1}]")
                for number in claim.citations
            )
            details = [f'<span class="score">{claim.checkworthiness:.2f}</span>']
            if claim.speaker:
                details.append(f"speaker: {_escape(claim.speaker)}")
            if cited:
                details.append(f"cites {cited}")
            items.append(
                "<li>"
                + self._link(
                    self._key("claim", index),
                    f'<span class="excerpt">{_escape(_shorten(claim.text, EXCERPT_CHARS))}</span>',
                )
                + f'<br><span class="sub">{" · ".join(details)}</span></li>'
            )
        return _details(
            "Claims",
            len(claims),
            '<p class="sub">Ranked by check-worthiness: how much a claim deserves checking, '
            "not whether it is true.</p>"
            f"<ol>{''.join(items)}</ol>",
        )

    def _panel_checked_before(self) -> str:
        rows = []
        claims = matched_claims(self.dossier)
        for index, claim in claims:
            claim_cell = self._link(
                self._key("claim", index),
                f'<span class="excerpt">{_escape(_shorten(claim.text, 120))}</span>',
            )
            for match in claim.matches:
                before, marked, after = highlighted_window(match)
                text = _escape(before) + (f"<mark>{_escape(marked)}</mark>" if marked else "")
                text += _escape(after)
                source = _escape(match_source(match))
                url = web_link(match.url)
                if url is not None:
                    source = f'<a href="{_escape(url)}" rel="noopener noreferrer">{source}</a>'
                rows.append(
                    [
                        claim_cell if match.rank == 1 else "",
                        str(match.rank),
                        f'<span class="score">{match.score:.2f}</span>',
                        _escape("fact-check" if match.kind == "factcheck" else "document"),
                        source,
                        f'<span class="excerpt">{text}</span>',
                        _escape(reviewer_rating(match)),
                    ]
                )
        return _details(
            "Checked before",
            len(claims),
            f'<p class="sub">{_escape(CHECKED_BEFORE_NOTE)}</p>'
            + _table(
                ("Claim", "#", "Score", "Kind", "Source", "Matched text", "Reviewer's rating"),
                rows,
            ),
        )

    def _panel_techniques(self) -> str:
        techniques = self.dossier.techniques
        by_name: dict[str, list[int]] = defaultdict(list)
        for index, technique in enumerate(techniques):
            by_name[technique.technique].append(index)
        blocks = []
        for name, indices in sorted(by_name.items(), key=lambda item: -len(item[1])):
            items = "".join(
                "<li>"
                + self._link(
                    self._key("technique", index),
                    '<span class="excerpt">'
                    f"{self._excerpt(techniques[index].start, techniques[index].end, 100)}</span>",
                )
                + f' <span class="sub">{techniques[index].score:.2f}</span></li>'
                for index in sorted(indices, key=lambda index: techniques[index].start)
            )
            blocks.append(
                f'<p><span class="{self.palette.technique_class(name)}">'
                '<span class="dot dot-technique"></span></span>'
                f"<strong>{_escape(_technique_name(name))}</strong> "
                f'<span class="sub">({len(indices)})</span></p>'
                f'<p class="sub">{_escape(_technique_description(name))}</p><ol>{items}</ol>'
            )
        return _details(
            "Technique spans",
            len(techniques),
            '<p class="sub">Where a passage uses a persuasion technique, with the models\' '
            "score: a label of how it tries to persuade, not a verdict on what it says.</p>"
            + "".join(blocks),
        )

    def _panel_warnings(self) -> str:
        warnings = self.dossier.warnings
        if not warnings:
            return _details("Warnings", 0, '<p class="empty">None.</p>')
        items = []
        for index, warning in enumerate(warnings):
            where = ""
            if warning.start is not None and warning.end is not None:
                where = " " + self._link(
                    self._key("warning", index), f"(characters {warning.start}–{warning.end})"
                )
            items.append(
                f'<li><span class="pill">{_escape(warning.stage)}</span> '
                f"{_escape(warning.message)}{where}</li>"
            )
        return _details("Warnings", len(warnings), f"<ul>{''.join(items)}</ul>")


def _meta_field(name: str, value: str) -> str:
    wide = ' class="wide"' if name in WIDE_FIELDS else ""
    return f"<div{wide}><dt>{name}</dt><dd>{value}</dd></div>\n"


def _anchor(key: str) -> str:
    return f'<span class="anchor" id="{_escape(key)}"></span>'


def _details(title: str, count: int | None, content: str) -> str:
    badge = f' <span class="count">({count})</span>' if count is not None else ""
    return f"<details open><summary>{title}{badge}</summary>\n{content}\n</details>\n"


def _definition_list(rows: Iterable[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows) + "</dl>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{header}</th>' for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    return f'<table class="findings"><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>'


def _swatch_classes(layer: str) -> str:
    extra = {
        "anatomy": "",
        "entities": " ec0",
        "voices": " voice-content vc0",
        "claims": " claim-3",
        "techniques": " tc0",
    }
    return extra.get(layer, "")


def _shorten(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _speaker_name(speaker: str | None) -> str:
    return " ".join(speaker.split()) if speaker and speaker.strip() else "unattributed"


def _signatory_label(person: str | None, organization: str | None) -> str:
    return " — ".join(value for value in (person, organization) if value) or "unnamed"


def _technique_name(technique: str) -> str:
    return describe(technique)[0]


def _technique_description(technique: str) -> str:
    return describe(technique)[1]


def _claim_level(score: float) -> int:
    return min(5, max(1, int(score * 5) + 1))


def _dateline_summary(dossier: Dossier) -> str:
    dateline = dossier.anatomy.dateline
    if dateline is None:
        return ""
    date = dateline.date or "?"
    if dateline.date and dateline.date_inferred:
        date += " (year inferred)"
    return f"{dateline_place(dateline)}, {date}"
