"""What the web app shows across documents: clusters, recurring claims, actors, evidence.

One small service interface, :class:`CorpusViews`, between the pages and API and where the
answers come from: :class:`StoreCorpusViews` reads them from the store's near-duplicate
index (``Store.duplicates``, ``Store.cluster_of``) and its readers across documents
(``store.across``: recurring claims, actors, a document's signatories elsewhere). The
corpus-wide lists are computed once and cached until the store's document count changes
(or ``CACHE_SECONDS`` pass, so that re-analysis and other writers show up too); a
document's cluster and signatories elsewhere are read for that document alone. The
evidence library is ``evidence_library.StoreEvidenceLibrary``.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

import networkx as nx

from claimscope.adapters.store import Store
from claimscope.adapters.store.across import (
    DocumentFacts,
    actors_of,
    document_facts,
    stored_actors,
    stored_recurring_claims,
)
from claimscope.adapters.store.index import Cluster as IndexedCluster
from claimscope.adapters.store.index import ClusterSighting
from claimscope.adapters.web.evidence_library import StoreEvidenceLibrary
from claimscope.corpus.actors import Actor
from claimscope.corpus.claims import RecurringClaim
from claimscope.corpus.networks import cosignature_graph

CACHE_SECONDS = 60.0
"""How long a computed view is trusted when the store's document count has not changed."""
MAX_NETWORK_NODES = 150
"""The co-signature network drawn on a page keeps its best-connected actors."""


@dataclass(frozen=True)
class StoredSummary:
    """A stored document as the corpus pages list it."""

    id: str
    title: str
    outlet: str | None
    published: str | None
    sightings: tuple[tuple[str | None, str | None], ...] = ()
    """(outlet, time) of each sighting: its publication time, else its capture time."""


@dataclass(frozen=True)
class SharedLink:
    """Two documents of a cluster sharing text: which parts, how similar."""

    first: str
    second: str
    similarity: float
    first_part: str
    second_part: str


@dataclass(frozen=True)
class Cluster:
    """A text seen more than once, or documents that share text (republications, an
    embedded statement, a signatory list)."""

    id: str
    documents: tuple[StoredSummary, ...]
    links: tuple[SharedLink, ...]

    @property
    def sighting_count(self) -> int:
        """How many times its texts were seen (every source, outlet and URL counts)."""
        return sum(len(document.sightings) for document in self.documents)

    def timeline(self) -> list[tuple[datetime, str]]:
        """Every dated sighting of the cluster's documents: (time, outlet), oldest first."""
        points = [
            (moment, outlet or "unknown outlet")
            for document in self.documents
            for outlet, when in document.sightings
            if (moment := parse_time(when)) is not None
        ]
        return sorted(points)


@dataclass(frozen=True)
class WhereElse:
    """One document among the others: its cluster, recurring claims, signatories elsewhere."""

    cluster: Cluster | None
    claims: list[tuple[int, RecurringClaim]]
    """(this document's claim index, the recurring claim it belongs to)."""
    actors: list[tuple[Actor, list[str]]]
    """(a signatory's actor, the other documents naming it)."""
    sightings: list[tuple[datetime, str]]


class CorpusViews(Protocol):
    """The questions the corpus pages and API ask."""

    evidence: StoreEvidenceLibrary

    def titles(self, document_ids: Sequence[str]) -> dict[str, str]:
        """The titles of the given stored documents (for the links of the pages)."""
        ...

    def clusters(self) -> list[Cluster]:
        """Clusters of documents sharing text, largest first."""
        ...

    def cluster(self, cluster_id: str) -> Cluster | None:
        """One cluster by its id."""
        ...

    def recurring_claims(self) -> list[RecurringClaim]:
        """Claims worded almost alike in several documents, most documents first."""
        ...

    def actors(self) -> list[Actor]:
        """People and organisations behind the signatories, most documents first."""
        ...

    def network(self) -> nx.Graph:
        """The co-signature network of the best-connected actors."""
        ...

    def where_else(self, document_id: str) -> WhereElse:
        """The document's cluster, recurring claims and signatories' other documents."""
        ...


def corpus_views_for(store: Store, matching_embeddings: bool = False) -> CorpusViews:
    """The corpus views of a store: the one place that chooses their implementation."""
    return StoreCorpusViews(store, StoreEvidenceLibrary(store, matching_embeddings))


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 date or time as an aware datetime (UTC when it gives no offset), else None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass
class _Snapshot:
    """The corpus-wide lists, read from the store together."""

    clusters: list[Cluster]
    claims: list[RecurringClaim]
    actors: list[Actor]
    network: nx.Graph


