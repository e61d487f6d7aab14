"""Shared fixtures: the bundled example and a pipeline built once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "trend-2023-08-01-civil-society-statement.txt"
SHARED = ROOT.parent / "shared"


# The 14 signatories of the bundled example, read off the article by hand:
# person, role, organization, acronym, country.
EXAMPLE_SIGNATORIES: list[tuple[str | None, str | None, str | None, str | None, str | None]] = [
    ("Erlina Burhan", None, "Indonesia Professional Organiza Coalition", None, "ID"),
    ("Ridhiwani Sadiki", None, "Citizen Network for Rural Development", None, "KE"),
    (
        "Parvana Valiyeva",
        "focal point",
        "Regional Expert group on Migration and Health",
        None,
        None,
    ),
    ("Violet Wasonga", None, "Nyando Social Justice", None, "KE"),
    ("Patsi Stillo", None, "Partners in Health", None, "US"),
    ("Charles Quist", None, "Carepal Foundation", None, "GH"),
    ("Peter Owiti", None, "Wote Youth Development Projects CBO", None, "KE"),
    ("Eliud Emeri", None, "Turkana Bio Aloe Organization", "TUBAE", "KE"),
    ("Zeeshan Ahmed", "social activist", None, None, "PK"),
    (
        "Hasim Abdul Halim",
        None,
        "Department Health and Family welfare, ministry of Health",
        None,
        "IN",
    ),
    ("Peter Musyoka", None, "Twene Mbee Networking and Development group", None, "KE"),
    ("Maryam Danesh", "social activist", None, None, "US"),
    ("Eliud Idoket", None, "Consortium of Grassroots Organizations in Kenya", "CGOK", "KE"),
    # The gold guidelines keep a country word printed in the name ("Haki Africa Kenya").
    ("Fred Wanyonyi", None, "REDO NGO Kenya", None, "KE"),
]


def cli_environment() -> dict[str, str]:
    """The environment for a ``claimscope`` subprocess that runs this checkout's code."""
    paths = [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)}


def cli_command(*args: str) -> list[str]:
    """The command line of ``claimscope ARGS`` run by this interpreter."""
    return [sys.executable, "-m", "claimscope", *args]


def run_cli(
    *args: str, stdin: bytes | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[bytes]:
    """Run ``claimscope ARGS`` in a subprocess, capturing its output."""
    return subprocess.run(
        cli_command(*args),
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
        env=cli_environment(),
    )


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or skip the test when the checkout has none."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared data sets are not part of a plain clone")
    return path


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def example_document() -> Document:
    return make_document(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))


@pytest.fixture(scope="session")
def example_dossier(pipeline: Pipeline, example_document: Document) -> Dossier:
    return pipeline.analyze(example_document)


# The stages the Spark plumbing tests run (those that need no spaCy parse).
SPARK_PLUMBING_DISABLED = ("entities", "citations", "voices", "claims", "techniques")


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One local[2] Spark session for the whole test run: starting the JVM takes seconds.

    Its Python daemon builds the plumbing tests' pipeline before forking the workers, as
    ``claimscope spark analyze``'s does for the command's. Tests that take it are marked to
    skip, with the reason, without pyspark or Java (``tests/test_spark.py``'s ``needs_spark``).
    """
    from claimscope.adapters.spark.daemon import daemon_settings
    from claimscope.adapters.spark.executor import AnalysisSettings
    from claimscope.adapters.spark.session import local_environment

    local_environment()
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master("local[2]")
        .appName("claimscope tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
    )
    for key, value in daemon_settings(AnalysisSettings(disabled=SPARK_PLUMBING_DISABLED)).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
