"""The citations stage: references to documents, each a normalised record to fetch.

Built like eyecite: small extractors, one per kind of reference, each a pattern and a
normaliser that turns the match into a typed :class:`Found`; overlapping finds are then
resolved (the longer span wins), a pinpoint printed before the reference ("Article 7
of the ...") is attached, and each find becomes a :class:`~claimscope.dossier.Citation`
with the index of its sentence.

The noise rule: a generic mention ("a peace agreement", "the act of voting", "federal
law", "the resolution", "UN resolutions", "in his opinion", "an executive order") is not a
citation. A reference is kept only when it carries something that identifies one document:
a title ("Rome Statute", "Criminal Code"), a number ("resolution 884", "Law No. 123"), a date
("Order of July 6"), a pinpoint, for a court decision the court or judge that issued it, for
a resolution, statement or report an issuer named next to it or by its own clause ("Security
Council resolution", "the ministry said in a statement", "the OECD's report", "a statement by
NATO"; then the span is the document noun alone), for an executive order the person who
signed it. A communiqué or press release is an official document by itself; "a statement" or
"a report" with no issuer in its clause stays noise. A constitution is one per state, so "the
Constitution" identifies it by itself; unqualified, it and "the Supreme Court", "Congress" or
an act are the document's state's (the dateline's, else a country or national body it names
at least twice and more than all others, else ``default_country`` of
``citation_issuers.json``).

Every pattern uses bounded quantifiers only and is searched once over the text (or over
a bounded window before a match), so matching time stays linear on adversarial input.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from claimscope.analysis import Analysis
from claimscope.data import load_table
from claimscope.dossier import Citation, Dossier
from claimscope.gazetteer import Gazetteer
from claimscope.text.dates import MONTHS, month_number, reference_date, resolve_year
from claimscope.text.sentences import sentence_starts

STAGE = "citations"

# How far before a reference a pinpoint or an issuer's name may start.
PINPOINT_WINDOW_CHARS = 160
ISSUER_WINDOW_CHARS = 80
# Context (an issuer, a state) is read within this distance in the same sentence: a
# longer "sentence" is a list or a table, and a bounded window keeps the stage linear.
SENTENCE_WINDOW_CHARS = 400
# How often a country (or one of its national bodies) must be named, and more than all
# others together, to outweigh the state given with the document; named once, it is the
# state only when none is given.
MIN_STATE_MENTIONS = 2

# --- shared pattern pieces ---------------------------------------------------------------

_MONTH = (
    "(?:"
    + "|".join(sorted((name.capitalize() for name in MONTHS), key=len, reverse=True))
    + r")(?![^\W\d_])\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
# A date with or without its year ("July 6", "10 November 2020", "November 10, 2020").
DATE = (
    rf"(?:\d{{1,2}}{_ORDINAL}[ ]{{1,2}}{_MONTH}(?:,?[ ]{{1,2}}\d{{4}})?"
    rf"|{_MONTH}[ ]{{1,2}}\d{{1,2}}{_ORDINAL}(?:,?[ ]{{1,2}}\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})(?!\d)"
)
_DATE_PARTS_RE = re.compile(
    rf"(?P<d1>\d{{1,2}}){_ORDINAL}[ ]{{1,2}}(?P<m1>{_MONTH})(?:,?[ ]{{1,2}}(?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{_MONTH})[ ]{{1,2}}(?P<d2>\d{{1,2}}){_ORDINAL}(?:,?[ ]{{1,2}}(?P<y2>\d{{4}}))?"
    r"|(?P<y3>\d{4})-(?P<mo3>\d{2})-(?P<d3>\d{2})"
    r"|(?P<d4>\d{1,2})\.(?P<mo4>\d{1,2})\.(?P<y4>\d{4})"
)
_YEAR = r"(?:1[6-9]|20)\d{2}"
# The date a document carries, printed after its noun: "of July 6", "dated 10 November 2020".
DATE_TAIL = (
    r"(?:,?[ ]{1,3}(?:of|dated|from|adopted[ ]on|issued[ ]on|signed[ ]on|on)[ ]{1,3}"
    rf"(?P<date>{DATE}|{_YEAR}(?![\d/]))|[ ]{{1,2}}\((?P<paren_year>{_YEAR})\))?"
)
# A capitalised word of a title: "Rome", "U.S.-Mexico-Canada", "1951".
_CAPITAL_WORD = r"(?:[A-Z][\w'’.\-]{0,25}|\d{4})"
_TITLE_JOINER = r"(?:of|on|for|against|to|and|the|in|de|between)"
# What follows "of"/"on" in a title: "on the Rights of the Child", "of Independence".
_TITLE_WORD = r"[A-Z][\w'’.\-]{0,25}"
_TITLE_TAIL = (
    rf"(?:[ ]{_TITLE_JOINER}){{1,2}}[ ]{_TITLE_WORD}"
    rf"(?:(?:[ ]{_TITLE_JOINER}){{0,2}}[ ]{_TITLE_WORD}){{0,6}}"
)
_NOT_WORD_AFTER = r"(?![\w\-])"
_NOT_WORD_BEFORE = r"(?<![\w\-/.])"
_QUOTED = r"[\"“‘'](?P<quoted>[^\"”’'\n]{3,150})[\"”’']"

# --- results ----------------------------------------------------------------------------


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
        _NOT_WORD_BEFORE
        + "(?:"
        + "|".join(re.escape(name) for name in ordered)
        + ")"
        + _NOT_WORD_AFTER
    )


# --- context ------------------------------------------------------------------------------


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
    if re.fullmatch(_YEAR, printed):
        return printed, False
    match = _DATE_PARTS_RE.fullmatch(printed)
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


def _tidy(text: str) -> str:
    return " ".join(text.split())


# --- extractors ----------------------------------------------------------------------------

_COURT_DECISION_RE = re.compile(
    r"(?P<det>(?<![\w])(?:its|their|the|this|that|an?)[ ]{1,3})?"
    r"(?P<adjective>(?:(?:provisional|interim)[ ]measures|provisional|interim|preliminary"
    r"|final|landmark|latest|recent|unanimous)[ ]{1,3})?"
    r"(?P<noun>Advisory[ ]Opinion|advisory[ ]opinion|[Oo]rder|[Jj]udge?ment|[Rr]uling"
    r"|[Vv]erdict|[Dd]ecision|[Oo]pinion)"
    + _NOT_WORD_AFTER
    + DATE_TAIL
    + r"(?P<number>[ ]{1,3}(?:No\.?|no\.)[ ]?\d[\w/\-]{0,15})?"
)
_POSSESSIVE_BEFORE_RE = re.compile(r"['’]s?[ ]{1,3}$")
_OF_COURT_RE = re.compile(r"[ ]{1,3}(?:of|by)[ ]{1,3}(?:the[ ]{1,3})?")
_THE_COURT_RE = re.compile(
    r"(?:[Tt]he[ ]{1,3}|[Tt]his[ ]{1,3})(?:[Cc]ourt|[Tt]ribunal)['’]s?[ ]{1,3}$"
)
_COURT_KINDS = frozenset({"court"})
_UNNAMED_COURT = Issuer(name="Supreme Court", kind="court", country=None, role="court")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_POSSESSIVE_RE = re.compile(
    r"(?<![\w])(?P<weekday>" + "|".join(_WEEKDAYS) + r")['’]s[ ]{1,3}$"
)


def _weekday_date(weekday: str, reference: date) -> str:
    """The last such weekday on or before the reference date ("Monday's ruling")."""
    back = (reference.weekday() - _WEEKDAYS.index(weekday)) % 7
    return date.fromordinal(reference.toordinal() - back).isoformat()


_COURT_WORD_RE = re.compile(r"(?<![\w])(?:[Cc]ourt|[Tt]ribunal)(?![\w])")
_DECISION_KINDS = {
    "order": "court_order",
    "advisory opinion": "advisory_opinion",
}


def court_decisions(context: Context) -> Iterator[Found]:
    """Orders, judgments and advisory opinions of a court the text names."""
    text = context.text
    courts = [mention for mention in context.issuers if mention[2].kind == "court"]
    for match in _COURT_DECISION_RE.finditer(text):
        noun = match.group("noun").casefold()
        if noun == "order" and text.startswith(" to", match.end("noun")):
            continue  # "an order to withdraw" is an instruction, not the document.
        if noun == "opinion" and (match.group("det") or "").strip() not in ("its", "the", "an"):
            continue  # "in his opinion" is a view, not a court's opinion.
        start = match.start("noun")
        if match.group("adjective"):
            start = match.start("adjective")
        before = text[max(0, start - ISSUER_WINDOW_CHARS) : match.start()]
        issuer: Issuer | None = None
        adjacent, adjacent_start = _issuer_before(context, match.start(), _COURT_KINDS)
        possessive = _POSSESSIVE_BEFORE_RE.search(before)
        if adjacent is not None and adjacent_start is not None and possessive is None:
            # "Monday's Supreme Court ruling", "the ICJ order": the court names the noun.
            issuer, start = adjacent, adjacent_start
        if possessive is not None and issuer is None:
            owner = _entity_ending_at(context, match.start() - len(possessive.group()))
            if owner is not None and _COURT_WORD_RE.search(owner[3]):
                # "the Court of Session's opinion": a court the table does not list.
                known = issuer_table().lookup(owner[3])
                bare = owner[3].removeprefix("the ").removeprefix("The ")
                if known is None and bare in ("Court", "court"):
                    known = _last_court_before(courts, owner[0]) or _UNNAMED_COURT
                issuer = known or Issuer(name=bare, kind="court", country=None)
                start = owner[0] + (4 if owner[3].startswith(("the ", "The ")) else 0)
        if possessive is not None and issuer is None:
            named = context.issuers_in(match.start() - len(before), match.start())
            if named and named[-1][1] == match.start() - len(possessive.group()):
                issuer = named[-1][2] if named[-1][2].kind == "court" else None
                start = named[-1][0]
            elif _THE_COURT_RE.search(before):
                issuer = _last_court_before(courts, match.start())
        after = _OF_COURT_RE.match(text, match.end())
        if issuer is None and after is not None:
            named = context.issuers_in(after.end(), after.end() + ISSUER_WINDOW_CHARS)
            if named and named[0][0] == after.end() and named[0][2].kind == "court":
                issuer = named[0][2]
            elif _COURT_WORD_RE.match(text, after.end()):
                # "the opinion of the Court": the court named before, else the state's own.
                issuer = _last_court_before(courts, match.start()) or _UNNAMED_COURT
        determiner = (match.group("det") or "").strip().casefold()
        has_detail = bool(match.group("date") or match.group("number"))
        if issuer is None and (determiner in ("its", "their") or has_detail):
            sentence = context.sentence_window(match.start())
            named = [
                m for m in context.issuers_in(sentence[0], match.start()) if m[2].kind == "court"
            ]
            if named:
                issuer = named[-1][2]
            elif determiner in ("its", "their"):
                # "In its Order of July 6, the Court ...": the court may be named after,
                # or only as "the Court" after a full name earlier in the text.
                following = context.issuers_in(match.end(), sentence[1])
                courts_after = [m for m in following if m[2].kind == "court"]
                if courts_after:
                    issuer = courts_after[0][2]
                elif _COURT_WORD_RE.search(text, sentence[0], sentence[1]):
                    issuer = _last_court_before(courts, match.start())
        if issuer is None:
            continue
        # "a sovereign and legitimate decision" is not a court's; keep only the court's.
        if (
            noun == "decision"
            and not (has_detail or match.group("noun")[0].isupper())
            and possessive is None
            and after is None
            and determiner not in ("its", "their")
        ):
            continue
        kind = _DECISION_KINDS.get(noun, "court_judgment")
        if "measures" in (match.group("adjective") or ""):
            kind = "court_order"
        end = match.end()
        if after is not None and issuer is not None and possessive is None:
            named = context.issuers_in(after.end(), after.end() + ISSUER_WINDOW_CHARS)
            if named and named[0][0] == after.end():
                end = max(end, named[0][1])
        iso, inferred = context.date(match.group("date") or match.group("paren_year"))
        weekday = _WEEKDAY_POSSESSIVE_RE.search(text, max(0, start - 16), start)
        if iso is None and weekday is not None and context.reference is not None:
            iso, inferred = _weekday_date(weekday.group("weekday"), context.reference), True
            start = weekday.start()
        number = match.group("number")
        yield Found(
            kind=kind,
            start=start,
            end=end,
            issuer=context.issuer_name(issuer),
            date=iso,
            date_inferred=inferred,
            number=_number(number) if number else None,
        )


def _last_court_before(courts: Sequence[tuple[int, int, Issuer]], position: int) -> Issuer | None:
    index = bisect.bisect_left(courts, (position,))
    while index > 0 and courts[index - 1][1] > position:
        index -= 1
    return courts[index - 1][2] if index > 0 else None


def _number(printed: str) -> str:
    return _tidy(re.sub(r"^[ ]*(?:No\.?|no\.|Number|number|#)[ ]?", "", printed.strip()))


_RESOLUTION_NUMBER = r"(?:ES-\d{1,3}/)?\d{1,5}(?:/\d{1,5})?(?:[ ]{0,2}\((?:19|20)\d{2}\))?"
_RESOLUTION_RE = re.compile(
    r"(?<![\w])(?P<noun>[Rr]esolutions?)"
    r"(?:[ ]{1,3}(?:No\.?|no\.|number|Nos\.?|nos\.))?"
    rf"(?:[ ]{{1,3}}(?P<numbers>{_RESOLUTION_NUMBER}"
    rf"(?:(?:,[ ]{{1,2}}|,?[ ]{{1,3}}(?:and|&)[ ]{{1,3}}){_RESOLUTION_NUMBER}){{0,12}}))?"
    + _NOT_WORD_AFTER
    + DATE_TAIL
)
_ONE_NUMBER_RE = re.compile(_RESOLUTION_NUMBER)
_SYMBOL_RE = re.compile(
    r"(?<![\w/])(?P<symbol>S/RES/\d{1,5}[ ]?\((?:19|20)\d{2}\)|S/RES/\d{1,5}"
    r"|A/RES/(?:ES-\d{1,3}|\d{1,3})/\d{1,4}|A/HRC/RES/\d{1,3}/\d{1,4}"
    r"|A/HRC/\d{1,3}/\d{1,4}|A/\d{2,3}/\d{1,4}|S/(?:19|20)\d{2}/\d{1,4})(?![\w/])"
)
_SYMBOL_ISSUERS = (
    ("A/HRC/", "UN Human Rights Council"),
    ("A/", "UN General Assembly"),
    ("S/", "UN Security Council"),
)
_RESOLUTION_ISSUER_KINDS = frozenset({"organ", "organization", "parliament", "government"})


def resolutions(context: Context) -> Iterator[Found]:
    """Resolutions by number ("Security Council resolution 884") and UN document symbols."""
    text = context.text
    for match in _RESOLUTION_RE.finditer(text):
        numbers = match.group("numbers")
        printed_date = match.group("date")
        issuer, issuer_start = _issuer_before(context, match.start(), _RESOLUTION_ISSUER_KINDS)
        if issuer is None:
            after = _OF_COURT_RE.match(text, match.end())
            if after is not None:
                named = context.issuers_in(after.end(), after.end() + ISSUER_WINDOW_CHARS)
                if named and named[0][0] == after.end():
                    issuer = named[0][2]
        plural = match.group("noun").endswith("s")
        if not numbers and not printed_date and (issuer_start is None or plural):
            continue  # "the resolution", "UN resolutions": no one document identified.
        if issuer is None:
            sentence = context.sentence_window(match.start())
            named = [
                m
                for m in context.issuers_in(sentence[0], match.start())
                if m[2].kind in ("organ", "parliament")
            ]
            if named:
                issuer = named[-1][2]
        iso, inferred = context.date(printed_date or match.group("paren_year"))
        start = issuer_start if issuer_start is not None else match.start()
        if not numbers:
            yield Found(
                "resolution",
                start,
                match.end(),
                context.issuer_name(issuer) if issuer else None,
                iso,
                inferred,
            )
            continue
        offset = match.start("numbers")
        pieces = list(_ONE_NUMBER_RE.finditer(numbers))
        for index, piece in enumerate(pieces):
            number = _tidy(piece.group())
            year = re.search(r"\(((?:19|20)\d{2})\)", number)
            piece_date, piece_inferred = iso, inferred
            if year and not printed_date:
                piece_date, piece_inferred = year.group(1), False
            piece_start = start if index == 0 else offset + piece.start()
            piece_end = offset + piece.end()
            if index == len(pieces) - 1:
                piece_end = max(piece_end, match.end())
            yield Found(
                "resolution",
                piece_start,
                piece_end,
                context.issuer_name(issuer) if issuer else None,
                piece_date,
                piece_inferred,
                number=number,
            )
    for match in _SYMBOL_RE.finditer(text):
        symbol = _tidy(match.group("symbol"))
        issuer_name = next(name for prefix, name in _SYMBOL_ISSUERS if symbol.startswith(prefix))
        kind = "resolution" if "/RES/" in symbol else "report"
        year = re.search(r"\(((?:19|20)\d{2})\)", symbol)
        yield Found(
            kind,
            match.start(),
            match.end(),
            issuer_name,
            year.group(1) if year else None,
            number=symbol,
        )


def _issuer_before(
    context: Context, position: int, kinds: frozenset[str]
) -> tuple[Issuer | None, int | None]:
    """The issuer named right before ``position`` ("Security Council resolution")."""
    window = context.issuers_in(max(0, position - ISSUER_WINDOW_CHARS), position)
    if not window:
        return None, None
    start, end, issuer = window[-1]
    gap = context.text[end:position]
    if issuer.kind in kinds and re.fullmatch(r"(?:['’]s?)?[ ]{1,3}", gap):
        return issuer, start
    return None, None


_TREATY_NOUN = (
    r"(?:Treaty|Treaties|Conventions?|Agreements?|Accords?|Statute|Charter|Protocols?"
    r"|Declaration|Memorandum|Covenant|Pact|Final[ ]Act)"
)
_TITLED_TREATY_RE = re.compile(
    rf"(?<![\w\-])(?P<modifiers>(?:{_CAPITAL_WORD}[ ]){{0,6}})(?P<noun>{_TREATY_NOUN})"
    rf"(?P<tail>{_TITLE_TAIL})?" + _NOT_WORD_AFTER + DATE_TAIL
)
# Capitalised words that start a sentence or name a document generically, not a title.
_NOT_TITLE_WORDS = frozenset(
    {
        "The", "This", "That", "These", "Those", "A", "An", "Its", "Their", "Our", "His",
        "Her", "Under", "In", "On", "By", "According", "With", "And", "But", "Any", "New",
        "Such", "Each", "Both", "Per", "As", "At", "For", "From", "Of", "To", "If",
    }
)  # fmt: skip
_GENERIC_TREATY_RE = re.compile(
    r"(?<![\w\-])(?P<det>(?:the|a|an|its|their)[ ]{1,3})?"
    rf"(?:(?P<date_before>{DATE}|{_YEAR})[ ]{{1,3}})?"
    r"(?P<name>[A-Z][\w.\-]{1,20}(?:[ ][A-Z][\w.\-]{1,20})?[ ]{1,3})?"
    r"(?P<adjectives>(?:(?:trilateral|tripartite|quadrilateral|bilateral|joint|ceasefire"
    r"|cease-fire|peace|armistice|normalization|normalisation|nuclear|nonproliferation"
    r"|non-proliferation|refugee|climate|arms[ ]control|arms|free[ ]trade|free-trade|trade"
    r"|withdrawal)"
    r"[ ]{1,3}){0,2})"
    r"(?P<noun>statement|declaration|agreement|accord|treaty|memorandum|deal|convention|charter|pact"
    r"|communiqu[eé])s?" + _NOT_WORD_AFTER + DATE_TAIL
)
# Words that make a "... Convention" a gathering, not a treaty.
_EVENT_WORDS = frozenset(
    {"National", "Republican", "Democratic", "Party", "Annual", "Constitutional", "Baptist"}
)
# "the deal with Iran": an agreement identified by the state it was made with.
_DEAL_WITH_RE = re.compile(
    r"(?<![\w\-])the[ ]{1,3}(?P<noun>(?:(?:nuclear|trade|peace|arms|security)[ ]{1,3})?"
    r"(?:deal|agreement|accord|treaty|pact))[ ]{1,3}with[ ]{1,3}(?:the[ ]{1,3})?"
    r"(?P<party>[A-Z][\w.\-]{1,20}(?:[ ][A-Z][\w.\-]{1,20})?)"
)
_SPECIFIC_ADJECTIVES = ("trilateral", "tripartite", "quadrilateral")
# A definite description with one of these names one well-known agreement ("the nuclear
# deal", "the refugee convention").
_DESCRIPTIVE_ADJECTIVES = (
    "nuclear", "nonproliferation", "non-proliferation", "refugee", "climate", "arms",
    "withdrawal",
)  # fmt: skip


def treaties(context: Context) -> Iterator[Found]:
    """Titled agreements ("Rome Statute") and dated or trilateral statements and accords."""
    text = context.text
    for match in _DEAL_WITH_RE.finditer(text):
        if context.gazetteer.country(match.group("party")) is not None:
            yield Found("treaty", match.start("noun"), match.end(), None)
    for match in _TITLED_TREATY_RE.finditer(text):
        if re.match(r"[ ][A-Z]", text[match.end("noun") : match.end("noun") + 2]) and not (
            match.group("tail")
        ):
            continue  # "Treaty Organization", "Charter Communications": part of a longer name.
        words = match.group("modifiers").split()
        while words and words[0] in _NOT_TITLE_WORDS:
            words.pop(0)
        if not words and not match.group("tail"):
            continue  # "The Agreement" opening a sentence is no title.
        if (
            match.group("noun") == "Convention"
            and not match.group("tail")
            and (
                _us_state(context.gazetteer, [*words, "Convention"])
                or any(word in _EVENT_WORDS for word in words)
            )
        ):
            continue  # "Republican National Convention", "Texas Haunters Convention": events.
        modifiers_end = match.start("noun")
        start = modifiers_end - len(" ".join(words)) - (1 if words else 0)
        title_end = match.end("tail") if match.group("tail") else match.end("noun")
        title = _tidy(text[start:title_end])
        issuer_name: str | None = None
        if words:
            # A treaty is between states: no single issuer, even in "UN Charter".
            issuer_name = None
        iso, inferred = context.date(match.group("date") or match.group("paren_year"))
        yield Found("treaty", start, match.end(), issuer_name, iso, inferred, title=title)
    for match in _GENERIC_TREATY_RE.finditer(text):
        adjectives = match.group("adjectives").split()
        printed_date = match.group("date") or match.group("date_before")
        specific = any(word in _SPECIFIC_ADJECTIVES for word in adjectives)
        determiner = (match.group("det") or "").strip()
        noun = match.group("noun")
        name = (match.group("name") or "").strip()
        issuer: str | None = None
        named_party = False
        if name:
            if name.split()[0] in _NOT_TITLE_WORDS or _PART_OF_NAME_BEFORE_RE.search(
                text, max(0, match.start("name") - 40), match.start("name")
            ):
                name = ""  # "Bank of America deal": a company's, not a state's.
            else:
                known = issuer_table().lookup(name)
                code = context.gazetteer.country(name) or context.gazetteer.demonym(name)
                city = context.gazetteer.city(name) if code is None and known is None else None
                # "the Paris accord", "the Minsk agreements": named for where they were signed.
                named_party = known is not None or code is not None or city is not None
                # "the OPEC accord" is the body's; "the NATO treaty" is between its states.
                if (
                    known is not None
                    and known.kind in ("organization", "organ")
                    and noun != "treaty"
                ):
                    issuer = name if known.kind == "organization" else known.name
        descriptive = any(word in _DESCRIPTIVE_ADJECTIVES for word in adjectives)
        identified = (
            printed_date
            or (specific and determiner in ("the", "its"))
            or (determiner in ("the", "its", "their") and (descriptive or named_party))
            or (named_party and noun in ("accord", "treaty", "deal"))
        )
        if not identified:
            continue  # "a joint statement", "the peace deal": no document identified.
        if noun == "statement" and not specific and "joint" not in adjectives:
            continue
        if noun in ("statement", "communiqué", "communique") and not specific:
            continue  # A joint statement of officials is an official statement, not a treaty.
        if not adjectives and not named_party:
            continue
        iso, inferred = context.date(printed_date or match.group("paren_year"))
        if name and named_party:
            start = match.start("name")
        elif match.group("date_before"):
            start = match.start("date_before")
        else:
            start = match.start("adjectives")
        if match.group("date_before"):
            start = min(start, match.start("date_before"))
        yield Found("treaty", start, match.end(), issuer, iso, inferred)


_CONSTITUTION_RE = re.compile(
    r"(?<![\w\-])(?P<owner>(?P<det>its|their|our|the|this|his|her|a|an)[ ]{1,3}"
    r"|(?:the[ ]{1,3})?(?P<reference>country|state|nation|republic|kingdom)['’]s?[ ]{1,3}"
    rf"|(?:the[ ]{{1,3}})?(?P<named>{_CAPITAL_WORD}(?:[ ]{_CAPITAL_WORD}){{0,2}})"
    r"(?P<possessive>['’]s?)?[ ]{1,3})?"
    r"(?P<qualifier>(?:new|current|amended|federal|national|basic|interim|draft|old"
    r"|Federal|state|commonwealth['’]s)[ ]{1,3})?"
    r"(?P<noun>[Cc]onstitution)(?![\w\-])"
    rf"(?P<of>[ ]{{1,3}}of[ ]{{1,3}}(?:the[ ]{{1,3}})?{_CAPITAL_WORD}"
    rf"(?:[ ](?:of[ ])?{_CAPITAL_WORD}){{0,3}})?"
)
_PART_OF_NAME_BEFORE_RE = re.compile(r"[A-Z][\w\-]{1,25}[ ]{1,3}(?:of|for)[ ]{1,3}$")
_NOT_A_CONSTITUTION_AFTER_RE = re.compile(
    r"[ ](?:Day|Square|Avenue|Street|Party|Hall|Hill|Court|Committee|Commission|Council"
    r"|Centre|Center|Park|Bridge|Gardens|Act|Amendment|Avenue|Plaza)(?![\w])"
)


def constitutions(context: Context) -> Iterator[Found]:
    """Constitutions, with the state they belong to when the text makes it clear."""
    text = context.text
    gazetteer = context.gazetteer
    for match in _CONSTITUTION_RE.finditer(text):
        if _NOT_A_CONSTITUTION_AFTER_RE.match(text, match.end("noun")):
            continue
        qualifier = (match.group("qualifier") or "").strip()
        determiner = (match.group("det") or "").casefold()
        if determiner in ("a", "an") or qualifier == "draft":
            continue  # "a new constitution" is a proposal, not a document to fetch.
        country: str | None = None
        start = match.start("noun")
        owner_start: int | None = None
        named = match.group("named")
        unknown_owner = False
        if named:
            leading = len(named) - len(named.removeprefix("The ").removeprefix("the "))
            candidate = re.sub(r"['’]s?$", "", named[leading:])
            country = gazetteer.country(candidate) or gazetteer.demonym(candidate)
            subdivision = None if country else gazetteer.subdivision(candidate)
            if subdivision is not None:
                # "Massachusetts Constitution": a state's or province's own constitution.
                year = re.search(_YEAR, match.group("of") or "")
                yield Found(
                    "constitution",
                    match.start("named") + leading,
                    match.end(),
                    candidate,
                    date=year.group() if year else None,
                )
                continue
            if country is None and candidate in _NOT_TITLE_WORDS:
                start = match.start("noun")
            else:
                # "The U.S. Constitution": the span starts at the name, not at "The".
                start = match.start("named") + leading
                unknown_owner = country is None
        elif match.group("owner"):
            if determiner in ("the", "this"):
                if _PART_OF_NAME_BEFORE_RE.search(text, max(0, match.start() - 40), match.start()):
                    continue  # "Office for the Protection of the Constitution" is a body.
            else:
                start = match.start("owner")
                owner_start = start
        if match.group("of"):
            place = re.sub(r"^[ ]{1,3}of[ ]{1,3}(?:the[ ]{1,3})?", "", match.group("of"))
            country = country or _country_in(gazetteer, place)
        if qualifier and start == match.start("noun"):
            start = match.start("qualifier")
        issuer = context.national("constitution", country) if country else None
        if issuer is None and qualifier in ("state", "commonwealth's", "commonwealth’s"):
            # "the state constitution": a US state's, the one named nearest before.
            issuer = _subdivision_before(context, match.start())
            unknown_owner = True
        if issuer is None and owner_start is None and not unknown_owner:
            # "the Constitution", unqualified: the constitution of the document's state.
            issuer = context.national("constitution")
        yield Found(
            "constitution",
            start,
            match.end(),
            issuer,
            title=None,
            owner_start=owner_start if issuer is None else None,
        )


def _subdivision_before(context: Context, position: int) -> str | None:
    """The state or province named nearest before ``position``, within a bounded window."""
    index = bisect.bisect_left(context.entities, (position,))
    low = position - PRONOUN_WINDOW_CHARS * 2
    while index > 0:
        index -= 1
        start, _, _, printed = context.entities[index]
        if start < low:
            return None
        reading = context.gazetteer.subdivision(printed.removeprefix("the "))
        if reading is not None:
            return reading.name
        code = context.gazetteer.country(printed)
        if code is not None and code != "US":
            return context.gazetteer.country_name(code)  # Puerto Rico, a territory.
    return None


def _country_in(gazetteer: Gazetteer, phrase: str) -> str | None:
    """The country a phrase names, trying its longest leading run of words first."""
    words = phrase.split()
    for size in range(len(words), 0, -1):
        code = gazetteer.country(" ".join(words[:size]))
        if code is not None:
            return code
    return None


_LAW_NUMBERED_RE = re.compile(
    r"(?<![\w\-])(?P<head>(?:(?:Federal|Presidential|Executive|Royal|Organic)[ ])?"
    r"(?:Law|Decree|Ordinance|Order|Act|Bill|Directive|Regulation|Decision|law|decree"
    r"|ordinance|order|directive|regulation))"
    r"[ ]{1,3}(?:No\.?|no\.|Number|number|#)[ ]{0,2}(?P<number>\d[\w/.\-]{0,20}?)"
    r"(?=[,;:)\s]|\.(?:\s|$)|$)" + DATE_TAIL
)
_EXECUTIVE_ORDER_RE = re.compile(
    r"(?<![\w\-])[Ee]xecutive[ ][Oo]rder[ ]{1,3}(?P<number>\d{4,6})(?!\d)"
)
_LAW_JOINER = r"(?:of|and|for|on|the|to|in|&)"
_TITLED_LAW_RE = re.compile(
    rf"(?<![\w\-])(?P<modifiers>(?:{_CAPITAL_WORD}[ ](?:{_LAW_JOINER}[ ]){{0,2}}){{1,8}})"
    r"(?P<noun>Act|Code|Law|act)"
    rf"(?P<tail>{_TITLE_TAIL})?" + _NOT_WORD_AFTER + r"(?:[ ]of[ ](?P<year>(?:1[6-9]|20)\d{2}))?"
)
_LAW_ON_RE = re.compile(
    rf"(?<![\w\-])(?P<noun>Law|Decree)[ ](?:of[ ](?P<country>{_CAPITAL_WORD})[ ])?"
    rf"(?:on|On)[ ](?:the[ ])?{_CAPITAL_WORD}"
    rf"(?:(?:[ ]{_TITLE_JOINER}){{0,2}}[ ]{_CAPITAL_WORD}){{0,8}}"
)
_GENERIC_DECREE_RE = re.compile(
    r"(?<![\w\-])(?:[Pp]residential[ ]|[Gg]overnment[ ]|[Rr]oyal[ ])?(?P<noun>decree|law)"
    r"(?:[ ]{1,3}(?:of|dated|signed[ ]on|issued[ ]on)[ ]{1,3}(?P<date>" + DATE + r"))"
)
# Modifiers of "Law"/"Code"/"Act" that name a field or a state of affairs, not a document.
_NOT_LAW_MODIFIERS = frozenset(
    {
        "International", "Humanitarian", "Martial", "Common", "Case", "Civil", "Criminal",
        "Constitutional", "Islamic", "Customary", "Public", "Private", "Environmental",
        "European", "Roman", "Refugee", "Maritime", "Morse", "Zip", "ZIP", "Area", "QR",
        "Source", "Dress", "Postal", "Country", "Bar", "Final", "Riot", "Balancing",
        "Class", "Disappearing", "Vanishing", "Da", "Vinci", "Rule", "Family", "Contract",
        "Tax", "Labour", "Labor", "Business", "Election", "Electoral", "Administrative",
        "Sharia", "State", "Federal",
    }
)  # fmt: skip
# A "Code" is a document only with one of these modifiers (the Penal Code, a Tax Code).
_CODE_MODIFIERS = frozenset(
    {
        "Penal", "Criminal", "Civil", "Tax", "Labour", "Labor", "Electoral", "Election",
        "Family", "Administrative", "Land", "Water", "Forest", "Customs", "Budget",
        "Housing", "Commercial", "Procedure", "Procedural", "Military", "Media",
        "Internal", "Revenue", "Federal", "Judicial", "Health",
    }
)  # fmt: skip


def laws(context: Context) -> Iterator[Found]:
    """Acts, codes, decrees and numbered laws ("Law No. 123", "Communications Decency Act")."""
    text = context.text
    gazetteer = context.gazetteer
    for match in _LAW_NUMBERED_RE.finditer(text):
        head = match.group("head")
        if head.casefold() in ("order", "decision") or head in ("Order", "Decision"):
            continue  # Court orders and decisions by number are the court extractor's.
        iso, inferred = context.date(match.group("date") or match.group("paren_year"))
        yield Found(
            "law",
            match.start(),
            match.end(),
            _law_issuer(context, _country_before(context, match.start())),
            iso,
            inferred,
            number=match.group("number").rstrip("."),
            title=None,
        )
    for match in _EXECUTIVE_ORDER_RE.finditer(text):
        yield Found(
            "law",
            match.start(),
            match.end(),
            context.national("executive"),
            number=match.group("number"),
        )
    for match in _TITLED_LAW_RE.finditer(text):
        noun = match.group("noun")
        if re.match(r"[ ][A-Z]", text[match.end("noun") : match.end("noun") + 2]) and not (
            match.group("tail")
        ):
            continue
        words = match.group("modifiers").split()
        while words and words[0] in _NOT_TITLE_WORDS:
            words.pop(0)
        if not words or words[-1] in ("of", "and", "for", "on", "the", "to", "in", "&"):
            continue
        if noun == "act" and sum(word[0].isupper() for word in words) < 2:
            continue  # "the act of voting"; "Financial Administration act" keeps its name.
        if noun == "Code" and not any(word in _CODE_MODIFIERS for word in words):
            continue
        if noun == "Law" and not match.group("tail") and words[-1] in _NOT_LAW_MODIFIERS:
            continue
        if noun == "Act" and words[-1] in ("Final",):
            continue  # "Helsinki Final Act" is a treaty.
        if noun != "Code" and len(words) == 1 and words[0] in _NOT_LAW_MODIFIERS:
            continue
        start = match.start("noun") - len(" ".join(words)) - 1
        title_end = match.end("tail") if match.group("tail") else match.end("noun")
        first = words[0].removesuffix("'s").removesuffix("’s")
        code = gazetteer.country(first) or gazetteer.demonym(first)
        year = match.group("year")
        state = _us_state(gazetteer, words)
        yield Found(
            "law",
            start,
            match.end(),
            f"{state} Legislature"
            if state
            else _law_issuer(context, code or _country_before(context, start)),
            year,
            title=_tidy(text[start:title_end]),
        )
    for match in _LAW_ON_RE.finditer(text):
        country_word = match.group("country")
        code = gazetteer.country(country_word) if country_word else None
        yield Found(
            "law",
            match.start(),
            match.end(),
            _law_issuer(context, code or _country_before(context, match.start())),
            title=_tidy(match.group()),
        )
    for match in _GENERIC_DECREE_RE.finditer(text):
        iso, inferred = context.date(match.group("date"))
        yield Found("law", match.start(), match.end(), None, iso, inferred)


_COUNTRY_OWNER_RE = re.compile(
    rf"(?:the[ ])?(?P<owner>{_CAPITAL_WORD}(?:[ ]{_CAPITAL_WORD}){{0,2}})['’]s?[ ]{{1,3}}$"
)


def _country_before(context: Context, position: int) -> str | None:
    """The state a possessive right before ``position`` names ("Russia's Law No. 5")."""
    window = context.text[max(0, position - 40) : position]
    match = _COUNTRY_OWNER_RE.search(window)
    if match is None:
        return None
    return context.gazetteer.country(match.group("owner"))


def _us_state(gazetteer: Gazetteer, words: Sequence[str]) -> str | None:
    """The US state a title opens with ("Alabama Human Life Protection Act"), if any."""
    for size in (2, 1):
        if len(words) > size:
            subdivision = gazetteer.subdivision(" ".join(words[:size]))
            if subdivision is not None and subdivision.country == "US":
                return subdivision.name
    return None


def _law_issuer(context: Context, country: str | None) -> str | None:
    """Who passes a state's laws: its legislature, else the state; the document's state."""
    if country is not None:
        return context.national("legislature", country) or context.gazetteer.country_name(country)
    return context.national("legislature")


_REPORT_RE = re.compile(
    r"(?<![\w\-])(?P<noun>[Rr]eport)(?:,)?[ ]{1,3}(?:(?:titled|entitled|called|named)[ ]{1,3}"
    + _QUOTED
    + r"|(?:dated|of|published[ ]on|issued[ ]on)[ ]{1,3}(?P<date>"
    + DATE
    + "))"
)
_REPORT_ISSUER_KINDS = frozenset({"organ", "organization", "court", "government", "parliament"})


def reports(context: Context) -> Iterator[Found]:
    """Reports with a title or a date ("report titled '...'", "report of 3 May")."""
    for match in _REPORT_RE.finditer(context.text):
        issuer, issuer_start = _issuer_before(context, match.start(), _REPORT_ISSUER_KINDS)
        iso, inferred = context.date(match.group("date"))
        quoted = match.group("quoted")
        yield Found(
            "report",
            issuer_start if issuer_start is not None else match.start(),
            match.end(),
            context.issuer_name(issuer) if issuer else None,
            iso,
            inferred,
            title=_tidy(quoted) if quoted else None,
        )


_OFFICIAL_STATEMENT_RE = re.compile(
    r"(?<![\w\-])(?P<noun>[Pp]ress[ ]release|[Pp]ress[ ]statement|[Ss]tatement|[Cc]ommuniqu[eé]"
    r"|[Ss]peech|[Aa]ddress[ ]to[ ]the[ ]nation)"
    r"(?:[ ]{1,3}(?:No\.?|no\.)[ ]?(?P<number>\d[\w/\-]{0,15})"
    r"|(?:,)?[ ]{1,3}(?:of|dated|issued[ ]on|published[ ]on|released[ ]on)[ ]{1,3}(?P<date>"
    + DATE
    + "))"
)
_STATEMENT_ISSUER_KINDS = frozenset({"organ", "organization", "court", "government", "parliament"})


def official_statements(context: Context) -> Iterator[Found]:
    """Press releases, statements and speeches with a date or a number."""
    text = context.text
    for match in _OFFICIAL_STATEMENT_RE.finditer(text):
        issuer, issuer_start = _issuer_before(context, match.start(), _STATEMENT_ISSUER_KINDS)
        iso, inferred = context.date(match.group("date"))
        yield Found(
            "official_statement",
            issuer_start if issuer_start is not None else match.start(),
            match.end(),
            context.issuer_name(issuer) if issuer else None,
            iso,
            inferred,
            number=match.group("number"),
        )


# A clause that names who issued a statement, report or resolution: "X said in a
# statement", "the council passed a resolution", "the OECD, in its annual report".
_DOCUMENT_ADJECTIVE = (
    r"(?:written|joint|separate|brief|short|new|recent|lengthy|official|annual|latest"
    r"|preliminary|final|interim|special|emailed|televised|public|weekly|monthly|quarterly"
    r"|corresponding|detailed|formal|updated|further|\d{1,3}-page)"
)
_CLAUSE_NOUN = (
    rf"(?:(?:{_DOCUMENT_ADJECTIVE})[ ]{{1,3}}){{0,2}}"
    r"(?P<noun>press[ ]release|statement|communiqu[eé]|report|resolution|speech|memo"
    r"|address)s?(?![\w\-])"
)
_SAID_IN_RE = re.compile(
    r"(?<![\w])(?P<verb>said|says|say|stated|wrote|announced|added|noted|declared|warned"
    r"|confirmed|argued|explained|insisted|responded|found|concluded|acknowledged|urged"
    r"|called|disclosed|estimated|reported|told|tweeted|posted|wrote|replied|countered)"
    r"(?:[ ]{1,3}[\w,]{1,15}){0,3}?[ ]{1,3}in[ ]{1,3}(?:a|an|its|his|her|their|the)[ ]{1,3}"
    + _CLAUSE_NOUN
)
_ISSUED_RE = re.compile(
    r"(?<![\w])(?P<verb>issued|released|published|passed|adopted|approved|unveiled|delivered"
    r"|gave|put[ ]out)[ ]{1,3}(?:a|an|its|his|her|their)[ ]{1,3}" + _CLAUSE_NOUN
)
_IN_ITS_RE = re.compile(
    r"(?<![\w])(?P<verb>[Ii]n)[ ]{1,3}(?:its|their|his|her)[ ]{1,3}" + _CLAUSE_NOUN
)
# "In a statement, the ministry said ...": the subject follows.
_IN_A_RE = re.compile(
    r"(?:^|(?<=[\n.]))[ ]{0,3}(?P<verb>In)[ ]{1,3}(?:a|an)[ ]{1,3}" + _CLAUSE_NOUN + r"[ ]{0,2},"
)
_BY_ISSUER_RE = re.compile(
    r"(?<![\w])(?:a|an|the|its)[ ]{1,3}"
    + _CLAUSE_NOUN
    + r"(?:,?[ ]{1,3}(?:released|published|issued|prepared|compiled|commissioned)"
    r"(?:[ ]{1,3}[A-Za-z]{2,12})?)?"
    r"[ ]{1,3}(?:from|by|of|in)[ ]{1,3}(?=[A-Z]|the[ ][A-Z])"
)
_OWNER_NOUN_RE = re.compile(r"(?P<owner>['’]s?[ ]{1,3}|[ ]{1,3})" + _CLAUSE_NOUN)
_NAMED_NOUN_RE = re.compile(
    r"(?<![\w\-])(?P<name>(?:[A-Z][\w.&\-]{0,20}[ ]){0,3}[A-Z][\w.&\-]{0,20})[ ]"
    r"(?P<noun>report|press[ ]release|communiqu[eé]|memo|statement)(?![\w\-])"
)
_MONTH_START_RE = re.compile(_MONTH)
_EXECUTIVE_ACT_RE = re.compile(
    r"(?:['’]s?[ ]{1,3}|(?<![\w]))(?:(?:first|latest|new|recent|sweeping|controversial)[ ]{1,3})?"
    r"(?P<noun>executive[ ](?:order|action)|emergency[ ]declaration|proclamation|declaration"
    r"|declaration[ ]of[ ](?:a[ ])?(?:national[ ])?(?:state[ ]of[ ])?emergency)s?(?![\w\-])"
)
_SIGNED_BEFORE_RE = re.compile(
    r"(?:signed|issued|announced|unveiled|declared|invoked|his|her|the[ ]president['’]s)"
    r"[ ]{1,3}(?:an?|the|his|her|its)?[ ]{0,3}$"
)
_SIGNED_BY_AFTER_RE = re.compile(r"[ ]{1,3}(?:signed|issued)[ ]{1,3}by[ ]{1,3}")
_CLAUSE_KINDS = {
    "press release": "official_statement",
    "statement": "official_statement",
    "communiqué": "official_statement",
    "communique": "official_statement",
    "speech": "official_statement",
    "report": "report",
    "resolution": "resolution",
    "memo": "report",
    "address": "official_statement",
}
# How far a clause's subject may end before its verb: "NATO said", "The OECD, in its".
_SUBJECT_GAP_CHARS = 40
_ISSUER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def _entity_before(context: Context, position: int) -> tuple[int, int, str, str] | None:
    """The last named person or body that ends before ``position`` in its sentence."""
    low, _ = context.sentence_window(position)
    index = bisect.bisect_left(context.entities, (position,))
    while index > 0:
        index -= 1
        entity = context.entities[index]
        if entity[0] < low:
            return None
        if entity[1] <= position and entity[2] in _ISSUER_LABELS:
            return entity
    return None


_SUBJECT_GAP_RE = re.compile(
    r"[\s,]{0,4}(?:(?:[a-z][\w'’\-]{0,20}|" + "|".join(_WEEKDAYS) + r")[\s,]{1,4}){0,5}"
)


_APPOSITION_BEFORE_RE = re.compile(r",[^,.;:\n]{1,80},[ ]{0,2}$")
_APPOSITION_RE = re.compile(r"[ ]{0,2},[^,.;:\n]{1,80},")
# "the National Association of Purchasing Management (NAPM) said": the acronym it defines.
_ACRONYM_GAP_RE = re.compile(r"[ ]{0,2}\([A-Z][A-Z&.\-]{1,10}\)")


def _body_before(context: Context, position: int) -> tuple[int, int, Issuer] | None:
    """The issuer-table body named as the subject right before ``position``, if any."""
    low, _ = context.sentence_window(position)
    mentions = context.issuers_in(low, position)
    if not mentions or not _is_subject_gap(context.text[mentions[-1][1] : position]):
        return None
    return mentions[-1]


def _is_subject_gap(gap: str) -> bool:
    """Whether only a few lower-case words (after an apposition) sit between subject and verb."""
    acronym = _ACRONYM_GAP_RE.match(gap)
    if acronym is not None:
        gap = gap[acronym.end() :]
    apposition = _APPOSITION_RE.match(gap)
    if apposition is not None:
        # "Josh Earnest, the White House press secretary, said": the name is the subject.
        gap = gap[apposition.end() :]
    return len(gap) <= _SUBJECT_GAP_CHARS and _SUBJECT_GAP_RE.fullmatch(gap) is not None


def _entity_after(context: Context, position: int) -> tuple[int, int, str, str] | None:
    """The first named person or body within a few words after ``position``."""
    index = bisect.bisect_left(context.entities, (position,))
    if index < len(context.entities):
        entity = context.entities[index]
        if entity[0] - position <= _SUBJECT_GAP_CHARS and entity[2] in _ISSUER_LABELS:
            return entity
    return None


def _entity_at(context: Context, position: int) -> tuple[int, int, str, str] | None:
    """The named person or body that starts at ``position``."""
    index = bisect.bisect_left(context.entities, (position,))
    if index < len(context.entities):
        entity = context.entities[index]
        if entity[0] == position and entity[2] in _ISSUER_LABELS:
            return entity
    return None


def _entity_ending_at(context: Context, position: int) -> tuple[int, int, str, str] | None:
    """The named person or body whose text ends at ``position``."""
    index = bisect.bisect_left(context.entities, (position,))
    for entity in reversed(context.entities[max(0, index - 3) : index]):
        if entity[1] == position and entity[2] in _ISSUER_LABELS:
            return entity
    return None


_SUBJECT_HEAD_RE = re.compile(
    r"(?:['’]s)?[ ](?P<head>campaign|administration|government|team|office|foundation"
    r"|family|ministry|department)(?=[ ,])"
)
# A communiqué or press release is an official document by itself ("a military communique").
_OFFICIAL_NOUN_RE = re.compile(
    r"(?<![\w\-])(?:a|an|the|its|their|this)[ ]{1,3}(?:[a-z]{3,15}[ ]{1,3})?"
    r"(?P<noun>communiqu[eé]|press[ ]release)(?![\w\-])"
)
_INSPECTOR_REPORT_RE = re.compile(
    r"(?<![\w\-])(?:[Ii]nspector[ ][Gg]eneral|IG)['’]s?[ ](?:(?:\d{4}|new|latest|final)[ ])?"
    r"(?P<noun>report)(?![\w\-])"
)
_PERSON_PRONOUNS = frozenset({"he", "she", "He", "She"})
_BODY_NOUNS = frozenset(
    {"company", "ministry", "agency", "firm", "bank", "group", "organization", "organisation"}
)
# How far back a pronoun's referent may be named: about two sentences of news prose.
PRONOUN_WINDOW_CHARS = 400


def _pronoun_referent(context: Context, text: str, verb: int) -> tuple[int, int, str, str] | None:
    """The person "he"/"she" right before the verb stands for: the last one named before."""
    words = text[max(0, verb - 24) : verb].split()
    if not words:
        return None
    if words[-1] in _PERSON_PRONOUNS:
        label = "PERSON"
    elif words[-1] in ("it", "It"):
        label = "ORG"  # "It said in a statement": the company or body named before.
    elif words[-1] in _BODY_NOUNS and len(words) > 1 and words[-2] in ("the", "The"):
        label = "ORG"  # "the company said in a statement": the company named before.
    else:
        return None
    index = bisect.bisect_left(context.entities, (verb - len(words[-1]) - 5,))
    while index > 0:
        index -= 1
        entity = context.entities[index]
        if entity[0] < verb - PRONOUN_WINDOW_CHARS:
            return None
        if entity[2] == label:
            return entity
    return None


def _entity_issuer(context: Context, entity: tuple[int, int, str, str]) -> str:
    """An entity as an issuer: the table's full name when known, else the name as printed."""
    text = entity[3]
    text = text[4:] if text.startswith(("the ", "The ")) else text
    known = issuer_table().lookup(text)
    if known is not None:
        # An organisation known by its acronym keeps it ("NATO", "OECD"); courts and
        # UN organs take their full name ("ICJ" -> "International Court of Justice").
        if known.kind == "organization" and text.isupper() and known.role is None:
            return text
        return context.issuer_name(known)
    return text


