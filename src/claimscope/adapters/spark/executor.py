"""What runs inside Spark's Python workers: reading inputs, the pipeline, MinHash parts.

Nothing here imports pyspark. Each function takes and yields pyarrow record batches, the
form ``DataFrame.mapInArrow`` hands Python, so the jobs (:mod:`.jobs`) wire them into Spark
and tests can call them directly. Spark reuses a Python worker process for task after task
(``spark.python.worker.reuse``, on by default), so the pipeline built here is kept in a
module-level cache keyed by its settings: it loads once per worker process, never per
partition or per row. ``spark analyze`` goes further: its daemon (:mod:`.daemon`) builds
the pipeline before forking the workers, which then find it here already built.

A bad input never raises out of these functions: an unreadable file, a malformed record,
a document the pipeline fails on become rows with a reason, so a task never fails (and a
job of hours is never restarted) for one record.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import pyarrow as pa

from claimscope.adapters.inputs import (
    WarcPage,
    is_uri,
    open_file,
    page_documents,
    read_at_most,
    shown,
    warc_pages,
)
from claimscope.analysis import DEFAULT_MAX_SECONDS
from claimscope.corpus.duplicates import document_parts, part_signatures
from claimscope.corpus.minhash import DEFAULT_SETTINGS, MinHashSettings, band_keys, verified
from claimscope.document import Document
from claimscope.ingestion import (
    DEFAULT_MAX_CHARS,
    IngestionError,
    Settings,
    document_from_json_line,
    document_from_record,
    documents_from_bytes,
)

if TYPE_CHECKING:
    from claimscope.dossier import Dossier
    from claimscope.pipeline import Pipeline

# Rows of read input gathered into one batch: few enough that a batch of whole pages stays
# small in memory, many enough that Arrow's per-batch cost does not matter.
_READ_BATCH_ROWS = 64
_READ_BATCH_BYTES = 32 << 20
_READ_BUFFER = 1 << 20

RAW_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        # What the row holds: a file's bytes ("text", "html", "json"), a JSONL "line", a
        # WARC "page", a Parquet "record" (text and metadata), or an "error" (reason).
        pa.field("kind", pa.string()),
        pa.field("data", pa.binary()),
        pa.field("text", pa.string()),
        pa.field("title", pa.string()),
        pa.field("url", pa.string()),
        pa.field("published", pa.string()),
        pa.field("outlet", pa.string()),
        pa.field("country", pa.string()),
        pa.field("captured", pa.string()),
        pa.field("reason", pa.string()),
    ]
)
"""Inputs read but not yet ingested: what crosses the shuffle before the analysis."""

RECORD_FIELDS = ("text", "title", "url", "published", "outlet", "country")
"""The columns of a Parquet input read as a record's fields (``text`` required)."""

_TEXTS = pa.list_(pa.string())
DOCUMENT_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("id", pa.string()),
    ("source", pa.string()),
    ("outlet", pa.string()),
    ("url", pa.string()),
    ("captured", pa.string()),
    ("title", pa.string()),
    ("headline", pa.string()),
    ("language", pa.string()),
    ("published", pa.string()),
    ("published_on", pa.date32()),
    ("country", pa.string()),
    ("countries", _TEXTS),
    ("signatories", _TEXTS),
    ("techniques", _TEXTS),
    ("citations", _TEXTS),
    ("pipeline_version", pa.string()),
    ("models_version", pa.string()),
    ("hints", pa.string()),
    ("dossier", pa.string()),
)
"""The columns of the analysis output, one row per document: the searchable fields of
:func:`claimscope.adapters.store.facets.searchable_fields`, the metadata the input gave
(``hints``, JSON as the store keeps it, so ``corpus import`` stores the document as
``corpus add`` would) and the dossier's JSON."""

REJECTED_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("source", pa.string()),
    ("reason", pa.string()),
)

ANALYSED_SCHEMA = pa.schema(
    [pa.field("status", pa.string()), pa.field("reason", pa.string())]
    + [pa.field(name, kind) for name, kind in DOCUMENT_FIELDS]
)
"""What the analysis yields: ``status`` "document" (the document's columns) or "rejected"
(``source`` and ``reason``), split into two Parquet outputs by the job."""


