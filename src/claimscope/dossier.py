"""The dossier: the one model of what claimscope finds in a document.

Every layer is plain data whose spans are ``start``/``end`` offsets into
``document.text`` (Python ``str`` indices, end exclusive). This module is the
single definition behind the JSON output, the committed JSON Schema, the
reports and the CLI.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID: Final = "claimscope.dossier/1"


class Layer(BaseModel):
    """Base of every dossier object: strict about unknown fields, so typos fail loudly."""

    model_config = ConfigDict(extra="forbid")


class Span(Layer):
    """A character span of the document text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class TextSpan(Span):
    """A span together with the text it covers."""

    text: str


class DocumentInfo(Layer):
    """The analysed document: identity, origin and normalised text."""

    id: str = Field(description="sha256 of the normalised text, as 'sha256:<hex>'.")
    source: str = Field(description="Path, 'path#line' for a JSONL record, or '-' for stdin.")
    language: str = "en"
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    format: Literal["text", "html", "record"] = "text"
    text: str


class Byline(Layer):
    """An author credited by the document."""

    name: str
    start: int | None = None
    end: int | None = None


PlaceBasis = Literal["only", "region", "prominence", "context"]


class PlaceCandidate(Layer):
    """One city a place name can denote."""

    id: str = Field(description="Gazetteer id, 'city:<geonameid>'.")
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2.")
    subdivision: str | None = Field(
        None, description="ISO 3166-2 code where the gazetteer knows it (US, CA, GB)."
    )
    population: int


class Dateline(Layer):
    """The dateline opening the body: place and date of filing."""

    text: str
    place: str | None = Field(
        None,
        description=(
            "Normalised city name; the printed place, title-cased, when the gazetteer has no "
            "such city or when the name stays ambiguous (see place_ambiguous)."
        ),
    )
    place_text: str | None = Field(None, description="The place as printed.")
    country: str | None = Field(
        None,
        description=(
            "ISO 3166-1 alpha-2: the resolved city's, else the one printed after the place, "
            "else the one every candidate city lies in; null when the candidates disagree."
        ),
    )
    place_id: str | None = Field(
        None, description="Gazetteer id of the resolved city ('city:<geonameid>'), as in entities."
    )
    place_basis: PlaceBasis | None = Field(
        None,
        description=(
            "How the city was decided: 'only' (the one city of that name the gazetteer "
            "knows), 'region' (the state or country printed after it, or the country the "
            "place is named for: 'KUWAIT'), 'prominence' (the dominant city of the name: "
            "eight times as populous as any other, or a national capital three times as "
            "populous), 'context' (the one candidate in a country or state the document "
            "names, or in the carrying agency's home country); null when no city was decided."
        ),
    )
    place_ambiguous: bool = Field(
        False,
        description=(
            "True when several cities bear the name and nothing in the document decides: "
            "place is then the printed name, place_id null, and place_candidates lists them."
        ),
    )
    place_candidates: list[PlaceCandidate] = Field(
        default_factory=list,
        description=(
            "The cities the name could denote (most populous first, at most ten) whenever "
            "there was more than one: the ambiguous readings, or the ones a choice was made "
            "among."
        ),
    )
    date: str | None = Field(None, description="ISO date, resolved against publication.")
    date_inferred: bool = Field(
        False, description="True when the year (or more) was resolved, not printed."
    )
    start: int
    end: int


class Agency(Layer):
    """The news agency that carries the story."""

    name: str
    start: int | None = None
    end: int | None = None


class Anatomy(Layer):
    """What the document is: headline, section, bylines, time, dateline, agency, body."""

    headline: TextSpan | None = None
    section: str | None = None
    bylines: list[Byline] = Field(default_factory=list)
    published: str | None = Field(None, description="ISO 8601, with UTC offset when stated.")
    published_span: Span | None = None
    dateline: Dateline | None = None
    agency: Agency | None = None
    body: Span | None = None
    boilerplate: list[Span] = Field(
        default_factory=list, description="Page furniture excluded from the body."
    )


