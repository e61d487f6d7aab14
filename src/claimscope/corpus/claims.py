"""Recurring claims: the same claim, worded almost the same way, across documents.

Claims are short, so they are compared on shingles of two words (five would leave a
one-line claim with a handful of shingles, and one changed word would break most of them:
"for over 30 years" and "for more than 30 years" share 6 of 13 three-word shingles but 8 of
13 two-word ones) with the same MinHash machinery as whole documents
(:mod:`claimscope.corpus.minhash`), and banded in 64 bands of 2 rows so that pairs near the
threshold are candidates with near certainty (the verification by estimated Jaccard keeps
the candidates that are not). A recurring claim is a cluster of claims from at least
two distinct documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from claimscope.corpus.minhash import MinHashSettings, clusters, signatures

CLAIM_SETTINGS = MinHashSettings(shingle_words=2, permutations=128, bands=64, threshold=0.5)
"""Two-word shingles, 64 bands of 2 rows, linked at an estimated Jaccard of 0.5."""
MIN_CLAIM_WORDS = 6
"""Shorter claims ("It is not true.") recur everywhere without being the same claim."""


@dataclass(frozen=True)
class ClaimSighting:
    """One claim of one stored document."""

    document: str
    index: int
    text: str
    speaker: str | None = None
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class RecurringClaim:
    """Claims worded almost the same way in several documents."""

    sightings: tuple[ClaimSighting, ...]

    @property
    def text(self) -> str:
        """The claim as first seen (earliest publication, else first stored)."""
        return self._ordered()[0].text

    @property
    def documents(self) -> list[str]:
        """The documents carrying the claim."""
        return list(dict.fromkeys(sighting.document for sighting in self.sightings))

    @property
    def outlets(self) -> list[str]:
        """The outlets carrying the claim."""
        return list(dict.fromkeys(s.outlet for s in self._ordered() if s.outlet))

    @property
    def speakers(self) -> list[str]:
        """Who makes the claim, as the voices layer attributed it."""
        return list(dict.fromkeys(s.speaker for s in self._ordered() if s.speaker))

    @property
    def first_seen(self) -> str | None:
        """The earliest publication time among its sightings."""
        times = [s.published for s in self.sightings if s.published]
        return min(times) if times else None

    @property
    def last_seen(self) -> str | None:
        """The latest publication time among its sightings."""
        times = [s.published for s in self.sightings if s.published]
        return max(times) if times else None

    def _ordered(self) -> list[ClaimSighting]:
        return sorted(self.sightings, key=lambda s: (s.published is None, s.published or ""))


def recurring_claims(
    claims: Sequence[ClaimSighting], settings: MinHashSettings = CLAIM_SETTINGS
) -> list[RecurringClaim]:
    """Clusters of near-identical claims found in at least two documents, most documents first."""
    kept = [claim for claim in claims if len(claim.text.split()) >= MIN_CLAIM_WORDS]
    found = []
    for group in clusters(signatures([claim.text for claim in kept], settings), settings):
        members = tuple(kept[index] for index in group)
        if len({member.document for member in members}) >= 2:
            found.append(RecurringClaim(members))
    found.sort(key=lambda claim: (-len(claim.documents), claim.first_seen or "", claim.text))
    return found
