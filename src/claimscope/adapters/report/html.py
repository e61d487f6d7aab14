"""HTML report: the dossier with every layer highlighted, rendered from Jinja2 templates.

One view of a dossier: the static report of ``analyze --format html`` (a self-contained
page, CSS and script inlined) and the web app's document page (``adapters/web``) render
the same templates (``templates/dossier.html.j2``) from the same :class:`DossierView`.

The text is cut at every span boundary into flat segments, each carrying the classes of
all the spans that cover it, so nested and overlapping spans never produce broken
markup. Templates are autoescaped: every string taken from a dossier is escaped; the
page's own script reads only ids and ``data-`` attributes the templates write, never
document data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Final, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

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
from claimscope.dossier import Claim, Dossier
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
    palette = Palette()
    for dossier in dossiers:
        palette.register(dossier)
    panels = list(where_else) if where_else is not None else [None] * len(dossiers)
    views = [
        DossierView(dossier, f"d{number}", palette, panel)
        for number, (dossier, panel) in enumerate(zip(dossiers, panels, strict=True), start=1)
    ]
    page_title = title_of(dossiers[0]) if len(dossiers) == 1 else f"{len(dossiers)} documents"
    return (
        report_templates()
        .get_template("report.html.j2")
        .render(
            views=views,
            page_title=page_title,
            not_a_verdict=NOT_A_VERDICT,
            stylesheet=asset("report.css") + "\n" + palette.css(),
            script=asset("report.js"),
        )
    )


@cache
def asset(name: str) -> str:
    """A file shipped beside this module (the report's CSS and script)."""
    return resources.files("claimscope.adapters.report").joinpath(name).read_text("utf-8")


def configure_templates(environment: Environment) -> Environment:
    """Give an environment the filters and globals the dossier templates use."""
    environment.filters.update(
        shorten=shorten,
        technique_name=technique_name,
        technique_description=technique_description,
        speaker_name=speaker_name,
        signatory_label=signatory_label,
        claim_level=claim_level,
        score=lambda value: f"{value:.2f}",
        plural=lambda count, singular, plural: singular if count == 1 else plural,
        highlighted_window=highlighted_window,
        match_source=match_source,
        reviewer_rating=reviewer_rating,
        web_link=web_link,
    )
    environment.globals.update(
        layers=LAYERS, wide_fields=WIDE_FIELDS, checked_before_note=CHECKED_BEFORE_NOTE
    )
    return environment


@cache
def report_templates() -> Environment:
    """The templates of the report: autoescaped, every undefined name an error."""
    return configure_templates(
        Environment(
            loader=PackageLoader("claimscope.adapters.report", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    )


def _clip(start: int, end: int, length: int) -> tuple[int, int]:
    start = min(max(start, 0), length)
    return start, min(max(end, start), length)


def title_of(dossier: Dossier) -> str:
    """The dossier's title: its headline, else the document's title or source."""
    if dossier.anatomy.headline and dossier.anatomy.headline.text.strip():
        return dossier.anatomy.headline.text.strip()
    return dossier.document.title or dossier.document.source


class Palette:
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


@dataclass(frozen=True)
class Piece:
    """What the text pane shows at one place: anchors, then a run of text and its marks."""

    anchors: tuple[str, ...]
    text: str
    classes: str = ""
    keys: str = ""
    title: str = ""


@dataclass(frozen=True)
class HeaderField:
    """One field of a dossier's header: its name and value (``kind`` says how it is shown)."""

    name: str
    value: str
    kind: str = "text"


class DossierView:
    """One dossier as the templates show it: marks, text pieces, header and panel groups."""

    def __init__(
        self,
        dossier: Dossier,
        prefix: str,
        palette: Palette,
        where_else: WhereElse | None = None,
    ) -> None:
        self.dossier = dossier
        self.where_else = where_else
        self.prefix = prefix
        self.palette = palette
        self.text = dossier.document.text
        self.speakers = self._speaker_slots()
        self.marks = self._collect_marks()
        self.keys = frozenset(mark.key for mark in self.marks)
        self.title = title_of(dossier)

    # ---- marks -------------------------------------------------------------------------

    def key(self, *parts: object) -> str:
        """The id of a finding's anchor: the dossier's prefix and the finding's place."""
        return "-".join((self.prefix, *(str(part) for part in parts)))

    def _speaker_slots(self) -> dict[str, int]:
        slots: dict[str, int] = {}
        for voice in self.dossier.voices:
            slots.setdefault(speaker_name(voice.speaker), len(slots))
        return slots

    def _speaker_class(self, speaker: str | None) -> str:
        return f"vc{self.speakers.get(speaker_name(speaker), 0) % len(VOICE_TINTS)}"

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
            add(self.key("boilerplate", index), "boilerplate", span, "boilerplate")
        add(self.key("headline"), "anatomy", anatomy.headline, "headline", "headline")
        for index, byline in enumerate(anatomy.bylines):
            add_range(
                self.key("byline", index),
                "anatomy",
                byline.start,
                byline.end,
                f"byline: {byline.name}",
            )
        add(self.key("published"), "anatomy", anatomy.published_span, "published")
        if anatomy.dateline:
            add(self.key("dateline"), "anatomy", anatomy.dateline, "dateline")
        if anatomy.agency:
            agency = anatomy.agency
            add_range(
                self.key("agency"), "anatomy", agency.start, agency.end, f"agency: {agency.name}"
            )
        if anatomy.body:
            # The body covers most of the text: an anchor to jump to, not a highlight.
            marks.append(Mark(self.key("body"), "body", anatomy.body.start, anatomy.body.start))
        for index, statement in enumerate(dossier.statements):
            issuer = statement.issuer or "unknown issuer"
            add(
                self.key("statement", index),
                "statements",
                statement,
                f"statement by {issuer}",
                "statement",
            )
            add(
                self.key("statement", index, "issuer"),
                "statements",
                statement.issuer_span,
                f"statement issuer: {issuer}",
                "statement-issuer",
            )
            add(
                self.key("statement", index, "cue"),
                "statements",
                statement.cue,
                "statement cue",
                "statement-cue",
            )
        for index, signatory in enumerate(dossier.signatories):
            add(
                self.key("signatory", index),
                "signatories",
                signatory,
                "signatory: " + signatory_label(signatory.person, signatory.organization),
            )
        for index, entity in enumerate(dossier.entities):
            identifier = f" ({entity.id})" if entity.id else ""
            add(
                self.key("entity", index),
                "entities",
                entity,
                f"{entity.label}: {entity.text}{identifier}",
                self.palette.entity_class(entity.label),
            )
        for index, voice in enumerate(dossier.voices):
            speaker = speaker_name(voice.speaker)
            tint = self._speaker_class(voice.speaker)
            add(
                self.key("voice", index),
                "voices",
                voice.content,
                f"voice ({voice.kind}): {speaker}",
                "voice-content",
                tint,
            )
            add(
                self.key("voice", index, "speaker"),
                "voices",
                voice.speaker_span,
                f"speaker: {speaker}",
                "voice-speaker",
            )
            add(
                self.key("voice", index, "cue"),
                "voices",
                voice.cue,
                "attribution cue",
                "voice-cue",
            )
        for index, citation in enumerate(dossier.citations):
            add(
                self.key("citation", index),
                "citations",
                citation,
                f"citation ({citation.kind})" + (f": {citation.issuer}" if citation.issuer else ""),
            )
        for index, claim in enumerate(dossier.claims):
            add(
                self.key("claim", index),
                "claims",
                claim,
                f"claim, check-worthiness {claim.checkworthiness:.2f}",
                f"claim-{claim_level(claim.checkworthiness)}",
            )
        for index, technique in enumerate(dossier.techniques):
            add(
                self.key("technique", index),
                "techniques",
                technique,
                f"technique span: {technique_name(technique.technique)} "
                f"({technique.score:.2f}) — {technique_description(technique.technique)}",
                self.palette.technique_class(technique.technique),
            )
        for index, warning in enumerate(dossier.warnings):
            add_range(
                self.key("warning", index),
                "warnings",
                warning.start,
                warning.end,
                f"warning ({warning.stage}): {warning.message}",
            )
        return marks

    # ---- text --------------------------------------------------------------------------

    def pieces(self) -> list[Piece]:
        """The text pane: every segment with the anchors that start at it, in order."""
        length = len(self.text)
        anchors: dict[int, list[str]] = defaultdict(list)
        for mark in self.marks:
            anchors[_clip(mark.start, mark.end, length)[0]].append(mark.key)
        pieces: list[Piece] = []
        for segment in split_into_segments(length, self.marks):
            starting = tuple(anchors.pop(segment.start, ()))
            text = self.text[segment.start : segment.end]
            visible = [mark for mark in segment.marks if mark.layer != "body"]
            if not visible:
                pieces.append(Piece(starting, text))
                continue
            classes = ["seg"]
            for mark in visible:
                classes.append(f"l-{mark.layer}")
                classes.extend(mark.classes)
            title = "\n".join(
                dict.fromkeys(mark.description for mark in visible if mark.description)
            )
            pieces.append(
                Piece(
                    starting,
                    text,
                    " ".join(dict.fromkeys(classes)),
                    " ".join(mark.key for mark in visible),
                    title,
                )
            )
        for position in sorted(anchors):
            pieces.append(Piece(tuple(anchors[position]), ""))
        return pieces

    # ---- header, toolbar, legend -------------------------------------------------------

    def header_fields(self) -> list[HeaderField]:
        """The fields of the dossier's header, in order."""
        document = self.dossier.document
        anatomy = self.dossier.anatomy
        fields = [HeaderField("Source", document.source)]
        if document.outlet:
            fields.append(HeaderField("Outlet", document.outlet))
        if document.url:
            # Shown as text only: the report must not reach the network or leak a referrer.
            fields.append(HeaderField("URL", document.url))
        if anatomy.section:
            fields.append(HeaderField("Section", anatomy.section))
        if anatomy.bylines:
            fields.append(HeaderField("By", ", ".join(byline.name for byline in anatomy.bylines)))
        # A timestamp broken at its hyphens reads as two values.
        fields.append(HeaderField("Published", anatomy.published or "—", "nowrap"))
        fields.append(HeaderField("Dateline", dateline_summary(self.dossier) or "—"))
        fields.append(HeaderField("Agency", anatomy.agency.name if anatomy.agency else "—"))
        fields.append(HeaderField("Language", document.language))
        fields.append(HeaderField("Document id", document.id, "id"))
        return fields

    def toggles(self) -> list[tuple[str, str, str]]:
        """(layer, name, swatch classes) of each layer that has something to highlight."""
        counts = Counter(mark.layer for mark in self.marks)
        return [(layer, name, swatch_classes(layer)) for layer, name in LAYERS if counts[layer]]

    def entity_labels(self) -> list[tuple[str, str]]:
        """(colour class, label) of the entity labels, sorted."""
        labels = sorted({entity.label for entity in self.dossier.entities})
        return [(self.palette.entity_class(label), label) for label in labels]

    def speaker_legend(self) -> list[tuple[str, str]]:
        """(tint class, speaker) of every speaker, in first-heard order."""
        return [
            (f"vc{slot % len(VOICE_TINTS)}", speaker) for speaker, slot in self.speakers.items()
        ]

    def technique_legend(self) -> list[tuple[str, str]]:
        """(colour class, technique) of the techniques found, in first-found order."""
        names = dict.fromkeys(technique.technique for technique in self.dossier.techniques)
        return [(self.palette.technique_class(name), name) for name in names]

    # ---- panel -------------------------------------------------------------------------

    def has(self, key: str) -> bool:
        """Whether the finding has a span to link to."""
        return key in self.keys

    def excerpt(self, start: int, end: int, limit: int = EXCERPT_CHARS) -> str:
        """The text of a span on one line, shortened to ``limit`` characters."""
        start, end = _clip(start, end, len(self.text))
        return shorten(self.text[start:end], limit)

    def dateline_summary(self) -> str:
        """The dateline's place and date in words."""
        return dateline_summary(self.dossier)

    def matched_claims(self) -> list[tuple[int, Claim]]:
        """The claims with matches in the library: (index, claim), most check-worthy first."""
        return matched_claims(self.dossier)

    def where_else_count(self) -> int:
        """How many other stored documents carry this text or a near-identical one."""
        if self.where_else is None:
            return 0
        return len(
            {item.document_id for item in self.where_else.appearances if not item.this_document}
        )

    def where_else_timeline(self) -> Markup:
        """The "Where else" panel's timeline as inline SVG (its labels escaped there)."""
        if self.where_else is None or not self.where_else.timeline:
            return Markup("")
        # networkx (network.py's import) is loaded only for a panel that needs it.
        from claimscope.adapters.report.network import timeline_svg

        return Markup(timeline_svg(self.where_else.timeline, 480))

    def entity_groups(self) -> list[tuple[int, str, list[int]]]:
        """Entities grouped by id (or text) and label: (first index, label, indices), most first."""
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, entity in enumerate(self.dossier.entities):
            groups[(entity.id or entity.text.casefold(), entity.label)].append(index)
        ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[1][0]))
        return [(indices[0], label, indices) for (_, label), indices in ranked]

    def voices_by_speaker(self) -> list[tuple[str, str, list[int]]]:
        """(speaker, tint class, voice indices) per speaker, in first-heard order."""
        by_speaker: dict[str, list[int]] = defaultdict(list)
        for index, voice in enumerate(self.dossier.voices):
            by_speaker[speaker_name(voice.speaker)].append(index)
        return [
            (speaker, f"vc{self.speakers.get(speaker, 0) % len(VOICE_TINTS)}", indices)
            for speaker, indices in by_speaker.items()
        ]

    def ranked_claims(self) -> list[int]:
        """Claim indices, most check-worthy first."""
        claims = self.dossier.claims
        return sorted(range(len(claims)), key=lambda index: -claims[index].checkworthiness)

    def techniques_by_name(self) -> list[tuple[str, str, list[int]]]:
        """(technique, colour class, span indices by position) per technique, most spans first."""
        techniques = self.dossier.techniques
        by_name: dict[str, list[int]] = defaultdict(list)
        for index, technique in enumerate(techniques):
            by_name[technique.technique].append(index)
        return [
            (
                name,
                self.palette.technique_class(name),
                sorted(indices, key=lambda index: techniques[index].start),
            )
            for name, indices in sorted(by_name.items(), key=lambda item: -len(item[1]))
        ]


def swatch_classes(layer: str) -> str:
    """Classes that draw a layer's swatch in the toolbar like its highlights."""
    extra = {
        "anatomy": "",
        "entities": " ec0",
        "voices": " voice-content vc0",
        "claims": " claim-3",
        "techniques": " tc0",
    }
    return extra.get(layer, "")


def shorten(text: str, limit: int) -> str:
    """The text on one line, cut with an ellipsis past ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def speaker_name(speaker: str | None) -> str:
    """A speaker's name on one line, or "unattributed"."""
    return " ".join(speaker.split()) if speaker and speaker.strip() else "unattributed"


def signatory_label(person: str | None, organization: str | None) -> str:
    """A signatory as "person — organisation"."""
    return " — ".join(value for value in (person, organization) if value) or "unnamed"


def technique_name(technique: str) -> str:
    """A technique label's plain name."""
    return describe(technique)[0]


def technique_description(technique: str) -> str:
    """A technique label's plain description."""
    return describe(technique)[1]


def claim_level(score: float) -> int:
    """The highlight level (1-5) of a check-worthiness score."""
    return min(5, max(1, int(score * 5) + 1))


def dateline_summary(dossier: Dossier) -> str:
    """The dateline's place and date in words."""
    dateline = dossier.anatomy.dateline
    if dateline is None:
        return ""
    date = dateline.date or "?"
    if dateline.date and dateline.date_inferred:
        date += " (year inferred)"
    return f"{dateline_place(dateline)}, {date}"
