"""Ingestion: bytes to a normalised :class:`Document`.

Pure functions (no file access): adapters read the bytes and hand them here.
Normalisation happens once, here: byte-order marks and encodings, Unicode NFC,
newline folding. Every later offset refers to the text this module returns.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from html import unescape
from typing import Any, Literal

from claimscope.document import Declared, Document, DocumentFormat, Hints
from claimscope.page_metadata import (
    BESIDE_HEADLINE_CHARS,
    PageMetadata,
    clean_author_names,
    declared_headline,
    printed_dates,
    read_page_metadata,
)

DEFAULT_MAX_CHARS = 5_000_000
"""Default limit on the normalised text of one document (characters)."""

FIRST_LINES = 8
FIRST_LINES_CHARS = 3000
"""How far into the extracted text of a page a printed headline is looked for."""

InputKind = Literal["text", "html", "json", "jsonl", "warc"]
"""What an input holds; ``warc`` archives are read record by record by the input adapter."""

SUFFIX_KINDS: dict[str, InputKind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# Control characters other than tab, newline, carriage return and form feed mark
# binary content; a few can occur in real text (Reuters has \x7f), many cannot.
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f"}
_MAX_CONTROL_RATIO = 0.01
_CHAOS_TIE = 0.1

# Mostly Latin text in UTF-16 has a NUL as the high byte of most code units (odd offsets
# in little-endian, even ones in big-endian) and almost never a NUL as the low byte.
_UTF16_MIN_HIGH_NULS = 0.5
_UTF16_MAX_LOW_NULS = 0.05
# An HTML page may carry a few stray NULs (a broken template, a pasted image); one in a
# thousand bytes is far above that and far below any binary format.
_MAX_NUL_BYTES_PER = 1000

# A JSON record's text and fields can carry "\ud800" escapes that no encoder accepts.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# CPython refuses int() on more than 4,300 digits (the conversion is quadratic).
_MAX_INT_DIGITS = 4_300


class IngestionError(ValueError):
    """A document that cannot be analysed; the message says why in one line."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    """Ingestion settings."""

    max_chars: int = DEFAULT_MAX_CHARS


def kind_for_name(name: str) -> InputKind | None:
    """The input kind implied by a file name's suffix, or None when unsupported."""
    lowered = name.lower()
    for suffix, kind in SUFFIX_KINDS.items():
        if lowered.endswith(suffix):
            return kind
    return None


def decode_bytes(data: bytes, source: str) -> str:
    """Decode bytes to text: BOM first, then strict UTF-8, then charset detection."""
    return _decode(data, source)[0]


