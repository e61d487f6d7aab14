"""The store's schema: created and migrated on open, never dropped, refused when newer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, inspect, select, text

from claimscope.adapters.store import Filters, Store, StoreError
from claimscope.adapters.store.tables import Base, DocumentPartRow, DocumentRow, SightingRow
from claimscope.analysis import new_dossier
from claimscope.corpus.minhash import DEFAULT_SETTINGS
from claimscope.dossier import Signatory, Technique
from claimscope.ingestion import make_document
from tests.store_support import store_url as store_url  # the fixture


def test_a_store_at_the_first_revision_is_upgraded_when_opened(store_url: str) -> None:
    document = make_document("We, the undersigned, call for an end to the war.", "old.txt")
    dossier = new_dossier(document)
    dossier.signatories = [
        Signatory(person="Erlina Burhan", organization="Coalition", country="ID", start=0, end=1)
    ]
    dossier.techniques = [Technique(technique="Loaded_Language", start=0, end=1, score=0.5)]
    stored = dossier.to_json_dict()
    stored["document"].pop("text")
    now = datetime.now(UTC)
    with Store.open(store_url, migrate=False) as store:
        store.upgrade("0001")
        assert store.schema_revision() == "0001"
        assert "document_signatories" not in inspect(store.engine).get_table_names()
        # A document as revision 0001 stored it: no facet tables existed yet.
        with store.writing() as connection:
            connection.execute(
                insert(DocumentRow),
                {
                    "id": document.id,
                    "text": document.text,
                    "title": None,
                    "headline": None,
                    "language": "en",
                    "outlet": None,
                    "published": None,
                    "published_on": None,
                    "country": None,
                    "hints": {},
                    "dossier": stored,
                    "pipeline_version": "old pipeline",
                    "models_version": "old models",
                    "created_at": now,
                    "updated_at": now,
                },
            )
            connection.execute(
                insert(SightingRow),
                {
                    "document_id": document.id,
                    "source_key": "k",
                    "source": "old.txt",
                    "added_at": now,
                },
            )
    with Store.open(store_url) as store:
        assert store.schema_revision() == "0005"
        assert store.count() == 1
        assert [hit.id for hit in store.search("undersigned")] == [document.id]
        # The facet rows were filled from the stored dossier by the migration.
        assert [hit.id for hit in store.search(None, Filters(signatory="burhan"))] == [document.id]
        assert [hit.id for hit in store.search(None, Filters(country="ID"))] == [document.id]
        assert [hit.id for hit in store.search(None, Filters(technique="loaded"))] == [document.id]
        read = store.get(document.id)
        assert read is not None and read.dossier == dossier
        assert read.pipeline_version == "old pipeline"
        # Revision 0003 indexed the stored document for near-duplicates.
        assert store.unindexed() == 0
        assert store.index_settings() == DEFAULT_SETTINGS
        with store.engine.connect() as connection:
            kinds = connection.execute(select(DocumentPartRow.kind)).scalars().all()
        assert kinds == ["document"]


def test_opening_again_changes_nothing(store_url: str) -> None:
    with Store.open(store_url) as store:
        tables = set(inspect(store.engine).get_table_names())
    with Store.open(store_url) as store:
        assert set(inspect(store.engine).get_table_names()) == tables
        assert store.schema_revision() == "0005"


def test_a_store_from_a_newer_claimscope_is_refused(store_url: str) -> None:
    with Store.open(store_url) as store, store.writing() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"newer claimscope \(schema revision 9999\)"):
        Store.open(store_url)
    with Store.open(store_url, migrate=False) as store:
        assert "documents" in inspect(store.engine).get_table_names()  # nothing dropped


def test_models_match_the_migrated_schema(store_url: str) -> None:
    with Store.open(store_url) as store:
        inspector = inspect(store.engine)
        for table in Base.metadata.sorted_tables:
            columns = {column["name"] for column in inspector.get_columns(table.name)}
            # PostgreSQL's generated tsvector column is the search index, not a field.
            columns.discard("search_vector")
            assert columns == set(table.columns.keys()), table.name
