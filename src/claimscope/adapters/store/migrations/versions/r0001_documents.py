"""Documents, their sightings, rejected inputs and full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NUMBER = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
DOSSIER_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# PostgreSQL refuses a tsvector over 1 MB: the index reads the first 250,000 characters of
# a document (titles and bodies of news run to a few thousand); SQLite's FTS5 reads all.
POSTGRES_SEARCH_CHARACTERS = 250_000


def upgrade() -> None:
    """Create documents, sightings and errors, and each database's full-text index."""
    op.create_table(
        "documents",
        sa.Column("number", NUMBER, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(71), nullable=False, unique=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("headline", sa.Text()),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("outlet", sa.Text()),
        sa.Column("published", sa.Text()),
        sa.Column("published_on", sa.Date(), index=True),
        sa.Column("country", sa.String(2)),
        sa.Column("hints", sa.JSON(), nullable=False),
        sa.Column("dossier", DOSSIER_JSON, nullable=False),
        sa.Column("pipeline_version", sa.Text(), nullable=False),
        sa.Column("models_version", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sightings",
        sa.Column("id", NUMBER, primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(71),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("source_key", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("outlet", sa.Text()),
        sa.Column("url", sa.Text()),
        sa.Column("published", sa.Text()),
        sa.Column("captured_at", sa.Text()),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "source_key"),
    )
    op.create_table(
        "errors",
        sa.Column("id", NUMBER, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(
            "documents",
            sa.Column(
                "search_vector",
                postgresql.TSVECTOR(),
                sa.Computed(
                    "to_tsvector('english', left(coalesce(title, '') || ' ' || text, "
                    f"{POSTGRES_SEARCH_CHARACTERS}))",
                    persisted=True,
                ),
            ),
        )
        op.create_index(
            "ix_documents_search_vector", "documents", ["search_vector"], postgresql_using="gin"
        )
    else:
        # An external-content FTS5 index over the documents table, kept in step by
        # triggers inside the writing transaction; Porter stemming as PostgreSQL's
        # 'english' configuration does.
        op.execute(
            "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
            "content_rowid='number', tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
            "INSERT INTO documents_fts(rowid, title, text) "
            "VALUES (new.number, new.title, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
            "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
            "VALUES ('delete', old.number, old.title, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN "
            "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
            "VALUES ('delete', old.number, old.title, old.text); "
            "INSERT INTO documents_fts(rowid, title, text) "
            "VALUES (new.number, new.title, new.text); END"
        )


def downgrade() -> None:
    """The store is migrated forward only: a database is never dropped or rolled back."""
    raise NotImplementedError("claimscope's store is never downgraded")