_GOVERNOR_OF_RE = re.compile(
    r"(?:the[ ])?(?P<place>[A-Z][\w.]{1,20}(?:[ ][A-Z][\w.]{1,20}){0,3})['’]s?[ ]governor(?![\w])"
)


def _governor(context: Context, by_clause: re.Match[str] | None) -> re.Match[str] | None:
    """The match naming a state's governor after "signed by" ("North Carolina's governor")."""
    if by_clause is None:
        return None
    match = _GOVERNOR_OF_RE.match(context.text, by_clause.end())
    if match is None or context.gazetteer.subdivision(match.group("place")) is None:
        return None
    return match


def issued_documents(context: Context) -> Iterator[Found]:
    """Statements, reports and resolutions whose issuer the clause names."""
    text = context.text
    for pattern in (_SAID_IN_RE, _ISSUED_RE, _IN_ITS_RE):
        for match in pattern.finditer(text):
            noun = match.group("noun")
            if noun == "resolution" and pattern is not _ISSUED_RE:
                continue
            joint = "joint" in match.group()
            subject = _entity_before(context, match.start("verb"))
            if subject is not None and text[subject[0] - 1 : subject[0]] == "(":
                # "(NAPM) said": the name the acronym stands for is the subject.
                subject = _entity_before(context, subject[0] - 1) or subject
            apposition = _APPOSITION_BEFORE_RE.search(
                text, max(0, match.start("verb") - 90), match.start("verb")
            )
            if subject is not None and apposition is not None and subject[0] >= apposition.start():
                # "Vladimir Putin, president of Russia, said": the name before the apposition.
                subject = _entity_before(context, apposition.start())
            # The subject names the issuer only when it sits right before the verb; a
            # name further back ("..., he said") is the voices stage's to resolve.
            if subject is not None and not _is_subject_gap(text[subject[1] : match.start("verb")]):
                subject = None
            issuer = _entity_issuer(context, subject) if subject and not joint else None
            if subject is not None and issuer is not None:
                head = _SUBJECT_HEAD_RE.match(text, subject[1], match.start("verb"))
                if head is not None:
                    # "the Trump campaign said": the campaign, not the man, issued it.
                    issuer = f"{issuer} {head.group('head')}"
            if subject is None and not joint:
                referent = _pronoun_referent(context, text, match.start("verb"))
                issuer = _entity_issuer(context, referent) if referent else None
            body = _body_before(context, match.start("verb"))
            if (
                body is not None
                and not joint
                and (subject is None or body[1] - body[0] > subject[1] - subject[0])
            ):
                # "the United States House of Representatives passed": the issuer tables
                # know the body's full name where the entity model sees only "United States".
                issuer = context.issuer_name(body[2])
            yield Found(
                _CLAUSE_KINDS.get(noun, "official_statement"),
                match.start("noun"),
                match.end("noun"),
                issuer,
            )
    for match in _OFFICIAL_NOUN_RE.finditer(text):
        yield Found("official_statement", match.start("noun"), match.end("noun"), None)
    inspectors = issuer_table().inspectors_general
    for match in _INSPECTOR_REPORT_RE.finditer(text):
        # Whose inspector general: the department named nearest before, in a bounded window.
        window = text[max(0, match.start() - SENTENCE_WINDOW_CHARS) : match.end()]
        named = [(window.rfind(name), full) for name, full in inspectors.items()]
        found = max(((at, full) for at, full in named if at >= 0), default=None)
        yield Found("report", match.start(), match.end(), found[1] if found else None)
    for match in _IN_A_RE.finditer(text):
        if match.group("noun") == "resolution":
            continue
        # "In a joint statement, A and B said": several issuers, none of them alone.
        subject = None if "joint" in match.group() else _entity_after(context, match.end())
        yield Found(
            _CLAUSE_KINDS.get(match.group("noun"), "official_statement"),
            match.start("noun"),
            match.end("noun"),
            _entity_issuer(context, subject) if subject else None,
        )
    for match in _NAMED_NOUN_RE.finditer(text):
        # "the IG report", "a Senate Intelligence Committee report": a name as modifier.
        printed = match.group("name")
        if re.search(r"[a-z]\.[ ]", printed) or any(
            word in _NOT_TITLE_WORDS for word in printed.split()[1:]
        ):
            continue  # "Florida. The statement": a sentence boundary, not a name.
        first = printed.split()[0]
        if first in _NOT_TITLE_WORDS or first in _WEEKDAYS or _MONTH_START_RE.match(printed):
            continue
        known = issuer_table().lookup(printed)
        entity = _entity_ending_at(context, match.end("name"))
        if known is None and entity is None and not printed.replace(".", "").isupper():
            continue  # "Sources report", "Another report": no issuer's name.
        yield Found(
            _CLAUSE_KINDS.get(match.group("noun"), "official_statement"),
            match.start("name"),
            match.end("noun"),
            context.issuer_name(known) if known else printed,
        )
    for match in _EXECUTIVE_ACT_RE.finditer(text):
        owner = _entity_ending_at(context, match.start())
        clause = text[max(0, match.start() - 30) : match.start()]
        by_clause = _SIGNED_BY_AFTER_RE.match(text, match.end())
        if owner is None and not _SIGNED_BEFORE_RE.search(clause) and by_clause is None:
            continue  # "an executive order" the administration might use: generic.
        if match.group("noun") in ("declaration", "proclamation") and (
            owner is None or owner[2] != "PERSON"
        ):
            continue  # Only a person's ("Trump's declaration") is an executive act.
        start = match.start("noun")
        if owner is not None:
            start = owner[0] + (4 if owner[3].startswith(("the ", "The ")) else 0)
        end = match.end("noun")
        governor = _governor(context, by_clause)
        if governor is not None:
            # The "signed by" phrase names the issuer, so the span takes it in.
            yield Found("law", start, governor.end(), f"Governor of {governor.group('place')}")
            continue
        yield Found("law", start, end, context.national("executive"))
    for match in _BY_ISSUER_RE.finditer(text):
        entity = _entity_at(context, match.end())
        if entity is None and text.startswith("the ", match.end()):
            entity = _entity_at(context, match.end() + 4)
        if entity is None:
            continue
        yield Found(
            _CLAUSE_KINDS.get(match.group("noun"), "official_statement"),
            match.start("noun"),
            entity[1],
            _entity_issuer(context, entity),
        )
    for match in _OWNER_NOUN_RE.finditer(text):
        owner = _entity_ending_at(context, match.start())
        if owner is None or owner[2] == "NORP":
            continue
        if match.group("noun") == "resolution" and not match.group("owner").strip():
            continue  # "UN resolution" without a number is the resolutions extractor's call.
        if not match.group("owner").strip() and text.startswith("s", match.end("noun")):
            continue  # "The Jakarta Post reports a value": the verb, not the document.
        yield Found(
            _CLAUSE_KINDS.get(match.group("noun"), "official_statement"),
            owner[0] + (4 if owner[3].startswith(("the ", "The ")) else 0),
            match.end("noun"),
            _entity_issuer(context, owner),
        )


