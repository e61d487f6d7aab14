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

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

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
_CHUNK_COLUMNS = 8192
"""Shingle hashes permuted at a time: 128 permutations x 8192 x 8 bytes (8 MiB) stays in
the processor's cache while its minima are taken (the fastest of 2048 to 16384 here)."""
_EMPTY = np.iinfo(np.uint32).max
"""The signature value of a text without any shingle (never equal to a real one's)."""
EMPTY_SIGNATURE = _EMPTY
"""Every value of the signature of a text without any shingle."""


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


_CHUNK_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class Words:
    """A text's normalised words (as :func:`normalized_words` finds them), each with the
    character span it came from, so that the words of any span are a slice of one list.

    The words are kept as spans of the normalised text (``normal``): their strings are
    made only when asked for, and :func:`words_hashes` hashes them straight from it.
    """

    normal: str
    normal_starts: npt.NDArray[np.int64]
    normal_ends: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]

    @functools.cached_property
    def words(self) -> list[str]:
        """The words as strings."""
        normal = self.normal
        return [
            normal[start:end]
            for start, end in zip(
                self.normal_starts.tolist(), self.normal_ends.tolist(), strict=True
            )
        ]

    @property
    def count(self) -> int:
        """How many words there are."""
        return len(self.starts)

    def within(self, start: int, end: int) -> tuple[int, int]:
        """The index range of the words lying wholly inside the characters [start, end)."""
        first = int(np.searchsorted(self.starts, start, side="left"))
        last = int(np.searchsorted(self.ends, end, side="right"))
        return first, max(first, last)

    def within_spans(
        self, spans: Sequence[tuple[int, int]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """:meth:`within` for many spans at once: the first and last word index of each."""
        bounds = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        first = np.searchsorted(self.starts, bounds[:, 0], side="left")
        last = np.searchsorted(self.ends, bounds[:, 1], side="right")
        return first, np.maximum(first, last)


@functools.cache
def _normal_character(character: str) -> str:
    return unicodedata.normalize("NFKC", character).casefold()


@functools.cache
def _is_special(character: str) -> bool:
    """Whether NFKC changes the character or case folding makes it longer than one."""
    return unicodedata.normalize("NFKC", character) != character or len(character.casefold()) != 1


def text_words(text: str) -> Words:
    """The normalised words of a text with their character spans, found in one pass.

    Text in NFKC whose case folding keeps every character one character long (most text)
    is split as it is. Otherwise each character is normalised on its own (NFKC, then case
    folding) and the spans are mapped back through the characters that changed length
    ("ß" to "ss", "…" to "..."): in NFC text (what ingestion stores) no composition across
    characters is left for NFKC to do, so the words are :func:`normalized_words`'s. Text
    not in NFC is normalised one whitespace-separated chunk at a time.
    """
    folded = text.casefold()
    if len(folded) == len(text) and unicodedata.is_normalized("NFKC", text):
        return _split_words(folded)
    if not unicodedata.is_normalized("NFC", text):
        # Combining characters to compose: each whitespace-separated chunk is normalised on
        # its own (composition never crosses whitespace) and its words take its span.
        return _chunk_words(text)
    # The characters NFKC changes or case folding lengthens are replaced by their normal
    # form; case folding then maps every other character to one character.
    table: dict[str, str] = {}
    for character in set(text):
        if _is_special(character):
            table[character] = _normal_character(character)
    pattern = re.compile("[" + "".join(re.escape(character) for character in table) + "]")
    found = _split_words(pattern.sub(lambda match: table[match.group()], text).casefold())
    resized = [character for character, normal in table.items() if len(normal) != 1]
    if not resized:
        return found
    pattern = re.compile("[" + "".join(re.escape(character) for character in resized) + "]")
    positions = np.array([match.start() for match in pattern.finditer(text)], dtype=np.int64)
    lengths = np.array([len(table[text[p]]) for p in positions], dtype=np.int64)
    # Where each changed character's replacement starts in the normalised text, and how
    # much longer the normalised text is than the original after it.
    growth_after = np.cumsum(lengths - 1)
    normal_starts = positions + growth_after - (lengths - 1)

    def original(offsets: npt.NDArray[np.int64], is_end: bool) -> npt.NDArray[np.int64]:
        side: Literal["left", "right"] = "left" if is_end else "right"
        index = np.searchsorted(normal_starts, offsets, side=side) - 1
        mapped = offsets.copy()
        after = index >= 0
        chosen = index[after]
        inside_limit = normal_starts[chosen] + lengths[chosen]
        value = offsets[after]
        inside = value <= inside_limit if is_end else value < inside_limit
        mapped[after] = np.where(
            inside, positions[chosen] + (1 if is_end else 0), value - growth_after[chosen]
        )
        return mapped

    return Words(
        found.normal,
        found.normal_starts,
        found.normal_ends,
        original(found.starts, False),
        original(found.ends, True),
    )


def _chunk_words(text: str) -> Words:
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for chunk in _CHUNK_RE.finditer(text):
        pieces = normalized_words(chunk.group())
        words += pieces
        starts += [chunk.start()] * len(pieces)
        ends += [chunk.end()] * len(pieces)
    joined = _joined_words(words)
    return Words(*joined, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))


def _joined_words(
    words: Sequence[str],
) -> tuple[str, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Words as one normalised text (separated by spaces) with their spans in it."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    ends = np.cumsum(lengths + 1) - 1
    return " ".join(words), ends - lengths, ends


_MAX_WORD_CHARACTERS = 64
"""The longest word :data:`_WORD_RE` takes; a longer run of letters is cut every 64."""


@functools.cache
def _word_character_table() -> npt.NDArray[np.bool_]:
    """Whether each character of the Basic Multilingual Plane is a word character.

    ``[^\\W_]`` in a str pattern is exactly ``str.isalnum`` (the tests check every one).
    """
    return np.fromiter(
        (chr(code).isalnum() for code in range(0x10000)), dtype=np.bool_, count=0x10000
    )


def _split_words(normalised: str) -> Words:
    """The words of an already normalised text and their spans in it.

    Found with numpy over the text's code points (a regex pass makes a string per word
    and per gap between words, the largest cost of near-duplicate detection).
    """
    codes = np.frombuffer(normalised.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _word_character_table()
    is_word = table[np.minimum(codes, 0xFFFF)]
    beyond = np.flatnonzero(codes > 0xFFFF)
    if len(beyond):
        # Characters past the first plane (rare) are looked up one distinct one at a time.
        distinct = np.unique(codes[beyond])
        wordlike = [int(code) for code in distinct if chr(int(code)).isalnum()]
        is_word[beyond] = np.isin(codes[beyond], wordlike)
    edges = np.flatnonzero(np.diff(is_word, prepend=False, append=False))
    starts, ends = edges[0::2].astype(np.int64), edges[1::2].astype(np.int64)
    lengths = ends - starts
    if len(lengths) and lengths.max() > _MAX_WORD_CHARACTERS:
        pieces = (lengths + _MAX_WORD_CHARACTERS - 1) // _MAX_WORD_CHARACTERS
        run = np.repeat(np.arange(len(starts)), pieces)
        piece_number = np.arange(len(run)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        starts = starts[run] + _MAX_WORD_CHARACTERS * piece_number
        ends = np.minimum(starts + _MAX_WORD_CHARACTERS, ends[run])
    return Words(normalised, starts, ends, starts, ends)


_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def words_hashes(texts_words: Sequence[Words]) -> npt.NDArray[np.uint64]:
    """The stable 64-bit hash of every word of the texts, in order: FNV-1a over the word's
    UTF-8 bytes (Python's hash() differs between processes).

    Computed with numpy for the whole batch at once, one step per byte position: the words
    are ordered longest first, so the words still being hashed are always a prefix.
    """
    starts_in_bytes: list[npt.NDArray[np.int64]] = [np.empty(0, dtype=np.int64)]
    lengths_in_bytes: list[npt.NDArray[np.int64]] = [np.empty(0, dtype=np.int64)]
    shift = 0  # where the text starts in the batch's UTF-8 bytes
    for found in texts_words:
        starts, ends = found.normal_starts, found.normal_ends
        size = len(found.normal)
        if not found.normal.isascii():
            # Where each character's bytes start in UTF-8: 1 to 4 bytes a character.
            codes = np.frombuffer(
                found.normal.encode("utf-32-le", "surrogatepass"), dtype=np.uint32
            )
            widths = (codes >= 0x80).view(np.uint8) + (codes >= 0x800) + (codes >= 0x10000) + 1
            byte_at = np.zeros(len(codes) + 1, dtype=np.int64)
            np.cumsum(widths, out=byte_at[1:])
            starts, ends, size = byte_at[starts], byte_at[ends], int(byte_at[-1])
        starts_in_bytes.append(starts + shift)
        lengths_in_bytes.append(ends - starts)
        shift += size + 1  # and the space between texts
    starts, lengths = np.concatenate(starts_in_bytes), np.concatenate(lengths_in_bytes)
    joined = " ".join(found.normal for found in texts_words)
    data = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    # A radix sort (small integers), longest first.
    order = np.argsort(-lengths.astype(np.int16), kind="stable")
    cursors = starts[order]
    descending = -lengths[order]
    values = np.full(len(order), _FNV_OFFSET, dtype=np.uint64)
    for position in range(int(-descending[0]) if len(order) else 0):
        active = int(np.searchsorted(descending, -position, side="left"))
        hashing = values[:active]
        hashing ^= data.take(cursors[:active])
        hashing *= _FNV_PRIME
        cursors[:active] += 1
    hashes = np.empty_like(values)
    hashes[order] = values
    return hashes


def word_hashes(words: Sequence[str]) -> npt.NDArray[np.uint64]:
    """The stable 64-bit hash of each word (see :func:`words_hashes`)."""
    joined = _joined_words(words)
    return words_hashes([Words(*joined, *joined[1:])])


def shingle_sequence(hashes: npt.NDArray[np.uint64], shingle_words: int) -> npt.NDArray[np.uint64]:
    """The hash of the shingle starting at each word (one shingle of all words when fewer).

    Shingle ``i`` covers words ``i`` to ``i + shingle_words - 1``, so the shingles of the
    words ``[a, b)`` are entries ``[a, b - shingle_words + 1)``: the shingles of any span
    of the text are a slice of its sequence.
    """
    if not len(hashes):
        return np.empty(0, dtype=np.uint64)
    size = min(shingle_words, len(hashes))
    count = len(hashes) - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            # Polynomial rolling combination, wrapping modulo 2**64 as intended.
            combined = combined * _SHINGLE_BASE + hashes[offset : offset + count]
    return combined


def shingle_hashes(words: Sequence[str], shingle_words: int) -> npt.NDArray[np.uint64]:
    """The distinct 64-bit hashes of a text's word shingles (a short text: one shingle)."""
    return np.unique(shingle_sequence(word_hashes(words), shingle_words))


def signatures(
    texts: Iterable[str], settings: MinHashSettings = DEFAULT_SETTINGS
) -> npt.NDArray[np.uint32]:
    """MinHash signatures of texts, one row of ``settings.permutations`` values each."""
    found = [text_words(text) for text in texts]
    hashes = words_hashes(found)
    ends = itertools.accumulate(words.count for words in found)
    shingles = [
        shingle_sequence(hashes[end - words.count : end], settings.shingle_words)
        for words, end in zip(found, ends, strict=True)
    ]
    return signatures_of_shingles(shingles, settings)


def signatures_of_shingles(
    shingles: Sequence[npt.NDArray[np.uint64]], settings: MinHashSettings = DEFAULT_SETTINGS
) -> npt.NDArray[np.uint32]:
    """MinHash signatures from each text's shingle hashes, computed for the whole batch.

    Repeated hashes change nothing (a minimum is a minimum), so they need not be distinct.
    """
    lengths = np.array([len(hashes) for hashes in shingles], dtype=np.intp)
    ends = np.cumsum(lengths)
    ranges = np.stack([ends - lengths, ends], axis=1) if len(shingles) else np.empty((0, 2))
    values = np.concatenate(shingles) if len(shingles) else np.empty(0, dtype=np.uint64)
    return signatures_of_ranges(values, ranges.astype(np.intp), settings)


def signatures_of_ranges(
    values: npt.NDArray[np.uint64],
    ranges: npt.NDArray[np.intp],
    settings: MinHashSettings = DEFAULT_SETTINGS,
) -> npt.NDArray[np.uint32]:
    """The MinHash signature of each range ``[start, end)`` of one array of shingle hashes.

    Ranges may overlap and nest (a document and its paragraphs): every hash is permuted
    once, the minima are taken over the pieces between consecutive range boundaries, and
    each range's signature is the minimum of its pieces' minima. An empty range gets the
    signature of a text without shingles.
    """
    result = np.full((len(ranges), settings.permutations), _EMPTY, dtype=np.uint32)
    if not len(ranges):
        return result
    starts, ends = ranges[:, 0], ranges[:, 1]
    present = np.flatnonzero(ends > starts)
    if not len(present):
        return result
    # Pieces: the stretches between consecutive boundaries of the non-empty ranges.
    cuts = np.unique(np.concatenate([starts[present], ends[present]]))
    cuts = cuts[cuts < len(values)]
    first_piece = np.searchsorted(cuts, starts[present])
    last_piece = np.searchsorted(cuts, ends[present])  # exclusive
    # Interleaved (first, last) indices: reduceat's even results are the ranges' minima.
    interleaved = np.stack([first_piece, last_piece], axis=1).reshape(-1)
    multipliers = _MULTIPLIERS[: settings.permutations, None]
    offsets = _OFFSETS[: settings.permutations, None]
    maximum = np.iinfo(np.uint64).max
    # One column per piece and a sentinel column, so that a range ending at the last piece
    # has a valid index for reduceat.
    piece_minima = np.full((settings.permutations, len(cuts) + 1), maximum, dtype=np.uint64)
    # The hashes go through in chunks of _CHUNK_COLUMNS against every permutation, one row
    # per permutation: the chunk's permuted values stay in the processor's cache while
    # their minima are taken, and the minima run along rows, in memory order (three times
    # as fast as one row per hash, and more than a pass over all hashes per permutation).
    buffer = np.empty((settings.permutations, _CHUNK_COLUMNS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for low in range(0, len(values), _CHUNK_COLUMNS):
            high = min(len(values), low + _CHUNK_COLUMNS)
            out = buffer[:, : high - low]
            # Multiply-shift hashing: (a * x + b) mod 2**64, top 32 bits; a universal family.
            np.multiply(multipliers, values[None, low:high], out=out)
            out += offsets
            # The piece holding the chunk's first hash may have begun in an earlier chunk;
            # the pieces beginning inside the chunk are seen here first.
            first = int(np.searchsorted(cuts, low, side="right")) - 1
            inside = int(np.searchsorted(cuts, high, side="left"))
            boundaries = np.concatenate(([0], cuts[first + 1 : inside] - low))
            minima = np.minimum.reduceat(out, boundaries, axis=1)
            if first >= 0:
                np.minimum(piece_minima[:, first], minima[:, 0], out=piece_minima[:, first])
            piece_minima[:, first + 1 : inside] = minima[:, 1:]
    ranges_minima = np.minimum.reduceat(piece_minima, interleaved, axis=1)[:, ::2].T
    result[present] = ranges_minima >> np.uint64(32)
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
    low = np.minimum(heads[mask], owners[mask]).astype(np.int64)
    high = np.maximum(heads[mask], owners[mask]).astype(np.int64)
    # Each pair as one integer, so that removing repeats is a sort of a flat array (sorting
    # rows with np.unique(axis=0) is several times slower); the order is the same.
    distinct = np.unique(low * count + high)
    return np.stack([distinct // count, distinct % count], axis=1).astype(np.intp)


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


def connected_groups(count: int, edges: npt.NDArray[np.integer[Any]]) -> list[npt.NDArray[np.intp]]:
    """The connected components of ``count`` nodes joined by ``edges`` (pairs of nodes) that
    have two nodes or more, each sorted, in order of their first node (scipy's
    ``connected_components``: linear, with no Python loop per edge)."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    if count == 0:
        return []
    edges = np.asarray(edges, dtype=np.intp).reshape(-1, 2)
    graph = coo_array(
        (np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(count, count)
    )
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    boundaries = np.flatnonzero(np.diff(labels[order])) + 1
    groups = [group for group in np.split(order, boundaries) if len(group) > 1]
    groups.sort(key=lambda group: int(group[0]))
    return groups


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
