"""The store's tables as SQLAlchemy 2 declarative models, one definition for both databases.

The schema itself is created and changed by the Alembic migrations in ``migrations/``;
these models are what the store's queries are written against and must match the latest
migration (``tests/test_store_migrations.py`` compares them). What is dialect-specific
stays out of them: SQLite's FTS5 table and its triggers, PostgreSQL's generated
``search_vector`` column and its GIN index (see ``search.py``).

A document is one row, keyed by its text's sha256; every place it was read from is a
*sighting*; the fields people filter on are normalised into small facet tables filled
from the dossier, so that later layers add tables of their own rather than fields of one
JSON blob: the near-duplicate index (``index_settings``, ``part_signatures``,
``document_parts``, ``signature_bands``), the evidence library and its texts' vectors
(``text_vectors``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite makes a column an alias of the table's rowid only when its type is exactly
# INTEGER: FTS5's external content table needs that stable rowid.
NUMBER = BigInteger().with_variant(Integer(), "sqlite")
# JSONB on PostgreSQL: stored parsed, indexable; JSON text elsewhere.
DOSSIER_JSON = JSON().with_variant(postgresql.JSONB(), "postgresql")
DOCUMENT_ID = String(71)  # "sha256:" + 64 hexadecimal digits
KEY = String(64)  # a sha256 in hexadecimal: unique keys over text of any length


class Base(DeclarativeBase):
    """The store's tables."""


class DocumentRow(Base):
    """One analysed document: its text, the fields searched and filtered on, its dossier."""

    __tablename__ = "documents"

    number: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(DOCUMENT_ID, unique=True)
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    headline: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    outlet: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[date | None] = mapped_column(Date, index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    hints: Mapped[dict[str, Any]] = mapped_column(JSON)
    dossier: Mapped[dict[str, Any]] = mapped_column(DOSSIER_JSON)
    pipeline_version: Mapped[str] = mapped_column(Text)
    models_version: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SightingRow(Base):
    """One place a document was read from: a file, a record, an archived page."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("document_id", "source_key"),)

    id: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        DOCUMENT_ID, ForeignKey("documents.id", ondelete="CASCADE")
    )
    source_key: Mapped[str] = mapped_column(KEY)
    source: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(Text)
    captured_at: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ErrorRow(Base):
    """An input that could not be stored, with its source and the reason."""

    __tablename__ = "errors"

    id: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(KEY, unique=True)
    source: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignatoryRow(Base):
    """A signatory of a document's statement (``--signatory``)."""

    __tablename__ = "document_signatories"
    __table_args__ = (Index("ix_document_signatories_document_id", "document_id"),)

    id: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        DOCUMENT_ID, ForeignKey("documents.id", ondelete="CASCADE")
    )
    person: Mapped[str | None] = mapped_column(Text)
    organization: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))