def known_documents(context: Context) -> Iterator[Found]:
    """Documents cited by a name from the data table ("JCPOA", "Obamacare")."""
    table = issuer_table()
    if table.documents_pattern is None:
        return
    for match in table.documents_pattern.finditer(context.text):
        document = table.documents[match.group()]
        if document.context and not any(word in context.text for word in document.context):
            continue
        yield Found(
            document.kind,
            match.start(),
            match.end(),
            document.issuer,
            pinpoint=document.pinpoint,
            title=document.title,
        )


_AMENDMENT_RE = re.compile(
    r"(?<![\w\-])(?P<pin>(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth"
    r"|Eleventh|Twelfth|Thirteenth|Fourteenth|Fifteenth|Sixteenth|Seventeenth|Eighteenth"
    r"|Nineteenth|Twentieth|Twenty-[a-z]{3,6}|\d{1,2}(?:st|nd|rd|th))[ ]Amendment"
    r"|(?:Due[ ]Process|Equal[ ]Protection|Commerce|Emoluments|Establishment|Free[ ]Exercise"
    r"|Supremacy|Necessary[ ]and[ ]Proper|Takings|Appointments)[ ]Clause)(?![\w\-])"
)


def amendments(context: Context) -> Iterator[Found]:
    """US constitutional amendments and clauses cited by name ("Second Amendment")."""
    for match in _AMENDMENT_RE.finditer(context.text):
        yield Found(
            "constitution",
            match.start(),
            match.end(),
            context.national("constitution", "US"),
            pinpoint=match.group("pin"),
        )


