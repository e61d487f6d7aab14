"""What the HTML report of a stored document shows in its "Where else" panel.

Plain data gathered from the corpus store (``claimscope corpus show ID --format html``);
the report renders it (``html.render_html``). A dossier analysed on its own has no panel.
Every field is text to escape, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Appearance:
    """One sighting of this text, or of a near-identical one, in the store."""

    document_id: str
    source: str
    outlet: str | None
    published: str | None
    similarity: float
    """Estimated Jaccard of the best-matching parts of its document and the earliest one."""
    shared: str | None
    """Which part of its document matches, in words ("paragraph, characters 120-560")."""
    earliest: bool
    this_document: bool


@dataclass(frozen=True)
class ClaimElsewhere:
    """A claim of this document that other stored documents carry, worded almost alike."""

    text: str
    documents: int
    outlets: list[str]
    first_seen: str | None
    last_seen: str | None
    speakers: list[str]


@dataclass(frozen=True)
class SignedElsewhere:
    """A signatory of this document and the other stored documents the same actor signed."""

    name: str
    kind: str
    documents: list[tuple[str, str | None, str | None]]
    """(document id, title, publication) of each other document."""


@dataclass(frozen=True)
class WhereElse:
    """The "Where else" panel of one stored document."""

    appearances: list[Appearance] = field(default_factory=list)
    timeline: list[tuple[datetime, str]] = field(default_factory=list)
    """The timed appearances as (time, outlet), for the timeline."""
    claims: list[ClaimElsewhere] = field(default_factory=list)
    signatories: list[SignedElsewhere] = field(default_factory=list)
