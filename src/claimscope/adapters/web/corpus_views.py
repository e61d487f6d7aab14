"""What the web app shows across documents: clusters, recurring claims, actors, evidence.

One small service interface, :class:`CorpusViews`, between the pages and API and where the
answers come from. Today it computes them with the pure functions of ``claimscope.corpus``
(``find_shared_texts``, ``recurring_claims``, ``resolve_actors``, ``cosignature_graph``) over
every stored dossier, read in one pass and cached until the store's document count changes
(or ``CACHE_SECONDS`` pass, so that re-analysis and other writers show up too). When the
store keeps a near-duplicate index and the evidence library (issues 14 and 15), a
store-backed implementation of the same methods replaces :class:`ComputedCorpusViews` in
:func:`corpus_views_for` alone. The evidence library is :class:`EvidenceLibrary`; until one
exists, :class:`NoEvidenceLibrary` answers every question with an empty result and says so.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import networkx as nx

from claimscope.adapters.store import Store
from claimscope.corpus.actors import Actor, Mention, resolve_actors
from claimscope.corpus.claims import ClaimSighting, RecurringClaim, recurring_claims
from claimscope.corpus.duplicates import SharedText, find_shared_texts
from claimscope.corpus.networks import cosignature_graph
from claimscope.dossier import Dossier

CACHE_SECONDS = 60.0
"""How long a computed view is trusted when the store's document count has not changed."""
MAX_NETWORK_NODES = 150
"""The co-signature network drawn on a page keeps its best-connected actors."""
NO_EVIDENCE_LIBRARY = (
    "no evidence library yet: this claimscope cannot load fact-checks or primary documents "
    "to match claims against, so no claim shows what was checked before"
)


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
    """Documents that share text (republications, an embedded statement, a signatory list)."""

    id: str
    documents: tuple[StoredSummary, ...]
    links: tuple[SharedLink, ...]

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


@dataclass(frozen=True)
class EvidenceMatch:
    """An entry of the evidence library that a claim matches."""

    title: str
    score: float
    publisher: str | None = None
    rating: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class CheckedBefore:
    """What the evidence library says of one claim."""

    matches: list[EvidenceMatch] = field(default_factory=list)
    message: str = ""


class EvidenceLibrary(Protocol):
    """The evidence library as the web app uses it."""

    @property
    def available(self) -> bool:
        """Whether there is a library to match against."""
        ...

    @property
    def entries(self) -> int:
        """How many entries (fact-checks, passages) it holds."""
        ...

    @property
    def message(self) -> str:
        """What to tell a user about the library's state."""
        ...

    def match(self, claims: Sequence[str]) -> list[CheckedBefore]:
        """For each claim, the entries it matches, best first."""
        ...


class NoEvidenceLibrary:
    """The evidence library before there is one: every claim matches nothing, and it says why."""

    available = False
    entries = 0
    message = NO_EVIDENCE_LIBRARY

    def match(self, claims: Sequence[str]) -> list[CheckedBefore]:
        """An empty answer per claim, with the reason."""
        return [CheckedBefore(message=NO_EVIDENCE_LIBRARY) for _ in claims]


class CorpusViews(Protocol):
    """The questions the corpus pages and API ask."""

    evidence: EvidenceLibrary

    def summaries(self) -> dict[str, StoredSummary]:
        """Every stored document's summary by id (titles for the links of the pages)."""
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


def corpus_views_for(store: Store, evidence: EvidenceLibrary | None = None) -> CorpusViews:
    """The corpus views of a store: the one place that chooses their implementation."""
    return ComputedCorpusViews(store, evidence or NoEvidenceLibrary())


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
    """Everything the views are computed from, read from the store in one pass."""

    summaries: list[StoredSummary]
    by_id: dict[str, StoredSummary]
    clusters: list[Cluster]
    by_document: dict[str, Cluster]
    claims: list[RecurringClaim]
    actors: list[Actor]
    network: nx.Graph


