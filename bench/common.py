"""Shared helpers of the benchmarks: where the data is and where results go."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results"


def write_results(name: str, figures: dict[str, Any]) -> Path:
    """Write figures to bench/results/NAME.json with when and where they were measured."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        **figures,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def stage_revision(stage: str) -> str:
    """The last commit of a stage module, marked dirty when the working tree differs from it.

    Figures are only comparable across runs when we know which stage code produced them.
    """
    module = ROOT / "src" / "claimscope" / "stages" / f"{stage}.py"
    # A stage is one module or, when it grew, a package of them.
    path = str(
        module.relative_to(ROOT) if module.exists() else module.with_suffix("").relative_to(ROOT)
    )
    return module_revision(path)


def module_revision(path: str) -> str:
    """The last commit of a module or package (path from the repository root), "+dirty" if changed.

    The data files count as part of every module, since the code reads them.
    """

    def git(*arguments: str) -> str:
        completed = subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return completed.stdout.strip()

    commit = git("log", "-1", "--format=%h", "--", path) or "uncommitted"
    dirty = git("status", "--porcelain", "--", path, "src/claimscope/data")
    return f"{commit}+dirty" if dirty else commit


def harmonic_f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0
