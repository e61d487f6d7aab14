"""Primary documents (orders, resolutions, agreements, statements) split into passages.

A primary document is read from text, HTML (through :mod:`claimscope.ingestion`, as
``analyze`` reads a page) or PDF (``pypdf``, page by page, so every passage knows its page).
It is cut where its own structure cuts it, so that a pinpoint finds its passage:

- a heading line "Article 7", "Section 230", "Rule 4", "Chapter II", "Annex 1";
- a numbered paragraph "12. The Court …" or "(3) …" at the start of a line, numbered in
  sequence (a "1." after a "12." starts a new list only where a heading came between);
- otherwise a paragraph (blank lines), long ones cut at sentence ends.

Each passage keeps its character span in the document's text, its label ("Article 7",
"paragraph 12") and the pages it runs over. The document's kind, issuer, date and number
come from the user when given, else from its first lines: the first full date, the kind
its title words name, an international body the gazetteer knows, and the citations the
pipeline's citations stage found there (:func:`describe_document`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from claimscope.ingestion import document_id, normalize_text
from claimscope.text.dates import MONTHS

HEADER_CHARS = 2_000
MAX_PASSAGE_CHARS = 2_000
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_HEADING = re.compile(
    r"^[ \t]{0,8}(?P<word>Article|Art\.|Section|Sec\.|§|Paragraph|Para\.|Rule|Chapter|Part|Annex|"
    r"Point|Clause|Principle|Regulation)[ \t]{1,4}(?P<number>\d{1,4}[a-z]?|[IVXLC]{1,8})\b"
    r"(?P<tail>[^\n]{0,200})$",
    re.IGNORECASE | re.MULTILINE,
)
_NUMBERED = re.compile(
    r"^[ \t]{0,8}(?:(?P<dotted>\d{1,3})\.|\((?P<bracketed>\d{1,3})\))[ \t]{1,8}(?=\S)",
    re.MULTILINE,
)
_BLANK_LINES = re.compile(r"\n[ \t]{0,40}\n\s{0,400}")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s{1,40}(?=[A-Z(\"“‘'\d])")
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[ \t]{{1,3}}(?P<month>{_MONTH_NAMES})[ \t,]{{1,3}}"
    r"(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{_MONTH_NAMES})[ \t]{{1,3}}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?[ \t]{{1,3}}"
    r"(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
# Title words of a document and the citation kind they name, most specific first.
_KIND_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bADVISORY\s{1,4}OPINION\b", re.IGNORECASE), "advisory_opinion"),
    (re.compile(r"\bJUDG(?:E)?MENT\b", re.IGNORECASE), "court_judgment"),
    (re.compile(r"^[ \t]{0,20}ORDER\b|\bORDER\s{1,4}OF\b", re.MULTILINE), "court_order"),
    (re.compile(r"\bRESOLUTION\b", re.IGNORECASE), "resolution"),
    (re.compile(r"\b(?:AGREEMENT|TREATY|CONVENTION|ACCORD|PROTOCOL)\b", re.IGNORECASE), "treaty"),
    (
        re.compile(r"\b(?:JOINT\s{1,4})?(?:STATEMENT|DECLARATION|COMMUNIQU[EÉ])\b", re.IGNORECASE),
        "official_statement",
    ),
)
_WORD = re.compile(r"[\w.'’-]{1,60}")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# Heading words by the pinpoint word they answer to ("Art." is an article).
_LABEL_WORDS = {
    "art.": "Article",
    "sec.": "Section",
    "§": "Section",
    "para.": "paragraph",
    "paragraph": "paragraph",
}


@dataclass(frozen=True)
class Passage:
    """One piece of a primary document: its span in the text, label and pages."""

    index: int
    start: int
    end: int
    label: str | None = None
    number: str | None = None
    page: int | None = None
    page_end: int | None = None


@dataclass(frozen=True)
class DocumentDescription:
    """What a primary document is, in the terms of a dossier's citations."""

    kind: str | None = None
    issuer: str | None = None
    date: str | None = None
    number: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class PrimaryDocument:
    """A primary document of the library: text, what it is, pages and passages."""

    id: str
    source: str
    text: str
    description: DocumentDescription
    passages: tuple[Passage, ...]
    page_starts: tuple[int, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def passage_text(self, passage: Passage) -> str:
        """The text of one of the document's passages."""
        return self.text[passage.start : passage.end]


class DocumentError(ValueError):
    """A primary document that cannot be read; the message names it and says why."""


def pdf_pages(data: bytes, source: str) -> list[str]:
    """The text of each page of a PDF (pypdf's layout-free extraction)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(f"{source}: encrypted PDF")
        return [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentError(f"{source}: unreadable PDF: {error}") from None


def join_pages(pages: Sequence[str]) -> tuple[str, tuple[int, ...]]:
    """Pages as one normalised text (a blank line between pages) and where each page starts."""
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for page in pages:
        text = normalize_text(page).strip("\n")
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 2
    return "\n\n".join(parts), tuple(starts)


def page_of(offset: int, page_starts: Sequence[int]) -> int | None:
    """The 1-based page holding a character offset (None for a text without pages)."""
    if not page_starts:
        return None
    low, high = 0, len(page_starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if page_starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low + 1


def _roman(value: str) -> int | None:
    total, previous = 0, 0
    for character in reversed(value.upper()):
        number = _ROMAN.get(character)
        if number is None:
            return None
        total += -number if number < previous else number
        previous = max(previous, number)
    return total


def _label_word(word: str) -> str:
    lowered = word.casefold()
    return _LABEL_WORDS.get(lowered, word[:1].upper() + word[1:].lower())


def normal_number(value: str) -> str:
    """A heading's or pinpoint's number as compared: Roman numerals in digits, lower case."""
    roman = _roman(value) if re.fullmatch(r"[IVXLCivxlc]{1,8}", value) else None
    return str(roman) if roman is not None else value.lower()


def _starts(text: str) -> list[tuple[int, str | None, str | None]]:
    """Where structural passages start: (offset, label, number)."""
    headings = [
        (match.start(), _label_word(match.group("word")), match.group("number"))
        for match in _HEADING.finditer(text)
    ]
    heading_offsets = [offset for offset, _, _ in headings]
    numbered: list[tuple[int, str | None, str | None]] = []
    expected = 1
    for match in _NUMBERED.finditer(text):
        value = int(match.group("dotted") or match.group("bracketed"))
        previous = numbered[-1][0] if numbered else -1
        # Numbered paragraphs run in sequence (one number may be lost to extraction); a
        # new "1." restarts the count only after a heading ("Article 2" then "1.").
        restarted = value == 1 and any(
            previous < offset < match.start() for offset in heading_offsets
        )
        if value in (expected, expected + 1) or restarted:
            numbered.append((match.start(), "paragraph", str(value)))
            expected = value + 1
    return sorted(headings + numbered)


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A stretch of text cut at blank lines, and long paragraphs at sentence ends."""
    pieces: list[tuple[int, int]] = []
    cursor = start
    for blank in _BLANK_LINES.finditer(text, start, end):
        pieces.append((cursor, blank.start()))
        cursor = blank.end()
    pieces.append((cursor, end))
    chunks: list[tuple[int, int]] = []
    for piece_start, piece_end in pieces:
        while piece_end - piece_start > MAX_PASSAGE_CHARS:
            cut = piece_start + MAX_PASSAGE_CHARS
            ends = [m.start() for m in _SENTENCE_END.finditer(text, piece_start, cut)]
            cut = ends[-1] if ends and ends[-1] > piece_start + MAX_PASSAGE_CHARS // 4 else cut
            chunks.append((piece_start, cut))
            piece_start = cut
            while piece_start < piece_end and text[piece_start].isspace():
                piece_start += 1
        chunks.append((piece_start, piece_end))
    return [(s, e) for s, e in chunks if text[s:e].strip()]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_passages(text: str, page_starts: Sequence[int] = ()) -> list[Passage]:
    """The text's passages: headings, numbered paragraphs, else paragraphs; spans and pages."""
    spans: list[tuple[int, int, str | None, str | None]] = []
    starts = _starts(text)
    boundaries = [offset for offset, _, _ in starts] + [len(text)]
    if not starts or starts[0][0] > 0:
        first = starts[0][0] if starts else len(text)
        spans.extend((s, e, None, None) for s, e in _chunks(text, 0, first))
    for (offset, label, number), end in zip(starts, boundaries[1:], strict=True):
        # An article is one passage, its heading included; a long one is cut in pieces
        # that all keep its label.
        pieces = (
            [(offset, end)] if end - offset <= MAX_PASSAGE_CHARS else _chunks(text, offset, end)
        )
        spans.extend((piece_start, piece_end, label, number) for piece_start, piece_end in pieces)
    passages: list[Passage] = []
    for start, end, label, number in spans:
        start, end = _trimmed(text, start, end)
        if start >= end:
            continue
        normal = normal_number(number) if number else None
        passages.append(
            Passage(
                index=len(passages),
                start=start,
                end=end,
                label=f"{label} {number}" if label and number else None,
                number=normal,
                page=page_of(start, page_starts),
                page_end=page_of(end - 1, page_starts),
            )
        )
    return passages


def _first_date(header: str) -> str | None:
    found: list[tuple[int, str]] = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO):
        match = pattern.search(header)
        if match is None:
            continue
        month_text = match.group("month")
        month = int(month_text) if month_text.isdigit() else MONTHS[month_text.casefold()]
        try:
            day = date(int(match.group("year")), month, int(match.group("day")))
        except ValueError:
            continue
        found.append((match.start(), day.isoformat()))
    return min(found)[1] if found else None


