"""The Spark jobs against the local paths, on the Reuters and Wikinews stories.

Data: the stories of ``bench.throughput`` (Reuters-21578 with a body, Wikinews 2019),
written once as a JSONL file of records, which both paths read.

Both paths are timed from a cold start of their work, in the same way (``timed``):

- ``local``: ``claimscope analyze --workers N`` as the command runs it, in a fresh Python
  interpreter of its own: importing the pipeline's modules, the JSONL file read and
  ingested, analysed by :func:`claimscope.parallel.pipe_in_parallel` (1 and 2 worker
  processes, started, each loading its pipeline's models), each dossier serialised to JSON.
  Only starting the interpreter is left out. (Run in the benchmark's own process, after
  another run, the workers would fork from a parent whose models were already loaded and
  skip loading them, which the command never does.);
- ``spark``: :func:`claimscope.adapters.spark.jobs.analyze` in local mode with 1 and 2
  cores (``local[1]``, ``local[2]``), each on a new session whose Python daemon and workers
  start with the job: reading, ingestion, the pipeline built (once per executor, in the
  Python daemon, before it forks the workers: :mod:`claimscope.adapters.spark.daemon`),
  analysis and both Parquet outputs. Starting the JVM (``spark_jvm_start_seconds``) and
  each session on it (``session_seconds``) are timed apart, as the interpreter's start is
  for the command line: a cluster pays them once per job, not per document;
- ``dossiers_against_local``: every dossier of each Spark run against the local path's for
  the same record (the source ``stories.jsonl#N``): the same id and the same JSON, every
  field (the issue's equality check; ``claimscope analyze`` prints these dossiers);
- ``worker_memory``: the resident memory of one executor Python worker, measured in a
  process of its own that does what a worker does (imports, the whole pipeline built,
  the stories analysed in the job's Arrow batches): after imports, with the pipeline, after
  the analysis and at its peak. ``--memory-only`` measures only this (no Spark needed) and
  keeps the other figures;
- ``duplicates``: the Spark job over the ``local[2]`` output against
  :func:`claimscope.corpus.duplicates.find_shared_texts` on the same texts and statements,
  with whether both found the same pairs and clusters.

The figures depend on the machine and its load (2 cores shared with other work here; each
timed run records the one-minute load average before and after it); compare the runs of
one invocation with each other, not across machines.

Run: ``.venv/bin/python -m bench.spark [--limit K]`` (needs the ``spark`` extra and Java 17).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, write_results

# Nothing of the pipeline is imported at the top: the command line's timed run
# (--local-run) starts in a fresh interpreter from this module and imports it in its time.

COMMAND = ".venv/bin/python -m bench.spark"

TIMED = {
    "local": "a fresh interpreter per run (its start left out): the pipeline's imports, "
    "reading and ingestion, worker processes started and loading their models, analysis, "
    "each dossier serialised to JSON",
    "spark": "a new session per run on a started JVM (JVM and session start timed apart): "
    "the Python daemon and workers started, the pipeline built once in the daemon, "
    "reading, ingestion, analysis, both Parquet outputs written",
}
"""What each path's seconds include: both from a cold start of their work."""


def write_records(folder: Path, limit: int | None) -> tuple[Path, int, int]:
    """The stories as one JSONL file of records; its path, documents and characters."""
    from bench.throughput import REUTERS, WIKINEWS, reuters_documents, wikinews_documents

    reuters, _ = reuters_documents(REUTERS, limit)
    documents = reuters + wikinews_documents(WIKINEWS, limit)
    path = folder / "stories.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for document in documents:
            handle.write(json.dumps({"text": document.text}, ensure_ascii=False) + "\n")
    return path, len(documents), sum(len(document.text) for document in documents)


def _load() -> float:
    """The one-minute load average: what else ran on the machine during a timed run."""
    return round(os.getloadavg()[0], 1)


def _rate(seconds: float, documents: int) -> dict[str, float]:
    return {"seconds": round(seconds, 2), "documents_per_second": round(documents / seconds, 2)}


Dossiers = dict[str, tuple[str, str]]
"""Each document's id and dossier JSON, by source."""


