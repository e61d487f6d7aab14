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

import signal
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice

from claimscope.analysis import DEFAULT_MAX_SECONDS
from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.pipeline import (
    Pipeline,
    build_pipeline,
    check_stage_names,
)

DEFAULT_CHUNK_SIZE = 16
# Chunks queued per worker: enough that no worker waits for the parent, few enough
# that the parent holds only a handful of documents and dossiers at a time.
_CHUNKS_IN_FLIGHT_PER_WORKER = 2

_worker_pipeline: Pipeline | None = None
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _start_worker(disabled: tuple[str, ...], max_seconds: float | None) -> None:
    """Build this worker's pipeline once, before it analyses anything."""
    global _worker_pipeline
    # The parent decides when to stop: Ctrl-C reaches the whole process group, and a
    # forked worker inherits the parent's SIGTERM handler, which would turn the parent's
    # terminate() into an exception the worker survives. Both signals were held back
    # while the worker forked (see _signals_held) and are let through once settled.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD_SIGNALS)
    _worker_pipeline = build_pipeline(disabled, max_seconds)


def _analyze_chunk(documents: list[Document]) -> list[Dossier]:
    assert _worker_pipeline is not None, "worker started without its pipeline"
    return list(_worker_pipeline.pipe(documents))


def pipe_in_parallel(
    documents: Iterable[Document],
    workers: int,
    disabled: Sequence[str] = (),
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_seconds: float | None = DEFAULT_MAX_SECONDS,
) -> Iterator[Dossier]:
    """Dossiers of the documents, in input order, analysed by ``workers`` processes."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    if workers == 1:
        return build_pipeline(disabled, max_seconds).pipe(documents)
    # Checked before any worker starts: a bad setting is one error, not one per worker.
    check_stage_names(disabled)
    if max_seconds is not None and not max_seconds > 0:
        raise ValueError("max_seconds must be positive")
    return _stream(iter(documents), workers, (tuple(disabled), max_seconds), chunk_size)


def _stream(
    documents: Iterator[Document],
    workers: int,
    settings: tuple[tuple[str, ...], float | None],
    chunk_size: int,
) -> Iterator[Dossier]:
    limit = workers * _CHUNKS_IN_FLIGHT_PER_WORKER
    pending: deque[Future[list[Dossier]]] = deque()
    executor = ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=settings
    )
    finished = False
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                chunk = list(islice(documents, chunk_size))
                if not chunk:
                    exhausted = True
                    break
                with _signals_held():
                    pending.append(executor.submit(_analyze_chunk, chunk))
            if not pending:
                finished = True
                return
            yield from pending.popleft().result()
    finally:
        # A consumer that stops early (a closed pipe, Ctrl-C, SIGTERM) must not leave
        # workers analysing for nobody, nor wait for their chunks to finish.
        if not finished:
            _stop_workers(executor)
        executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while submitting, when worker processes may fork."""
    # Between its fork and its initializer a worker runs the parent's handlers: a
    # signal then would print a traceback or be survived. Held back here, a signal
    # reaches the parent once this ends and a new worker once it is initialised.
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Terminate the executor's worker processes now, in mid-chunk."""
    # ProcessPoolExecutor has no public way to do this before Python 3.14's
    # terminate_workers(); _processes is None once the executor has shut down.
    for process in list((executor._processes or {}).values()):
        process.terminate()
