"""Full-text search of the store, one function over two dialects.

SQLite: the FTS5 table ``documents_fts`` (Porter stemming), ranked by ``bm25()`` with the
title weighted twice the text, snippets by ``snippet()``. PostgreSQL: the generated
``documents.search_vector`` with its GIN index, ``websearch_to_tsquery('english', …)``,
ranked by ``ts_rank_cd`` with snippets by ``ts_headline``. The user's query is always a
bound parameter; for FTS5, whose MATCH argument is itself a small query language, it is
first rewritten into an expression of quoted terms (:func:`fts5_expression`) that reads
the way PostgreSQL's web-search syntax does: words, "quoted phrases", ``or``, ``-word``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    and_,
    bindparam,
    cast,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)

from claimscope.adapters.store.tables import (
    CitationRow,
    CountryRow,
    DocumentRow,
    SightingRow,
    SignatoryRow,
    TechniqueRow,
)
from claimscope.ingestion import replace_lone_surrogates

# Snippet highlight marks: private-use characters, which news text does not carry; the
# snippet comes back as plain text plus the highlighted (start, end) ranges.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_END = "\ue001"
SNIPPET_WORDS = 24
# ts_headline reads the whole text it is given: the start of a long document is enough.
POSTGRES_HEADLINE_CHARACTERS = 100_000
# Past this many words a query is cut: PostgreSQL took 30 s to match a tsquery of 2,000
# terms against four documents, and FTS5 parses its expressions recursively.
MAX_QUERY_TERMS = 64

_QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w")
_LIKE_SPECIAL = re.compile(r"([\\%_])")


@dataclass(frozen=True)
class Filters:
    """Conditions on the documents a search returns; None means no condition."""

    outlet: str | None = None
    since: date | None = None
    until: date | None = None
    signatory: str | None = None
    technique: str | None = None
    cites: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Hit:
    """One document found: what identifies it, its score and a highlighted snippet."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    score: float
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    """(start, end) ranges of the snippet that matched the query."""
    headline: str | None = None
    """The headline the anatomy stage found (``title`` is the one the input declared)."""


FACETS = ("outlet", "month", "country", "technique", "cites")
"""The facets counted over a search's matching documents, each named for its filter
(``month`` sets ``since`` and ``until``)."""


def fts5_expression(query: str) -> str | None:
    """The query as an FTS5 expression of quoted terms, or None when it has no term.

    Every word or phrase becomes an FTS5 string (double quotes doubled), so no character
    of the query is read as FTS5 syntax; ``or`` between terms and a leading ``-`` keep
    their web-search meaning. A term with no letter or digit is dropped (it would match
    nothing), and so are terms past MAX_QUERY_TERMS.
    """
    groups: list[list[str]] = [[]]
    excluded: list[str] = []
    terms = 0
    for match in _QUERY_TOKEN.finditer(query):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None and word.lower() == "or":
            if groups[-1]:
                groups.append([])
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        term = phrase if phrase is not None else word
        if term is None or not _WORD.search(term):
            continue
        terms += 1
        if terms > MAX_QUERY_TERMS:
            break
        quoted = '"' + term.replace('"', '""') + '"'
        (excluded if negated else groups[-1]).append(quoted)
    groups = [group for group in groups if group]
    if not groups:
        return None
    expression = " OR ".join(
        f"({' AND '.join(group)})" if len(groups) > 1 else " AND ".join(group) for group in groups
    )
    if excluded:
        expression = f"({expression})" + "".join(f" NOT {term}" for term in excluded)
    return expression


def split_highlights(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """The snippet without its highlight marks, and the ranges they enclosed."""
    plain: list[str] = []
    ranges: list[tuple[int, int]] = []
    length = 0
    opened: int | None = None
    for piece in re.split(f"([{HIGHLIGHT_START}{HIGHLIGHT_END}])", snippet):
        if piece == HIGHLIGHT_START:
            opened = length
        elif piece == HIGHLIGHT_END:
            if opened is not None and opened < length:
                ranges.append((opened, length))
            opened = None
        else:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), ranges


def _contains(column: Any, value: str) -> ColumnElement[bool]:
    """Case-insensitive substring match with LIKE's wildcards in the value escaped."""
    pattern = "%" + _LIKE_SPECIAL.sub(r"\\\1", value.lower()) + "%"
    result: ColumnElement[bool] = func.lower(column).like(pattern, escape="\\")
    return result


