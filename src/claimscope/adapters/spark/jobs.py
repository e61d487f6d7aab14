"""The Spark jobs: ``analyze`` (inputs to dossiers in Parquet) and ``duplicates``.

The driver lists the inputs and plans; executors do the work with the functions of
:mod:`.executor`, through ``mapInArrow``. Outputs, under ``--out DIR``:

- ``analyze``: ``DIR/documents`` (one row per document: id, source, outlet, url, capture
  time, the searchable fields, the versions and the dossier's JSON) and ``DIR/rejected``
  (source and reason of every input that could not be analysed);
- ``duplicates``: ``DIR/pairs`` (each pair of documents that share text, with the parts
  that matched and their similarity) and ``DIR/clusters`` (one row per document of each
  cluster, with the sources it was read from).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.storagelevel import StorageLevel

from claimscope.adapters.inputs import expand_paths_by, is_uri, shown
from claimscope.adapters.spark.components import connected_components
from claimscope.adapters.spark.executor import (
    ANALYSED_SCHEMA,
    DOCUMENT_FIELDS,
    PARTS_SCHEMA,
    RAW_SCHEMA,
    RECORD_FIELDS,
    REJECTED_FIELDS,
    AnalysisSettings,
    analyse_batches,
    part_batches,
    read_files,
    verify_batches,
)
from claimscope.corpus.duplicates import PART_PREFERENCE
from claimscope.corpus.minhash import DEFAULT_SETTINGS, MinHashSettings
from claimscope.ingestion import kind_for_name

if TYPE_CHECKING:
    from pyspark.sql.column import Column

_SUPPORTED = ".txt, .html, .json, .jsonl, .warc, .parquet"
# Rows handed to Python at once: one batch of raw pages or records is analysed at a time,
# so this bounds a worker's memory (Spark's default, 10,000 pages, would not).
ARROW_BATCH_ROWS = 64


class JobError(Exception):
    """A job that cannot start (an output that exists, an input that is not one)."""


@dataclass(frozen=True)
class AnalyzeSummary:
    """What an analysis wrote."""

    documents: int
    rejected: int
    files: int
    partitions: int


@dataclass(frozen=True)
class DuplicatesSummary:
    """What a near-duplicate run found."""

    documents: int
    parts: int
    pairs: int
    clusters: int
    clustered_documents: int
    # Large-star/small-star rounds the connected components took (0: the pairs were stars).
    component_rounds: int = 0


def spark_type(arrow_type: pa.DataType) -> str:
    """The Spark SQL type of the Arrow types the executors yield."""
    if pa.types.is_list(arrow_type):
        return f"array<{spark_type(arrow_type.value_type)}>"
    names = {
        pa.string(): "string",
        pa.binary(): "binary",
        pa.int32(): "int",
        pa.int64(): "bigint",
        pa.float64(): "double",
        pa.date32(): "date",
    }
    return names[arrow_type]


def spark_schema(schema: pa.Schema) -> str:
    """An Arrow schema as the DDL string ``mapInArrow`` takes."""
    return ", ".join(f"`{field.name}` {spark_type(field.type)}" for field in schema)


# -- inputs -------------------------------------------------------------------------------------


def _kind_of(name: str) -> str | None:
    return "parquet" if name.lower().endswith(".parquet") else kind_for_name(name)


def list_inputs(paths: Sequence[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The input files with their kinds, and (source, reason) of the paths that are not.

    Local paths are expanded as ``analyze`` expands them (directories in sorted order); a
    URI (``s3://``, ``hdfs://``, ``file://``) is listed through pyarrow's file systems.
    Standard input cannot be read by executors on other machines and is refused.
    """
    files: list[tuple[str, str]] = []
    errors: list[tuple[str, str]] = []
    local: list[str] = []
    for path in paths:
        if path == "-":
            errors.append(("-", "standard input cannot be read by a Spark job: give files"))
        elif is_uri(path):
            _list_uri(path, files, errors)
        else:
            local.append(path)
    for item in expand_paths_by(local, _kind_of, "text", _SUPPORTED):
        if isinstance(item, tuple):
            files.append(item)
        else:
            errors.append((item.source, item.problem))
    return files, errors


