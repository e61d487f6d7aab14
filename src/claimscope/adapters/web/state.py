"""What the pages and the JSON API share: settings, state, reading and analysing submissions.

``app.py`` builds the app and includes the routers of ``pages.py`` and ``api.py``; both
routers read the shared :class:`WebState` and submissions through this module, so imports
run one way (app -> pages, api -> state).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, cast

from fastapi import HTTPException, Request
from jinja2 import Environment
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from claimscope.adapters.report.html import Palette, asset
from claimscope.adapters.report.network import NETWORK_SCRIPT
from claimscope.adapters.store import Store, StoredDocument, StoreError
from claimscope.adapters.web.corpus_views import CorpusViews
from claimscope.adapters.web.jobs import Job, JobManager
from claimscope.adapters.web.models import AnalyzeRecord
from claimscope.adapters.web.security import Keys
from claimscope.adapters.web.services import (
    AnalysisService,
    Record,
    UnsupportedUpload,
    record_document,
    upload_documents,
    upload_name,
)
from claimscope.analysis import DEFAULT_MAX_SECONDS
from claimscope.document import Document
from claimscope.ingestion import IngestionError

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_SYNC_CHARS = 100_000
"""A single document longer than this is analysed as a background job."""
RECORD_FIELDS = ("title", "url", "published", "outlet", "country")


@dataclass(frozen=True)
class WebSettings:
    """How the app runs: its store, token, limits and pipeline."""

    db: str | None = None
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    sync_chars: int = DEFAULT_SYNC_CHARS
    disabled: tuple[str, ...] = ()
    max_seconds: float = DEFAULT_MAX_SECONDS
    loopback_only: bool = True
    """Answer loopback host names only (served on loopback without a token)."""
    warm_up: bool = True
    """Load the pipeline's models at start-up rather than at the first document."""
    matching_embeddings: bool = False
    """Match claims with the embeddings extra's model (``serve --embeddings``)."""


@dataclass
class WebState:
    """What every request handler shares."""

    settings: WebSettings
    store: Store
    service: AnalysisService
    jobs: JobManager
    corpus: CorpusViews
    keys: Keys
    templates: Environment = field(repr=False)


@dataclass
class Submission:
    """What a POST to analyse gave: the documents read, and where they came from."""

    source: str
    items: list[Document | IngestionError]
    form: dict[str, str]


def state_of(request: Request) -> WebState:
    """The app's shared state."""
    return cast(WebState, request.app.state.web)


def describe_error(error: Any) -> str:
    """One validation error as a line: where, then what."""
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg"))


# ---- assets -------------------------------------------------------------------------------


@cache
def static_assets() -> dict[str, tuple[bytes, str]]:
    """The files under /static: the app's own, the report's CSS and script, the palette."""
    web = resources.files("claimscope.adapters.web").joinpath("static")
    return {
        "app.css": (web.joinpath("app.css").read_bytes(), "text/css"),
        "app.js": (web.joinpath("app.js").read_bytes(), "text/javascript"),
        "report.css": (asset("report.css").encode(), "text/css"),
        "report.js": (asset("report.js").encode(), "text/javascript"),
        "palette.css": (Palette.css().encode(), "text/css"),
        "network.js": (NETWORK_SCRIPT.encode(), "text/javascript"),
    }


# ---- shared by pages and API --------------------------------------------------------------


def find_document(state: WebState, given: str) -> StoredDocument:
    """A stored document by its id or 4+ hex digits of it; 404 otherwise."""
    try:
        document_id = state.store.resolve_id(given)
    except StoreError as error:
        raise HTTPException(404, str(error)) from None
    stored = state.store.get(document_id)
    if stored is None:  # pragma: no cover - resolved just above
        raise HTTPException(404, f"no stored document with id {given}")
    return stored


class _MemoryMultiPartParser(MultiPartParser):
    """Starlette's multipart parser with uploads kept in memory up to the body limit.

    Its spooled files stay in memory below ``spool_max_size``; the body limit caps what can
    arrive, so an upload never reaches the disk (and never under a name from the request).
    """

    spool_max_size = DEFAULT_MAX_UPLOAD_BYTES + 1


async def read_submission(request: Request, state: WebState) -> Submission:
    """The documents a POST to analyse carries: a JSON record, or a form with text or a file.

    415 for a body or file of a kind claimscope does not read, 422 for a malformed one.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    settings = state.service.settings
    if content_type == "application/json":
        try:
            payload = json.loads(await request.body())
            record = AnalyzeRecord.model_validate(payload)
        except (ValueError, RecursionError) as error:
            raise HTTPException(422, _invalid_json(error)) from None
        source = record_source("api:record", record.url, record.outlet)
        return Submission(source, [_record_item(record.model_dump(), source, settings)], {})
    if content_type not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise HTTPException(
            415, "send a JSON record (application/json) or a form (multipart/form-data)"
        )
    form = await _read_form(request, content_type, state.settings.max_upload_bytes)
    upload = form.pop("file", None)
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        if data:
            try:
                items = upload_documents(upload.filename, data, settings)
            except UnsupportedUpload as error:
                raise HTTPException(415, str(error)) from None
            return Submission(upload_name(upload.filename), items, fields)
    text = fields.get("text", "")
    if not text.strip():
        raise HTTPException(422, "give a text to analyse or a file to upload")
    given = {name: fields.get(name) or None for name in RECORD_FIELDS}
    source = record_source("web:pasted", given["url"], given["outlet"])
    return Submission(source, [_record_item({"text": text, **given}, source, settings)], fields)


def record_source(base: str, url: str | None, outlet: str | None) -> str:
    """A sent text's source: how it came, and the URL (else the outlet) it names.

    A sighting is unique per document and source, so the same text sent for two outlets or
    two URLs is two sightings (republication kept as data), and sent twice for one is one.
    """
    named = (url or "").strip() or (f"({outlet.strip()})" if outlet and outlet.strip() else "")
    return f"{base} {named}" if named else base


async def _read_form(request: Request, content_type: str, limit: int) -> dict[str, Any]:
    try:
        if content_type == "multipart/form-data":
            parser = _MemoryMultiPartParser(
                request.headers, request.stream(), max_files=1, max_fields=20, max_part_size=limit
            )
            parsed = await parser.parse()
        else:
            parsed = await request.form(max_files=0, max_fields=20, max_part_size=limit)
    except MultiPartException as error:
        raise HTTPException(422, f"malformed form: {error.message}") from None
    except (ValueError, KeyError, UnicodeDecodeError) as error:
        raise HTTPException(422, f"malformed form: {error}") from None
    return dict(parsed.multi_items())


def _record_item(record: dict[str, Any], source: str, settings: Any) -> Document | IngestionError:
    try:
        return record_document(Record(**record), source, settings)
    except IngestionError as error:
        return error


def _invalid_json(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(describe_error(item) for item in error.errors())
    if isinstance(error, RecursionError):
        return "malformed JSON: nested too deeply"
    return f"malformed JSON: {error}"


def analyse_submission(state: WebState, submission: Submission) -> StoredDocument | Job:
    """Analyse a small single document at once; anything else becomes a background job.

    422 when nothing in the submission could be read.
    """
    documents = [item for item in submission.items if isinstance(item, Document)]
    errors = [item for item in submission.items if isinstance(item, IngestionError)]
    if not documents:
        shown = "; ".join(str(error) for error in errors[:5]) or "no document found"
        raise HTTPException(422, shown)
    if len(submission.items) == 1 and len(documents[0].text) <= state.settings.sync_chars:
        stored, _ = state.service.add(documents[0])
        return stored
    return state.jobs.submit(submission.source, submission.items)