def time_local(path: Path, workers: int) -> tuple[float, Dossiers]:
    """Seconds and dossiers of the local path (:func:`run_local`), in a fresh interpreter."""
    with tempfile.TemporaryDirectory(prefix="claimscope-bench-local-") as folder:
        dossiers_file = Path(folder) / "dossiers.jsonl"
        result = subprocess.run(
            [
                *(sys.executable, "-m", "bench.spark", "--local-run", str(path)),
                *("--workers", str(workers), "--dossiers-to", str(dossiers_file)),
            ],
            capture_output=True,
            text=True,
            check=True,
            env=_bench_environment(),
        )
        dossiers: Dossiers = {}
        with dossiers_file.open(encoding="utf-8") as handle:
            for line in handle:
                source, document_id, dossier = json.loads(line)
                dossiers[source] = (document_id, dossier)
    seconds: float = json.loads(result.stdout)["seconds"]
    return seconds, dossiers


def run_local(path: Path, workers: int, dossiers_to: Path) -> float:
    """In this interpreter, fresh: seconds of what ``claimscope analyze --workers N`` does from
    its start (imports, reading, ingestion, the workers' start and models, analysis, JSON);
    the dossiers written to ``dossiers_to`` afterwards, as JSON lines (source, id, dossier)."""
    started = time.perf_counter()
    from claimscope.adapters.inputs import read_documents
    from claimscope.document import Document
    from claimscope.parallel import pipe_in_parallel

    documents = (item for item in read_documents([str(path)]) if isinstance(item, Document))
    dossiers = [
        (dossier.document.source, dossier.document.id, dossier.to_json(indent=None))
        for dossier in pipe_in_parallel(documents, workers)
    ]
    seconds = time.perf_counter() - started
    with dossiers_to.open("w", encoding="utf-8") as handle:
        for row in dossiers:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return seconds


def _bench_environment() -> dict[str, str]:
    """This environment, with the repository's sources and benchmarks importable."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")])
        ),
    }


def compare_dossiers(found: Dossiers, expected: Dossiers) -> dict[str, Any]:
    """Whether every document has the same id and dossier (every field) in both runs; the
    differing sources and top-level fields, if any."""
    differing = sorted(
        source
        for source in found.keys() | expected.keys()
        if found.get(source) != expected.get(source)
    )
    fields: set[str] = set()
    for source in differing:
        if source in found and source in expected:
            mine, theirs = json.loads(found[source][1]), json.loads(expected[source][1])
            fields |= {
                name for name in mine.keys() | theirs.keys() if mine.get(name) != theirs.get(name)
            }
    return {
        "compared": len(expected),
        "equal": len(expected) - len(differing),
        "all_equal": not differing,
        "differing_sources": differing[:10],
        "differing_fields": sorted(fields),
    }


def spark_dossiers(out: Path) -> Dossiers:
    """The id and dossier of each row of a ``spark analyze`` output, by source."""
    import pyarrow.parquet as pq

    rows = pq.read_table(out / "documents", columns=["id", "source", "dossier"]).to_pylist()
    return {row["source"]: (row["id"], row["dossier"]) for row in rows}


def start_jvm() -> float:
    """Seconds to start Spark's JVM with a first session (stopped; the JVM stays up)."""
    from claimscope.adapters.spark.session import spark_session

    started = time.perf_counter()
    spark = spark_session("local[1]", "claimscope bench start")
    spark.range(1).count()
    seconds = time.perf_counter() - started
    spark.stop()
    return seconds


def time_spark(path: Path, cores: int, out: Path, expected: Dossiers) -> dict[str, Any]:
    """Session start and analysis job of Spark in local mode with ``cores`` cores, and its
    dossiers against the local path's (``expected``)."""
    from claimscope.adapters.spark.executor import AnalysisSettings
    from claimscope.adapters.spark.jobs import analyze
    from claimscope.adapters.spark.session import spark_session

    started = time.perf_counter()
    spark = spark_session(f"local[{cores}]", "claimscope bench", AnalysisSettings())
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1).count()
    session_seconds = time.perf_counter() - started
    try:
        load_before = _load()
        started = time.perf_counter()
        summary = analyze(spark, [str(path)], str(out), AnalysisSettings(), overwrite=True)
        seconds = time.perf_counter() - started
    finally:
        spark.stop()
    return {
        "load_average_before_after": [load_before, _load()],
        "session_seconds": round(session_seconds, 2),
        "partitions": summary.partitions,
        "documents": summary.documents,
        "rejected": summary.rejected,
        **_rate(seconds, summary.documents),
        "dossiers_against_local": compare_dossiers(spark_dossiers(out), expected),
    }


