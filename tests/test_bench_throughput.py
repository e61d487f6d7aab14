"""The throughput benchmark runs and reports positive figures (no wall-clock assertion)."""

from __future__ import annotations

from bench.throughput import run
from tests.conftest import shared_path


def test_throughput_bench_reports_figures() -> None:
    reuters = shared_path("data", "reuters21578", "stories.jsonl")
    wikinews = shared_path("data", "wikinews", "wikinews_2019.csv")
    figures = run(workers=2, limit=3, reuters=reuters, wikinews=wikinews)
    assert figures["documents"] == 6
    assert figures["reuters_skipped_null_body"] >= 0
    for name in ("spacy", "pipeline_1_process", "pipeline_workers"):
        assert figures[name]["documents_per_second"] > 0, name
        assert figures[name]["characters_per_second"] > 0, name
    assert isinstance(figures["overhead_ratio"], float)
    assert figures["stage_overhead_ratio"] > 0
    assert set(figures["stage_seconds"]) == set(figures["stages"])