@dataclass(frozen=True)
class AnalysisSettings:
    """What the pipeline and ingestion need to know, the same on every executor."""

    disabled: tuple[str, ...] = ()
    max_seconds: float | None = DEFAULT_MAX_SECONDS
    max_chars: int = DEFAULT_MAX_CHARS
    country: str | None = None
    """The ISO country given for documents whose record does not name one."""


# -- reading ---------------------------------------------------------------------------------


def read_files(batches: Iterable[pa.RecordBatch], max_chars: int) -> Iterator[pa.RecordBatch]:
    """Read the files named in batches of (``path``, ``kind``) rows into RAW_SCHEMA rows.

    A JSONL file streams line by line and a WARC archive record by record, so a file of
    any size is read in bounded memory; other files are read whole, up to the size limit.
    """
    limit = 4 * max_chars + 1
    rows: list[dict[str, Any]] = []
    size = 0
    for batch in batches:
        for item in batch.to_pylist():
            for row in _file_rows(item["path"], item["kind"], limit):
                rows.append(row)
                size += len(row.get("data") or b"")
                if len(rows) >= _READ_BATCH_ROWS or size >= _READ_BATCH_BYTES:
                    yield pa.RecordBatch.from_pylist(rows, schema=RAW_SCHEMA)
                    rows, size = [], 0
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=RAW_SCHEMA)


def _file_rows(path: str, kind: str, limit: int) -> Iterator[dict[str, Any]]:
    source = shown(path)
    try:
        with open_input(path) as stream:
            if kind == "jsonl":
                yield from _line_rows(stream, source, limit)
            elif kind == "warc":
                for page in warc_pages(stream, source, limit):
                    yield _page_row(page)
            else:
                yield {"source": source, "kind": kind, "data": read_at_most(stream, limit)}
    except IngestionError as error:
        yield _error_row(error.source, error.problem)
    except OSError as error:
        yield _error_row(source, f"cannot read: {error.strerror or error}")
    # pyarrow's file systems raise their own errors (a missing bucket, a refused
    # connection); whatever a read hits is this input's problem, not the job's.
    except Exception as error:
        yield _error_row(source, f"cannot read: {type(error).__name__}: {error}")


def open_input(path: str) -> BinaryIO:
    """A file for reading: a local path, or a URI through pyarrow's file systems."""
    if is_uri(path):
        from pyarrow import fs

        filesystem, inner = fs.FileSystem.from_uri(path)
        # pyarrow's streams read but do not split lines: buffered, they do both.
        return io.BufferedReader(filesystem.open_input_stream(inner), _READ_BUFFER)
    return open_file(path)


def _line_rows(stream: BinaryIO, source: str, limit: int) -> Iterator[dict[str, Any]]:
    """The non-blank lines of a JSONL file, each at most ``limit`` bytes (a longer one is cut
    there, which ingestion then rejects as too large), numbered from 1 as ``analyze`` does."""
    number = 0
    while True:
        line = stream.readline(limit)
        if not line:
            return
        number += 1
        if not line.endswith(b"\n") and len(line) >= limit:
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        if line.strip():
            yield {"source": f"{source}#{number}", "kind": "line", "data": line.rstrip(b"\r\n")}


def _page_row(page: WarcPage | IngestionError) -> dict[str, Any]:
    if isinstance(page, IngestionError):
        return _error_row(page.source, page.problem)
    return {
        "source": page.source,
        "kind": "page",
        "data": page.data,
        "url": page.url,
        "captured": page.captured,
    }


def _error_row(source: str, reason: str) -> dict[str, Any]:
    return {"source": source, "kind": "error", "reason": reason}


def ingest(row: Mapping[str, Any], settings: Settings) -> Iterator[Document | IngestionError]:
    """The documents of one RAW_SCHEMA row, or why it holds none, as ``analyze`` reads them."""
    kind, source = row["kind"], row["source"]
    if kind == "error":
        yield IngestionError(source, row["reason"])
    elif kind == "line":
        yield document_from_json_line(row["data"], source, settings)
    elif kind == "record":
        record = {name: row[name] for name in RECORD_FIELDS if row.get(name) is not None}
        yield document_from_record(record, source, settings)
    elif kind == "page":
        yield from page_documents(
            WarcPage(source, row["data"], row["url"], row["captured"]), settings
        )
    else:
        yield from documents_from_bytes(row["data"], source, kind, settings)


