"""``corpus import DIR``: a ``spark analyze`` output stored as ``corpus add`` stores its inputs.

The output is built here without Spark, by the functions the job runs in its executors
(:mod:`claimscope.adapters.spark.executor`) split into Spark's layout (``documents/`` in
part files, ``rejected/``, ``_SUCCESS``); ``tests/test_spark.py`` imports a real job's
output. Every test runs on SQLite and, when a server is given, on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow", reason="corpus import reads Parquet (the 'parquet' extra)")
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from sqlalchemy import select  # noqa: E402

from claimscope.adapters.cli_common import EXIT_BAD_INPUT  # noqa: E402
from claimscope.adapters.spark import executor  # noqa: E402
from claimscope.adapters.spark.executor import AnalysisSettings  # noqa: E402
from claimscope.adapters.store import Store  # noqa: E402
from claimscope.adapters.store.imports import import_analysis  # noqa: E402
from claimscope.adapters.store.tables import (  # noqa: E402
    CitationRow,
    CountryRow,
    DocumentRow,
    ErrorRow,
    SightingRow,
    SignatoryRow,
    TechniqueRow,
)
from tests.store_support import (  # noqa: E402
    DATABASES,
    NO_PARSE,
    corpus,
    disable_arguments,
    new_store_url,
)
from tests.test_corpus_cli import write_warc  # noqa: E402

SETTINGS = AnalysisSettings(disabled=NO_PARSE)
GENEVA = (
    "GENEVA, March 3 (Reuters) - The court ruled on Monday in the long border dispute between "
    "the two states, officials said.\n\nBoth governments said they would respect the ruling."
)
TREATY = "A treaty was signed in Vienna on Friday by the two ministers of the neighbouring states."


def write_inputs(folder: Path) -> list[Path]:
    """Two JSONL files (the Geneva story in both, from two outlets; a malformed line) and a
    WARC archive (two pages, a broken record)."""
    folder.mkdir()
    first = folder / "a.jsonl"
    first.write_text(
        json.dumps({"text": GENEVA, "outlet": "Reuters", "url": "https://example.com/geneva"})
        + "\n{not json\n"
        + json.dumps({"text": TREATY, "title": "Treaty signed", "published": "2024-01-02"})
        + "\n",
        encoding="utf-8",
    )
    second = folder / "b.jsonl"
    second.write_text(
        json.dumps({"text": GENEVA, "outlet": "Wire", "published": "2024-03-04"}) + "\n",
        encoding="utf-8",
    )
    warc = folder / "crawl.warc.gz"
    write_warc(warc, broken=True)
    return [first, second, warc]


def spark_output(inputs: list[Path], out: Path) -> Any:
    """What ``spark analyze`` writes for the inputs, in its layout; the documents table."""
    listing = pa.RecordBatch.from_pylist(
        [
            {"path": str(path), "kind": "warc" if path.suffix == ".gz" else "jsonl"}
            for path in inputs
        ]
    )
    raw = list(executor.read_files([listing], SETTINGS.max_chars))
    analysed = pa.Table.from_batches(
        list(executor.analyse_batches(raw, SETTINGS)), schema=executor.ANALYSED_SCHEMA
    )
    documents = analysed.filter(pc.equal(analysed["status"], "document")).select(
        [name for name, _ in executor.DOCUMENT_FIELDS]
    )
    rejected = analysed.filter(pc.equal(analysed["status"], "rejected")).select(
        [name for name, _ in executor.REJECTED_FIELDS]
    )
    for name, table, parts in (("documents", documents, 2), ("rejected", rejected, 1)):
        (out / name).mkdir(parents=True)
        (out / name / "_SUCCESS").write_bytes(b"")
        size = -(-table.num_rows // parts)
        for part in range(parts):
            pq.write_table(
                table.slice(part * size, size), out / name / f"part-{part:05d}-job.snappy.parquet"
            )
    return documents


@pytest.fixture(params=DATABASES)
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two new, empty stores on one database kind: one imported into, one added to."""
    (tmp_path / "imported").mkdir()
    (tmp_path / "added").mkdir()
    with (
        new_store_url(request.param, tmp_path / "imported") as imported,
        new_store_url(request.param, tmp_path / "added") as added,
    ):
        yield imported, added


# Columns that say when or in which order a row was written, not what it holds.
_WRITTEN = {"number", "created_at", "updated_at", "added_at"}


def contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows without write times and row numbers, sorted: comparable stores."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with Store.open(url) as store, store.engine.connect() as connection:
        for model in (
            DocumentRow,
            SightingRow,
            ErrorRow,
            SignatoryRow,
            TechniqueRow,
            CitationRow,
            CountryRow,
        ):
            columns = [
                column
                for column in model.__table__.columns
                if column.name not in _WRITTEN
                and not (column.name == "id" and model is not DocumentRow)
            ]
            rows = connection.execute(select(*columns)).all()
            found[model.__tablename__] = sorted(
                (tuple(json.dumps(value, sort_keys=True, default=str) for value in row))
                for row in rows
            )
    return found


