"""The store's near-duplicate index: documents' parts, their MinHash signatures, LSH bands.

Every document is indexed as parts (:mod:`claimscope.corpus.duplicates`: the whole text,
its embedded statements, the body's long paragraphs, its item-shaped lists), each part
with a MinHash signature. Distinct signatures are stored once (``part_signatures``, keyed
by a digest), with their band keys (``signature_bands``), and each part points at its
signature (``document_parts``): a paragraph republished a thousand times is one signature
with one set of bands.

The parts of a batch are computed before its transaction (:func:`index_dossiers`, the
whole batch vectorised) and written in it with the documents (:func:`insert_parts`), so
adding documents updates the index without rebuilding it. Queries read it back:

- :func:`document_groups`: candidate pairs are the signatures sharing a band key (one
  ``GROUP BY key HAVING count(*) > 1`` with each bucket linked as a star to its lowest
  signature), verified by the share of equal signature positions against the threshold
  (the index's, or the one a query gives: the stored signatures are re-verified, nothing
  is recomputed); documents sharing a signature or a verified pair of signatures are
  connected, and the clusters are the connected components;
- :func:`cluster_of`: the cluster of one document, found from its own band keys outward;
- :func:`describe_clusters`: each cluster's sightings, the earliest marked, each with its
  similarity to the earliest document and the parts they share.

Shingles, permutations and bands are recorded in ``index_settings``: signatures and keys
computed with other ones cannot be compared, so changing them is a reindex
(:func:`clear_index`, then :func:`index_dossiers` over the stored documents).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, delete, func, insert, select, update

from claimscope.adapters.store.tables import (
    DocumentPartRow,
    DocumentRow,
    IndexSettingsRow,
    PartSignatureRow,
    SightingRow,
    SignatureBandRow,
)
from claimscope.corpus.duplicates import Part, document_parts, part_signatures
from claimscope.corpus.minhash import (
    DEFAULT_SETTINGS,
    EMPTY_SIGNATURE,
    MinHashSettings,
    band_keys,
    connected_groups,
    text_words,
)
from claimscope.dossier import Dossier

INDEX_NAME = "parts"
"""The ``index_settings`` row of the part index."""
_CHUNK = 500
"""Values bound in one ``IN (...)``: well under SQLite's and PostgreSQL's limits."""
MAX_CLUSTER_DOCUMENTS = 500
"""The most documents :func:`cluster_of` gathers around one document (a panel, not a census)."""


@dataclass(frozen=True)
class IndexedBatch:
    """The parts of a batch of documents with their signatures, ready to store."""

    settings: MinHashSettings
    document_ids: list[str]
    parts: list[Part]
    """Each part's ``document`` is an index into ``document_ids``."""
    signatures: npt.NDArray[np.uint32]
    has_words: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ClusterSighting:
    """One sighting of a document of a cluster, with how it relates to the earliest one."""

    document_id: str
    document_number: int
    source: str
    outlet: str | None
    url: str | None
    published: str | None
    """The sighting's publication time, else the one printed in the document's text."""
    similarity: float
    """Estimated Jaccard of the best-matching parts of this document and the earliest."""
    shared: tuple[str, int, int] | None
    """The part of this document that matches the earliest best: (kind, start, end)."""
    earliest_shared: tuple[str, int, int] | None
    """The part of the earliest document it matches: (kind, start, end)."""
    earliest: bool = False


@dataclass(frozen=True)
class Cluster:
    """Near-identical texts and every sighting of them, in order of publication."""

    id: str
    sightings: list[ClusterSighting]

    @property
    def documents(self) -> list[str]:
        """The distinct documents, in order of first sighting."""
        return list(dict.fromkeys(sighting.document_id for sighting in self.sightings))

    @property
    def outlets(self) -> list[str]:
        """The distinct outlets, in order of first sighting."""
        return list(dict.fromkeys(s.outlet for s in self.sightings if s.outlet))

    @property
    def first_published(self) -> str | None:
        """The earliest publication time among the sightings."""
        timed = [s for s in self.sightings if sort_time(s.published) is not None]
        return (
            min(timed, key=lambda s: sort_time(s.published) or _NEVER).published if timed else None
        )

    @property
    def last_published(self) -> str | None:
        """The latest publication time among the sightings."""
        timed = [s for s in self.sightings if sort_time(s.published) is not None]
        return (
            max(timed, key=lambda s: sort_time(s.published) or _NEVER).published if timed else None
        )


