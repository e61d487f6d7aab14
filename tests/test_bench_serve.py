"""The web app's load benchmark: its pieces work, and its recorded run is the issue's, clean.

No wall-clock assertion here: latencies are the benchmark's to record
(``bench/results/serve.json``); this checks the run's size and that nothing failed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.common import RESULTS
from bench.serve import load, texts

RECORDED = RESULTS / "serve.json"


def test_the_texts_are_distinct() -> None:
    corpus, _ = texts(7)
    assert len(set(corpus)) == 7
    assert corpus[0].endswith("\n\nLoad test text 1.") and corpus[6].endswith("text 7.")


def test_load_counts_every_status_but_200_as_an_error() -> None:
    statuses = iter([200, 404, 200, 500, 200])

    def request(client: Any) -> int:
        return next(statuses)

    figures = load([request] * 5, concurrency=1)
    assert figures["requests"] == 5 and figures["errors"] == 2
    assert figures["first_errors"] == ["HTTP 404", "HTTP 500"]
    assert figures["median_ms"] <= figures["p99_ms"] <= figures["max_ms"]


def test_the_recorded_run_is_the_issue_s_size_with_no_error() -> None:
    if not RECORDED.exists():
        pytest.skip(f"{RECORDED} not recorded yet: run python -m bench.serve")
    figures = json.loads(RECORDED.read_text(encoding="utf-8"))
    reads, analyses = figures["get_document"], figures["post_analyze"]
    assert (reads["requests"], reads["concurrency"]) == (2_000, 8)
    assert (analyses["requests"], analyses["concurrency"]) == (100, 8)
    assert reads["errors"] == analyses["errors"] == figures["errors"] == 0
