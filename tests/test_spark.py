"""The Spark jobs: analysis of JSONL, Parquet and WARC inputs, and near-duplicates at scale.

The tests that run Spark need the ``spark`` extra (pyspark) and Java 17; without either
they skip, saying which (``scripts/test`` installs the extra where Java is present or
installable). They share one local[2] session for the whole test run
(``tests/conftest.py``), run with the parse-reading stages disabled where the test is about
plumbing (one test compares the whole pipeline's dossiers with the command line's), and
stay a handful of documents each. The executor functions are plain functions over Arrow
batches and are tested without Spark.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

pa = pytest.importorskip("pyarrow", reason="the Spark jobs need pyarrow (the 'spark' extra)")
import pyarrow.parquet as pq  # noqa: E402

from claimscope.adapters.inputs import read_documents  # noqa: E402
from claimscope.adapters.spark import executor  # noqa: E402
from claimscope.adapters.spark.executor import AnalysisSettings  # noqa: E402
from claimscope.adapters.store import Store  # noqa: E402
from claimscope.adapters.store.imports import import_analysis  # noqa: E402
from claimscope.corpus.duplicates import find_shared_texts  # noqa: E402
from claimscope.document import Document  # noqa: E402
from claimscope.ingestion import Settings, document_from_record  # noqa: E402
from claimscope.pipeline import Pipeline, build_pipeline  # noqa: E402
from tests.conftest import EXAMPLE, SPARK_PLUMBING_DISABLED  # noqa: E402
from tests.test_corpus_cli import write_warc  # noqa: E402

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ROOT = Path(__file__).resolve().parent.parent
# Plumbing tests run the stages that need no spaCy parse: fast, and still real dossiers.
PLUMBING = AnalysisSettings(disabled=SPARK_PLUMBING_DISABLED)


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed: pip install -e '.[spark]' (scripts/test does with Java)"
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home, "bin", "java")) if java_home else shutil.which("java")
    if java is None or not Path(java).exists():
        return "no Java runtime: Spark needs Java 17 (Debian: openjdk-17-jre-headless)"
    try:
        version = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        ).stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{java} -version failed ({error}): Spark needs Java 17"
    # 'openjdk version "17.0.15"', 'java version "1.8.0_402"': the major version.
    match = re.search(r'version "(?:1\.)?(\d+)', version)
    if match is None or int(match.group(1)) < 17:
        found = match.group(1) if match else "of unknown version"
        return f"Java {found} found: Spark 4 needs Java 17 or newer"
    return None


needs_spark = pytest.mark.skipif(_spark_missing() is not None, reason=_spark_missing() or "")


# -- inputs: one bad record in each kind ----------------------------------------------------

STORY = (
    "GENEVA, March 3 (Reuters) - The court ruled on Monday in the long border dispute between "
    "the two states, officials said.\n\nBoth governments said they would respect the ruling."
)


def write_inputs(folder: Path) -> dict[str, Path]:
    """A JSONL file, a Parquet file and a WARC archive, each with a bad record."""
    folder.mkdir()
    jsonl = folder / "records.jsonl"
    jsonl.write_text(
        json.dumps({"text": STORY, "outlet": "Reuters", "url": "https://example.com/a"})
        + "\n{not json\n\n"
        + json.dumps({"text": "Another story: the tribunal ruled on the maritime border."})
        + "\n",
        encoding="utf-8",
    )
    parquet = folder / "rows 1+2.parquet"
    pq.write_table(
        pa.table(
            {
                "text": ["A treaty was signed in Vienna on Friday by the two ministers.", None],
                "title": ["Treaty signed", "No text"],
                "published": ["2024-01-02", None],
                "outlet": ["Wire", "Wire"],
            }
        ),
        parquet,
    )
    warc = folder / "crawl.warc.gz"
    write_warc(warc, broken=True)
    return {"jsonl": jsonl, "parquet": parquet, "warc": warc}


def local_dossiers(inputs: dict[str, Path]) -> dict[str, str]:
    """Each good input's dossier JSON as the local pipeline writes it, by source."""
    documents = local_documents(inputs)
    pipeline = build_pipeline(PLUMBING.disabled)
    return {
        d.source: dossier.to_json(indent=None)
        for d, dossier in zip(documents, pipeline.pipe(documents), strict=True)
    }


