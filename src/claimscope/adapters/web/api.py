"""The JSON API, ``/api/v1``: analyse, documents, search, clusters, claims, actors, match, jobs.

Bad input is a 4xx with ``{"detail": …}``: 404 for an unknown id, 413 for a body past the
upload limit, 415 for a body or file claimscope does not read, 422 for malformed JSON or
parameters. The evidence library does not exist yet: ``POST /match`` answers 200 with an
empty list per claim and a message saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from claimscope.adapters.store import Filters, Hit, StoredDocument
from claimscope.adapters.web.jobs import Job
from claimscope.adapters.web.models import (
    ActorOut,
    ClaimMatches,
    ClaimSightingOut,
    ClusterDocument,
    ClusterOut,
    DocumentOut,
    DocumentPage,
    DocumentSummary,
    FacetValue,
    JobOut,
    MatchRequest,
    MatchResult,
    Problem,
    RecurringClaimOut,
    SearchResult,
    SharedTextOut,
    SightingOut,
)
from claimscope.adapters.web.state import (
    analyse_submission,
    find_document,
    read_submission,
    state_of,
)
from claimscope.corpus.actors import Actor
from claimscope.corpus.claims import RecurringClaim
from claimscope.dossier import Dossier

MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_FILTER_CHARS = 200
MAX_QUERY_CHARS = 1_000

router = APIRouter(prefix="/api/v1", tags=["api"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Unknown id"}}
_BAD_PARAMETERS: dict[int | str, dict[str, Any]] = {
    422: {"model": Problem, "description": "Malformed parameters"}
}
# One description of the analyse request's two forms, for the OpenAPI schema: the handler
# reads the body itself, since FastAPI binds one content type per parameter.
_ANALYZE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/AnalyzeRecord"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "anyOf": [{"required": ["file"]}, {"required": ["text"]}],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A .txt, .html, .json, .jsonl or .warc(.gz) file.",
                        },
                        "text": {"type": "string"},
                        **{
                            name: {"type": "string"}
                            for name in ("title", "url", "published", "outlet", "country")
                        },
                    },
                }
            },
        },
    }
}


FilterText = Annotated[str | None, Query(max_length=MAX_FILTER_CHARS)]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]


def search_filters(
    outlet: FilterText = None,
    since: date | None = None,
    until: date | None = None,
    signatory: FilterText = None,
    technique: FilterText = None,
    cites: FilterText = None,
    country: FilterText = None,
) -> Filters:
    """The search filters of a request's query string; an empty value is no filter."""
    return Filters(
        outlet=outlet or None,
        since=since,
        until=until,
        signatory=signatory or None,
        technique=technique or None,
        cites=cites or None,
        country=country or None,
    )


# One declaration of the filters for every listing that takes them (FastAPI lists a
# dependency's parameters in the OpenAPI schema as the endpoint's own).
SearchFilters = Annotated[Filters, Depends(search_filters)]


@dataclass(frozen=True)
class PageRequest:
    """Which page of a listing is asked for, and how long a page is."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        """How many results come before this page."""
        return (self.number - 1) * self.size


def page_request(page: PageNumber = 1, per_page: PerPage = 20) -> PageRequest:
    """The page asked for by a request's query string."""
    return PageRequest(page, per_page)


# A dependency too, so that the schema lists the filters before the page, as before.
Paging = Annotated[PageRequest, Depends(page_request)]


def summary_of(hit: Hit) -> DocumentSummary:
    """A search hit as the API lists it."""
    return DocumentSummary(
        id=hit.id,
        title=hit.title,
        headline=hit.headline,
        outlet=hit.outlet,
        published=hit.published,
        score=hit.score,
        snippet=hit.snippet,
        highlights=[[start, end] for start, end in hit.highlights],
    )


def document_out(request: Request, stored: StoredDocument) -> DocumentOut:
    """A stored document with its sightings."""
    sightings = state_of(request).store.sightings(stored.document.id)
    return DocumentOut(
        id=stored.document.id,
        pipeline_version=stored.pipeline_version,
        models_version=stored.models_version,
        sightings=[SightingOut(**sighting.__dict__) for sighting in sightings],
        dossier=stored.dossier,
    )


def job_out(job: Job) -> JobOut:
    """A job as the API shows it."""
    return JobOut(**job.__dict__)


@router.post(
    "/analyze",
    response_model=Dossier,
    summary="Analyse a document and store it",
    description="A JSON record (the fields of a JSONL input record) or a multipart form "
    "with a file of any kind `analyze` reads (or a `text` field). One small document is "
    "analysed at once and its dossier returned (200); a file of several documents, or a "
    "document longer than the server's limit for immediate analysis, becomes a background "
    "job (202, follow `GET /jobs/{id}`). A text already stored is not analysed again.",
    responses={
        202: {"model": JobOut, "description": "Queued as a background job"},
        413: {"model": Problem, "description": "Body larger than the upload limit"},
        415: {"model": Problem, "description": "A body or file claimscope does not read"},
        422: {"model": Problem, "description": "Malformed JSON, form or document"},
    },
    openapi_extra=_ANALYZE_BODY,
)
async def analyze(request: Request) -> Any:
    """Analyse a record or an uploaded file."""
    state = state_of(request)
    submission = await read_submission(request, state)
    result = await run_in_threadpool(analyse_submission, state, submission)
    if isinstance(result, Job):
        return JSONResponse(
            job_out(result).model_dump(mode="json"),
            status_code=202,
            headers={"Location": f"/api/v1/jobs/{result.id}"},
        )
    return Response(
        result.dossier.to_json(indent=None),
        media_type="application/json",
        headers={"Location": f"/api/v1/documents/{result.document.id}"},
    )