def _list_uri(uri: str, files: list[tuple[str, str]], errors: list[tuple[str, str]]) -> None:
    from pyarrow import fs

    try:
        filesystem, inner = fs.FileSystem.from_uri(uri)
        info = filesystem.get_file_info(inner)
        if info.type == fs.FileType.NotFound:
            errors.append((uri, "no such file or directory"))
            return
        if info.type != fs.FileType.Directory:
            files.append((uri, _kind_of(uri) or "text"))
            return
        # What comes before the file system's own path: "file://", "s3://", "hdfs://host:8020".
        trimmed = uri.rstrip("/")
        prefix = (
            trimmed[: len(trimmed) - len(inner)]
            if inner and trimmed.endswith(inner)
            else uri.split("://")[0] + "://"
        )
        found = sorted(
            entry.path
            for entry in filesystem.get_file_info(fs.FileSelector(inner, recursive=True))
            if entry.type == fs.FileType.File and _kind_of(entry.base_name)
        )
    except (OSError, ValueError) as error:
        errors.append((uri, f"cannot read: {error}"))
        return
    if not found:
        errors.append((uri, f"directory holds no supported file ({_SUPPORTED})"))
    for path in found:
        files.append((prefix + path, _kind_of(path) or "text"))


def raw_inputs(spark: SparkSession, paths: Sequence[str], max_chars: int) -> tuple[DataFrame, int]:
    """Every input as RAW_SCHEMA rows (read by executors, not ingested), and the file count."""
    files, errors = list_inputs(paths)
    raw_schema = spark_schema(RAW_SCHEMA)
    parts: list[DataFrame] = []
    read = [(path, kind) for path, kind in files if kind != "parquet"]
    if read:
        # One file per task: reading parallelises over files, analysis over partitions. The
        # listing reaches the JVM as Arrow, joined to a range of one number per task: a
        # Python collection (parallelize) would start a second Python daemon, and ``spark
        # analyze``'s daemons each load the pipeline.
        files_table = pa.table(
            {
                "file": pa.array(range(len(read)), pa.int64()),
                "path": [path for path, _ in read],
                "kind": [kind for _, kind in read],
            }
        )
        listing = (
            spark.range(0, len(read), 1, len(read))
            .join(F.broadcast(spark.createDataFrame(files_table)), F.col("id") == F.col("file"))
            .select("path", "kind")
        )
        parts.append(listing.mapInArrow(partial(read_files, max_chars=max_chars), raw_schema))
    parquet = [path for path, kind in files if kind == "parquet"]
    if parquet:
        parts.append(_parquet_records(spark, parquet))
    if errors:
        rows = [(shown(source), "error", reason) for source, reason in errors]
        parts.append(
            _with_raw_columns(
                spark.createDataFrame(rows, "source string, kind string, reason string")
            )
        )
    if not parts:
        return spark.createDataFrame([], raw_schema), 0
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.unionByName(part)
    return combined, len(files)


def _parquet_records(spark: SparkSession, paths: Sequence[str]) -> DataFrame:
    """Parquet rows as records: ``text`` and the metadata columns present, read as strings.

    Read by Spark's own reader (row groups split across tasks); files whose columns differ
    are merged, a missing ``text`` leaving the rows to be rejected as records without text.
    """
    frame = spark.read.option("mergeSchema", "true").parquet(*paths)
    present = set(frame.columns)
    # Spark names the file by its URI: a local file as its path, percent-escapes decoded
    # ("+" kept: url_decode would read it as a space).
    uri = F.regexp_replace(F.col("_metadata.file_path"), r"^file:(//)?", "")
    file_path = F.url_decode(F.regexp_replace(uri, r"\+", "%2B"))
    columns: list[Column] = [
        F.concat(file_path, F.lit("#"), (F.col("_metadata.row_index") + 1).cast("string")).alias(
            "source"
        ),
        F.lit("record").alias("kind"),
    ]
    for name in RECORD_FIELDS:
        value = F.col(name).cast("string") if name in present else F.lit(None).cast("string")
        columns.append(value.alias(name))
    return _with_raw_columns(frame.select(*columns))