def local_documents(inputs: dict[str, Path]) -> list[Document]:
    """Each good input as the command line ingests it."""
    documents = [
        item
        for item in read_documents([str(inputs["jsonl"]), str(inputs["warc"])])
        if isinstance(item, Document)
    ]
    record = document_from_record(
        {
            "text": "A treaty was signed in Vienna on Friday by the two ministers.",
            "title": "Treaty signed",
            "published": "2024-01-02",
            "outlet": "Wire",
        },
        f"{inputs['parquet']}#1",
    )
    assert isinstance(record, Document)
    documents.append(record)
    return documents


@needs_spark
def test_analyze_reads_jsonl_parquet_and_warc_and_rejects_each_bad_record(
    spark: SparkSession, tmp_path: Path
) -> None:
    from claimscope.adapters.spark.jobs import analyze

    inputs = write_inputs(tmp_path / "in")
    missing = tmp_path / "missing.jsonl"
    summary = analyze(
        spark, [str(tmp_path / "in"), str(missing)], str(tmp_path / "out"), PLUMBING, 3
    )
    assert (summary.documents, summary.rejected, summary.files) == (5, 4, 3)

    documents = pq.read_table(tmp_path / "out" / "documents").to_pylist()
    by_source = {row["source"]: row for row in documents}
    jsonl, parquet, warc = (str(inputs[name]) for name in ("jsonl", "parquet", "warc"))
    assert sorted(by_source) == sorted(
        [f"{jsonl}#1", f"{jsonl}#4", f"{parquet}#1", f"{warc}#1", f"{warc}#5"]
    )
    # Metadata from the record, the Parquet columns and the WARC record's headers.
    first = by_source[f"{jsonl}#1"]
    assert (first["outlet"], first["url"], first["country"]) == (
        "Reuters",
        "https://example.com/a",
        "CH",
    )
    row = by_source[f"{parquet}#1"]
    assert (row["title"], row["outlet"], row["published"], str(row["published_on"])) == (
        "Treaty signed",
        "Wire",
        "2024-01-02",
        "2024-01-02",
    )
    page = by_source[f"{warc}#5"]
    assert (page["url"], page["captured"], page["outlet"], page["headline"]) == (
        "https://example.org/tribunal",
        "2024-03-02T08:30:00Z",
        "example.org",
        "Tribunal rules",
    )
    assert str(page["published_on"]) == "2024-03-02"
    # Each dossier is the one the local pipeline writes for the same input.
    expected = local_dossiers(inputs)
    assert {source: row["dossier"] for source, row in by_source.items()} == expected
    assert all(row["id"] == json.loads(row["dossier"])["document"]["id"] for row in documents)
    assert {row["pipeline_version"] for row in documents} == {
        build_pipeline(PLUMBING.disabled).version
    }

    rejected = {
        row["source"]: row["reason"]
        for row in pq.read_table(tmp_path / "out" / "rejected").to_pylist()
    }
    assert sorted(rejected) == sorted([f"{jsonl}#2", f"{parquet}#2", f"{warc}#6", str(missing)])
    assert rejected[f"{jsonl}#2"].startswith("malformed JSON at column 2")
    assert rejected[f"{parquet}#2"] == "malformed record: field 'text' missing or not a string"
    assert rejected[f"{warc}#6"].startswith("broken WARC record")
    assert rejected[str(missing)] == "no such file or directory"

    # The output goes into the store (`corpus import`) as each input came: one document per
    # text, a sighting per source, the input's metadata, the rejected inputs; once.
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        imported = import_analysis(store, str(tmp_path / "out"))
        again = import_analysis(store, str(tmp_path / "out"))
        stored = {item.document.source: item.document for item in store.documents()}
        sightings = sum(
            len(found)
            for found in store.sightings_of(
                list(store.known([row["id"] for row in documents]))
            ).values()
        )
        errors = sorted(source for source, _, _ in store.errors())
    assert (imported.added + imported.already_present, imported.unreadable) == (5, 0)
    assert (imported.rejected, imported.errors_added) == (4, 4)
    assert (again.added, again.sightings_added, again.errors_added) == (0, 0, 0)
    assert sightings == 5 and errors == sorted(rejected)
    for document in local_documents(inputs):
        if document.source in stored:
            assert stored[document.source] == document
    assert len(stored) == imported.added


