"""The document as ingested: normalised text plus the hints its container gave."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocumentFormat = Literal["text", "html", "record"]


@dataclass(frozen=True)
class Hints:
    """Metadata that came with the document (HTML meta tags, JSON record fields).

    Stages treat hints as evidence, not as truth: anatomy prefers what the text
    itself prints and falls back to hints.
    """

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    site_name: str | None = None
    url: str | None = None
    outlet: str | None = None
    country: str | None = None
    """The state the document is about when its text does not say (ISO 3166-1 alpha-2),
    given by the corpus or the user; "the Constitution" unqualified then means its."""


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