_NEVER = datetime.min.replace(tzinfo=UTC)


def sort_time(value: str | None) -> datetime | None:
    """An ISO 8601 date or time as an aware datetime for ordering (a date: its midnight, a
    time without offset: read as UTC), else None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def publication_time(value: str | None) -> datetime | None:
    """A publication *time* (date and time of day) as an aware datetime, else None: a date
    alone says nothing about minutes, so it is no time for a window. Without an offset
    the time is read as UTC."""
    if not value or len(value.strip()) <= 10:
        return None
    return sort_time(value)


# -- computing ----------------------------------------------------------------------------


def dossier_spans(dossier: Dossier) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """The statements and the body span a dossier gives its document's parts."""
    statements = [(statement.start, statement.end) for statement in dossier.statements]
    body = dossier.anatomy.body
    return statements, (body.start, body.end) if body is not None else None


def stored_spans(
    dossier: Mapping[str, Any],
) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """:func:`dossier_spans` read from a stored dossier's JSON (no model validation)."""
    statements = [(item["start"], item["end"]) for item in dossier.get("statements") or ()]
    body = (dossier.get("anatomy") or {}).get("body")
    return statements, (body["start"], body["end"]) if body else None


def index_stored_documents(
    connection: Connection, rows: Sequence[Any], settings: MinHashSettings
) -> None:
    """Index stored documents (rows with ``number``, ``id``, ``text`` and ``dossier`` JSON)."""
    batch = index_texts([(row.id, row.text, *stored_spans(row.dossier)) for row in rows], settings)
    insert_parts(connection, batch, {row.id: row.number for row in rows})


def index_dossiers(dossiers: Sequence[Dossier], settings: MinHashSettings) -> IndexedBatch:
    """The parts of the dossiers' documents and their signatures, the batch hashed at once."""
    return index_texts(
        [
            (dossier.document.id, dossier.document.text, *dossier_spans(dossier))
            for dossier in dossiers
        ],
        settings,
    )


def index_texts(
    items: Sequence[tuple[str, str, Sequence[tuple[int, int]], tuple[int, int] | None]],
    settings: MinHashSettings,
) -> IndexedBatch:
    """Parts and signatures of ``(document id, text, statements, body)`` items."""
    texts = [text for _, text, _, _ in items]
    words = [text_words(text) for text in texts]
    parts = [
        part
        for number, (_, text, statements, body) in enumerate(items)
        for part in document_parts(number, text, statements, body, words[number])
    ]
    signatures = part_signatures(texts, parts, settings, words)
    # A part without any word has the signature of no shingle: nothing to compare.
    has_words = signatures[:, 0] != EMPTY_SIGNATURE if len(parts) else np.zeros(0, dtype=bool)
    return IndexedBatch(settings, [item[0] for item in items], parts, signatures, has_words)


def signature_bytes(signature: npt.NDArray[np.uint32]) -> bytes:
    """A signature as stored: uint32 little-endian."""
    return signature.astype("<u4").tobytes()


def signature_of(stored: bytes) -> npt.NDArray[np.uint32]:
    """A stored signature read back."""
    return np.frombuffer(stored, dtype="<u4").astype(np.uint32)


def signed_keys(rows: npt.NDArray[np.uint32], settings: MinHashSettings) -> npt.NDArray[np.int64]:
    """The band keys of signatures as the signed 64-bit integers the database stores."""
    return band_keys(rows, settings).view(np.int64)


# -- settings -----------------------------------------------------------------------------


def read_settings(connection: Connection) -> MinHashSettings:
    """The settings the index was built with (the defaults for a store without the row)."""
    row = connection.execute(
        select(IndexSettingsRow).where(IndexSettingsRow.name == INDEX_NAME)
    ).one_or_none()
    if row is None:
        return DEFAULT_SETTINGS
    return MinHashSettings(
        shingle_words=row.shingle_words,
        permutations=row.permutations,
        bands=row.bands,
        threshold=row.threshold,
    )


def settings_row(settings: MinHashSettings, now: datetime) -> dict[str, Any]:
    """The ``index_settings`` row of these settings."""
    return {
        "name": INDEX_NAME,
        "shingle_words": settings.shingle_words,
        "permutations": settings.permutations,
        "bands": settings.bands,
        "threshold": settings.threshold,
        "updated_at": now,
    }