class Statement(Layer):
    """An embedded statement or letter and who issued it."""

    start: int
    end: int
    issuer: str | None = None
    issuer_span: Span | None = None
    cue: TextSpan | None = None
    signatories: list[int] = Field(
        default_factory=list, description="Indices into the dossier's signatories."
    )


class Signatory(Layer):
    """One signer of a statement."""

    person: str | None = None
    role: str | None = None
    organization: str | None = None
    acronym: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2.")
    url: str | None = Field(
        None,
        description="The link target of an organisation given as a link, as printed; "
        "several linked organisations: the targets joined with '; '.",
    )
    start: int
    end: int


class Voice(Layer):
    """A passage attributed to a speaker."""

    kind: Literal["direct", "indirect", "mixed", "statement", "narrator"]
    speaker: str | None = None
    speaker_span: Span | None = Field(
        None, description="The source as written here: a name, pronoun or description."
    )
    speaker_resolved: bool = Field(
        False,
        description="True when speaker is a name: printed at speaker_span, or resolved "
        "from a pronoun or description to an earlier name (see antecedent). False leaves "
        "speaker as the mention's own text.",
    )
    antecedent: Span | None = Field(
        None, description="Where the name a pronoun or description resolves to is printed."
    )
    cue: TextSpan | None = None
    content: Span
    parts: list[Span] = Field(
        default_factory=list,
        description="The quoted pieces, without marks, when a quotation runs over several "
        "paragraphs or is split by its attribution; content then runs from the first to the last.",
    )


class Entity(Layer):
    """A named entity, with a gazetteer id when one is known."""

    text: str
    label: str
    id: str | None = None
    candidates: list[str] = Field(
        default_factory=list,
        description=(
            "For a city name several cities bear: their ids, most populous first (at most "
            "ten). With id null the name was left ambiguous; with id set, it was decided "
            "among them (by a state or country printed after it, the places the document "
            "names, its dateline, or prominence), as the dateline's place_basis says for it."
        ),
    )
    start: int
    end: int


class Citation(Layer):
    """A reference to a document: court order, resolution, treaty, law, ..."""

    kind: str
    issuer: str | None = None
    issuer_inferred: bool = Field(
        False,
        description="True when the issuer is not named by the text around the citation but "
        "inferred from the state the document is about (its dateline, the country it keeps "
        "naming, or the country given with it).",
    )
    date: str | None = None
    date_inferred: bool = False
    number: str | None = None
    pinpoint: str | None = None
    title: str | None = None
    text: str
    start: int
    end: int
    sentence: int | None = Field(
        None, description="Index of the sentence holding the citation, for linking claims."
    )


class EvidenceHighlight(Span):
    """The part of a match that shares the most with the claim: offsets into ``field``."""

    field: Literal["claim", "title", "subtitle"] = Field(
        description="The field of the evidence entry: a fact-check's claim reviewed, title or "
        "subtitle; a passage's text ('claim'), its document's title or its label."
    )


