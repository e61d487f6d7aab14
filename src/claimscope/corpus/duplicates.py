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

import re
from collections.abc import Sequence
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
    word_hashes,
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
    split_lines,
    strip_prefix,
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
        while first < last and text[first].isspace():
            first += 1
        while last > first and text[last - 1].isspace():
            last -= 1
        if first < last:
            trimmed.append((first, last))
    return trimmed


def list_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Runs of at least MIN_LIST_LINES lines shaped like list items (a name with its
    affiliation, a table row; blank lines between allowed): signatory blocks and the like.

    The line shapes are those the signatories stage reads (:mod:`claimscope.text.lists`),
    so poll questions or short prose lines do not make a list.
    """
    tables = load_tables()
    lines = split_lines(text, start, len(text) if end is None else end)
    # First the cheap tests: a line that is blank, a table row, or can be no item (too
    # long, prose). Only stretches with enough lines left to make a list are read closely.
    shapes = [_cheap_shape(line, tables) for line in lines]
    runs: list[tuple[int, int]] = []
    stretch: list[int] = []
    for index in [*range(len(lines)), len(lines)]:
        shape = shapes[index] if index < len(lines) else Shape.OTHER
        if shape is None or shape in (Shape.BLANK, Shape.TABLE):
            stretch.append(index)
            continue
        if sum(1 for member in stretch if shapes[member] is not Shape.BLANK) >= MIN_LIST_LINES:
            runs += _item_runs([lines[member] for member in stretch], shapes, stretch, tables)
        stretch = []
    return runs


def _item_runs(
    lines: Sequence[Line], shapes: Sequence[Shape | None], indices: Sequence[int], tables: Tables
) -> list[tuple[int, int]]:
    """The runs of MIN_LIST_LINES items or more among lines the cheap tests left open."""
    runs: list[tuple[int, int]] = []
    first: Line | None = None
    last: Line | None = None
    count = 0
    for line, index in zip(lines, indices, strict=True):
        shape = shapes[index]
        if shape is None:
            shape = line_shape(line, tables)
        if shape in (Shape.ITEM, Shape.TABLE):
            first = line if count == 0 else first
            last, count = line, count + 1
        elif shape is not Shape.BLANK:
            if count >= MIN_LIST_LINES and first is not None and last is not None:
                runs.append((first.start, last.end))
            count = 0
    if count >= MIN_LIST_LINES and first is not None and last is not None:
        runs.append((first.start, last.end))
    return runs


def _cheap_shape(line: Line, tables: Tables) -> Shape | None:
    """BLANK, TABLE, OTHER (a line too long to be an item, or prose: what is_item refuses
    first), or None when only the full classification can tell."""
    if not line.text:
        return Shape.BLANK
    if is_table_row(line.text):
        return Shape.TABLE
    text = strip_prefix(line).text
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

    def long_enough(start: int, end: int) -> bool:
        first, last = found.within(start, end)
        return last - first >= MIN_PART_WORDS

    parts = [Part(document, "document", 0, len(text))]
    for start, end in statements:
        if long_enough(start, end):
            parts.append(Part(document, "statement", start, end))
    low, high = body if body is not None else (0, len(text))
    paragraphs = paragraph_spans(text, low, high)
    # A document of one paragraph is already indexed whole.
    if len(paragraphs) > 1:
        for start, end in paragraphs:
            if long_enough(start, end):
                parts.append(Part(document, "paragraph", start, end))
    for start, end in list_spans(text, low, high):
        if long_enough(start, end):
            parts.append(Part(document, "list", start, end))
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
    vocabulary: dict[str, int] = {}
    pieces: list[npt.NDArray[np.uint64]] = []
    ranges = np.zeros((len(parts), 2), dtype=np.intp)
    offset = 0

    def add_piece(values: npt.NDArray[np.uint64]) -> int:
        nonlocal offset
        pieces.append(values)
        offset += len(values)
        return offset - len(values)

    by_document: dict[int, list[int]] = {}
    for index, part in enumerate(parts):
        by_document.setdefault(part.document, []).append(index)
    for document, indices in by_document.items():
        text = texts[document]
        found = words[document] if words is not None else text_words(text)
        hashes = word_hashes(found.words, vocabulary)
        base = add_piece(shingle_sequence(hashes, size)) if len(hashes) >= size else -1
        for index in indices:
            part = parts[index]
            if part.kind == "list":
                ordered = _list_word_hashes(text, part, found, hashes)
                start = add_piece(shingle_sequence(ordered, size))
                ranges[index] = (start, offset)
                continue
            first, last = found.within(part.start, part.end)
            if last - first >= size:
                ranges[index] = (base + first, base + last - size + 1)
            elif last > first:
                start = add_piece(shingle_sequence(hashes[first:last], size))
                ranges[index] = (start, offset)
    values = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.uint64)
    return signatures_of_ranges(values, ranges, settings)


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
