"""The Spark jobs against the local paths, on the Reuters and Wikinews stories.

Data: the stories of ``bench.throughput`` (Reuters-21578 with a body, Wikinews 2019),
written once as a JSONL file of records, which both paths read.

- ``local``: ``claimscope analyze --workers N`` as the command runs it: the JSONL file read
  and ingested, analysed by :func:`claimscope.parallel.pipe_in_parallel` (1 and 2 worker
  processes, their start-up included), each dossier serialised to JSON;
- ``spark``: :func:`claimscope.adapters.spark.jobs.analyze` in local mode with 1 and 2
  cores (``local[1]``, ``local[2]``): reading, ingestion, analysis and both Parquet outputs,
  the pipeline built once in each Python worker (included). Starting the JVM
  (``spark_jvm_start_seconds``) and each session on it (``session_seconds``) are timed
  apart: a cluster pays them once per job, not per document;
- ``duplicates``: the Spark job over the ``local[2]`` output against
  :func:`claimscope.corpus.duplicates.find_shared_texts` on the same texts and statements,
  with whether both found the same pairs and clusters.

The figures depend on the machine and its load (2 cores shared with other work here);
compare the runs of one invocation with each other, not across machines.

Run: ``.venv/bin/python -m bench.spark [--limit K]`` (needs the ``spark`` extra and Java 17).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import write_results
from bench.throughput import REUTERS, WIKINEWS, reuters_documents, wikinews_documents
from claimscope.adapters.inputs import read_documents
from claimscope.adapters.spark.executor import AnalysisSettings
from claimscope.corpus.duplicates import find_shared_texts
from claimscope.document import Document
from claimscope.parallel import pipe_in_parallel

COMMAND = ".venv/bin/python -m bench.spark"


def write_records(folder: Path, limit: int | None) -> tuple[Path, int, int]:
    """The stories as one JSONL file of records; its path, documents and characters."""
    reuters, _ = reuters_documents(REUTERS, limit)
    documents = reuters + wikinews_documents(WIKINEWS, limit)
    path = folder / "stories.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for document in documents:
            handle.write(json.dumps({"text": document.text}, ensure_ascii=False) + "\n")
    return path, len(documents), sum(len(document.text) for document in documents)


def _rate(seconds: float, documents: int) -> dict[str, float]:
    return {"seconds": round(seconds, 2), "documents_per_second": round(documents / seconds, 2)}


def time_local(path: Path, workers: int) -> tuple[float, int]:
    """Seconds and dossiers of the local path: read, ingest, analyse, serialise."""
    started = time.perf_counter()
    documents = (item for item in read_documents([str(path)]) if isinstance(item, Document))
    count = 0
    for dossier in pipe_in_parallel(documents, workers):
        dossier.to_json(indent=None)
        count += 1
    return time.perf_counter() - started, count


def start_jvm() -> float:
    """Seconds to start Spark's JVM with a first session (stopped; the JVM stays up)."""
    from claimscope.adapters.spark.session import spark_session

    started = time.perf_counter()
    spark = spark_session("local[1]", "claimscope bench start")
    spark.range(1).count()
    seconds = time.perf_counter() - started
    spark.stop()
    return seconds


def time_spark(path: Path, cores: int, out: Path) -> dict[str, Any]:
    """Session start and analysis job of Spark in local mode with ``cores`` cores."""
    from claimscope.adapters.spark.jobs import analyze
    from claimscope.adapters.spark.session import spark_session

    started = time.perf_counter()
    spark = spark_session(f"local[{cores}]", "claimscope bench")
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1).count()
    session_seconds = time.perf_counter() - started
    try:
        started = time.perf_counter()
        summary = analyze(spark, [str(path)], str(out), AnalysisSettings(), overwrite=True)
        seconds = time.perf_counter() - started
    finally:
        spark.stop()
    return {
        "session_seconds": round(session_seconds, 2),
        "partitions": summary.partitions,
        "documents": summary.documents,
        "rejected": summary.rejected,
        **_rate(seconds, summary.documents),
    }


def compare_duplicates(analysed: Path, out: Path) -> dict[str, Any]:
    """The Spark duplicates job against the local functions on the same documents."""
    import pyarrow.parquet as pq

    from claimscope.adapters.spark.jobs import duplicates
    from claimscope.adapters.spark.session import spark_session

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


def run(limit: int | None = None) -> dict[str, Any]:
    """Time the local and Spark paths and compare the duplicates."""
    folder = Path(tempfile.mkdtemp(prefix="claimscope-bench-spark-"))
    try:
        path, documents, characters = write_records(folder, limit)
        local = {}
        for workers in (1, 2):
            seconds, count = time_local(path, workers)
            assert count == documents, (count, documents)
            local[f"workers_{workers}"] = _rate(seconds, count)
        jvm_seconds = start_jvm()
        spark = {
            f"local_{cores}": time_spark(path, cores, folder / f"out-{cores}") for cores in (1, 2)
        }
        duplicates = compare_duplicates(folder / "out-2", folder / "duplicates")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "command": COMMAND + (f" --limit {limit}" if limit else ""),
        "documents": documents,
        "characters": characters,
        "limit_per_corpus": limit,
        "cpu_count": os.cpu_count(),
        "load_average_at_end": [round(value, 1) for value in os.getloadavg()],
        "local": local,
        "spark_jvm_start_seconds": round(jvm_seconds, 2),
        "spark": spark,
        "duplicates": duplicates,
    }


def main() -> None:
    """Run the benchmark and write bench/results/spark.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=None, help="at most K stories per corpus")
    arguments = parser.parse_args()
    if arguments.limit is not None and arguments.limit < 1:
        parser.error("--limit must be at least 1")
    figures = run(arguments.limit)
    path = write_results("spark", figures)
    print(json.dumps(figures, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