def _header_kind(header: str) -> str | None:
    for pattern, kind in _KIND_WORDS:
        if pattern.search(header):
            return kind
    return None


def _header_issuer(header: str) -> str | None:
    """The first international body the gazetteer knows by a name printed in the header."""
    from claimscope.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    for line in header.splitlines():
        tokens = _WORD.findall(line)
        for position, token in enumerate(tokens):
            longest = gazetteer.longest_name_words(token)
            for length in range(min(longest, len(tokens) - position), 0, -1):
                organisation = gazetteer.organization(
                    " ".join(tokens[position : position + length])
                )
                if organisation is not None:
                    return organisation.name
    return None


def document_header(text: str) -> str:
    """The document's title lines: its start up to the first article or numbered paragraph.

    At most :data:`HEADER_CHARS` characters; what a document says of itself is printed
    there, what it says of others follows.
    """
    header = text[:HEADER_CHARS]
    starts = _starts(header)
    return header[: starts[0][0]] if starts and starts[0][0] > 0 else header


def describe_document(
    text: str,
    given: DocumentDescription | None = None,
    header_citations: Sequence[Any] = (),
) -> DocumentDescription:
    """What the document is: the given fields first, then what its first lines say.

    ``header_citations`` are the dossier citations (kind, issuer, date, number, title) of
    :func:`document_header`, when the caller ran the pipeline on it; the first of them fills
    what neither the user nor the header reader gave.
    """
    header = document_header(text)
    given = given or DocumentDescription()
    cited = header_citations[0] if header_citations else None
    read = DocumentDescription(
        kind=_header_kind(header) or getattr(cited, "kind", None),
        issuer=_header_issuer(header) or getattr(cited, "issuer", None),
        date=_first_date(header) or getattr(cited, "date", None),
        number=getattr(cited, "number", None),
        title=next((line.strip() for line in header.splitlines() if line.strip()), None),
    )
    return DocumentDescription(
        kind=given.kind or read.kind,
        issuer=given.issuer or read.issuer,
        date=given.date or read.date,
        number=given.number or read.number,
        title=given.title or read.title,
    )


