"""Load on ``claimscope serve``, on loopback: latency and errors of reads and analyses.

    .venv/bin/python -m bench.serve [--reads 2000] [--analyses 100] [--concurrency 8]

Starts ``claimscope serve`` (the whole pipeline, a new SQLite store) as a process of its own
on a free loopback port, stores ``SEED`` documents, then, with ``--concurrency`` client
threads (one keep-alive connection each):

- ``--reads`` ``GET /api/v1/documents/{id}`` over the stored documents, round robin;
- ``--analyses`` ``POST /api/v1/analyze`` of texts not yet stored (each one analysed by the
  pipeline, which takes one document at a time: concurrent analyses queue).

Texts are Reuters-21578 and Wikinews stories from ``../shared/data`` when present (each
made distinct with a numbered last line), else the bundled example numbered the same way.
Median, 99th percentile and maximum latency, requests per second and errors (any status
but 200, or a failed connection; the goal is 0) go to ``bench/results/serve.json``. Every
loop is bounded in count and traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle
from pathlib import Path
from typing import Any

from bench.common import ROOT, write_results

SEED = 50
EXAMPLE = ROOT / "examples" / "trend-2023-08-01-civil-society-statement.txt"
START_SECONDS = 180


def texts(count: int) -> tuple[list[str], str]:
    """``count`` distinct texts, and where they came from."""
    base: list[str] = []
    source = "the bundled example"
    from bench.throughput import REUTERS, WIKINEWS, reuters_documents, wikinews_documents

    if REUTERS.exists() and WIKINEWS.exists():
        reuters, _ = reuters_documents(REUTERS, count)
        base = [document.text for document in reuters + wikinews_documents(WIKINEWS, count)]
        source = "Reuters-21578 and Wikinews stories (../shared/data)"
    if not base:
        base = [EXAMPLE.read_text(encoding="utf-8")]
    return [f"{base[n % len(base)]}\n\nLoad test text {n + 1}." for n in range(count)], source


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``claimscope serve`` on a new store and a free loopback port; ready when it answers."""
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    environment.pop("CLAIMSCOPE_TOKEN", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "claimscope",
            "serve",
            "--db",
            str(folder / "store.db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("claimscope serve exited before it answered")
        try:
            with urllib.request.urlopen(base + "/api/v1/documents?per_page=1", timeout=5):
                return process, base
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"claimscope serve did not answer within {START_SECONDS} s")


def post_text(base: str, text: str) -> str:
    """Analyse and store one text; its document id."""
    request = urllib.request.Request(
        base + "/api/v1/analyze",
        data=json.dumps({"text": text}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return str(json.loads(response.read())["document"]["id"])


def reader(base: str, document_id: str) -> Callable[[Any], int]:
    """A request reading one stored document; its status."""
    return lambda client: int(client.get(f"{base}/api/v1/documents/{document_id}").status_code)


def analyser(base: str, text: str) -> Callable[[Any], int]:
    """A request analysing one new text; its status."""
    return lambda client: int(
        client.post(f"{base}/api/v1/analyze", json={"text": text}).status_code
    )


def load(requests: list[Callable[[Any], int]], concurrency: int) -> dict[str, Any]:
    """Run the requests with ``concurrency`` threads; latency figures (ms) and errors."""
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    local = threading.local()

    def one(request: Callable[[Any], int]) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(timeout=600)
        started = time.perf_counter()
        try:
            status = request(client)
        except httpx.HTTPError as error:
            status, problem = 0, f"{type(error).__name__}: {error}"
        else:
            problem = f"HTTP {status}"
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            if status != 200:
                errors.append(problem)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, requests))
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(requests),
        "concurrency": concurrency,
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(requests) / seconds, 1),
        "median_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(ordered[max(0, round(0.99 * len(ordered)) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
        "errors": len(errors),
        "first_errors": errors[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=2_000)
    parser.add_argument("--analyses", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    options = parser.parse_args()

    corpus, source = texts(SEED + options.analyses)
    with tempfile.TemporaryDirectory(prefix="claimscope-bench-serve-") as folder:
        process, base = start_server(Path(folder))
        try:
            started = time.perf_counter()
            ids = [post_text(base, text) for text in corpus[:SEED]]
            seeding = time.perf_counter() - started
            targets = cycle(ids)
            reads = [reader(base, next(targets)) for _ in range(options.reads)]
            read_figures = load(reads, options.concurrency)
            analyses = [analyser(base, text) for text in corpus[SEED:]]
            analyse_figures = load(analyses, options.concurrency)
        finally:
            process.terminate()
            process.wait(timeout=60)
    figures = {
        "texts": source,
        "seeded_documents": SEED,
        "seeding_seconds": round(seeding, 1),
        "mean_characters": round(statistics.mean(len(text) for text in corpus)),
        "get_document": read_figures,
        "post_analyze": analyse_figures,
        "errors": read_figures["errors"] + analyse_figures["errors"],
        "cpu_count": os.cpu_count(),
        "load_average_at_end": round(os.getloadavg()[0], 1),
    }
    path = write_results("serve", figures)
    print(json.dumps(figures, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
