"""``claimscope spark …``: the pipeline and near-duplicate detection as Spark jobs.

pyspark is imported only when a command runs, so ``claimscope --help`` works without the
``spark`` extra; without it a command exits 2 naming the extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from claimscope.adapters.cli_common import (
    EXIT_BAD_INPUT,
    DisableOption,
    MaxCharsOption,
    MaxSecondsOption,
    error_console,
    fail,
    say,
)
from claimscope.analysis import DEFAULT_MAX_SECONDS
from claimscope.corpus.minhash import DEFAULT_SETTINGS
from claimscope.ingestion import DEFAULT_MAX_CHARS

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from claimscope.adapters.spark.executor import AnalysisSettings

spark_app = typer.Typer(
    help="Apache Spark jobs over archives of documents (needs the 'spark' extra and Java 17).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

MasterOption = Annotated[
    str | None,
    typer.Option(
        help="Spark master URL (local[*], local[2], yarn, k8s://…). "
        "Default: the one spark-submit gives, else local[*]."
    ),
]
OverwriteOption = Annotated[
    bool, typer.Option("--overwrite", help="Replace the outputs if they exist.")
]


@spark_app.command("analyze")
def analyze_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or directories: .jsonl/.json records, .parquet with a 'text' column, "
            ".warc/.warc.gz archives, .txt and .html pages; local paths or URIs."
        ),
    ],
    out: Annotated[
        str, typer.Option("--out", "-o", help="Output directory: documents/ and rejected/.")
    ],
    master: MasterOption = None,
    partitions: Annotated[
        int | None,
        typer.Option(help="Analysis partitions. Default: four per core of the cluster.", min=1),
    ] = None,
    disable: DisableOption = None,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
    max_seconds: MaxSecondsOption = DEFAULT_MAX_SECONDS,
    country: Annotated[
        str | None,
        typer.Option(help="ISO country of documents whose record names none, e.g. US."),
    ] = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Analyse inputs into Parquet: one row per document, and the rejected inputs."""
    from claimscope.ingestion import country_code
    from claimscope.pipeline import check_stage_names

    try:
        check_stage_names(disable or [])
    except ValueError as error:
        raise fail(f"--disable: {error}") from None
    given_country = None
    if country is not None:
        given_country = country_code(country)
        if given_country is None:
            raise fail(f"--country {country!r} is not an ISO 3166-1 alpha-2 country code")
    _require_spark()
    from claimscope.adapters.spark.executor import AnalysisSettings

    settings = AnalysisSettings(
        disabled=tuple(disable or ()),
        max_seconds=max_seconds,
        max_chars=max_chars,
        country=given_country,
    )
    spark = _session(master, "claimscope analyze", settings)
    from claimscope.adapters.spark.jobs import analyze

    with _job_errors(spark):
        summary = analyze(spark, paths, out, settings, partitions, overwrite)
    say(
        error_console(),
        f"claimscope: {summary.documents:,} document(s), {summary.rejected:,} rejected "
        f"({out}/documents, {out}/rejected)",
    )
    if summary.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


@spark_app.command("duplicates")
def duplicates_command(
    directory: Annotated[str, typer.Argument(help="The --out directory of 'spark analyze'.")],
    out: Annotated[str, typer.Option("--out", "-o", help="Output directory: pairs/, clusters/.")],
    master: MasterOption = None,
    threshold: Annotated[
        float,
        typer.Option(help="Estimated Jaccard similarity a pair of parts needs to be linked."),
    ] = DEFAULT_SETTINGS.threshold,
    overwrite: OverwriteOption = False,
) -> None:
    """Near-duplicate clusters (whole texts, statements, paragraphs, lists) at scale."""
    from dataclasses import replace

    try:
        settings = replace(DEFAULT_SETTINGS, threshold=threshold)
    except ValueError as error:
        raise fail(f"--threshold: {error}") from None
    spark = _session(master, "claimscope duplicates")
    from claimscope.adapters.spark.jobs import duplicates

    with _job_errors(spark):
        summary = duplicates(spark, directory, out, settings, overwrite)
    say(
        error_console(),
        f"claimscope: {summary.documents:,} document(s), {summary.pairs:,} pair(s) sharing text, "
        f"{summary.clusters:,} cluster(s) of {summary.clustered_documents:,} document(s) "
        f"({out}/pairs, {out}/clusters)",
    )


def _require_spark() -> None:
    from claimscope.adapters.spark.session import SparkUnavailable, require_spark

    try:
        require_spark()
    except SparkUnavailable as error:
        raise fail(str(error)) from None


def _session(
    master: str | None, name: str, pipeline: AnalysisSettings | None = None
) -> SparkSession:
    from claimscope.adapters.spark.session import SparkUnavailable, spark_session

    try:
        return spark_session(master, name, pipeline)
    except SparkUnavailable as error:
        raise fail(str(error)) from None


@contextmanager
def _job_errors(spark: SparkSession) -> Iterator[None]:
    """A job that cannot run is one error line and exit 2; the session stops either way."""
    from pyspark.errors import AnalysisException

    from claimscope.adapters.spark.jobs import JobError

    try:
        yield
    except (JobError, AnalysisException) as error:
        first = next((line for line in str(error).splitlines() if line.strip()), str(error))
        raise fail(first.strip()) from None
    finally:
        spark.stop()
