"""The techniques benchmark on PTC dev with the shipped models: it runs and clears its floors."""

from __future__ import annotations

from bench.techniques import FLOORS, floor_failures, run
from tests.conftest import shared_path


def test_floor_failures_names_each_figure_below_its_floor() -> None:
    figures = {"tc_micro_f1": 0.54, "si": {"f1": 0.36}}
    assert floor_failures(figures) == ["tc_micro_f1 0.540 < 0.55"]
    assert floor_failures({"tc_micro_f1": 0.55, "si": {"f1": 0.35}}) == []
    assert FLOORS == {"tc_micro_f1": 0.55, "si_f1": 0.35}


def test_bench_on_dev_clears_the_floors() -> None:
    data_dir = shared_path("data", "ptc", "dev").parent.parent
    figures = run(data_dir)
    assert figures["articles"] == 45
    assert figures["gold_tc_spans"] == 686
    assert figures["gold_si_spans"] == 594
    assert floor_failures(figures) == []
    for key in ("si", "end_to_end"):
        for value in figures[key].values():
            assert 0.0 <= value <= 1.0
