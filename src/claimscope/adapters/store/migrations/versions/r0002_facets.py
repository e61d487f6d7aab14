"""Facet tables for the search filters, filled from the dossiers already stored.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from claimscope.adapters.store.facets import facets_of

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NUMBER = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_BACKFILL_PAGE = 500


def _document_id() -> sa.Column[str]:
    return sa.Column(
        "document_id",
        sa.String(71),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=False,
    )


def upgrade() -> None:
    """Create the facet tables and fill them from every stored dossier."""
    signatories = op.create_table(
        "document_signatories",
        sa.Column("id", NUMBER, primary_key=True, autoincrement=True),
        _document_id(),
        sa.Column("person", sa.Text()),
        sa.Column("organization", sa.Text()),
        sa.Column("country", sa.String(2)),
    )
    op.create_index("ix_document_signatories_document_id", "document_signatories", ["document_id"])
    techniques = op.create_table(
        "document_techniques",
        sa.Column(
            "document_id",
            sa.String(71),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("technique", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_document_techniques_technique", "document_techniques", ["technique", "document_id"]
    )
    citations = op.create_table(
        "document_citations",
        sa.Column("id", NUMBER, primary_key=True, autoincrement=True),
        _document_id(),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("issuer", sa.Text()),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_document_citations_document_id", "document_citations", ["document_id"])
    op.create_index("ix_document_citations_kind", "document_citations", ["kind"])
    countries = op.create_table(
        "document_countries",
        sa.Column(
            "document_id",
            sa.String(71),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("country", sa.String(2), primary_key=True),
    )
    op.create_index(
        "ix_document_countries_country", "document_countries", ["country", "document_id"]
    )
    assert signatories is not None and techniques is not None
    assert citations is not None and countries is not None

    # Dossiers stored before this revision get their facet rows now, a page at a time.
    documents = sa.table(
        "documents",
        sa.column("number", sa.Integer()),
        sa.column("id"),
        sa.column("dossier", sa.JSON()),
    )
    connection = op.get_bind()
    last = -1
    while True:
        page = connection.execute(
            sa.select(documents.c.number, documents.c.id, documents.c.dossier)
            .where(documents.c.number > last)
            .order_by(documents.c.number)
            .limit(_BACKFILL_PAGE)
        ).all()
        if not page:
            break
        last = page[-1].number
        rows: dict[sa.Table, list[dict[str, object]]] = {
            signatories: [],
            techniques: [],
            citations: [],
            countries: [],
        }
        for row in page:
            facets = facets_of(row.dossier)
            rows[signatories] += [
                {"document_id": row.id, "person": p, "organization": o, "country": c}
                for p, o, c in facets.signatories
            ]
            rows[techniques] += [
                {"document_id": row.id, "technique": t, "count": n}
                for t, n in facets.techniques.items()
            ]
            rows[citations] += [
                {"document_id": row.id, "kind": k, "issuer": i, "count": n}
                for (k, i), n in facets.citations.items()
            ]
            rows[countries] += [{"document_id": row.id, "country": c} for c in facets.countries]
        for table, values in rows.items():
            if values:
                connection.execute(table.insert(), values)


def downgrade() -> None:
    """The store is migrated forward only: a database is never dropped or rolled back."""
    raise NotImplementedError("claimscope's store is never downgraded")