def same_index(first: MinHashSettings, second: MinHashSettings) -> bool:
    """Whether signatures and keys made with one can be compared with the other's."""
    return (first.shingle_words, first.permutations, first.bands) == (
        second.shingle_words,
        second.permutations,
        second.bands,
    )


def clear_index(connection: Connection, settings: MinHashSettings, now: datetime) -> None:
    """Empty the index and record new settings (a reindex then fills it again)."""
    connection.execute(delete(SignatureBandRow))
    connection.execute(delete(DocumentPartRow))
    connection.execute(delete(PartSignatureRow))
    changed = connection.execute(
        update(IndexSettingsRow)
        .where(IndexSettingsRow.name == INDEX_NAME)
        .values(**{k: v for k, v in settings_row(settings, now).items() if k != "name"})
    ).rowcount
    if not changed:
        connection.execute(insert(IndexSettingsRow), settings_row(settings, now))


# -- writing ------------------------------------------------------------------------------


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _dialect_insert(connection: Connection, model: type[Any]) -> Any:
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)


def insert_parts(connection: Connection, batch: IndexedBatch, numbers: Mapping[str, int]) -> None:
    """Store the parts of the batch's documents listed in ``numbers`` (id -> row number).

    Signatures already stored (the same text elsewhere) are reused; a new signature is
    stored with its band keys.
    """
    kept = [
        index
        for index, part in enumerate(batch.parts)
        if batch.document_ids[part.document] in numbers
    ]
    if not kept:
        return
    stored = {
        index: signature_bytes(batch.signatures[index]) for index in kept if batch.has_words[index]
    }
    digests = {index: hashlib.sha256(value).hexdigest() for index, value in stored.items()}
    by_digest = {digest: stored[index] for index, digest in digests.items()}
    ids = _signature_ids(connection, by_digest, batch.settings)
    connection.execute(
        insert(DocumentPartRow),
        [
            {
                "document_number": numbers[batch.document_ids[batch.parts[index].document]],
                "kind": batch.parts[index].kind,
                "span_start": batch.parts[index].start,
                "span_end": batch.parts[index].end,
                "signature_id": ids[digests[index]] if index in digests else None,
            }
            for index in kept
        ],
    )


def _signature_ids(
    connection: Connection, by_digest: Mapping[str, bytes], settings: MinHashSettings
) -> dict[str, int]:
    """The id of each signature, storing the new ones with their band keys."""
    ids = _known_signatures(connection, list(by_digest))
    new = [digest for digest in by_digest if digest not in ids]
    if not new:
        return ids
    inserted: dict[str, int] = {}
    for chunk in _chunks(new):
        statement = (
            _dialect_insert(connection, PartSignatureRow)
            .on_conflict_do_nothing(index_elements=["digest"])
            .returning(PartSignatureRow.id, PartSignatureRow.digest)
        )
        rows = connection.execute(
            statement, [{"digest": digest, "signature": by_digest[digest]} for digest in chunk]
        ).all()
        inserted.update({row.digest: row.id for row in rows})
    # Another writer may have stored some meanwhile (PostgreSQL): those are theirs, bands too.
    ids.update(inserted)
    missing = [digest for digest in new if digest not in ids]
    ids.update(_known_signatures(connection, missing))
    if inserted:
        order = list(inserted)
        rows_of = np.stack([signature_of(by_digest[digest]) for digest in order])
        keys = signed_keys(rows_of, settings)
        owners = np.repeat(np.array([inserted[digest] for digest in order]), keys.shape[1])
        band_rows = np.unique(np.stack([keys.reshape(-1), owners], axis=1), axis=0)
        _insert_bands(connection, band_rows.tolist())
    return ids