@needs_spark
def test_input_files_are_read_one_per_task(spark: SparkSession, tmp_path: Path) -> None:
    from claimscope.adapters.spark.jobs import raw_inputs

    for number in range(5):
        lines = [json.dumps({"text": f"Story {number}.{line}."}) for line in range(3)]
        (tmp_path / f"{number}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw, files = raw_inputs(spark, [str(tmp_path)], PLUMBING.max_chars)
    # Each task's rows name the files it read.
    read_by_task = (
        raw.select("source").rdd.glom().map(lambda rows: {r.source.split("#")[0] for r in rows})
    ).collect()
    assert files == 5
    assert sorted(len(names) for names in read_by_task) == [1, 1, 1, 1, 1]
    assert set().union(*read_by_task) == {str(tmp_path / f"{n}.jsonl") for n in range(5)}


@needs_spark
def test_an_existing_output_is_refused_before_any_work(spark: SparkSession, tmp_path: Path) -> None:
    from claimscope.adapters.spark.jobs import JobError, analyze

    (tmp_path / "out" / "documents").mkdir(parents=True)
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": STORY}) + "\n", encoding="utf-8")
    with pytest.raises(JobError, match="exists"):
        analyze(spark, [str(tmp_path / "in.jsonl")], str(tmp_path / "out"), PLUMBING)


def _probe(batches: Iterator[Any], settings: AnalysisSettings) -> Iterator[Any]:
    """The analysis, then one row saying which process ran it (and forked it), how many
    pipelines it holds and which process built the one it used."""
    import pyarrow

    from claimscope.adapters.spark import executor as worker

    analysed = sum(batch.num_rows for batch in worker.analyse_batches(batches, settings))
    builder = worker.pipeline_builders[(settings.disabled, settings.max_seconds)]
    yield pyarrow.RecordBatch.from_pylist(
        [
            {
                "pid": os.getpid(),
                "parent": os.getppid(),
                "builds": worker.pipelines_built,
                "builder": builder,
                "rows": analysed,
            }
        ]
    )


@needs_spark
def test_the_pipeline_is_built_once_in_the_daemon_and_shared_by_its_workers(
    spark: SparkSession, tmp_path: Path
) -> None:
    from functools import partial

    from pyspark import cloudpickle

    from claimscope.adapters.spark.jobs import raw_inputs

    lines = [
        json.dumps({"text": f"Story number {n}: the council met on Monday."}) for n in range(24)
    ]
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw, _ = raw_inputs(spark, [str(tmp_path / "many.jsonl")], PLUMBING.max_chars)
    # Workers cannot import this test module: the probe travels by value.
    register: Callable[[ModuleType], None] = cloudpickle.register_pickle_by_value
    unregister: Callable[[ModuleType], None] = cloudpickle.unregister_pickle_by_value
    register(sys.modules[__name__])
    try:
        reports = (
            raw.repartition(8)
            .mapInArrow(
                partial(_probe, settings=PLUMBING),
                "pid long, parent long, builds long, builder long, rows long",
            )
            .collect()
        )
    finally:
        unregister(sys.modules[__name__])
    assert len(reports) == 8 and sum(report.rows for report in reports) == 24
    processes = {report.pid for report in reports}
    daemons = {report.parent for report in reports}
    # Eight partitions on two cores: Python workers were reused across partitions. None
    # built a pipeline: each holds the one its daemon built before forking it.
    assert len(processes) < 8 and len(daemons) == 1
    assert {report.builds for report in reports} == {1}
    assert {report.builder for report in reports} == daemons


# -- near-duplicates ------------------------------------------------------------------------

P1 = (
    "The ministry said on Tuesday that the new border crossing would open in March, allowing "
    "trucks carrying food and medicine to reach the region for the first time since the road "
    "was closed two years ago."
)
P2 = (
    "Officials in the capital said the agreement followed months of talks mediated by "
    "neighbouring states, and that customs officers from both sides would staff the crossing "
    "around the clock once it opened."
)
P3 = (
    "Aid agencies welcomed the decision but warned that the crossing alone would not meet the "
    "needs of the hundreds of thousands of people who have relied on air drops and smuggled "
    "goods since the closure."
)
STATEMENT = (
    "We, the undersigned organisations, call on all parties to the conflict to respect the "
    "ceasefire agreed last month, to allow humanitarian convoys to pass without delay, and to "
    "release every civilian detained without charge since the fighting began.\n\n"
    "We further urge the governments of the region to fund the reconstruction of the "
    "hospitals and schools destroyed in the fighting, and to guarantee the safe return of the "
    "families who fled their homes."
)
DUPLICATE_TEXTS = {
    "original": f"{P1}\n\n{P2}\n\n{P3}",
    "edited": (
        f"{P1.replace('Tuesday', 'Wednesday')}\n\n{P2}\n\n{P3.replace('welcomed', 'praised')}"
    ),
    # The same text from another source: one document with two sources.
    "copy": f"{P1}\n\n{P2}\n\n{P3}",
    "unrelated": (
        "The national football team won its qualifying match on Saturday with two late goals, "
        "keeping alive its hopes of reaching the finals next summer after a difficult campaign."
    ),
    # One statement embedded in two differently framed articles.
    "statement_a": (
        "Twelve aid groups published a joint statement on Monday about the war in the north."
        f"\n\nThe statement reads:\n\n“{STATEMENT}”\n\nThe government has not responded."
    ),
    "statement_b": (
        "GENEVA, May 4 (Reuters) - A coalition of relief organisations on Monday demanded an "
        "end to arbitrary detentions, in a letter sent to the regional bloc.\n\nThe letter "
        f"says:\n\n“{STATEMENT}”\n\nA spokesman said leaders would discuss it in June."
    ),
    "reused_paragraph": (
        f"Markets were calm on Thursday as traders waited for the central bank.\n\n{P3}\n\n"
        "Shares in shipping companies rose slightly in early trading in the capital."
    ),
}


@needs_spark
def test_duplicates_job_finds_the_local_clusters(spark: SparkSession, tmp_path: Path) -> None:
    from claimscope.adapters.spark.jobs import analyze, duplicates

    folder = tmp_path / "in"
    folder.mkdir()
    with (folder / "texts.jsonl").open("w", encoding="utf-8") as handle:
        for name, text in DUPLICATE_TEXTS.items():
            handle.write(json.dumps({"text": text, "title": name}) + "\n")
    analyze(spark, [str(folder)], str(tmp_path / "analysed"), PLUMBING, 2)
    summary = duplicates(spark, str(tmp_path / "analysed"), str(tmp_path / "dups"))

    # The local functions on the same documents, in id order (as the job orders them).
    rows = pq.read_table(tmp_path / "analysed" / "documents").to_pylist()
    dossiers = {row["id"]: json.loads(row["dossier"]) for row in rows}
    names = {row["id"]: row["title"] for row in rows if row["title"] != "copy"}
    ids = sorted(dossiers)
    shared, clusters = find_shared_texts(
        [dossiers[i]["document"]["text"] for i in ids],
        [[(s["start"], s["end"]) for s in dossiers[i]["statements"]] for i in ids],
    )
    expected_pairs = {
        (ids[link.first], ids[link.second]): (
            link.similarity,
            (link.first_part.kind, link.first_part.start, link.first_part.end),
            (link.second_part.kind, link.second_part.start, link.second_part.end),
        )
        for link in shared
    }
    expected_clusters = [[ids[index] for index in cluster] for cluster in clusters]
    # Checked by hand: the edit and the copy of the story, the statement in two framings,
    # the paragraph reused in a markets report; the football report alone.
    assert sorted(sorted(names[i] for i in cluster) for cluster in expected_clusters) == [
        ["edited", "original", "reused_paragraph"],
        ["statement_a", "statement_b"],
    ]
    kinds = {
        tuple(sorted((names[a], names[b]))): (first[0], second[0])
        for (a, b), (_, first, second) in expected_pairs.items()
    }
    assert kinds[("statement_a", "statement_b")] == ("statement", "statement")

    pairs = pq.read_table(tmp_path / "dups" / "pairs").to_pylist()
    found_pairs = {
        (row["first_id"], row["second_id"]): (
            row["similarity"],
            (row["first_kind"], row["first_start"], row["first_end"]),
            (row["second_kind"], row["second_start"], row["second_end"]),
        )
        for row in pairs
    }
    assert found_pairs == expected_pairs
    cluster_rows = pq.read_table(tmp_path / "dups" / "clusters").to_pylist()
    found: dict[int, list[str]] = {}
    for row in cluster_rows:
        found.setdefault(row["cluster"], []).append(row["id"])
        assert row["size"] == len([r for r in cluster_rows if r["cluster"] == row["cluster"]])
    assert [found[number] for number in sorted(found)] == expected_clusters
    # The copy is the original's second source, not a document of its own.
    original = next(i for i, name in names.items() if name == "original")
    sources = next(row["sources"] for row in cluster_rows if row["id"] == original)
    assert len(sources) == 2
    assert (summary.documents, summary.pairs, summary.clusters) == (6, len(expected_pairs), 2)


def _scipy_clusters(edges: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(cluster, size, id) as the local command numbers scipy's components: from 1, in the
    order of each component's smallest id."""
    import numpy as np

    from claimscope.corpus.minhash import connected_groups

    ids = sorted({node for edge in edges for node in edge})
    index = {node: number for number, node in enumerate(ids)}
    links = np.array([(index[first], index[second]) for first, second in edges], dtype=np.intp)
    groups = connected_groups(len(ids), links)
    return [
        (number, len(group), ids[member])
        for number, group in enumerate(groups, 1)
        for member in group
    ]


# A path through 16 ids in a scrambled order (a00 a07 a14 a05 … a09), a path b00 … b11, and
# one late edge joining their far ends (a09, b11): a single component of 28 documents whose
# smallest id, a00, is 27 links from b00. Then a pair, a star whose centre is not its
# smallest id, a repeated and a reversed edge, and a self-link, which links nothing.
SCRAMBLED = [f"a{(step * 7) % 16:02d}" for step in range(16)]
ORDERED = [f"b{step:02d}" for step in range(12)]
LATE_EDGE = (SCRAMBLED[-1], ORDERED[-1])
GRAPH = [
    *pairwise(SCRAMBLED),
    *pairwise(ORDERED),
    ("c1", "c0"),
    *[("s9", f"s{leaf}") for leaf in range(1, 5)],
    ("b03", "b02"),
    ("b02", "b03"),
    ("c0", "c0"),
    LATE_EDGE,
]


@needs_spark
@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        (GRAPH, [("a00", 28), ("c0", 2), ("s1", 5)]),
        # Without the late edge the paths are two components.
        (
            [edge for edge in GRAPH if edge != LATE_EDGE],
            [("a00", 16), ("b00", 12), ("c0", 2), ("s1", 5)],
        ),
        ([], []),
    ],
    ids=["late-edge", "two-paths", "no-pairs"],
)
def test_duplicates_components_in_spark_are_scipys(
    spark: SparkSession, edges: list[tuple[str, str]], expected: list[tuple[str, int]]
) -> None:
    from claimscope.adapters.spark.components import connected_components

    pairs = spark.createDataFrame(edges, "first_id string, second_id string")
    components = connected_components(pairs, "first_id", "second_id")

    found = sorted((row["cluster"], row["size"], row["id"]) for row in components.members.collect())
    assert found == sorted(_scipy_clusters(edges) if edges else [])
    # Checked by hand: each cluster's smallest id and size, in the order of those ids.
    smallest: dict[int, str] = {}
    for cluster, size, member in found:
        smallest[cluster] = min(smallest.get(cluster, member), member)
        assert size == sum(1 for other, _, _ in found if other == cluster)
    sizes = {cluster: size for cluster, size, _ in found}
    assert [(smallest[number], sizes[number]) for number in sorted(sizes)] == expected
    assert (components.clusters, components.documents) == (
        len(expected),
        sum(size for _, size in expected),
    )
    if edges:
        # A path needs several rounds, far fewer than its 27 links (min-label propagation).
        assert 2 <= components.rounds <= 12
    else:
        assert components.rounds == 0


