"""The JSON API's request and response models; every dossier in them is the one ``Dossier``.

Responses embed :class:`claimscope.dossier.Dossier` itself, so the OpenAPI schema's
``Dossier`` and its parts are the committed ``schema/dossier.schema.json`` (a test compares
them) and a client reads the same JSON as ``claimscope analyze --format json`` prints.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from claimscope.dossier import Dossier, EvidenceMatch
from claimscope.evidence.library import MAX_WORDED_CLAIM_CHARS

MAX_MATCH_CLAIMS = 100


class Model(BaseModel):
    """A model of the API: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class AnalyzeRecord(Model):
    """A document to analyse: the fields of a JSONL input record."""

    text: str = Field(min_length=1, description="The document's text.")
    title: str | None = Field(None, description="Its headline as the source gives it.")
    url: str | None = None
    published: str | None = Field(None, description="Publication time, ISO 8601.")
    outlet: str | None = None
    country: str | None = Field(
        None, description="ISO 3166-1 alpha-2 code of the state the text is about."
    )


class Problem(Model):
    """An error: what was wrong, in one line (``detail`` as FastAPI writes it)."""

    detail: str


class SightingOut(Model):
    """One place a document was read from."""

    source: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    captured_at: str | None = None


class DocumentOut(Model):
    """A stored document: its dossier, where it was seen, what produced the dossier."""

    id: str
    pipeline_version: str
    models_version: str
    sightings: list[SightingOut]
    dossier: Dossier


class DocumentSummary(Model):
    """A document in a listing or a search result."""

    id: str
    title: str | None = None
    headline: str | None = None
    outlet: str | None = None
    published: str | None = None
    score: float = 0.0
    snippet: str = ""
    highlights: list[list[int]] = Field(
        default_factory=list, description="[start, end] ranges of the snippet that matched."
    )


class FacetValue(Model):
    """One value of a facet and how many matching documents have it."""

    value: str
    count: int


class DocumentPage(Model):
    """A page of documents."""

    total: int
    page: int
    per_page: int
    documents: list[DocumentSummary]


class SearchResult(Model):
    """A page of search results with the facet counts of everything that matched."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[DocumentSummary]
    facets: dict[str, list[FacetValue]]


class ClusterDocument(Model):
    """A document of a cluster."""

    id: str
    title: str
    outlet: str | None = None
    published: str | None = None


class SharedTextOut(Model):
    """Two documents of a cluster that share text: the parts and their similarity."""

    first: str
    second: str
    similarity: float
    first_part: str
    second_part: str


class ClusterOut(Model):
    """A text seen more than once, or documents that share text (republication, an
    embedded statement, a list)."""

    id: str
    sightings: int = Field(description="How many times its texts were seen, in all.")
    documents: list[ClusterDocument]
    links: list[SharedTextOut]


class ClaimSightingOut(Model):
    """One claim of one document."""

    document: str
    index: int
    text: str
    speaker: str | None = None
    outlet: str | None = None
    published: str | None = None


class RecurringClaimOut(Model):
    """A claim worded almost alike in several documents."""

    text: str
    documents: list[str]
    outlets: list[str]
    speakers: list[str]
    first_seen: str | None = None
    last_seen: str | None = None
    sightings: list[ClaimSightingOut]


class ActorOut(Model):
    """A person or organisation behind signatory lines of several documents."""

    kind: Literal["person", "organization"]
    name: str
    confidence: float
    countries: list[str]
    documents: list[str]
    mentions: int


class MatchRequest(Model):
    """Claims to look up in the evidence library."""

    claims: list[Annotated[str, Field(max_length=MAX_WORDED_CLAIM_CHARS)]] = Field(
        min_length=1, max_length=MAX_MATCH_CLAIMS
    )


class ClaimMatches(Model):
    """What the library holds on one claim."""

    claim: str
    matches: list[EvidenceMatch] = Field(
        description="The best entries first, as a dossier's claims[].matches give them."
    )


class MatchResult(Model):
    """Matches per claim; with an empty evidence library every list is empty and ``message``
    says so (the request is still answered with 200: nothing is wrong with it)."""

    library_available: bool
    library_entries: int
    message: str
    results: list[ClaimMatches]


class JobOut(Model):
    """A background analysis of an upload."""

    id: str
    source: str
    state: Literal["queued", "running", "done", "failed"]
    total: int
    done: int
    added: int
    already_present: int
    rejected: int
    documents: list[str]
    errors: list[str]
    message: str
    created_at: str
