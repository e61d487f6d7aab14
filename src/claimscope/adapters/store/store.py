"""The corpus store: documents, dossiers, sightings and rejected inputs in one database.

One code path for SQLite and PostgreSQL (SQLAlchemy 2 Core statements over the models of
``tables.py``, every value a bound parameter). Each write is one transaction: a batch of
documents with their sightings and facet rows is committed whole or not at all, so a
process killed at any moment leaves the store as it was after its last committed batch.
A document's identity is the sha256 of its text: adding it again inserts nothing
(``ON CONFLICT DO NOTHING``), and the same text from another source adds a sighting.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, NoSuchModuleError, OperationalError, SQLAlchemyError

import claimscope.adapters.store.facets as facet_fields
import claimscope.adapters.store.index as part_index
from claimscope.adapters.store.search import (
    Filters,
    Hit,
    count_documents,
    facet_counts,
    search_documents,
)
from claimscope.adapters.store.tables import (
    CitationRow,
    CountryRow,
    DocumentRow,
    ErrorRow,
    SightingRow,
    SignatoryRow,
    TechniqueRow,
)
from claimscope.adapters.store.urls import StoreError, StoreLocation, resolve_location
from claimscope.corpus.minhash import MinHashSettings
from claimscope.document import Declared, Document, Hints
from claimscope.dossier import Dossier

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# How long a SQLite writer waits for another process's transaction before failing.
SQLITE_BUSY_SECONDS = 120
POSTGRES_CONNECT_SECONDS = 10
# Any constant: the key of the PostgreSQL advisory lock that serialises migrations.
_MIGRATION_LOCK = 0x636C616D
_HEX_PREFIX = re.compile(r"(?:sha256:)?([0-9a-f]{4,64})\Z")
_LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Versions:
    """What produced a dossier: the pipeline (code and stages) and the shipped models."""

    pipeline: str
    models: str


@dataclass(frozen=True)
class Sighting:
    """One place a document was read from."""

    source: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    captured_at: str | None = None

    @classmethod
    def of(cls, document: Document) -> Sighting:
        """Where and when this copy of the document was seen, from its metadata."""
        return cls.seen(document.source, document.hints)

    @classmethod
    def seen(cls, source: str, hints: Hints) -> Sighting:
        """A sighting at ``source`` of a document that came with these hints."""
        outlet = hints.outlet or hints.site_name or _host(hints.url)
        return cls(
            source=source,
            outlet=outlet,
            url=hints.url,
            published=hints.published,
            captured_at=hints.captured,
        )


@dataclass
class Analysed:
    """A document analysed and ready to store, with every sighting of it in this batch."""

    document: Document
    dossier: Dossier
    sightings: list[Sighting] = field(default_factory=list)


@dataclass(frozen=True)
class Rejected:
    """An input that could not be stored."""

    source: str
    reason: str


@dataclass
class BatchResult:
    """What one batch changed."""

    added: int = 0
    already_present: int = 0
    sightings_added: int = 0
    errors_added: int = 0


@dataclass(frozen=True)
class StoredDocument:
    """A stored document as read back: the document, its dossier and versions."""

    document: Document
    dossier: Dossier
    number: int
    pipeline_version: str
    models_version: str


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def text_key(*parts: str) -> str:
    """A fixed-length unique key over text of any length (index entries have size limits)."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", errors="surrogatepass")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    """A corpus store on one database; open it with :meth:`open`."""

    def __init__(self, engine: Engine, location: StoreLocation) -> None:
        self.engine = engine
        self.location = location

    @classmethod
    def open(cls, db: str | None = None, *, migrate: bool = True) -> Self:
        """Open (creating or migrating) the store named by ``db``, ``CLAIMSCOPE_DB`` or default.

        Raises StoreError with one line naming the database when it cannot be used.
        """
        location = resolve_location(db)
        return cls.open_location(location, migrate=migrate)

    @classmethod
    def open_location(cls, location: StoreLocation, *, migrate: bool = True) -> Self:
        """Open the store at a resolved location."""
        try:
            engine = _engine(location)
        except (NoSuchModuleError, ImportError) as error:
            raise StoreError(
                f"{location.origin} {location.shown}: PostgreSQL needs the optional extra "
                f"(pip install 'claimscope[postgres]'): {error}"
            ) from None
        store = cls(engine, location)
        try:
            store._prepare(migrate)
        except StoreError:
            engine.dispose()
            raise
        except (SQLAlchemyError, OSError) as error:
            engine.dispose()
            raise StoreError(
                f"{location.origin} {location.shown}: cannot open the store: {error_reason(error)}"
            ) from None
        return store

    def _prepare(self, migrate: bool) -> None:
        """Check the connection and migrate; on SQLite, wait while another process holds it.

        SQLite returns "database is locked" at once, without its busy handler, where waiting
        could deadlock (a new file switching to WAL while another process does the same, a
        read that must become a write), so two processes opening one new store at once
        would fail; the open is retried within the busy timeout instead.
        """
        deadline = time.monotonic() + SQLITE_BUSY_SECONDS
        while True:
            try:
                with self.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                if migrate:
                    self.upgrade()
                return
            except OperationalError as error:
                locked = self.dialect == "sqlite" and "locked" in str(error.orig)
                if not locked or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    # -- schema ---------------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> None:
        """Migrate the schema forward to ``revision`` (the latest by default), never back.

        Runs in one write transaction under a lock, so that two processes opening a new
        or older store at once migrate it once.
        """
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        script = ScriptDirectory.from_config(config)
        target = script.get_current_head() if revision == "head" else revision
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        if current == target:
            return
        with self.writing() as connection:
            if self.dialect == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            # Read again under the lock: another process may have migrated meanwhile.
            current = MigrationContext.configure(connection).get_current_revision()
            if current is not None and current not in {
                rev.revision for rev in script.walk_revisions()
            }:
                raise StoreError(
                    f"{self.location.origin} {self.location.shown}: the store was made by a "
                    f"newer claimscope (schema revision {current}); upgrade claimscope"
                )
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def schema_revision(self) -> str | None:
        """The store's Alembic revision."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction: committed on leaving, rolled back on any exception.

        On SQLite it starts with BEGIN IMMEDIATE, so two writers queue for the lock
        (waiting up to SQLITE_BUSY_SECONDS) instead of one failing mid-transaction.
        """
        with self.engine.connect() as connection:
            connection.execution_options(claimscope_write=True)
            with connection.begin():
                yield connection

    # -- writing --------------------------------------------------------------------------

    def known(self, ids: Sequence[str]) -> set[str]:
        """Which of these document ids are stored."""
        if not ids:
            return set()
        with self.engine.connect() as connection:
            return set(
                connection.execute(select(DocumentRow.id).where(DocumentRow.id.in_(set(ids))))
                .scalars()
                .all()
            )

    def write(
        self,
        analysed: Sequence[Analysed],
        sightings: Sequence[tuple[str, Sighting]] = (),
        rejected: Sequence[Rejected] = (),
        versions: Versions | None = None,
        *,
        index: bool = True,
    ) -> BatchResult:
        """Store a batch in one transaction: new documents, sightings of stored ones, rejects.

        A document already stored (by this or another process) is not touched; its
        sightings are added. New documents are added to the near-duplicate index with
        their parts, computed before the transaction (``index=False`` leaves them out of
        it until ``reindex``). Returns what changed.
        """
        result = BatchResult()
        if not (analysed or sightings or rejected):
            return result
        if analysed and versions is None:
            raise ValueError("analysed documents need the versions that produced them")
        parts = (
            part_index.index_dossiers([item.dossier for item in analysed], self.index_settings())
            if analysed and index
            else None
        )
        now = _now()
        with self.writing() as connection:
            if analysed:
                assert versions is not None
                rows = [_document_row(item, versions, now) for item in analysed]
                numbers = {
                    row.id: row.number
                    for row in connection.execute(
                        self._insert(DocumentRow)
                        .on_conflict_do_nothing(index_elements=["id"])
                        .returning(DocumentRow.id, DocumentRow.number),
                        rows,
                    ).all()
                }
                inserted = set(numbers)
                if parts is not None:
                    part_index.insert_parts(
                        connection, self._current_parts(connection, parts, analysed), numbers
                    )
                result.added = len(inserted)
                result.already_present += len(analysed) - len(inserted)
                _insert_facets(
                    connection,
                    [
                        (item.document.id, item.dossier)
                        for item in analysed
                        if item.document.id in inserted
                    ],
                )
            result.already_present += len(sightings)
            sighting_rows = [
                _sighting_row(item.document.id, sighting, now)
                for item in analysed
                for sighting in item.sightings
            ] + [_sighting_row(document_id, sighting, now) for document_id, sighting in sightings]
            if sighting_rows:
                result.sightings_added = len(
                    connection.execute(
                        self._insert(SightingRow)
                        .on_conflict_do_nothing(index_elements=["document_id", "source_key"])
                        .returning(SightingRow.id),
                        sighting_rows,
                    ).all()
                )
            result.errors_added = self.insert_errors(connection, rejected, now)
        return result

    def insert_errors(
        self, connection: Connection, rejected: Sequence[Rejected], now: datetime
    ) -> int:
        """Record rejected inputs in the open transaction (each reason once); how many were new."""
        if not rejected:
            return 0
        error_rows = {
            text_key(item.source, item.reason): {
                "key": text_key(item.source, item.reason),
                "source": item.source,
                "reason": item.reason,
                "added_at": now,
            }
            for item in rejected
        }
        return len(
            connection.execute(
                self._insert(ErrorRow)
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(ErrorRow.id),
                list(error_rows.values()),
            ).all()
        )

    def replace_dossiers(self, dossiers: Sequence[Dossier], versions: Versions) -> int:
        """Replace stored dossiers (re-analysis), their facet rows and their parts in the
        near-duplicate index (statements and body may have moved), in one transaction."""
        if not dossiers:
            return 0
        now = _now()
        changed = 0
        parts = part_index.index_dossiers(dossiers, self.index_settings())
        with self.writing() as connection:
            ids = [dossier.document.id for dossier in dossiers]
            for table in (SignatoryRow, TechniqueRow, CitationRow, CountryRow):
                connection.execute(delete(table).where(table.document_id.in_(ids)))
            numbers = {
                row.id: row.number
                for row in connection.execute(
                    select(DocumentRow.id, DocumentRow.number).where(DocumentRow.id.in_(ids))
                )
            }
            settings = part_index.read_settings(connection)
            part_index.delete_parts(connection, list(numbers.values()), settings)
            if not part_index.same_index(settings, parts.settings):
                parts = part_index.index_dossiers(dossiers, settings)
            part_index.insert_parts(connection, parts, numbers)
            for dossier in dossiers:
                stored = _stored_dossier(dossier)
                published = facet_fields.published(stored)
                changed += connection.execute(
                    update(DocumentRow)
                    .where(DocumentRow.id == dossier.document.id)
                    .values(
                        dossier=stored,
                        headline=facet_fields.headline(stored),
                        language=dossier.document.language,
                        published=published or DocumentRow.published,
                        published_on=facet_fields.date_of(published) or DocumentRow.published_on,
                        country=facet_fields.document_country(stored) or DocumentRow.country,
                        pipeline_version=versions.pipeline,
                        models_version=versions.models,
                        updated_at=now,
                    )
                ).rowcount
            _insert_facets(connection, [(dossier.document.id, dossier) for dossier in dossiers])
        return changed

    def insert_statement(self, model: type[Any]) -> Any:
        """An INSERT of this dialect, which takes ON CONFLICT DO NOTHING."""
        return self._insert(model)

    def _current_parts(
        self,
        connection: Connection,
        parts: part_index.IndexedBatch,
        analysed: Sequence[Analysed],
    ) -> part_index.IndexedBatch:
        """The batch's parts, computed again in the transaction if a reindex changed the
        index's settings since they were computed."""
        settings = part_index.read_settings(connection)
        if part_index.same_index(settings, parts.settings):
            return parts
        return part_index.index_dossiers([item.dossier for item in analysed], settings)

    # -- the near-duplicate index ---------------------------------------------------------

    def index_settings(self) -> MinHashSettings:
        """The settings the near-duplicate index was built with."""
        with self.engine.connect() as connection:
            return part_index.read_settings(connection)

    def unindexed(self) -> int:
        """How many stored documents the near-duplicate index lacks."""
        with self.engine.connect() as connection:
            return part_index.unindexed_count(connection)

    def reindex(
        self, settings: MinHashSettings | None = None, *, every: bool = False, page: int = 200
    ) -> Iterator[int]:
        """Build the near-duplicate index for the documents it lacks, a page per transaction,
        yielding the number indexed after each page (so an interrupted run resumes).

        With other shingles, permutations or bands than the index has (or ``every``), the
        index is emptied and its settings replaced first, in a transaction of its own.
        """
        current = self.index_settings()
        if every or (settings is not None and not part_index.same_index(settings, current)):
            with self.writing() as connection:
                part_index.clear_index(connection, settings or current, _now())
        elif settings is not None and settings.threshold != current.threshold:
            with self.writing() as connection:
                part_index.set_threshold(connection, settings.threshold, _now())
        current = settings or current
        last = 0
        while True:
            with self.engine.connect() as connection:
                rows = part_index.unindexed_documents(connection, last, page)
            if not rows:
                return
            last = rows[-1].number
            batch = part_index.index_texts(
                [(row.id, row.text, *part_index.stored_spans(row.dossier)) for row in rows],
                current,
            )
            with self.writing() as connection:
                if not part_index.same_index(part_index.read_settings(connection), current):
                    raise StoreError(
                        "the index's settings changed during the reindex: run it again"
                    )
                # Another process may have indexed some meanwhile.
                still = set(part_index.still_unindexed(connection, [row.number for row in rows]))
                numbers = {row.id: row.number for row in rows if row.number in still}
                part_index.insert_parts(connection, batch, numbers)
            yield len(rows)

    def duplicates(self, threshold: float | None = None) -> list[part_index.Cluster]:
        """Clusters of near-identical texts with every sighting, most sightings first.

        ``threshold`` (estimated Jaccard) re-verifies the candidate pairs from the stored
        signatures; by default the index's own.
        """
        with self.engine.connect() as connection:
            settings = part_index.read_settings(connection)
            groups = part_index.document_groups(
                connection, settings.threshold if threshold is None else threshold
            )
            grouped = {number for group in groups for number in group}
            groups += [
                [number]
                for number in part_index.repeated_documents(connection)
                if number not in grouped
            ]
            clusters = part_index.describe_clusters(connection, groups)
        clusters.sort(
            key=lambda cluster: (
                -len(cluster.sightings),
                part_index.sort_time(cluster.first_published) or _LATEST,
                cluster.id,
            )
        )
        return clusters

    def cluster_of(
        self, document_id: str, threshold: float | None = None
    ) -> part_index.Cluster | None:
        """The cluster of one stored document (None when it has no other sighting and no
        near-duplicate), gathered from its own parts outward."""
        with self.engine.connect() as connection:
            number = connection.execute(
                select(DocumentRow.number).where(DocumentRow.id == document_id)
            ).scalar_one_or_none()
            if number is None:
                return None
            settings = part_index.read_settings(connection)
            group = part_index.cluster_of(
                connection, number, settings, settings.threshold if threshold is None else threshold
            )
            (cluster,) = part_index.describe_clusters(connection, [group])
        return cluster if len(cluster.sightings) > 1 else None

    def _insert(self, model: type[Any]) -> Any:
        # Each dialect has its own INSERT with ON CONFLICT; both take the same arguments.
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as postgresql_insert

            return postgresql_insert(model)
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(model)

    # -- reading --------------------------------------------------------------------------

    def resolve_id(self, given: str) -> str:
        """The full id of the one document whose id starts with ``given`` (hex, 4+ digits)."""
        match = _HEX_PREFIX.match(given.strip().lower())
        if match is None:
            raise StoreError(
                f"{given!r} is not a document id (sha256:<hex>, or 4+ hex digits of it)"
            )
        prefix = "sha256:" + match.group(1)
        with self.engine.connect() as connection:
            found = (
                connection.execute(
                    select(DocumentRow.id)
                    .where(DocumentRow.id >= prefix, DocumentRow.id < prefix + "g")
                    .limit(2)
                )
                .scalars()
                .all()
            )
        if not found:
            raise StoreError(f"no stored document with id {given}")
        if len(found) > 1:
            raise StoreError(f"{given} matches several documents: give more of the id")
        return found[0]

    def get(self, document_id: str) -> StoredDocument | None:
        """A stored document by its full id."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(DocumentRow).where(DocumentRow.id == document_id)
            ).one_or_none()
        return None if row is None else _stored_document(row)

    def documents(
        self, *, page: int = 200, stale_for: Versions | None = None
    ) -> Iterator[StoredDocument]:
        """Every stored document in insertion order, read a page at a time (memory stays flat).

        ``stale_for`` keeps only the documents whose dossier another pipeline or other
        models produced.
        """
        for documents in self.pages(page=page, stale_for=stale_for):
            yield from documents

    def count_stale(self, versions: Versions) -> int:
        """How many stored dossiers another pipeline or other models produced."""
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count())
                    .select_from(DocumentRow)
                    .where(
                        (DocumentRow.pipeline_version != versions.pipeline)
                        | (DocumentRow.models_version != versions.models)
                    )
                ).scalar_one()
            )

    def pages(
        self, *, page: int = 200, stale_for: Versions | None = None
    ) -> Iterator[list[StoredDocument]]:
        """The stored documents a page at a time, in insertion order (see :meth:`documents`)."""
        last = 0
        while True:
            statement = select(DocumentRow).where(DocumentRow.number > last)
            if stale_for is not None:
                statement = statement.where(
                    (DocumentRow.pipeline_version != stale_for.pipeline)
                    | (DocumentRow.models_version != stale_for.models)
                )
            with self.engine.connect() as connection:
                rows = connection.execute(statement.order_by(DocumentRow.number).limit(page)).all()
            if not rows:
                return
            last = rows[-1].number
            yield [_stored_document(row) for row in rows]

    def sightings_of(self, document_ids: Sequence[str]) -> dict[str, list[Sighting]]:
        """The sightings of each of the documents, oldest first."""
        found: dict[str, list[Sighting]] = {document_id: [] for document_id in document_ids}
        if not document_ids:
            return found
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(SightingRow)
                .where(SightingRow.document_id.in_(list(found)))
                .order_by(SightingRow.id)
            ).all()
        for row in rows:
            found[row.document_id].append(
                Sighting(
                    source=row.source,
                    outlet=row.outlet,
                    url=row.url,
                    published=row.published,
                    captured_at=row.captured_at,
                )
            )
        return found

    def sightings(self, document_id: str) -> list[Sighting]:
        """Every sighting of a document, oldest first."""
        return self.sightings_of([document_id])[document_id]

    def count(self) -> int:
        """The number of stored documents."""
        with self.engine.connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(DocumentRow)).scalar_one()
            )

    def search(
        self, query: str | None, filters: Filters | None = None, limit: int = 20, offset: int = 0
    ) -> list[Hit]:
        """Documents matching a full-text query and filters, best first (see ``search.py``)."""
        with self.engine.connect() as connection:
            return search_documents(connection, query, filters or Filters(), limit, offset)

    def count_matching(self, query: str | None, filters: Filters | None = None) -> int:
        """How many documents a search matches."""
        with self.engine.connect() as connection:
            return count_documents(connection, query, filters or Filters())

    def facets(
        self, query: str | None, filters: Filters | None = None, limit: int = 10
    ) -> dict[str, list[tuple[str, int]]]:
        """The facet counts of a search's matching documents (see ``search.facet_counts``)."""
        with self.engine.connect() as connection:
            return facet_counts(connection, query, filters or Filters(), limit)

    def errors(self) -> Iterator[tuple[str, str, datetime]]:
        """The rejected inputs (source, reason, when), oldest first, read a page at a time."""
        last = 0
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(
                    select(ErrorRow.id, ErrorRow.source, ErrorRow.reason, ErrorRow.added_at)
                    .where(ErrorRow.id > last)
                    .order_by(ErrorRow.id)
                    .limit(500)
                ).all()
            if not rows:
                return
            last = rows[-1].id
            for row in rows:
                yield row.source, row.reason, row.added_at

    def stats(self) -> dict[str, Any]:
        """Counts of documents, sightings, outlets, languages, dates, rejects and versions."""
        with self.engine.connect() as connection:

            def scalar(statement: Any) -> Any:
                return connection.execute(statement).scalar_one()

            documents = int(scalar(select(func.count()).select_from(DocumentRow)))
            sightings = int(scalar(select(func.count()).select_from(SightingRow)))
            outlet = func.coalesce(SightingRow.outlet, "")
            outlets = connection.execute(
                select(SightingRow.outlet, func.count(func.distinct(SightingRow.document_id)))
                .group_by(SightingRow.outlet)
                .order_by(func.count(func.distinct(SightingRow.document_id)).desc(), outlet)
            ).all()
            languages = connection.execute(
                select(DocumentRow.language, func.count())
                .group_by(DocumentRow.language)
                .order_by(func.count().desc(), DocumentRow.language)
            ).all()
            first, last = connection.execute(
                select(func.min(DocumentRow.published_on), func.max(DocumentRow.published_on))
            ).one()
            undated = int(
                scalar(
                    select(func.count())
                    .select_from(DocumentRow)
                    .where(DocumentRow.published_on.is_(None))
                )
            )
            rejected = int(scalar(select(func.count()).select_from(ErrorRow)))
            versions = connection.execute(
                select(DocumentRow.pipeline_version, DocumentRow.models_version, func.count())
                .group_by(DocumentRow.pipeline_version, DocumentRow.models_version)
                .order_by(func.count().desc())
            ).all()
        return {
            "store": self.location.shown,
            "schema_revision": self.schema_revision(),
            "documents": documents,
            "sightings": sightings,
            "outlets": len([row for row in outlets if row[0] is not None]),
            "documents_by_outlet": [
                {"outlet": outlet_name, "documents": count} for outlet_name, count in outlets
            ],
            "languages": [
                {"language": language, "documents": count} for language, count in languages
            ],
            "date_range": {
                "first": _iso(first),
                "last": _iso(last),
                "undated_documents": undated,
            },
            "rejected_inputs": rejected,
            "versions": [
                {"pipeline_version": pipeline, "models_version": models, "documents": count}
                for pipeline, models, count in versions
            ],
        }