def primary_document(
    text: str,
    source: str,
    given: DocumentDescription | None = None,
    page_starts: Sequence[int] = (),
    header_citations: Sequence[Any] = (),
    warnings: Sequence[str] = (),
) -> PrimaryDocument:
    """A primary document from its normalised text: described and split into passages."""
    text = normalize_text(text)
    if not text.strip():
        raise DocumentError(f"{source}: no text")
    return PrimaryDocument(
        id=document_id(text),
        source=source,
        text=text,
        description=describe_document(text, given, header_citations),
        passages=tuple(split_passages(text, page_starts)),
        page_starts=tuple(page_starts),
        warnings=tuple(warnings),
    )


def read_primary_document(
    data: bytes,
    source: str,
    given: DocumentDescription | None = None,
    header_citations: Sequence[Any] = (),
) -> PrimaryDocument:
    """A primary document from a file's bytes: PDF, HTML or text, told by content and name."""
    from claimscope.ingestion import IngestionError, decode_bytes, document_from_html

    if data.startswith(b"%PDF-"):
        text, starts = join_pages(pdf_pages(data, source))
        return primary_document(text, source, given, starts, header_citations)
    try:
        decoded = decode_bytes(data, source)
    except IngestionError as error:
        raise DocumentError(str(error)) from None
    head = decoded[:1000].lstrip().lower()
    if source.lower().endswith((".html", ".htm")) or head.startswith(("<!doctype html", "<html")):
        try:
            page = document_from_html(decoded, source)
        except IngestionError as error:
            raise DocumentError(str(error)) from None
        title = page.hints.title
        if title and not (given and given.title):
            given = replace(given or DocumentDescription(), title=title)
        return primary_document(page.text, source, given, (), header_citations, page.warnings)
    return primary_document(decoded, source, given, (), header_citations)