def filter_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The WHERE conditions on ``documents`` for the filters."""
    conditions: list[ColumnElement[bool]] = []
    document_id = DocumentRow.id
    if filters.outlet:
        outlet = filters.outlet.strip().lower()
        conditions.append(
            or_(
                func.lower(DocumentRow.outlet) == outlet,
                exists().where(
                    SightingRow.document_id == document_id, func.lower(SightingRow.outlet) == outlet
                ),
            )
        )
    if filters.since:
        conditions.append(DocumentRow.published_on >= filters.since)
    if filters.until:
        conditions.append(DocumentRow.published_on <= filters.until)
    if filters.signatory:
        conditions.append(
            exists().where(
                SignatoryRow.document_id == document_id,
                or_(
                    _contains(SignatoryRow.person, filters.signatory),
                    _contains(SignatoryRow.organization, filters.signatory),
                ),
            )
        )
    if filters.technique:
        technique = "_".join(filters.technique.split())
        conditions.append(
            exists().where(
                TechniqueRow.document_id == document_id,
                _contains(TechniqueRow.technique, technique),
            )
        )
    if filters.cites:
        cited = filters.cites.strip()
        conditions.append(
            exists().where(
                CitationRow.document_id == document_id,
                or_(
                    func.lower(CitationRow.kind) == "_".join(cited.lower().split()),
                    _contains(CitationRow.issuer, cited),
                ),
            )
        )
    if filters.country:
        conditions.append(
            exists().where(
                CountryRow.document_id == document_id,
                CountryRow.country == filters.country.strip().upper(),
            )
        )
    return conditions


def search_documents(
    connection: Connection, query: str | None, filters: Filters, limit: int, offset: int = 0
) -> list[Hit]:
    """Documents matching the query (all when None or blank) and filters, best first.

    ``offset`` skips that many of them (the pages of a web listing).
    """
    query, conditions = _prepared(query, filters)
    if query is None:
        return _listing(connection, conditions, limit, offset)
    if connection.dialect.name == "postgresql":
        return _search_postgresql(connection, query, conditions, limit, offset)
    return _search_sqlite(connection, query, conditions, limit, offset)


def count_documents(connection: Connection, query: str | None, filters: Filters) -> int:
    """How many documents match the query and filters."""
    matching = _matching_numbers(connection, *_prepared(query, filters))
    if matching is None:
        return 0
    return int(
        connection.execute(select(func.count()).select_from(matching.subquery())).scalar_one()
    )


def facet_counts(
    connection: Connection, query: str | None, filters: Filters, limit: int = 10
) -> dict[str, list[tuple[str, int]]]:
    """For each of FACETS, its most frequent values among the matching documents with counts.

    A value is what the facet's filter takes: an outlet, a month ``YYYY-MM`` (newest
    first), an ISO country, a technique label, a cited issuer (else the citation's kind).
    """
    matching = _matching_numbers(connection, *_prepared(query, filters))
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    if matching is None:
        return counts
    numbers = matching.scalar_subquery()
    documents = func.count(func.distinct(DocumentRow.id))
    month = func.substr(cast(DocumentRow.published_on, String), 1, 7)
    cited = func.coalesce(CitationRow.issuer, CitationRow.kind)
    statements: dict[str, Any] = {
        "outlet": select(SightingRow.outlet, documents)
        .join(DocumentRow, DocumentRow.id == SightingRow.document_id)
        .where(SightingRow.outlet.is_not(None))
        .group_by(SightingRow.outlet),
        "month": select(month, documents)
        .where(DocumentRow.published_on.is_not(None))
        .group_by(month),
        "country": select(CountryRow.country, documents)
        .join(DocumentRow, DocumentRow.id == CountryRow.document_id)
        .group_by(CountryRow.country),
        "technique": select(TechniqueRow.technique, documents)
        .join(DocumentRow, DocumentRow.id == TechniqueRow.document_id)
        .group_by(TechniqueRow.technique),
        "cites": select(cited, documents)
        .join(DocumentRow, DocumentRow.id == CitationRow.document_id)
        .group_by(cited),
    }
    for name, statement in statements.items():
        value = statement.selected_columns[0]
        order = [value.desc()] if name == "month" else [documents.desc(), value]
        rows = connection.execute(
            statement.where(DocumentRow.number.in_(numbers)).order_by(*order).limit(limit)
        ).all()
        counts[name] = [(str(row[0]), int(row[1])) for row in rows if row[0] is not None]
    return counts


def _prepared(query: str | None, filters: Filters) -> tuple[str | None, list[ColumnElement[bool]]]:
    """The query (None when blank) and the filters' conditions, cleaned for every database."""
    query = _searchable(query)
    filters = replace(
        filters,
        outlet=_searchable(filters.outlet),
        signatory=_searchable(filters.signatory),
        technique=_searchable(filters.technique),
        cites=_searchable(filters.cites),
        country=_searchable(filters.country),
    )
    if query is None or not query.strip():
        return None, filter_conditions(filters)
    return _capped(query), filter_conditions(filters)


def _matching_numbers(
    connection: Connection, query: str | None, conditions: list[ColumnElement[bool]]
) -> Select[Any] | None:
    """The numbers of the documents a search matches, or None when the query has no term."""
    statement = select(DocumentRow.number).where(and_(True, *conditions))
    if query is None:
        return statement
    if connection.dialect.name == "postgresql":
        tsquery = func.websearch_to_tsquery("english", bindparam("query", query))
        vector: ColumnElement[Any] = literal_column("documents.search_vector")
        return statement.where(vector.op("@@")(tsquery))
    expression = fts5_expression(query)
    if expression is None:
        return None
    fts_table = table("documents_fts", column("rowid"))
    return statement.join(fts_table, fts_table.c.rowid == DocumentRow.number).where(
        text("documents_fts MATCH :expression").bindparams(expression=expression)
    )


def _searchable(value: str | None) -> str | None:
    """A query or filter string that every database accepts as a parameter.

    PostgreSQL refuses NUL characters in text and no encoder takes lone surrogates; neither
    can occur in stored text (ingestion rejects or replaces them), so nothing is lost.
    """
    if value is None:
        return None
    return replace_lone_surrogates(value).replace("\x00", " ")


def _capped(query: str) -> str:
    """The query's first MAX_QUERY_TERMS words."""
    words = query.split(maxsplit=MAX_QUERY_TERMS)
    return " ".join(words[:MAX_QUERY_TERMS])


def _columns() -> list[Any]:
    return [
        DocumentRow.id,
        DocumentRow.title,
        DocumentRow.outlet,
        DocumentRow.published,
        DocumentRow.headline,
    ]


def _hit(row: Any, score: float, snippet: str) -> Hit:
    plain, ranges = split_highlights(snippet or "")
    return Hit(
        id=row.id,
        title=row.title,
        outlet=row.outlet,
        published=row.published,
        score=float(score),
        snippet=" ".join(plain.split()),
        highlights=_ranges_after_spacing(plain, ranges),
        headline=row.headline,
    )


def _ranges_after_spacing(plain: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges moved to the snippet with its runs of whitespace folded to one space."""
    if not ranges:
        return []
    # Map each offset of the plain snippet to its offset in the folded one.
    mapping: list[int] = []
    folded = 0
    stripped = plain.lstrip()
    leading = len(plain) - len(stripped)
    mapping.extend([0] * leading)
    previous_space = False
    for character in stripped:
        if character.isspace():
            mapping.append(folded)
            if not previous_space:
                folded += 1
            previous_space = True
        else:
            mapping.append(folded)
            folded += 1
            previous_space = False
    mapping.append(folded)
    total = len(" ".join(plain.split()))
    return [(min(mapping[start], total), min(mapping[end], total)) for start, end in ranges]


def _listing(
    connection: Connection, conditions: list[ColumnElement[bool]], limit: int, offset: int
) -> list[Hit]:
    statement = (
        select(*_columns(), func.substr(DocumentRow.text, 1, 240).label("snippet"))
        .where(and_(True, *conditions))
        .order_by(DocumentRow.published_on.desc().nulls_last(), DocumentRow.number.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_hit(row, 0.0, row.snippet) for row in connection.execute(statement)]


def _search_sqlite(
    connection: Connection,
    query: str,
    conditions: list[ColumnElement[bool]],
    limit: int,
    offset: int,
) -> list[Hit]:
    expression = fts5_expression(query)
    if expression is None:
        return []
    # FTS5's auxiliary functions take the table's name as their first argument.
    fts: ColumnElement[Any] = literal_column("documents_fts")
    fts_table = table("documents_fts", column("rowid"))
    rank = func.bm25(fts, 2.0, 1.0)
    snippet = func.snippet(fts, -1, HIGHLIGHT_START, HIGHLIGHT_END, "…", SNIPPET_WORDS)
    statement: Select[Any] = (
        select(*_columns(), rank.label("rank"), snippet.label("snippet"))
        .select_from(DocumentRow)
        .join(fts_table, fts_table.c.rowid == DocumentRow.number)
        .where(text("documents_fts MATCH :expression").bindparams(expression=expression))
        .where(and_(True, *conditions))
        .order_by(literal_column("rank"), DocumentRow.number)
        .limit(limit)
        .offset(offset)
    )
    return [_hit(row, -row.rank, row.snippet) for row in connection.execute(statement)]


def _search_postgresql(
    connection: Connection,
    query: str,
    conditions: list[ColumnElement[bool]],
    limit: int,
    offset: int,
) -> list[Hit]:
    tsquery = func.websearch_to_tsquery("english", bindparam("query", query))
    vector: ColumnElement[Any] = literal_column("documents.search_vector")
    rank = func.ts_rank_cd(vector, tsquery)
    best = (
        select(DocumentRow.number, rank.label("rank"))
        .where(vector.op("@@")(tsquery))
        .where(and_(True, *conditions))
        .order_by(rank.desc(), DocumentRow.number)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    options = (
        f'StartSel="{HIGHLIGHT_START}", StopSel="{HIGHLIGHT_END}", '
        f"MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, MaxFragments=2, "
        'FragmentDelimiter=" … "'
    )
    headline = func.ts_headline(
        "english",
        func.left(DocumentRow.text, POSTGRES_HEADLINE_CHARACTERS),
        tsquery,
        bindparam("options", options),
    )
    statement = (
        select(*_columns(), best.c.rank, headline.label("snippet"))
        .join(best, best.c.number == DocumentRow.number)
        .order_by(best.c.rank.desc(), DocumentRow.number)
    )
    return [_hit(row, row.rank, row.snippet) for row in connection.execute(statement)]