# -- the whole pipeline ----------------------------------------------------------------------

CITING = (
    "UNITED NATIONS, Jan. 5 (Reuters) - The Security Council adopted resolution 2334 (2016) "
    'on Friday, diplomats said. "This is a turning point," the ambassador told reporters. '
    "The International Court of Justice ordered provisional measures on 26 January 2024."
)


@needs_spark
def test_every_dossier_of_the_job_equals_the_command_lines(
    spark: SparkSession, pipeline: Pipeline, tmp_path: Path
) -> None:
    """A sample through every stage (parse, models, techniques): ids and every field equal."""
    from claimscope.adapters.spark.jobs import analyze

    records = tmp_path / "records.jsonl"
    records.write_text(
        "".join(json.dumps({"text": text}) + "\n" for text in (STORY, CITING)), encoding="utf-8"
    )
    inputs = [str(records), str(EXAMPLE)]
    # One partition: one Python worker builds the whole pipeline once.
    summary = analyze(spark, inputs, str(tmp_path / "out"), AnalysisSettings(), 1)
    assert (summary.documents, summary.rejected) == (3, 0)
    rows = pq.read_table(tmp_path / "out" / "documents", columns=["id", "source", "dossier"])
    found = {row["source"]: (row["id"], row["dossier"]) for row in rows.to_pylist()}
    documents = [item for item in read_documents(inputs) if isinstance(item, Document)]
    expected = {
        document.source: (document.id, dossier.to_json(indent=None))
        for document, dossier in zip(documents, pipeline.pipe(documents), strict=True)
    }
    assert found == expected
    # Not an empty comparison: the sample reaches the parse-reading stages and the models.
    layers = [json.loads(dossier) for _, dossier in found.values()]
    for name in ("entities", "voices", "claims", "citations", "signatories"):
        assert any(layer[name] for layer in layers), name


