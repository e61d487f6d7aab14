"""Analysing what the web app is given and storing it: pasted text, records, uploaded files.

One pipeline per server process, built once at start-up and used by one thread at a time
(a lock per document, so a background job and a pasted text take turns document by
document). An upload is read in memory (``web.uploads``): its bytes are never written to
disk under any name, let alone one taken from the request.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from claimscope.adapters.inputs import read_warc, sniff_kind
from claimscope.adapters.store import Analysed, Sighting, Store, StoredDocument, Versions
from claimscope.analysis import DEFAULT_MAX_SECONDS
from claimscope.document import Document, Hints
from claimscope.dossier import Dossier
from claimscope.ingestion import (
    IngestionError,
    Settings,
    country_code,
    documents_from_bytes,
    kind_for_name,
    make_document,
)
from claimscope.pipeline import Pipeline

# Suffixes that name a kind of file claimscope does not read: refused as 415 before any
# reading. Any other name is read by its suffix, or sniffed when it has none claimscope knows.
UNSUPPORTED_SUFFIXES = (
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".svg",
    ".zip",
    ".tar",
    ".gz",
    ".mp3",
    ".mp4",
    ".exe",
)


class UnsupportedUpload(ValueError):
    """An upload of a kind claimscope does not read (HTTP 415)."""


@dataclass(frozen=True)
class Record:
    """What a JSON input record carries: the text and what is known about it."""

    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    country: str | None = None


def record_document(record: Record, source: str, settings: Settings) -> Document:
    """The document of a record, checked like a JSONL record (IngestionError when it is bad)."""
    country = None
    if record.country is not None and record.country.strip():
        country = country_code(record.country)
        if country is None:
            raise IngestionError(
                source, f"field 'country' {record.country!r} is not an ISO 3166-1 alpha-2 code"
            )
    hints = Hints(
        title=record.title or None,
        title_source="record" if record.title else None,
        published=record.published or None,
        url=record.url or None,
        outlet=record.outlet or None,
        country=country,
    )
    return make_document(record.text, source, hints=hints, format="record", settings=settings)


def upload_documents(
    filename: str, data: bytes, settings: Settings
) -> list[Document | IngestionError]:
    """Every document of an uploaded file, read in memory like ``analyze`` reads that file.

    The file's name only says what kind of file it is (and names it in messages); a name
    with no known suffix is sniffed like standard input. Raises UnsupportedUpload for a
    kind claimscope does not read.
    """
    name = upload_name(filename)
    lowered = name.lower()
    if lowered.endswith(UNSUPPORTED_SUFFIXES) and not lowered.endswith(".warc.gz"):
        raise UnsupportedUpload(f"{name}: claimscope reads .txt, .html, .json, .jsonl and .warc")
    kind = kind_for_name(name) or sniff_kind(data)
    if data.startswith(b"%PDF-"):
        raise UnsupportedUpload(f"{name}: a PDF file; claimscope reads text, HTML, JSON and WARC")
    if kind == "warc" or data.startswith((b"WARC/", b"\x1f\x8b")):
        return list(read_warc(io.BytesIO(data), name, settings))
    return list(documents_from_bytes(data, name, kind, settings))


def upload_name(filename: str) -> str:
    """``upload:NAME``, the upload's base name: for messages and sources, never a path."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    cleaned = "".join(character for character in base if character.isprintable())[:200]
    return "upload:" + (cleaned or "file")


class AnalysisService:
    """The server's pipeline and store: analyse a document and keep it."""

    def __init__(
        self,
        store: Store,
        disabled: Iterable[str] = (),
        max_seconds: float = DEFAULT_MAX_SECONDS,
        max_chars: int | None = None,
    ) -> None:
        from claimscope.artefacts import models_version
        from claimscope.pipeline import STAGE_NAMES, pipeline_version

        self.store = store
        self.disabled = tuple(disabled)
        self.max_seconds = max_seconds
        self.settings = Settings() if max_chars is None else Settings(max_chars=max_chars)
        self.versions = Versions(
            pipeline=pipeline_version([n for n in STAGE_NAMES if n not in self.disabled]),
            models=models_version(),
        )
        self._pipeline: Pipeline | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Build the pipeline now (models loaded once), not at the first document."""
        with self._lock:
            self._pipeline_now()

    def _pipeline_now(self) -> Pipeline:
        if self._pipeline is None:
            from claimscope.pipeline import build_pipeline

            self._pipeline = build_pipeline(self.disabled, self.max_seconds)
        return self._pipeline

    def analyse(self, document: Document) -> Dossier:
        """One document's dossier (documents are analysed one at a time)."""
        with self._lock:
            return self._pipeline_now().analyze(document)

    def analyse_stream(self, documents: Iterable[Document]) -> Iterator[Dossier]:
        """Dossiers of documents in order, the pipeline taken for one document at a time."""
        for document in documents:
            yield self.analyse(document)

    def add(self, document: Document) -> tuple[StoredDocument, bool]:
        """Analyse and store a document unless it is stored; the stored copy, and if it is new.

        A text already stored gets one more sighting and is not analysed again.
        """
        stored = self.store.get(document.id)
        sighting = Sighting.of(document)
        if stored is not None:
            self.store.write([], [(document.id, sighting)])
            return stored, False
        dossier = self.analyse(document)
        self.store.write([Analysed(document, dossier, [sighting])], versions=self.versions)
        stored = self.store.get(document.id)
        if stored is None:  # pragma: no cover - written in the line above
            raise RuntimeError(f"{document.id} was not stored")
        return stored, True

    def with_country(self, document: Document, country: str | None) -> Document:
        """The document with a country hint, when it has none of its own."""
        if country is None or document.hints.country is not None:
            return document
        return replace(document, hints=replace(document.hints, country=country))
