"""The techniques benchmark on PTC dev with the shipped models: it runs and clears its floors,
and the recorded figures do too."""

from __future__ import annotations

import json
from typing import Any

from bench.common import RESULTS
from bench.techniques import FLOORS, NAMES_FROM_ENTITIES, NAMES_FROM_SPACY, floor_failures, run
from tests.conftest import shared_path


def test_floor_failures_names_each_figure_below_its_floor() -> None:
    figures: dict[str, Any] = {"tc_micro_f1": 0.53, "si": {"f1": 0.36, "precision": 0.31}}
    assert floor_failures(figures) == ["tc_micro_f1 0.530 < 0.54"]
    figures = {"tc_micro_f1": 0.54, "si": {"f1": 0.34, "precision": 0.29}}
    assert floor_failures(figures) == ["si_f1 0.340 < 0.35", "si_precision 0.290 < 0.3"]
    assert floor_failures({"tc_micro_f1": 0.54, "si": {"f1": 0.35, "precision": 0.30}}) == []
    assert FLOORS == {"tc_micro_f1": 0.54, "si_f1": 0.35, "si_precision": 0.30}


def test_recorded_figures_clear_the_floors_and_hold_across_articles() -> None:
    figures = json.loads((RESULTS / "techniques.json").read_text(encoding="utf-8"))
    assert figures["names"] == NAMES_FROM_ENTITIES
    assert floor_failures(figures) == []
    assert figures["floors"]["met"] is True
    for key in ("si", "end_to_end"):
        for part, value in figures[key].items():
            low, high = figures[f"{key}_ci95"][part]
            assert low <= value <= high
    low, high = figures["tc_micro_f1_ci95"]
    assert low <= figures["tc_micro_f1"] <= high
    for part in ("precision", "recall"):
        quantiles = list(figures["si_per_article"][part].values())
        assert quantiles == sorted(quantiles)
    groups = figures["si_by_gold_density"]
    assert sum(group["articles"] for group in groups) == figures["articles"] == 45


def test_bench_on_dev_clears_the_floors() -> None:
    data_dir = shared_path("data", "ptc", "dev").parent.parent
    # spaCy's names: the same models without running the stages before the entities layer.
    figures = run(data_dir, names=NAMES_FROM_SPACY)
    assert figures["articles"] == 45
    assert figures["gold_tc_spans"] == 686
    assert figures["gold_si_spans"] == 594
    assert floor_failures(figures) == []
    for key in ("si", "end_to_end"):
        for value in figures[key].values():
            assert 0.0 <= value <= 1.0