class ComputedCorpusViews:
    """The corpus views computed over every stored dossier (see the module's docstring)."""

    def __init__(self, store: Store, evidence: EvidenceLibrary) -> None:
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
                self._snapshot = _compute(self.store)
                self._key = (count, time.monotonic())
            return self._snapshot

    def summaries(self) -> dict[str, StoredSummary]:
        """Every stored document's summary by id (titles for the links of the pages)."""
        return self._current().by_id

    def clusters(self) -> list[Cluster]:
        """Clusters of documents sharing text, largest first."""
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
        snapshot = self._current()
        claims = [
            (sighting.index, claim)
            for claim in snapshot.claims
            for sighting in claim.sightings
            if sighting.document == document_id
        ]
        actors = []
        for actor in snapshot.actors:
            documents = actor.documents
            if document_id in documents and len(documents) > 1:
                actors.append((actor, [other for other in documents if other != document_id]))
        own = snapshot.by_id.get(document_id)
        sightings = []
        if own is not None:
            sightings = sorted(
                (moment, outlet or "unknown outlet")
                for outlet, when in own.sightings
                if (moment := parse_time(when)) is not None
            )
        return WhereElse(snapshot.by_document.get(document_id), claims, actors, sightings)


def _title(dossier: Dossier) -> str:
    headline = dossier.anatomy.headline
    if headline is not None and headline.text.strip():
        return " ".join(headline.text.split())
    return dossier.document.title or dossier.document.source


def _compute(store: Store) -> _Snapshot:
    texts: list[str] = []
    statements: list[list[tuple[int, int]]] = []
    summaries: list[StoredSummary] = []
    claim_sightings: list[ClaimSighting] = []
    mentions: list[Mention] = []
    for page in store.pages():
        sightings = store.sightings_of([stored.document.id for stored in page])
        for stored in page:
            dossier = stored.dossier
            document_id = stored.document.id
            seen = sightings.get(document_id, [])
            first = seen[0] if seen else None
            outlet = first.outlet if first else None
            published = dossier.anatomy.published or (first.published if first else None)
            summaries.append(
                StoredSummary(
                    id=document_id,
                    title=_title(dossier),
                    outlet=outlet,
                    published=published,
                    sightings=tuple(
                        (item.outlet, item.published or item.captured_at) for item in seen
                    ),
                )
            )
            texts.append(stored.document.text)
            statements.append([(item.start, item.end) for item in dossier.statements])
            claim_sightings.extend(
                ClaimSighting(
                    document=document_id,
                    index=index,
                    text=claim.text,
                    speaker=claim.speaker,
                    outlet=outlet,
                    published=published,
                )
                for index, claim in enumerate(dossier.claims)
            )
            mentions.extend(
                Mention(
                    document=document_id,
                    index=index,
                    person=signatory.person,
                    organization=signatory.organization,
                    acronym=signatory.acronym,
                    country=signatory.country,
                    role=signatory.role,
                    date=published,
                )
                for index, signatory in enumerate(dossier.signatories)
            )
    clusters: list[Cluster] = []
    if len(texts) > 1:
        shared, groups = find_shared_texts(texts, statements)
        clusters = _clusters(summaries, shared, groups)
    by_document = {document.id: item for item in clusters for document in item.documents}
    actors = resolve_actors(mentions)
    graph = cosignature_graph(actors)
    if graph.number_of_nodes() > MAX_NETWORK_NODES:
        degree = dict(graph.degree(weight="weight"))
        kept = sorted(graph.nodes, key=lambda node: (-degree[node], str(node)))
        graph = graph.subgraph(kept[:MAX_NETWORK_NODES]).copy()
    return _Snapshot(
        summaries=summaries,
        by_id={summary.id: summary for summary in summaries},
        clusters=clusters,
        by_document=by_document,
        claims=recurring_claims(claim_sightings),
        actors=actors,
        network=graph,
    )


def _clusters(
    summaries: Sequence[StoredSummary], shared: Sequence[SharedText], groups: list[list[int]]
) -> list[Cluster]:
    links: dict[int, list[SharedLink]] = defaultdict(list)
    for link in shared:
        links[link.first].append(
            SharedLink(
                first=summaries[link.first].id,
                second=summaries[link.second].id,
                similarity=link.similarity,
                first_part=link.first_part.kind,
                second_part=link.second_part.kind,
            )
        )
    found = []
    for group in groups:
        if len(group) < 2:
            continue
        members = sorted(group, key=lambda index: (summaries[index].published or "", index))
        documents = tuple(summaries[index] for index in members)
        # A cluster is named after the smallest id among its documents: stable while the
        # cluster keeps that document, and only hexadecimal digits, safe in a URL.
        identifier = min(document.id for document in documents).removeprefix("sha256:")[:16]
        found.append(
            Cluster(
                id=identifier,
                documents=documents,
                links=tuple(link for index in group for link in links.get(index, ())),
            )
        )
    found.sort(key=lambda item: (-len(item.documents), item.id))
    return found
