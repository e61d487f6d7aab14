"""A dossier's citations linked to the primary documents of the library, and to a passage.

A citation links to a document when what both say agrees and something identifies it:

- the kinds are the same or of one family (a court's order, judgment and advisory opinion;
  a treaty, agreement and joint statement, which news calls one another);
- a date (at the citation's precision: "2023", "2023-07", "2023-07-06"), a number
  ("2334 (2016)" and "S/RES/2334 (2016)" alike) or a title agrees;
- no kind, issuer, date or number that both give disagrees: an order of 6 July is not the
  order of 22 February, and the Security Council's resolution 2334 is not the General
  Assembly's.

A pinpoint ("Article 7", "paragraph 12", "para. 12", "§ 230") then picks the passage with
that label; where the document has no such heading, a numbered paragraph of that number
stands for it (a statement's point 7 is what news calls its "Article 7"), and the link says
so. A link is a pointer to read: it says the reference and the document agree, not that the
claim around the reference is right about the document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from claimscope.evidence.passages import Passage, PrimaryDocument, normal_number

# Kinds that news and documents use for one another.
KIND_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"court_order", "court_judgment", "advisory_opinion"}),
    frozenset({"treaty", "official_statement"}),
)
_PINPOINT = re.compile(
    r"^(?P<word>article|art\.?|section|sec\.?|§|paragraph|para\.?|paras?\.?|rule|chapter|part|"
    r"annex|point|clause|principle|regulation)\s{0,3}(?P<number>\d{1,4}[a-z]?|[ivxlc]{1,8})\b",
    re.IGNORECASE,
)
_PINPOINT_WORDS = {
    "art": "article",
    "sec": "section",
    "§": "section",
    "para": "paragraph",
    "paras": "paragraph",
}
_NUMBER_NOISE = re.compile(r"[\s.]")
_SYMBOL_PREFIX = re.compile(r"^[a-z]{1,3}/(?:res|dec)/", re.IGNORECASE)


class CitationLike(Protocol):
    """What linking reads of a dossier citation (:class:`claimscope.dossier.Citation`)."""

    @property
    def kind(self) -> str:
        """The cited document's kind."""
        ...

    @property
    def issuer(self) -> str | None:
        """Who issued it, in full."""
        ...

    @property
    def date(self) -> str | None:
        """Its ISO date, possibly a year or year-month only."""
        ...

    @property
    def number(self) -> str | None:
        """Its number or symbol."""
        ...

    @property
    def pinpoint(self) -> str | None:
        """The part of it cited ("Article 7")."""
        ...

    @property
    def title(self) -> str | None:
        """Its title."""
        ...


@dataclass(frozen=True)
class CitationLink:
    """A citation's document in the library and, for a pinpoint, the passage it names."""

    document_id: str
    agreed: tuple[str, ...]
    passage: int | None = None
    passage_by_number: bool = False
    """True when the pinpoint's word has no heading in the document and a numbered
    paragraph of the same number stands for it."""


def kinds_compatible(first: str | None, second: str | None) -> bool:
    """Whether two citation kinds can name one document (unknown kinds never conflict)."""
    if first is None or second is None or first == second:
        return True
    return any(first in family and second in family for family in KIND_FAMILIES)


def _fold(value: str) -> str:
    return " ".join(value.casefold().removeprefix("the ").split())


def _number_key(value: str) -> str:
    # "S/RES/2334 (2016)" and "2334 (2016)" name one resolution.
    return _NUMBER_NOISE.sub("", _SYMBOL_PREFIX.sub("", value.strip())).casefold()


def dates_agree(cited: str, documented: str) -> bool:
    """Whether a cited date (at its own precision) and a document's date are the same day."""
    precision = min(len(cited), len(documented))
    return cited[:precision] == documented[:precision]


def _agreement(citation: CitationLike, document: PrimaryDocument) -> tuple[str, ...] | None:
    """The fields that agree, or None when one disagrees or the kinds cannot match."""
    described = document.description
    if not kinds_compatible(citation.kind, described.kind):
        return None
    agreed: list[str] = []
    if citation.kind and described.kind:
        agreed.append("kind")
    if citation.issuer and described.issuer:
        if _fold(citation.issuer) != _fold(described.issuer):
            return None
        agreed.append("issuer")
    if citation.date and described.date:
        if not dates_agree(citation.date, described.date):
            return None
        agreed.append("date")
    if citation.number and described.number:
        if _number_key(citation.number) != _number_key(described.number):
            return None
        agreed.append("number")
    # Titles are printed in too many ways to rule a document out; one inside the other agrees.
    if citation.title and described.title and _fold(citation.title) in _fold(described.title):
        agreed.append("title")
    if not {"date", "number", "title"} & set(agreed):
        return None
    return tuple(agreed)


def parse_pinpoint(pinpoint: str) -> tuple[str, str] | None:
    """A pinpoint's word and number, normalised: "Art. 7" -> ("article", "7")."""
    match = _PINPOINT.match(pinpoint.strip())
    if match is None:
        return None
    word = match.group("word").casefold().rstrip(".")
    return _PINPOINT_WORDS.get(word, word), normal_number(match.group("number"))


def find_passage(document: PrimaryDocument, pinpoint: str) -> tuple[Passage, bool] | None:
    """The passage a pinpoint names, and whether a numbered paragraph stood in for it."""
    parsed = parse_pinpoint(pinpoint)
    if parsed is None:
        return None
    word, number = parsed
    labelled = [passage for passage in document.passages if passage.number == number]
    for passage in labelled:
        label_word = (passage.label or "").split(" ")[0].casefold()
        if _PINPOINT_WORDS.get(label_word.rstrip("."), label_word) == word:
            return passage, False
    if word != "paragraph":
        for passage in labelled:
            if (passage.label or "").startswith("paragraph "):
                return passage, True
    return None


def link_citation(
    citation: CitationLike, documents: Sequence[PrimaryDocument]
) -> list[CitationLink]:
    """The library's documents a citation names, most fields agreeing first."""
    links: list[CitationLink] = []
    for document in documents:
        agreed = _agreement(citation, document)
        if agreed is None:
            continue
        found = find_passage(document, citation.pinpoint) if citation.pinpoint else None
        links.append(
            CitationLink(
                document_id=document.id,
                agreed=agreed,
                passage=found[0].index if found else None,
                passage_by_number=found[1] if found else False,
            )
        )
    links.sort(key=lambda link: -len(link.agreed))
    return links
