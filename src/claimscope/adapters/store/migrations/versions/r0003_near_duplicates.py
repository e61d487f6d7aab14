"""The near-duplicate index: parts of documents, distinct signatures, band keys; backfilled.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from claimscope.adapters.store.index import index_stored_documents, settings_row
from claimscope.corpus.minhash import DEFAULT_SETTINGS

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NUMBER = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_BACKFILL_PAGE = 200


def upgrade() -> None:
    """Create the index tables, record the default settings, index every stored document."""
    settings = op.create_table(
        "index_settings",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("shingle_words", sa.Integer(), nullable=False),
        sa.Column("permutations", sa.Integer(), nullable=False),
        sa.Column("bands", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "part_signatures",
        sa.Column("id", NUMBER, primary_key=True, autoincrement=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "document_parts",
        sa.Column("id", NUMBER, primary_key=True, autoincrement=True),
        sa.Column(
            "document_number",
            NUMBER,
            sa.ForeignKey("documents.number", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("signature_id", NUMBER, sa.ForeignKey("part_signatures.id")),
    )
    op.create_index("ix_document_parts_document_number", "document_parts", ["document_number"])
    op.create_index("ix_document_parts_signature_id", "document_parts", ["signature_id"])
    # Keyed by (key, signature): on SQLite a WITHOUT ROWID table is that one B-tree.
    op.create_table(
        "signature_bands",
        sa.Column("key", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("signature_id", NUMBER, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    assert settings is not None
    connection = op.get_bind()
    connection.execute(settings.insert(), settings_row(DEFAULT_SETTINGS, datetime.now(UTC)))

    # Documents stored before this revision are indexed now, a page at a time, with the
    # index code of this revision (its tables are those created above).
    documents = sa.table(
        "documents",
        sa.column("number", sa.Integer()),
        sa.column("id"),
        sa.column("text"),
        sa.column("dossier", sa.JSON()),
    )
    last = -1
    while True:
        page = connection.execute(
            sa.select(documents.c.number, documents.c.id, documents.c.text, documents.c.dossier)
            .where(documents.c.number > last)
            .order_by(documents.c.number)
            .limit(_BACKFILL_PAGE)
        ).all()
        if not page:
            break
        last = page[-1].number
        index_stored_documents(connection, page, DEFAULT_SETTINGS)


def downgrade() -> None:
    """The store is migrated forward only: a database is never dropped or rolled back."""
    raise NotImplementedError("claimscope's store is never downgraded")