_LAW_ENTITY_KINDS = (
    (re.compile(r"(?<![\w])[Cc]onstitution(?![\w])"), "constitution"),
    (re.compile(r"(?<![\w])(?:Act|Code|Law|act)(?![\w])"), "law"),
    (
        re.compile(
            r"(?<![\w])(?:Treaty|Convention|Conventions|Agreement|Accords?|Charter|Protocol"
            r"|Statute|Covenant|Declaration)(?![\w])"
        ),
        "treaty",
    ),
)


def law_entities(context: Context) -> Iterator[Found]:
    """Documents the named-entity model labels LAW, kept when they hold a document noun."""
    for start, end, label, printed in context.entities:
        if label != "LAW":
            continue
        kind = next((kind for pattern, kind in _LAW_ENTITY_KINDS if pattern.search(printed)), None)
        if kind is None:
            continue
        if printed.startswith(("the ", "The ")):
            start, printed = start + 4, printed[4:]
        issuer = None
        pinpoint = None
        country = _country_in(context.gazetteer, printed)
        if kind == "law":
            issuer = context.national("legislature", country)
        elif kind == "constitution":
            clause = _AMENDMENT_RE.match(printed)
            if clause is not None:
                # "Due Process Clause of the United States Constitution": the clause is
                # the pinpoint, and named amendments and clauses are the US Constitution's.
                pinpoint, country = clause.group("pin"), country or "US"
            issuer = context.national("constitution", country)
        yield Found(
            kind,
            start,
            end,
            issuer,
            pinpoint=pinpoint,
            title=printed if kind != "constitution" else None,
        )


