"""MinHash signatures of texts and locality-sensitive banding: near-duplicates at scale.

A text is reduced to the set of its word shingles (runs of ``shingle_words`` consecutive
normalised words); two texts' Jaccard similarity is estimated by the share of equal
positions in their MinHash signatures; texts that agree on every row of at least one band
become candidate pairs, verified by the estimate; clusters are the connected components.

Everything past splitting the text into words is vectorised with numpy over a whole batch
of texts: shingle hashes are built from word hashes by a rolling polynomial, and the
``permutations`` hash functions are applied to all shingles of the batch at once. The same
function serves the local store and the Spark job, so both find the same clusters.

The knobs (:class:`MinHashSettings`) and their trade-offs:

- ``shingle_words`` (5): shorter shingles make unrelated texts on one topic look alike
  (shared names and phrases); longer ones make a typo or a changed word break more
  shingles, so light edits lower the similarity. Five words is the usual choice for news.
- ``permutations`` (128): the standard error of the Jaccard estimate is about
  ``sqrt(J(1-J)/permutations)`` (0.04 at J = 0.5); more permutations cost linearly more time
  and signature space (4 bytes each).
- ``bands`` × ``rows`` (32 × 4 = 128): a pair of similarity s becomes a candidate with
  probability ``1 - (1 - s**rows)**bands``; the curve's steepest point is near
  ``(1/bands)**(1/rows)`` (0.42 here). More bands catch weaker pairs (more recall, more
  candidates to verify); more rows make the curve steeper and the candidates fewer.
- ``threshold`` (0.5): the estimated Jaccard a candidate pair needs to be linked. Lower
  finds heavier rewrites and starts to join articles that only share quotations.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Words are runs of letters or digits; everything else (punctuation, markup) separates.
_WORD_RE = re.compile(r"[^\W_]{1,64}")
# Odd 64-bit multipliers and offsets of the hash family, drawn once from a fixed seed so
# that signatures computed anywhere (another process, a Spark executor) agree.
_SEED = 20231108
_MAX_PERMUTATIONS = 1024
_generator = np.random.default_rng(_SEED)
_MULTIPLIERS = _generator.integers(1, 2**63, size=_MAX_PERMUTATIONS, dtype=np.uint64) * 2 + 1
_OFFSETS = _generator.integers(0, 2**63, size=_MAX_PERMUTATIONS, dtype=np.uint64)
_SHINGLE_BASE = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = np.iinfo(np.uint32).max
"""The signature value of a text without any shingle (never equal to a real one's)."""


@dataclass(frozen=True)
class MinHashSettings:
    """Shingles, hash functions and banding (see the module's docstring for trade-offs)."""

    shingle_words: int = 5
    permutations: int = 128
    bands: int = 32
    threshold: float = 0.5

    def __post_init__(self) -> None:
        if self.shingle_words < 1:
            raise ValueError("shingle_words must be at least 1")
        if not 1 <= self.permutations <= _MAX_PERMUTATIONS:
            raise ValueError(f"permutations must be between 1 and {_MAX_PERMUTATIONS}")
        if self.bands < 1 or self.permutations % self.bands:
            raise ValueError("bands must divide permutations")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")

    @property
    def rows(self) -> int:
        """Signature rows per band."""
        return self.permutations // self.bands


DEFAULT_SETTINGS = MinHashSettings()
"""The settings used unless a caller chooses others."""


def normalized_words(text: str) -> list[str]:
    """The words of a text as shingles see them: NFKC, case-folded, punctuation dropped."""
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def _word_hash(word: str) -> int:
    """FNV-1a over the word's UTF-8 bytes: stable everywhere (Python's hash() is not)."""
    value = 0xCBF29CE484222325
    for byte in word.encode("utf-8"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def _word_hashes(words: Sequence[str], vocabulary: dict[str, int]) -> npt.NDArray[np.uint64]:
    """The stable 64-bit hash of each word, each distinct word hashed once per batch."""
    for word in set(words).difference(vocabulary):
        vocabulary[word] = _word_hash(word)
    return np.fromiter(map(vocabulary.__getitem__, words), dtype=np.uint64, count=len(words))


def shingle_hashes(
    words: Sequence[str], shingle_words: int, vocabulary: dict[str, int] | None = None
) -> npt.NDArray[np.uint64]:
    """The distinct 64-bit hashes of a text's word shingles (a short text: one shingle)."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    word_hashes = _word_hashes(words, {} if vocabulary is None else vocabulary)
    size = min(shingle_words, len(word_hashes))
    count = len(word_hashes) - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            # Polynomial rolling combination, wrapping modulo 2**64 as intended.
            combined = combined * _SHINGLE_BASE + word_hashes[offset : offset + count]
    return np.unique(combined)


def signatures(
    texts: Iterable[str], settings: MinHashSettings = DEFAULT_SETTINGS
) -> npt.NDArray[np.uint32]:
    """MinHash signatures of texts, one row of ``settings.permutations`` values each."""
    vocabulary: dict[str, int] = {}
    shingles = [
        shingle_hashes(normalized_words(text), settings.shingle_words, vocabulary) for text in texts
    ]
    return signatures_of_shingles(shingles, settings)


def signatures_of_shingles(
    shingles: Sequence[npt.NDArray[np.uint64]], settings: MinHashSettings = DEFAULT_SETTINGS
) -> npt.NDArray[np.uint32]:
    """MinHash signatures from each text's shingle hashes, computed for the whole batch."""
    result = np.full((len(shingles), settings.permutations), _EMPTY, dtype=np.uint32)
    present = [index for index, hashes in enumerate(shingles) if len(hashes)]
    if not present:
        return result
    lengths = np.array([len(shingles[index]) for index in present])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    everything = np.concatenate([shingles[index] for index in present])
    multipliers = _MULTIPLIERS[: settings.permutations]
    offsets = _OFFSETS[: settings.permutations]
    # Bounded memory: all shingles of the batch against a block of permutations at a time,
    # in one preallocated buffer (numpy temporaries would triple the memory traffic).
    block = max(1, min(settings.permutations, 2**22 // max(1, len(everything))))
    buffer = np.empty((len(everything), block), dtype=np.uint64)
    column = everything[:, None]
    with np.errstate(over="ignore"):
        for first in range(0, settings.permutations, block):
            last = min(settings.permutations, first + block)
            width = last - first
            out = buffer[:, :width]
            # Multiply-shift hashing: (a * x + b) mod 2**64, top 32 bits; a universal family.
            np.multiply(column, multipliers[None, first:last], out=out)
            out += offsets[None, first:last]
            # The shift is monotonic, so it is taken after the minimum, on far fewer values.
            minima = np.minimum.reduceat(out, starts, axis=0) >> np.uint64(32)
            result[present, first:last] = minima
    return result


def estimated_jaccard(first: npt.NDArray[np.uint32], second: npt.NDArray[np.uint32]) -> float:
    """The share of equal signature positions: an estimate of the texts' Jaccard similarity."""
    if first[0] == _EMPTY and second[0] == _EMPTY:
        return 0.0
    return float(np.count_nonzero(first == second)) / len(first)


def band_keys(
    rows_of_signatures: npt.NDArray[np.uint32], settings: MinHashSettings = DEFAULT_SETTINGS
) -> npt.NDArray[np.uint64]:
    """One 64-bit key per band of each signature: equal keys, equal band (up to collisions)."""
    count = len(rows_of_signatures)
    shaped = rows_of_signatures.reshape(count, settings.bands, settings.rows).astype(np.uint64)
    keys = np.zeros((count, settings.bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(settings.rows):
            keys = keys * _SHINGLE_BASE + shaped[:, :, row] + np.uint64(row + 1)
        # The band's number is part of its key, so one table can hold every band.
        keys = keys * _SHINGLE_BASE + np.arange(settings.bands, dtype=np.uint64)[None, :]
    return keys


def candidate_pairs(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
    """Pairs ``(i, j)``, i < j, of rows sharing a band key, each bucket linked as a star.

    A bucket of n rows gives the n - 1 pairs of its members with its first member, not all
    n(n-1)/2: connected components are the same, and the work stays linear when many texts
    share a band (a statement republished a thousand times).
    """
    count, bands = keys.shape
    if count < 2:
        return np.empty((0, 2), dtype=np.intp)
    flat = keys.reshape(-1)
    owners = np.repeat(np.arange(count, dtype=np.intp), bands)
    order = np.argsort(flat, kind="stable")
    flat, owners = flat[order], owners[order]
    new_bucket = np.empty(len(flat), dtype=bool)
    new_bucket[0] = True
    new_bucket[1:] = flat[1:] != flat[:-1]
    bucket_first = np.maximum.accumulate(np.where(new_bucket, np.arange(len(flat)), 0))
    heads = owners[bucket_first]
    mask = ~new_bucket & (heads != owners)
    pairs = np.stack([heads[mask], owners[mask]], axis=1)
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0) if len(pairs) else pairs


class UnionFind:
    """Disjoint sets of integers with path halving and union by size."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.size = [1] * size

    def find(self, item: int) -> int:
        """The representative of the item's set."""
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, first: int, second: int) -> None:
        """Join the sets of two items."""
        first, second = self.find(first), self.find(second)
        if first == second:
            return
        if self.size[first] < self.size[second]:
            first, second = second, first
        self.parent[second] = first
        self.size[first] += self.size[second]

    def groups(self) -> list[list[int]]:
        """The sets with more than one member, each sorted, in order of their first member."""
        members: dict[int, list[int]] = {}
        for item in range(len(self.parent)):
            members.setdefault(self.find(item), []).append(item)
        return sorted((group for group in members.values() if len(group) > 1), key=min)


def verified(
    first_rows: npt.NDArray[np.uint32],
    second_rows: npt.NDArray[np.uint32],
    settings: MinHashSettings = DEFAULT_SETTINGS,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Which candidate pairs (row i of each array) are similar enough to link, and each
    pair's estimated Jaccard; a text without shingles is never linked."""
    agreement = np.count_nonzero(first_rows == second_rows, axis=1) / settings.permutations
    empty = first_rows[:, 0] == _EMPTY
    return (agreement >= settings.threshold) & ~empty, agreement


def similar_pairs(
    rows_of_signatures: npt.NDArray[np.uint32], settings: MinHashSettings = DEFAULT_SETTINGS
) -> list[tuple[int, int, float]]:
    """Candidate pairs whose estimated Jaccard reaches the threshold, with the estimate."""
    pairs = candidate_pairs(band_keys(rows_of_signatures, settings))
    if not len(pairs):
        return []
    keep, agreement = verified(
        rows_of_signatures[pairs[:, 0]], rows_of_signatures[pairs[:, 1]], settings
    )
    return [
        (int(first), int(second), float(value))
        for (first, second), value in zip(pairs[keep], agreement[keep], strict=True)
    ]


def clusters(
    rows_of_signatures: npt.NDArray[np.uint32], settings: MinHashSettings = DEFAULT_SETTINGS
) -> list[list[int]]:
    """Groups of row indices connected by similar pairs (connected components)."""
    sets = UnionFind(len(rows_of_signatures))
    for first, second, _ in similar_pairs(rows_of_signatures, settings):
        sets.union(first, second)
    return sets.groups()
