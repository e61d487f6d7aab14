"""The anatomy stage: headline, section, bylines, publication time, dateline, agency, body.

One pass over the header lines (the lines before the first body paragraph) classifies
each as boilerplate, section, date, byline or headline; the first body line is checked
for a dateline; the lead paragraph for the agency that carries the story. Everything
that is a list (sections, content-type labels, boilerplate, agencies, region
abbreviations) lives in ``claimscope/data`` so users can extend it without code.

Every regular expression here is anchored or searched over a bounded window and uses
only bounded quantifiers over disjoint character classes, so matching time is linear
in the text even on adversarial input (a 100k-character line, 200k characters of "A, ").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from claimscope.analysis import Analysis
from claimscope.data import load_table
from claimscope.document import Hints
from claimscope.dossier import (
    Agency,
    Anatomy,
    Byline,
    Dateline,
    PlaceCandidate,
    Span,
    TextSpan,
)
from claimscope.gazetteer import CityChoice, Gazetteer, fold
from claimscope.page_metadata import is_site_name, site_keys
from claimscope.text.dates import MONTHS, WEEKDAYS, month_number, reference_date, resolve_year
from claimscope.text.markup import markup_title

STAGE_NAME = "anatomy"

# The header is short on every site we know; scanning further only finds body lines.
MAX_HEADER_LINES = 40
MAX_HEADER_CHARS = 6000
# A header line longer than this is a paragraph, whatever else it looks like.
MAX_HEADER_LINE_CHARS = 250
MAX_HEADLINE_CHARS = 300
# Agency cues ("..., Trend reports.") sit in the lead paragraph.
LEAD_WINDOW_CHARS = 1200
# Sign-offs ("Reuter") sit in the last few lines.
SIGN_OFF_LINES = 3
# The other places a story names near its start decide an ambiguous dateline city
# ("SPRINGFIELD - ... the Illinois legislature"); further on they may be anywhere.
PLACE_CONTEXT_CHARS = 3000
# Candidate cities listed for an ambiguous dateline: enough to show what was open.
MAX_PLACE_CANDIDATES = 10


@dataclass(frozen=True)
class Line:
    """One line of the text: its stripped content and where that content lies."""

    text: str
    start: int
    end: int


def iter_lines(text: str, start: int = 0) -> Iterator[Line]:
    """Lines from offset ``start``, each stripped of edge whitespace, with its offsets."""
    position = start
    length = len(text)
    while position <= length:
        newline = text.find("\n", position)
        line_end = length if newline == -1 else newline
        raw = text[position:line_end]
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            yield Line(stripped, position + lead, position + lead + len(stripped))
        else:
            yield Line("", position, position)
        if newline == -1:
            return
        position = newline + 1


# --- data tables -------------------------------------------------------------------


@dataclass(frozen=True)
class Tables:
    """The anatomy data tables, folded for lookup."""

    sections: dict[str, str]
    content_types: frozenset[str]
    boilerplate_lines: frozenset[str]
    boilerplate_prefixes: tuple[str, ...]
    boilerplate_max_prefix_chars: int
    boilerplate_suffixes: tuple[str, ...]
    boilerplate_max_suffix_chars: int
    agencies: dict[str, str]
    agency_countries: dict[str, str]
    agency_pattern: re.Pattern[str]
    byline_role_words: frozenset[str]


@functools.cache
def tables() -> Tables:
    """The data tables of ``claimscope/data``, loaded once per process."""
    sections_data = load_table("sections.json")
    boilerplate_data = load_table("boilerplate.json")
    agencies_data = load_table("agencies.json")
    bylines_data = load_table("bylines.json")
    agencies: dict[str, str] = {}
    for agency in agencies_data["agencies"]:
        for alias in [agency["name"], *agency["aliases"]]:
            agencies.setdefault(alias, agency["name"])
    aliases = sorted(agencies, key=len, reverse=True)
    agency_pattern = re.compile(
        r"(?<![\w/.\-])(?:" + "|".join(re.escape(alias) for alias in aliases) + r")(?![\w\-])"
    )
    return Tables(
        sections={fold(name): name for name in sections_data["sections"]},
        content_types=frozenset(fold(name) for name in sections_data["content_types"]),
        boilerplate_lines=frozenset(fold(line) for line in boilerplate_data["lines"]),
        boilerplate_prefixes=tuple(p.casefold() for p in boilerplate_data["prefixes"]),
        boilerplate_max_prefix_chars=int(boilerplate_data["max_prefix_line_chars"]),
        boilerplate_suffixes=tuple(s.casefold() for s in boilerplate_data["suffixes"]),
        boilerplate_max_suffix_chars=int(boilerplate_data["max_suffix_line_chars"]),
        agencies=agencies,
        agency_countries={
            agency["name"]: agency["country"]
            for agency in agencies_data["agencies"]
            if agency.get("country")
        },
        agency_pattern=agency_pattern,
        byline_role_words=frozenset(fold(word) for word in bylines_data["role_words"]),
    )


# --- dates -------------------------------------------------------------------------

_LETTER = r"[^\W\d_]"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_MONTH = "(?i:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")" + _NOT_LETTER_AFTER
_WEEKDAY = "(?i:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + ")" + _NOT_LETTER_AFTER
_ORDINAL = r"(?:st|nd|rd|th)?"

# A calendar date with its year, in the forms sites print.
_FULL_DATE = (
    r"(?<![^\W_])"
    r"(?:(?P<lead_hour>\d{1,2}):(?P<lead_minute>\d{2})[ ]{0,2}[,|]?[ ]{1,2})?"
    rf"(?:(?P<weekday>{_WEEKDAY})\.?,?[ ]{{1,2}})?"
    r"(?:"
    rf"(?P<d1>\d{{1,2}}){_ORDINAL}[ ]{{1,2}}(?P<m1>{_MONTH})\.?,?[ ]{{1,2}}(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH})\.?[ ]{{0,2}}(?P<d2>\d{{1,2}}){_ORDINAL},?[ ]{{1,2}}(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<mo3>\d{2})-(?P<d3>\d{2})"
    rf"|(?P<d4>\d{{1,2}})-(?P<m4>{_MONTH})-(?P<y4>\d{{4}})"
    # Day first with dots ("01.08.2023") is how every site that prints it means it.
    r"|(?P<d5>\d{1,2})\.(?P<mo5>\d{1,2})\.(?P<y5>\d{4})"
    r")(?!\d)"
)
_TIME = (
    r"(?:[ ]{0,2}(?:T|,|\||-|–|at)?[ ]{0,2}"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,6})?)?(?!\d)"
    r"(?:[ ]{0,2}(?P<ampm>[AaPp]\.?[Mm]\.?))?)?"
)
_OFFSET = (
    r"(?:[ ]{0,2}(?P<open>\()?"
    r"(?:(?P<zulu>Z)|(?:UTC|GMT)?[ ]{0,2}(?P<sign>[+\-−])(?P<offset_hours>\d{1,2})"
    r"(?::?(?P<offset_minutes>\d{2}))?(?!\d)|(?P<utc>UTC|GMT)(?![\w+\-]))"
    r"(?(open)\)))?"
)
DATETIME_RE = re.compile(_FULL_DATE + _TIME + _OFFSET)

# The date of a dateline: year optional ("Aug.1.", "Feb 26", "2 March", "August 1, 2023").
_DATELINE_DATE = (
    rf"(?:(?P<dm>{_MONTH})\.?[ ]{{0,2}}(?P<dd>\d{{1,2}}){_ORDINAL}"
    rf"(?:,?[ ]{{1,2}}(?P<dy>\d{{4}}))?"
    rf"|(?P<dd2>\d{{1,2}}){_ORDINAL}[ ]{{1,2}}(?P<dm2>{_MONTH})\.?"
    rf"(?:,?[ ]{{1,2}}(?P<dy2>\d{{4}}))?)"
    r"(?!\d)\.?"
)
_PLACE_WORD = r"[^\W\d_](?:[^\W\d_]|[.'’\-]){0,30}"
DATELINE_RE = re.compile(
    rf"(?P<place>{_PLACE_WORD}(?:[ ]{_PLACE_WORD}){{0,3}})"
    rf"(?P<regions>(?:[ ]{{0,2}},[ ]{{1,3}}(?!{_MONTH})(?!\d){_PLACE_WORD}"
    rf"(?:[ ](?!{_MONTH}){_PLACE_WORD}){{0,2}}){{0,2}})"
    rf"(?:,?[ ]{{1,3}}(?P<date>{_DATELINE_DATE}))?"
    r"(?:[ ]{0,3}\((?P<paren_agency>[^()\n]{1,40})\))?"
    r"(?:[ ]{0,3}/(?P<slash_agency>[^/\n]{1,40})/\.?)?"
    r"(?P<dash>[ ]{0,3}(?:--|[-–—:]))?"
)
_REGION_SPLIT_RE = re.compile(r"[ ]{0,2},[ ]{1,3}")


@dataclass(frozen=True)
class ParsedDateTime:
    """A date, and a time and UTC offset when printed, with the matched characters."""

    value: str
    start: int
    end: int


def _format_offset(sign: str, hours: int, minutes: int) -> str | None:
    if hours > 14 or minutes > 59:
        return None
    return f"{'-' if sign in '-−' else '+'}{hours:02d}:{minutes:02d}"


def _datetime_from_match(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    try:
        if groups["d1"]:
            day, month, year = int(groups["d1"]), month_number(groups["m1"]), int(groups["y1"])
        elif groups["d2"]:
            day, month, year = int(groups["d2"]), month_number(groups["m2"]), int(groups["y2"])
        elif groups["d3"]:
            day, month, year = int(groups["d3"]), int(groups["mo3"]), int(groups["y3"])
        elif groups["d4"]:
            day, month, year = int(groups["d4"]), month_number(groups["m4"]), int(groups["y4"])
        else:
            day, month, year = int(groups["d5"]), int(groups["mo5"]), int(groups["y5"])
        calendar_date = date(year, month, day)
    except ValueError:
        return None
    if groups["hour"] is None and groups["lead_hour"] is not None:
        groups["hour"], groups["minute"] = groups["lead_hour"], groups["lead_minute"]
    if groups["hour"] is None:
        return calendar_date.isoformat()
    hour, minute = int(groups["hour"]), int(groups["minute"])
    second = int(groups["second"] or 0)
    ampm = (groups["ampm"] or "").replace(".", "").casefold()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    stamp = f"{calendar_date.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}"
    if groups["zulu"] or groups["utc"]:
        return stamp + "+00:00"
    if groups["sign"]:
        offset = _format_offset(
            groups["sign"], int(groups["offset_hours"]), int(groups["offset_minutes"] or 0)
        )
        return stamp + offset if offset else stamp
    return stamp


def find_datetime(text: str, start: int = 0, end: int | None = None) -> ParsedDateTime | None:
    """The first full date (with time and offset when printed) in ``text[start:end]``."""
    end = len(text) if end is None else end
    position = start
    while position < end:
        match = DATETIME_RE.search(text, position, end)
        if match is None:
            return None
        value = _datetime_from_match(match)
        if value is not None:
            return ParsedDateTime(value, match.start(), match.end())
        position = match.start() + 1
    return None


# Machine dates of reduced precision ("2019", "2019-05") and unpadded ISO forms
# ("2022-5-5 22:17:36") that CMSs write into metadata.
_REDUCED_DATE_RE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{1,2}))?")
_UNPADDED_ISO_RE = re.compile(
    r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})"
    r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d{1,9})?)?"
)


def normalize_published(value: str) -> str | None:
    """A publication date as printed or given in metadata, as ISO 8601 (offset kept if given).

    A year alone stays a year ("2019") and a month a month ("2019-05"): reduced precision
    is what the source gives, not the first of January.
    """
    stripped = value.strip()
    reduced = _REDUCED_DATE_RE.fullmatch(stripped)
    if reduced is not None:
        month = reduced["month"]
        if month is None:
            return reduced["year"]
        return f"{reduced['year']}-{int(month):02d}" if 1 <= int(month) <= 12 else None
    unpadded = _UNPADDED_ISO_RE.fullmatch(stripped)
    if unpadded is not None:
        try:
            day = date(int(unpadded["year"]), int(unpadded["month"]), int(unpadded["day"]))
        except ValueError:
            return None
        if unpadded["hour"] is None:
            return day.isoformat()
        hour, minute = int(unpadded["hour"]), int(unpadded["minute"])
        second = int(unpadded["second"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}"
    parsed = find_datetime(stripped)
    if parsed is None or parsed.start > 0 or stripped[parsed.end :].strip(" .,)"):
        try:
            # Metadata often carries ISO forms the printed-date patterns do not
            # cover ("2023-08-01T18:03:00.123456+04:00").
            moment = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
        except ValueError:
            return parsed.value if parsed is not None else None
        if len(stripped) <= len("2023-08-01"):
            return moment.date().isoformat()
        return moment.replace(microsecond=0).isoformat()
    return parsed.value


# A declared time with the publisher's own UTC offset names its local day; "Z" does not.
_LOCAL_OFFSET_RE = re.compile(r"T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?[+\-−]\d{2}:?\d{2}$")
NEAR_DAYS = 2
"""Days within which a declared local time corrects the date another reading gave."""
# The day a page's address gives ("/2016/01/01/", "2016-01-01-"), as evidence for a date.
_URL_DATE_RE = re.compile(r"(?<!\d)(?P<year>\d{4})[/-](?P<month>\d{2})[/-](?P<day>\d{2})(?!\d)")
MAX_URL_CHARS = 2000


def published_from_hints(hints: Hints) -> str | None:
    """The publication time the container's hints support best, as ISO 8601, or None.

    In order: a date the page prints beside its headline (or near it, when the page
    also declares that day); the date htmldate read (``hints.published``), unless the
    page's JSON-LD ``datePublished`` with its own UTC offset names a day at most two days
    from it (htmldate read a URL's day or a modification); then any declared
    ``datePublished``. Dates printed after "Updated" never count. The value comes with
    the time and offset of a reading on the same day when one has them.
    """
    readings = [normalize_published(hints.published)] if hints.published else []
    declared = [normalize_published(item.value) for item in hints.declared_published]
    modified = [normalize_published(item.value) for item in hints.declared_modified]
    declared_days = {value[:10] for value in (*declared, *modified) if value}
    if hints.url:
        declared_days.update(
            f"{match['year']}-{match['month']}-{match['day']}"
            for match in _URL_DATE_RE.finditer(hints.url[:MAX_URL_CHARS])
        )
    corroborated = declared_days | {printed.value for printed in hints.printed_dates}
    if hints.published_source == "htmldate":
        # htmldate fills a year it found alone with 1 January; a year alone is a year.
        readings = [
            value[:4]
            if value and value[4:10] == "-01-01" and value[:10] not in corroborated
            else value
            for value in readings
        ]
    day: str | None = None
    for printed in hints.printed_dates:
        if printed.source == "printed:beside-headline" or printed.value in declared_days:
            day = printed.value
            break
    if day is None:
        day = next((value for value in readings if value), None)
        for item, value in zip(hints.declared_published, declared, strict=True):
            if not value or not item.source.startswith("json-ld:"):
                continue
            if _LOCAL_OFFSET_RE.search(item.value.strip()) and _days_apart(value, day) <= NEAR_DAYS:
                day = value
            break
    if day is None:
        return next((value for value in declared if value), None)
    same_day = (value for value in (*readings, *declared) if value and value[:10] == day[:10])
    return max(same_day, key=len, default=day)


def _days_apart(first: str, second: str | None) -> int:
    """Days between two ISO dates; 0 when the second is missing (nothing to contradict)."""
    if second is None:
        return 0
    try:
        return abs((date.fromisoformat(first[:10]) - date.fromisoformat(second[:10])).days)
    except ValueError:
        return NEAR_DAYS + 1


# --- line classifiers --------------------------------------------------------------

_EDGE_FURNITURE = " \t.:;,!?|»«›‹>•·→←-–—_*#()[]"
_PIECE_SPLIT_RE = re.compile(r"[ ]{0,3}(?:[|»›>•·/]|[ ][-–—][ ])[ ]{0,3}")


def is_boilerplate(line: str) -> bool:
    """Whether a line is page furniture ("Read more", "Share", a cookie notice, ...)."""
    table = tables()
    key = fold(line.strip(_EDGE_FURNITURE))
    if key in table.boilerplate_lines:
        return True
    if len(line) > table.boilerplate_max_prefix_chars:
        return False
    lowered = line.casefold()
    if len(line) <= table.boilerplate_max_suffix_chars and key.endswith(table.boilerplate_suffixes):
        return True
    return lowered.startswith(table.boilerplate_prefixes)


def section_of(text: str) -> str | None:
    """The section a header fragment names ("Politics", "Politics Materials", "World › Europe")."""
    table = tables()
    for piece in _PIECE_SPLIT_RE.split(text.strip(_EDGE_FURNITURE)):
        key = fold(piece)
        if not key or key in table.content_types:
            continue
        if key in table.sections:
            return table.sections[key]
        words = [word for word in piece.split() if fold(word) not in table.content_types]
        remaining = fold(" ".join(words))
        if remaining in table.sections:
            return table.sections[remaining]
    return None


def _only_labels(text: str) -> bool:
    """Whether a header fragment holds nothing but sections, content types and separators."""
    table = tables()
    for piece in _PIECE_SPLIT_RE.split(text.strip(_EDGE_FURNITURE)):
        key = fold(piece)
        if not key or key in table.content_types or key in table.sections:
            continue
        words = [fold(word) for word in piece.split()]
        if not all(
            word in table.content_types or word in table.sections or word in WEEKDAYS
            for word in words
        ):
            return False
    return True


_NAME_PARTICLES = frozenset(
    {"de", "da", "do", "dos", "van", "von", "der", "den", "al", "el", "bin", "ibn", "le", "la",
     "del", "di", "du", "y", "ter", "ten"}
)  # fmt: skip
_NAME_PUNCTUATION = frozenset(".'’-")


def is_person_name(text: str) -> bool:
    """Whether text reads as a personal name: 2-5 capitalised words (particles allowed)."""
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 60:
        return False
    capitalised = 0
    for word in words:
        if word.casefold() in _NAME_PARTICLES:
            continue
        if not word[0].isupper() or not word[0].isalpha():
            return False
        if not all(c.isalpha() or c in _NAME_PUNCTUATION for c in word):
            return False
        capitalised += 1
    return capitalised >= 2


_BYLINE_PREFIX_RE = re.compile(r"(?i:by)[ ]{1,3}(?=[^\W\d_])")
_NAME_SEPARATOR_RE = re.compile(r",[ ]{1,3}(?:and[ ]{1,3})?|[ ]{1,3}(?:and|&)[ ]{1,3}")


@dataclass(frozen=True)
class BylineLine:
    """The names (and an agency, "Jane Doe, Reuters") one header line credits."""

    names: list[tuple[str, int, int]]
    agency: tuple[str, int, int] | None


def parse_byline(
    line: Line, bare_name_allowed: bool, gazetteer: Gazetteer | None = None
) -> BylineLine | None:
    """The byline a header line prints, if it is one."""
    text = line.text
    offset = 0
    prefixed = _BYLINE_PREFIX_RE.match(text)
    if prefixed is not None:
        offset = prefixed.end()
    elif not bare_name_allowed and "," not in text:
        return None
    names: list[tuple[str, int, int]] = []
    agency: tuple[str, int, int] | None = None
    position = offset
    pieces: list[tuple[int, int]] = []
    for separator in _NAME_SEPARATOR_RE.finditer(text, offset):
        pieces.append((position, separator.start()))
        position = separator.end()
    pieces.append((position, len(text)))
    agencies = tables().agencies
    role_words = tables().byline_role_words
    for piece_start, piece_end in pieces:
        piece = text[piece_start:piece_end]
        stripped = piece.strip(" .")
        if not stripped:
            return None
        piece_start += piece.find(stripped)
        piece_end = piece_start + len(stripped)
        if stripped in agencies and agency is None and names:
            agency = (agencies[stripped], line.start + piece_start, line.start + piece_end)
            continue
        words = stripped.split()
        if len(words) <= 4 and any(fold(word) in role_words for word in words):
            # "Jane Doe, Staff Writer", "By Reuters Staff": a job title or desk, not an author.
            if agency is None and words[0] in agencies:
                piece_end = piece_start + len(words[0])
                agency = (agencies[words[0]], line.start + piece_start, line.start + piece_end)
            continue
        if not is_person_name(stripped):
            return None
        names.append((stripped, line.start + piece_start, line.start + piece_end))
    if not names:
        return BylineLine(names, agency) if prefixed is not None and agency is not None else None
    if prefixed is None and agency is None and (len(names) > 1 or not bare_name_allowed):
        # A bare "A B, C D" line is more often a list than a byline, and a bare name
        # above the headline is more often a kicker.
        return None
    if prefixed is None and gazetteer is not None and _is_known_name(names[0][0], gazetteer):
        # "South Africa", "New York" under a headline are places, not authors.
        return None
    return BylineLine(names, agency)


def _is_known_name(name: str, gazetteer: Gazetteer) -> bool:
    return (
        gazetteer.country(name) is not None
        or gazetteer.city(name) is not None
        or gazetteer.organization(name) is not None
    )


def is_paragraph(text: str) -> bool:
    """Whether a line is body text rather than header: long, or a sentence with lowercase."""
    if len(text) > MAX_HEADER_LINE_CHARS:
        return True
    if not any(c.islower() for c in text):
        # All-caps lines are wire headlines, however they end.
        return False
    return len(text.split()) >= 6 and text.endswith((".", '."', ".”", ".'", ".’"))


def is_title_like(text: str) -> bool:
    """Whether a header line can be a headline."""
    if len(text) > MAX_HEADLINE_CHARS or len(text.split()) < 2:
        return False
    return sum(c.isalpha() for c in text) >= 4


# --- dateline and agency -----------------------------------------------------------


def _agency_name(printed: str) -> str | None:
    return tables().agencies.get(printed.strip())


def parse_dateline(
    line: Line, gazetteer: Gazetteer, published: date | None
) -> tuple[Dateline, Agency | None] | None:
    """The dateline that opens a body line, and the agency it names, if any.

    Its place is decided from the dateline alone; ``with_place_context`` then lets the
    rest of the story decide a place left ambiguous.
    """
    match = DATELINE_RE.match(line.text)
    if match is None:
        return None
    place_text = match["place"]
    date_text = match["date"]
    paren_agency = match["paren_agency"]
    slash_agency = match["slash_agency"]
    agency_printed: tuple[str, int, int] | None = None
    for group in ("paren_agency", "slash_agency"):
        printed = match[group]
        if printed is None:
            continue
        name = _agency_name(printed)
        if name is None and group == "slash_agency" and printed.strip().isupper():
            name = printed.strip()
        if name is not None:
            agency_printed = (name, match.start(group), match.end(group))
            break
        if group == "paren_agency":
            # "(UPDATED)", "(file photo)": a parenthesis that names no agency ends here.
            return None
    if date_text is None and agency_printed is None and match["dash"] is None:
        return None
    if paren_agency is not None and agency_printed is None:
        return None
    if slash_agency is not None and agency_printed is None:
        return None
    ends_cleanly = (
        match["dash"] is not None
        or slash_agency is not None
        or (date_text is not None and date_text.endswith("."))
    )
    place_is_caps = place_text.isupper()
    if not ends_cleanly and not (place_is_caps and date_text is not None):
        return None

    located = _locate(place_text, _printed_regions(match), gazetteer, frozenset())
    is_city = bool(located.choice and located.choice.candidates)
    if not place_is_caps and not is_city and located.country is None:
        # "However, March 3 -" is a sentence; a mixed-case place must be a known name.
        return None
    if date_text is None and agency_printed is None and (not place_is_caps or not is_city):
        # Only a dash: "LONDON —" is a dateline, "UPDATE —" or "Note —" is not.
        return None

    iso_date: str | None = None
    inferred = False
    if date_text is not None:
        iso_date, inferred = _dateline_date(match, published)
    end = match.end()
    text = line.text[:end].rstrip()
    agency = None
    if agency_printed is not None:
        name, agency_start, agency_end = agency_printed
        agency = Agency(name=name, start=line.start + agency_start, end=line.start + agency_end)
    dateline = Dateline(
        text=text,
        place_text=place_text,
        date=iso_date,
        date_inferred=inferred,
        start=line.start,
        end=line.start + len(text),
        **_place_fields(located, place_text),
    )
    return dateline, agency


def with_place_context(
    dateline: Dateline, gazetteer: Gazetteer, context: frozenset[str]
) -> Dateline:
    """The dateline with an ambiguous place decided, where the document's places can."""
    match = DATELINE_RE.match(dateline.text)
    if not dateline.place_ambiguous or not context or match is None:
        return dateline
    located = _locate(match["place"], _printed_regions(match), gazetteer, context)
    return dateline.model_copy(update=_place_fields(located, match["place"]))


def place_context(
    text: str, start: int, end: int, agency: Agency | None, gazetteer: Gazetteer
) -> frozenset[str]:
    """The countries and states the story names near its start, and its agency's country."""
    codes = set(gazetteer.places_named(text[start : min(end, start + PLACE_CONTEXT_CHARS)]))
    home = tables().agency_countries.get(agency.name) if agency is not None else None
    if home is not None:
        codes.add(home)
    return frozenset(codes)


def _tidy_place(place_text: str) -> str:
    return place_text.title() if place_text.isupper() else place_text


@dataclass(frozen=True)
class _Located:
    """What a dateline's place denotes: its country and, when a city, the gazetteer's choice."""

    country: str | None
    choice: CityChoice | None


def _printed_regions(match: re.Match[str]) -> list[str]:
    return [r.strip() for r in _REGION_SPLIT_RE.split(match["regions"]) if r.strip()]


def _printed_codes(regions: list[str], gazetteer: Gazetteer) -> list[str]:
    """ISO country and subdivision codes of the regions printed after a dateline's place."""
    codes: list[str] = []
    for region in regions:
        codes.extend(code for code in gazetteer.region_codes(region) if code not in codes)
    return codes


def _locate(
    place_text: str, regions: list[str], gazetteer: Gazetteer, context: frozenset[str]
) -> _Located:
    """The country and city of a dateline place, with the regions printed after it.

    A state or country printed after the place ("TROY, Mich.") restricts the cities to
    those lying there; a place that is itself a country's name ("KUWAIT", "MEXICO") is that
    country, and its own city of that name if it has one, never a foreign namesake.
    """
    printed = _printed_codes(regions, gazetteer)
    if printed:
        choice = gazetteer.choose_city(place_text, within=printed, context=context)
        return _Located(choice.country or printed[0].split("-")[0], choice)
    code = gazetteer.country(place_text)
    if code is not None:
        choice = gazetteer.choose_city(place_text, within=[code])
        return _Located(code, choice if choice.city is not None else None)
    choice = gazetteer.choose_city(place_text, context=context)
    return _Located(choice.country, choice if choice.candidates else None)


def _place_fields(located: _Located, place_text: str) -> dict[str, object]:
    """The Dateline fields that describe its place."""
    choice = located.choice
    city = choice.city if choice is not None else None
    listed = choice.candidates if choice is not None and len(choice.candidates) > 1 else ()
    return {
        "place": city.name if city is not None else _tidy_place(place_text),
        "country": located.country,
        "place_id": city.id if city is not None else None,
        "place_basis": choice.basis if choice is not None else None,
        "place_ambiguous": bool(choice and choice.ambiguous),
        "place_candidates": [
            PlaceCandidate(
                id=candidate.id,
                name=candidate.name,
                country=candidate.country,
                subdivision=candidate.subdivision,
                population=candidate.population,
            )
            for candidate in listed[:MAX_PLACE_CANDIDATES]
        ],
    }


def _dateline_date(match: re.Match[str], published: date | None) -> tuple[str | None, bool]:
    month_name = match["dm"] or match["dm2"]
    day_text = match["dd"] or match["dd2"]
    year_text = match["dy"] or match["dy2"]
    month, day = month_number(month_name), int(day_text)
    if year_text is not None:
        try:
            return date(int(year_text), month, day).isoformat(), False
        except ValueError:
            return None, False
    if published is None:
        return None, True
    resolved = resolve_year(month, day, published)
    return (resolved.isoformat() if resolved else None), True


_CUE_BEFORE_RE = re.compile(
    r"(?:\b(?:told|to|by|in|from|with|reports?|reported|cited|quoted|per|via)"
    r"|\b(?:according[ ]to|news[ ]agency))[ ]{1,3}(?:the[ ]{1,3})?$",
    re.IGNORECASE,
)
_CUE_AFTER_RE = re.compile(
    r"[ ]{1,3}(?:news[ ]agency[ ]{1,3}|agency[ ]{1,3})?"
    r"(?:reports|reported|said|says|writes|wrote|quoted|cited|informs|informed)\b"
)
_GENERIC_REPORTS_RE = re.compile(
    r",[ ]{1,3}(?P<name>[A-Z][\w.\-]{0,30}(?:[ ][A-Z][\w.\-]{0,30}){0,2})[ ]{1,3}"
    r"report(?:s|ed)[ ]{0,2}[.,;]"
)
_GENERIC_AFTER_COMMA_RE = re.compile(r"[ ]{1,3}report(?:s|ed)[ ]{0,2}[.,;]")


def find_lead_agency(text: str, start: int, end: int) -> Agency | None:
    """The agency the lead paragraph credits: "Trend reports", "told Interfax", "(AP)"."""
    window_end = min(end, start + LEAD_WINDOW_CHARS)
    # The lead paragraph ends at a blank line, or at an indented line in wire copy.
    for paragraph_break in ("\n\n", "\n "):
        position = text.find(paragraph_break, start, window_end)
        if position != -1:
            window_end = position
    table = tables()
    for match in table.agency_pattern.finditer(text, start, window_end):
        before = text[max(start, match.start() - 24) : match.start()]
        after = text[match.end() : min(window_end, match.end() + 30)]
        enclosed = (before.endswith("(") and after.startswith(")")) or (
            before.endswith("/") and after.startswith("/")
        )
        if enclosed or _CUE_BEFORE_RE.search(before) or _CUE_AFTER_RE.match(after):
            return Agency(name=table.agencies[match.group()], start=match.start(), end=match.end())
    generic = _GENERIC_REPORTS_RE.search(text, start, window_end)
    if generic is not None:
        name = generic["name"]
        if name.split()[0].casefold() not in {"the", "it", "he", "she", "they", "we"}:
            return Agency(name=name, start=generic.start("name"), end=generic.end("name"))
    return None


def find_sign_off(lines: list[Line]) -> Agency | None:
    """An agency signing off the story on a line of its own ("Reuter")."""
    agencies = tables().agencies
    seen = 0
    for line in reversed(lines):
        if not line.text:
            continue
        seen += 1
        if seen > SIGN_OFF_LINES:
            return None
        name = agencies.get(line.text.strip(" .-–—"))
        if name is not None:
            stripped = line.text.strip(" .-–—")
            start = line.start + line.text.find(stripped)
            return Agency(name=name, start=start, end=start + len(stripped))
    return None


# --- the stage ---------------------------------------------------------------------


@dataclass
class _Header:
    headline: TextSpan | None = None
    section: str | None = None
    published: ParsedDateTime | None = None
    bylines: list[Byline] = field(default_factory=list)
    byline_agency: Agency | None = None
    body_line: Line | None = None


def _add_bylines(header: _Header, parsed: BylineLine) -> None:
    seen = {fold(byline.name) for byline in header.bylines}
    for name, start, end in parsed.names:
        if fold(name) not in seen:
            seen.add(fold(name))
            header.bylines.append(Byline(name=name, start=start, end=end))
    if parsed.agency is not None and header.byline_agency is None:
        name, start, end = parsed.agency
        header.byline_agency = Agency(name=name, start=start, end=end)


def _date_line(line: Line, text: str) -> tuple[ParsedDateTime, str | None] | None:
    """A header line that is a date, possibly after section labels; and that section."""
    found = find_datetime(text, line.start, line.end)
    if found is None:
        return None
    prefix = text[line.start : found.start]
    suffix = text[found.end : line.end]
    if suffix.strip(_EDGE_FURNITURE):
        return None
    if prefix.strip(_EDGE_FURNITURE) and not _only_labels(prefix):
        return None
    return found, section_of(prefix)


class AnatomyStage:
    """Adds the `anatomy` layer and sets the document title to the headline."""

    name = STAGE_NAME
    needs_parse = False

    def __call__(self, analysis: Analysis) -> None:
        """Fill ``analysis.dossier.anatomy`` from the text, falling back to the hints."""
        document = analysis.document
        text = document.text
        gazetteer = analysis.resources.gazetteer
        hints = document.hints
        anatomy = Anatomy()
        lines = list(iter_lines(text))
        header_lines: list[Line] = []
        header = _Header()

        declared_title = " ".join(hints.title.split()) if hints.title else None
        for index, line in enumerate(lines):
            if index >= MAX_HEADER_LINES or line.start > MAX_HEADER_CHARS:
                break
            if not line.text:
                continue
            if header.headline is None and " ".join(line.text.split()) == declared_title:
                # The headline the page or record declares, printed as a line of the text:
                # taken whatever its shape (one word, CJK, a name, a sentence).
                header.headline = TextSpan(text=line.text, start=line.start, end=line.end)
                header_lines.append(line)
                continue
            if header.headline is not None and fold(line.text) == fold(header.headline.text):
                header_lines.append(line)
                continue
            if is_boilerplate(line.text):
                continue
            if DATELINE_RE.match(line.text) and parse_dateline(line, gazetteer, None):
                header.body_line = line
                break
            if is_paragraph(line.text):
                header.body_line = line
                break
            if self._classify_header_line(line, text, header, gazetteer):
                header_lines.append(line)
                continue
            if header.headline is None and is_title_like(line.text):
                header.headline = TextSpan(text=line.text, start=line.start, end=line.end)
                header_lines.append(line)
                continue
            if header.headline is not None:
                if _headline_repeats(lines, index, header.headline.text):
                    # A kicker between the declared headline and the page's own copy of
                    # it ("Press releases", then the headline again): header.
                    header_lines.append(line)
                    continue
                header.body_line = line
                break
            # A one-word kicker or an unknown label before the headline: header, not body.
            header_lines.append(line)

        anatomy.headline = header.headline
        # A Markdown or HTML page names its title itself: front matter, "# Title", <h1>.
        title = markup_title(text)
        if title is not None:
            anatomy.headline = TextSpan(text=title[0], start=title[1], end=title[2])
        if anatomy.headline is None and hints.title:
            anatomy.headline = _locate_title(text, hints.title)
        if anatomy.headline is not None:
            analysis.dossier.document.title = anatomy.headline.text
        anatomy.section = header.section

        if header.published is not None:
            anatomy.published = header.published.value
            anatomy.published_span = Span(start=header.published.start, end=header.published.end)
        else:
            anatomy.published = published_from_hints(hints)
            if anatomy.published is None and hints.published:
                analysis.warn(STAGE_NAME, f"unparsed publication date hint: {hints.published!r}")

        anatomy.bylines = _bylines(header, hints, text)

        body_start = header.body_line.start if header.body_line is not None else None
        if body_start is None and not header_lines:
            first = next((line for line in lines if line.text), None)
            body_start = first.start if first is not None else None
        agency: Agency | None = None
        if header.body_line is not None:
            reference = reference_date(anatomy.published)
            parsed = parse_dateline(header.body_line, gazetteer, reference)
            if parsed is not None:
                anatomy.dateline, agency = parsed
                if anatomy.dateline.date is None and anatomy.dateline.date_inferred:
                    analysis.warn(
                        STAGE_NAME,
                        "dateline date has no year and no publication date to resolve it",
                        anatomy.dateline.start,
                        anatomy.dateline.end,
                    )

        anatomy.boilerplate = [
            Span(start=line.start, end=line.end)
            for line in lines
            if line.text and len(line.text) <= MAX_HEADLINE_CHARS and is_boilerplate(line.text)
        ]
        if body_start is not None:
            body_end = _body_end(lines, body_start)
            if body_end > body_start:
                anatomy.body = Span(start=body_start, end=body_end)
                if agency is None:
                    lead_start = anatomy.dateline.end if anatomy.dateline else body_start
                    agency = find_lead_agency(text, lead_start, body_end)
        anatomy.agency = agency or header.byline_agency or find_sign_off(lines)
        if anatomy.dateline is not None and anatomy.dateline.place_ambiguous:
            story_end = anatomy.body.end if anatomy.body is not None else len(text)
            context = place_context(
                text, anatomy.dateline.end, story_end, anatomy.agency, gazetteer
            )
            anatomy.dateline = with_place_context(anatomy.dateline, gazetteer, context)
        analysis.dossier.anatomy = anatomy

    @staticmethod
    def _classify_header_line(line: Line, text: str, header: _Header, gazetteer: Gazetteer) -> bool:
        """Record a date, section, byline or agency line; False when the line is none of them."""
        agency_name = tables().agencies.get(line.text.strip(" .-–—"))
        if agency_name is not None:
            if header.byline_agency is None:
                stripped = line.text.strip(" .-–—")
                start = line.start + line.text.find(stripped)
                header.byline_agency = Agency(
                    name=agency_name, start=start, end=start + len(stripped)
                )
            return True
        if header.headline is not None and fold(line.text) == fold(header.headline.text):
            return True
        if len(line.text) > MAX_HEADLINE_CHARS:
            return False
        if header.published is None:
            dated = _date_line(line, text)
            if dated is not None:
                header.published, section = dated
                header.section = header.section or section
                return True
        section = section_of(line.text) if _only_labels(line.text) else None
        if section is not None:
            header.section = header.section or section
            return True
        byline = parse_byline(line, header.headline is not None, gazetteer)
        if byline is not None:
            _add_bylines(header, byline)
            return True
        return False


# Declared author sources, strongest first: the article's JSON-LD, then tags that name
# authors only (Parse.ly, NYT's byl, Dublin Core, microdata), then the generic author tags
# that sites often fill with their own name.
_AUTHOR_SOURCE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("json-ld:",),
    ("meta:parsely-author", "meta:byl", "meta:sailthru.author", "meta:dc.creator",
     "meta:dcterms.creator", "itemprop:author"),
    ("meta:author", "meta:article:author"),
)  # fmt: skip
_NOT_AUTHORS = frozenset({"no author", "admin", "administrator", "unknown", "anonymous"})
# A user name or handle rather than a name: "@NatGeoUK", "edilson.la.rosa", "jdoe_42".
_USER_NAME_RE = re.compile(r"@\S{1,60}|[^\s@]{1,60}[._][^\s@]{1,60}")


