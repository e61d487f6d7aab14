"""Republication and partial reuse: which documents share their text, and which part of it.

A document is indexed as several *parts*: the whole text, each embedded statement, each
paragraph of the body long enough to say something (``MIN_PART_WORDS``), and each list of
short lines (a signatory block), whose lines are hashed in sorted order so that the same
list in another order is the same part. Every part
gets a MinHash signature (:mod:`claimscope.corpus.minhash`); parts of different documents
that reach the similarity threshold link their documents, and the clusters are the
connected components. So a statement embedded in differently framed articles is found
through the statement's own part even when the articles as wholes differ, and every link
says which spans were shared.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from claimscope.corpus.minhash import (
    DEFAULT_SETTINGS,
    MinHashSettings,
    UnionFind,
    Words,
    shingle_sequence,
    signatures_of_ranges,
    similar_pairs,
    text_words,
    words_hashes,
)
from claimscope.text.lists import (
    MAX_ITEM_CHARS,
    Line,
    Shape,
    Tables,
    is_prose,
    is_table_row,
    line_shape,
    load_tables,
    prefix_end,
)

PartKind = Literal["document", "statement", "paragraph", "list"]

MIN_PART_WORDS = 25
"""A paragraph or statement shorter than this is not indexed on its own: short lines
(datelines, sign-offs, "Read more") recur across unrelated articles."""

# A blank line, or (as wire copy writes it) a line break before an indented line.
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]{0,40}\n|\n(?=[ \t]{3,40}\S)")


MIN_LIST_LINES = 5
"""A run of at least this many list-shaped lines is indexed as a list."""

PART_PREFERENCE: dict[PartKind, int] = {"document": 3, "statement": 2, "list": 1, "paragraph": 0}
"""Which matching parts name a link between two documents at equal similarity: the whole
text over a statement over a list over a paragraph (the sum of the two parts' values)."""


@dataclass(frozen=True)
class Part:
    """A span of one document that is indexed on its own."""

    document: int
    kind: PartKind
    start: int
    end: int


@dataclass(frozen=True)
class SharedText:
    """Two documents that share text: the parts that matched and their similarity."""

    first: int
    second: int
    similarity: float
    first_part: Part
    second_part: Part


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The paragraphs of ``text[start:end]`` (after a blank line or at an indented line),
    without edge whitespace."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    position = start
    for match in _PARAGRAPH_BREAK_RE.finditer(text, start, end):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, end))
    trimmed = []
    for first, last in spans:
        # str.strip drops exactly the characters str.isspace accepts, in C.
        paragraph = text[first:last]
        content = paragraph.lstrip()
        if content:
            first += len(paragraph) - len(content)
            trimmed.append((first, first + len(content.rstrip())))
    return trimmed