def _iso(value: date | str | None) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def _engine(location: StoreLocation) -> Engine:
    if location.dialect == "postgresql":
        return create_engine(
            location.url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": POSTGRES_CONNECT_SECONDS},
        )
    engine = create_engine(location.url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, decides when transactions begin (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # WAL: readers never block the writer, and a killed writer's transaction is
            # rolled back on the next open. NORMAL sync is durable against a crashed or
            # killed process (not against power loss of the last transactions).
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A writer takes the lock when its transaction starts: a second writer then waits
        # for it (busy_timeout) rather than failing when it tries to upgrade a read lock.
        immediate = connection.get_execution_options().get("claimscope_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def error_reason(error: BaseException) -> str:
    """The first line of a database error, without SQLAlchemy's appendix."""
    original = error.orig if isinstance(error, DBAPIError) else None
    message = str(original if original is not None else error)
    for line in message.splitlines():
        if line.strip():
            return line.strip()
    return type(error).__name__


def _stored_dossier(dossier: Dossier) -> dict[str, Any]:
    """The dossier's JSON without its text, which the documents row holds once."""
    stored = dossier.to_json_dict()
    stored["document"].pop("text", None)
    return stored


def _document_row(item: Analysed, versions: Versions, now: datetime) -> dict[str, Any]:
    document, dossier = item.document, item.dossier
    stored = _stored_dossier(dossier)
    first = item.sightings[0] if item.sightings else Sighting.of(document)
    searchable = facet_fields.searchable_fields(stored, document.hints)
    return {
        "id": document.id,
        "text": document.text,
        "title": searchable.title,
        "headline": searchable.headline,
        "language": searchable.language,
        "outlet": outlet_of(first, dossier),
        "published": searchable.published,
        "published_on": searchable.published_on,
        "country": searchable.country,
        "hints": hints_to_json(document.hints),
        "dossier": stored,
        "pipeline_version": versions.pipeline,
        "models_version": versions.models,
        "created_at": now,
        "updated_at": now,
    }


def outlet_of(sighting: Sighting, dossier: Dossier) -> str | None:
    """The outlet a document is filed under: its sighting's, else the agency its text names."""
    agency = dossier.anatomy.agency.name if dossier.anatomy.agency else None
    return sighting.outlet or agency


def hints_to_json(hints: Hints) -> dict[str, Any]:
    """A document's hints as JSON (tuples as lists, declared values as objects)."""
    return asdict(hints)


def hints_from_json(stored: Mapping[str, Any]) -> Hints:
    """Hints read back from :func:`hints_to_json`; fields this version does not know are dropped."""
    known = {item.name for item in fields(Hints)}
    values: dict[str, Any] = {}
    for name, value in stored.items():
        if name not in known:
            continue
        if isinstance(value, list):
            value = tuple(Declared(**item) if isinstance(item, dict) else item for item in value)
        values[name] = value
    return Hints(**values)


def document_of(dossier: Dossier, hints: Hints) -> Document:
    """The document a dossier was made from (its text, source and format), with its hints."""
    return Document(
        id=dossier.document.id,
        source=dossier.document.source,
        text=dossier.document.text,
        format=dossier.document.format,
        hints=hints,
        # What ingestion repaired is in the dossier; a full re-analysis must keep saying so.
        warnings=tuple(w.message for w in dossier.warnings if w.stage == "ingestion"),
    )


def _sighting_row(document_id: str, sighting: Sighting, now: datetime) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "source_key": text_key(sighting.source),
        "source": sighting.source,
        "outlet": sighting.outlet,
        "url": sighting.url,
        "published": sighting.published,
        "captured_at": sighting.captured_at,
        "added_at": now,
    }


def _insert_facets(connection: Connection, dossiers: Sequence[tuple[str, Dossier]]) -> None:
    signatories: list[dict[str, Any]] = []
    techniques: list[dict[str, Any]] = []
    citations: list[dict[str, Any]] = []
    countries: list[dict[str, Any]] = []
    for document_id, dossier in dossiers:
        found = facet_fields.facets_of(dossier.to_json_dict())
        signatories += [
            {
                "document_id": document_id,
                "person": person,
                "organization": organization,
                "country": country,
            }
            for person, organization, country in found.signatories
        ]
        techniques += [
            {"document_id": document_id, "technique": name, "count": count}
            for name, count in found.techniques.items()
        ]
        citations += [
            {"document_id": document_id, "kind": kind, "issuer": issuer, "count": count}
            for (kind, issuer), count in found.citations.items()
        ]
        countries += [
            {"document_id": document_id, "country": country} for country in sorted(found.countries)
        ]
    for model, rows in (
        (SignatoryRow, signatories),
        (TechniqueRow, techniques),
        (CitationRow, citations),
        (CountryRow, countries),
    ):
        if rows:
            connection.execute(insert(model), rows)


def _stored_document(row: Any) -> StoredDocument:
    stored: Mapping[str, Any] = row.dossier
    payload = dict(stored)
    payload["document"] = {**stored["document"], "text": row.text}
    dossier = Dossier.model_validate(payload)
    return StoredDocument(
        document=document_of(dossier, hints_from_json(row.hints or {})),
        dossier=dossier,
        number=row.number,
        pipeline_version=row.pipeline_version,
        models_version=row.models_version,
    )
