"""The evidence library as the web app uses it: the store's fact-checks and documents.

What ``claimscope evidence add`` stored (``store/library.py``) is read back into one
:class:`~claimscope.evidence.library.Library` whose matcher is built once and kept until the
library's counts change. A document's page shows its claims with their matches (the
report's "Checked before" panel), ``POST /api/v1/match`` answers claims sent to it; both
take the best ``MATCHES_PER_CLAIM`` entries scoring at least ``claimscope match``'s default.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from claimscope.adapters.evidence_commands import DEFAULT_MIN_SCORE
from claimscope.adapters.store import Store
from claimscope.adapters.store.library import library_counts, stored_documents, stored_factchecks
from claimscope.adapters.store.vectors import StoredEncoder
from claimscope.dossier import Dossier, EvidenceMatch
from claimscope.evidence.library import Library, library_summary

MATCHES_PER_CLAIM = 5
EMPTY_LIBRARY = (
    "The evidence library is empty: add fact-checks (ClaimReview pages, JSON Lines or CSV "
    "records) or primary documents (judgments, resolutions, reports) with "
    "`claimscope evidence add PATH...`, and each claim shows what was checked before"
)


class StoreEvidenceLibrary:
    """The store's evidence library, read once and matched against claims."""

    def __init__(
        self, store: Store, embeddings: bool = False, encoder: StoredEncoder | None = None
    ) -> None:
        self.store = store
        # The extra's model reads MiniLM's vectors of the library's texts, kept in the store
        # so that a library changed while the app runs costs only its new texts; the claims
        # sent are encoded as they come, not kept.
        self.embeddings = embeddings
        if embeddings and encoder is None:
            from claimscope.evidence.matching import default_encoder, default_encoder_name

            encoder = StoredEncoder(store, default_encoder_name(), default_encoder())
        self.encoder = encoder
        self._lock = threading.Lock()
        self._library: Library | None = None
        self._key: tuple[int, int] = (0, 0)
        # The summary and the library it was reckoned for.
        self._summary: tuple[Library, dict[str, Any]] | None = None

    def _current(self) -> Library | None:
        counts = library_counts(self.store)
        key = (counts["factchecks"], counts["documents"])
        if key == (0, 0):
            return None
        with self._lock:
            if self._library is None or self._key != key:
                library = Library(
                    stored_factchecks(self.store),
                    stored_documents(self.store),
                    self.embeddings,
                    self.encoder,
                    query_encoder=self.encoder.encoder if self.encoder is not None else None,
                )
                # Built here, under the lock, so that two requests never build it twice.
                library.matcher()
                self._library = library
                self._key = key
            return self._library

    def warm_up(self) -> None:
        """Read the library and build its index now, rather than at the first claim."""
        self._current()

    @property
    def available(self) -> bool:
        """Whether the library holds anything to match against."""
        return self._current() is not None

    @property
    def entries(self) -> int:
        """How many entries it matches against: fact-checks and documents' passages."""
        library = self._current()
        return 0 if library is None else len(library.factchecks) + library.passages

    @property
    def message(self) -> str:
        """What the library holds, or how to fill it."""
        library = self._current()
        if library is None:
            return EMPTY_LIBRARY
        return (
            f"{len(library.factchecks)} fact-checks and {len(library.documents)} primary "
            f"documents ({library.passages} passages)"
        )

    @property
    def summary(self) -> dict[str, Any] | None:
        """What the library holds, as ``claimscope evidence stats`` lists it (None if empty)."""
        library = self._current()
        if library is None:
            return None
        # Read on every view of the evidence page: reckoned once per library read.
        with self._lock:
            if self._summary is None or self._summary[0] is not library:
                self._summary = (library, library_summary(library))
            return self._summary[1]

    def match(self, claims: Sequence[str]) -> list[list[EvidenceMatch]]:
        """For each claim, the entries that share the most with it, best first."""
        library = self._current()
        if library is None:
            return [[] for _ in claims]
        return library.match_texts(claims, MATCHES_PER_CLAIM, DEFAULT_MIN_SCORE)

    def with_matches(self, dossier: Dossier) -> Dossier:
        """The dossier with its claims' matches (as ``claimscope match`` gives them)."""
        library = self._current()
        if library is None:
            return dossier
        return library.with_matches(dossier, MATCHES_PER_CLAIM, DEFAULT_MIN_SCORE)
