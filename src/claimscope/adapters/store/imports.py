"""``corpus import DIR``: a ``claimscope spark analyze`` output stored as ``corpus add`` stores.

The job writes ``DIR/documents`` (one Parquet row per document read: its id, source, the
metadata its input gave as ``hints`` JSON, the versions that analysed it and the dossier's
JSON, besides the searchable fields) and ``DIR/rejected`` (source and reason of each input
it could not analyse). Importing them stores what ``corpus add`` would have stored for the
same inputs, without analysing anything again:

- a document is keyed by its text's sha256, checked against the dossier's text; its facet
  rows and searchable fields are computed from the dossier by the store, as for ``add``;
- the same text read from another source (in this output or already stored) is a sighting
  of the stored document; its dossier is the first copy's in the output's file order;
- ids already stored are not parsed again, sightings are unique per document and source
  and rejected inputs per source and reason, so importing an output twice adds nothing;
- every batch is one transaction, so a killed import is finished by running it again;
- a row that cannot be imported (a dossier that does not parse, an id that is not its
  text's) is stored as a rejected input with the reason, and the import goes on.

Only pyarrow is needed (the ``parquet`` or ``spark`` extra), not Spark; an output left on a
cluster's file system is read through pyarrow's file systems (``s3://``, ``hdfs://``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimscope.adapters.inputs import is_uri
from claimscope.adapters.store.store import (
    Analysed,
    Rejected,
    Sighting,
    Store,
    Versions,
    document_of,
    hints_from_json,
)
from claimscope.document import Hints
from claimscope.dossier import Dossier
from claimscope.ingestion import document_id

if TYPE_CHECKING:
    import pyarrow.dataset as ds

DEFAULT_BATCH_SIZE = 100
DOCUMENT_COLUMNS = ("id", "source", "hints", "pipeline_version", "models_version", "dossier")
"""The columns of ``DIR/documents`` an import reads (``spark analyze`` writes more)."""
REJECTED_COLUMNS = ("source", "reason")


class NotAnAnalysis(Exception):
    """The directory is not an output of ``claimscope spark analyze``."""


@dataclass
class ImportSummary:
    """What one import did."""

    added: int = 0
    already_present: int = 0
    sightings_added: int = 0
    rejected: int = 0
    """Rejected inputs read from ``DIR/rejected``."""
    unreadable: int = 0
    """Document rows that could not be imported (stored as rejected inputs too)."""
    errors_added: int = 0
    """Rejected inputs new to the store (of both kinds)."""

    @property
    def inputs(self) -> int:
        """Rows read: documents, rejected inputs and unreadable rows."""
        return self.added + self.already_present + self.rejected + self.unreadable


def import_analysis(
    store: Store,
    directory: str,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Store the documents and rejected inputs of a ``spark analyze`` output, a batch at a time.

    Raises NotAnAnalysis when ``directory/documents`` is missing or lacks a needed column.
    ``on_batch`` is called after every committed batch with the running totals.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    documents = _dataset(_join(directory, "documents"))
    if documents is None:
        raise NotAnAnalysis(f"{directory}: no documents/ (not a 'claimscope spark analyze' --out)")
    missing = [name for name in DOCUMENT_COLUMNS if name not in documents.schema.names]
    if missing:
        raise NotAnAnalysis(
            f"{directory}/documents lacks the column(s) {', '.join(missing)}: "
            "write it with this version of 'claimscope spark analyze'"
        )
    summary = ImportSummary()
    for rows in _batches(documents, DOCUMENT_COLUMNS, batch_size):
        _import_documents(store, rows, summary)
        if on_batch is not None:
            on_batch(summary)
    rejected = _dataset(_join(directory, "rejected"))
    if rejected is not None:
        for rows in _batches(rejected, REJECTED_COLUMNS, batch_size):
            found = [
                Rejected(_text(row["source"], "(no source)"), _text(row["reason"], "(no reason)"))
                for row in rows
            ]
            summary.rejected += len(found)
            summary.errors_added += store.write((), rejected=found).errors_added
            if on_batch is not None:
                on_batch(summary)
    return summary


def _import_documents(
    store: Store, rows: Sequence[Mapping[str, Any]], summary: ImportSummary
) -> None:
    """One batch of document rows in one transaction per versions (one, in practice)."""
    stored = store.known([row["id"] for row in rows if isinstance(row["id"], str)])
    new: dict[str, Analysed] = {}
    versions_of: dict[str, Versions] = {}
    sightings: list[tuple[str, Sighting]] = []
    unreadable: list[Rejected] = []
    for row in rows:
        source = _text(row["source"], "(no source)")
        try:
            hints = _hints(row["hints"])
            identifier = row["id"]
            if not isinstance(identifier, str):
                raise ValueError("no id")
            if identifier in stored:
                sightings.append((identifier, Sighting.seen(source, hints)))
            elif identifier in new:
                new[identifier].sightings.append(Sighting.seen(source, hints))
                summary.already_present += 1
            else:
                row_versions = _versions(row)
                new[identifier] = _analysed(row, source, hints)
                versions_of[identifier] = row_versions
        except ValueError as error:
            unreadable.append(Rejected(source, f"cannot import: {error}"))
    by_versions: dict[Versions | None, list[Analysed]] = {}
    for identifier, item in new.items():
        by_versions.setdefault(versions_of[identifier], []).append(item)
    groups = list(by_versions.items()) or [(None, [])]
    for number, (versions, analysed) in enumerate(groups):
        first = number == 0
        result = store.write(
            analysed,
            sightings if first else (),
            unreadable if first else (),
            versions,
        )
        summary.added += result.added
        summary.already_present += result.already_present
        summary.sightings_added += result.sightings_added
        summary.errors_added += result.errors_added
    summary.unreadable += len(unreadable)


def _analysed(row: Mapping[str, Any], source: str, hints: Hints) -> Analysed:
    """A document row as the store takes it; ValueError says why it cannot be."""
    # pydantic's ValidationError is a ValueError: a dossier of another shape is this row's
    # problem, reported with the rest.
    dossier = Dossier.model_validate_json(row["dossier"] or "")
    text = dossier.document.text
    # The store keys documents by their text's sha256: a row whose id is not its text's
    # (a damaged or edited file) would break that for every later add.
    if not (row["id"] == dossier.document.id == document_id(text)):
        raise ValueError("the id is not the sha256 of the dossier's text")
    if dossier.document.source != source:
        raise ValueError("the row's source is not its dossier's")
    return Analysed(document_of(dossier, hints), dossier, [Sighting.seen(source, hints)])


def _hints(value: Any) -> Hints:
    try:
        read = json.loads(value or "{}")
        if not isinstance(read, dict):
            raise TypeError("not an object")
        return hints_from_json(read)
    # A malformed JSON (ValueError) or a value of another shape (TypeError, AttributeError).
    except (ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"hints: {error}") from None


def _versions(row: Mapping[str, Any]) -> Versions:
    pipeline, models = row["pipeline_version"], row["models_version"]
    if not (isinstance(pipeline, str) and isinstance(models, str)):
        raise ValueError("no pipeline or models version")
    return Versions(pipeline=pipeline, models=models)


def _text(value: Any, missing: str) -> str:
    return value if isinstance(value, str) and value else missing


def _join(directory: str, name: str) -> str:
    return directory.rstrip("/") + "/" + name


def _dataset(path: str) -> ds.Dataset | None:
    """The Parquet files under ``path`` in name order (Spark's part files), or None if absent.

    Files whose names start with ``_`` or ``.`` (Spark's ``_SUCCESS``, checksums) are not data.
    """
    import pyarrow.dataset as ds
    from pyarrow import fs

    if is_uri(path):
        filesystem, inner = fs.FileSystem.from_uri(path)
    else:
        filesystem, inner = fs.LocalFileSystem(), os.path.abspath(path)
    if filesystem.get_file_info(inner).type == fs.FileType.NotFound:
        return None
    found = ds.dataset(inner, filesystem=filesystem, format="parquet")
    if not found.files:
        return found
    # Sorted, so that an import meets rows in one order every time it runs.
    return ds.dataset(sorted(found.files), filesystem=filesystem, format="parquet")


def _batches(
    dataset: ds.Dataset, columns: Sequence[str], size: int
) -> Iterator[list[dict[str, Any]]]:
    """The rows of the columns, ``size`` at a time, in file order (memory stays flat)."""
    pending: list[dict[str, Any]] = []
    for batch in dataset.to_batches(columns=list(columns), batch_size=size, use_threads=False):
        pending += batch.to_pylist()
        while len(pending) >= size:
            yield pending[:size]
            pending = pending[size:]
    if pending:
        yield pending
