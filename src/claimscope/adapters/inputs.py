"""Reading inputs from the file system and standard input (the I/O side of ingestion)."""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import replace
from typing import Any, BinaryIO, NamedTuple, TypeVar

from claimscope.document import Document
from claimscope.ingestion import (
    IngestionError,
    InputKind,
    Settings,
    documents_from_bytes,
    kind_for_name,
    replace_lone_surrogates,
)

STDIN = "-"
_READ_CHUNK = 1 << 20
_SUPPORTED = ".txt, .html, .json, .jsonl, .warc"
K = TypeVar("K", bound=str)

_FILE_TYPES = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


# A WARC file starts with its version line; a .warc.gz with gzip's magic number.
_WARC_STARTS = (b"WARC/", b"\x1f\x8b")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def sniff_kind(data: bytes) -> InputKind:
    """Guess the kind of standard input from its first non-blank characters."""
    if data.startswith(_WARC_STARTS):
        return "warc"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<p")):
        return "html"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        first_line = head.split(b"\n", 1)[0].rstrip()
        return "jsonl" if first_line.endswith(b"}") and b"\n" in head.strip() else "json"
    return "text"


# A URI with a scheme (s3://, hdfs://, file://), read through pyarrow's file systems.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}://")


def is_uri(path: str) -> bool:
    """Whether an input names a URI (``s3://…``, ``hdfs://…``, ``file://…``), not a local path."""
    return _URI.match(path) is not None


def shown(path: str) -> str:
    """A path as it may be printed and serialised: undecodable bytes of its name as U+FFFD."""
    # Python keeps undecodable bytes of file names as lone surrogates, which no UTF-8
    # output (terminal, JSON dossier) can carry.
    return replace_lone_surrogates(path)


def expand_paths(paths: list[str]) -> Iterator[tuple[str, InputKind] | IngestionError]:
    """Each input file with its kind, directories expanded in sorted order; problems as errors.

    Inside a directory, files with an unsupported suffix are passed over; anything that
    cannot be read as a file (a FIFO, a device, a socket, a dangling or looping symbolic
    link, a directory reached a second time through a link) is reported.
    """
    return expand_paths_by(paths, kind_for_name, "text", _SUPPORTED)


def expand_paths_by(
    paths: list[str], kind_of: Callable[[str], K | None], default: K, supported: str
) -> Iterator[tuple[str, K] | IngestionError]:
    """:func:`expand_paths` with another reading of file names: ``kind_of`` gives a name's
    kind (None: not an input inside a directory), ``default`` that of a file named
    explicitly with another suffix, ``supported`` the suffixes as an error lists them."""
    for raw in paths:
        if raw == STDIN:
            yield (STDIN, default)
            continue
        status = _status(raw)
        if isinstance(status, str):
            yield IngestionError(shown(raw), status)
        elif stat.S_ISDIR(status.st_mode):
            yield from _walk(raw, status, kind_of, supported)
        else:
            yield (raw, kind_of(raw) or default)


def _status(path: str) -> os.stat_result | str:
    """The status of a directory or regular file the path leads to, else the problem."""
    try:
        status = os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        if error.errno == errno.ENOENT:
            return "dangling symbolic link" if os.path.islink(path) else "no such file or directory"
        return f"cannot read: {error.strerror}"
    if stat.S_ISDIR(status.st_mode) or stat.S_ISREG(status.st_mode):
        return status
    return f"not a regular file: {_FILE_TYPES.get(stat.S_IFMT(status.st_mode), 'a special file')}"


