"""Plain-language wording that every report shares, so the three formats say the same thing."""

from __future__ import annotations

from claimscope.dossier import Dateline

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