# -- the launcher and the command line -------------------------------------------------------


@needs_spark
def test_spark_submit_runs_the_launcher(tmp_path: Path) -> None:
    from pyspark.find_spark_home import _find_spark_home

    import claimscope.adapters.spark.submit as launcher

    (tmp_path / "in.jsonl").write_text(json.dumps({"text": STORY}) + "\n[1, 2]\n", encoding="utf-8")
    submit = Path(_find_spark_home()) / "bin" / "spark-submit"
    environment = {
        **os.environ,
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [
            str(submit),
            "--master",
            "local[1]",
            "--conf",
            "spark.ui.enabled=false",
            launcher.__file__,
            "analyze",
            str(tmp_path / "in.jsonl"),
            "--out",
            str(tmp_path / "out"),
            *[f"--disable={stage}" for stage in PLUMBING.disabled],
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=600,
    )
    # One record rejected: exit status 2, as for `claimscope analyze`. (spark-submit runs the
    # Python driver with its standard error joined to standard output.)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output[-3000:]
    assert "claimscope: 1 document(s), 1 rejected" in output
    rejected = pq.read_table(tmp_path / "out" / "rejected").to_pylist()
    assert rejected == [
        {
            "source": f"{tmp_path / 'in.jsonl'}#2",
            "reason": "malformed record: expected a JSON object, got list",
        }
    ]


def test_without_the_extra_the_command_exits_2_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from claimscope.adapters.cli import app

    for name in [name for name in sys.modules if name.split(".")[0] == "pyspark"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    result = CliRunner().invoke(app, ["spark", "analyze", "in.jsonl", "--out", "out"])
    assert result.exit_code == 2
    assert "claimscope[spark]" in result.output
    assert CliRunner().invoke(app, ["--help"]).exit_code == 0


def test_nothing_outside_the_spark_adapter_imports_pyspark() -> None:
    import ast

    source = ROOT / "src" / "claimscope"
    spark_package = source / "adapters" / "spark"
    offenders = []
    for path in source.rglob("*.py"):
        if spark_package in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0] == "pyspark" for name in names):
                offenders.append(str(path.relative_to(source)))
    assert offenders == []


