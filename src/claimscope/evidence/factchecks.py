"""Earlier fact-checks: schema.org ClaimReview (JSON-LD, HTML pages) and plain records.

A fact-check keeps what its publisher wrote: the claim reviewed, the rating in the reviewer's
own words (``reviewRating.alternateName``) with the numeric rating and its scale when given,
the reviewer (``author``), the review's ``url`` and ``datePublished``, and the claimant
(``itemReviewed.author``). claimscope never rates a claim itself: a rating is the reviewer's,
quoted.

Readers take text and a source name (the caller reads the file) and return the fact-checks
they could read with one message per record they could not; a bad record never stops the
others and never raises.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

CLAIMREVIEW_CONTEXT = "https://schema.org"
# A JSON-LD tree deeper than this is not a fact-check page but an attack or an accident.
_MAX_DEPTH = 64
_MAX_TEXT = 100_000
_SCHEMA_PREFIX = re.compile(r"^(?:https?://schema\.org/|schema:)", re.IGNORECASE)
_LD_JSON = re.compile(r"^\s{0,20}application/ld\+json\s{0,20}(?:;.{0,100})?$", re.IGNORECASE)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
RECORD_FIELDS = ("id", "claim", "title", "subtitle", "rating", "reviewer", "url", "date")
# Other spellings of the record fields: the CLEF CheckThat! 2021-22 verified claims.
_RECORD_ALIASES = {"vclaim_id": "id", "vclaim": "claim", "author": "reviewer"}


@dataclass(frozen=True)
class Rating:
    """A reviewer's rating as written: its words, and its number on the reviewer's scale."""

    name: str | None = None
    value: float | None = None
    best: float | None = None
    worst: float | None = None


@dataclass(frozen=True)
class FactCheck:
    """One earlier fact-check of one claim."""

    id: str
    claim: str
    title: str = ""
    subtitle: str = ""
    rating: Rating | None = None
    reviewer: str | None = None
    url: str | None = None
    date: str | None = None
    claimant: str | None = None
    source: str | None = None


@dataclass
class ReadResult:
    """What a reader got from one input: the fact-checks read and one message per bad record."""

    factchecks: list[FactCheck] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class _RecordError(ValueError):
    """One record cannot be read; the message says why."""


def _text(value: Any, what: str) -> str | None:
    """A field's text: a string (stripped, None when empty) or a number; anything else is bad."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _RecordError(f"{what} is a boolean, not text")
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise _RecordError(f"{what} is {type(value).__name__}, not text")
    stripped = " ".join(value[:_MAX_TEXT].split())
    return stripped or None