def _decode(
    data: bytes, source: str, *, few_nuls_allowed: bool = False
) -> tuple[str, tuple[str, ...]]:
    """The text of the bytes and the repairs decoding made, as warnings.

    With ``few_nuls_allowed`` (HTML pages), stray NUL bytes, at most one in every
    thousand bytes, are removed with a warning instead of marking the input binary:
    browsers and trafilatura read such pages, while a binary file has NULs throughout.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), ()
            except UnicodeDecodeError as error:
                raise IngestionError(
                    source, f"undecodable bytes at offset {error.start} for {encoding} BOM"
                ) from None
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16, ()
        nuls = data.count(0)
        if few_nuls_allowed and nuls * _MAX_NUL_BYTES_PER <= len(data):
            text, warnings = _decode(data.replace(b"\x00", b""), source)
            return text, (f"{nuls:,} stray NUL byte(s) removed from the page", *warnings)
        nul_offset = data.index(b"\x00")
        raise IngestionError(source, f"binary content: NUL byte at offset {nul_offset}")
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as utf8_error:
        repaired = _mostly_utf8(data)
        if repaired is not None:
            return repaired
        from charset_normalizer import from_bytes

        matches = from_bytes(data)
        best = matches.best()
        if best is None:
            raise IngestionError(
                source,
                f"undecodable bytes: not UTF-8 (offset {utf8_error.start}) "
                "and no other encoding fits",
            ) from None
        # Detectors cannot tell Western from Baltic or Central European code pages on
        # short texts; claimscope reads English, so Windows-1252 wins a tie.
        for match in matches:
            if match.encoding == "cp1252" and match.chaos <= best.chaos + _CHAOS_TIE:
                return str(match), ()
        return str(best), ()


def _utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 bytes that carry no byte-order mark, or None if they are not."""
    units = len(data) // 2
    if units < 2 or len(data) % 2:
        return None
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    for encoding, high_nuls, low_nuls in (
        ("utf-16-le", odd_nuls, even_nuls),
        ("utf-16-be", even_nuls, odd_nuls),
    ):
        if high_nuls >= _UTF16_MIN_HIGH_NULS * units and low_nuls <= _UTF16_MAX_LOW_NULS * units:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _mostly_utf8(data: bytes) -> tuple[str, tuple[str, ...]] | None:
    """UTF-8 with U+FFFD for its few invalid sequences, or None when it is not UTF-8.

    A valid multi-byte UTF-8 sequence almost never occurs by chance in a legacy code
    page, while every accented letter of one is invalid UTF-8: so bytes with at least
    as many valid multi-byte sequences as invalid ones are UTF-8 with a few bad bytes,
    and decoding them as another code page would garble every good character.
    """
    decoded = data.decode("utf-8", errors="replace")
    replacements = decoded.count("\ufffd")
    invalid = replacements - data.count("\ufffd".encode())
    non_ascii = len(decoded) - len(decoded.encode("ascii", errors="ignore"))
    valid_multibyte = non_ascii - replacements
    if valid_multibyte < invalid:
        return None
    return decoded, (
        f"{invalid:,} invalid UTF-8 byte sequence(s) replaced with U+FFFD while decoding",
    )


