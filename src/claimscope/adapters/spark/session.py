"""Starting Spark: a local session for one machine, or the one ``spark-submit`` set up."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from claimscope.adapters.spark.executor import AnalysisSettings

DEFAULT_MASTER = "local[*]"


class SparkUnavailable(Exception):
    """Spark cannot run here: the extra is not installed, or Java is missing."""


def under_spark_submit() -> bool:
    """Whether this process was started by ``spark-submit`` (which set up its JVM)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def local_environment() -> None:
    """What a local session needs before its JVM starts: workers run this Python, and the
    driver binds to the loopback address (a laptop's host name may resolve to nothing)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


def require_spark() -> None:
    """Raise SparkUnavailable unless pyspark (the ``spark`` extra) is installed."""
    try:
        import pyspark.sql  # noqa: F401
    except ImportError:
        raise SparkUnavailable(
            "Spark needs the optional extra: pip install 'claimscope[spark]' (and Java 17)"
        ) from None


def spark_session(
    master: str | None, app_name: str, pipeline: AnalysisSettings | None = None
) -> SparkSession:
    """The session of a job: ``master`` if given, else spark-submit's, else local[*].

    With ``pipeline``, each executor's Python daemon builds that pipeline once, before it
    forks the workers that analyse (:mod:`.daemon`).
    """
    require_spark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    chosen = master or (None if under_spark_submit() else DEFAULT_MASTER)
    if chosen is not None:
        builder = builder.master(chosen)
    if pipeline is not None:
        from claimscope.adapters.spark.daemon import daemon_settings

        for key, value in daemon_settings(pipeline).items():
            builder = builder.config(key, value)
    if chosen is not None and chosen.startswith("local"):
        local_environment()
        # The Spark UI and its port are of no use to a local command-line run.
        builder = builder.config("spark.ui.enabled", "false")
    try:
        session = builder.getOrCreate()
    except Exception as error:
        # PySpark reports a JVM that would not start as JAVA_GATEWAY_EXITED.
        raise SparkUnavailable(
            f"Spark could not start ({' '.join(str(error).split())[:200]}); "
            "it needs Java 17 (java on PATH or JAVA_HOME)"
        ) from None
    session.sparkContext.setLogLevel("WARN")
    return session
