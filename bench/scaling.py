"""Benchmark of time and memory against document length, on pathological and ordinary text.

Each pattern is repeated to 10,000, 100,000 and 1,000,000 characters (``--sizes``) and
analysed by the default pipeline in a fresh process pinned to one thread, so that its peak
resident memory is its own. Per run: wall time of the whole analysis, of the parse (what
is not inside a stage: spaCy over the pieces) and of each stage, the CPU time of the
analysis, and the process's peak RSS. On a machine shared with other work the wall time
grows with the load while the CPU time does not; the time floors are checked on CPU time
(one thread, so CPU time is what the analysis costs on one core).

Patterns: texts a hostile tester found to make stages super-linear (a sentence that never
ends, ``"word`` repeated, a citation or pinpoint phrase repeated, ``said that`` repeated, a
lead line followed only by ``"`` or only by ``«``), and as a realistic control the bundled
example repeated.

Floors, per pattern: the 100k -> 1M time ratio at most 15 (10 is linear), and at 1M
characters under 120 s and under 3 GB of peak memory.

Run: ``.venv/bin/python -m bench.scaling [--sizes 10000 100000 1000000] [--pattern NAME]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

from bench.common import ROOT, write_results

COMMAND = ".venv/bin/python -m bench.scaling"
EXAMPLE = ROOT / "examples" / "trend-2023-08-01-civil-society-statement.txt"
SIZES = (10_000, 100_000, 1_000_000)
RATIO_FLOOR = 15.0
SECONDS_FLOOR = 120.0
MEMORY_FLOOR_MB = 3072.0
LEAD = "Lead line of the document.\n"

PATTERNS: dict[str, str] = {
    "endless_sentence": "The minister said the plan would cost 3 million dollars and ",
    "quoted_word": '"word ',
    "order_of_date": "the Order of July 6, ",
    "article_of": "Article 7 of the ",
    "said_that": "said that ",
    "only_quotes": '"',
    "only_guillemets": "«",
    "example_repeated": "",
}
"""Name -> the unit repeated ('' for the bundled example); the two runs of marks follow a lead."""


def pattern_text(name: str, size: int) -> str:
    """The text of a pattern at a size (in characters, to the unit)."""
    unit = PATTERNS[name] or EXAMPLE.read_text(encoding="utf-8") + "\n\n"
    lead = LEAD if name.startswith("only_") else ""
    repeats = (size - len(lead)) // len(unit) + 1
    return (lead + unit * repeats)[:size]


class _TimedStage:
    """A stage wrapped to record its wall time."""

    def __init__(self, stage: Any, seconds: dict[str, float]) -> None:
        self.stage = stage
        self.name = stage.name
        self.needs_parse = stage.needs_parse
        self.seconds = seconds

    def __call__(self, analysis: Any) -> None:
        started = time.perf_counter()
        self.stage(analysis)
        self.seconds[self.name] = time.perf_counter() - started


def measure_one(name: str, size: int) -> dict[str, Any]:
    """Analyse one pattern at one size in this process and return its figures."""
    from claimscope.ingestion import Settings, make_document
    from claimscope.pipeline import Pipeline

    pipeline = Pipeline(max_seconds=None)
    seconds: dict[str, float] = {}
    pipeline.stages = [_TimedStage(stage, seconds) for stage in pipeline.stages]
    text = pattern_text(name, size)
    document = make_document(text, name, settings=Settings(max_chars=max(size * 2, 10)))
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    dossier = pipeline.analyze(document)
    total = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = after.ru_maxrss / 1024
    return {
        "pattern": name,
        "characters": len(document.text),
        "seconds": round(total, 3),
        "cpu_seconds": round(cpu, 3),
        "parse_seconds": round(total - sum(seconds.values()), 3),
        "stage_seconds": {stage: round(value, 3) for stage, value in seconds.items()},
        "peak_rss_mb": round(peak, 1),
        "warnings": sorted({warning.stage for warning in dossier.warnings}),
    }


def run_one_in_subprocess(name: str, size: int) -> dict[str, Any]:
    """Measure one run in a fresh single-threaded process (its own peak memory)."""
    environment = dict(os.environ)
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        environment[variable] = "1"
    completed = subprocess.run(
        [sys.executable, "-m", "bench.scaling", "--one", name, str(size)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{name} at {size}: {completed.stderr.strip()[-2000:]}")
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def summarise(runs: list[dict[str, Any]], sizes: tuple[int, ...]) -> dict[str, Any]:
    """Per pattern: the time ratios between consecutive sizes and whether floors are met."""
    patterns: dict[str, Any] = {}
    for name in dict.fromkeys(run["pattern"] for run in runs):
        mine = {run["characters"]: run for run in runs if run["pattern"] == name}
        ordered = sorted(mine)
        ratios = {
            f"{low}->{high}": round(
                mine[high]["cpu_seconds"] / max(mine[low]["cpu_seconds"], 1e-3), 2
            )
            for low, high in itertools.pairwise(ordered)
        }
        largest = mine[ordered[-1]]
        last_ratio = list(ratios.values())[-1] if ratios else None
        patterns[name] = {
            "ratios": ratios,
            "largest_characters": ordered[-1],
            "largest_seconds": largest["seconds"],
            "largest_cpu_seconds": largest["cpu_seconds"],
            "largest_peak_rss_mb": largest["peak_rss_mb"],
            "meets_floors": bool(
                (last_ratio is None or last_ratio <= RATIO_FLOOR)
                and (
                    max(sizes) < 1_000_000
                    or (
                        largest["cpu_seconds"] < SECONDS_FLOOR
                        and largest["peak_rss_mb"] < MEMORY_FLOOR_MB
                    )
                )
            ),
        }
    return patterns


def main() -> None:
    """Run the benchmark, print the table and write bench/results/scaling.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--pattern", choices=sorted(PATTERNS), action="append")
    parser.add_argument("--one", nargs=2, metavar=("PATTERN", "SIZE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure_one(arguments.one[0], int(arguments.one[1]))))
        return
    sizes = tuple(sorted(arguments.sizes))
    names = arguments.pattern or list(PATTERNS)
    runs: list[dict[str, Any]] = []
    print(
        f"{'pattern':18} {'chars':>9} {'seconds':>8} {'cpu s':>7} {'parse':>7} {'peak MB':>8}"
        "  slowest stage"
    )
    for name in names:
        for size in sizes:
            run = run_one_in_subprocess(name, size)
            runs.append(run)
            slowest = max(run["stage_seconds"].items(), key=lambda item: item[1])
            print(
                f"{name:18} {run['characters']:>9} {run['seconds']:>8.2f} "
                f"{run['cpu_seconds']:>7.2f} {run['parse_seconds']:>7.2f} "
                f"{run['peak_rss_mb']:>8.0f}  "
                f"{slowest[0]} {slowest[1]:.2f}",
                flush=True,
            )
    patterns = summarise(runs, sizes)
    print()
    for name, figures in patterns.items():
        ratios = ", ".join(f"{key} x{value}" for key, value in figures["ratios"].items())
        verdict = "ok" if figures["meets_floors"] else "BELOW FLOOR"
        print(f"{name:18} {ratios}  {verdict}")
    path = write_results(
        "scaling",
        {
            "command": COMMAND,
            "sizes": list(sizes),
            "floors": {
                "ratio_last_step": RATIO_FLOOR,
                "seconds_at_1m": SECONDS_FLOOR,
                "peak_rss_mb_at_1m": MEMORY_FLOOR_MB,
            },
            "runs": runs,
            "patterns": patterns,
        },
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