def replace_lone_surrogates(text: str) -> str:
    """The text with every lone surrogate code point (unencodable) replaced by U+FFFD."""
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def normalize_text(text: str) -> str:
    """Unicode NFC, newline folding (CRLF, CR, U+2028, U+2029), lone surrogates to U+FFFD."""
    text = replace_lone_surrogates(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return unicodedata.normalize("NFC", text)


def document_id(text: str) -> str:
    """The document id: sha256 of its normalised text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_text(text: str, source: str, settings: Settings) -> None:
    if not text.strip():
        raise IngestionError(source, "empty document: no text after decoding")
    if len(text) > settings.max_chars:
        raise IngestionError(
            source,
            f"text too large: {len(text):,} characters, limit {settings.max_chars:,}",
        )
    if "\x00" in text:
        raise IngestionError(
            source, f"binary content: NUL character at offset {text.index(chr(0))}"
        )
    controls = sum(
        1
        for character in text
        if unicodedata.category(character) == "Cc" and character not in _ALLOWED_CONTROLS
    )
    if controls > max(8, _MAX_CONTROL_RATIO * len(text)):
        raise IngestionError(
            source, f"binary content: {controls:,} control characters in {len(text):,}"
        )


def make_document(
    text: str,
    source: str,
    *,
    hints: Hints | None = None,
    format: DocumentFormat = "text",
    settings: Settings | None = None,
) -> Document:
    """Normalise text, check it and wrap it as a Document."""
    settings = settings or Settings()
    normalized = normalize_text(text)
    _check_text(normalized, source, settings)
    return Document(
        id=document_id(normalized),
        source=source,
        text=normalized,
        format=format,
        hints=hints or Hints(),
    )


def _check_size(data: bytes, source: str, settings: Settings) -> None:
    # Four bytes per character is the most UTF-8 needs: a larger input cannot fit.
    if len(data) > 4 * settings.max_chars:
        raise IngestionError(
            source,
            f"input too large: over {4 * settings.max_chars:,} bytes "
            f"(limit {settings.max_chars:,} characters of text)",
        )


def document_from_html(html: str, source: str, settings: Settings | None = None) -> Document:
    """Extract the main text of an HTML page with trafilatura, and what the page declares.

    The text is the page's declared headline (when the extracted text does not already
    open with it), a blank line, and trafilatura's main text: the headline is then part of
    the text, so anatomy's headline span points at it.
    """
    page_tree, _ = _parse_html(html, huge=False)
    metadata = read_page_metadata(page_tree) if page_tree is not None else PageMetadata()
    extracted = _extract_html(html)
    text = getattr(extracted, "text", None) if extracted is not None else None
    warnings: tuple[str, ...] = ()
    fallback_title: str | None = None
    if not text or not text.strip():
        # lxml's default parser stops reading at 256 levels of nesting (and at huge text
        # nodes) and trafilatura then finds an empty page: parse such a page again with
        # lxml's huge_tree limits (2,048 levels), and past those read its text plainly.
        tree, limited = _parse_html(html, huge=False)
        if not limited:
            raise IngestionError(source, "malformed or empty HTML: no article text found")
        tree, limited = _parse_html(html, huge=True)
        if tree is not None and not limited:
            extracted = _extract_html(tree)
            text = getattr(extracted, "text", None) if extracted is not None else None
            warnings = ("HTML nested deeper than 255 levels: extracted with lxml's huge_tree",)
        else:
            extracted = None
            fallback_title, text = _page_text(html)
            warnings = (
                "HTML nested deeper than 2,048 levels: read as plain text with every tag "
                "removed (navigation and boilerplate included)",
            )
        if not text or not text.strip():
            raise IngestionError(source, "malformed or empty HTML: no article text found")
    declared = declared_headline(metadata, _first_lines(text))
    title = getattr(extracted, "title", None) or fallback_title
    title_source = "trafilatura" if title else None
    if declared is not None:
        title, title_source = declared.value, declared.source
    author = getattr(extracted, "author", None) or None
    authors = clean_author_names(author.split(";")) if author else ()
    # Keep the headline inside the text so that its span can point at it.
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}"
    printed: list[Declared] = []
    updated: list[Declared] = []
    if page_tree is not None and title:
        for found in printed_dates(page_tree, title):
            place = "beside" if found.distance <= BESIDE_HEADLINE_CHARS else "near"
            (updated if found.updated else printed).append(
                Declared(found.value, f"printed:{place}-headline")
            )
    site_name = getattr(extracted, "sitename", None) or None
    published = _page_date(getattr(extracted, "date", None))
    hints = Hints(
        title=title,
        title_source=title_source,
        authors=authors,
        published=published,
        published_source="htmldate" if published else None,
        site_name=site_name or next((site.value for site in metadata.site_names), None),
        url=getattr(extracted, "url", None) or metadata.url,
        headlines=metadata.headlines,
        site_names=metadata.site_names,
        declared_authors=metadata.authors,
        declared_published=metadata.published,
        declared_modified=metadata.modified + tuple(updated),
        printed_dates=tuple(printed),
    )
    document = make_document(text, source, hints=hints, format="html", settings=settings)
    return replace(document, warnings=warnings) if warnings else document


def _first_lines(text: str) -> list[str]:
    """The first lines of extracted text, where a page prints its headline if it does."""
    lines = (line.strip() for line in text[:FIRST_LINES_CHARS].split("\n"))
    return [line for line in lines if line][:FIRST_LINES]


def _extract_html(page: Any) -> Any:
    """trafilatura's extraction of a page given as text or as a parsed lxml tree."""
    import trafilatura

    return trafilatura.bare_extraction(
        page,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )


