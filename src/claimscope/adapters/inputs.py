"""Reading inputs from the file system and standard input (the I/O side of ingestion)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from claimscope.document import Document
from claimscope.ingestion import (
    IngestionError,
    InputKind,
    Settings,
    documents_from_bytes,
    kind_for_name,
)

STDIN = "-"


def sniff_kind(data: bytes) -> InputKind:
    """Guess the kind of standard input from its first non-blank characters."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<p")):
        return "html"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        first_line = head.split(b"\n", 1)[0].rstrip()
        return "jsonl" if first_line.endswith(b"}") and b"\n" in head.strip() else "json"
    return "text"


def expand_paths(paths: list[str]) -> Iterator[tuple[str, InputKind] | IngestionError]:
    """Each input file with its kind, directories expanded in sorted order; problems as errors."""
    for raw in paths:
        if raw == STDIN:
            yield (STDIN, "text")
            continue
        path = Path(raw)
        if path.is_dir():
            found = False
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                kind = kind_for_name(child.name)
                if kind is not None:
                    found = True
                    yield (str(child), kind)
            if not found:
                yield IngestionError(
                    raw, "directory holds no supported file (.txt, .html, .json, .jsonl)"
                )
        elif path.is_file():
            kind = kind_for_name(path.name)
            yield (raw, kind or "text")
        elif path.exists():
            yield IngestionError(raw, "not a regular file")
        else:
            yield IngestionError(raw, "no such file or directory")


def read_documents(
    paths: list[str], settings: Settings | None = None
) -> Iterator[Document | IngestionError]:
    """Every document named by the paths, in order; unreadable inputs come as errors."""
    settings = settings or Settings()
    for item in expand_paths(paths):
        if isinstance(item, IngestionError):
            yield item
            continue
        source, kind = item
        try:
            if source == STDIN:
                data = sys.stdin.buffer.read(4 * settings.max_chars + 1)
                kind = sniff_kind(data)
            else:
                with open(source, "rb") as handle:
                    data = handle.read(4 * settings.max_chars + 1)
        except OSError as error:
            yield IngestionError(source, f"cannot read: {error.strerror}")
            continue
        yield from documents_from_bytes(data, source, kind, settings)
