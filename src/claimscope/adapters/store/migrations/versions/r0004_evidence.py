"""The evidence library: fact-checks and primary documents with their passages.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NUMBER = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the library's tables (empty: nothing stored before holds evidence)."""
    op.create_table(
        "evidence_factchecks",
        sa.Column("number", NUMBER, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("subtitle", sa.Text(), nullable=False),
        sa.Column("rating_name", sa.Text()),
        sa.Column("rating_value", sa.Float()),
        sa.Column("rating_best", sa.Float()),
        sa.Column("rating_worst", sa.Float()),
        sa.Column("reviewer", sa.Text()),
        sa.Column("url", sa.Text()),
        sa.Column("date", sa.Text()),
        sa.Column("claimant", sa.Text()),
        sa.Column("source", sa.Text()),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "evidence_documents",
        sa.Column("number", NUMBER, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(71), nullable=False, unique=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(64)),
        sa.Column("issuer", sa.Text()),
        sa.Column("date", sa.Text()),
        sa.Column("document_number", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("passages", sa.JSON(), nullable=False),
        sa.Column("page_starts", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """The store is migrated forward only: a database is never dropped or rolled back."""
    raise NotImplementedError("claimscope's store is never downgraded")
