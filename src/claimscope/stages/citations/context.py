"""What the extractors read besides the text: the Context, its windows, parse_date."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from claimscope.gazetteer import Gazetteer
from claimscope.stages.citations.models import Issuer, issuer_table
from claimscope.stages.citations.patterns import DATE_PARTS_RE, YEAR
from claimscope.text.dates import month_number, resolve_year

# How far before a reference an issuer's name may start.
ISSUER_WINDOW_CHARS = 80
# Context (an issuer, a state) is read within this distance in the same sentence: a
# longer "sentence" is a list or a table, and a bounded window keeps the stage linear.
SENTENCE_WINDOW_CHARS = 400
# How far back a pronoun's referent may be named: about two sentences of news prose.
PRONOUN_WINDOW_CHARS = 400


@dataclass
class Context:
    """What the extractors read besides the text: sentences, issuers, states, the date."""

    text: str
    gazetteer: Gazetteer
    sentence_starts: list[int]
    issuers: list[tuple[int, int, Issuer]]
    countries: list[tuple[int, str]]
    reference: date | None
    entities: list[tuple[int, int, str, str]] = field(default_factory=list)
    """Named entities as (start, end, label, text), for the issuer a clause names."""
    subdivision_countries: list[str] = field(default_factory=list)
    """The country of each subdivision named ("Alabama" -> US), evidence of the state."""
    state: str | None = None
    """The state the document is about: the country it names most, else the default."""

    def national(self, role: str, country: str | None = None) -> str | None:
        """The name of a state's body in a role ("legislature" of US: "U.S. Congress")."""
        code = country or self.state
        bodies = issuer_table().national.get(code or "")
        if bodies is not None and role in bodies:
            return str(bodies[role])
        if role == "constitution" and code:
            return self.gazetteer.country_name(code)
        return None

    def issuer_name(self, issuer: Issuer) -> str:
        """The full name of an issuer; an unqualified "Supreme Court" as the state's own."""
        if issuer.role is not None:
            table = issuer_table()
            # A state without a body of that name ("Congress" in a story about Iran) means
            # the default state's, when a user has set one for their corpus.
            for code in (self.state, table.default_country):
                bodies = table.national.get(code or "")
                if bodies is not None and issuer.name in bodies["generic_names"]:
                    return str(bodies["generic_names"][issuer.name])
        return issuer.name

    def sentence_of(self, position: int) -> int:
        """Index of the sentence holding ``position``."""
        return max(0, bisect.bisect_right(self.sentence_starts, position) - 1)

    def sentence_bounds(self, index: int) -> tuple[int, int]:
        """Start and end of a sentence."""
        start = self.sentence_starts[index]
        end = (
            self.sentence_starts[index + 1]
            if index + 1 < len(self.sentence_starts)
            else len(self.text)
        )
        return start, end

    def sentence_window(self, position: int, sentence: int | None = None) -> tuple[int, int]:
        """The sentence holding ``position``, clipped to a bounded window around it."""
        index = self.sentence_of(position) if sentence is None else sentence
        start, end = self.sentence_bounds(index)
        return max(start, position - SENTENCE_WINDOW_CHARS), min(
            end, position + SENTENCE_WINDOW_CHARS
        )

    def issuers_in(self, start: int, end: int) -> list[tuple[int, int, Issuer]]:
        """The issuer mentions inside ``text[start:end]``."""
        low = bisect.bisect_left(self.issuers, (start,))
        found = []
        for mention in self.issuers[low:]:
            if mention[0] >= end:
                break
            if mention[1] <= end:
                found.append(mention)
        return found

    def countries_in(self, start: int, end: int) -> list[str]:
        """Codes of the countries named inside ``text[start:end]``, in text order."""
        low = bisect.bisect_left(self.countries, (start,))
        high = bisect.bisect_left(self.countries, (end,))
        return [code for _, code in self.countries[low:high]]

    def date(self, printed: str | None) -> tuple[str | None, bool]:
        """An ISO date (or year) of a printed date; True when the year was resolved."""
        return parse_date(printed, self.reference)


def parse_date(printed: str | None, reference: date | None) -> tuple[str | None, bool]:
    """ISO form of a printed date; a date without its year resolves against ``reference``."""
    if not printed:
        return None, False
    printed = printed.strip()
    if re.fullmatch(YEAR, printed):
        return printed, False
    match = DATE_PARTS_RE.fullmatch(printed)
    if match is None:
        return None, False
    groups = match.groupdict()
    try:
        if groups["d1"]:
            day, month, year = int(groups["d1"]), month_number(groups["m1"]), groups["y1"]
        elif groups["d2"]:
            day, month, year = int(groups["d2"]), month_number(groups["m2"]), groups["y2"]
        elif groups["d3"]:
            day, month, year = int(groups["d3"]), int(groups["mo3"]), groups["y3"]
        else:
            day, month, year = int(groups["d4"]), int(groups["mo4"]), groups["y4"]
        if year is not None:
            return date(int(year), month, day).isoformat(), False
    except ValueError:
        return None, False
    if reference is None:
        return None, False
    resolved = resolve_year(month, day, reference)
    if resolved is not None and resolved > reference:
        # A cited document already exists: "Order of July 6" is not a future order.
        try:
            resolved = resolved.replace(year=resolved.year - 1)
        except ValueError:
            return None, False
    return (resolved.isoformat(), True) if resolved is not None else (None, False)