class TechniqueRow(Base):
    """How many spans of a persuasion technique a document has (``--technique``)."""

    __tablename__ = "document_techniques"
    __table_args__ = (Index("ix_document_techniques_technique", "technique", "document_id"),)

    document_id: Mapped[str] = mapped_column(
        DOCUMENT_ID, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    technique: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class CitationRow(Base):
    """A kind and issuer of document a document cites (``--cites``), once per pair."""

    __tablename__ = "document_citations"
    __table_args__ = (
        Index("ix_document_citations_document_id", "document_id"),
        Index("ix_document_citations_kind", "kind"),
    )

    id: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        DOCUMENT_ID, ForeignKey("documents.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(64))
    issuer: Mapped[str | None] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer)


class CountryRow(Base):
    """A country a document is about or names (``--country``): dateline, signatories, entities."""

    __tablename__ = "document_countries"
    __table_args__ = (Index("ix_document_countries_country", "country", "document_id"),)

    document_id: Mapped[str] = mapped_column(
        DOCUMENT_ID, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(String(2), primary_key=True)


FACET_TABLES = (SignatoryRow, TechniqueRow, CitationRow, CountryRow)
"""The tables filled from a dossier, emptied and refilled when it is re-analysed."""


class FactCheckRow(Base):
    """A fact-check of the evidence library, as its reviewer published it."""

    __tablename__ = "evidence_factchecks"

    number: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=True)
    # The sha256 of the fact-check's id: ids are the reviewers' and may be of any length.
    key: Mapped[str] = mapped_column(KEY, unique=True)
    id: Mapped[str] = mapped_column(Text)
    claim: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str] = mapped_column(Text)
    rating_name: Mapped[str | None] = mapped_column(Text)
    rating_value: Mapped[float | None] = mapped_column(Float)
    rating_best: Mapped[float | None] = mapped_column(Float)
    rating_worst: Mapped[float | None] = mapped_column(Float)
    reviewer: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(Text)
    claimant: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EvidenceDocumentRow(Base):
    """A primary document of the evidence library: its text, what it is, its passages."""

    __tablename__ = "evidence_documents"

    number: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(DOCUMENT_ID, unique=True)
    source: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(64))
    issuer: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    # Passages as [start, end, label, number, page, page_end] lists: plain data, read whole.
    passages: Mapped[list[Any]] = mapped_column(JSON)
    page_starts: Mapped[list[int]] = mapped_column(JSON)
    warnings: Mapped[list[str]] = mapped_column(JSON)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IndexSettingsRow(Base):
    """The settings the near-duplicate index was built with (one row, ``parts``).

    Shingles, permutations and bands shape every stored signature and band key: changing
    them means ``claimscope corpus reindex``. The threshold is only the default of a query.
    """

    __tablename__ = "index_settings"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    shingle_words: Mapped[int] = mapped_column(Integer)
    permutations: Mapped[int] = mapped_column(Integer)
    bands: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PartSignatureRow(Base):
    """A distinct MinHash signature (uint32 little-endian), stored once however many parts
    of however many documents have it: a text republished a thousand times is one row."""

    __tablename__ = "part_signatures"

    id: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(KEY, unique=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class DocumentPartRow(Base):
    """A part of a document indexed on its own: the whole, a statement, a paragraph, a list.

    ``signature_id`` is null for a part without any word (nothing to compare); every
    indexed document has its ``document`` part, so a document without one is not indexed.
    """

    __tablename__ = "document_parts"
    __table_args__ = (
        Index("ix_document_parts_document_number", "document_number"),
        Index("ix_document_parts_signature_id", "signature_id"),
    )

    id: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=True)
    document_number: Mapped[int] = mapped_column(
        NUMBER, ForeignKey("documents.number", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    signature_id: Mapped[int | None] = mapped_column(NUMBER, ForeignKey("part_signatures.id"))


class SignatureBandRow(Base):
    """One LSH band key of a signature: signatures sharing a key are candidate pairs.

    Keys are unsigned 64-bit values stored as the signed integer with the same bits
    (BIGINT is signed). Keyed by (key, signature) and, on SQLite, WITHOUT ROWID, so the
    lookup of a key and the grouping by key read one B-tree in key order. There is no
    foreign key to ``part_signatures``: the store deletes a signature's bands (their keys
    recomputed from it) before the signature, and a foreign key would make SQLite scan
    this table on every such delete.
    """

    __tablename__ = "signature_bands"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    signature_id: Mapped[int] = mapped_column(NUMBER, primary_key=True, autoincrement=False)


class TextVectorRow(Base):
    """A text's sentence embedding by one model, kept so that a text is encoded once.

    Matching with the embeddings extra encodes every entry of the evidence library, minutes
    for thousands of entries; the vectors are kept here by model and the text's sha256.
    """

    __tablename__ = "text_vectors"

    model: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Little-endian float32, ``dimensions`` of them.
    dimensions: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


INDEX_TABLES = (SignatureBandRow, DocumentPartRow, PartSignatureRow)
"""The near-duplicate index, in the order its rows are deleted."""