def compare_duplicates(analysed: Path, out: Path) -> dict[str, Any]:
    """The Spark duplicates job against the local functions on the same documents."""
    import pyarrow.parquet as pq

    from claimscope.adapters.spark.jobs import duplicates
    from claimscope.adapters.spark.session import spark_session
    from claimscope.corpus.duplicates import find_shared_texts

    spark = spark_session("local[2]", "claimscope bench duplicates")
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1).count()
    try:
        started = time.perf_counter()
        summary = duplicates(spark, str(analysed), str(out), overwrite=True)
        spark_seconds = time.perf_counter() - started
    finally:
        spark.stop()
    rows = pq.read_table(analysed / "documents", columns=["id", "dossier"]).to_pylist()
    dossiers = {row["id"]: json.loads(row["dossier"]) for row in rows}
    ids = sorted(dossiers)
    started = time.perf_counter()
    shared, clusters = find_shared_texts(
        [dossiers[i]["document"]["text"] for i in ids],
        [[(s["start"], s["end"]) for s in dossiers[i]["statements"]] for i in ids],
    )
    local_seconds = time.perf_counter() - started
    local_pairs = {
        (ids[link.first], ids[link.second], link.similarity, link.first_part.kind)
        for link in shared
    }
    spark_pairs = {
        (row["first_id"], row["second_id"], row["similarity"], row["first_kind"])
        for row in pq.read_table(out / "pairs").to_pylist()
    }
    found: dict[int, list[str]] = {}
    for row in pq.read_table(out / "clusters").to_pylist():
        found.setdefault(row["cluster"], []).append(row["id"])
    return {
        "documents": summary.documents,
        "parts": summary.parts,
        "pairs": summary.pairs,
        "clusters": summary.clusters,
        "clustered_documents": summary.clustered_documents,
        "spark_seconds": round(spark_seconds, 2),
        "local_seconds": round(local_seconds, 2),
        "same_pairs": spark_pairs == local_pairs,
        "same_clusters": [found[k] for k in sorted(found)]
        == [[ids[i] for i in cluster] for cluster in clusters],
    }


def _memory_kb() -> tuple[int, int]:
    """This process's resident set now and at its peak (VmRSS, VmHWM), in kB."""
    status = Path("/proc/self/status").read_text(encoding="utf-8")
    found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
    return int(found["VmRSS"]), int(found["VmHWM"])


def measure_worker_memory(path: Path) -> dict[str, Any]:
    """What one executor Python worker holds: run in a process of its own (see
    :func:`worker_memory`), it imports what a worker imports, builds the pipeline as the
    executors do and analyses the records in the job's Arrow batches."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from claimscope.adapters.spark import executor
    from claimscope.adapters.spark.executor import AnalysisSettings

    # pyspark.sql too, as a worker running mapInArrow imports it (its Arrow serializers).
    from claimscope.adapters.spark.jobs import ARROW_BATCH_ROWS

    started_kb, _ = _memory_kb()
    settings = AnalysisSettings()
    executor.pipeline_for(settings)
    built_kb, _ = _memory_kb()
    listing = pa.RecordBatch.from_pylist([{"path": str(path), "kind": "jsonl"}])
    raw = pa.Table.from_batches(list(executor.read_files([listing], settings.max_chars)))
    analysed = [
        out
        for batch in raw.to_batches(max_chunksize=ARROW_BATCH_ROWS)
        for out in executor.analyse_batches([batch], settings)
    ]
    after_kb, peak_kb = _memory_kb()
    # What the output holds per document: the dossier's JSON, and a Parquet row of
    # DIR/documents (Spark writes snappy-compressed Parquet, as pyarrow does by default).
    table = pa.Table.from_batches(analysed).select([name for name, _ in executor.DOCUMENT_FIELDS])
    documents = table.num_rows
    with tempfile.TemporaryDirectory() as folder:
        pq.write_table(table, Path(folder) / "documents.parquet")
        parquet_bytes = (Path(folder) / "documents.parquet").stat().st_size
    dossier_bytes = sum(len(text.encode()) for text in table.column("dossier").to_pylist())
    return {
        "documents": documents,
        "dossier_json_bytes_per_document": round(dossier_bytes / documents),
        "parquet_bytes_per_document": round(parquet_bytes / documents),
        "arrow_batch_rows": ARROW_BATCH_ROWS,
        "rss_after_imports_mb": round(started_kb / 1024),
        "rss_with_pipeline_mb": round(built_kb / 1024),
        "rss_after_analysis_mb": round(after_kb / 1024),
        "peak_rss_mb": round(peak_kb / 1024),
    }


def worker_memory(path: Path) -> dict[str, Any]:
    """:func:`measure_worker_memory` in a fresh interpreter (this one holds other runs)."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.spark", "--worker-memory-of", str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=_bench_environment(),
    )
    figures: dict[str, Any] = json.loads(result.stdout)
    return figures


