"""Adding a stream of inputs to the store: analysis outside transactions, writes in batches.

Inputs stream from the readers through the pipeline to the store; at most a few batches of
documents are held at a time, so an archive of millions of records ingests in flat memory.

- A document whose id is already stored is not analysed again: only its sighting is added.
  Ids are looked up a chunk of inputs at a time, before analysis.
- The same text twice in one run is analysed once: later copies wait, as sightings, for the
  first one's dossier and are written in the same batch.
- Every BATCH of results (new documents with their sightings, sightings of stored
  documents, rejected inputs) is one transaction. A process killed at any point loses at
  most the batch it was writing; rerunning the same command skips what was committed and
  adds the rest, so the store ends up holding every document exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from claimscope.adapters.store.store import (
    Analysed,
    BatchResult,
    Rejected,
    Sighting,
    Store,
    Versions,
)
from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.ingestion import IngestionError

DEFAULT_BATCH_SIZE = 100
# Inputs whose ids are looked up in the store with one query.
_LOOKUP_CHUNK = 256

Analyse = Callable[[Iterable[Document]], Iterator[Dossier]]


@dataclass
class IngestSummary:
    """What one ``corpus add`` did."""

    added: int = 0
    already_present: int = 0
    rejected: int = 0
    sightings_added: int = 0

    @property
    def inputs(self) -> int:
        """Documents read plus inputs rejected."""
        return self.added + self.already_present + self.rejected


class _Writer:
    """Collects results and writes them to the store a batch (one transaction) at a time."""

    def __init__(
        self,
        store: Store,
        versions: Versions,
        batch_size: int,
        summary: IngestSummary,
        on_batch: Callable[[IngestSummary], None] | None,
        index: bool = True,
    ) -> None:
        self.store = store
        self.index = index
        self.versions = versions
        self.batch_size = batch_size
        self.summary = summary
        self.on_batch = on_batch
        self.analysed: dict[str, Analysed] = {}
        self.sightings: list[tuple[str, Sighting]] = []
        self.rejected: list[Rejected] = []

    def size(self) -> int:
        return len(self.analysed) + len(self.sightings) + len(self.rejected)

    def add_analysed(self, item: Analysed) -> None:
        self.analysed[item.document.id] = item
        self._maybe_flush()

    def add_sighting(self, document_id: str, sighting: Sighting) -> None:
        pending = self.analysed.get(document_id)
        if pending is not None:
            pending.sightings.append(sighting)
            self.summary.already_present += 1
        else:
            self.sightings.append((document_id, sighting))
        self._maybe_flush()

    def add_rejected(self, error: IngestionError) -> None:
        self.rejected.append(Rejected(error.source, error.problem))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if self.size() >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.size():
            return
        result: BatchResult = self.store.write(
            list(self.analysed.values()),
            self.sightings,
            self.rejected,
            self.versions,
            index=self.index,
        )
        self.summary.added += result.added
        self.summary.already_present += result.already_present
        self.summary.rejected += len(self.rejected)
        self.summary.sightings_added += result.sightings_added
        self.analysed, self.sightings, self.rejected = {}, [], []
        if self.on_batch is not None:
            self.on_batch(self.summary)


def ingest(
    store: Store,
    items: Iterable[Document | IngestionError],
    analyse: Analyse,
    versions: Versions,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[IngestSummary], None] | None = None,
    index: bool = True,
) -> IngestSummary:
    """Analyse the new documents among ``items`` and store everything, a batch at a time.

    ``analyse`` turns documents into dossiers in input order (a pipeline's ``pipe`` or
    :func:`claimscope.parallel.pipe_in_parallel`). ``on_batch`` is called after every
    committed batch with the running totals. Each batch's new documents are added to the
    near-duplicate index in its transaction, their parts computed just before it;
    ``index=False`` leaves that to ``Store.reindex``.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    summary = IngestSummary()
    writer = _Writer(store, versions, batch_size, summary, on_batch, index)
    # Ids handed to the pipeline whose dossiers have not reached the writer yet, with
    # the sightings of later copies of the same text.
    in_flight: dict[str, list[Sighting]] = {}
    # The documents handed to the pipeline, in order: dossiers come back in that order.
    sent: list[Document] = []

    def new_documents() -> Iterator[Document]:
        iterator = iter(items)
        while True:
            chunk = list(islice(iterator, _LOOKUP_CHUNK))
            if not chunk:
                return
            stored = store.known([item.id for item in chunk if isinstance(item, Document)])
            for item in chunk:
                if isinstance(item, IngestionError):
                    writer.add_rejected(item)
                    continue
                sighting = Sighting.of(item)
                if item.id in writer.analysed or item.id in stored:
                    writer.add_sighting(item.id, sighting)
                elif item.id in in_flight:
                    in_flight[item.id].append(sighting)
                    summary.already_present += 1
                else:
                    in_flight[item.id] = []
                    sent.append(item)
                    yield item

    position = 0
    for dossier in analyse(new_documents()):
        document = sent[position]
        position += 1
        # Only the unread tail of `sent` is kept.
        if position >= 1024:
            del sent[:position]
            position = 0
        later = in_flight.pop(document.id, [])
        writer.add_analysed(Analysed(document, dossier, [Sighting.of(document), *later]))
    writer.flush()
    return summary