def _insert_bands(connection: Connection, rows: Sequence[Sequence[int]]) -> None:
    """Insert band rows of new signatures, through the driver: tens of thousands per batch,
    where building a statement parameter dictionary per row would cost more than the insert.

    The signatures are new, so no stored row can have their id (bands are deleted before
    their signature, so no id's bands outlive it); the rows are distinct.
    """
    if not rows:
        return
    # The transaction's own driver connection.
    driver: Any = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        # COPY: PostgreSQL's bulk load, several times faster than batched INSERTs.
        with (
            driver.cursor() as cursor,
            cursor.copy("COPY signature_bands (key, signature_id) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    cursor = driver.cursor()
    try:
        cursor.executemany("INSERT INTO signature_bands (key, signature_id) VALUES (?, ?)", rows)
    finally:
        cursor.close()


def _known_signatures(connection: Connection, digests: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(digests):
        rows = connection.execute(
            select(PartSignatureRow.digest, PartSignatureRow.id).where(
                PartSignatureRow.digest.in_(chunk)
            )
        ).all()
        found.update({row.digest: row.id for row in rows})
    return found


def _signatures_of(connection: Connection, numbers: Sequence[int]) -> set[int]:
    """The signature ids of these documents' parts (parts without words have none)."""
    signatures: set[int] = set()
    for chunk in _chunks(numbers):
        signatures.update(
            value
            for value in connection.execute(
                select(DocumentPartRow.signature_id).where(
                    DocumentPartRow.document_number.in_(chunk)
                )
            ).scalars()
            if value is not None
        )
    return signatures


def delete_parts(connection: Connection, numbers: Sequence[int], settings: MinHashSettings) -> None:
    """Remove the parts of these documents, and the signatures no other part has."""
    signatures = _signatures_of(connection, numbers)
    for chunk in _chunks(numbers):
        connection.execute(
            delete(DocumentPartRow).where(DocumentPartRow.document_number.in_(chunk))
        )
    ordered = sorted(signatures)
    for chunk in _chunks(ordered):
        still_used = set(
            connection.execute(
                select(DocumentPartRow.signature_id)
                .where(DocumentPartRow.signature_id.in_(chunk))
                .distinct()
            ).scalars()
        )
        orphans = [signature for signature in chunk if signature not in still_used]
        if not orphans:
            continue
        rows = connection.execute(
            select(PartSignatureRow.id, PartSignatureRow.signature).where(
                PartSignatureRow.id.in_(orphans)
            )
        ).all()
        keys = signed_keys(np.stack([signature_of(row.signature) for row in rows]), settings)
        for row, row_keys in zip(rows, keys.tolist(), strict=True):
            connection.execute(
                delete(SignatureBandRow).where(
                    SignatureBandRow.signature_id == row.id, SignatureBandRow.key.in_(row_keys)
                )
            )
        connection.execute(delete(PartSignatureRow).where(PartSignatureRow.id.in_(orphans)))


# -- reading ------------------------------------------------------------------------------


def unindexed_count(connection: Connection) -> int:
    """How many stored documents have no parts (stored before the index, or mid-reindex)."""
    indexed = select(DocumentPartRow.id).where(
        DocumentPartRow.document_number == DocumentRow.number
    )
    return int(
        connection.execute(
            select(func.count()).select_from(DocumentRow).where(~indexed.exists())
        ).scalar_one()
    )


def unindexed_documents(connection: Connection, after: int, limit: int) -> list[Any]:
    """The next documents without parts: number, id, text and dossier, in number order."""
    indexed = select(DocumentPartRow.id).where(
        DocumentPartRow.document_number == DocumentRow.number
    )
    return list(
        connection.execute(
            select(DocumentRow.number, DocumentRow.id, DocumentRow.text, DocumentRow.dossier)
            .where(DocumentRow.number > after, ~indexed.exists())
            .order_by(DocumentRow.number)
            .limit(limit)
        ).all()
    )


def still_unindexed(connection: Connection, numbers: Sequence[int]) -> list[int]:
    """Which of these documents have no parts (yet)."""
    indexed: set[int] = set()
    for chunk in _chunks(sorted(numbers)):
        indexed.update(
            connection.execute(
                select(DocumentPartRow.document_number)
                .where(DocumentPartRow.document_number.in_(chunk))
                .distinct()
            ).scalars()
        )
    return [number for number in numbers if number not in indexed]


def set_threshold(connection: Connection, threshold: float, now: datetime) -> None:
    """Change the index's default threshold (signatures and keys do not depend on it)."""
    connection.execute(
        update(IndexSettingsRow)
        .where(IndexSettingsRow.name == INDEX_NAME)
        .values(threshold=threshold, updated_at=now)
    )


def candidate_pairs(connection: Connection) -> npt.NDArray[np.int64]:
    """Pairs (head, other) of signatures sharing a band key, each bucket linked as a star
    to its lowest signature (n - 1 pairs for n members: the work stays linear when a text
    is republished a thousand times), distinct, head < other."""
    shared = (
        select(
            SignatureBandRow.key.label("key"),
            func.min(SignatureBandRow.signature_id).label("head"),
        )
        .group_by(SignatureBandRow.key)
        .having(func.count() > 1)
        .cte("shared")
    )
    statement = (
        select(shared.c.head, SignatureBandRow.signature_id)
        .join(shared, SignatureBandRow.key == shared.c.key)
        .where(SignatureBandRow.signature_id != shared.c.head)
        .distinct()
    )
    rows = connection.execute(statement).all()
    if not rows:
        return np.empty((0, 2), dtype=np.int64)
    return np.array(rows, dtype=np.int64)


def _signatures(connection: Connection, ids: Iterable[int]) -> Iterator[tuple[int, bytes]]:
    """(id, signature) of the given signatures, in increasing id order."""
    ordered = sorted(set(ids))
    for chunk in _chunks(ordered):
        rows = connection.execute(
            select(PartSignatureRow.id, PartSignatureRow.signature)
            .where(PartSignatureRow.id.in_(chunk))
            .order_by(PartSignatureRow.id)
        ).all()
        for row in rows:
            yield row.id, row.signature


def verified_pairs(
    connection: Connection, pairs: npt.NDArray[np.int64], threshold: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The candidate pairs whose estimated Jaccard reaches the threshold, with the estimate.

    Signatures are read in id order; since a pair's head is its lower id, a pair is
    verified as soon as its other signature is read, and only heads are kept in memory.
    """
    if not len(pairs):
        return pairs, np.empty(0)
    order = np.argsort(pairs[:, 1], kind="stable")
    pairs = pairs[order]
    heads = set(pairs[:, 0].tolist())
    kept_heads: dict[int, npt.NDArray[np.uint32]] = {}
    similarity = np.zeros(len(pairs))
    position = 0
    page: dict[int, npt.NDArray[np.uint32]] = {}

    def verify_up_to(limit: int) -> None:
        nonlocal position
        stop = int(np.searchsorted(pairs[:, 1], limit, side="right"))
        for index in range(position, stop):
            head, other = int(pairs[index, 0]), int(pairs[index, 1])
            first, second = kept_heads.get(head), page.get(other)
            if first is None or second is None:
                continue
            similarity[index] = np.count_nonzero(first == second) / len(first)
        position = stop

    needed = np.unique(pairs)
    last = -1
    for identifier, stored in _signatures(connection, needed.tolist()):
        signature = signature_of(stored)
        if identifier in heads:
            kept_heads[identifier] = signature
        page[identifier] = signature
        last = identifier
        if len(page) >= _CHUNK:
            verify_up_to(last)
            page = {}
    verify_up_to(last)
    keep = similarity >= threshold
    return pairs[keep], similarity[keep]


def part_documents(connection: Connection) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(signature id, document number) of every part with a signature."""
    signatures: list[int] = []
    documents: list[int] = []
    result = connection.execution_options(yield_per=20_000).execute(
        select(DocumentPartRow.signature_id, DocumentPartRow.document_number).where(
            DocumentPartRow.signature_id.is_not(None)
        )
    )
    for signature, document in result:
        if signature is not None:
            signatures.append(signature)
            documents.append(document)
    return np.array(signatures, dtype=np.int64), np.array(documents, dtype=np.int64)


def document_groups(connection: Connection, threshold: float) -> list[list[int]]:
    """Clusters of document numbers: documents sharing a signature, or whose signatures
    are a verified candidate pair, connected; each cluster of two documents or more,
    sorted, in order of their first document."""
    pairs, _ = verified_pairs(connection, candidate_pairs(connection), threshold)
    signatures, documents = part_documents(connection)
    if not len(signatures):
        return []
    # Documents are the nodes; a signature joins every document that has it (each to the
    # first), and a verified pair joins the first documents of its two signatures.
    nodes, dense = np.unique(documents, return_inverse=True)
    order = np.argsort(signatures, kind="stable")
    sorted_signatures = signatures[order]
    starts = np.flatnonzero(np.r_[True, sorted_signatures[1:] != sorted_signatures[:-1]])
    lengths = np.diff(np.r_[starts, len(order)])
    first_of_group = np.repeat(dense[order][starts], lengths)
    edges = [np.stack([first_of_group, dense[order]], axis=1)]
    if len(pairs):
        signature_node = dict(
            zip(sorted_signatures[starts].tolist(), dense[order][starts].tolist(), strict=True)
        )
        linked = [
            (signature_node[int(head)], signature_node[int(other)])
            for head, other in pairs.tolist()
            if head in signature_node and other in signature_node
        ]
        if linked:
            edges.append(np.array(linked, dtype=np.int64))
    groups = connected_groups(len(nodes), np.concatenate(edges))
    return [sorted(nodes[group].tolist()) for group in groups]


def cluster_of(
    connection: Connection, number: int, settings: MinHashSettings, threshold: float
) -> list[int]:
    """The documents connected to one document (itself included), gathered from its own
    parts outward: documents with the same signatures, and those whose signatures share a
    band key with them and reach the threshold; at most MAX_CLUSTER_DOCUMENTS."""
    found = {number}
    frontier = [number]
    seen_signatures: set[int] = set()
    while frontier and len(found) < MAX_CLUSTER_DOCUMENTS:
        signatures = _signatures_of(connection, frontier) - seen_signatures
        seen_signatures |= signatures
        own = dict(_signatures(connection, signatures))
        # Signatures sharing a band key with these ones, verified against them.
        linked = set(own)
        if own:
            rows_of = np.stack([signature_of(value) for value in own.values()])
            keys = signed_keys(rows_of, settings)
            candidates: set[int] = set()
            for chunk in _chunks(sorted(set(keys.reshape(-1).tolist()))):
                candidates.update(
                    connection.execute(
                        select(SignatureBandRow.signature_id).where(SignatureBandRow.key.in_(chunk))
                    ).scalars()
                )
            candidates -= seen_signatures
            for identifier, stored in _signatures(connection, candidates):
                signature = signature_of(stored)
                agreement = np.count_nonzero(rows_of == signature[None, :], axis=1) / len(signature)
                if agreement.max() >= threshold:
                    linked.add(identifier)
            seen_signatures |= candidates
        new: set[int] = set()
        for chunk in _chunks(sorted(linked)):
            new.update(
                connection.execute(
                    select(DocumentPartRow.document_number).where(
                        DocumentPartRow.signature_id.in_(chunk)
                    )
                ).scalars()
            )
        frontier = sorted(new - found)[: MAX_CLUSTER_DOCUMENTS - len(found)]
        found.update(frontier)
    return sorted(found)


def repeated_documents(connection: Connection) -> list[int]:
    """Numbers of the documents seen more than once (the same text from several sources)."""
    repeated = (
        select(SightingRow.document_id)
        .group_by(SightingRow.document_id)
        .having(func.count() > 1)
        .subquery()
    )
    return sorted(
        connection.execute(
            select(DocumentRow.number).where(DocumentRow.id.in_(select(repeated.c.document_id)))
        ).scalars()
    )


@dataclass
class _Part:
    number: int
    kind: str
    start: int
    end: int
    signature: int | None


@dataclass
class _Document:
    number: int
    id: str
    published: str | None
    sightings: list[Any] = field(default_factory=list)
    parts: list[_Part] = field(default_factory=list)


def describe_clusters(connection: Connection, groups: Sequence[Sequence[int]]) -> list[Cluster]:
    """Each group of document numbers as a cluster: its sightings in order of publication
    (the earliest marked), each with its document's similarity to the earliest document
    and the parts they share."""
    clusters: list[Cluster] = []
    # Groups are described a few hundred documents at a time: memory follows the page.
    page: list[Sequence[int]] = []
    size = 0
    for group in [*groups, None]:
        if group is not None:
            page.append(group)
            size += len(group)
            if size < _CHUNK:
                continue
        if page:
            clusters += _describe_page(connection, page)
        page, size = [], 0
    return clusters


def _describe_page(connection: Connection, groups: Sequence[Sequence[int]]) -> list[Cluster]:
    numbers = sorted({number for group in groups for number in group})
    documents: dict[int, _Document] = {}
    for chunk in _chunks(numbers):
        for found in connection.execute(
            select(DocumentRow.number, DocumentRow.id, DocumentRow.dossier["anatomy"]).where(
                DocumentRow.number.in_(chunk)
            )
        ):
            documents[found[0]] = _Document(found[0], found[1], _printed_time(found[2]))
        for row in connection.execute(
            select(
                DocumentRow.number,
                SightingRow.id,
                SightingRow.source,
                SightingRow.outlet,
                SightingRow.url,
                SightingRow.published,
            )
            .join(SightingRow, SightingRow.document_id == DocumentRow.id)
            .where(DocumentRow.number.in_(chunk))
            .order_by(SightingRow.id)
        ):
            documents[row.number].sightings.append(row)
        for part in connection.execute(
            select(
                DocumentPartRow.document_number,
                DocumentPartRow.kind,
                DocumentPartRow.span_start,
                DocumentPartRow.span_end,
                DocumentPartRow.signature_id,
            )
            .where(DocumentPartRow.document_number.in_(chunk))
            .order_by(DocumentPartRow.id)
        ):
            documents[part.document_number].parts.append(
                _Part(
                    part.document_number,
                    part.kind,
                    part.span_start,
                    part.span_end,
                    part.signature_id,
                )
            )
    signature_ids = {
        part.signature
        for document in documents.values()
        for part in document.parts
        if part.signature is not None
    }
    signatures = {
        identifier: signature_of(stored)
        for identifier, stored in _signatures(connection, signature_ids)
    }
    return [_cluster([documents[number] for number in group], signatures) for group in groups]


def _printed_time(anatomy: Mapping[str, Any] | None) -> str | None:
    """The publication time printed in the text, which holds for every copy of it (a time
    from a sighting's metadata, which the anatomy may also report, holds for that one)."""
    if not anatomy or not anatomy.get("published_span"):
        return None
    value = anatomy.get("published")
    return value if isinstance(value, str) else None


def _cluster(
    documents: Sequence[_Document], signatures: Mapping[int, npt.NDArray[np.uint32]]
) -> Cluster:
    entries = [
        (document, sighting, sighting.published or document.published)
        for document in documents
        for sighting in document.sightings
    ]

    def order(entry: tuple[_Document, Any, str | None]) -> tuple[bool, datetime, int]:
        when = sort_time(entry[2])
        return (when is None, when or _NEVER, entry[1].id)

    entries.sort(key=order)
    earliest = entries[0][0] if entries else documents[0]
    matches = {
        document.number: _best_match(document, earliest, signatures) for document in documents
    }
    sightings = [
        ClusterSighting(
            document_id=document.id,
            document_number=document.number,
            source=sighting.source,
            outlet=sighting.outlet,
            url=sighting.url,
            published=published,
            similarity=matches[document.number][0],
            shared=matches[document.number][1],
            earliest_shared=matches[document.number][2],
            earliest=position == 0,
        )
        for position, (document, sighting, published) in enumerate(entries)
    ]
    first_stored = min(documents, key=lambda document: document.number)
    return Cluster(first_stored.id.removeprefix("sha256:")[:12], sightings)


def _best_match(
    document: _Document, earliest: _Document, signatures: Mapping[int, npt.NDArray[np.uint32]]
) -> tuple[float, tuple[str, int, int] | None, tuple[str, int, int] | None]:
    """The best estimated Jaccard between a part of the document and one of the earliest,
    with the two parts."""
    if document.number == earliest.number:
        whole = next((part for part in document.parts if part.kind == "document"), None)
        span = (whole.kind, whole.start, whole.end) if whole is not None else None
        return 1.0, span, span
    mine = [part for part in document.parts if part.signature in signatures]
    theirs = [part for part in earliest.parts if part.signature in signatures]
    if not mine or not theirs:
        return 0.0, None, None
    first = np.stack([signatures[part.signature] for part in mine if part.signature is not None])
    second = np.stack([signatures[part.signature] for part in theirs if part.signature is not None])
    agreement = (first[:, None, :] == second[None, :, :]).mean(axis=2)
    # Whole documents first, then statements, lists, paragraphs, at equal similarity.
    rank = {"document": 3, "statement": 2, "list": 1, "paragraph": 0}
    best = max(
        np.ndindex(agreement.shape),
        key=lambda pair: (agreement[pair], rank[mine[pair[0]].kind] + rank[theirs[pair[1]].kind]),
    )
    left, right = mine[best[0]], theirs[best[1]]
    return (
        round(float(agreement[best]), 4),
        (left.kind, left.start, left.end),
        (right.kind, right.start, right.end),
    )
