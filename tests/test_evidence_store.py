"""The evidence library in the store, and a dossier's claims met with it (Library)."""

from __future__ import annotations

from sqlalchemy import inspect

from claimscope.adapters.store import Rejected, Store
from claimscope.adapters.store.library import (
    add_evidence,
    library_counts,
    stored_documents,
    stored_factchecks,
)
from claimscope.analysis import new_dossier
from claimscope.dossier import Claim, Dossier
from claimscope.evidence.factchecks import FactCheck, Rating
from claimscope.evidence.library import Library
from claimscope.evidence.passages import DocumentDescription, primary_document
from claimscope.ingestion import make_document
from tests.store_support import store_url as store_url  # the fixture
from tests.test_evidence_passages import ICJ_ORDER, TRILATERAL_STATEMENT

WOMBATS = FactCheck(
    id="fc-wombats",
    claim="Wombats are inviting other animals into their burrows to escape the bushfires.",
    title="Are Wombats Sheltering Animals From the Fires?",
    rating=Rating(name="Mixture", value=3.0, best=5.0, worst=1.0),
    reviewer="Snopes",
    url="https://www.snopes.com/fact-check/wombats-shepherding-animals/",
    date="2020-01-14",
    claimant="social media posts",
    source="checks.jsonl",
)
HOT_WATER = FactCheck(
    id="fc-hot-water",
    claim="Drinking hot water every 15 minutes kills the coronavirus.",
    title="Does Hot Water Kill the Coronavirus?",
    reviewer="AFP Fact Check",
)
LACHIN = FactCheck(
    id="fc-lachin",
    claim="Azerbaijan closed the Lachin road to all traffic in July 2023.",
    reviewer="Example Checks",
    rating=Rating(name="Needs context"),
)


def test_the_library_round_trips_and_adding_again_adds_nothing(store_url: str) -> None:
    order = primary_document(ICJ_ORDER, "icj.txt")
    statement = primary_document(
        TRILATERAL_STATEMENT, "statement.txt", DocumentDescription(kind="treaty")
    )
    with Store.open(store_url) as store:
        result = add_evidence(
            store,
            [WOMBATS, HOT_WATER, WOMBATS],
            [order],
            [Rejected("checks.jsonl:3", "no claim")],
        )
        assert (result.factchecks_added, result.factchecks_present) == (2, 1)
        assert (result.documents_added, result.errors_added) == (1, 1)
        again = add_evidence(store, [HOT_WATER, LACHIN], [order, statement])
        assert (again.factchecks_added, again.factchecks_present) == (1, 1)
        assert (again.documents_added, again.documents_present) == (1, 1)
        assert library_counts(store) == {"factchecks": 3, "documents": 2}
        assert list(stored_factchecks(store)) == [WOMBATS, HOT_WATER, LACHIN]
        assert list(stored_documents(store)) == [order, statement]
        assert [(source, reason) for source, reason, _ in store.errors()] == [
            ("checks.jsonl:3", "no claim")
        ]
        # The corpus's documents are a separate table: the library adds none.
        assert store.count() == 0


def test_a_store_of_revision_0002_gains_the_library_tables(store_url: str) -> None:
    with Store.open(store_url, migrate=False) as store:
        store.upgrade("0002")
        assert "evidence_factchecks" not in inspect(store.engine).get_table_names()
    with Store.open(store_url) as store:
        assert store.schema_revision() == "0005"
        tables = set(inspect(store.engine).get_table_names())
        assert {"evidence_factchecks", "evidence_documents"} <= tables
        assert library_counts(store) == {"factchecks": 0, "documents": 0}


def _dossier_with_claims(*texts: str) -> Dossier:
    text = " ".join(texts)
    dossier = new_dossier(make_document(text, "article.txt"))
    start = 0
    for rank, claim in enumerate(texts, start=1):
        dossier.claims.append(
            Claim(text=claim, start=start, end=start + len(claim), checkworthiness=0.9, rank=rank)
        )
        start += len(claim) + 1
    return dossier


def test_claims_carry_their_matches_with_the_reviewers_rating() -> None:
    order = primary_document(ICJ_ORDER, "icj.txt")
    library = Library([WOMBATS, HOT_WATER, LACHIN], [order])
    dossier = _dossier_with_claims(
        "Wombats are herding animals into their burrows during the fires.",
        "Armenia asked the Court on 28 April 2023 to modify that Order.",
        "Nothing here is shared.",
    )
    matched = library.with_matches(dossier, k=2)
    first, second, third = matched.claims
    best = first.matches[0]
    assert (best.evidence_id, best.kind, best.rank) == ("fc-wombats", "factcheck", 1)
    assert (best.reviewer, best.rating, best.rating_value, best.rating_best) == (
        "Snopes",
        "Mixture",
        3.0,
        5.0,
    )
    assert (best.url, best.date, best.claimant) == (WOMBATS.url, "2020-01-14", WOMBATS.claimant)
    assert (best.text, best.start, best.end) == (WOMBATS.claim, 0, len(WOMBATS.claim))
    assert best.highlight is not None
    assert len(first.matches) <= 2
    assert all(0.0 <= match.score <= 1.0 for claim in matched.claims for match in claim.matches)
    # A passage: its span is its place in the document's text, which holds its text.
    passage = second.matches[0]
    assert passage.kind == "passage" and passage.document_id == order.id
    assert order.text[passage.start : passage.end] == passage.text
    assert passage.text.startswith("3. On 28 April 2023, Armenia requested")
    assert (passage.document_kind, passage.issuer, passage.date) == (
        "court_order",
        "International Court of Justice",
        "2023-07-06",
    )
    assert passage.reviewer is None and passage.rating is None
    assert third.matches == []
    # The dossier given is left as it was.
    assert all(claim.matches == [] for claim in dossier.claims)


def test_an_empty_library_matches_nothing() -> None:
    dossier = _dossier_with_claims("Wombats are herding animals into their burrows.")
    matched = Library([]).with_matches(dossier)
    assert [claim.matches for claim in matched.claims] == [[]]
