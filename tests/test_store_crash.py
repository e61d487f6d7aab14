"""Never lose or duplicate a document: SIGKILL at random points, SIGTERM, two writers at once.

Each run is a real ``claimscope corpus add`` process over a JSONL file of distinct records,
killed once the store holds a random number of its documents (plus a random few
milliseconds, so that kills land inside batches as well as between them). After every
kill the store must be consistent (each stored document has its sighting and nothing
else is half-written), and the same command run again must finish the job: every record's
document stored exactly once, with exactly one sighting per record.

``CLAIMSCOPE_TEST_KILLS`` sets the number of killed runs per database (default 3);
``bench/ingest.py`` runs more.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from claimscope.adapters.store import Store
from claimscope.adapters.store.tables import DocumentRow, SightingRow
from claimscope.ingestion import document_id, normalize_text
from tests.store_support import (
    DATABASES,
    corpus,
    corpus_process,
    disable_arguments,
    new_store_url,
    write_records,
)

KILLS = int(os.environ.get("CLAIMSCOPE_TEST_KILLS", "3"))
RECORDS = 300
BATCH = ["--batch-size", "10"]


def records(first: int, last: int) -> list[dict[str, str]]:
    """Distinct news-like records, numbered from ``first`` to ``last`` (exclusive)."""
    return [
        {
            "text": f"LONDON, March {1 + number % 28} - Story {number}: the ministry said "
            f"exports rose {number} percent in the quarter, the highest since {1900 + number}.",
            "outlet": ("Reuters", "AFP", "AP")[number % 3],
        }
        for number in range(first, last)
    ]


def expected_ids(items: list[dict[str, str]]) -> set[str]:
    return {document_id(normalize_text(item["text"])) for item in items}


def stored_count(url: str) -> int:
    """Documents committed so far, or 0 while the store has no tables yet."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM documents")).scalar_one())
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def check_consistent(url: str) -> tuple[set[str], int, int]:
    """The stored ids, sightings and distinct sighting sources; fails on a half-written batch."""
    with Store.open(url) as store, store.engine.connect() as connection:
        ids = set(connection.execute(select(DocumentRow.id)).scalars())
        sightings = connection.execute(select(func.count()).select_from(SightingRow)).scalar_one()
        sources = connection.execute(
            select(func.count(func.distinct(SightingRow.source)))
        ).scalar_one()
        orphans = connection.execute(
            select(func.count())
            .select_from(DocumentRow)
            .where(
                ~select(SightingRow.id).where(SightingRow.document_id == DocumentRow.id).exists()
            )
        ).scalar_one()
        assert orphans == 0, "a document was stored without its sighting"
        if store.dialect == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    return ids, int(sightings), int(sources)


@pytest.mark.parametrize("database", DATABASES)
def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    database: str, tmp_path: Path
) -> None:
    items = records(0, RECORDS)
    path = write_records(tmp_path / "stories.jsonl", items)
    seed = random.randrange(1 << 30)
    chooser = random.Random(seed)
    killed_mid_way = 0
    for run in range(KILLS):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        with new_store_url(database, folder) as url:
            arguments = ("add", str(path), "--db", url, *BATCH, *disable_arguments())
            target = chooser.randint(1, RECORDS - 20)
            process = corpus_process(*arguments)
            try:
                while process.poll() is None and stored_count(url) < target:
                    time.sleep(0.01)
                time.sleep(chooser.uniform(0, 0.05))
                if process.poll() is None:
                    process.kill()
                    killed_mid_way += 1
                process.wait(timeout=60)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
            ids, sightings, sources = check_consistent(url)
            assert ids <= expected_ids(items)
            assert sightings == sources == len(ids), f"seed {seed}, run {run}"
            finished = corpus(*arguments)
            assert finished.returncode == 0, finished.stderr
            ids, sightings, sources = check_consistent(url)
            assert ids == expected_ids(items), f"seed {seed}, run {run}: documents lost"
            assert sightings == sources == RECORDS, f"seed {seed}, run {run}: duplicated"
    assert killed_mid_way >= 1, f"seed {seed}: every run finished before its kill"


def test_sigterm_exits_143_and_a_rerun_finishes(tmp_path: Path) -> None:
    items = records(0, RECORDS)
    path = write_records(tmp_path / "stories.jsonl", items)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    arguments = ("add", str(path), "--db", url, *BATCH, *disable_arguments())
    process = corpus_process(*arguments)
    while process.poll() is None and stored_count(url) < 20:
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) in (0, 143)
    finished = corpus(*arguments)
    assert finished.returncode == 0, finished.stderr
    ids, sightings, _ = check_consistent(url)
    assert ids == expected_ids(items) and sightings == RECORDS


def test_two_adds_at_once_on_one_sqlite_file(tmp_path: Path) -> None:
    first, second = records(0, 200), records(100, 300)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    processes = [
        corpus_process(
            "add",
            str(write_records(tmp_path / name, items)),
            "--db",
            url,
            *BATCH,
            *disable_arguments(),
        )
        for name, items in (("first.jsonl", first), ("second.jsonl", second))
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()
    ids, sightings, sources = check_consistent(url)
    assert ids == expected_ids(first) | expected_ids(second)
    assert len(ids) == 300
    assert sightings == sources == 400  # 100 texts were read from both files
