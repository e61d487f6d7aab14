"""The fields of a dossier people search and filter on, read from its JSON form.

Pure functions over the dossier's plain JSON dict (the form it is stored in), so that the
store and its migrations (which backfill older rows) read dossiers the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