# -- executor functions, without Spark ----------------------------------------------------------


def test_an_overlong_jsonl_line_is_rejected_and_the_next_lines_still_read(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    good = json.dumps({"text": "A short story about the council."})
    path.write_text(f"{good}\n{json.dumps({'text': 'x' * 500})}\n\n{good}\n", encoding="utf-8")
    listing = pa.RecordBatch.from_pylist([{"path": str(path), "kind": "jsonl"}])
    raw = [
        row for batch in executor.read_files([listing], max_chars=100) for row in batch.to_pylist()
    ]
    assert [row["source"] for row in raw] == [f"{path}#1", f"{path}#2", f"{path}#4"]
    # The long line is cut at the limit, so no worker holds a line of any size.
    assert len(raw[1]["data"]) == 401
    results = [item for row in raw for item in executor.ingest(row, Settings(max_chars=100))]
    assert isinstance(results[0], Document) and isinstance(results[2], Document)
    assert str(results[1]).startswith(f"{path}#2: input too large")


def test_a_uri_input_is_listed_and_read_through_pyarrow(tmp_path: Path) -> None:
    from claimscope.adapters.spark.jobs import list_inputs

    (tmp_path / "a.jsonl").write_text(json.dumps({"text": STORY}) + "\n", encoding="utf-8")
    (tmp_path / "b.parquet").write_bytes(b"")
    (tmp_path / "notes.pdf").write_bytes(b"")
    files, errors = list_inputs([tmp_path.as_uri(), (tmp_path / "gone").as_uri(), "-"])
    assert files == [
        (f"{tmp_path.as_uri()}/a.jsonl", "jsonl"),
        (f"{tmp_path.as_uri()}/b.parquet", "parquet"),
    ]
    assert [source for source, _ in errors] == [(tmp_path / "gone").as_uri(), "-"]
    listing = pa.RecordBatch.from_pylist([{"path": files[0][0], "kind": "jsonl"}])
    raw = [row for batch in executor.read_files([listing], 1000) for row in batch.to_pylist()]
    assert [(row["source"], row["kind"]) for row in raw] == [(f"{files[0][0]}#1", "line")]


def test_a_document_the_pipeline_fails_on_is_rejected_and_the_batch_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from claimscope.analysis import Analysis

    class Exploding:
        name = "exploding"
        needs_parse = False

        def __call__(self, analysis: Analysis) -> None:
            if "explode" in analysis.document.text:
                raise RuntimeError("a bug met on one document")

    pipeline = build_pipeline(PLUMBING.disabled)
    pipeline.stages.append(Exploding())
    monkeypatch.setattr(executor, "pipeline_for", lambda settings: pipeline)
    rows = [
        {"source": f"in.jsonl#{n}", "kind": "line", "data": json.dumps({"text": text}).encode()}
        for n, text in enumerate(["The council met.", "Please explode now.", "It rained."], 1)
    ]
    batch = pa.RecordBatch.from_pylist(rows, schema=executor.RAW_SCHEMA)
    out = [row for b in executor.analyse_batches([batch], PLUMBING) for row in b.to_pylist()]
    assert [(row["status"], row["source"]) for row in out] == [
        ("document", "in.jsonl#1"),
        ("rejected", "in.jsonl#2"),
        ("document", "in.jsonl#3"),
    ]
    assert out[1]["reason"] == "analysis failed: RuntimeError: a bug met on one document"


# -- the analysis daemon (no Spark needed) --------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        AnalysisSettings(),
        AnalysisSettings(disabled=("claims", "techniques"), max_seconds=None),
        AnalysisSettings(disabled=("voices",), max_seconds=7.5, max_chars=10, country="FR"),
    ],
)
def test_the_daemon_is_told_the_pipeline_to_build(settings: AnalysisSettings) -> None:
    from claimscope.adapters.spark.daemon import PIPELINE_VARIABLE, daemon_settings, settings_from

    configuration = daemon_settings(settings)
    assert configuration["spark.python.daemon.module"] == "claimscope.adapters.spark.daemon"
    told = settings_from(configuration[f"spark.executorEnv.{PIPELINE_VARIABLE}"])
    # What the pipeline is built from travels; ingestion's settings go with each job.
    assert (told.disabled, told.max_seconds) == (settings.disabled, settings.max_seconds)


def test_the_daemon_builds_the_pipeline_in_its_own_process_and_prints_nothing_on_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimscope.adapters.spark import daemon

    settings = AnalysisSettings(disabled=(*PLUMBING.disabled, "signatories"))
    monkeypatch.setenv(
        daemon.PIPELINE_VARIABLE,
        daemon.daemon_settings(settings)[f"spark.executorEnv.{daemon.PIPELINE_VARIABLE}"],
    )
    assert daemon.load_pipeline() is True
    assert executor.pipeline_builders[(settings.disabled, settings.max_seconds)] == os.getpid()
    # The daemon's standard output carries its port to Spark.
    assert capsys.readouterr().out == ""


def test_a_daemon_whose_pipeline_fails_to_load_still_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimscope.adapters.spark import daemon

    monkeypatch.setenv(
        daemon.PIPELINE_VARIABLE, '{"disabled": ["no such stage"], "max_seconds": 1}'
    )
    assert daemon.load_pipeline() is True
    printed = capsys.readouterr()
    assert printed.out == ""
    assert "the pipeline did not load in the daemon" in printed.err
    assert "no such stage" in printed.err
    monkeypatch.delenv(daemon.PIPELINE_VARIABLE)
    assert daemon.load_pipeline() is False
