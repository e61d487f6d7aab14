"""The FastAPI application: the shared state built once, error handling, routers.

``create_app(WebSettings(...))`` builds the app over one store; ``claimscope serve`` runs it
with uvicorn. Pages (``pages.py``) and the JSON API (``api.py``, under ``/api/v1``) share
one ``WebState`` (``state.py``): the store, the analysis service with its pipeline, the job
manager, the corpus views and the templates.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from claimscope import __version__
from claimscope.adapters.report.html import configure_templates
from claimscope.adapters.store import Store
from claimscope.adapters.web.api import router as api_router
from claimscope.adapters.web.corpus_views import corpus_views_for
from claimscope.adapters.web.jobs import JobManager
from claimscope.adapters.web.models import AnalyzeRecord
from claimscope.adapters.web.pages import error_page
from claimscope.adapters.web.pages import router as pages_router
from claimscope.adapters.web.security import (
    LOOPBACK_HOSTS,
    BodyTooLarge,
    Keys,
    SecurityMiddleware,
)
from claimscope.adapters.web.services import AnalysisService
from claimscope.adapters.web.state import WebSettings, WebState, describe_error
from claimscope.dossier import json_schema

__all__ = ["WebSettings", "create_app", "dossier_components"]


def create_app(settings: WebSettings, store: Store | None = None) -> FastAPI:
    """The web app over the settings' store (or the given open one)."""
    opened = store if store is not None else Store.open(settings.db)
    service = AnalysisService(opened, settings.disabled, settings.max_seconds)
    keys = Keys(settings.token)
    state = WebState(
        settings=settings,
        store=opened,
        service=service,
        jobs=JobManager(service),
        corpus=corpus_views_for(opened, settings.matching_embeddings),
        keys=keys,
        templates=_templates(),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            await run_in_threadpool(service.warm_up)
            # The evidence index too (with --embeddings, the library's texts not yet in the
            # store are encoded): the first page with claims should not wait for it.
            await run_in_threadpool(state.corpus.evidence.warm_up)
        yield
        state.jobs.shutdown()

    app = FastAPI(
        title="claimscope",
        version=__version__,
        summary="Dossiers of news articles, press releases and joint statements, and the corpus "
        "they are kept in. Findings are spans of the text to examine, never verdicts.",
        # Swagger UI and ReDoc load scripts from a CDN: the app works offline, and the
        # schema at /openapi.json is what tools read.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.include_router(api_router)
    app.include_router(pages_router)
    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(ClientDisconnect, _client_gone)
    allowed = None
    if settings.loopback_only and settings.token is None:
        allowed = LOOPBACK_HOSTS
    app.add_middleware(
        SecurityMiddleware,
        keys=keys,
        max_body_bytes=settings.max_upload_bytes,
        allowed_hosts=allowed,
    )
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI schema, with the analyse request's JSON record among its components.

    ``POST /analyze`` reads its body itself (a JSON record or a form), so FastAPI does not
    see the record's model; its schema is added where the request body's $ref points.
    """
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["AnalyzeRecord"] = AnalyzeRecord.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        components.update(dossier_components())
        app.openapi_schema = schema
    return app.openapi_schema


def dossier_components() -> dict[str, Any]:
    """The dossier's JSON Schema (``claimscope schema``) as OpenAPI components.

    FastAPI draws its own schema of the same model, leaving out the ``"default": null`` of
    optional fields; the committed schema is put in its place, so that the API and
    ``schema/dossier.schema.json`` describe the dossier in the same words.
    """
    dossier = json_schema()
    definitions = dossier.pop("$defs", {})
    for key in ("$id", "$schema"):
        dossier.pop(key, None)
    components = {"Dossier": dossier, **definitions}
    return cast(dict[str, Any], _moved_refs(components))


def _moved_refs(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _moved_refs(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_moved_refs(item) for item in value]
    if isinstance(value, str) and value.startswith("#/$defs/"):
        return "#/components/schemas/" + value.removeprefix("#/$defs/")
    return value


def _templates() -> Environment:
    environment = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("claimscope.adapters.web", "templates"),
                PackageLoader("claimscope.adapters.report", "templates"),
            ]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return configure_templates(environment)


def wants_json(request: Request) -> bool:
    """Whether an error should be JSON (the API) or a page."""
    return request.url.path.startswith("/api/")


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": error.detail}, status_code=error.status_code)
    return error_page(request, error.status_code, str(error.detail))


async def _validation_error(request: Request, error: RequestValidationError) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": _plain(error.errors())}, status_code=422)
    return error_page(request, 422, "; ".join(describe_error(item) for item in error.errors()))


async def _too_large(request: Request, error: Exception) -> Response:
    return await _http_error(request, HTTPException(413, str(error)))


async def _client_gone(request: Request, error: Exception) -> Response:
    return Response(status_code=400)


def _plain(errors: Any) -> Any:
    """Validation errors as plain JSON (an error's input may hold bytes or exceptions)."""
    return json.loads(json.dumps(errors, default=str))
