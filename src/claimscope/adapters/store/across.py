"""What the analyses across documents read from the store: claims, signatories, sightings.

The computations are :mod:`claimscope.corpus`'s (recurring claims, actors, coordination);
this module reads their inputs from the stored dossiers' JSON (a page at a time, without
validating whole dossiers) and the sightings, and gathers what a command or the "Where
else" panel shows about the documents involved.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from claimscope.adapters.store.facets import date_of
from claimscope.adapters.store.index import Cluster, publication_time, sort_time
from claimscope.adapters.store.store import Store
from claimscope.adapters.store.tables import DocumentRow, SightingRow, SignatoryRow
from claimscope.corpus.actors import Actor, Mention, resolve_actors
from claimscope.corpus.claims import ClaimSighting, RecurringClaim, recurring_claims
from claimscope.corpus.coordination import Sighting as TimedSighting

_PAGE = 500
_CHUNK = 500


@dataclass
class DocumentFacts:
    """What a listing says about one stored document."""

    id: str
    number: int
    title: str | None
    published: str | None
    """The earliest publication time of its sightings, else its text's."""
    outlets: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _dossiers(store: Store, ids: Sequence[str] | None = None) -> Iterator[Any]:
    """(number, id, published, dossier JSON) of the stored documents, or of the given ones."""
    columns = (DocumentRow.number, DocumentRow.id, DocumentRow.published, DocumentRow.dossier)
    if ids is not None:
        for chunk in _chunks(sorted(set(ids))):
            with store.engine.connect() as connection:
                yield from connection.execute(select(*columns).where(DocumentRow.id.in_(chunk)))
        return
    last = 0
    while True:
        with store.engine.connect() as connection:
            rows = connection.execute(
                select(*columns)
                .where(DocumentRow.number > last)
                .order_by(DocumentRow.number)
                .limit(_PAGE)
            ).all()
        if not rows:
            return
        last = rows[-1].number
        yield from rows


def document_facts(store: Store, ids: Sequence[str]) -> dict[str, DocumentFacts]:
    """Title, earliest publication, outlets and sources of each of the documents."""
    facts: dict[str, DocumentFacts] = {}
    for chunk in _chunks(sorted(set(ids))):
        with store.engine.connect() as connection:
            for row in connection.execute(
                select(
                    DocumentRow.id,
                    DocumentRow.number,
                    func.coalesce(DocumentRow.headline, DocumentRow.title),
                    DocumentRow.published,
                ).where(DocumentRow.id.in_(chunk))
            ):
                facts[row[0]] = DocumentFacts(row[0], row[1], row[2], row[3])
            sightings = connection.execute(
                select(
                    SightingRow.document_id,
                    SightingRow.source,
                    SightingRow.outlet,
                    SightingRow.published,
                )
                .where(SightingRow.document_id.in_(chunk))
                .order_by(SightingRow.id)
            ).all()
        for sighting in sightings:
            fact = facts[sighting.document_id]
            fact.sources.append(sighting.source)
            if sighting.outlet and sighting.outlet not in fact.outlets:
                fact.outlets.append(sighting.outlet)
            when = sort_time(sighting.published)
            if when is not None and (
                sort_time(fact.published) is None or when < (sort_time(fact.published) or when)
            ):
                fact.published = sighting.published
    return facts


# -- recurring claims ---------------------------------------------------------------------


def claim_sightings(store: Store, ids: Sequence[str] | None = None) -> list[ClaimSighting]:
    """Every claim of the stored dossiers (or of the given documents), with its speaker."""
    found = []
    for row in _dossiers(store, ids):
        for index, claim in enumerate(row.dossier.get("claims") or ()):
            found.append(
                ClaimSighting(
                    document=row.id,
                    index=index,
                    text=claim.get("text") or "",
                    speaker=claim.get("speaker"),
                    published=row.published,
                )
            )
    return found