# "Roe v. Wade", "Citizens United v. FEC": a case name cites the court's judgment.
_CASE_PARTY = r"[A-Z][\w.'’&\-]{0,25}(?:[ ](?:of|the|for|and|[A-Z][\w.'’&\-]{0,25})){0,4}"
_CASE_RE = re.compile(rf"(?<![\w\-])(?P<title>{_CASE_PARTY}[ ]vs?\.[ ]{_CASE_PARTY})(?![\w\-])")


def case_names(context: Context) -> Iterator[Found]:
    """Judgments cited by case name; the court when the sentence names one."""
    for match in _CASE_RE.finditer(context.text):
        title = match.group("title")
        words = title.split()
        start = match.start()
        while words and words[0] in _NOT_TITLE_WORDS:
            start += len(words[0]) + 1
            words.pop(0)
        title = " ".join(words)
        end = match.end()
        while title.endswith((" of", " the", " and", " for")):
            title = title.rsplit(" ", 1)[0]
        end = start + len(title)
        low, high = context.sentence_window(match.start())
        courts = [m for m in context.issuers_in(low, high) if m[2].kind == "court"]
        issuer = context.issuer_name(courts[0][2]) if courts else None
        yield Found("court_judgment", start, end, issuer, title=title)


# "Title IX", "Article II": pinpoints whose document news leaves implicit.
_TITLE_PINPOINT_RE = re.compile(r"(?<![\w\-])Title[ ](?P<number>[IVXL]{1,6}|\d{1,2})(?![\w\-])")
_ROMAN_ARTICLE_RE = re.compile(
    r"(?<![\w\-])Article[ ](?P<number>[IVX]{1,5})(?![\w\-])(?![ ]{1,3}of[ ])"
)
_STATE_LAW_RE = re.compile(
    r"(?<![\w\-])(?P<owner>[A-Z][a-z]{2,15}(?:[ ][A-Z][a-z]{2,15})?)['’]s?[ ]{1,3}"
    r"(?:(?:new|controversial|strict|proposed|current|existing|[a-z]{3,15}-[a-z]{3,15})[ ]{1,3})?"
    r"(?:[a-z]{4,15}[ ]{1,3})?(?P<noun>law)(?![\w\-])"
)