def _parse_html(html: str, *, huge: bool) -> tuple[Any, bool]:
    """The page as an lxml tree (None if it has none) and whether a parser limit cut it."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=huge, remove_comments=True, encoding="utf-8")
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8", errors="replace"), parser)
    except lxml.etree.ParserError:
        return None, False
    limited = any(
        entry.type == lxml.etree.ErrorTypes.ERR_RESOURCE_LIMIT for entry in parser.error_log
    )
    return tree, limited


# Elements whose content is not running text; their closing tag ends them.
_NOT_TEXT = ("script", "style", "noscript", "template", "textarea", "title")
_CLOSING_TAGS = {name: re.compile(rf"</{name}\b", re.IGNORECASE) for name in _NOT_TEXT}
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]{0,63})")
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)


def _page_text(html: str) -> tuple[str | None, str]:
    """The title and the text of a page with its tags removed, block tags as line breaks.

    A single forward scan with no tree, so it has no nesting limit and stays linear on
    any input (the standard library's HTMLParser is quadratic on some).
    """
    parts: list[str] = []
    title: str | None = None
    position, length = 0, len(html)
    while position < length:
        start = html.find("<", position)
        if start < 0:
            parts.append(html[position:])
            break
        parts.append(html[position:start])
        if html.startswith("<!--", start):
            end = html.find("-->", start + 4)
            position = length if end < 0 else end + 3
            continue
        if html.startswith(("<!", "<?"), start):
            end = html.find(">", start)
            position = length if end < 0 else end + 1
            continue
        tag = _TAG_NAME.match(html, start)
        if tag is None:
            # A "<" that starts no tag ("a < b") is text.
            parts.append("<")
            position = start + 1
            continue
        end = html.find(">", tag.end())
        if end < 0:
            break
        position = end + 1
        name = tag.group(1).lower()
        if name in _BLOCK_TAGS:
            parts.append("\n")
        elif name in _CLOSING_TAGS and not tag.group(0).startswith("</"):
            closing = _CLOSING_TAGS[name].search(html, position)
            content_end = length if closing is None else closing.start()
            if name == "title" and title is None:
                title = " ".join(unescape(html[position:content_end]).split()) or None
            close = -1 if closing is None else html.find(">", closing.end())
            position = length if close < 0 else close + 1
    lines = (" ".join(line.split()) for line in unescape("".join(parts)).split("\n"))
    return title, "\n".join(line for line in lines if line)


def _page_date(value: str | None) -> str | None:
    """htmldate's timestamp, cut to the date when the page gave no time of day."""
    if not value:
        return None
    # htmldate fills a missing time with midnight and no offset: that is not a fact.
    if value.endswith("T00:00:00"):
        return value[: -len("T00:00:00")]
    return value


def _record_document(record: Any, source: str, settings: Settings | None) -> Document:
    if not isinstance(record, dict):
        raise IngestionError(
            source, f"malformed record: expected a JSON object, got {type(record).__name__}"
        )
    repaired: list[str] = []

    def clean(name: str, value: str) -> str:
        fixed = replace_lone_surrogates(value)
        if fixed != value:
            repaired.append(name)
        return fixed

    def optional(name: str) -> str | None:
        value = record.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise IngestionError(source, f"malformed record: field '{name}' is not a string")
        return clean(name, value)

    text = record.get("text")
    if not isinstance(text, str):
        raise IngestionError(source, "malformed record: field 'text' missing or not a string")
    text = clean("text", text)
    title = optional("title")
    country = optional("country")
    if country is not None and country_code(country) is None:
        raise IngestionError(
            source,
            f"malformed record: field 'country' {country!r} is not an ISO 3166-1 alpha-2 code",
        )
    hints = Hints(
        title=title,
        title_source="record" if title is not None else None,
        published=optional("published"),
        url=optional("url"),
        outlet=optional("outlet"),
        country=country_code(country) if country is not None else None,
    )
    document = make_document(text, source, hints=hints, format="record", settings=settings)
    if not repaired:
        return document
    fields = ", ".join(f"'{name}'" for name in repaired)
    return replace(
        document, warnings=(f"lone surrogate escapes replaced with U+FFFD in field(s) {fields}",)
    )


def country_code(printed: str) -> str | None:
    """The ISO 3166-1 alpha-2 code a user or a record gives ("us" -> "US"), else None."""
    import pycountry

    code = printed.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return None
    return code if pycountry.countries.get(alpha_2=code) is not None else None


def documents_from_bytes(
    data: bytes,
    source: str,
    kind: InputKind,
    settings: Settings | None = None,
) -> Iterator[Document | IngestionError]:
    """Every document in one input; a bad record yields its error, good ones still come."""
    settings = settings or Settings()
    try:
        _check_size(data, source, settings)
        if not data.strip():
            raise IngestionError(source, "empty input")
        text, decoding_warnings = _decode(data, source, few_nuls_allowed=kind == "html")
    except IngestionError as error:
        yield error
        return
    for result in _documents_from_text(text, source, kind, settings):
        if decoding_warnings and isinstance(result, Document):
            result = replace(result, warnings=decoding_warnings + result.warnings)
        yield result


def _documents_from_text(
    text: str, source: str, kind: InputKind, settings: Settings
) -> Iterator[Document | IngestionError]:
    if kind == "warc":
        # An archive streams from its file (adapters/inputs.py), record by record.
        yield IngestionError(source, "a WARC archive is read from its file, not from bytes")
    elif kind == "text":
        yield _guard(make_document, text, source, settings=settings)
    elif kind == "html":
        yield _guard(document_from_html, text, source, settings)
    elif kind == "json":
        try:
            parsed = _parse_json(text, source, with_line=True)
        except IngestionError as error:
            yield error
            return
        records = parsed if isinstance(parsed, list) else [parsed]
        for index, record in enumerate(records):
            record_source = source if len(records) == 1 else f"{source}#{index + 1}"
            yield _guard(_record_document, record, record_source, settings)
    else:
        for line_number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield _line_document(line, f"{source}#{line_number}", settings)


def document_from_record(
    record: Mapping[str, Any], source: str, settings: Settings | None = None
) -> Document | IngestionError:
    """A record's fields (``text``, ``title``, ``url``, ``published``, ``outlet``,
    ``country``) as a document, or why it cannot be one; a Parquet row, for instance."""
    return _guard(_record_document, dict(record), source, settings)


def document_from_json_line(
    data: bytes, source: str, settings: Settings | None = None
) -> Document | IngestionError:
    """One line of a JSONL file (``source`` already names the line) as a document, or why not.

    The line is checked, decoded and read as one record of a ``.jsonl`` file would be, so
    a reader that splits a large file into lines (the Spark job) gets the same documents.
    """
    settings = settings or Settings()
    try:
        _check_size(data, source, settings)
        text, decoding_warnings = _decode(data, source)
    except IngestionError as error:
        return error
    result = _line_document(text, source, settings)
    if decoding_warnings and isinstance(result, Document):
        result = replace(result, warnings=decoding_warnings + result.warnings)
    return result


def _line_document(line: str, source: str, settings: Settings) -> Document | IngestionError:
    try:
        record = _parse_json(line, source, with_line=False)
    except IngestionError as error:
        return error
    return _guard(_record_document, record, source, settings)


def _parse_json(text: str, source: str, *, with_line: bool) -> Any:
    """The parsed JSON, or an IngestionError saying in one line why it cannot be read."""
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        where = (
            f"line {error.lineno} column {error.colno}" if with_line else f"column {error.colno}"
        )
        raise IngestionError(source, f"malformed JSON at {where}: {error.msg}") from None
    except RecursionError:
        raise IngestionError(source, "malformed JSON: nested too deeply to read") from None


def _parse_int(digits: str) -> int | float:
    # No field claimscope reads is a number: an integer too long for int() becomes a
    # float (inf) so that the rest of the record still reads.
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else float(digits)


def _guard(build: Callable[..., Document], *args: Any, **kwargs: Any) -> Document | IngestionError:
    try:
        return build(*args, **kwargs)
    except IngestionError as error:
        return error
