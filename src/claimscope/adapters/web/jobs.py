"""Background jobs: a large upload analysed into the store while its page shows progress.

A job runs on one worker thread (the pipeline takes one document at a time anyway) and
writes through the store's ``ingest`` in small batches, so its documents land in the store
as it goes and a job cut short keeps what it committed. Its state lives in the server:
reloading ``/jobs/{id}`` (or asking ``GET /api/v1/jobs/{id}``) shows where it stands; a
restarted server has forgotten its jobs, not their documents.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from claimscope.adapters.store.ingest import IngestSummary, ingest
from claimscope.adapters.web.services import AnalysisService
from claimscope.document import Document
from claimscope.ingestion import IngestionError

JobState = Literal["queued", "running", "done", "failed"]
KEPT_JOBS = 200
"""Finished jobs the server remembers; the oldest are forgotten first."""
BATCH_SIZE = 5
"""Documents per transaction: the progress bar moves by at most this many."""
MAX_ERRORS_SHOWN = 50


@dataclass
class Job:
    """One background analysis: its inputs, progress and outcome."""

    id: str
    source: str
    total: int
    state: JobState = "queued"
    done: int = 0
    added: int = 0
    already_present: int = 0
    rejected: int = 0
    documents: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    message: str = ""
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())


class JobManager:
    """Runs jobs one at a time on a worker thread and remembers the latest ones."""

    def __init__(self, service: AnalysisService) -> None:
        self.service = service
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimscope-job")

    def submit(self, source: str, items: Sequence[Document | IngestionError]) -> Job:
        """Queue the analysis of an upload's documents; the job to follow."""
        job = Job(id=secrets.token_hex(8), source=source, total=len(items))
        job.documents = list(dict.fromkeys(i.id for i in items if isinstance(i, Document)))
        job.errors = [str(item) for item in items if isinstance(item, IngestionError)][
            :MAX_ERRORS_SHOWN
        ]
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._jobs.popitem(last=False)
        self._executor.submit(self._run, job, list(items))
        return job

    def get(self, job_id: str) -> Job | None:
        """A job by its id, as it stands now (a copy)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            return Job(**{**job.__dict__, "documents": list(job.documents)})

    def shutdown(self) -> None:
        """Stop taking jobs; the running one finishes its current document."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _update(self, job: Job, **values: object) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(job, name, value)

    def _run(self, job: Job, items: Iterable[Document | IngestionError]) -> None:
        self._update(job, state="running")

        def committed(totals: IngestSummary) -> None:
            self._update(
                job,
                done=totals.inputs,
                added=totals.added,
                already_present=totals.already_present,
                rejected=totals.rejected,
            )

        try:
            summary = ingest(
                self.service.store,
                items,
                self.service.analyse_stream,
                self.service.versions,
                batch_size=BATCH_SIZE,
                on_batch=committed,
            )
        except Exception as error:  # a job must end with a state, whatever went wrong
            self._update(job, state="failed", message=f"{type(error).__name__}: {error}")
            return
        committed(summary)
        self._update(
            job,
            state="done",
            message=f"{summary.added:,} added, {summary.already_present:,} already present, "
            f"{summary.rejected:,} rejected",
        )
