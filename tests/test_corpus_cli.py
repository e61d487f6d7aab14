"""``claimscope corpus …`` end to end, on SQLite and PostgreSQL.

Every run disables the stages that read spaCy's parse (store_support.NO_PARSE) so that a
process starts in seconds; what the store does does not depend on which stages ran.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from claimscope.adapters.corpus_commands import EXPORT_FIELDS
from claimscope.adapters.store import Filters, Store
from tests.conftest import EXAMPLE, run_cli
from tests.store_support import (
    NO_PARSE,
    corpus,
    disable_arguments,
)
from tests.store_support import store_url as store_url  # the fixture

FAST = disable_arguments()
HOSTILE_TEXT = 'KYIV, March 3 - <script>alert("x")</script> & <b>bold</b> claims were made.\n'


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A folder with two copies of one text, an empty file, good and bad JSONL records."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "a.txt").write_text("LONDON, Feb 26 - The first story says something.\n")
    (folder / "b.txt").write_text("LONDON, Feb 26 - The first story says something.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "hostile.txt").write_text(HOSTILE_TEXT)
    (folder / "r.jsonl").write_text(
        json.dumps({"text": "PARIS, March 1 - Cats sleep.", "outlet": "AFP"}) + "\n{oops\n"
    )
    return folder


def summary(stderr: str) -> str:
    return stderr.strip().splitlines()[-1]


def test_add_twice_adds_nothing_the_second_time(store_url: str, inputs: Path) -> None:
    first = corpus("add", str(inputs), "--db", store_url, *FAST)
    assert first.returncode == 2, first.stderr  # inputs were rejected
    assert "3 added, 1 already present, 2 rejected" in summary(first.stderr)
    assert f"skipped {inputs / 'empty.txt'}: empty input" in first.stderr
    second = corpus("add", str(inputs), "--db", store_url, *FAST, "--format", "json")
    assert "0 added, 4 already present, 2 rejected" in summary(second.stderr)
    counts = json.loads(second.stdout)
    assert (counts["added"], counts["already_present"], counts["rejected"]) == (0, 4, 2)
    assert counts["sightings_added"] == 0

    stats = json.loads(corpus("stats", "--db", store_url, "--format", "json").stdout)
    assert (stats["documents"], stats["sightings"], stats["rejected_inputs"]) == (3, 4, 2)
    errors = json.loads(corpus("errors", "--db", store_url, "--format", "json").stdout)
    assert sorted((item["source"], item["reason"][:14]) for item in errors) == [
        (str(inputs / "empty.txt"), "empty input"),
        (f"{inputs / 'r.jsonl'}#2", "malformed JSON"),
    ]


def test_listing_commands_print_tables_and_json(store_url: str, inputs: Path) -> None:
    corpus("add", str(inputs), "--db", store_url, *FAST)
    hits = json.loads(corpus("search", "cats", "--db", store_url, "--format", "json").stdout)
    assert [hit["outlet"] for hit in hits] == ["AFP"]
    assert hits[0]["snippet"][slice(*hits[0]["highlights"][0])] == "Cats"
    filtered = corpus("search", "--outlet", "afp", "--db", store_url, "--format", "json")
    assert [hit["id"] for hit in json.loads(filtered.stdout)] == [hits[0]["id"]]
    for command in ("search", "stats", "errors"):
        arguments = [command, "story"] if command == "search" else [command]
        table = corpus(*arguments, "--db", store_url)
        assert table.returncode == 0, table.stderr
        assert "┃" in table.stdout or "│" in table.stdout  # a Rich table


def test_show_prints_a_stored_dossier_in_analyze_formats(store_url: str, inputs: Path) -> None:
    corpus("add", str(inputs), "--db", store_url, *FAST)
    analysed = run_cli("analyze", str(inputs / "hostile.txt"), "--format", "json", *FAST)
    dossier = json.loads(analysed.stdout)
    prefix = dossier["document"]["id"].removeprefix("sha256:")[:10]
    shown = corpus("show", prefix, "--db", store_url, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == dossier
    html = corpus("show", prefix, "--db", store_url, "--format", "html").stdout
    assert "&lt;script&gt;alert(" in html
    assert '<script>alert("x")' not in html
    markdown = corpus("show", prefix, "--db", store_url, "--format", "markdown")
    assert markdown.returncode == 0 and "KYIV" in markdown.stdout
    missing = corpus("show", "0000000000", "--db", store_url)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "claimscope: error: no stored document with id 0000000000"


def test_export_formats(store_url: str, inputs: Path, tmp_path: Path) -> None:
    corpus("add", str(inputs), "--db", store_url, *FAST)
    jsonl = corpus("export", "--db", store_url, "--format", "jsonl")
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(rows) == 3
    by_outlet = {row["outlet"]: row for row in rows}
    assert by_outlet["AFP"]["sightings"] == 1
    assert by_outlet["AFP"]["dossier"]["document"]["text"] == "PARIS, March 1 - Cats sleep."
    twice = next(row for row in rows if row["sightings"] == 2)
    assert sorted(twice["sources"]) == [str(inputs / "a.txt"), str(inputs / "b.txt")]

    out = tmp_path / "corpus.csv"
    result = corpus("export", "--db", store_url, "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 3 and tuple(table[0]) == EXPORT_FIELDS
    assert {row["id"] for row in table} == {row["id"] for row in rows}

    pyarrow_parquet = pytest.importorskip("pyarrow.parquet")
    parquet = tmp_path / "corpus.parquet"
    result = corpus("export", "--db", store_url, "--format", "parquet", "--out", str(parquet))
    assert result.returncode == 0, result.stderr
    read = pyarrow_parquet.read_table(parquet).to_pylist()
    assert {row["id"] for row in read} == {row["id"] for row in rows}
    assert sorted(next(r for r in read if r["sightings"] == 2)["sources"]) == sorted(
        twice["sources"]
    )
    assert corpus("export", "--db", store_url, "--format", "parquet").returncode == 2


# --db or CLAIMSCOPE_DB -> what the one error line must say
BAD_STORES = [
    (["--db", "mysql://user@localhost/corpus"], {}, "unsupported database 'mysql'"),
    (["--db", "sqlite://"], {}, "an in-memory SQLite database would lose everything"),
    (["--db", "://nothing"], {}, "not a database URL"),
    (["--db", ""], {}, "--db: empty database URL"),
    (
        ["--db", "postgresql+psycopg://postgres@127.0.0.1:1/corpus"],
        {},
        "cannot open the store: connection failed",
    ),
    ([], {"CLAIMSCOPE_DB": "oracle://x@y/z"}, "CLAIMSCOPE_DB 'oracle://x@y/z': unsupported"),
]


@pytest.mark.parametrize(("arguments", "environment", "message"), BAD_STORES)
def test_bad_store_exits_2_with_one_line(
    arguments: list[str],
    environment: dict[str, str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = corpus("stats", *arguments, env=environment)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("claimscope: error: ")
    assert message in lines[0]
    assert not list(tmp_path.iterdir())  # no claimscope.db left behind


def test_unusable_sqlite_files_exit_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a database\n" * 100)
    for target, message in (
        (tmp_path / "notes.txt", "file is not a database"),
        (tmp_path / "missing" / "store.db", "unable to open database file"),
        (tmp_path, "unable to open database file"),
    ):
        result = corpus("stats", "--db", str(target))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], result.stderr
        assert str(target) in lines[0]


def test_default_store_and_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("ROME, May 2 - A story.\n")
    result = corpus("add", "a.txt", *FAST)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "claimscope.db").exists()
    other = tmp_path / "other.db"
    corpus("add", "a.txt", *FAST, env={"CLAIMSCOPE_DB": str(other)})
    stats = corpus("stats", "--format", "json", env={"CLAIMSCOPE_DB": str(other)})
    assert json.loads(stats.stdout)["store"] == f"sqlite:///{other}"
    # --db wins over the environment
    stats = corpus(
        "stats",
        "--format",
        "json",
        "--db",
        "claimscope.db",
        env={"CLAIMSCOPE_DB": str(other)},
    )
    assert json.loads(stats.stdout)["store"] == f"sqlite:///{tmp_path / 'claimscope.db'}"


def write_warc(path: Path, *, broken: bool) -> None:
    """A WARC file: two HTML pages, an image, a request, a 404 page; then a broken record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def page(title: str) -> bytes:
        sentence = f"The {title} ruled on Monday in the long border dispute between the states. "
        return (
            f"<html><head><title>{title} rules</title></head><body><article><h1>{title} "
            f"rules</h1><p>{sentence * 4}</p></article></body></html>"
        ).encode()

    html = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.suffix == ".gz")

        def record(
            uri: str,
            kind: str,
            body: bytes,
            headers: StatusAndHeaders | None,
            when: str = "2024-03-01T12:00:00Z",
        ) -> None:
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    kind,
                    payload=io.BytesIO(body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": when},
                )
            )

        record("https://example.org/court", "response", page("Court"), html)
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        record("https://example.org/logo.png", "response", b"\x89PNG\r\n", image)
        record("https://example.org/b", "request", b"GET /b HTTP/1.1\r\n\r\n", None)
        missing = StatusAndHeaders(
            "404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1"
        )
        record("https://example.org/gone", "response", page("Nothing"), missing)
        record(
            "https://example.org/tribunal",
            "response",
            page("Tribunal"),
            html,
            "2024-03-02T08:30:00Z",
        )
        if broken:
            out.write(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5000\r\n\r\ncut")


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_records_are_read_as_pages(tmp_path: Path, name: str) -> None:
    from claimscope.adapters.inputs import read_documents
    from claimscope.document import Document

    path = tmp_path / name
    write_warc(path, broken=True)
    items = list(read_documents([str(path)]))
    documents = [item for item in items if isinstance(item, Document)]
    problems = [str(item) for item in items if not isinstance(item, Document)]
    assert [(d.source, d.hints.url, d.hints.captured) for d in documents] == [
        (f"{path}#1", "https://example.org/court", "2024-03-01T12:00:00Z"),
        (f"{path}#5", "https://example.org/tribunal", "2024-03-02T08:30:00Z"),
    ]
    assert documents[0].text.startswith("Court rules")
    assert len(problems) == 1 and problems[0].startswith(f"{path}#6: broken WARC record")


def test_bad_warc_files_are_one_error_each(tmp_path: Path) -> None:
    from claimscope.adapters.inputs import read_documents

    (tmp_path / "empty.warc").write_bytes(b"")
    (tmp_path / "garbage.warc").write_bytes(b"this is not an archive\n")
    (tmp_path / "garbage.warc.gz").write_bytes(b"\x1f\x8b not gzip")
    (tmp_path / "images.warc").write_bytes(b"")
    problems = [str(item) for item in read_documents([str(tmp_path)])]
    assert [problem.split(": ", 1)[0] for problem in problems] == [
        str(tmp_path / "empty.warc"),
        f"{tmp_path / 'garbage.warc'}#1",
        f"{tmp_path / 'garbage.warc.gz'}#1",
        str(tmp_path / "images.warc"),
    ]


def test_corpus_add_keeps_a_warc_capture_as_a_sighting(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, broken=True)
    result = corpus("add", str(path), "--db", store_url, *FAST)
    assert "2 added, 0 already present, 1 rejected" in summary(result.stderr)
    with Store.open(store_url) as store:
        hit = store.search("tribunal")[0]
        sightings = store.sightings(hit.id)
        assert [(s.source, s.url, s.captured_at, s.outlet) for s in sightings] == [
            (f"{path}#5", "https://example.org/tribunal", "2024-03-02T08:30:00Z", "example.org")
        ]
        # No publication date: the capture date stands in for the date filters.
        since = store.search(None, Filters(since=date(2024, 3, 2)))
        assert [found.id for found in since] == [hit.id]
    analysed = run_cli("analyze", str(path), "--format", "jsonl", *FAST)
    assert len(analysed.stdout.splitlines()) == 2


def test_reanalyze_brings_stored_dossiers_up_to_date(store_url: str) -> None:
    anatomy_only = disable_arguments(("statements", "signatories", "citations", *NO_PARSE))
    corpus("add", str(EXAMPLE), "--db", store_url, *anatomy_only)
    with Store.open(store_url) as store:
        assert store.search(None, Filters(signatory="Burhan")) == []
    result = corpus("reanalyze", "--db", store_url, *FAST)
    assert result.returncode == 0, result.stderr
    assert "1 dossier(s) re-analysed with the pipeline" in result.stderr
    with Store.open(store_url) as store:
        [hit] = store.search(None, Filters(signatory="Burhan", country="KE"))
        stored = store.get(hit.id)
        assert stored is not None
        assert (
            stored.pipeline_version == "claimscope 0.1.0 (anatomy,statements,signatories,citations)"
        )
        assert len(stored.dossier.signatories) == 14
        before = stored.dossier
    again = corpus("reanalyze", "--db", store_url, *FAST)
    assert "0 dossier(s) re-analysed" in again.stderr  # nothing stale: a rerun resumes
    one_stage = corpus("reanalyze", "--db", store_url, "--stage", "citations", "--all", *FAST)
    assert "1 dossier(s) re-analysed with citations and the stages after it" in one_stage.stderr
    with Store.open(store_url) as store:
        after = store.get(hit.id)
        assert after is not None and after.dossier == before
    bad = corpus("reanalyze", "--db", store_url, "--stage", "voices", *FAST)
    assert bad.returncode == 2 and "--stage voices: not a stage of this pipeline" in bad.stderr