def _walk(
    root: str, root_status: os.stat_result, kind_of: Callable[[str], K | None], supported: str
) -> Iterator[tuple[str, K] | IngestionError]:
    """The files below a directory, depth first in sorted order, each directory read once."""
    # Symbolic links to directories are followed; the (device, inode) of each directory
    # read stops a link back to an ancestor from recursing forever. An explicit stack,
    # not recursion, so that a very deep tree cannot exhaust Python's stack.
    seen = {(root_status.st_dev, root_status.st_ino): root}
    found = False
    stack = [_listing(root)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if isinstance(entry, IngestionError):
            yield entry
            continue
        status = _status(entry)
        if isinstance(status, str):
            yield IngestionError(shown(entry), status)
        elif stat.S_ISDIR(status.st_mode):
            identity = (status.st_dev, status.st_ino)
            if identity in seen:
                yield IngestionError(
                    shown(entry),
                    f"directory already read as {shown(seen[identity])}: "
                    "a symbolic link leads back to it",
                )
            else:
                seen[identity] = entry
                stack.append(_listing(entry))
        else:
            kind = kind_of(os.path.basename(entry))
            if kind is not None:
                found = True
                yield (entry, kind)
    if not found:
        yield IngestionError(shown(root), f"directory holds no supported file ({supported})")


def _listing(directory: str) -> Iterator[str | IngestionError]:
    """The paths in a directory, sorted by name, or the error of reading it."""
    try:
        with os.scandir(directory) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError as error:
        yield IngestionError(shown(directory), f"cannot read directory: {error.strerror}")
        return
    for name in names:
        yield os.path.join(directory, name)


def read_documents(
    paths: list[str], settings: Settings | None = None
) -> Iterator[Document | IngestionError]:
    """Every document named by the paths, in order; unreadable inputs come as errors."""
    settings = settings or Settings()
    # One byte more than the largest acceptable input, so that ingestion sees it is over.
    limit = 4 * settings.max_chars + 1
    for item in expand_paths(paths):
        if isinstance(item, IngestionError):
            yield item
            continue
        path, kind = item
        source = shown(path)
        try:
            if path == STDIN:
                if sys.stdin is None:
                    yield IngestionError(source, "no standard input")
                    continue
                # A WARC archive streams record by record: look at its start without reading.
                peek = getattr(sys.stdin.buffer, "peek", None)
                if peek is not None and sniff_kind(peek(8)[:8]) == "warc":
                    yield from read_warc(sys.stdin.buffer, source, settings)
                    continue
                data = read_at_most(sys.stdin.buffer, limit)
                kind = sniff_kind(data)
            elif kind == "warc":
                with open_file(path) as handle:
                    yield from read_warc(handle, source, settings)
                continue
            else:
                data = _read_file(path, limit)
        except IngestionError as error:
            yield error
            continue
        except OSError as error:
            yield IngestionError(source, f"cannot read: {error.strerror}")
            continue
        yield from documents_from_bytes(data, source, kind, settings)


def _read_file(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; anything else is an IngestionError."""
    with open_file(path) as handle:
        return read_at_most(handle, limit)


def open_file(path: str) -> BinaryIO:
    """A regular file opened for reading; anything else is an IngestionError."""
    # The file may have been replaced since it was listed: opening a FIFO without
    # O_NONBLOCK would wait for a writer forever, so open first, then check what it is.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    handle = os.fdopen(descriptor, "rb")
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        handle.close()
        kind = _FILE_TYPES.get(stat.S_IFMT(mode), "a special file")
        raise IngestionError(shown(path), f"not a regular file: {kind}")
    return handle


class WarcPage(NamedTuple):
    """The HTML payload of one WARC response record, before ingestion."""

    source: str
    data: bytes
    url: str | None
    captured: str | None


def read_warc(
    stream: BinaryIO, source: str, settings: Settings | None = None
) -> Iterator[Document | IngestionError]:
    """The HTML pages a WARC archive (plain or gzipped) captured, one document per record.

    See :func:`warc_pages` for which records are pages and how they are named.
    """
    settings = settings or Settings()
    for page in warc_pages(stream, source, 4 * settings.max_chars + 1):
        if isinstance(page, IngestionError):
            yield page
        else:
            yield from page_documents(page, settings)


def warc_pages(stream: BinaryIO, source: str, limit: int) -> Iterator[WarcPage | IngestionError]:
    """The HTML pages of a WARC archive as bytes (at most ``limit`` each), not yet ingested.

    Each ``response`` record with a 2xx HTML payload is a page whose source is
    ``SOURCE#N`` (N counts the archive's records from 1), its URL the record's target URI
    and its capture time the record's WARC-Date. Other records (requests, metadata,
    images, redirects) are not documents and are passed over. A record that cannot be
    read is an error for that record, and ends the archive: past a broken record, where
    the next one starts is unknown.
    """
    from warcio.archiveiterator import ArchiveIterator

    number = pages = 0
    records = iter(ArchiveIterator(stream))
    while True:
        number += 1
        try:
            record = next(records, None)
            if record is not None and record.format != "warc":
                # warcio also reads the older ARC format, and takes garbage for ARC.
                raise ValueError(f"not a WARC record ({record.format} format)")
            page = None if record is None else _warc_page(record, limit)
        # warcio reports a malformed archive with whatever its parser hit: its own
        # ArchiveLoadFailed, but also AttributeError, KeyError, ValueError, zlib.error or
        # EOFError from inside. Each is a bad input, never a reason to stop the batch.
        except Exception as error:
            yield IngestionError(f"{source}#{number}", f"broken WARC record: {_one_line(error)}")
            return
        if record is None:
            if number == 1:
                yield IngestionError(source, "empty WARC archive: no record")
            elif pages == 0:
                yield IngestionError(source, "WARC archive holds no HTML page (2xx response)")
            return
        if page is None:
            continue
        pages += 1
        data, url, captured = page
        yield WarcPage(f"{source}#{number}", data, url, captured)


def page_documents(
    page: WarcPage, settings: Settings | None = None
) -> Iterator[Document | IngestionError]:
    """The document of a WARC page, with the record's URL and capture time in its hints."""
    for item in documents_from_bytes(page.data, page.source, "html", settings):
        if isinstance(item, Document):
            item = replace(item, hints=replace(item.hints, url=page.url, captured=page.captured))
        yield item


def _warc_page(record: Any, limit: int) -> tuple[bytes, str | None, str | None] | None:
    """The HTML payload of a WARC response record, its target URI and capture time."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not status.startswith("2") or not content_type.startswith(_HTML_TYPES):
        return None
    data = read_at_most(record.content_stream(), limit)
    charset = _charset(content_type)
    if charset is not None:
        # The HTTP header names the encoding; ingestion's own detection is for when none does.
        with suppress(LookupError, UnicodeDecodeError):
            data = data.decode(charset).encode("utf-8")
    url = record.rec_headers.get_header("WARC-Target-URI")
    captured = record.rec_headers.get_header("WARC-Date")
    return data, url, captured


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.strip() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:200] if text else type(error).__name__


def read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes, read in chunks: a huge limit never sizes one buffer."""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = handle.read(min(remaining, _READ_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