class StoreCorpusViews:
    """The corpus views read from the store (see the module's docstring)."""

    def __init__(self, store: Store, evidence: StoreEvidenceLibrary) -> None:
        self.store = store
        self.evidence = evidence
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._key: tuple[int, float] = (-1, 0.0)

    def _current(self) -> _Snapshot:
        count = self.store.count()
        with self._lock:
            stale = time.monotonic() - self._key[1] > CACHE_SECONDS
            if self._snapshot is None or self._key[0] != count or stale:
                self._snapshot = self._read()
                self._key = (count, time.monotonic())
            return self._snapshot

    def _read(self) -> _Snapshot:
        found = self.store.duplicates()
        stored_claims = stored_recurring_claims(self.store)
        facts = document_facts(
            self.store,
            [sighting.document_id for cluster in found for sighting in cluster.sightings],
        )
        actors = stored_actors(self.store)
        return _Snapshot(
            clusters=[_cluster(cluster, facts) for cluster in found],
            claims=[_with_outlets(item.claim, item.documents) for item in stored_claims],
            actors=actors,
            network=_network(actors),
        )

    def titles(self, document_ids: Sequence[str]) -> dict[str, str]:
        """The titles of the given stored documents (for the links of the pages)."""
        facts = document_facts(self.store, document_ids)
        return {key: fact.title or key for key, fact in facts.items()}

    def clusters(self) -> list[Cluster]:
        """Clusters of documents sharing text, most sightings first."""
        return self._current().clusters

    def cluster(self, cluster_id: str) -> Cluster | None:
        """One cluster by its id."""
        return next((item for item in self.clusters() if item.id == cluster_id), None)

    def recurring_claims(self) -> list[RecurringClaim]:
        """Claims worded almost alike in several documents, most documents first."""
        return self._current().claims

    def actors(self) -> list[Actor]:
        """People and organisations behind the signatories, most documents first."""
        return self._current().actors

    def network(self) -> nx.Graph:
        """The co-signature network of the best-connected actors."""
        return self._current().network

    def where_else(self, document_id: str) -> WhereElse:
        """The document's cluster, recurring claims and signatories' other documents."""
        found = self.store.cluster_of(document_id)
        cluster = None
        if found is not None:
            ids = [sighting.document_id for sighting in found.sightings]
            cluster = _cluster(found, document_facts(self.store, ids))
        claims = [
            (sighting.index, claim)
            for claim in self._current().claims
            for sighting in claim.sightings
            if sighting.document == document_id
        ]
        actors = [
            (actor, [other for other in actor.documents if other != document_id])
            for actor in actors_of(self.store, document_id)
        ]
        sightings = sorted(
            (moment, item.outlet or "unknown outlet")
            for item in self.store.sightings(document_id)
            if (moment := parse_time(item.published or item.captured_at)) is not None
        )
        return WhereElse(cluster, claims, actors, sightings)


def _network(actors: Sequence[Actor]) -> nx.Graph:
    graph = cosignature_graph(list(actors))
    if graph.number_of_nodes() > MAX_NETWORK_NODES:
        degree = dict(graph.degree(weight="weight"))
        kept = sorted(graph.nodes, key=lambda node: (-degree[node], str(node)))
        graph = graph.subgraph(kept[:MAX_NETWORK_NODES]).copy()
    return graph


def _with_outlets(claim: RecurringClaim, documents: Sequence[DocumentFacts]) -> RecurringClaim:
    """The claim with each sighting's outlet: its document's first (the store's readers
    leave it out of the claim and give it with the document)."""
    outlets = {fact.id: fact.outlets[0] for fact in documents if fact.outlets}
    return RecurringClaim(
        tuple(
            replace(sighting, outlet=sighting.outlet or outlets.get(sighting.document))
            for sighting in claim.sightings
        )
    )


def _cluster(found: IndexedCluster, facts: dict[str, DocumentFacts]) -> Cluster:
    """A cluster of the store's index as the pages show it: each document with its
    sightings, and what each shares with the earliest."""
    by_document: dict[str, list[ClusterSighting]] = defaultdict(list)
    for sighting in found.sightings:
        by_document[sighting.document_id].append(sighting)
    earliest = next((item for item in found.sightings if item.earliest), found.sightings[0])
    documents = []
    for document_id, seen in by_document.items():
        fact = facts.get(document_id)
        documents.append(
            StoredSummary(
                id=document_id,
                title=(fact.title if fact else None) or document_id,
                outlet=next((item.outlet for item in seen if item.outlet), None),
                published=fact.published if fact else seen[0].published,
                sightings=tuple((item.outlet, item.published) for item in seen),
            )
        )
    links = tuple(
        SharedLink(
            first=earliest.document_id,
            second=document_id,
            similarity=seen[0].similarity,
            first_part=seen[0].earliest_shared[0] if seen[0].earliest_shared else "—",
            second_part=seen[0].shared[0] if seen[0].shared else "—",
        )
        for document_id, seen in by_document.items()
        if document_id != earliest.document_id
    )
    return Cluster(id=found.id, documents=tuple(documents), links=links)
