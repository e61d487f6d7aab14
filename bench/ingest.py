"""The corpus store: its overhead on analysis, its speed and memory at scale, crash safety.

Data: the Reuters-21578 stories with a body and the Wikinews 2019 articles in
``../shared/data``, read as ``bench.throughput`` reads them (731 documents).

- ``overhead``: ``corpus add`` of those documents with the whole pipeline (one process,
  models loaded and warmed up first) into a new SQLite store and a new PostgreSQL database.
  Inside each run, the seconds spent pulling dossiers from the pipeline (less the store
  lookups made meanwhile) are the analysis, and the rest of the run is what the store adds:
  ``overhead_ratio`` = added seconds / analysis seconds (goal: at most 0.10). The analysis
  alone (as ``analyze`` runs it) is timed once in the same process run for reference; on a
  shared machine two runs of it differ by more than 10 %, so the ratio is taken within a run.
- ``scale``: the store alone (``corpus add`` with every stage disabled) over 100,000
  distinct records, in a ``claimscope corpus add`` process per run, 10,000 then 100,000
  records into a new store: documents per second and the process's peak RSS (flat means
  the 100,000 run peaks no higher than the 10,000 run plus a small margin). Records are the
  731 stories over and over, each copy made distinct by a last line naming its number
  ("Benchmark record 12345 of 100000."), written as JSONL files of 1,000 records in one
  folder (a JSONL file is read whole, a folder file by file).
- ``search``: at 100,000 documents, 100 queries of two words drawn (seeded) from the
  stories' vocabulary: median and 95th percentile latency of ``Store.search`` (20 hits).
- ``crash``: ``corpus add`` of 2,000 records killed with SIGKILL once a random number of
  them is stored, then run again to completion, K times per database: documents lost
  and duplicated (goal: 0).

PostgreSQL runs when ``CLAIMSCOPE_TEST_POSTGRES_URL`` names a server (``eval
"$(scripts/postgres-up)"`` starts one); without it only SQLite is measured.

Run: ``.venv/bin/python -m bench.ingest [--records N] [--kills K] [--limit K]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, write_results
from bench.throughput import REUTERS, WIKINEWS, reuters_documents, wikinews_documents
from claimscope.adapters.store import BatchResult, Store, Versions, resolve_location
from claimscope.adapters.store.ingest import ingest
from claimscope.artefacts import models_version
from claimscope.document import Document
from claimscope.ingestion import document_id, normalize_text
from claimscope.pipeline import STAGE_NAMES, Pipeline

COMMAND = ".venv/bin/python -m bench.ingest"
GOAL_OVERHEAD_RATIO = 0.10
# The 100,000-record run may peak at most this much above the 10,000-record run.
FLAT_RSS_MARGIN_MB = 32
RECORDS_PER_FILE = 1_000
_WARM_UP = 4


def stories(limit: int | None) -> list[Document]:
    """The Reuters and Wikinews documents of bench.throughput."""
    reuters, _ = reuters_documents(REUTERS, limit)
    return reuters + wikinews_documents(WIKINEWS, limit)


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A new PostgreSQL database's URL (dropped after), or None without a server."""
    server = os.environ.get("CLAIMSCOPE_TEST_POSTGRES_URL")
    if not server:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "claimscope_bench_" + secrets.token_hex(6)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def store_urls(folder: Path, name: str) -> Iterator[dict[str, str]]:
    """A new store per database: a SQLite file in the folder, a PostgreSQL database."""
    with postgres_database() as postgres:
        urls = {"sqlite": f"sqlite:///{folder / (name + '.db')}"}
        if postgres is not None:
            urls["postgresql"] = postgres
        yield urls


def _timed(run: Any) -> float:
    started = time.perf_counter()
    for _ in run:
        pass
    return time.perf_counter() - started


class TimedStore(Store):
    """A store that adds up the seconds spent in its lookups and writes."""

    known_seconds = 0.0
    write_seconds = 0.0

    def known(self, ids: Sequence[str]) -> set[str]:
        """Time the lookup of stored ids."""
        started = time.perf_counter()
        try:
            return super().known(ids)
        finally:
            self.known_seconds += time.perf_counter() - started

    def write(self, *arguments: Any, **options: Any) -> BatchResult:
        """Time the batch's transaction."""
        started = time.perf_counter()
        try:
            return super().write(*arguments, **options)
        finally:
            self.write_seconds += time.perf_counter() - started


