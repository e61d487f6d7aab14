"""Search pages and facet counts of the store (what the web app's search page shows)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from claimscope.adapters.store import Filters, Store
from tests.test_store import filled_store as filled_store  # the fixture, on both databases


def test_pages_cover_the_listing_once_in_order(filled_store: Store) -> None:
    everything = [hit.id for hit in filled_store.search(None, limit=10)]
    pages = [
        [hit.id for hit in filled_store.search(None, limit=3, offset=offset)]
        for offset in (0, 3, 6)
    ]
    assert pages[0] + pages[1] == everything and pages[2] == []
    assert [len(page) for page in pages] == [3, 1, 0]
    assert filled_store.count_matching(None) == 4


def test_pages_of_a_query(filled_store: Store) -> None:
    # "barking" and "barked" stem alike: the court and the cats documents.
    both = [hit.id for hit in filled_store.search("bark", limit=10)]
    assert len(both) == 2
    first = filled_store.search("bark", limit=1)
    second = filled_store.search("bark", limit=1, offset=1)
    assert [first[0].id, second[0].id] == both
    assert filled_store.count_matching("bark") == 2
    assert filled_store.count_matching("bark", Filters(outlet="AFP")) == 1
    assert filled_store.count_matching("-") == 0


def test_hits_carry_the_headline(filled_store: Store) -> None:
    (hit,) = filled_store.search("dispute")
    assert hit.headline == "The court ruled on the border dispute"


# Counted by hand from CORPUS: (facet, value) -> documents, with no query and no filter.
EXPECTED_FACETS = {
    "outlet": [("AFP", 1), ("Reuters", 1), ("Trend", 1)],
    "month": [("2023-08", 1), ("2023-07", 1), ("2019-01", 1)],
    "country": [("AZ", 1), ("ID", 1), ("KE", 1), ("NL", 1)],
    # Two documents use loaded language; the statement's two spans count once.
    "technique": [("Loaded_Language", 2), ("Name_Calling,Labeling", 1)],
    "cites": [("International Court of Justice", 1), ("United Nations Security Council", 1)],
}


def test_facet_counts_of_the_whole_store(filled_store: Store) -> None:
    assert filled_store.facets(None) == EXPECTED_FACETS


def test_facet_counts_follow_the_query_and_filters(filled_store: Store) -> None:
    facets = filled_store.facets("bark")
    assert facets["outlet"] == [("AFP", 1), ("Reuters", 1)]
    assert facets["technique"] == [("Loaded_Language", 1)]
    filtered = filled_store.facets(None, Filters(technique="loaded language"))
    assert filtered["outlet"] == [("Reuters", 1), ("Trend", 1)]
    assert filtered["month"] == [("2023-08", 1), ("2023-07", 1)]
    assert filled_store.facets("nothing-matches-this") == {name: [] for name in EXPECTED_FACETS}


@pytest.mark.parametrize(
    ("facet", "value"), [(f, v) for f, vs in EXPECTED_FACETS.items() for v, _ in vs if f != "month"]
)
def test_each_facet_value_is_a_filter_that_keeps_its_count(
    filled_store: Store, facet: str, value: str
) -> None:
    expected = dict(EXPECTED_FACETS[facet])[value]
    filters: Filters = replace(Filters(), **{facet: value})  # type: ignore[arg-type]
    assert filled_store.count_matching(None, filters) == expected
