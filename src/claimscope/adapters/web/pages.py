"""The pages: analyse, document, search, clusters, claims, actors, evidence, jobs, login.

Server-rendered from the Jinja2 templates in ``templates/`` (autoescaped), readable without
JavaScript; ``static/app.js`` only moves a job's progress bar without reloading the page
and the report's script toggles layers. Every form post carries the CSRF token.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from claimscope.adapters.report.html import DossierView, Palette, render_html
from claimscope.adapters.report.markdown import render_markdown
from claimscope.adapters.report.network import network_svg, timeline_svg
from claimscope.adapters.store import Filters, Hit
from claimscope.adapters.web.api import PageRequest
from claimscope.adapters.web.jobs import Job
from claimscope.adapters.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    SESSION_SECONDS,
    cookie_header,
    safe_next,
)
from claimscope.adapters.web.state import (
    analyse_submission,
    find_document,
    read_submission,
    state_of,
    static_assets,
)
from claimscope.evidence.library import MAX_WORDED_CLAIM_CHARS

PER_PAGE = 20
MAX_PAGE = 10_000
FILTERS = ("outlet", "since", "until", "signatory", "technique", "cites", "country")
FACET_TITLES = {
    "outlet": "Outlet",
    "month": "Published",
    "country": "Country",
    "technique": "Technique",
    "cites": "Cites",
}
DOWNLOADS = {
    "json": ("application/json", "json"),
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
}

router = APIRouter(include_in_schema=False)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from a template, with what every page needs."""
    state = state_of(request)
    page = state.templates.get_template(template).render(
        request_path=request.url.path,
        csrf_field=CSRF_FIELD,
        csrf_token=request.state.csrf_token,
        signed_in=state.keys.token is not None,
        **context,
    )
    return HTMLResponse(page, status_code=status_code, headers={"Cache-Control": "no-store"})


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A page saying what went wrong."""
    return render(request, "error.html.j2", status, status=status, message=message)


async def _check_csrf(request: Request, form: dict[str, str]) -> None:
    if not state_of(request).keys.csrf_valid(
        request.cookies.get(CSRF_COOKIE), form.get(CSRF_FIELD)
    ):
        raise HTTPException(
            403, "the form's security token is missing or stale: reload the page and try again"
        )


def document_path(document_id: str) -> str:
    """The page of a document (its id's hexadecimal digits)."""
    return "/documents/" + document_id.removeprefix("sha256:")


# ---- analyse ------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def analyse_page(request: Request) -> HTMLResponse:
    """The analyse form, and the latest stored documents."""
    store = state_of(request).store
    return render(
        request,
        "analyse.html.j2",
        recent=store.search(None, None, 8),
        count=store.count(),
        form={},
        message=None,
        max_upload_mb=state_of(request).settings.max_upload_bytes / 1_048_576,
    )


@router.post("/analyze")
async def analyse_post(request: Request) -> Response:
    """Analyse what the form gives: show the dossier, or follow the job of a large upload."""
    state = state_of(request)
    try:
        submission = await read_submission(request, state)
        await _check_csrf(request, submission.form)
        result = await run_in_threadpool(analyse_submission, state, submission)
    except HTTPException as error:
        if error.status_code == 403:
            raise
        return render(
            request,
            "analyse.html.j2",
            error.status_code,
            recent=[],
            count=state.store.count(),
            form={},
            message=str(error.detail),
            max_upload_mb=state.settings.max_upload_bytes / 1_048_576,
        )
    if isinstance(result, Job):
        return RedirectResponse(f"/jobs/{result.id}", status_code=303)
    return RedirectResponse(document_path(result.document.id), status_code=303)


# ---- documents ----------------------------------------------------------------------------


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: str) -> HTMLResponse:
    """A dossier: the annotated text, the findings, where else the corpus has it."""
    state = state_of(request)
    stored = find_document(state, document_id)
    library = state.corpus.evidence
    # Its claims with what the evidence library holds on them: the report's Checked before.
    dossier = library.with_matches(stored.dossier)
    palette = Palette()
    palette.register(dossier)
    view = DossierView(dossier, "d1", palette)
    where = state.corpus.where_else(stored.document.id)
    others = [
        *(document.id for document in (where.cluster.documents if where.cluster else ())),
        *(other for _, claim in where.claims for other in claim.documents),
        *(other for _, documents in where.actors for other in documents),
    ]
    titles = state.corpus.titles(others)
    timeline = where.cluster.timeline() if where.cluster else where.sightings
    return render(
        request,
        "document.html.j2",
        view=view,
        hex_id=stored.document.id.removeprefix("sha256:"),
        library=library,
        where=where,
        titles=titles,
        sightings=state.store.sightings(stored.document.id),
        timeline=Markup(timeline_svg(timeline)) if timeline else None,
        versions=(stored.pipeline_version, stored.models_version),
    )