# -- analysis ----------------------------------------------------------------------------------

_PipelineKey = tuple[tuple[str, ...], float | None]
_pipelines: dict[_PipelineKey, Pipeline] = {}
pipelines_built = 0
"""How many pipelines this process has built, or inherited built (a test reads it)."""
pipeline_builders: dict[_PipelineKey, int] = {}
"""The id of the process that built each pipeline: this one, or the daemon it forked from."""


def pipeline_for(settings: AnalysisSettings) -> Pipeline:
    """This process's pipeline for the settings, built on first use and kept."""
    global pipelines_built
    key = (settings.disabled, settings.max_seconds)
    pipeline = _pipelines.get(key)
    if pipeline is None:
        from claimscope.pipeline import build_pipeline

        pipeline = _pipelines[key] = build_pipeline(settings.disabled, settings.max_seconds)
        pipelines_built += 1
        pipeline_builders[key] = os.getpid()
    return pipeline


def prepare(settings: AnalysisSettings) -> None:
    """Everything :func:`analyse_batches` loads on its first call, loaded now (the daemon
    calls this before it forks the workers)."""
    from claimscope.artefacts import models_version

    pipeline_for(settings)
    _models_version(models_version)
    # What document_row imports on a worker's first row (the store's modules).
    from claimscope.adapters.store import facets, store  # noqa: F401


def analyse_batches(
    batches: Iterable[pa.RecordBatch], settings: AnalysisSettings
) -> Iterator[pa.RecordBatch]:
    """Ingest and analyse RAW_SCHEMA batches: one ANALYSED_SCHEMA batch out per batch in."""
    from claimscope.artefacts import models_version

    pipeline = pipeline_for(settings)
    versions = (pipeline.version, _models_version(models_version))
    ingestion = Settings(max_chars=settings.max_chars)
    for batch in batches:
        rows: list[dict[str, Any]] = []
        documents: list[Document] = []
        for raw in batch.to_pylist():
            for item in _ingested(raw, ingestion):
                if isinstance(item, IngestionError):
                    rows.append(_rejected(item.source, item.problem))
                    continue
                if settings.country is not None and item.hints.country is None:
                    item = replace(item, hints=replace(item.hints, country=settings.country))
                documents.append(item)
        for document, result in _analysed(pipeline, documents):
            if isinstance(result, str):
                rows.append(_rejected(document.source, result))
            else:
                rows.append(document_row(document, result, versions))
        yield pa.RecordBatch.from_pylist(rows, schema=ANALYSED_SCHEMA)


_models_versions: list[str] = []


def _models_version(compute: Any) -> str:
    # Hashing the artefacts' descriptions reads files: once per process is enough.
    if not _models_versions:
        _models_versions.append(compute())
    return _models_versions[0]


def _ingested(row: Mapping[str, Any], settings: Settings) -> Iterator[Document | IngestionError]:
    try:
        yield from ingest(row, settings)
    # Ingestion turns every bad input it knows into an IngestionError; anything else is a
    # bug, still one record's problem here.
    except Exception as error:
        yield IngestionError(row["source"], f"cannot ingest: {_one_line(error)}")


def _analysed(
    pipeline: Pipeline, documents: Sequence[Document]
) -> Iterator[tuple[Document, Dossier | str]]:
    """Each document with its dossier, or the reason the pipeline failed on it."""
    try:
        dossiers = list(pipeline.pipe(documents))
    except Exception:
        # One document broke the batch: analyse them one by one to find which.
        for document in documents:
            try:
                yield document, pipeline.analyze(document)
            except Exception as error:
                yield document, f"analysis failed: {_one_line(error)}"
        return
    yield from zip(documents, dossiers, strict=True)


def document_row(document: Document, dossier: Dossier, versions: tuple[str, str]) -> dict[str, Any]:
    """The output row of one analysed document (DOCUMENT_FIELDS, status "document")."""
    from claimscope.adapters.store.facets import searchable_fields
    from claimscope.adapters.store.store import Sighting, hints_to_json, outlet_of

    sighting = Sighting.of(document)
    fields = searchable_fields(dossier.to_json_dict(), document.hints)
    return {
        "status": "document",
        "id": document.id,
        "source": document.source,
        "outlet": outlet_of(sighting, dossier),
        "url": sighting.url,
        "captured": sighting.captured_at,
        **asdict(fields),
        "pipeline_version": versions[0],
        "models_version": versions[1],
        "hints": json.dumps(hints_to_json(document.hints), ensure_ascii=False),
        "dossier": dossier.to_json(indent=None),
    }