def overhead(documents: list[Document], folder: Path) -> dict[str, Any]:
    """The time corpus add spends outside analysis, against the analysis, per database.

    Measured inside each ``corpus add`` run (the same documents, the same machine state):
    the seconds spent pulling dossiers from the pipeline, less the store lookups made
    while pulling, are the analysis; everything else is what the store adds. Wall-clock
    totals against a separate analysis-only run are reported too, but on a shared
    machine they drift by more than the store's share.
    """
    pipeline = Pipeline()
    for _ in pipeline.pipe(documents[:_WARM_UP]):
        pass
    versions = Versions(pipeline.version, models_version())
    analyse_alone = _timed(pipeline.pipe(documents))
    figures: dict[str, Any] = {}
    with store_urls(folder, "overhead") as urls:
        for database, url in urls.items():
            pulling = [0.0]

            def analyse(
                stream: Iterable[Document], pulling: list[float] = pulling
            ) -> Iterator[Any]:
                dossiers = pipeline.pipe(stream)
                while True:
                    started = time.perf_counter()
                    dossier = next(dossiers, None)
                    pulling[0] += time.perf_counter() - started
                    if dossier is None:
                        return
                    yield dossier

            store = TimedStore.open_location(resolve_location(url))
            try:
                started = time.perf_counter()
                summary = ingest(store, documents, analyse, versions)
                seconds = time.perf_counter() - started
            finally:
                store.close()
            analysis = pulling[0] - store.known_seconds
            added = seconds - analysis
            figures[database] = {
                "seconds": round(seconds, 3),
                "analysis_seconds": round(analysis, 3),
                "store_seconds": round(store.known_seconds + store.write_seconds, 3),
                "added_seconds": round(added, 3),
                "overhead_ratio": round(added / analysis, 4),
                "within_goal": added / analysis <= GOAL_OVERHEAD_RATIO,
                "wall_ratio_to_analyse_alone": round(seconds / analyse_alone, 4),
                "added": summary.added,
                "already_present": summary.already_present,
            }
    return {
        "documents": len(documents),
        "analyse_alone_seconds": round(analyse_alone, 3),
        "goal_overhead_ratio": GOAL_OVERHEAD_RATIO,
        "corpus_add": figures,
    }


def write_records(documents: list[Document], count: int, folder: Path) -> Path:
    """``count`` distinct records in JSONL files of RECORDS_PER_FILE: story + a numbered line."""
    folder.mkdir(parents=True, exist_ok=True)
    number = 0
    for file_number in range(0, count, RECORDS_PER_FILE):
        lines = []
        for _ in range(min(RECORDS_PER_FILE, count - file_number)):
            story = documents[number % len(documents)]
            text = f"{story.text}\n\nBenchmark record {number + 1} of {count}."
            lines.append(json.dumps({"text": text}, ensure_ascii=False) + "\n")
            number += 1
        (folder / f"records-{file_number // RECORDS_PER_FILE:05d}.jsonl").write_text(
            "".join(lines), encoding="utf-8"
        )
    return folder


def _environment() -> dict[str, str]:
    paths = [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)}


def _store_only(*arguments: str) -> list[str]:
    disabled = [option for stage in STAGE_NAMES for option in ("--disable", stage)]
    return [sys.executable, "-m", "claimscope", "corpus", "add", *arguments, *disabled]