def run(limit: int | None = None) -> dict[str, Any]:
    """Time the local and Spark paths and compare the duplicates."""
    folder = Path(tempfile.mkdtemp(prefix="claimscope-bench-spark-"))
    try:
        path, documents, characters = write_records(folder, limit)
        local: dict[str, dict[str, Any]] = {}
        expected: Dossiers = {}
        for workers in (1, 2):
            load_before = _load()
            seconds, dossiers = time_local(path, workers)
            assert len(dossiers) == documents, (len(dossiers), documents)
            local[f"workers_{workers}"] = {
                "load_average_before_after": [load_before, _load()],
                **_rate(seconds, len(dossiers)),
            }
            if workers == 1:
                expected = dossiers
            else:
                local["workers_2"]["dossiers_against_workers_1"] = compare_dossiers(
                    dossiers, expected
                )
        jvm_seconds = start_jvm()
        spark = {
            f"local_{cores}": time_spark(path, cores, folder / f"out-{cores}", expected)
            for cores in (1, 2)
        }
        duplicates = compare_duplicates(folder / "out-2", folder / "duplicates")
        memory = worker_memory(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "command": COMMAND + (f" --limit {limit}" if limit else ""),
        "documents": documents,
        "characters": characters,
        "limit_per_corpus": limit,
        "cpu_count": os.cpu_count(),
        "load_average_at_end": [round(value, 1) for value in os.getloadavg()],
        "timed": TIMED,
        "local": local,
        "spark_jvm_start_seconds": round(jvm_seconds, 2),
        "spark": spark,
        "duplicates": duplicates,
        "worker_memory": {**memory, "command": COMMAND + _limit_argument(limit)},
    }


def _limit_argument(limit: int | None) -> str:
    return f" --limit {limit}" if limit else ""


def memory_run(limit: int | None) -> dict[str, Any]:
    """Only one worker's memory, on the stories (``--memory-only``)."""
    folder = Path(tempfile.mkdtemp(prefix="claimscope-bench-spark-"))
    try:
        path, _, _ = write_records(folder, limit)
        memory = worker_memory(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    command = COMMAND + " --memory-only" + _limit_argument(limit)
    return {
        # The file's measured_at is then this run's; the other figures keep theirs.
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **memory,
        "load_average_at_end": [round(v, 1) for v in os.getloadavg()],
        "command": command,
    }


def main() -> None:
    """Run the benchmark and write bench/results/spark.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=None, help="at most K stories per corpus")
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="measure only one executor worker's memory (no Spark needed); keep the other "
        "figures of bench/results/spark.json",
    )
    # Internal: the processes worker_memory and time_local start.
    parser.add_argument("--worker-memory-of", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--local-run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--dossiers-to", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.limit is not None and arguments.limit < 1:
        parser.error("--limit must be at least 1")
    if arguments.local_run is not None:
        seconds = run_local(arguments.local_run, arguments.workers, arguments.dossiers_to)
        print(json.dumps({"seconds": seconds}))
        return
    if arguments.worker_memory_of is not None:
        print(json.dumps(measure_worker_memory(arguments.worker_memory_of)))
        return
    if arguments.memory_only:
        figures = json.loads((RESULTS / "spark.json").read_text(encoding="utf-8"))
        for name in ("benchmark", "python", "machine"):
            figures.pop(name, None)
        last_full_run = figures.pop("measured_at")
        figures["others_measured_at"] = figures.pop("others_measured_at", last_full_run)
        figures["worker_memory"] = memory_run(arguments.limit)
    else:
        figures = run(arguments.limit)
    path = write_results("spark", figures)
    print(json.dumps(figures, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
