"""The scaling benchmark runs, and its recorded figures clear the floors of linear cost."""

from __future__ import annotations

import json

from bench.common import RESULTS
from bench.scaling import (
    MEMORY_FLOOR_MB,
    PATTERNS,
    RATIO_FLOOR,
    SECONDS_FLOOR,
    pattern_text,
    summarise,
)


def test_pattern_texts_have_the_size_asked_for() -> None:
    for name in PATTERNS:
        text = pattern_text(name, 5_000)
        assert len(text) == 5_000
    assert pattern_text("only_quotes", 100).endswith('"' * 50)


def test_summary_ratios_and_floors() -> None:
    def run(name: str, characters: int, cpu: float, peak: float) -> dict[str, object]:
        return {
            "pattern": name,
            "characters": characters,
            "seconds": cpu,
            "cpu_seconds": cpu,
            "peak_rss_mb": peak,
        }

    runs = [
        run("linear", 100_000, 2.0, 500),
        run("linear", 1_000_000, 20.0, 900),
        run("quadratic", 100_000, 2.0, 500),
        run("quadratic", 1_000_000, 200.0, 900),
        run("heavy", 100_000, 2.0, 500),
        run("heavy", 1_000_000, 20.0, 4000),
    ]
    patterns = summarise(runs, (100_000, 1_000_000))
    assert patterns["linear"]["ratios"] == {"100000->1000000": 10.0}
    assert patterns["linear"]["meets_floors"]
    assert not patterns["quadratic"]["meets_floors"]
    assert not patterns["heavy"]["meets_floors"]


def test_recorded_figures_clear_the_floors() -> None:
    recorded = json.loads((RESULTS / "scaling.json").read_text(encoding="utf-8"))
    assert max(recorded["sizes"]) == 1_000_000
    assert set(recorded["patterns"]) == set(PATTERNS)
    for name, figures in recorded["patterns"].items():
        last_ratio = list(figures["ratios"].values())[-1]
        assert last_ratio <= RATIO_FLOOR, name
        assert figures["largest_cpu_seconds"] < SECONDS_FLOOR, name
        assert figures["largest_peak_rss_mb"] < MEMORY_FLOOR_MB, name
        assert figures["meets_floors"], name