def implicit_documents(context: Context) -> Iterator[Found]:
    """ "Title IX" (a US law), roman "Article II" (the constitution), "Texas's abortion law"."""
    text = context.text
    gazetteer = context.gazetteer
    for match in _TITLE_PINPOINT_RE.finditer(text):
        yield Found(
            "law",
            match.start(),
            match.end(),
            context.national("legislature"),
            pinpoint=match.group(),
        )
    for match in _ROMAN_ARTICLE_RE.finditer(text):
        yield Found(
            "constitution",
            match.start(),
            match.end(),
            context.national("constitution"),
            pinpoint=match.group(),
        )
    for match in _STATE_LAW_RE.finditer(text):
        if match.group().split()[-2:-1] == ["proposed"]:
            continue
        owner = match.group("owner")
        state = _us_state(gazetteer, [*owner.split(), "law"])
        code = gazetteer.country(owner)
        if state is None and code is None:
            continue
        issuer = f"{state} Legislature" if state else _law_issuer(context, code)
        yield Found("law", match.start(), match.end(), issuer)


# "SB 1070", "H.R. 1": bills and acts by legislative number.
_BILL_NUMBER_RE = re.compile(
    r"(?<![\w\-.])(?P<chamber>H\.R\.|S\.B\.|H\.B\.|SB|HB|AB)[ ]?(?P<number>\d{1,5})(?![\w\-])"
)
# "the Hyde Amendment": an amendment named for its sponsor is a law, not a pinpoint.
_NAMED_AMENDMENT_RE = re.compile(
    r"(?<![\w\-])(?P<name>[A-Z][a-z]{2,20}(?:[-–][A-Z][a-z]{2,20})?)[ ]Amendment(?![\w\-])"
)
_ORDINAL_WORDS = frozenset(
    {
        "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
        "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth",
        "Seventeenth", "Eighteenth", "Nineteenth", "Twentieth", "Twenty", "The", "This", "An",
        "A", "New", "Proposed",
    }
)  # fmt: skip
_COURT_NOUN_RE = re.compile(
    r"(?<![\w\-])(?:the|a|an)[ ]{1,3}(?P<court>(?:(?:federal|appeals|district|state|high|top"
    r"|supreme|appellate|lower|constitutional|military)[ ]{1,3}){0,2}court)['’]s?[ ]{1,3}"
    r"(?:(?:latest|recent|final|landmark|unanimous)[ ]{1,3})?"
    r"(?P<noun>ruling|decision|order|opinion|judge?ment|verdict)(?![\w\-])"
)
# "Judge Gray Miller's ruling", "a federal judge's order": a judge's decision.
_JUDGE_DECISION_RE = re.compile(
    r"(?<![\w\-])(?P<judge>(?:(?:U\.S\.|federal|district|appeals|state)[ ]{1,3})?[Jj]udge"
    r"(?:[ ][A-Z][\w.\-]{1,20}){0,3})['’]s?[ ]{1,3}"
    r"(?:(?:latest|recent|final|temporary|preliminary)[ ]{1,3})?"
    r"(?P<noun>ruling|decision|order|opinion|judge?ment|injunction)(?![\w\-])"
)
_NAMED_OTHER_RE = re.compile(
    r"(?<![\w\-])(?P<name>[A-Z][A-Za-z.&\-]{1,15})[ ](?P<noun>guidelines)(?![\w\-])"
)


