"""Throughput of the whole pipeline against spaCy's own, on Reuters and Wikinews stories.

Data: ``../shared/data/reuters21578/stories.jsonl`` (field ``raw``, the SGML entities
unescaped as in ``bench.anatomy``; records whose ``body`` is null are skipped: they
are BRIEF/UNPROC records whose raw text is a bare title or unparsed SGML, not a story)
and ``../shared/data/wikinews/wikinews_2019.csv`` (column ``text``).

Three timed runs over the same ingested documents, in one process run:

- ``spacy``: spaCy's pipeline alone, ``nlp.pipe`` over the texts, with the
  pipeline's batch size;
- ``pipeline_1_process``: the default stages, parsing included, in this process;
- ``pipeline_workers``: the same with ``--workers N`` processes
  (:mod:`claimscope.parallel`; worker start-up is included in the time).

``overhead_ratio`` = (pipeline_1_process - spacy) / spacy seconds: the share of
spaCy's own time that our stages add (goal: at most 0.5). spaCy alone runs twice,
before and after the pipeline, and the faster run counts. Wall-clock differences are
noisy when the stages are cheap, so ``stage_overhead_ratio`` (seconds spent inside
the stages, parse excluded, over spaCy's seconds) is reported beside it, and
``stage_seconds`` says where the time goes. Ingestion (decoding, normalisation) is
not timed. Models are loaded and warmed up before any timing.

Run: ``.venv/bin/python -m bench.throughput [--workers N] [--limit K]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.anatomy import unescape
from bench.common import SHARED_DATA, write_results
from claimscope.analysis import Analysis, Stage
from claimscope.document import Document
from claimscope.ingestion import make_document
from claimscope.parallel import pipe_in_parallel
from claimscope.pipeline import Pipeline, default_stages

REUTERS = SHARED_DATA / "reuters21578" / "stories.jsonl"
WIKINEWS = SHARED_DATA / "wikinews" / "wikinews_2019.csv"
COMMAND = ".venv/bin/python -m bench.throughput"
GOAL_OVERHEAD_RATIO = 0.5
_WARM_UP_DOCUMENTS = 4


@dataclass
class TimedStage:
    """A stage that adds up the seconds it spends."""

    stage: Stage
    seconds: float = 0.0
    name: str = field(init=False)
    needs_parse: bool = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.stage.name
        self.needs_parse = self.stage.needs_parse

    def __call__(self, analysis: Analysis) -> None:
        """Run the wrapped stage and count its time."""
        started = time.perf_counter()
        self.stage(analysis)
        self.seconds += time.perf_counter() - started


def reuters_documents(path: Path, limit: int | None) -> tuple[list[Document], int]:
    """Reuters stories with a body, and how many records were skipped for a null body."""
    documents: list[Document] = []
    skipped = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["body"] is None:
                skipped += 1
                continue
            if limit is not None and len(documents) >= limit:
                break
            documents.append(make_document(unescape(record["raw"]), f"{path}#{record['newid']}"))
    return documents, skipped


def wikinews_documents(path: Path, limit: int | None) -> list[Document]:
    """Wikinews stories with a non-empty text."""
    csv.field_size_limit(sys.maxsize)
    documents: list[Document] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            if limit is not None and len(documents) >= limit:
                break
            if row["text"].strip():
                documents.append(make_document(row["text"], f"{path}:{row_number}"))
    return documents


def _rate(seconds: float, documents: int, characters: int) -> dict[str, float]:
    return {
        "seconds": round(seconds, 3),
        "documents_per_second": round(documents / seconds, 3),
        "characters_per_second": round(characters / seconds, 1),
    }


def _timed(run: Iterator[Any]) -> float:
    started = time.perf_counter()
    for _ in run:
        pass
    return time.perf_counter() - started


def run(
    workers: int = 2,
    limit: int | None = None,
    reuters: Path = REUTERS,
    wikinews: Path = WIKINEWS,
) -> dict[str, Any]:
    """Time spaCy alone, the pipeline in one process, and the pipeline with workers."""
    reuters_docs, skipped = reuters_documents(reuters, limit)
    wikinews_docs = wikinews_documents(wikinews, limit)
    documents = reuters_docs + wikinews_docs
    characters = sum(len(document.text) for document in documents)

    timed_stages = [TimedStage(stage) for stage in default_stages()]
    pipeline = Pipeline(stages=list(timed_stages))
    assert pipeline.resources is not None and pipeline.resources.nlp is not None
    nlp = pipeline.resources.nlp
    for _ in pipeline.pipe(documents[:_WARM_UP_DOCUMENTS]):
        pass
    for stage in timed_stages:
        stage.seconds = 0.0

    texts = [document.text for document in documents]
    # spaCy alone runs before and after the pipeline and the faster run counts: the
    # machine's drift (caches, frequency) then cannot flatter our stages' share.
    spacy_runs = [_timed(nlp.pipe(texts, batch_size=pipeline.batch_size))]
    pipeline_seconds = _timed(pipeline.pipe(documents))
    spacy_runs.append(_timed(nlp.pipe(texts, batch_size=pipeline.batch_size)))
    spacy_seconds = min(spacy_runs)
    stage_seconds = sum(stage.seconds for stage in timed_stages)
    workers_seconds = _timed(pipe_in_parallel(documents, workers))

    return {
        "command": f"{COMMAND} --workers {workers}" + (f" --limit {limit}" if limit else ""),
        "documents": len(documents),
        "characters": characters,
        "reuters_documents": len(reuters_docs),
        "reuters_skipped_null_body": skipped,
        "wikinews_documents": len(wikinews_docs),
        "limit_per_corpus": limit,
        "workers": workers,
        "cpu_count": os.cpu_count(),
        "stages": pipeline.stage_names,
        "spacy_model": f"{nlp.meta.get('name')} {nlp.meta.get('version')}",
        "spacy": _rate(spacy_seconds, len(documents), characters),
        "spacy_runs_seconds": [round(seconds, 3) for seconds in spacy_runs],
        "pipeline_1_process": _rate(pipeline_seconds, len(documents), characters),
        "pipeline_workers": _rate(workers_seconds, len(documents), characters),
        "stage_seconds": {stage.name: round(stage.seconds, 3) for stage in timed_stages},
        "overhead_ratio": round((pipeline_seconds - spacy_seconds) / spacy_seconds, 3),
        "stage_overhead_ratio": round(stage_seconds / spacy_seconds, 3),
        "overhead_goal": GOAL_OVERHEAD_RATIO,
        "workers_speedup": round(pipeline_seconds / workers_seconds, 3),
    }


def main() -> None:
    """Run the throughput benchmark and write bench/results/throughput.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel run")
    parser.add_argument("--limit", type=int, default=None, help="at most K stories per corpus")
    arguments = parser.parse_args()
    if arguments.workers < 1 or (arguments.limit is not None and arguments.limit < 1):
        parser.error("--workers and --limit must be at least 1")
    figures = run(workers=arguments.workers, limit=arguments.limit)
    path = write_results("throughput", figures)
    print(json.dumps(figures, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