def _rejected(source: str, reason: str) -> dict[str, Any]:
    return {"status": "rejected", "source": source, "reason": reason}


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())[:300]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# -- near-duplicates ---------------------------------------------------------------------------

PARTS_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("ordinal", pa.int32()),
        pa.field("kind", pa.string()),
        pa.field("start", pa.int64()),
        pa.field("end", pa.int64()),
        pa.field("signature", pa.binary()),
        pa.field("bands", pa.list_(pa.int64())),
    ]
)
"""One row per indexed part of a document: its place in the document's list of parts
(``ordinal``), span, MinHash signature (uint32 values as bytes) and band keys (the
uint64 keys read as int64: equal keys stay equal)."""


def part_batches(
    batches: Iterable[pa.RecordBatch], settings: MinHashSettings = DEFAULT_SETTINGS
) -> Iterator[pa.RecordBatch]:
    """PARTS_SCHEMA rows of documents given as (``id``, ``dossier`` JSON) rows.

    The parts and signatures are those of :func:`claimscope.corpus.duplicates.find_shared_texts`
    (the whole text, each embedded statement, long paragraphs, lists), computed by the same
    functions; a dossier that cannot be read gives no part.
    """
    for batch in batches:
        texts: list[str] = []
        ids: list[str] = []
        parts = []
        for row in batch.to_pylist():
            read = _text_and_statements(row["dossier"])
            if read is None:
                continue
            text, statements = read
            parts += document_parts(len(texts), text, statements)
            texts.append(text)
            ids.append(row["id"])
        if not parts:
            continue
        signatures = part_signatures(texts, parts, settings)
        keys = band_keys(signatures, settings).view(np.int64)
        ordinals: list[int] = []
        for index, part in enumerate(parts):
            first_of_document = index == 0 or parts[index - 1].document != part.document
            ordinals.append(0 if first_of_document else ordinals[-1] + 1)
        yield pa.RecordBatch.from_pydict(
            {
                "id": [ids[part.document] for part in parts],
                "ordinal": ordinals,
                "kind": [part.kind for part in parts],
                "start": [part.start for part in parts],
                "end": [part.end for part in parts],
                "signature": [row.tobytes() for row in signatures],
                "bands": [row.tolist() for row in keys],
            },
            schema=PARTS_SCHEMA,
        )


def _text_and_statements(dossier: str | None) -> tuple[str, list[tuple[int, int]]] | None:
    try:
        read = json.loads(dossier or "")
        text = read["document"]["text"]
        statements = [(int(s["start"]), int(s["end"])) for s in read.get("statements") or ()]
    except (ValueError, KeyError, TypeError):
        return None
    return (text, statements) if isinstance(text, str) else None


def verify_batches(
    batches: Iterable[pa.RecordBatch], settings: MinHashSettings = DEFAULT_SETTINGS
) -> Iterator[pa.RecordBatch]:
    """Candidate pairs with ``first_signature`` and ``second_signature`` columns: those similar
    enough to link, without the signatures and with their ``similarity``, as the local
    :func:`claimscope.corpus.minhash.similar_pairs` verifies them."""
    for batch in batches:
        if batch.num_rows == 0:
            continue
        first = _signature_rows(batch.column("first_signature"), settings)
        second = _signature_rows(batch.column("second_signature"), settings)
        keep, agreement = verified(first, second, settings)
        names = [name for name in batch.schema.names if not name.endswith("_signature")]
        kept = batch.select(names).filter(pa.array(keep))
        yield kept.append_column("similarity", pa.array(agreement[keep], type=pa.float64()))


def _signature_rows(column: pa.Array, settings: MinHashSettings) -> np.ndarray[Any, Any]:
    joined = b"".join(column.to_pylist())
    return np.frombuffer(joined, dtype=np.uint32).reshape(len(column), settings.permutations)