@dataclass(frozen=True)
class StoredClaim:
    """A recurring claim with the documents that carry it, as the store knows them."""

    claim: RecurringClaim
    documents: list[DocumentFacts]

    @property
    def outlets(self) -> list[str]:
        """Every outlet that carried a document holding the claim."""
        return list(dict.fromkeys(o for document in self.documents for o in document.outlets))

    @property
    def first_seen(self) -> str | None:
        """The earliest publication among the documents' sightings."""
        return _extreme([document.published for document in self.documents], min)

    @property
    def last_seen(self) -> str | None:
        """The latest publication among the documents' sightings."""
        return _extreme([document.published for document in self.documents], max)


def _extreme(values: Sequence[str | None], choose: Any) -> str | None:
    timed = [(when, value) for value in values if (when := sort_time(value)) is not None]
    return choose(timed)[1] if timed else None


def stored_recurring_claims(store: Store, document_id: str | None = None) -> list[StoredClaim]:
    """The recurring claims of the store, most documents first (those holding one of the
    document's claims, when a document is given)."""
    found = recurring_claims(claim_sightings(store))
    if document_id is not None:
        found = [claim for claim in found if document_id in claim.documents]
    facts = document_facts(store, [d for claim in found for d in claim.documents])
    return [
        StoredClaim(claim, [facts[document] for document in claim.documents if document in facts])
        for claim in found
    ]


# -- actors -------------------------------------------------------------------------------


def mentions(store: Store, ids: Sequence[str] | None = None) -> list[Mention]:
    """Every signatory line of the stored dossiers (or of the given documents)."""
    found = []
    for row in _dossiers(store, ids):
        day = date_of(row.published)
        for index, signatory in enumerate(row.dossier.get("signatories") or ()):
            found.append(
                Mention(
                    document=row.id,
                    index=index,
                    person=signatory.get("person"),
                    organization=signatory.get("organization"),
                    acronym=signatory.get("acronym"),
                    country=signatory.get("country"),
                    role=signatory.get("role"),
                    date=day.isoformat() if day else None,
                )
            )
    return found


def stored_actors(store: Store) -> list[Actor]:
    """People and organisations behind every stored signatory line, most documents first."""
    return resolve_actors(mentions(store))


def actors_of(store: Store, document_id: str) -> list[Actor]:
    """The actors among a document's signatories who signed other stored documents too.

    Other documents are looked for by a signatory's person or organisation as printed
    (case aside); actor resolution then decides, with its own rules, who is the same.
    """
    own = mentions(store, [document_id])
    people = {m.person.casefold() for m in own if m.person}
    bodies = {m.organization.casefold() for m in own if m.organization}
    candidates: set[str] = set()
    for names, column in ((people, SignatoryRow.person), (bodies, SignatoryRow.organization)):
        for chunk in _chunks(sorted(names)):
            with store.engine.connect() as connection:
                candidates.update(
                    connection.execute(
                        select(SignatoryRow.document_id)
                        .where(or_(func.lower(column).in_(chunk)))
                        .distinct()
                    ).scalars()
                )
    candidates.discard(document_id)
    if not candidates:
        return []
    actors = resolve_actors(own + mentions(store, sorted(candidates)))
    return [
        actor for actor in actors if document_id in actor.documents and len(actor.documents) > 1
    ]


# -- coordination -------------------------------------------------------------------------


def timed_sightings(cluster: Cluster) -> list[TimedSighting]:
    """A cluster's sightings as coordination reads them: a time only where one is known."""
    return [
        TimedSighting(
            document=sighting.document_id,
            outlet=sighting.outlet,
            published=publication_time(sighting.published),
            source=sighting.source,
        )
        for sighting in cluster.sightings
    ]


def timeline(cluster: Cluster) -> list[tuple[datetime, str]]:
    """The cluster's sightings with a publication time, as (time, outlet or source)."""
    return [
        (when, sighting.outlet or sighting.source)
        for sighting in cluster.sightings
        if (when := publication_time(sighting.published)) is not None
    ]


def text_spans(store: Store, spans: Mapping[str, tuple[int, int]]) -> dict[str, str]:
    """The text of one span of each of the documents (document id -> (start, end))."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(spans)):
        with store.engine.connect() as connection:
            rows = connection.execute(
                select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_(chunk))
            ).all()
        for row in rows:
            start, end = spans[row.id]
            found[row.id] = row.text[start:end]
    return found
