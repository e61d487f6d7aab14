"""The recorded Spark benchmark: both paths analysed every story into the same dossiers, and
the duplicates job found the local pairs and clusters (no wall-clock assertion; running it
needs Spark)."""

from __future__ import annotations

import json

from bench.common import RESULTS


def test_recorded_spark_figures_agree_with_the_local_paths() -> None:
    figures = json.loads((RESULTS / "spark.json").read_text(encoding="utf-8"))
    documents = figures["documents"]
    assert documents > 0
    for name, run in figures["spark"].items():
        assert (run["documents"], run["rejected"]) == (documents, 0), name
        assert run["documents_per_second"] > 0, name
        # Every dossier of the job equals the command line's for the same record.
        equality = run["dossiers_against_local"]
        assert equality["compared"] == documents, name
        assert (equality["all_equal"], equality["equal"]) == (True, documents), name
    assert figures["local"]["workers_2"]["dossiers_against_workers_1"]["all_equal"] is True
    for name, run in figures["local"].items():
        assert run["documents_per_second"] > 0, name
    duplicates = figures["duplicates"]
    assert duplicates["documents"] <= documents
    assert duplicates["same_pairs"] is True
    assert duplicates["same_clusters"] is True


def test_recorded_worker_memory_is_that_of_a_whole_pipeline() -> None:
    memory = json.loads((RESULTS / "spark.json").read_text(encoding="utf-8"))["worker_memory"]
    assert memory["documents"] > 0
    # Imports, then the pipeline's models on top, then what analysis adds: in that order.
    assert 0 < memory["rss_after_imports_mb"] < memory["rss_with_pipeline_mb"]
    assert memory["rss_with_pipeline_mb"] <= memory["peak_rss_mb"]
    assert memory["parquet_bytes_per_document"] < memory["dossier_json_bytes_per_document"]
