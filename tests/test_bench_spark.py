"""The recorded Spark benchmark: both paths analysed every story, and the duplicates job
found the local pairs and clusters (no wall-clock assertion; running it needs Spark)."""

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
    for name, run in figures["local"].items():
        assert run["documents_per_second"] > 0, name
    duplicates = figures["duplicates"]
    assert duplicates["documents"] <= documents
    assert duplicates["same_pairs"] is True
    assert duplicates["same_clusters"] is True