def _with_raw_columns(frame: DataFrame) -> DataFrame:
    """The frame with RAW_SCHEMA's columns, in order, those it lacks null."""
    present = set(frame.columns)
    return frame.select(
        *[
            F.col(field.name)
            if field.name in present
            else F.lit(None).cast(spark_type(field.type)).alias(field.name)
            for field in RAW_SCHEMA
        ]
    )


# -- analyze ------------------------------------------------------------------------------------


def analyze(
    spark: SparkSession,
    paths: Sequence[str],
    out: str,
    settings: AnalysisSettings,
    partitions: int | None = None,
    overwrite: bool = False,
) -> AnalyzeSummary:
    """Analyse every input into ``out/documents`` and ``out/rejected`` (Parquet)."""
    documents_path, rejected_path = _join(out, "documents"), _join(out, "rejected")
    _check_outputs(spark, [documents_path, rejected_path], overwrite)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH_ROWS))
    raw, files = raw_inputs(spark, paths, settings.max_chars)
    count = partitions or default_partitions(spark)
    analysed = (
        raw.repartition(count)
        .mapInArrow(partial(analyse_batches, settings=settings), spark_schema(ANALYSED_SCHEMA))
        # Both outputs read the analysis: it runs once and is kept (on disk past memory).
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    mode = "overwrite" if overwrite else "errorifexists"
    try:
        documents = analysed.where(F.col("status") == "document").select(
            *[name for name, _ in DOCUMENT_FIELDS]
        )
        documents.write.mode(mode).parquet(documents_path)
        rejected = analysed.where(F.col("status") == "rejected").select(
            *[name for name, _ in REJECTED_FIELDS]
        )
        rejected.coalesce(1).write.mode(mode).parquet(rejected_path)
        # Counted from the kept analysis: one small job, where reading both outputs back
        # would be four (listing and counting each).
        counts = {
            row["status"]: row["count"] for row in analysed.groupBy("status").count().collect()
        }
    finally:
        analysed.unpersist()
    return AnalyzeSummary(
        documents=counts.get("document", 0),
        rejected=counts.get("rejected", 0),
        files=files,
        partitions=count,
    )


def default_partitions(spark: SparkSession) -> int:
    """Analysis partitions when none are asked for: four per core, for an even load."""
    return max(1, 4 * spark.sparkContext.defaultParallelism)


def _join(directory: str, name: str) -> str:
    return directory.rstrip("/") + "/" + name


def _check_outputs(spark: SparkSession, paths: Sequence[str], overwrite: bool) -> None:
    """Refuse to start when an output exists (unless overwriting): no hour of work lost."""
    if overwrite:
        return
    jvm: Any = spark.sparkContext._jvm
    configuration = spark.sparkContext._jsc.hadoopConfiguration()
    for path in paths:
        hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
        if hadoop_path.getFileSystem(configuration).exists(hadoop_path):
            raise JobError(f"{path} exists (--overwrite replaces it)")


# -- duplicates ---------------------------------------------------------------------------------


def duplicates(
    spark: SparkSession,
    directory: str,
    out: str,
    settings: MinHashSettings = DEFAULT_SETTINGS,
    overwrite: bool = False,
) -> DuplicatesSummary:
    """Near-duplicate pairs and clusters of an ``analyze`` output, as the local functions find.

    Parts and signatures are computed by :func:`.executor.part_batches` (the local
    functions). Candidates are found by grouping parts on band keys: in each bucket every
    part is paired with the bucket's first part in (document id, part) order — the star
    the local :func:`claimscope.corpus.minhash.candidate_pairs` builds over documents in
    id order — and verified as locally. A pair of documents keeps its best-matching parts
    (:data:`claimscope.corpus.duplicates.PART_PREFERENCE` at equal similarity), and
    clusters are the connected components of the pairs, computed in Spark
    (:func:`.components.connected_components`): only counts reach the driver.
    """
    pairs_path, clusters_path = _join(out, "pairs"), _join(out, "clusters")
    _check_outputs(spark, [pairs_path, clusters_path], overwrite)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH_ROWS))
    rows = spark.read.parquet(_join(directory, "documents"))
    # The same text read from several sources is one document, with all its sources.
    documents = (
        rows.groupBy("id")
        .agg(
            F.min_by("dossier", "source").alias("dossier"),
            F.sort_array(F.collect_list("source")).alias("sources"),
        )
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    parts = (
        documents.select("id", "dossier")
        .mapInArrow(partial(part_batches, settings=settings), spark_schema(PARTS_SCHEMA))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        shared = _shared_parts(parts, settings).persist(StorageLevel.MEMORY_AND_DISK)
        components = connected_components(shared, "first_id", "second_id")
        cluster_rows = components.members
        mode = "overwrite" if overwrite else "errorifexists"
        (
            shared.join(cluster_rows.select(F.col("id").alias("first_id"), "cluster"), "first_id")
            .orderBy("first_id", "second_id")
            .select(
                "cluster",
                "first_id",
                "second_id",
                "similarity",
                "first_kind",
                "first_start",
                "first_end",
                "second_kind",
                "second_start",
                "second_end",
            )
            .write.mode(mode)
            .parquet(pairs_path)
        )
        (
            cluster_rows.join(documents.select("id", "sources"), "id")
            .orderBy("cluster", "id")
            .select("cluster", "size", "id", "sources")
            .write.mode(mode)
            .parquet(clusters_path)
        )
        summary = DuplicatesSummary(
            documents=documents.count(),
            parts=parts.count(),
            pairs=shared.count(),
            clusters=components.clusters,
            clustered_documents=components.documents,
            component_rounds=components.rounds,
        )
        shared.unpersist()
    finally:
        parts.unpersist()
        documents.unpersist()
    return summary


def _shared_parts(parts: DataFrame, settings: MinHashSettings) -> DataFrame:
    """For each pair of documents with a similar part, their best-matching parts."""
    member = F.struct("id", "ordinal")
    exploded = parts.select("id", "ordinal", F.explode("bands").alias("band"))
    heads = (
        exploded.groupBy("band")
        .agg(F.min(member).alias("head"), F.count(F.lit(1)).alias("members"))
        .where(F.col("members") > 1)
    )
    candidates = (
        exploded.join(heads, "band")
        .where(member != F.col("head"))
        .select(
            F.col("head.id").alias("first_id"),
            F.col("head.ordinal").alias("first_ordinal"),
            F.col("id").alias("second_id"),
            F.col("ordinal").alias("second_ordinal"),
        )
        # Parts of one document link nothing (the local code drops them after verifying).
        .where(F.col("first_id") != F.col("second_id"))
        .distinct()
    )

    def side(name: str) -> DataFrame:
        return parts.select(
            *[
                F.col(column).alias(f"{name}_{column}")
                for column in ("id", "ordinal", "kind", "start", "end", "signature")
            ]
        )

    joined = candidates.join(side("first"), ["first_id", "first_ordinal"]).join(
        side("second"), ["second_id", "second_ordinal"]
    )
    verified_schema = spark_schema(
        pa.schema(
            [field for field in _schema_of(joined) if not field.name.endswith("_signature")]
            + [pa.field("similarity", pa.float64())]
        )
    )
    verified = joined.mapInArrow(partial(verify_batches, settings=settings), verified_schema)

    def preference(kind: str) -> Column:
        expression = F.lit(0)
        for name, value in PART_PREFERENCE.items():
            expression = F.when(F.col(kind) == name, value).otherwise(expression)
        return expression

    # The best pair of parts: highest similarity, then preferred kinds, then (as the local
    # code meets them in part order) the earliest parts.
    best = verified.groupBy("first_id", "second_id").agg(
        F.max(
            F.struct(
                F.col("similarity"),
                (preference("first_kind") + preference("second_kind")).alias("preference"),
                (-F.col("first_ordinal")).alias("first_order"),
                (-F.col("second_ordinal")).alias("second_order"),
                *[
                    F.col(f"{side}_{column}")
                    for side in ("first", "second")
                    for column in ("kind", "start", "end")
                ],
            )
        ).alias("best")
    )
    return best.select(
        "first_id",
        "second_id",
        "best.similarity",
        *[
            f"best.{side}_{column}"
            for side in ("first", "second")
            for column in ("kind", "start", "end")
        ],
    )


def _schema_of(frame: DataFrame) -> list[pa.Field]:
    """The Arrow fields of a frame whose columns the executors' schemas define."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return list(to_arrow_schema(frame.schema))
