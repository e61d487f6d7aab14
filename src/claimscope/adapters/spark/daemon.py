"""Spark's Python daemon for ``spark analyze``: the pipeline's models load once, then workers fork.

PySpark starts a daemon process on each executor (``pyspark.daemon``; one per kind of
Python work, which is why the job keeps Python RDDs out of its plan), which forks a Python
worker for each task slot. Each worker would otherwise import claimscope, spaCy and the
rest and load every model itself: seconds per worker, paid again on every executor core.
Named by ``spark.python.daemon.module`` (:func:`daemon_settings`), this module does that once
in the daemon, before it forks, so the workers inherit the loaded models copy-on-write, as the
workers of ``claimscope analyze --workers N`` inherit their parent's imports. A worker's
:func:`claimscope.adapters.spark.executor.pipeline_for` then finds the pipeline already
built (the same settings) or builds it from models already in memory (other settings).

Forking after these imports is what the command line's process pool does too: the threads
they start (numpy's OpenBLAS pool; pyarrow's jemalloc thread, pyarrow imported by pandas,
which scikit-learn imports) register fork handlers for their locks. ``gc.freeze()`` moves the loaded
objects out of the collector's reach: the collection PySpark runs between tasks in a
reused worker then neither scans them nor writes to their pages (which would copy them).

The settings come from the environment (:data:`PIPELINE_VARIABLE`, set through
``spark.executorEnv``); without it, or if loading fails, the daemon runs as PySpark's own
and each worker builds its pipeline on its first task, as before.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import sys
import traceback
from contextlib import redirect_stdout
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claimscope.adapters.spark.executor import AnalysisSettings

MODULE = "claimscope.adapters.spark.daemon"
PIPELINE_VARIABLE = "CLAIMSCOPE_SPARK_PIPELINE"
"""Environment variable of the executors: the JSON of the pipeline's settings to load."""


def daemon_settings(settings: AnalysisSettings) -> dict[str, str]:
    """The Spark configuration that starts this daemon, loading the pipeline of ``settings``.

    Spark reads both when its context starts: set them on the session builder.
    """
    described = {"disabled": list(settings.disabled), "max_seconds": settings.max_seconds}
    return {
        "spark.python.daemon.module": MODULE,
        f"spark.executorEnv.{PIPELINE_VARIABLE}": json.dumps(described),
    }


def settings_from(value: str) -> AnalysisSettings:
    """The pipeline settings :func:`daemon_settings` wrote."""
    from claimscope.adapters.spark.executor import AnalysisSettings

    described = json.loads(value)
    max_seconds = described["max_seconds"]
    return AnalysisSettings(
        disabled=tuple(str(name) for name in described["disabled"]),
        max_seconds=None if max_seconds is None else float(max_seconds),
    )


def load_pipeline() -> bool:
    """Build the pipeline the environment names, in this process, before any fork; whether
    the environment named one."""
    value = os.environ.get(PIPELINE_VARIABLE)
    if not value:
        return False
    from claimscope.adapters.spark.executor import prepare

    try:
        # The daemon's standard output carries its port to Spark: nothing else may go there.
        with redirect_stdout(sys.stderr):
            prepare(settings_from(value))
    # The daemon must start whatever happens here: a worker then builds the pipeline on
    # its first task and reports what fails there, in the task, where Spark shows it.
    except Exception:
        print(f"{MODULE}: the pipeline did not load in the daemon:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
    return True


def main() -> None:
    """Load the pipeline, then serve Spark as PySpark's daemon does."""
    from pyspark.daemon import manager

    if load_pipeline():
        # The worker module Spark names, which pyspark.daemon imports in each worker after
        # the fork to keep threads out of the daemon (here they already run, see above).
        if len(sys.argv) > 1 and sys.argv[1].startswith("pyspark"):
            importlib.import_module(sys.argv[1])
        gc.freeze()
    manager()


if __name__ == "__main__":
    main()
