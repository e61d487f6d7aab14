"""The evidence library in the store: fact-checks and primary documents, added and read back.

What ``evidence/`` reads from files is written here, one transaction per call, so that a
run killed at any moment leaves the library as it was after its last committed file; adding
the same fact-check (by its id) or the same document (by its text's sha256) again adds
nothing. Bad records go to the store's ``errors`` table like rejected corpus inputs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from claimscope.adapters.store.store import Rejected, Store, text_key
from claimscope.adapters.store.tables import EvidenceDocumentRow, FactCheckRow
from claimscope.evidence.factchecks import FactCheck, Rating
from claimscope.evidence.passages import DocumentDescription, Passage, PrimaryDocument

_PAGE = 1_000


@dataclass
class LibraryResult:
    """What one write to the library changed."""

    factchecks_added: int = 0
    factchecks_present: int = 0
    documents_added: int = 0
    documents_present: int = 0
    errors_added: int = 0


def _factcheck_row(factcheck: FactCheck, now: datetime) -> dict[str, Any]:
    rating = factcheck.rating or Rating()
    return {
        "key": text_key(factcheck.id),
        "id": factcheck.id,
        "claim": factcheck.claim,
        "title": factcheck.title,
        "subtitle": factcheck.subtitle,
        "rating_name": rating.name,
        "rating_value": rating.value,
        "rating_best": rating.best,
        "rating_worst": rating.worst,
        "reviewer": factcheck.reviewer,
        "url": factcheck.url,
        "date": factcheck.date,
        "claimant": factcheck.claimant,
        "source": factcheck.source,
        "added_at": now,
    }


def _document_row(document: PrimaryDocument, now: datetime) -> dict[str, Any]:
    description = document.description
    return {
        "id": document.id,
        "source": document.source,
        "text": document.text,
        "kind": description.kind,
        "issuer": description.issuer,
        "date": description.date,
        "document_number": description.number,
        "title": description.title,
        "passages": [
            [p.start, p.end, p.label, p.number, p.page, p.page_end] for p in document.passages
        ],
        "page_starts": list(document.page_starts),
        "warnings": list(document.warnings),
        "added_at": now,
    }


def add_evidence(
    store: Store,
    factchecks: Sequence[FactCheck] = (),
    documents: Sequence[PrimaryDocument] = (),
    rejected: Sequence[Rejected] = (),
) -> LibraryResult:
    """Add fact-checks, documents and rejected records in one transaction; what changed."""
    result = LibraryResult()
    now = datetime.now(UTC)
    with store.writing() as connection:
        if factchecks:
            # The first of two equal ids wins, within one call as across calls.
            factcheck_rows: dict[str, dict[str, Any]] = {}
            for factcheck in factchecks:
                factcheck_rows.setdefault(text_key(factcheck.id), _factcheck_row(factcheck, now))
            added = connection.execute(
                store.insert_statement(FactCheckRow)
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(FactCheckRow.number),
                list(factcheck_rows.values()),
            ).all()
            result.factchecks_added = len(added)
            result.factchecks_present = len(factchecks) - len(added)
        if documents:
            document_rows: dict[str, dict[str, Any]] = {}
            for document in documents:
                document_rows.setdefault(document.id, _document_row(document, now))
            added = connection.execute(
                store.insert_statement(EvidenceDocumentRow)
                .on_conflict_do_nothing(index_elements=["id"])
                .returning(EvidenceDocumentRow.number),
                list(document_rows.values()),
            ).all()
            result.documents_added = len(added)
            result.documents_present = len(documents) - len(added)
        result.errors_added = store.insert_errors(connection, rejected, now)
    return result


def _factcheck(row: Any) -> FactCheck:
    rating = Rating(row.rating_name, row.rating_value, row.rating_best, row.rating_worst)
    return FactCheck(
        id=row.id,
        claim=row.claim,
        title=row.title,
        subtitle=row.subtitle,
        rating=None if rating == Rating() else rating,
        reviewer=row.reviewer,
        url=row.url,
        date=row.date,
        claimant=row.claimant,
        source=row.source,
    )


def _document(row: Any) -> PrimaryDocument:
    passages = tuple(
        Passage(index, start, end, label, number, page, page_end)
        for index, (start, end, label, number, page, page_end) in enumerate(row.passages)
    )
    return PrimaryDocument(
        id=row.id,
        source=row.source,
        text=row.text,
        description=DocumentDescription(
            row.kind, row.issuer, row.date, row.document_number, row.title
        ),
        passages=passages,
        page_starts=tuple(row.page_starts),
        warnings=tuple(row.warnings),
    )


def stored_factchecks(store: Store) -> Iterator[FactCheck]:
    """Every fact-check of the library in the order added, read a page at a time."""
    last = 0
    while True:
        with store.engine.connect() as connection:
            rows = connection.execute(
                select(FactCheckRow)
                .where(FactCheckRow.number > last)
                .order_by(FactCheckRow.number)
                .limit(_PAGE)
            ).all()
        if not rows:
            return
        last = rows[-1].number
        yield from (_factcheck(row) for row in rows)


def stored_documents(store: Store) -> Iterator[PrimaryDocument]:
    """Every primary document of the library in the order added, read a page at a time."""
    last = 0
    while True:
        with store.engine.connect() as connection:
            rows = connection.execute(
                select(EvidenceDocumentRow)
                .where(EvidenceDocumentRow.number > last)
                .order_by(EvidenceDocumentRow.number)
                .limit(_PAGE // 10)
            ).all()
        if not rows:
            return
        last = rows[-1].number
        yield from (_document(row) for row in rows)


def library_counts(store: Store) -> dict[str, int]:
    """How many fact-checks and primary documents the library holds."""
    with store.engine.connect() as connection:
        return {
            "factchecks": int(
                connection.execute(select(func.count()).select_from(FactCheckRow)).scalar_one()
            ),
            "documents": int(
                connection.execute(
                    select(func.count()).select_from(EvidenceDocumentRow)
                ).scalar_one()
            ),
        }
