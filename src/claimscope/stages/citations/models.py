"""The typed results: a find, an issuer, a known document, and the issuer table loaded once."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from claimscope.data import load_table
from claimscope.stages.citations.patterns import NOT_WORD_AFTER, NOT_WORD_BEFORE


@dataclass(frozen=True)
class Found:
    """One reference an extractor found, before overlaps are resolved."""

    kind: str
    start: int
    end: int
    issuer: str | None = None
    date: str | None = None
    date_inferred: bool = False
    number: str | None = None
    pinpoint: str | None = None
    title: str | None = None
    owner_start: int | None = None
    """Where a possessive or "its" sits whose state the issuer is resolved from."""

    @property
    def kind_role(self) -> str:
        """The national role that issues this kind of document."""
        return {"constitution": "constitution", "law": "legislature"}.get(self.kind, "executive")


@dataclass(frozen=True)
class Issuer:
    """A body that issues documents: its full name, kind and, for a national body, state."""

    name: str
    kind: str
    country: str | None
    role: str | None = None
    """For an unqualified name ("the Supreme Court"): the national role it stands for."""


@dataclass(frozen=True)
class KnownDocument:
    """A document cited by a name no pattern recognises ("JCPOA", "Obamacare")."""

    kind: str
    title: str | None
    issuer: str | None
    pinpoint: str | None
    context: tuple[str, ...]


@dataclass(frozen=True)
class IssuerTable:
    """Issuer names (full names, aliases, exact-case acronyms) and a pattern finding them."""

    by_name: dict[str, Issuer]
    pattern: re.Pattern[str]
    national: dict[str, dict[str, Any]]
    default_country: str | None
    documents: dict[str, KnownDocument]
    inspectors_general: dict[str, str]
    documents_pattern: re.Pattern[str] | None
    act_issuers: dict[str, str] = field(default_factory=dict)
    """Acts whose title alone settles who passed them, by title ("Patriot Act")."""
    acts_pattern: re.Pattern[str] | None = None

    def lookup(self, printed: str) -> Issuer | None:
        """The issuer a printed name denotes ("ICJ", "the Security Council")."""
        name = " ".join(printed.split())
        if name.startswith(("the ", "The ")):
            name = name[4:]
        return self.by_name.get(name)


@functools.cache
def issuer_table() -> IssuerTable:
    """Issuers from ``organizations.json`` and ``citation_issuers.json``, loaded once."""
    by_name: dict[str, Issuer] = {}
    rows = [(raw, None) for raw in load_table("organizations.json")["organizations"]] + [
        (raw, raw.get("country")) for raw in load_table("citation_issuers.json")["issuers"]
    ]
    for raw, country in rows:
        issuer = Issuer(name=raw["name"], kind=raw["kind"], country=country)
        for name in [raw["name"], *raw["aliases"], *raw["acronyms"]]:
            if name.startswith("the "):
                name = name[4:]
            by_name.setdefault(name, issuer)
    data = load_table("citation_issuers.json")
    national: dict[str, dict[str, Any]] = data["national"]
    for bodies in national.values():
        for generic in bodies["generic_names"]:
            kind = "court" if "Court" in generic else "parliament"
            by_name.setdefault(generic, Issuer(name=generic, kind=kind, country=None, role=kind))
    documents: dict[str, KnownDocument] = {}
    for raw in data["documents"]:
        document = KnownDocument(
            kind=raw["kind"],
            title=raw.get("title"),
            issuer=raw.get("issuer"),
            pinpoint=raw.get("pinpoint"),
            context=tuple(raw.get("context", ())),
        )
        for name in raw["names"]:
            documents.setdefault(name, document)
    act_issuers = {
        title: issuer for issuer, titles in data.get("acts", {}).items() for title in titles
    }
    return IssuerTable(
        by_name=by_name,
        pattern=_literal_pattern(by_name),
        national=national,
        default_country=data.get("default_country"),
        documents=documents,
        inspectors_general=dict(data.get("inspectors_general", {})),
        documents_pattern=_literal_pattern(documents) if documents else None,
        act_issuers=act_issuers,
        acts_pattern=_literal_pattern(act_issuers) if act_issuers else None,
    )


def _literal_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any of the names as whole words, longest first."""
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(
        NOT_WORD_BEFORE
        + "(?:"
        + "|".join(re.escape(name) for name in ordered)
        + ")"
        + NOT_WORD_AFTER
    )