def declared_author_names(hints: Hints, printed: Iterable[str] = ()) -> list[str]:
    """The authors, from the strongest source that names a person: what the container
    declares (JSON-LD, author-only tags, generic author tags), then the names the text's
    header prints (``printed``), then trafilatura's reading.

    The site's or publisher's own name ("Campo Grande News", "Condé Nast"), a user name
    ("edilson.la.rosa") or a handle is passed over for a source that names someone
    else; when no source does, the organisation the page declares as its author is its
    author.
    """
    keys = site_keys(
        [site.value for site in hints.site_names] + ([hints.site_name] if hints.site_name else []),
        hints.url,
    )
    groups = [
        [item.value for item in hints.declared_authors if item.source.startswith(prefixes)]
        for prefixes in _AUTHOR_SOURCE_GROUPS
    ]
    groups.append(list(printed))
    groups.append(list(hints.authors))
    for names in groups:
        people = [
            name
            for name in dict.fromkeys(names)
            if fold(name) not in _NOT_AUTHORS
            and not _USER_NAME_RE.fullmatch(name)
            and not is_site_name(name, keys)
        ]
        if people:
            return people
    organisations = next((names for names in groups if names), [])
    return [name for name in dict.fromkeys(organisations) if fold(name) not in _NOT_AUTHORS]