def _number(value: Any, what: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _RecordError(f"{what} is a boolean, not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _RecordError(f"{what} {str(value)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise _RecordError(f"{what} is not a finite number")
    return number


def _first(value: Any) -> Any:
    """The first item of a list, or the value itself: JSON-LD allows either for one value."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _name(value: Any, what: str) -> str | None:
    """A person's or organisation's name: a string, or a node with ``name``."""
    value = _first(value)
    if isinstance(value, dict):
        return _text(_first(value.get("name")), f"{what}.name")
    return _text(value, what)


def _types(node: dict[str, Any]) -> set[str]:
    declared = node.get("@type", node.get("type"))
    values = declared if isinstance(declared, list) else [declared]
    return {_SCHEMA_PREFIX.sub("", value) for value in values if isinstance(value, str)}


def _claim_reviews(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every ClaimReview node in a JSON-LD document: single, array, ``@graph`` or nested."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _claim_reviews(item, depth + 1)
    elif isinstance(value, dict):
        if "ClaimReview" in _types(value):
            yield value
            return
        for item in value.values():
            if isinstance(item, dict | list):
                yield from _claim_reviews(item, depth + 1)


def _identifier(*parts: str | None) -> str:
    digest = hashlib.sha256("\n".join(part or "" for part in parts).encode("utf-8"))
    return "sha256:" + digest.hexdigest()[:32]


def _iso_date(value: str | None) -> str | None:
    # Dates are kept as the publisher wrote them, except that a full ISO timestamp is cut
    # to its date: the day is what places a fact-check in time.
    if value is not None and ISO_DATE.match(value):
        return value[:10]
    return value


def _rating(node: Any) -> Rating | None:
    node = _first(node)
    if node is None:
        return None
    if isinstance(node, str):
        return Rating(name=_text(node, "reviewRating"))
    if not isinstance(node, dict):
        raise _RecordError("reviewRating is neither a Rating nor text")
    # alternateName is the rating's words; some publishers put them in name instead.
    name = _text(_first(node.get("alternateName")), "reviewRating.alternateName") or _text(
        _first(node.get("name")), "reviewRating.name"
    )
    rating = Rating(
        name=name,
        value=_number(_first(node.get("ratingValue")), "reviewRating.ratingValue"),
        best=_number(_first(node.get("bestRating")), "reviewRating.bestRating"),
        worst=_number(_first(node.get("worstRating")), "reviewRating.worstRating"),
    )
    return None if rating == Rating() else rating


def factcheck_from_claimreview(
    node: dict[str, Any], source: str | None = None, page_title: str | None = None
) -> FactCheck:
    """One ClaimReview node as a fact-check; raise ValueError when it has no claim."""
    claim = _text(_first(node.get("claimReviewed")), "claimReviewed")
    item = _first(node.get("itemReviewed"))
    if claim is None and isinstance(item, dict):
        # Some publishers state the claim only on the reviewed item.
        claim = _text(_first(item.get("text")), "itemReviewed.text") or _text(
            _first(item.get("name")), "itemReviewed.name"
        )
    if claim is None:
        raise _RecordError("ClaimReview without claimReviewed")
    claimant = None
    if isinstance(item, dict):
        claimant = _name(item.get("author"), "itemReviewed.author")
    url = _text(_first(node.get("url")), "url")
    reviewer = _name(node.get("author"), "author")
    date = _iso_date(_text(_first(node.get("datePublished")), "datePublished"))
    title = (
        _text(_first(node.get("headline")), "headline")
        or _text(_first(node.get("name")), "name")
        or page_title
        or ""
    )
    identifier = _text(_first(node.get("identifier")), "identifier") or _text(
        _first(node.get("@id")), "@id"
    )
    return FactCheck(
        id=identifier or _identifier(url, claim, reviewer, date),
        claim=claim,
        title=title,
        subtitle=_text(_first(node.get("description")), "description") or "",
        rating=_rating(node.get("reviewRating")),
        reviewer=reviewer,
        url=url,
        date=date,
        claimant=claimant,
        source=source,
    )


def _from_json_ld(
    value: Any, source: str, where: str, result: ReadResult, page_title: str | None = None
) -> int:
    found = 0
    for number, node in enumerate(_claim_reviews(value), start=1):
        found += 1
        try:
            result.factchecks.append(factcheck_from_claimreview(node, source, page_title))
        except _RecordError as error:
            result.errors.append(f"{source}: {where}ClaimReview {number}: {error}")
    return found


def read_claimreview_json(text: str, source: str) -> ReadResult:
    """Fact-checks from a JSON-LD document: one ClaimReview, an array, or an ``@graph``."""
    result = ReadResult()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        result.errors.append(f"{source}: not JSON: {error.msg} at line {error.lineno}")
        return result
    except RecursionError:
        result.errors.append(f"{source}: JSON nested too deeply")
        return result
    if not _from_json_ld(value, source, "", result):
        result.errors.append(f"{source}: no ClaimReview in the JSON-LD")
    return result


def _script_json(raw: str) -> str:
    # Pages wrap JSON-LD in HTML comments or CDATA markers that JSON does not allow.
    stripped = raw.strip()
    for opening, closing in (("<!--", "-->"), ("/*<![CDATA[*/", "/*]]>*/"), ("<![CDATA[", "]]>")):
        if stripped.startswith(opening) and stripped.endswith(closing):
            stripped = stripped[len(opening) : -len(closing)].strip()
    return stripped.rstrip(";")


def html_json_ld(page: str) -> tuple[list[str], str | None]:
    """The JSON-LD scripts of an HTML page, in order, and the page's title."""
    import lxml.html
    from lxml import etree

    try:
        tree = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return [], None
    scripts = [
        script.text or ""
        for script in tree.iter("script")
        if _LD_JSON.match(script.get("type") or "")
    ]
    title_node = tree.find(".//title")
    title = " ".join((title_node.text_content() if title_node is not None else "").split())
    return scripts, title or None


def read_claimreview_html(page: str, source: str) -> ReadResult:
    """Fact-checks from the ``<script type="application/ld+json">`` blocks of an HTML page."""
    result = ReadResult()
    scripts, title = html_json_ld(page)
    found = 0
    for number, raw in enumerate(scripts, start=1):
        try:
            value = json.loads(_script_json(raw))
        except json.JSONDecodeError as error:
            result.errors.append(f"{source}: JSON-LD script {number}: not JSON: {error.msg}")
            continue
        except RecursionError:
            result.errors.append(f"{source}: JSON-LD script {number}: nested too deeply")
            continue
        found += _from_json_ld(value, source, f"JSON-LD script {number}: ", result, title)
    if not found:
        result.errors.append(f"{source}: no ClaimReview in the page's JSON-LD scripts")
    return result


def has_claimreview(page: str) -> bool:
    """Whether an HTML page carries a ClaimReview in its JSON-LD (a quick textual check)."""
    return "ClaimReview" in page and "application/ld+json" in page.lower()


def factcheck_from_record(record: dict[str, Any], source: str | None = None) -> FactCheck:
    """One record (``id``, ``claim``, optional fields) as a fact-check; raise on a bad one."""
    fields: dict[str, Any] = {}
    for key, value in record.items():
        name = _RECORD_ALIASES.get(key, key)
        if name in RECORD_FIELDS and name not in fields:
            fields[name] = value
    identifier = _text(fields.get("id"), "id")
    if identifier is None:
        raise _RecordError("no id")
    claim = _text(fields.get("claim"), "claim")
    if claim is None:
        raise _RecordError(f"record {identifier[:40]!r} has no claim")
    rating = _text(fields.get("rating"), "rating")
    return FactCheck(
        id=identifier,
        claim=claim,
        title=_text(fields.get("title"), "title") or "",
        subtitle=_text(fields.get("subtitle"), "subtitle") or "",
        rating=Rating(name=rating) if rating else None,
        reviewer=_text(fields.get("reviewer"), "reviewer"),
        url=_text(fields.get("url"), "url"),
        date=_iso_date(_text(fields.get("date"), "date")),
        source=source,
    )


def _checked(
    records: Iterable[tuple[int, dict[str, Any] | str]], source: str, result: ReadResult
) -> ReadResult:
    """Records read one by one: ids unique, a bad record reported by its line."""
    seen: set[str] = set()
    for line, record in records:
        if isinstance(record, str):
            result.errors.append(f"{source}:{line}: {record}")
            continue
        try:
            factcheck = factcheck_from_record(record, source)
        except _RecordError as error:
            result.errors.append(f"{source}:{line}: {error}")
            continue
        if factcheck.id in seen:
            result.errors.append(f"{source}:{line}: id {factcheck.id[:40]!r} given twice")
            continue
        seen.add(factcheck.id)
        result.factchecks.append(factcheck)
    return result


def read_records_jsonl(lines: Iterable[str], source: str) -> ReadResult:
    """Fact-checks from JSON Lines, one object per line; blank lines skipped."""

    def records() -> Iterator[tuple[int, dict[str, Any] | str]]:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, f"not JSON: {error.msg}"
                continue
            except RecursionError:
                yield number, "JSON nested too deeply"
                continue
            yield number, value if isinstance(value, dict) else "not a JSON object"

    return _checked(records(), source, ReadResult())


def read_records_csv(text: str, source: str) -> ReadResult:
    """Fact-checks from CSV with a header row naming the fields (``id``, ``claim``, ...)."""
    result = ReadResult()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        result.errors.append(f"{source}: empty CSV")
        return result
    except csv.Error as error:
        result.errors.append(f"{source}:1: bad CSV: {error}")
        return result
    named = {_RECORD_ALIASES.get(name, name) for name in header}
    missing = [name for name in ("id", "claim") if name not in named]
    if missing:
        result.errors.append(f"{source}:1: the header has no {' or '.join(missing)} column")
        return result

    def records() -> Iterator[tuple[int, dict[str, Any] | str]]:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield reader.line_num, f"bad CSV: {error}"
                return
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield reader.line_num, f"{len(row)} fields where the header has {len(header)}"
                continue
            yield reader.line_num, dict(zip(header, row, strict=True))

    return _checked(records(), source, result)


def to_claimreview(factcheck: FactCheck) -> dict[str, Any]:
    """A fact-check as a schema.org ClaimReview node (without ``@context``)."""
    node: dict[str, Any] = {
        "@type": "ClaimReview",
        "identifier": factcheck.id,
        "claimReviewed": factcheck.claim,
    }
    if factcheck.title:
        node["headline"] = factcheck.title
    if factcheck.subtitle:
        node["description"] = factcheck.subtitle
    if factcheck.url:
        node["url"] = factcheck.url
    if factcheck.date:
        node["datePublished"] = factcheck.date
    if factcheck.reviewer:
        node["author"] = {"name": factcheck.reviewer}
    if factcheck.claimant:
        node["itemReviewed"] = {"@type": "Claim", "author": {"name": factcheck.claimant}}
    if factcheck.rating is not None:
        rating: dict[str, Any] = {"@type": "Rating"}
        for key, value in (
            ("alternateName", factcheck.rating.name),
            ("ratingValue", factcheck.rating.value),
            ("bestRating", factcheck.rating.best),
            ("worstRating", factcheck.rating.worst),
        ):
            if value is not None:
                rating[key] = value
        node["reviewRating"] = rating
    return node


def export_claimreview(factchecks: Iterable[FactCheck]) -> dict[str, Any]:
    """The fact-checks as one JSON-LD document: ``@context`` and an ``@graph`` of ClaimReviews."""
    return {
        "@context": CLAIMREVIEW_CONTEXT,
        "@graph": [to_claimreview(factcheck) for factcheck in factchecks],
    }
