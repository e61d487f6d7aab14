"""The corpus store's API on SQLite and PostgreSQL: identity, sightings, errors, search, filters.

Dossiers are built by hand here (not by the pipeline) so that each document's signatories,
techniques, citations, dates and countries are known and the expected hits of every query
and filter can be read off the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import inspect, text

from claimscope.adapters.store import (
    Analysed,
    Filters,
    Rejected,
    Sighting,
    Store,
    StoreError,
    Versions,
)
from claimscope.adapters.store.search import (
    MAX_QUERY_TERMS,
    fts5_expression,
    split_highlights,
)
from claimscope.analysis import new_dossier
from claimscope.document import Hints
from claimscope.dossier import Anatomy, Citation, Dateline, Signatory, Technique, TextSpan
from claimscope.ingestion import make_document
from tests.store_support import DATABASES, new_store_url
from tests.store_support import store_url as store_url  # the fixture

VERSIONS = Versions(pipeline="test pipeline", models="test models")


def analysed(
    text_: str,
    source: str,
    *,
    outlet: str | None = None,
    published: str | None = None,
    country: str | None = None,
    signatories: tuple[tuple[str, str | None, str | None], ...] = (),
    techniques: tuple[str, ...] = (),
    citations: tuple[tuple[str, str | None], ...] = (),
) -> Analysed:
    """A document with a hand-made dossier holding exactly the given findings."""
    document = make_document(text_, source, hints=Hints(outlet=outlet, title=text_.split(".")[0]))
    dossier = new_dossier(document)
    dossier.anatomy = Anatomy(
        headline=TextSpan(text=text_.split(".")[0], start=0, end=len(text_.split(".")[0])),
        published=published,
        dateline=Dateline(text="X", country=country, start=0, end=1) if country else None,
    )
    dossier.signatories = [
        Signatory(person=person, organization=organization, country=where, start=0, end=1)
        for person, organization, where in signatories
    ]
    dossier.techniques = [
        Technique(technique=name, start=0, end=1, score=0.9) for name in techniques
    ]
    dossier.citations = [
        Citation(kind=kind, issuer=issuer, text="x", start=0, end=1) for kind, issuer in citations
    ]
    return Analysed(document, dossier, [Sighting.of(document)])


CORPUS = {
    "court": analysed(
        "The court ruled on the border dispute. Judges barked orders at the lawyers.",
        "court.txt",
        outlet="Reuters",
        published="2023-07-06T10:00:00+00:00",
        country="NL",
        citations=(("court_order", "International Court of Justice"),),
        techniques=("Loaded_Language",),
    ),
    "statement": analysed(
        "We, the undersigned, call for peace in the region. Signed by many groups.",
        "statement.txt",
        outlet="Trend",
        published="2023-08-01",
        country="AZ",
        signatories=(
            ("Erlina Burhan", "Indonesia Professional Organiza Coalition", "ID"),
            ("Violet Wasonga", "Nyando Social Justice", "KE"),
        ),
        techniques=("Name_Calling,Labeling", "Loaded_Language", "Loaded_Language"),
    ),
    "cats": analysed(
        "Cats of Paris sleep all day. The dog next door is barking at them.",
        "cats.txt",
        outlet="AFP",
        published="2019-01-04",
        citations=(("resolution", "United Nations Security Council"),),
    ),
    "undated": analysed(
        "A story without a date about the economy and inflation rates.", "undated.txt"
    ),
}


def fill(store: Store) -> None:
    result = store.write(list(CORPUS.values()), versions=VERSIONS)
    assert result.added == len(CORPUS)


@pytest.fixture(scope="module", params=DATABASES)
def filled_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """One store per database holding CORPUS, shared by the tests that only read it."""
    with new_store_url(request.param, tmp_path_factory.mktemp("store")) as url:
        store = Store.open(url)
        fill(store)
        yield store
        store.close()


def names(store: Store, query: str | None, filters: Filters | None = None) -> set[str]:
    by_id = {item.document.id: name for name, item in CORPUS.items()}
    return {by_id[hit.id] for hit in store.search(query, filters)}


def test_same_documents_twice_add_nothing_the_second_time(store_url: str) -> None:
    with Store.open(store_url) as store:
        first = store.write(list(CORPUS.values()), versions=VERSIONS)
        second = store.write(list(CORPUS.values()), versions=VERSIONS)
        assert (first.added, first.already_present, first.sightings_added) == (4, 0, 4)
        assert (second.added, second.already_present, second.sightings_added) == (0, 4, 0)
        assert store.count() == 4


def test_same_text_from_another_source_is_one_document_with_two_sightings(store_url: str) -> None:
    item = CORPUS["court"]
    other = Sighting(source="mirror.html", outlet="Mirror", url="https://mirror.example/a")
    with Store.open(store_url) as store:
        store.write([item], versions=VERSIONS)
        result = store.write([], [(item.document.id, other)])
        again = store.write([], [(item.document.id, other)])
        assert (result.sightings_added, again.sightings_added) == (1, 0)
        assert store.count() == 1
        sightings = store.sightings(item.document.id)
        assert [(s.source, s.outlet) for s in sightings] == [
            ("court.txt", "Reuters"),
            ("mirror.html", "Mirror"),
        ]
        # Seen at the mirror, the document is found by the mirror's name too.
        assert {hit.id for hit in store.search(None, Filters(outlet="mirror"))} == {
            item.document.id
        }


def test_rejected_inputs_are_kept_once_each(store_url: str) -> None:
    rejected = [
        Rejected("empty.txt", "empty input"),
        Rejected("r.jsonl#2", "malformed JSON at column 2"),
    ]
    with Store.open(store_url) as store:
        assert store.write([], [], rejected).errors_added == 2
        assert store.write([], [], rejected).errors_added == 0
        assert [(source, reason) for source, reason, _ in store.errors()] == [
            ("empty.txt", "empty input"),
            ("r.jsonl#2", "malformed JSON at column 2"),
        ]
        assert store.stats()["rejected_inputs"] == 2


def test_dossier_reads_back_as_stored(store_url: str) -> None:
    item = CORPUS["statement"]
    with Store.open(store_url) as store:
        fill(store)
        stored = store.get(item.document.id)
        assert stored is not None
        assert stored.dossier == item.dossier
        assert stored.document.text == item.document.text
        assert stored.document.hints.outlet == "Trend"
        assert (stored.pipeline_version, stored.models_version) == ("test pipeline", "test models")


# query -> the documents it must find (web-search syntax on both databases)
SEARCHES = [
    ("court", {"court"}),
    ("COURT ruling", {"court"}),  # stemming: ruled ~ ruling
    ("bark", {"court", "cats"}),  # barked, barking
    ('"border dispute"', {"court"}),
    ('"dispute border"', set()),
    ("peace or inflation", {"statement", "undated"}),
    ("barking -cats", {"court"}),
    ("undersigned", {"statement"}),
    ("nothing-like-this-word", set()),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_full_text_search(filled_store: Store, query: str, expected: set[str]) -> None:
    assert names(filled_store, query) == expected


def test_hits_are_ranked_and_highlighted(filled_store: Store) -> None:
    store = filled_store
    hits = store.search("dog")
    assert [hit.id for hit in hits] == [CORPUS["cats"].document.id]
    hit = hits[0]
    assert [hit.snippet[start:end].lower() for start, end in hit.highlights] == ["dog"]
    assert hit.title == "Cats of Paris sleep all day"


# filters -> the documents they keep (no query)
FILTERS = [
    (Filters(outlet="reuters"), {"court"}),
    (Filters(outlet="Nobody"), set()),
    (Filters(since=date(2023, 1, 1)), {"court", "statement"}),
    (Filters(until=date(2023, 7, 31)), {"court", "cats"}),
    (Filters(since=date(2023, 7, 6), until=date(2023, 7, 6)), {"court"}),
    (Filters(signatory="wasonga"), {"statement"}),
    (Filters(signatory="Professional Organiza"), {"statement"}),
    (Filters(signatory="Nobody"), set()),
    (Filters(technique="Loaded_Language"), {"court", "statement"}),
    (Filters(technique="name calling"), {"statement"}),
    (Filters(technique="Labeling"), {"statement"}),
    (Filters(cites="court_order"), {"court"}),
    (Filters(cites="court order"), {"court"}),
    (Filters(cites="Security Council"), {"cats"}),
    (Filters(cites="treaty"), set()),
    (Filters(country="az"), {"statement"}),  # dateline
    (Filters(country="KE"), {"statement"}),  # a signatory's
    (Filters(country="NL"), {"court"}),
    (Filters(country="US"), set()),
    (Filters(outlet="Trend", country="KE", technique="Loaded_Language"), {"statement"}),
    (Filters(outlet="Trend", country="NL"), set()),
    # a LIKE wildcard in a filter is a character, not a wildcard
    (Filters(signatory="%"), set()),
    (Filters(signatory="_"), set()),
]


@pytest.mark.parametrize(("filters", "expected"), FILTERS)
def test_filters(filled_store: Store, filters: Filters, expected: set[str]) -> None:
    assert names(filled_store, None, filters) == expected


def test_query_and_filters_together(filled_store: Store) -> None:
    assert names(filled_store, "bark", Filters(outlet="AFP")) == {"cats"}
    assert names(filled_store, "bark", Filters(since=date(2020, 1, 1))) == {"court"}


HOSTILE_QUERIES = [
    "'); DROP TABLE documents; --",
    '"; DROP TABLE documents; --',
    "documents_fts MATCH '*'",
    '"',
    '"""',
    "*",
    "a*",
    "NEAR(court dog)",
    "court NOT dog",
    "court AND",
    "OR",
    "-",
    "--",
    "^court",
    "title:court",
    "{title text}: court",
    "(court",
    "court)",
    "+court",
    "court:*",
    "!court",
    "court & dog | cat",
    "\\",
    "%",
    "_",
    "\x00",
    "court \ud800",
    "court " * 2000,  # 12 kB, far more terms than MAX_QUERY_TERMS
    "x" * 10_240,  # one 10 kB word
    "é" * 5_000 + " court",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_search_strings_are_data(filled_store: Store, query: str) -> None:
    store = filled_store
    found = store.search(query)
    assert all(hit.id.startswith("sha256:") for hit in found)
    assert store.count() == 4
    assert {"documents", "sightings", "errors"} <= set(inspect(store.engine).get_table_names())
    if store.dialect == "sqlite":
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            connection.execute(
                text("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
            )


# query -> FTS5 expression: every term quoted, so nothing is read as FTS5 syntax
EXPRESSIONS = [
    ("court", '"court"'),
    ("border dispute", '"border" AND "dispute"'),
    ('"border dispute"', '"border dispute"'),
    ("peace or war", '("peace") OR ("war")'),
    ("peace OR war court", '("peace") OR ("war" AND "court")'),
    ("court -dog", '("court") NOT "dog"'),
    ('court -"dog days"', '("court") NOT "dog days"'),
    ('say "hi', '"say" AND "hi"'),
    ('he said "no""', '"he" AND "said" AND "no"'),
    ('a"b', '"a""b"'),
    ("NEAR(a b)", '"NEAR(a" AND "b)"'),
    ("title:court", '"title:court"'),
    ("'); DROP TABLE documents; --", '"DROP" AND "TABLE" AND "documents;"'),
    ("or", None),
    ("-dog", None),
    ("*", None),
    ("", None),
]


@pytest.mark.parametrize(("query", "expected"), EXPRESSIONS)
def test_fts5_expression(query: str, expected: str | None) -> None:
    assert fts5_expression(query) == expected


def test_fts5_expression_caps_terms() -> None:
    expression = fts5_expression("word " * 1000)
    assert expression is not None
    assert expression.count('"word"') == MAX_QUERY_TERMS


# snippet with marks -> (plain text, highlighted ranges)
HIGHLIGHTS = [
    ("a \ue000dog\ue001 b", ("a dog b", [(2, 5)])),
    ("\ue000x\ue001\ue000y\ue001", ("xy", [(0, 1), (1, 2)])),
    ("no marks", ("no marks", [])),
    ("\ue001stray\ue000 end", ("stray end", [])),
    ("\ue000open", ("open", [])),
]


@pytest.mark.parametrize(("snippet", "expected"), HIGHLIGHTS)
def test_split_highlights(snippet: str, expected: tuple[str, list[tuple[int, int]]]) -> None:
    assert split_highlights(snippet) == expected


def test_ids_resolve_from_a_prefix(store_url: str) -> None:
    item = CORPUS["cats"]
    with Store.open(store_url) as store:
        fill(store)
        digits = item.document.id.removeprefix("sha256:")
        assert store.resolve_id(digits[:8]) == item.document.id
        assert store.resolve_id(item.document.id.upper()) == item.document.id
        for bad, message in (
            ("zzzz", "not a document id"),
            ("abc", "not a document id"),
            ("%", "not a document id"),
            ("0000000000", "no stored document"),
        ):
            with pytest.raises(StoreError, match=message):
                store.resolve_id(bad)


def test_replaced_dossiers_update_facets_and_versions(store_url: str) -> None:
    item = CORPUS["statement"]
    with Store.open(store_url) as store:
        fill(store)
        changed = item.dossier.model_copy(deep=True)
        changed.signatories = changed.signatories[:1]
        changed.techniques = []
        newer = Versions(pipeline="newer pipeline", models="newer models")
        assert store.replace_dossiers([changed], newer) == 1
        assert names(store, None, Filters(signatory="Wasonga")) == set()
        assert names(store, None, Filters(signatory="Burhan")) == {"statement"}
        assert names(store, None, Filters(technique="Loaded_Language")) == {"court"}
        stored = store.get(item.document.id)
        assert stored is not None and stored.dossier == changed
        assert (stored.pipeline_version, stored.models_version) == (newer.pipeline, newer.models)
        assert store.count_stale(newer) == 3
        assert [s.document.id for s in store.documents(stale_for=newer)] == [
            CORPUS[name].document.id for name in ("court", "cats", "undated")
        ]


def test_stats(store_url: str) -> None:
    with Store.open(store_url) as store:
        fill(store)
        store.write([], [], [Rejected("bad.txt", "empty input")])
        stats = store.stats()
    assert stats["documents"] == 4
    assert stats["sightings"] == 4
    assert stats["outlets"] == 3  # Reuters, Trend, AFP; the undated story has none
    assert stats["date_range"] == {
        "first": "2019-01-04",
        "last": "2023-08-01",
        "undated_documents": 1,
    }
    assert stats["languages"] == [{"language": "en", "documents": 4}]
    assert stats["rejected_inputs"] == 1
    assert stats["versions"] == [
        {"pipeline_version": "test pipeline", "models_version": "test models", "documents": 4}
    ]


def test_documents_are_read_a_page_at_a_time(store_url: str) -> None:
    with Store.open(store_url) as store:
        fill(store)
        pages = list(store.pages(page=3))
        assert [len(page) for page in pages] == [3, 1]
        assert [stored.document.id for stored in store.documents(page=1)] == [
            item.document.id for item in CORPUS.values()
        ]


def test_hints_read_back_as_stored() -> None:
    import json

    from claimscope.adapters.store.store import hints_from_json, hints_to_json
    from claimscope.document import Declared

    hints = Hints(
        title="Court rules",
        authors=("Ann Smith", "Bo Li"),
        url="https://example.org/a",
        captured="2024-03-01T12:00:00Z",
        declared_published=(Declared("2024-02-29T10:00:00+01:00", "json-ld:NewsArticle"),),
    )
    stored = json.loads(json.dumps(hints_to_json(hints)))
    assert hints_from_json(stored) == hints
    assert hints_from_json({**stored, "field_of_a_newer_version": 1}) == hints
