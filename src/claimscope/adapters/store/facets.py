"""The fields of a dossier people search and filter on, read from its JSON form.

Pure functions over the dossier's plain JSON dict (the form it is stored in), so that the
store, its migrations (which backfill older rows), ``corpus export`` and the Spark job's
Parquet output read dossiers the same way: :func:`searchable_fields` is the one definition
of a document's searchable fields.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from claimscope.document import Hints

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_COUNTRY_ID = re.compile(r"country:([A-Z]{2})\Z")


@dataclass
class Facets:
    """What the facet tables hold for one document."""

    signatories: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)
    """(person, organization, country) of each signatory."""
    techniques: dict[str, int] = field(default_factory=dict)
    citations: dict[tuple[str, str | None], int] = field(default_factory=dict)
    """How often each (kind, issuer) is cited."""
    countries: set[str] = field(default_factory=set)


def facets_of(dossier: Mapping[str, Any]) -> Facets:
    """The facet rows of one dossier (a JSON dict of the dossier contract)."""
    facets = Facets()
    for signatory in dossier.get("signatories") or ():
        person, organization = signatory.get("person"), signatory.get("organization")
        country = signatory.get("country")
        if person or organization:
            facets.signatories.append((person, organization, country))
        if country:
            facets.countries.add(country)
    facets.techniques = dict(Counter(span["technique"] for span in dossier.get("techniques") or ()))
    facets.citations = dict(
        Counter(
            (citation["kind"], citation.get("issuer"))
            for citation in dossier.get("citations") or ()
        )
    )
    country = document_country(dossier)
    if country:
        facets.countries.add(country)
    for entity in dossier.get("entities") or ():
        match = _COUNTRY_ID.match(entity.get("id") or "")
        if match:
            facets.countries.add(match.group(1))
    return facets


def document_country(dossier: Mapping[str, Any]) -> str | None:
    """The country the document is filed from: its dateline's."""
    dateline = (dossier.get("anatomy") or {}).get("dateline") or {}
    country = dateline.get("country")
    return country if isinstance(country, str) else None


def headline(dossier: Mapping[str, Any]) -> str | None:
    """The headline the anatomy stage found."""
    found = (dossier.get("anatomy") or {}).get("headline") or {}
    text = found.get("text")
    return text if isinstance(text, str) else None


def published(dossier: Mapping[str, Any]) -> str | None:
    """The publication time the anatomy stage read (ISO 8601), if any."""
    value = (dossier.get("anatomy") or {}).get("published")
    return value if isinstance(value, str) else None


def date_of(value: str | None) -> date | None:
    """The calendar date an ISO 8601 date or time starts with, else None."""
    if not value:
        return None
    match = _ISO_DATE.match(value.strip())
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


@dataclass(frozen=True)
class SearchableFields:
    """A document's searchable fields: the store's columns, the export's and the Spark job's."""

    title: str | None
    headline: str | None
    language: str | None
    published: str | None
    """The publication time the text prints, else the one its container gave."""
    published_on: date | None
    """The publication date, else the capture date (what --since and --until compare)."""
    country: str | None
    """The dateline's country, else the one the record or user gave."""
    countries: list[str]
    signatories: list[str]
    """Each signatory as "person — organisation" (either alone when the other is missing)."""
    techniques: list[str]
    citations: list[str]
    """Each cited kind, as "kind: issuer" when the issuer is known."""


def searchable_fields(dossier: Mapping[str, Any], hints: Hints) -> SearchableFields:
    """The searchable fields of one document, from its dossier's JSON and its hints."""
    found = facets_of(dossier)
    when = published(dossier) or hints.published
    language = (dossier.get("document") or {}).get("language")
    return SearchableFields(
        title=hints.title,
        headline=headline(dossier),
        language=language if isinstance(language, str) else None,
        published=when,
        published_on=date_of(when) or date_of(hints.captured),
        country=document_country(dossier) or hints.country,
        countries=sorted(found.countries),
        signatories=[
            " — ".join(part for part in (person, organization) if part)
            for person, organization, _ in found.signatories
        ],
        techniques=sorted(found.techniques),
        citations=sorted(
            {f"{kind}: {issuer}" if issuer else kind for kind, issuer in found.citations}
        ),
    )
