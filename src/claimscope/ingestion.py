"""Ingestion: bytes to a normalised :class:`Document`.

Pure functions (no file access): adapters read the bytes and hand them here.
Normalisation happens once, here: byte-order marks and encodings, Unicode NFC,
newline folding. Every later offset refers to the text this module returns.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from claimscope.document import Document, DocumentFormat, Hints

DEFAULT_MAX_CHARS = 5_000_000
"""Default limit on the normalised text of one document (characters)."""

InputKind = Literal["text", "html", "json", "jsonl"]

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
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise IngestionError(
                    source, f"undecodable bytes at offset {error.start} for {encoding} BOM"
                ) from None
    if b"\x00" in data:
        nul_offset = data.index(b"\x00")
        raise IngestionError(source, f"binary content: NUL byte at offset {nul_offset}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
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
                return str(match)
        return str(best)


def normalize_text(text: str) -> str:
    """Unicode NFC and newline folding (CRLF, CR, line and paragraph separators)."""
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
    """Extract the main text and metadata of an HTML page with trafilatura."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        raise IngestionError(source, "malformed or empty HTML: no article text found")
    title = getattr(extracted, "title", None) or None
    author = getattr(extracted, "author", None) or None
    authors = tuple(name.strip() for name in author.split(";") if name.strip()) if author else ()
    # Keep the headline inside the text so that its span can point at it.
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}"
    hints = Hints(
        title=title,
        authors=authors,
        published=_page_date(getattr(extracted, "date", None)),
        site_name=getattr(extracted, "sitename", None) or None,
        url=getattr(extracted, "url", None) or None,
    )
    return make_document(text, source, hints=hints, format="html", settings=settings)


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
    text = record.get("text")
    if not isinstance(text, str):
        raise IngestionError(source, "malformed record: field 'text' missing or not a string")

    def optional(name: str) -> str | None:
        value = record.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise IngestionError(source, f"malformed record: field '{name}' is not a string")
        return value

    title = optional("title")
    country = optional("country")
    if country is not None and country_code(country) is None:
        raise IngestionError(
            source,
            f"malformed record: field 'country' {country!r} is not an ISO 3166-1 alpha-2 code",
        )
    hints = Hints(
        title=title,
        published=optional("published"),
        url=optional("url"),
        outlet=optional("outlet"),
        country=country_code(country) if country is not None else None,
    )
    return make_document(text, source, hints=hints, format="record", settings=settings)


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
        text = decode_bytes(data, source)
    except IngestionError as error:
        yield error
        return
    if kind == "text":
        yield _guard(make_document, text, source, settings=settings)
    elif kind == "html":
        yield _guard(document_from_html, text, source, settings)
    elif kind == "json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            yield IngestionError(
                source, f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}"
            )
            return
        records = parsed if isinstance(parsed, list) else [parsed]
        for index, record in enumerate(records):
            record_source = source if len(records) == 1 else f"{source}#{index + 1}"
            yield _guard(_record_document, record, record_source, settings)
    else:
        for line_number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            record_source = f"{source}#{line_number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield IngestionError(
                    record_source, f"malformed JSON at column {error.colno}: {error.msg}"
                )
                continue
            yield _guard(_record_document, record, record_source, settings)


def _guard(build: Callable[..., Document], *args: Any, **kwargs: Any) -> Document | IngestionError:
    try:
        return build(*args, **kwargs)
    except IngestionError as error:
        return error