def test_import_stores_what_corpus_add_stores_and_twice_adds_nothing(
    two_stores: tuple[str, str], tmp_path: Path
) -> None:
    imported, added = two_stores
    inputs = write_inputs(tmp_path / "in")
    documents = spark_output(inputs, tmp_path / "out")
    # Read by hand: Geneva (twice), the treaty, two WARC pages; a bad line, a broken record.
    assert documents.num_rows == 5

    ran = corpus("import", str(tmp_path / "out"), "--db", imported, "--format", "json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) | {"store": None} == {
        "store": None,
        "added": 4,
        "already_present": 1,
        "sightings_added": 5,
        "rejected": 2,
        "unreadable": 0,
        "errors_added": 2,
    }
    assert "4 added, 1 already present, 2 rejected input(s) of the job" in ran.stderr

    paths = [str(path) for path in inputs]
    assert corpus("add", *paths, "--db", added, *disable_arguments()).returncode == EXIT_BAD_INPUT
    stored = contents(imported)
    assert [len(stored[name]) for name in ("documents", "sightings", "errors")] == [4, 5, 2]
    assert stored == contents(added)

    # The Geneva story is one document seen at two sources, filed under the first's outlet.
    with Store.open(imported) as store:
        geneva = store.search("Geneva")
        assert len(geneva) == 1
        sightings = store.sightings(geneva[0].id)
    assert [(s.source, s.outlet, s.url, s.published) for s in sightings] == [
        (f"{inputs[0]}#1", "Reuters", "https://example.com/geneva", None),
        (f"{inputs[1]}#1", "Wire", None, "2024-03-04"),
    ]

    again = corpus("import", str(tmp_path / "out"), "--db", imported, "--format", "json")
    assert again.returncode == 0, again.stderr
    counts = json.loads(again.stdout)
    assert (counts["added"], counts["sightings_added"], counts["errors_added"]) == (0, 0, 0)
    assert counts["already_present"] == 5
    assert contents(imported) == contents(added)


def test_every_corpus_command_works_on_an_import(
    two_stores: tuple[str, str], tmp_path: Path
) -> None:
    imported, _ = two_stores
    spark_output(write_inputs(tmp_path / "in"), tmp_path / "out")
    assert corpus("import", str(tmp_path / "out"), "--db", imported).returncode == 0

    stats = json.loads(corpus("stats", "--db", imported, "--format", "json").stdout)
    assert (stats["documents"], stats["sightings"], stats["rejected_inputs"]) == (4, 5, 2)
    found = json.loads(corpus("search", "treaty", "--db", imported, "--format", "json").stdout)
    assert [hit["title"] for hit in found] == ["Treaty signed"]
    treaty = found[0]["id"]
    shown = corpus("show", treaty[7:19], "--db", imported, "--format", "json")
    assert json.loads(shown.stdout)["document"]["text"] == TREATY
    by_date = corpus("search", "--since", "2024-01-01", "--db", imported, "--format", "json")
    assert treaty in {hit["id"] for hit in json.loads(by_date.stdout)}
    errors = json.loads(corpus("errors", "--db", imported, "--format", "json").stdout)
    assert len(errors) == 2
    exported = corpus("export", "--db", imported, "--format", "jsonl").stdout.splitlines()
    assert len(exported) == 4
    # The imported dossiers carry the pipeline's versions: nothing is stale.
    reanalysed = corpus("reanalyze", "--db", imported, *disable_arguments())
    assert reanalysed.returncode == 0, reanalysed.stderr
    assert "0 dossier(s) re-analysed" in reanalysed.stderr


@pytest.mark.parametrize("database", DATABASES)
def test_a_damaged_row_is_rejected_and_the_rest_imported(database: str, tmp_path: Path) -> None:
    documents = spark_output(write_inputs(tmp_path / "in"), tmp_path / "out")
    rows = documents.to_pylist()
    rows[0]["dossier"] = rows[0]["dossier"].replace("GENEVA", "BERLIN", 1)  # text edited
    rows[1]["dossier"] = "{not json"
    rows[2]["hints"] = "[]"
    rows[3]["models_version"] = None
    damaged = tmp_path / "damaged"
    (damaged / "documents").mkdir(parents=True)
    pq.write_table(
        pa.Table.from_pylist(rows, schema=documents.schema), damaged / "documents" / "a.parquet"
    )
    (tmp_path / "store").mkdir()
    with new_store_url(database, tmp_path / "store") as url, Store.open(url) as store:
        summary = import_analysis(store, str(damaged), batch_size=2)
        assert (summary.added, summary.unreadable, summary.rejected) == (1, 4, 0)
        reasons = {source: reason for source, reason, _ in store.errors()}
    assert reasons == {
        rows[0]["source"]: "cannot import: the id is not the sha256 of the dossier's text",
        rows[1]["source"]: reasons[rows[1]["source"]],
        rows[2]["source"]: "cannot import: hints: not an object",
        rows[3]["source"]: "cannot import: no pipeline or models version",
    }
    assert reasons[rows[1]["source"]].startswith("cannot import: 1 validation error for Dossier")


def test_a_directory_that_is_no_analysis_output_is_one_error_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ran = corpus("import", str(tmp_path / "nothing"), "--db", url)
    assert ran.returncode == 2
    assert "no documents/ (not a 'claimscope spark analyze' --out)" in ran.stderr
    (tmp_path / "old" / "documents").mkdir(parents=True)
    pq.write_table(pa.table({"id": ["x"], "dossier": ["{}"]}), tmp_path / "old/documents/a.parquet")
    ran = corpus("import", str(tmp_path / "old"), "--db", url)
    assert ran.returncode == 2
    assert "lacks the column(s) source, hints, pipeline_version, models_version" in ran.stderr