@router.get(
    "/documents",
    response_model=DocumentPage,
    summary="List stored documents, newest first, with the search filters",
    responses=_BAD_PARAMETERS,
)
def list_documents(
    request: Request,
    filters: SearchFilters,
    paging: Paging,
) -> DocumentPage:
    """A page of documents."""
    store = state_of(request).store
    hits = store.search(None, filters, paging.size, paging.offset)
    return DocumentPage(
        total=store.count_matching(None, filters),
        page=paging.number,
        per_page=paging.size,
        documents=[summary_of(hit) for hit in hits],
    )


@router.get(
    "/documents/{document_id}",
    response_model=DocumentOut,
    summary="A stored document: its dossier and sightings",
    responses=_NOT_FOUND,
)
def get_document(request: Request, document_id: str) -> DocumentOut:
    """One document by its id (or 4+ hex digits of it)."""
    return document_out(request, find_document(state_of(request), document_id))


@router.get(
    "/search",
    response_model=SearchResult,
    summary="Full-text search with filters and facet counts",
    responses=_BAD_PARAMETERS,
)
def search(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    *,
    filters: SearchFilters,
    paging: Paging,
) -> SearchResult:
    """Documents matching words, "phrases", or and -exclusions; best first."""
    store = state_of(request).store
    hits = store.search(q, filters, paging.size, paging.offset)
    facets = store.facets(q, filters)
    return SearchResult(
        query=q,
        total=store.count_matching(q, filters),
        page=paging.number,
        per_page=paging.size,
        hits=[summary_of(hit) for hit in hits],
        facets={
            name: [FacetValue(value=value, count=count) for value, count in values]
            for name, values in facets.items()
        },
    )


@router.get("/clusters", response_model=list[ClusterOut], summary="Documents that share text")
def clusters(request: Request) -> list[ClusterOut]:
    """Clusters of republication and shared text, largest first."""
    return [
        ClusterOut(
            id=cluster.id,
            sightings=cluster.sighting_count,
            documents=[
                ClusterDocument(
                    id=document.id,
                    title=document.title,
                    outlet=document.outlet,
                    published=document.published,
                )
                for document in cluster.documents
            ],
            links=[SharedTextOut(**link.__dict__) for link in cluster.links],
        )
        for cluster in state_of(request).corpus.clusters()
    ]


def recurring_claim_out(claim: RecurringClaim) -> RecurringClaimOut:
    """A recurring claim as the API shows it."""
    return RecurringClaimOut(
        text=claim.text,
        documents=claim.documents,
        outlets=claim.outlets,
        speakers=claim.speakers,
        first_seen=claim.first_seen,
        last_seen=claim.last_seen,
        sightings=[ClaimSightingOut(**sighting.__dict__) for sighting in claim.sightings],
    )


@router.get(
    "/claims",
    response_model=list[RecurringClaimOut],
    summary="Claims worded almost alike in several documents",
)
def claims(request: Request) -> list[RecurringClaimOut]:
    """Recurring claims, most documents first."""
    return [recurring_claim_out(claim) for claim in state_of(request).corpus.recurring_claims()]


def actor_out(actor: Actor) -> ActorOut:
    """An actor as the API shows it."""
    return ActorOut(
        kind=actor.kind,
        name=actor.name,
        confidence=actor.confidence,
        countries=sorted(actor.countries),
        documents=actor.documents,
        mentions=len(actor.mentions),
    )


@router.get(
    "/actors",
    response_model=list[ActorOut],
    summary="People and organisations behind the signatories",
)
def actors(request: Request) -> list[ActorOut]:
    """Actors resolved across documents, most documents first."""
    return [actor_out(actor) for actor in state_of(request).corpus.actors()]


@router.post(
    "/match",
    response_model=MatchResult,
    summary="Look claims up in the evidence library",
    responses={422: {"model": Problem, "description": "Malformed request"}},
)
def match(request: Request, body: MatchRequest) -> MatchResult:
    """For each claim, the fact-checks and passages it matches (none while the library is
    empty), as a dossier's ``claims[].matches``."""
    library = state_of(request).corpus.evidence
    found = library.match(body.claims)
    return MatchResult(
        library_available=library.available,
        library_entries=library.entries,
        message=library.message,
        results=[
            ClaimMatches(
                claim=claim,
                matches=matches,
            )
            for claim, matches in zip(body.claims, found, strict=True)
        ],
    )


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    summary="A background analysis and its progress",
    responses=_NOT_FOUND,
)
def job(request: Request, job_id: str) -> JobOut:
    """A job by its id."""
    found = state_of(request).jobs.get(job_id)
    if found is None:
        raise HTTPException(404, f"no job with id {job_id}")
    return job_out(found)
