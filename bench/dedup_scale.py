"""The corpus store's near-duplicate index at scale: ``corpus duplicates`` at 10,000 and at
100,000 stored documents, and what the index costs inside ``corpus add``.

Records: ``bench.ingest``'s store-only records (the 731 Reuters and Wikinews stories over
and over, each copy made distinct by a numbered last line; ``corpus add`` with every stage
disabled), written by ``bench.ingest.write_records``. Every story is so republished about
N / 731 times: clusters of about 14 sightings at 10,000 documents and 137 at 100,000, the
hard case for a band index (a band key shared by a whole cluster).

- ``add``: ``corpus add`` into a new store with the index (the default) at each size, and
  without it (``--no-index``) at the smaller size: documents per second and peak RSS; the
  index's share of the time of an add.
- ``reindex``: ``corpus reindex`` of that ``--no-index`` store (the index built after a
  bulk load).
- ``duplicates``: ``claimscope corpus duplicates --format json`` on the store of each size,
  in a process of its own: seconds, peak RSS, clusters and sightings listed; ``growth`` is
  the time ratio between the sizes divided by their size ratio (1.0: linear).

SQLite always; PostgreSQL when ``CLAIMSCOPE_TEST_POSTGRES_URL`` names a server (``eval
"$(scripts/postgres-up)"``). The figures go to ``bench/results/dedup.json`` under
``scale``; ``bench.dedup``'s accuracy figures in that file are kept.

Run: ``.venv/bin/python -m bench.dedup_scale [--records N] [--limit K]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import RESULTS, write_results
from bench.ingest import run_add, run_measured, store_urls, stories, write_records

COMMAND = ".venv/bin/python -m bench.dedup_scale"
GOAL_GROWTH = 1.5
"""Near linear: the larger store may take at most 1.5 times its size ratio longer."""


def _claimscope(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "claimscope", *arguments]


def run_duplicates(url: str) -> dict[str, Any]:
    """``corpus duplicates --format json`` in a process of its own, measured."""
    seconds, peak_kb, output = run_measured(
        _claimscope("corpus", "duplicates", "--db", url, "--format", "json")
    )
    found = json.loads(output)
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "clusters": len(found["clusters"]),
        "sightings_listed": sum(len(cluster["documents"]) for cluster in found["clusters"]),
    }


def run_reindex(url: str) -> dict[str, Any]:
    """``corpus reindex`` in a process of its own, measured."""
    seconds, peak_kb, _ = run_measured(_claimscope("corpus", "reindex", "--db", url))
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_kb / 1024, 1)}


def measure(records: int, limit: int | None, folder: Path) -> dict[str, Any]:
    """Every figure of the scale benchmark."""
    documents = stories(limit)
    sizes = sorted({max(1, records // 10), records})
    inputs = {size: write_records(documents, size, folder / f"records-{size}") for size in sizes}
    figures: dict[str, Any] = {"records": records, "sizes": sizes, "databases": {}}
    for size in sizes:
        with store_urls(folder, f"indexed-{size}") as urls:
            for database, url in urls.items():
                runs = figures["databases"].setdefault(database, {"add": {}, "duplicates": {}})
                runs["add"][str(size)] = run_add(inputs[size], url)
                runs["duplicates"][str(size)] = run_duplicates(url)
                print(database, size, json.dumps(runs), flush=True)
    small = sizes[0]
    with store_urls(folder, "bulk") as urls:
        for database, url in urls.items():
            runs = figures["databases"][database]
            runs["add_without_index"] = {str(small): run_add(inputs[small], url, "--no-index")}
            runs["reindex"] = {str(small): run_reindex(url)}
            with_index = runs["add"][str(small)]["seconds"]
            without = runs["add_without_index"][str(small)]["seconds"]
            runs["index_share_of_add"] = round((with_index - without) / with_index, 3)
            print(database, "bulk", json.dumps(runs), flush=True)
    if len(sizes) > 1:
        ratio = sizes[-1] / sizes[0]
        for runs in figures["databases"].values():
            first = runs["duplicates"][str(sizes[0])]["seconds"]
            last = runs["duplicates"][str(sizes[-1])]["seconds"]
            runs["duplicates_growth"] = round(last / first / ratio, 3)
            runs["near_linear"] = last / first <= GOAL_GROWTH * ratio
    return figures


def main() -> None:
    """Run the scale benchmark and record it in bench/results/dedup.json under ``scale``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000, help="the larger store's size")
    parser.add_argument("--limit", type=int, default=None, help="at most K stories per corpus")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="claimscope-bench-dedup-") as directory:
        figures = measure(arguments.records, arguments.limit, Path(directory))
    scale = {
        "command": " ".join([COMMAND, *sys.argv[1:]]),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "postgresql": bool(os.environ.get("CLAIMSCOPE_TEST_POSTGRES_URL")),
        "goal_growth": GOAL_GROWTH,
        **figures,
    }
    print(json.dumps(scale, indent=2))
    path = RESULTS / "dedup.json"
    if path.exists():
        # bench.dedup's figures, and when they were measured, stay as they are.
        payload = json.loads(path.read_text(encoding="utf-8"))
        payload["scale"] = scale
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        path = write_results("dedup", {"scale": scale})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
