"""Analyse documents with several worker processes, results in input order.

Each worker builds one :class:`~claimscope.pipeline.Pipeline` when it starts (spaCy
and the gazetteer load once per process, never per document) and analyses chunks
of documents with the pipeline's own batching. The parent keeps a bounded number
of chunks in flight, so input is read and output is yielded as a stream: memory
stays flat on an archive of millions of documents.

Knobs: ``workers`` (processes; one process per CPU core is the useful maximum,
since spaCy's small model is CPU-bound), ``chunk_size`` (documents sent to a
worker at once: larger chunks cost less pickling overhead, smaller ones keep the
stream smoother and the workers evenly loaded).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.pipeline import Pipeline, default_stages

DEFAULT_CHUNK_SIZE = 16
# Chunks queued per worker: enough that no worker waits for the parent, few enough
# that the parent holds only a handful of documents and dossiers at a time.
_CHUNKS_IN_FLIGHT_PER_WORKER = 2

_worker_pipeline: Pipeline | None = None


def _start_worker(disabled: tuple[str, ...]) -> None:
    """Build this worker's pipeline once, before it analyses anything."""
    global _worker_pipeline
    pipeline = Pipeline()
    _worker_pipeline = pipeline.without(*disabled) if disabled else pipeline


def _analyze_chunk(documents: list[Document]) -> list[Dossier]:
    assert _worker_pipeline is not None, "worker started without its pipeline"
    return list(_worker_pipeline.pipe(documents))


def check_stage_names(disabled: Sequence[str]) -> None:
    """Raise ValueError naming any stage that the default pipeline does not have."""
    known = {stage.name for stage in default_stages()}
    unknown = set(disabled) - known
    if unknown:
        raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}")


def pipe_in_parallel(
    documents: Iterable[Document],
    workers: int,
    disabled: Sequence[str] = (),
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[Dossier]:
    """Dossiers of the documents, in input order, analysed by ``workers`` processes."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    check_stage_names(disabled)
    if workers == 1:
        pipeline = Pipeline()
        return (pipeline.without(*disabled) if disabled else pipeline).pipe(documents)
    return _stream(iter(documents), workers, tuple(disabled), chunk_size)


def _stream(
    documents: Iterator[Document], workers: int, disabled: tuple[str, ...], chunk_size: int
) -> Iterator[Dossier]:
    limit = workers * _CHUNKS_IN_FLIGHT_PER_WORKER
    pending: deque[Future[list[Dossier]]] = deque()
    executor = ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(disabled,)
    )
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                chunk = list(islice(documents, chunk_size))
                if not chunk:
                    exhausted = True
                    break
                pending.append(executor.submit(_analyze_chunk, chunk))
            if not pending:
                return
            yield from pending.popleft().result()
    finally:
        # A consumer that stops early must not leave workers analysing for nobody.
        executor.shutdown(wait=True, cancel_futures=True)