def list_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Runs of at least MIN_LIST_LINES lines shaped like list items (a name with its
    affiliation, a table row; blank lines between allowed): signatory blocks and the like.

    The line shapes are those the signatories stage reads (:mod:`claimscope.text.lists`),
    so poll questions or short prose lines do not make a list.
    """
    tables = load_tables()
    high = len(text) if end is None else end
    # The lines as split_lines cuts them, first as bare strings: the cheap tests below rule
    # out nearly every line of prose (wire copy wraps at 70 characters, so an article has
    # hundreds), and only stretches that can still make a list become Line records.
    raw_lines = text[start:high].split("\n")
    stripped = [raw.strip() for raw in raw_lines]
    filled = [index for index, content in enumerate(stripped) if content]
    positions = [start, *itertools.accumulate(len(raw) + 1 for raw in raw_lines)]

    def passes_cheap_tests(rank: int) -> bool:
        return _cheap_shape(stripped[filled[rank]], tables) is not Shape.OTHER

    def line(index: int) -> Line:
        # The line as split_lines gives it.
        raw = raw_lines[index]
        first = positions[index] + len(raw) - len(raw.lstrip())
        return Line(first, first + len(stripped[index]), stripped[index])

    runs: list[tuple[int, int]] = []
    # Blank lines aside: stretches of lines passing the cheap tests, then in each the runs
    # of items (or table rows).
    for low, high_rank in _long_runs(len(filled), passes_cheap_tests):
        members = filled[low : high_rank + 1]

        def is_item(rank: int, members: list[int] = members) -> bool:
            return line_shape(line(members[rank]), tables) in (Shape.ITEM, Shape.TABLE)

        for first, last in _long_runs(len(members), is_item):
            runs.append((line(members[first]).start, line(members[last]).end))
    return runs


def _long_runs(count: int, passes: Callable[[int], bool]) -> list[tuple[int, int]]:
    """The maximal runs ``(first, last)`` of at least MIN_LIST_LINES consecutive numbers
    below ``count`` that pass the test, testing as few as it can.

    Every MIN_LIST_LINES-th number is probed, Boyer-Moore fashion: a run that starts after a
    failing number r holds r + MIN_LIST_LINES, so in prose (the usual text, where the first
    test fails) only one line in MIN_LIST_LINES is read; a passing probe is extended both
    ways. No number is tested twice.
    """
    runs: list[tuple[int, int]] = []
    boundary = -1  # the last number known to fail, or -1
    probe = boundary + MIN_LIST_LINES
    while probe < count:
        if not passes(probe):
            boundary, probe = probe, probe + MIN_LIST_LINES
            continue
        first = probe
        while first - 1 > boundary and passes(first - 1):
            first -= 1
        last = probe
        while last + 1 < count and passes(last + 1):
            last += 1
        if last - first + 1 >= MIN_LIST_LINES:
            runs.append((first, last))
        boundary = last + 1
        probe = boundary + MIN_LIST_LINES
    return runs


def _cheap_shape(text: str, tables: Tables) -> Shape | None:
    """BLANK, TABLE, OTHER (a line too long to be an item, or prose: what is_item refuses
    first), or None when only the full classification can tell."""
    if not text:
        return Shape.BLANK
    if is_table_row(text):
        return Shape.TABLE
    text = text[prefix_end(text) :]
    if len(text) > MAX_ITEM_CHARS or is_prose(text, tables):
        return Shape.OTHER
    return None


def part_text(text: str, part: Part) -> str:
    """What a part's signature is computed from: its span, a list's lines in sorted order."""
    span = text[part.start : part.end]
    if part.kind == "list":
        return "\n".join(sorted(line.strip() for line in span.splitlines() if line.strip()))
    return span


def document_parts(
    document: int,
    text: str,
    statements: Sequence[tuple[int, int]] = (),
    body: tuple[int, int] | None = None,
    words: Words | None = None,
) -> list[Part]:
    """The parts of one document: the whole, its statements, its long paragraphs, its lists.

    ``words`` (the text's :func:`~claimscope.corpus.minhash.text_words`) saves finding them
    again when the caller has them.
    """
    found = text_words(text) if words is None else words
    low, high = body if body is not None else (0, len(text))
    paragraphs = paragraph_spans(text, low, high)
    candidates: list[tuple[PartKind, tuple[int, int]]] = [
        *(("statement", span) for span in statements),
        # A document of one paragraph is already indexed whole.
        *(("paragraph", span) for span in (paragraphs if len(paragraphs) > 1 else [])),
        *(("list", span) for span in list_spans(text, low, high)),
    ]
    parts = [Part(document, "document", 0, len(text))]
    if not candidates:
        return parts
    # The words of every candidate counted at once (one search over the word spans).
    first, last = found.within_spans([span for _, span in candidates])
    for (kind, (start, end)), count in zip(candidates, (last - first).tolist(), strict=True):
        if count >= MIN_PART_WORDS:
            parts.append(Part(document, kind, start, end))
    return parts


def part_signatures(
    texts: Sequence[str],
    parts: Sequence[Part],
    settings: MinHashSettings,
    words: Sequence[Words] | None = None,
) -> npt.NDArray[np.uint32]:
    """One MinHash signature per part, the batch hashed at once.

    Each document's words and shingles are computed once: a part's shingles are a slice of
    its document's (see :func:`~claimscope.corpus.minhash.shingle_sequence`), so a shingle
    shared by the whole and a paragraph is hashed once. A list's lines are hashed in sorted
    order, and a part shorter than a shingle is one shingle of its words.
    """
    size = settings.shingle_words
    ranges = np.zeros((len(parts), 2), dtype=np.intp)
    by_document: dict[int, list[int]] = {}
    for index, part in enumerate(parts):
        by_document.setdefault(part.document, []).append(index)
    found = {
        document: words[document] if words is not None else text_words(texts[document])
        for document in by_document
    }
    # The batch's words hashed at once, and their shingles in one sequence: a document's
    # shingles are the stretch of it that starts at its first word (the few shingles that
    # run across two documents belong to no range).
    hashes = words_hashes([found[document] for document in by_document])
    pieces: list[npt.NDArray[np.uint64]] = [shingle_sequence(hashes, size)]
    offset = len(pieces[0])

    def add_piece(values: npt.NDArray[np.uint64]) -> int:
        nonlocal offset
        pieces.append(values)
        offset += len(values)
        return offset - len(values)

    base = 0
    for document, indices in by_document.items():
        text, document_words = texts[document], found[document]
        count = document_words.count
        document_hashes = hashes[base : base + count]
        firsts, lasts = document_words.within_spans(
            [(parts[i].start, parts[i].end) for i in indices]
        )
        for index, first, last in zip(indices, firsts.tolist(), lasts.tolist(), strict=True):
            part = parts[index]
            if part.kind == "list":
                ordered = _list_word_hashes(text, part, document_words, document_hashes)
                start = add_piece(shingle_sequence(ordered, size))
                ranges[index] = (start, offset)
            elif last - first >= size:
                ranges[index] = (base + first, base + last - size + 1)
            elif last > first:
                start = add_piece(shingle_sequence(document_hashes[first:last], size))
                ranges[index] = (start, offset)
        base += count
    return signatures_of_ranges(np.concatenate(pieces), ranges, settings)


def _list_word_hashes(
    text: str, part: Part, found: Words, hashes: npt.NDArray[np.uint64]
) -> npt.NDArray[np.uint64]:
    """A list's word hashes with its lines in sorted order (the order of :func:`part_text`)."""
    lines: list[tuple[str, int, int]] = []
    position = part.start
    for line in text[part.start : part.end].splitlines(keepends=True):
        if line.strip():
            first, last = found.within(position, position + len(line))
            lines.append((line.strip(), first, last))
        position += len(line)
    lines.sort(key=lambda item: item[0])
    if not lines:
        return np.empty(0, dtype=np.uint64)
    return np.concatenate([hashes[first:last] for _, first, last in lines])


def shared_texts(
    parts: Sequence[Part], rows: npt.NDArray[np.uint32], settings: MinHashSettings
) -> list[SharedText]:
    """For each pair of documents with a similar part, their best-matching parts.

    Whole documents are preferred to parts at equal similarity, so a republication is
    reported as the whole text and an embedded statement as the statement.
    """
    best: dict[tuple[int, int], SharedText] = {}
    rank = PART_PREFERENCE
    for first_index, second_index, similarity in similar_pairs(rows, settings):
        first, second = parts[first_index], parts[second_index]
        if first.document == second.document:
            continue
        if first.document > second.document:
            first, second = second, first
        key = (first.document, second.document)
        found = SharedText(first.document, second.document, similarity, first, second)
        known = best.get(key)
        if known is None or (similarity, rank[first.kind] + rank[second.kind]) > (
            known.similarity,
            rank[known.first_part.kind] + rank[known.second_part.kind],
        ):
            best[key] = found
    return sorted(best.values(), key=lambda shared: (shared.first, shared.second))


def document_clusters(count: int, shared: Sequence[SharedText]) -> list[list[int]]:
    """Groups of documents connected by shared text (connected components)."""
    sets = UnionFind(count)
    for link in shared:
        sets.union(link.first, link.second)
    return sets.groups()


def find_shared_texts(
    texts: Sequence[str],
    statements: Sequence[Sequence[tuple[int, int]]] | None = None,
    settings: MinHashSettings = DEFAULT_SETTINGS,
) -> tuple[list[SharedText], list[list[int]]]:
    """Pairs of documents sharing text, and the clusters they form, for a batch of texts."""
    words = [text_words(text) for text in texts]
    parts = [
        part
        for index, text in enumerate(texts)
        for part in document_parts(
            index, text, statements[index] if statements else (), words=words[index]
        )
    ]
    shared = shared_texts(parts, part_signatures(texts, parts, settings, words), settings)
    return shared, document_clusters(len(texts), shared)