def other_references(context: Context) -> Iterator[Found]:
    """Bills by number, named amendments, "the court's ruling", "NATO guidelines"."""
    text = context.text
    courts = [mention for mention in context.issuers if mention[2].kind == "court"]
    for match in _BILL_NUMBER_RE.finditer(text):
        federal = match.group("chamber") == "H.R."
        owner = _COUNTRY_OWNER_RE.search(text, max(0, match.start() - 40), match.start())
        state = (
            _us_state(context.gazetteer, [*owner.group("owner").split(), "bill"]) if owner else None
        )
        yield Found(
            "law",
            match.start(),
            match.end(),
            context.national("legislature")
            if federal
            else (f"{state} Legislature" if state else None),
            number=_tidy(match.group()),
        )
    for match in _NAMED_AMENDMENT_RE.finditer(text):
        if match.group("name") in _ORDINAL_WORDS:
            continue
        yield Found(
            "law",
            match.start(),
            match.end(),
            context.national("legislature"),
            title=match.group(),
        )
    for match in _COURT_NOUN_RE.finditer(text):
        court = _last_court_before(courts, match.start())
        noun = match.group("noun")
        yield Found(
            "court_order" if noun == "order" else "court_judgment",
            match.start("court"),
            match.end(),
            context.issuer_name(court) if court else None,
        )
    for match in _JUDGE_DECISION_RE.finditer(text):
        judge = match.group("judge")
        named = judge.split()[-1][0].isupper() and judge.split()[-1].casefold() != "judge"
        yield Found(
            "court_order" if match.group("noun") in ("order", "injunction") else "court_judgment",
            match.start(),
            match.end(),
            judge if named else None,
        )
    for match in _NAMED_OTHER_RE.finditer(text):
        known = issuer_table().lookup(match.group("name"))
        if known is None:
            continue
        yield Found("other", match.start(), match.end(), match.group("name"))


EXTRACTORS = (
    known_documents,
    court_decisions,
    resolutions,
    constitutions,
    treaties,
    laws,
    reports,
    official_statements,
    amendments,
    issued_documents,
    case_names,
    implicit_documents,
    other_references,
    law_entities,
)
"""The extractors, in priority order: on equal spans the earlier one's reading wins."""


# --- pinpoints, overlaps, states --------------------------------------------------------------

_PIN_UNIT = (
    r"(?:Articles?|Art\.|Arts\.|Sections?|Sec\.|§§?|[Pp]aragraphs?|[Pp]aras?\.|Chapters?"
    r"|Clauses?|[Pp]oints?|[Oo]perative[ ]paragraphs?|[Pp]arts?|Rules?|[Aa]rticles?|[Ss]ections?)"
)
_PIN_NUMBER = r"(?:\d{1,4}(?:\.\d{1,3}){0,3}[a-z]?|[IVXLC]{1,6})(?:[ ]?\([\w]{1,4}\)){0,3}"
_PIN_ONE = (
    rf"{_PIN_UNIT}[ ]{{0,2}}{_PIN_NUMBER}"
    rf"(?:(?:,[ ]{{1,2}}|,?[ ]{{1,3}}(?:and|or|to|through)[ ]{{1,3}}|[-–]){_PIN_NUMBER}){{0,6}}"
)
_AMENDMENT = (
    r"(?:[Tt]he[ ])?(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth"
    r"|Eleventh|Twelfth|Thirteenth|Fourteenth|Fifteenth|Sixteenth|Seventeenth|Eighteenth"
    r"|Nineteenth|Twentieth|Twenty-\w{3,6}|\d{1,2}(?:st|nd|rd|th))[ ]Amendment"
)
_PINPOINT_BEFORE_RE = re.compile(
    rf"(?<![\w])(?P<pin>(?:{_PIN_ONE}|{_AMENDMENT})(?:[ ]{{1,3}}of[ ]{{1,3}}(?:{_PIN_ONE})){{0,2}})"
    r"[ ]{1,3}(?:of|to|in|under)[ ]{1,3}(?:the[ ]{1,3}|its[ ]{1,3}|this[ ]{1,3})?$"
)