def run_add(inputs: Path, url: str, *options: str) -> dict[str, Any]:
    """One ``corpus add`` process with every stage disabled: seconds, rate, peak RSS."""
    seconds, peak_kb, output = run_measured(
        _store_only(str(inputs), "--db", url, "--format", "json", *options)
    )
    counts = json.loads(output)
    return {
        "documents": counts["added"],
        "seconds": round(seconds, 2),
        "documents_per_second": round(counts["added"] / seconds, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


def run_measured(command: Sequence[str]) -> tuple[float, int, bytes]:
    """Run a command to its end: wall seconds, peak RSS (kB) and standard output."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=_environment())
        peak_kb = 0
        while process.poll() is None:
            # VmHWM is the peak resident set of the process's own memory. (rusage's
            # ru_maxrss is not: a child exec'd from a vfork of this large process starts
            # with this process's peak.)
            peak_kb = max(peak_kb, _peak_rss_kb(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        if process.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command[2:5])} failed ({process.returncode}): {stderr.read()!r}"
            )
        return seconds, peak_kb, stdout.read()


def _peak_rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


def scale(documents: list[Document], records: int, folder: Path) -> dict[str, Any]:
    """The store alone at 10,000 and at ``records`` documents, per database; search at the end."""
    sizes = sorted({min(10_000, records), records})
    inputs = {size: write_records(documents, size, folder / f"records-{size}") for size in sizes}
    figures: dict[str, Any] = {"records": records, "sizes": sizes, "databases": {}}
    vocabulary = _vocabulary(documents)
    for size in sizes:
        with store_urls(folder, f"scale-{size}") as urls:
            for database, url in urls.items():
                runs = figures["databases"].setdefault(database, {})
                runs[str(size)] = run_add(inputs[size], url)
                if size == sizes[-1]:
                    runs["search"] = search_latency(url, vocabulary)
    for runs in figures["databases"].values():
        peaks = [runs[str(size)]["peak_rss_mb"] for size in sizes]
        if None not in peaks:
            runs["rss_flat"] = peaks[-1] <= peaks[0] + FLAT_RSS_MARGIN_MB
    return figures


def _vocabulary(documents: list[Document]) -> list[str]:
    counts: dict[str, int] = {}
    for document in documents:
        for word in re.findall(r"[a-z]{5,}", document.text.lower()):
            counts[word] = counts.get(word, 0) + 1
    return sorted(word for word, count in counts.items() if 3 <= count <= 500)


def search_latency(url: str, vocabulary: list[str], queries: int = 100) -> dict[str, Any]:
    """Median and 95th percentile seconds of ``queries`` two-word searches."""
    chooser = random.Random(13)
    asked = [" ".join(chooser.sample(vocabulary, 2)) for _ in range(queries)]
    with Store.open(url) as store:
        store.search(asked[0])  # the first query warms the caches
        latencies, hits = [], 0
        for query in asked:
            started = time.perf_counter()
            hits += len(store.search(query, limit=20))
            latencies.append(time.perf_counter() - started)
        documents = store.count()
    latencies.sort()
    return {
        "documents": documents,
        "queries": queries,
        "hits": hits,
        "median_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(latencies[int(0.95 * (queries - 1))] * 1000, 2),
    }


def crash(
    documents: list[Document], kills: int, folder: Path, records: int = 2_000
) -> dict[str, Any]:
    """SIGKILL runs at random points, then a rerun: documents lost and duplicated."""
    inputs = write_records(documents, records, folder / "crash-records")
    expected = set()
    for path in sorted(inputs.iterdir()):
        for line in path.read_text(encoding="utf-8").splitlines():
            expected.add(document_id(normalize_text(json.loads(line)["text"])))
    seed = random.randrange(1 << 30)
    chooser = random.Random(seed)
    figures: dict[str, Any] = {"records": records, "seed": seed, "databases": {}}
    from sqlalchemy import func, select

    from claimscope.adapters.store.tables import DocumentRow, SightingRow

    for run in range(kills):
        with store_urls(folder, f"crash-{run}") as urls:
            for database, url in urls.items():
                tally = figures["databases"].setdefault(
                    database, {"runs": 0, "killed_mid_way": 0, "lost": 0, "duplicated": 0}
                )
                target = chooser.randint(1, records - 50)
                process = subprocess.Popen(
                    _store_only(str(inputs), "--db", url, "--batch-size", "50"),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=_environment(),
                )
                while process.poll() is None and _count(url) < target:
                    time.sleep(0.01)
                time.sleep(chooser.uniform(0, 0.05))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    tally["killed_mid_way"] += 1
                process.wait()
                rerun = subprocess.run(
                    _store_only(str(inputs), "--db", url), capture_output=True, env=_environment()
                )
                if rerun.returncode != 0:
                    raise RuntimeError(rerun.stderr.decode())
                with Store.open(url) as store, store.engine.connect() as connection:
                    ids = set(connection.execute(select(DocumentRow.id)).scalars())
                    sightings = connection.execute(
                        select(func.count()).select_from(SightingRow)
                    ).scalar_one()
                tally["runs"] += 1
                tally["lost"] += len(expected - ids)
                tally["duplicated"] += sightings - records + len(ids - expected)
    return figures


def _count(url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM documents")).scalar_one())
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def main() -> None:
    """Run the store benchmark and write bench/results/ingest.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000, help="records of the scale run")
    parser.add_argument("--kills", type=int, default=10, help="SIGKILL runs per database")
    parser.add_argument("--limit", type=int, default=None, help="at most K stories per corpus")
    parser.add_argument(
        "--skip", action="append", default=[], choices=["overhead", "scale", "crash"]
    )
    arguments = parser.parse_args()
    documents = stories(arguments.limit)
    figures: dict[str, Any] = {
        "command": " ".join([COMMAND, *sys.argv[1:]]),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "postgresql": bool(os.environ.get("CLAIMSCOPE_TEST_POSTGRES_URL")),
    }
    with tempfile.TemporaryDirectory(prefix="claimscope-bench-") as directory:
        folder = Path(directory)
        if "overhead" not in arguments.skip:
            figures["overhead"] = overhead(documents, folder)
            print(json.dumps(figures["overhead"], indent=2), flush=True)
        if "scale" not in arguments.skip:
            figures["scale"] = scale(documents, arguments.records, folder)
            print(json.dumps(figures["scale"], indent=2), flush=True)
        if "crash" not in arguments.skip:
            figures["crash"] = crash(documents, arguments.kills, folder)
            print(json.dumps(figures["crash"], indent=2), flush=True)
    # A run of some parts keeps the figures of the others from the last run.
    previous = RESULTS / "ingest.json"
    if arguments.skip and previous.exists():
        kept = json.loads(previous.read_text(encoding="utf-8"))
        for part in arguments.skip:
            if part in kept:
                figures[part] = kept[part]
                figures.setdefault("earlier_commands", {})[part] = kept.get("command")
    path = write_results("ingest", figures)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
