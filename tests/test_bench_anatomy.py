"""The anatomy benchmark on Reuters-21578 stays above its floor."""

from __future__ import annotations

from bench.anatomy import FLOOR, WRONG_CEILING, run
from tests.conftest import shared_path


def test_anatomy_bench_meets_floor() -> None:
    path = shared_path("data", "reuters21578", "stories.jsonl")
    figures = run(path)
    assert figures["title_count"] > 0 and figures["dateline_count"] > 0
    for name in ("title_exact", "dateline_place", "dateline_date"):
        assert figures[name] >= FLOOR, (name, figures[name], figures["misses"][name])
    # Dateline cities: right where the evidence allows, and never silently wrong.
    assert figures["dateline_country"] >= FLOOR, figures["misses"]["dateline_country"]
    assert figures["dateline_city"] >= FLOOR, figures["misses"]["dateline_city"]
    assert figures["dateline_city_wrong"] <= WRONG_CEILING, figures["misses"]["dateline_city_wrong"]