class EvidenceMatch(Layer):
    """A library entry matched to a claim: a pointer to read, never claimscope's verdict.

    The score says how much the claim and the entry share, not whether either is true; a
    fact-check's rating is the reviewer's, as the reviewer wrote it.
    """

    evidence_id: str = Field(
        description="The fact-check's id, or 'DOCUMENT_ID#PASSAGE' for a primary document's "
        "passage."
    )
    kind: Literal["factcheck", "passage", "document"] = Field(
        description="A fact-check, a primary document's passage, or a whole primary document "
        "that one of the claim's citations names without a pinpoint."
    )
    rank: int = Field(ge=1, description="1 for the claim's best match.")
    score: float = Field(
        ge=0,
        le=1,
        description="How much the two share, 0-1; 1 for a document the claim cites (``citation``).",
    )
    text: str = Field(
        description="The claim the fact-check reviewed, the passage's text, or a whole "
        "document's title (its first passage when it has none)."
    )
    start: int = Field(
        ge=0,
        description="Span of the matched passage in its primary document's text (a "
        "fact-check: of the claim it reviewed, from 0; a whole document: all of it).",
    )
    end: int = Field(ge=0)
    highlight: EvidenceHighlight | None = None
    document_id: str | None = Field(None, description="The primary document of a passage.")
    document_title: str | None = None
    document_kind: str | None = None
    issuer: str | None = None
    label: str | None = Field(None, description='The passage\'s heading ("Article 7").')
    page: int | None = Field(None, description="The PDF page the passage starts on.")
    reviewer: str | None = Field(None, description="Who published the fact-check.")
    rating: str | None = Field(None, description="The reviewer's rating, as the reviewer wrote it.")
    rating_value: float | None = None
    rating_best: float | None = None
    rating_worst: float | None = None
    claimant: str | None = Field(None, description="Who made the claim, per the reviewer.")
    date: str | None = Field(None, description="When the fact-check or document was published.")
    url: str | None = None
    citation: int | None = Field(
        None,
        description="Index (into citations) of the claim's citation that names this library "
        "document: found by the reference (kind, issuer, date, number, pinpoint), not by "
        "shared wording, and listed before the matches found by wording.",
    )
    duplicates: list[str] = Field(
        default_factory=list,
        description="Ids of later library entries worded as this one in every field (case, "
        "spaces and punctuation aside): the same fact-check added twice, listed once.",
    )


class Claim(Layer):
    """A sentence (or an independent clause of one) of the body, scored for check-worthiness."""

    text: str
    start: int
    end: int
    checkworthiness: float = Field(
        description="How much the claim deserves checking, 0-1, from the shipped model; a "
        "ranking signal, not a judgement of truth."
    )
    rank: int = Field(1, description="1 for the most check-worthy claim of the document.")
    speaker: str | None = Field(
        None, description="Who makes the claim, from the voices layer (null without it)."
    )
    sentence: int | None = Field(None, description="Index of the sentence holding the claim.")
    citations: list[int] = Field(
        default_factory=list, description="Indices of the citations inside the claim."
    )
    entities: list[int] = Field(
        default_factory=list,
        description="Indices of the named entities it mentions (people, bodies, places, laws).",
    )
    numbers: list[int] = Field(
        default_factory=list,
        description="Indices of the entities that are numbers, amounts, percentages, ordinals.",
    )
    dates: list[int] = Field(
        default_factory=list, description="Indices of the entities that are dates or times."
    )
    matches: list[EvidenceMatch] = Field(
        default_factory=list,
        description="Earlier fact-checks and primary-document passages of the user's evidence "
        "library that share the most with the claim, best first (filled by `claimscope match`).",
    )


class Technique(Layer):
    """A technique span: where a passage uses a persuasion technique. A label, not a verdict."""

    technique: str = Field(
        description="One of the 14 labels of the Propaganda Techniques Corpus "
        "(SemEval-2020 Task 11), e.g. Loaded_Language."
    )
    start: int
    end: int
    score: float = Field(
        description="P(span uses a technique) x P(this technique | span), 0-1: how sure the "
        "models are of the label, not how persuasive or wrong the passage is."
    )
    text: str | None = None


class Warning(Layer):
    """Something a stage could not do cleanly; the finding is kept, the doubt is reported."""

    stage: str
    message: str
    start: int | None = None
    end: int | None = None


class Dossier(Layer):
    """Everything claimscope reports about one document."""

    schema_: Literal["claimscope.dossier/1"] = Field(SCHEMA_ID, alias="schema")
    document: DocumentInfo
    anatomy: Anatomy = Field(default_factory=Anatomy)
    statements: list[Statement] = Field(default_factory=list)
    signatories: list[Signatory] = Field(default_factory=list)
    voices: list[Voice] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    techniques: list[Technique] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json_dict(self) -> dict[str, Any]:
        """The dossier as the JSON contract's plain dict."""
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self, indent: int | None = 2) -> str:
        """The dossier as contract JSON text."""
        return self.model_dump_json(by_alias=True, indent=indent)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the dossier, generated from this model."""
    schema = Dossier.model_json_schema(by_alias=True, mode="serialization")
    schema["$id"] = "https://claimscope.invalid/schema/dossier.schema.json"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
