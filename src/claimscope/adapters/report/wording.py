"""Plain-language wording that every report shares, so the three formats say the same thing."""

from __future__ import annotations

import re

from claimscope.dossier import Claim, Dateline, Dossier, EvidenceMatch

_WHITESPACE = re.compile(r"\s+")

MAX_CANDIDATES_SHOWN = 4
_BASIS_WORDS = {
    "only": "",
    "region": "",
    "prominence": "the best-known place of that name",
    "context": "chosen by the places the story names",
}


def _candidate(name: str, country: str, subdivision: str | None) -> str:
    return f"{name} ({subdivision or country})"


def dateline_place(dateline: Dateline) -> str:
    """The dateline's place and country, saying when the place is ambiguous or was chosen."""
    place = f"{dateline.place or '?'}, {dateline.country or '?'}"
    candidates = [
        _candidate(item.name, item.country, item.subdivision) for item in dateline.place_candidates
    ]
    shown = ", ".join(candidates[:MAX_CANDIDATES_SHOWN])
    more = len(candidates) - MAX_CANDIDATES_SHOWN
    if more > 0:
        shown += f" and {more} more"
    if dateline.place_ambiguous:
        return f"{place} (ambiguous: could be {shown})" if shown else f"{place} (ambiguous)"
    basis = _BASIS_WORDS.get(dateline.place_basis or "", "")
    if basis and candidates:
        return f"{place} ({basis}; also {shown})"
    return place


CHECKED_BEFORE_NOTE = (
    "Earlier fact-checks and primary-document passages of your evidence library that share "
    "the most with each claim, after the library documents that the claim's own citations "
    "name. The score says how much they share, not whether the claim is true; a rating is "
    "the reviewer's, in the reviewer's own words, and claimscope adds none."
)


def _number(value: float) -> str:
    return f"{value:g}"


def match_source(match: EvidenceMatch) -> str:
    """Where a match comes from: the reviewer and date, or the document, its part and page.

    A document that the claim cites says so: it was found by the reference, not by wording.
    Later copies of the same entry in the library are named, so none seems missing.
    """
    if match.kind == "factcheck":
        parts = [match.reviewer or "reviewer not named"]
        if match.date:
            parts.append(match.date)
    else:
        parts = [match.document_title or match.document_kind or "primary document"]
        if match.label:
            parts.append(match.label)
        if match.page is not None:
            parts.append(f"page {match.page}")
    if match.duplicates:
        parts.append(f"also in the library as {', '.join(match.duplicates)}")
    source = ", ".join(parts)
    return source if match.citation is None else f"cited by the claim: {source}"


def reviewer_rating(match: EvidenceMatch) -> str:
    """The fact-check's rating attributed to its reviewer ("" when none was given)."""
    if match.kind != "factcheck" or (match.rating is None and match.rating_value is None):
        return ""
    words = f"“{match.rating}”" if match.rating else ""
    if match.rating_value is not None:
        scale = _number(match.rating_value)
        if match.rating_best is not None:
            low = _number(match.rating_worst) if match.rating_worst is not None else "?"
            scale += f" on a scale from {low} to {_number(match.rating_best)}"
        words = f"{words} ({scale})" if words else scale
    return f"{match.reviewer or 'the reviewer'} rated it {words}"


def matched_claims(dossier: Dossier) -> list[tuple[int, Claim]]:
    """The dossier's claims that have matches, with their index, most check-worthy first."""
    found = [(index, claim) for index, claim in enumerate(dossier.claims) if claim.matches]
    return sorted(found, key=lambda item: -item[1].checkworthiness)


def web_link(url: str | None) -> str | None:
    """The URL when it is an http(s) address a report may link to; anything else is text."""
    if (
        url
        and url.lower().startswith(("https://", "http://"))
        and not any(character.isspace() or character in '<>"`|\\' for character in url)
    ):
        return url
    return None


def highlighted_window(match: EvidenceMatch, limit: int = 300) -> tuple[str, str, str]:
    """The matched text as (before, highlighted part, after), cut to about ``limit`` characters.

    The highlighted part is empty when the highlight is in the title or label rather than the
    text; a cut end carries "…". Whitespace runs are one space.
    """
    text = match.text
    highlight = match.highlight
    if highlight is None or highlight.field != "claim" or highlight.end > len(text):
        start = end = 0
    else:
        start, end = highlight.start, highlight.end
    window_start = max(0, start - limit // 5)
    window_end = min(len(text), max(end, window_start + limit))

    def flat(piece: str) -> str:
        return _WHITESPACE.sub(" ", piece)

    before = ("…" if window_start > 0 else "") + flat(text[window_start:start])
    after = flat(text[end:window_end]) + ("…" if window_end < len(text) else "")
    return before, flat(text[start:end]), after
