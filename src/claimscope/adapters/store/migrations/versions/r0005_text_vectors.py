"""Sentence embeddings of the evidence library's texts, kept so each is encoded once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table (empty: vectors are added when a library is first matched by them)."""
    op.create_table(
        "text_vectors",
        sa.Column("model", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    """The store is migrated forward only: a database is never dropped or rolled back."""
    raise NotImplementedError("claimscope's store is never downgraded")
