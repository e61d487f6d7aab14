"""The document as ingested: normalised text plus the hints its container gave."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocumentFormat = Literal["text", "html", "record"]


@dataclass(frozen=True)
class Declared:
    """A value a page declares about itself and where: "json-ld:NewsArticle.headline",
    "meta:og:title", "meta:article:published_time", "itemprop:author", "h1", "title"."""

    value: str
    source: str


@dataclass(frozen=True)
class Hints:
    """Metadata that came with the document (HTML meta tags, JSON record fields).

    Stages treat hints as evidence, not as truth: anatomy prefers what the text
    itself prints and falls back to hints.
    """

    title: str | None = None
    """The headline the container declares: a record's title; for an HTML page the one its
    declarations agree on, the site name removed (``title_source`` says where from)."""
    authors: tuple[str, ...] = ()
    """Authors as the container gives them (for HTML, trafilatura's reading)."""
    published: str | None = None
    """The publication time as given (for HTML, htmldate's with ``original_date``)."""
    published_source: str | None = None
    """Where ``published`` came from: "htmldate" for an HTML page, None when given."""
    site_name: str | None = None
    url: str | None = None
    outlet: str | None = None
    country: str | None = None
    """The state the document is about when its text does not say (ISO 3166-1 alpha-2),
    given by the corpus or the user; "the Constitution" unqualified then means its."""
    title_source: str | None = None
    headlines: tuple[Declared, ...] = ()
    """Every headline an HTML page declares (JSON-LD, microdata, OpenGraph, h1, title)."""
    site_names: tuple[Declared, ...] = ()
    declared_authors: tuple[Declared, ...] = ()
    """Authors an HTML page declares in JSON-LD, meta tags or microdata."""
    declared_published: tuple[Declared, ...] = ()
    """Publication times an HTML page declares, the strongest declaration first."""
    declared_modified: tuple[Declared, ...] = ()
    """Modification times an HTML page declares, and dates it prints after an update cue."""
    printed_dates: tuple[Declared, ...] = ()
    """ISO days an HTML page prints near its headline, the nearest first; the source is
    "printed:beside-headline" (within a line of it) or "printed:near-headline"."""
    captured: str | None = None
    """When an archive captured the page (a WARC record's date, ISO 8601): when this copy
    was seen, not when it was published."""


@dataclass(frozen=True)
class Document:
    """Normalised text with its identity; never rewritten after ingestion."""

    id: str
    source: str
    text: str
    format: DocumentFormat = "text"
    hints: Hints = field(default_factory=Hints)
    warnings: tuple[str, ...] = ()
    """What ingestion had to repair to read the document (bytes replaced, a fallback
    extraction); the document is still analysed, and its reader should know."""