@router.get("/documents/{document_id}/download/{kind}")
def download(request: Request, document_id: str, kind: str) -> Response:
    """The dossier as a file: JSON, Markdown or the self-contained HTML report."""
    if kind not in DOWNLOADS:
        raise HTTPException(404, f"no download {kind!r}: json, markdown or html")
    stored = find_document(state_of(request), document_id)
    media_type, suffix = DOWNLOADS[kind]
    if kind == "json":
        body = stored.dossier.to_json() + "\n"
    elif kind == "markdown":
        body = render_markdown([stored.dossier])
    else:
        body = render_html([stored.dossier])
    # The name is made of the id's hexadecimal digits only, never of the document's data.
    name = f"claimscope-{stored.document.id.removeprefix('sha256:')[:16]}.{suffix}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ---- search -------------------------------------------------------------------------------


def _filters_from(params: dict[str, str]) -> tuple[Filters, list[str]]:
    """The search filters in the query string, and what could not be read."""
    problems: list[str] = []

    def day(name: str) -> date | None:
        value = params.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            problems.append(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
            return None

    def text(name: str) -> str | None:
        value = params.get(name, "").strip()
        return value[:200] or None

    filters = Filters(
        outlet=text("outlet"),
        since=day("since"),
        until=day("until"),
        signatory=text("signatory"),
        technique=text("technique"),
        cites=text("cites"),
        country=text("country"),
    )
    return filters, problems


def _with(params: dict[str, str], **changes: str | None) -> str:
    """The search's query string with some parameters changed (None removes one)."""
    merged = {name: value for name, value in params.items() if value}
    merged.pop("page", None)
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return "/search?" + urlencode(merged)


def _facet_link(params: dict[str, str], facet: str, value: str) -> str:
    if facet == "month":
        year, month = (int(part) for part in value.split("-"))
        last = calendar.monthrange(year, month)[1]
        return _with(params, since=f"{value}-01", until=f"{value}-{last:02d}")
    return _with(params, **{facet: value})


def highlighted(hit: Hit) -> list[tuple[str, bool]]:
    """A snippet cut into (text, matched) pieces."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in sorted(hit.highlights):
        if start < position:
            continue
        if start > position:
            pieces.append((hit.snippet[position:start], False))
        pieces.append((hit.snippet[start:end], True))
        position = end
    pieces.append((hit.snippet[position:], False))
    return [piece for piece in pieces if piece[0]]


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request) -> HTMLResponse:
    """Full-text search with filters, facet counts and pages."""
    store = state_of(request).store
    params = {name: value for name, value in request.query_params.items()}
    query = params.get("q", "")[:1000]
    filters, problems = _filters_from(params)
    page_text = params.get("page", "1")
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) <= MAX_PAGE else 1
    asked = PageRequest(page, PER_PAGE)
    hits = store.search(query, filters, asked.size, asked.offset)
    total = store.count_matching(query, filters)
    facets = store.facets(query, filters)
    facet_links = {
        name: [(value, count, _facet_link(params, name, value)) for value, count in values]
        for name, values in facets.items()
    }
    active = [
        (name, params[name], _with(params, **{name: None}))
        for name in FILTERS
        if params.get(name, "").strip()
    ]
    pages = (total + PER_PAGE - 1) // PER_PAGE
    return render(
        request,
        "search.html.j2",
        query=query,
        params=params,
        hits=[(hit, highlighted(hit)) for hit in hits],
        total=total,
        page=page,
        pages=pages,
        previous=_with(params, page=str(page - 1)) if page > 1 else None,
        next=_with(params, page=str(page + 1)) if page < pages else None,
        facets=facet_links,
        facet_titles=FACET_TITLES,
        active=active,
        problems=problems,
        filters=FILTERS,
    )


# ---- across the corpus --------------------------------------------------------------------


@router.get("/clusters", response_class=HTMLResponse)
def clusters_page(request: Request) -> HTMLResponse:
    """Clusters of documents that share text."""
    state = state_of(request)
    return render(
        request, "clusters.html.j2", clusters=state.corpus.clusters(), count=state.store.count()
    )


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(request: Request, cluster_id: str) -> HTMLResponse:
    """One cluster: its documents, what they share, and its timeline."""
    cluster = state_of(request).corpus.cluster(cluster_id)
    if cluster is None:
        raise HTTPException(404, f"no cluster {cluster_id}")
    timeline = cluster.timeline()
    titles = {document.id: document.title for document in cluster.documents}
    return render(
        request,
        "cluster.html.j2",
        cluster=cluster,
        titles=titles,
        timeline=Markup(timeline_svg(timeline)) if timeline else None,
    )


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request) -> HTMLResponse:
    """Claims worded almost alike in several documents."""
    state = state_of(request)
    return render(
        request,
        "claims.html.j2",
        claims=state.corpus.recurring_claims(),
        count=state.store.count(),
    )


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request) -> HTMLResponse:
    """Actors across documents and the co-signature network."""
    state = state_of(request)
    graph = state.corpus.network()
    kinds = sorted({str(data.get("kind", "")) for _, data in graph.nodes(data=True)} - {""})
    return render(
        request,
        "actors.html.j2",
        actors=state.corpus.actors(),
        # network_svg escapes every label it draws.
        network=Markup(network_svg(graph)) if graph.number_of_nodes() else None,
        nodes=graph.number_of_nodes(),
        links=graph.number_of_edges(),
        kinds=kinds,
        count=state.store.count(),
    )


@router.get("/evidence", response_class=HTMLResponse)
def evidence_page(request: Request) -> HTMLResponse:
    """The evidence library: what claims are matched against, and a claim looked up in it."""
    library = state_of(request).corpus.evidence
    claim = " ".join(request.query_params.get("claim", "").split())
    problem = (
        f"The claim has {len(claim):,} characters; at most {MAX_WORDED_CLAIM_CHARS:,} are "
        "looked up: give a longer text as a document."
        if len(claim) > MAX_WORDED_CLAIM_CHARS
        else None
    )
    return render(
        request,
        "evidence.html.j2",
        400 if problem else 200,
        library=library,
        claim=claim[:MAX_WORDED_CLAIM_CHARS],
        max_claim_chars=MAX_WORDED_CLAIM_CHARS,
        problem=problem,
        matches=library.match([claim])[0] if claim and not problem else None,
    )


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str) -> HTMLResponse:
    """A background analysis: its progress bar, and its documents once stored."""
    job = state_of(request).jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job with id {job_id}")
    return render(request, "job.html.j2", job=job, document_path=document_path)


# ---- login --------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The login form (only when the server has a token)."""
    return render(request, "login.html.j2", next=safe_next(next), message=None)


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the token; on success set the session cookie and go where the user was going."""
    state = state_of(request)
    form = {name: value for name, value in (await request.form()).items() if isinstance(value, str)}
    await _check_csrf(request, form)
    target = safe_next(form.get("next"))
    if state.keys.token is None:
        return RedirectResponse(target, status_code=303)
    if not state.keys.token_matches(form.get("token", "").strip()):
        return render(
            request, "login.html.j2", 401, next=target, message="That is not this server's token."
        )
    response = RedirectResponse(target, status_code=303)
    response.raw_headers.append(
        (b"set-cookie", cookie_header(SESSION_COOKIE, state.keys.new_session(), SESSION_SECONDS))
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session."""
    form = {name: value for name, value in (await request.form()).items() if isinstance(value, str)}
    await _check_csrf(request, form)
    response = RedirectResponse("/login", status_code=303)
    response.raw_headers.append((b"set-cookie", cookie_header(SESSION_COOKIE, "", 0)))
    return response


# ---- assets -------------------------------------------------------------------------------


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """The app's stylesheets and scripts (shipped in the package: no CDN)."""
    found = static_assets().get(name)
    if found is None:
        raise HTTPException(404, f"no static file {name}")
    body, media_type = found
    return Response(body, media_type=media_type, headers={"Cache-Control": "max-age=3600"})