def _bylines(header: _Header, hints: Hints, text: str) -> list[Byline]:
    """The bylines (:func:`declared_author_names`), each at the place the header prints
    it when it does."""
    declared = declared_author_names(hints, [byline.name for byline in header.bylines])
    printed = {fold(byline.name): byline for byline in header.bylines}
    bylines: list[Byline] = []
    for name in declared:
        byline = printed.get(fold(name))
        if byline is None:
            byline = _printed_in_bylines(name, header.bylines, text)
        bylines.append(byline or Byline(name=name))
    return bylines


def _printed_in_bylines(name: str, bylines: list[Byline], text: str) -> Byline | None:
    """A declared name inside a byline the header prints ("Von Jan Kupitz"), as its span."""
    for byline in bylines:
        if byline.start is None or byline.end is None:
            continue
        position = text.casefold().find(name.casefold(), byline.start, byline.end)
        if position != -1:
            end = position + len(name)
            return Byline(name=text[position:end], start=position, end=end)
    return None


HEADLINE_REPEAT_LINES = 3
"""Lines after a kicker within which a page's own copy of the headline makes it header."""


def _headline_repeats(lines: list[Line], index: int, headline: str) -> bool:
    """Whether the headline comes again within a few lines after ``lines[index]``."""
    key = fold(headline)
    following = (line for line in lines[index + 1 :] if line.text)
    for _, line in zip(range(HEADLINE_REPEAT_LINES), following, strict=False):
        if fold(line.text) == key:
            return True
        if is_paragraph(line.text):
            return False
    return False


def _locate_title(text: str, title: str) -> TextSpan | None:
    """The first occurrence of a title hint in the text, as a span."""
    stripped = title.strip()
    if not stripped:
        return None
    position = text.find(stripped)
    if position == -1:
        return None
    return TextSpan(text=stripped, start=position, end=position + len(stripped))


def _body_end(lines: list[Line], body_start: int) -> int:
    """The end of the last non-boilerplate line at or after the body start."""
    for line in reversed(lines):
        if line.start < body_start:
            break
        if line.text and not is_boilerplate(line.text):
            return line.end
    return body_start