def attach_pinpoint(text: str, found: Found) -> Found:
    """The find with a pinpoint printed right before it ("Article 7 of ...") taken in."""
    low = max(0, found.start - PINPOINT_WINDOW_CHARS)
    window = text[low : found.start]
    match = _PINPOINT_BEFORE_RE.search(window)
    if match is None:
        return found
    pinpoint = match.group("pin")
    # "the Second Amendment to the Constitution": the article is not part of the pinpoint.
    article = len(pinpoint) - len(pinpoint.removeprefix("the ").removeprefix("The "))
    issuer = found.issuer
    if issuer is None and found.kind == "constitution" and _AMENDMENT_RE.match(pinpoint, article):
        # A numbered amendment by its ordinal ("Second Amendment") is the US Constitution's.
        issuer = issuer_table().national["US"]["constitution"]
    return replace(
        found,
        start=low + match.start("pin") + article,
        pinpoint=_tidy(pinpoint[article:]),
        issuer=issuer,
        owner_start=None if issuer is not None else found.owner_start,
    )


def resolve_overlaps(finds: Iterable[Found]) -> list[Found]:
    """Non-overlapping finds: the longer span wins, then the earlier extractor's."""
    ranked = sorted(enumerate(finds), key=lambda pair: (-(pair[1].end - pair[1].start), pair[0]))
    # Kept spans never overlap, so sorted by start they are sorted by end too: one
    # neighbour on each side decides, and a long list of finds stays n log n.
    starts: list[int] = []
    kept: list[Found] = []
    for _, found in ranked:
        index = bisect.bisect_left(starts, found.start)
        if index > 0 and kept[index - 1].end > found.start:
            continue
        if index < len(kept) and kept[index].start < found.end:
            continue
        starts.insert(index, found.start)
        kept.insert(index, found)
    return kept


def resolve_state(context: Context, position: int) -> str | None:
    """The state a sentence is about: a country named in it, else the only one before it."""
    sentence = context.sentence_of(position)
    start, end = context.sentence_window(position, sentence)
    preceding = context.countries_in(start, position)
    if preceding:
        return preceding[-1]
    following = context.countries_in(position, end)
    if following:
        # "In accordance with its Constitution, Azerbaijan will ...": the subject follows.
        return following[0]
    if sentence > 0:
        previous_start, previous_end = context.sentence_bounds(sentence - 1)
        previous_start = max(previous_start, previous_end - SENTENCE_WINDOW_CHARS)
        codes = set(context.countries_in(previous_start, previous_end))
        if len(codes) == 1:
            return codes.pop()
    return None


# --- the stage ---------------------------------------------------------------------------------


_ACRONYM_AFTER_RE = re.compile(r"[ ]{1,2}\((?P<acronym>[A-Z][A-Z0-9&\-]{1,10})\)")
# A text defines few acronyms for the documents it cites; more is a list, not prose.
MAX_ACRONYMS = 20


def acronym_mentions(text: str, finds: Sequence[Found]) -> Iterator[Found]:
    """Later mentions of a cited document by the acronym defined after its name."""
    defined = 0
    for found in finds:
        if found.title is None or found.kind not in ("law", "treaty", "report"):
            continue
        match = _ACRONYM_AFTER_RE.match(text, found.end)
        if match is None:
            continue
        defined += 1
        if defined > MAX_ACRONYMS:
            return
        acronym = match.group("acronym")
        pattern = re.compile(r"(?<![\w\-(])" + re.escape(acronym) + r"(?![\w\-)])")
        for mention in pattern.finditer(text, match.end()):
            yield replace(
                found, start=mention.start(), end=mention.end(), title=acronym, pinpoint=None
            )


def find_citations(context: Context) -> list[Found]:
    """Every citation of the text, pinpoints attached and overlaps resolved."""
    finds = [found for extractor in EXTRACTORS for found in extractor(context)]
    kept = [
        replace(found, issuer=_act_issuer(context.text[found.start : found.end]))
        if found.issuer is None and found.kind == "law"
        else found
        for found in resolve_overlaps(attach_pinpoint(context.text, found) for found in finds)
    ]
    # Acronyms come after the act's issuer is known: "the FCPA" is Congress's as well.
    kept = resolve_overlaps([*kept, *acronym_mentions(context.text, kept)])
    resolved = []
    for found in kept:
        if found.issuer is None and found.owner_start is not None:
            code = resolve_state(context, found.owner_start) or context.state
            if code is not None:
                found = replace(found, issuer=context.national(found.kind_role, code))
        resolved.append(found)
    return resolved


def _act_issuer(printed: str) -> str | None:
    """Who passed an act whose title settles it ("the 1965 Voting Rights Act": U.S. Congress)."""
    table = issuer_table()
    if table.acts_pattern is None:
        return None
    match = table.acts_pattern.search(printed)
    return table.act_issuers[match.group()] if match else None


def _document_state(
    context: Context, dossier: Dossier, table: IssuerTable, given: str | None
) -> str | None:
    """The state the document is about: the dateline's, a country it keeps naming, the
    country given with the document, else the table's default.

    The shipped default is null: with no state in the text or its metadata, "the Supreme
    Court" keeps a null issuer rather than a guess. Whatever the source, an issuer that
    rests on this state is marked ``issuer_inferred``.

    A country named only once is usually a foreign subject of the story, not the state
    whose "Constitution" or "Supreme Court" the text means unqualified.
    """
    dateline = dossier.anatomy.dateline
    if dateline is not None and dateline.country:
        return dateline.country
    counts = Counter(code for _, code in context.countries)
    # A national body named ("Congress", "the Bundestag") or one of the state's provinces
    # ("Alabama", "Bavaria") speaks for its state too.
    counts.update(issuer.country for _, _, issuer in context.issuers if issuer.country)
    counts.update(context.subdivision_countries)
    leader, mentions = None, 0
    if counts:
        code, count = counts.most_common(1)[0]
        if count * 2 > sum(counts.values()):
            leader, mentions = code, count
    if leader is not None and mentions >= MIN_STATE_MENTIONS:
        return leader
    # The state given with the document outweighs one passing mention of a country.
    return given or leader or table.default_country


def issuer_is_inferred(context: Context, found: Found) -> bool:
    """Whether the issuer rests on the document's state rather than on the text around it.

    It does when the issuer is one of that state's bodies (or the state itself, for a
    constitution) while the citation's sentence names neither the state nor one of its
    bodies by a qualified name ("the U.S. Supreme Court", not "the Supreme Court").
    """
    state = context.state
    if found.issuer is None or state is None:
        return False
    bodies = issuer_table().national.get(state, {})
    names = {context.gazetteer.country_name(state)}
    names.update(value for key, value in bodies.items() if isinstance(value, str))
    names.update(bodies.get("generic_names", {}).values())
    if found.issuer not in names:
        return False
    if _country_in(context.gazetteer, context.text[found.start : found.end]) == state:
        return False  # "the U.S. Constitution" names its state itself.
    start, end = context.sentence_window(found.start)
    if state in context.countries_in(start, end):
        return False
    return not any(
        issuer.country == state and issuer.role is None
        for _, _, issuer in context.issuers_in(start, end)
    )


def _without_final_period(text: str, found: Found) -> Found:
    """The span without a sentence's full stop ("... of America."), keeping "U.S."."""
    covered = text[found.start : found.end]
    if covered.endswith(".") and "." not in covered.rsplit(" ", 1)[-1][:-1]:
        return replace(found, end=found.end - 1)
    return found


class CitationsStage:
    """Adds the `citations` layer."""

    name = STAGE
    needs_parse = False

    def __call__(self, analysis: Analysis) -> None:
        """Find and normalise the document's references to other documents."""
        text = analysis.document.text
        table = issuer_table()
        dossier = analysis.dossier
        context = Context(
            text=text,
            gazetteer=analysis.resources.gazetteer,
            sentence_starts=sentence_starts(analysis.document.text, analysis.parsed),
            issuers=[
                (match.start(), match.end(), issuer)
                for match in table.pattern.finditer(text)
                if (issuer := table.lookup(match.group())) is not None
            ],
            countries=[
                (entity.start, entity.id.removeprefix("country:"))
                for entity in dossier.entities
                if entity.id is not None and entity.id.startswith("country:")
            ],
            subdivision_countries=[
                entity.id.removeprefix("subdivision:").split("-", 1)[0]
                for entity in dossier.entities
                if entity.id is not None and entity.id.startswith("subdivision:")
            ],
            reference=reference_date(dossier.anatomy.published),
            entities=sorted(
                (entity.start, entity.end, entity.label, entity.text) for entity in dossier.entities
            ),
        )
        context.countries.sort()
        context.state = _document_state(context, dossier, table, analysis.document.hints.country)
        for found in find_citations(context):
            found = _without_final_period(text, found)
            dossier.citations.append(
                Citation(
                    kind=found.kind,
                    issuer=found.issuer,
                    issuer_inferred=issuer_is_inferred(context, found),
                    date=found.date,
                    date_inferred=found.date_inferred,
                    number=found.number,
                    pinpoint=found.pinpoint,
                    title=found.title,
                    text=text[found.start : found.end],
                    start=found.start,
                    end=found.end,
                    sentence=context.sentence_of(found.start),
                )
            )
