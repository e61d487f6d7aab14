"""The JSON API and the app's security, through Starlette's test client (no browser).

The pipeline here runs without the stages that read spaCy's parse (the API's shape does
not depend on them; the browser tests run the whole pipeline).
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.web_support import EXAMPLE_TEXT, PARSE_STAGES, store_settings

pytest.importorskip("fastapi")

with warnings.catch_warnings():
    # Starlette's test client warns that a later release wants httpx2 instead of httpx.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from claimscope.adapters.web.app import create_app
from claimscope.adapters.web.security import CONTENT_SECURITY_POLICY, safe_next
from claimscope.adapters.web.state import record_source
from claimscope.dossier import json_schema
from claimscope.evidence.matching import embeddings_available
from tests.conftest import EXAMPLE_SIGNATORIES, run_cli

BASE = "https://127.0.0.1:8000"  # the cookies are Secure: httpx sends them over HTTPS only


def client_for(folder: Path, **settings: Any) -> TestClient:
    """A test client of an app over a new store (use it in a with block: runs the lifespan)."""
    values = {"disabled": PARSE_STAGES, "warm_up": False, **settings}
    return TestClient(create_app(store_settings(folder, **values)), base_url=BASE)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with client_for(tmp_path_factory.mktemp("api"), sync_chars=20_000) as client:
        yield client


def record(text: str, **fields: str) -> dict[str, str]:
    return {"text": text, **fields}


def wait_for_job(client: TestClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return dict(job)
        time.sleep(0.1)


# ---- analyse ----------------------------------------------------------------------------


def test_a_json_record_is_analysed_stored_and_returned_as_a_dossier(client: TestClient) -> None:
    response = client.post("/api/v1/analyze", json=record(EXAMPLE_TEXT, outlet="Trend"))
    assert response.status_code == 200, response.text
    dossier = response.json()
    jsonschema.validate(dossier, json_schema())
    headline = EXAMPLE_TEXT.splitlines()[0]
    assert dossier["anatomy"]["headline"]["text"] == headline
    assert [s["person"] for s in dossier["signatories"]] == [s[0] for s in EXAMPLE_SIGNATORIES]
    location = response.headers["location"]
    assert location == f"/api/v1/documents/{dossier['document']['id']}"
    stored = client.get(location).json()
    assert stored["dossier"] == dossier
    assert [(s["source"], s["outlet"]) for s in stored["sightings"]] == [
        ("api:record (Trend)", "Trend")
    ]
    # The same text again is the same document, not analysed or stored twice.
    again = client.post("/api/v1/analyze", json=record(EXAMPLE_TEXT, outlet="Trend"))
    assert again.json()["document"]["id"] == dossier["document"]["id"]
    listing = client.get("/api/v1/documents", params={"outlet": "trend"}).json()
    assert listing["total"] == 1 and listing["documents"][0]["headline"] == headline


def test_a_pasted_form_and_an_uploaded_text_file_are_analysed(client: TestClient) -> None:
    pasted = client.post(
        "/api/v1/analyze", data={"text": "Pasted words about the harbour.", "outlet": "Form"}
    )
    assert pasted.status_code == 200, pasted.text
    assert pasted.json()["document"]["source"] == "web:pasted (Form)"
    upload = client.post(
        "/api/v1/analyze",
        files={"file": ("../../etc/note.txt", b"An uploaded note on tariffs.\n", "text/plain")},
    )
    assert upload.status_code == 200, upload.text
    # The file's name only names the source: its directories are dropped.
    assert upload.json()["document"]["source"] == "upload:note.txt"


def test_a_file_of_several_documents_becomes_a_job(client: TestClient) -> None:
    lines = [
        json.dumps(record("First record about the river dam.", outlet="Wire")),
        "{not json",
        json.dumps(record("Second record about the river dam and the flood.", outlet="Wire")),
    ]
    response = client.post(
        "/api/v1/analyze",
        files={"file": ("batch.jsonl", "\n".join(lines).encode(), "application/x-ndjson")},
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/api/v1/jobs/{job['id']}"
    assert (job["total"], len(job["documents"]), len(job["errors"])) == (3, 2, 1)
    finished = wait_for_job(client, job["id"])
    assert finished["state"] == "done", finished
    assert (finished["added"], finished["rejected"], finished["done"]) == (2, 1, 3)
    for document_id in finished["documents"]:
        assert client.get(f"/api/v1/documents/{document_id}").status_code == 200


def test_a_long_document_becomes_a_job(client: TestClient) -> None:
    long_text = "A long report on the harbour works. " * 800  # 28,800 characters > 20,000
    response = client.post("/api/v1/analyze", json=record(long_text))
    assert response.status_code == 202
    assert wait_for_job(client, response.json()["id"])["added"] == 1


def test_a_warc_archive_is_read_in_memory(client: TestClient) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    page = b"<html><head><title>Dam opens</title></head><body><h1>Dam opens</h1>"
    page += (
        b"<p>"
        + b"The new dam opened on Monday after six years of work. " * 8
        + b"</p></body></html>"
    )
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://news.example/dam", "response", payload=io.BytesIO(page), http_headers=headers
        )
    )
    response = client.post(
        "/api/v1/analyze", files={"file": ("crawl.warc.gz", buffer.getvalue(), "application/gzip")}
    )
    assert response.status_code == 200, response.text
    dossier = response.json()
    assert dossier["document"]["source"] == "upload:crawl.warc.gz#1"
    assert dossier["document"]["url"] == "https://news.example/dam"


def test_an_upload_is_never_written_to_disk(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A temporary folder of the test's own: the shared one changes under other processes.
    private = tmp_path / "temporary"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    # Linux's unnamed temporary files (O_TMPFILE) leave no name in any folder: a spooled
    # upload rolling over to disk is seen by the call that makes its file.
    made: list[str] = []
    unnamed = tempfile.TemporaryFile

    def recorded(*args: Any, **kwargs: Any) -> Any:
        made.append("TemporaryFile")
        return unnamed(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryFile", recorded)
    big = ("Many words about budgets. " * 160_000).encode()  # 4.2 MB, past Starlette's 1 MB spool
    response = client.post("/api/v1/analyze", files={"file": ("big.txt", big, "text/plain")})
    assert response.status_code == 202
    assert made == []
    assert os.listdir(private) == []
    wait_for_job(client, response.json()["id"])


# ---- bad input ----------------------------------------------------------------------------


def typed(content: bytes, content_type: str | None) -> dict[str, Any]:
    """Request arguments: a raw body of a content type."""
    headers = {"content-type": content_type} if content_type else {}
    return {"content": content, "headers": headers}


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> dict[str, Any]:
    """Request arguments: a multipart form with one file."""
    return {"files": {"file": (name, data, content_type)}}


JSON = "application/json"
MULTIPART = "multipart/form-data"
BAD_REQUESTS: list[tuple[str, dict[str, Any], int, str]] = [
    ("plain text body", typed(b"hello", "text/plain"), 415, "JSON record"),
    ("no content type", typed(b"hello", None), 415, "JSON record"),
    ("a PDF by its name", upload("a.pdf", b"%PDF-1.4", "application/pdf"), 415, "a.pdf"),
    ("a PDF by its bytes", upload("scan", b"%PDF-1.7 x"), 415, "PDF"),
    ("an image", upload("photo.PNG", b"\x89PNG", "image/png"), 415, "photo.PNG"),
    ("malformed JSON", typed(b"{bad", JSON), 422, "malformed JSON"),
    ("JSON nested too deeply", typed(b"[" * 100_000, JSON), 422, "nested"),
    ("a JSON list", {"json": [{"text": "x"}]}, 422, "valid dictionary"),
    ("no text", {"json": {"title": "x"}}, 422, "text: Field required"),
    ("empty text", {"json": {"text": ""}}, 422, "at least 1 character"),
    ("an unknown field", {"json": {"text": "x", "colour": "red"}}, 422, "colour: Extra inputs"),
    ("a text that is a number", {"json": {"text": 7}}, 422, "text: Input should be a valid string"),
    ("a bad country", {"json": {"text": "Words here.", "country": "XX"}}, 422, "ISO 3166-1"),
    ("blank text", {"json": {"text": "   \n "}}, 422, "api:record"),
    ("a binary file", upload("a.txt", b"\x00\x01\x02" * 100, "text/plain"), 422, "binary"),
    ("a form without text or file", {"data": {"title": "x"}}, 422, "give a text"),
    ("multipart with no part", typed(b"--x\r\nno", f"{MULTIPART}; boundary=x"), 422, "give a text"),
    ("a multipart body without boundary", typed(b"x", MULTIPART), 422, "malformed form"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("request_arguments", "status", "message"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_analyse_requests_get_a_4xx_with_a_json_message(
    client: TestClient, request_arguments: dict[str, Any], status: int, message: str
) -> None:
    response = client.post("/api/v1/analyze", **request_arguments)
    assert response.status_code == status, response.text
    assert message in json.dumps(response.json()["detail"])


BAD_READS = [
    ("/api/v1/documents/sha256:" + "0" * 64, 404),
    ("/api/v1/documents/not-an-id", 404),
    ("/api/v1/documents/ab", 404),
    ("/api/v1/jobs/0123456789abcdef", 404),
    ("/api/v1/documents?per_page=0", 422),
    ("/api/v1/documents?per_page=101", 422),
    ("/api/v1/documents?page=-1", 422),
    ("/api/v1/search?since=yesterday", 422),
    ("/api/v1/search?q=" + "x" * 1001, 422),
    ("/api/v1/nothing-here", 404),
]


@pytest.mark.parametrize(("path", "status"), BAD_READS)
def test_bad_reads_get_a_4xx_with_a_json_message(
    client: TestClient, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["detail"]


def test_a_body_past_the_limit_is_refused_with_413(tmp_path: Path) -> None:
    with client_for(tmp_path, max_upload_bytes=1_000) as small:
        declared = small.post("/api/v1/analyze", json=record("x" * 2_000))
        assert declared.status_code == 413 and "1,000 bytes" in declared.json()["detail"]

        def chunks() -> Iterator[bytes]:
            # No Content-Length: the body is counted as it streams in.
            yield b'{"text": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'"}'

        streamed = small.post(
            "/api/v1/analyze", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413
        page = small.post("/analyze", content=b"x" * 2_000, headers={"content-type": "text/plain"})
        assert page.status_code == 413


# ---- search, corpus, evidence ---------------------------------------------------------------


def test_search_pages_and_facets(client: TestClient) -> None:
    for number in range(3):
        client.post(
            "/api/v1/analyze",
            json=record(
                f"Ferry number {number} crossed the strait in the storm.",
                outlet="Harbour Times" if number else "Coast Post",
                published=f"2024-0{number + 1}-15",
            ),
        )
    first = client.get("/api/v1/search", params={"q": "ferry strait", "per_page": 2}).json()
    second = client.get("/api/v1/search", params={"q": "ferry strait", "per_page": 2, "page": 2})
    assert first["total"] == 3 and len(first["hits"]) == 2
    assert len(second.json()["hits"]) == 1
    ids = {hit["id"] for hit in first["hits"]} | {hit["id"] for hit in second.json()["hits"]}
    assert len(ids) == 3
    assert {(v["value"], v["count"]) for v in first["facets"]["outlet"]} == {
        ("Harbour Times", 2),
        ("Coast Post", 1),
    }
    assert [v["value"] for v in first["facets"]["month"]] == ["2024-03", "2024-02", "2024-01"]
    narrowed = client.get("/api/v1/search", params={"q": "ferry", "outlet": "Coast Post"}).json()
    assert narrowed["total"] == 1
    assert narrowed["hits"][0]["highlights"], "the matched word is highlighted"


def test_match_with_an_empty_evidence_library_is_empty_and_says_so(client: TestClient) -> None:
    response = client.post("/api/v1/match", json={"claims": ["Prices rose 3 percent.", "x"]})
    assert response.status_code == 200
    body = response.json()
    assert body["library_available"] is False and body["library_entries"] == 0
    assert "The evidence library is empty" in body["message"]
    assert [item["matches"] for item in body["results"]] == [[], []]
    assert client.post("/api/v1/match", json={"claims": []}).status_code == 422
    assert client.post("/api/v1/match", json={"text": "x"}).status_code == 422


def test_corpus_listings_answer(client: TestClient) -> None:
    for path in ("/api/v1/clusters", "/api/v1/claims", "/api/v1/actors"):
        response = client.get(path)
        assert response.status_code == 200 and isinstance(response.json(), list)
    actors = client.get("/api/v1/actors").json()
    assert {"Erlina Burhan", "Fred Wanyonyi"} <= {actor["name"] for actor in actors}


EMPTY_PAGES = [
    ("/", "Analyse a document"),
    ("/search?q=harbour", "0 documents"),
    ("/clusters", "No text among the 0 stored documents has been seen twice yet."),
    ("/claims", "No claim recurs across the 0 stored documents yet."),
    ("/actors", "No signatory among the 0 stored documents."),
    ("/evidence", "The evidence library is empty"),
]


def test_a_new_store_s_pages_say_plainly_what_is_not_there(tmp_path: Path) -> None:
    # The claims stage runs: "Checked before" is about a document's claims.
    with client_for(tmp_path, disabled=("voices", "techniques")) as client:
        for path, said in EMPTY_PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
            assert said in response.text, path
        stored = client.post("/api/v1/analyze", json=record(EXAMPLE_TEXT)).json()
        page = client.get("/documents/" + stored["document"]["id"].removeprefix("sha256:"))
        assert page.status_code == 200
        for said in (
            "Checked before",
            "The evidence library is empty",
            "No other stored document shares its text.",
            "None of its claims recurs in another stored document.",
        ):
            assert said in page.text, said


@pytest.mark.parametrize(
    ("url", "outlet", "expected"),
    [
        (None, None, "api:record"),
        ("https://example.org/a", "Trend", "api:record https://example.org/a"),
        (None, "Trend", "api:record (Trend)"),
        ("  ", " ", "api:record"),
    ],
)
def test_a_sent_text_s_source_names_its_url_else_its_outlet(
    url: str | None, outlet: str | None, expected: str
) -> None:
    assert record_source("api:record", url, outlet) == expected


def test_a_text_seen_twice_is_a_cluster_on_its_page_and_in_the_api(tmp_path: Path) -> None:
    text = "Ferry fares rise by a tenth on the island routes from Monday, the operator said."
    with client_for(tmp_path) as client:
        first = client.post("/api/v1/analyze", json=record(text, outlet="Harbour Times"))
        client.post("/api/v1/analyze", json=record(text, outlet="Coast Post"))
        (cluster,) = client.get("/api/v1/clusters").json()
        document_id = first.json()["document"]["id"]
        assert cluster["sightings"] == 2
        assert [document["id"] for document in cluster["documents"]] == [document_id]
        page = client.get(f"/clusters/{cluster['id']}").text
        assert "One text seen 2 times" in page
        assert "Harbour Times" in page and "Coast Post" in page
        document_page = client.get("/documents/" + document_id.removeprefix("sha256:")).text
        assert f'href="/clusters/{cluster["id"]}"' in document_page


def test_the_evidence_library_in_the_store_answers_pages_and_api(tmp_path: Path) -> None:
    from claimscope.adapters.store.library import add_evidence
    from claimscope.evidence.factchecks import read_records_jsonl

    record_line = json.dumps(
        {
            "id": "fc-1",
            "claim": "Ferry fares on the island routes rose by a tenth this year.",
            "reviewer": "Harbour Checks",
            "rating": "Accurate",
            "url": "https://checks.example/ferry",
        }
    )
    read = read_records_jsonl([record_line], "records.jsonl")
    assert read.factchecks and not read.errors
    # The claims stage runs: "Checked before" is about a document's claims.
    with client_for(tmp_path, disabled=("voices", "techniques")) as client:
        store = client.app.state.web.store  # type: ignore[attr-defined]
        add_evidence(store, read.factchecks)
        evidence_page = client.get("/evidence").text
        assert "1 fact-checks and 0 primary documents" in evidence_page
        assert 'id="claim-matches"' not in evidence_page and "claim-no-match" not in evidence_page
        # What it holds, as `evidence stats` lists it.
        assert 'id="summary-reviewers"' in evidence_page and "Harbour Checks" in evidence_page
        assert 'id="summary-ratings"' in evidence_page and "Accurate" in evidence_page
        assert 'id="summary-issuers"' not in evidence_page  # no document, no issuer
        # A claim looked up on the page, as worded; the claim stays in the form, escaped.
        looked_up = client.get(
            "/evidence", params={"claim": "Did <b>ferry fares</b> rise by a tenth?"}
        )
        assert looked_up.status_code == 200
        assert 'id="claim-matches"' in looked_up.text and "Harbour Checks" in looked_up.text
        assert "Did &lt;b&gt;ferry fares&lt;/b&gt; rise by a tenth?</textarea>" in looked_up.text
        unrelated = client.get("/evidence", params={"claim": "zebras juggle quartz"}).text
        assert 'id="claim-no-match"' in unrelated and 'id="claim-matches"' not in unrelated
        too_long = client.get("/evidence", params={"claim": "ferry " * 1000})
        assert too_long.status_code == 400 and "at most 5,000 are looked up" in too_long.text
        refused = client.post("/api/v1/match", json={"claims": ["ferry " * 1000]})
        assert refused.status_code == 422
        body = client.post(
            "/api/v1/match", json={"claims": ["Ferry fares rose by a tenth on the island routes."]}
        ).json()
        assert body["library_available"] is True and body["library_entries"] == 1
        (found,) = body["results"][0]["matches"]
        assert (found["evidence_id"], found["reviewer"], found["rank"]) == (
            "fc-1",
            "Harbour Checks",
            1,
        )
        text = "Ferry fares on the island routes rose by a tenth this year, the operator said.\n"
        stored = client.post("/api/v1/analyze", json=record(text)).json()
        page = client.get("/documents/" + stored["document"]["id"].removeprefix("sha256:")).text
        assert "Checked before" in page and "Harbour Checks" in page
        assert 'href="https://checks.example/ferry"' in page
        # A fact-check added while the app runs reaches the page's summary.
        later = json.dumps({"id": "fc-2", "claim": "The old pier will close.", "reviewer": "Pier"})
        add_evidence(store, read_records_jsonl([later], "later.jsonl").factchecks)
        assert "<td>Pier</td>" in client.get("/evidence").text


def test_the_evidence_library_can_match_with_the_extras_model(tmp_path: Path) -> None:
    from claimscope.adapters.store import Store
    from claimscope.adapters.store.library import add_evidence
    from claimscope.adapters.store.vectors import StoredEncoder
    from claimscope.adapters.web.evidence_library import StoreEvidenceLibrary
    from claimscope.evidence.factchecks import FactCheck
    from tests.test_store_vectors import topic_vectors

    factchecks = [
        FactCheck(id="garlic", claim="Garlic cures colds, a post says.", reviewer="Checkers"),
        FactCheck(id="road", claim="The road was closed to traffic.", reviewer="Checkers"),
    ]
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        add_evidence(store, factchecks)
        encoder = StoredEncoder(store, "topics", topic_vectors)
        library = StoreEvidenceLibrary(store, embeddings=True, encoder=encoder)
        library.warm_up()
        assert encoder.count() == 2  # the two claims, encoded once the app starts
        (matches,) = library.match(["Does garlic cure a cold?"])
        assert matches[0].evidence_id == "garlic"
        assert encoder.count() == 2  # a claim sent is encoded, not kept
        add_evidence(store, [FactCheck(id="soup", claim="Soup cures colds.")])
        library.match(["Does garlic cure a cold?"])
        assert encoder.count() == 3  # the new entry alone was encoded and kept


@pytest.mark.skipif(embeddings_available(), reason="the embeddings extra is installed")
def test_serve_with_embeddings_needs_the_extra(tmp_path: Path) -> None:
    ran = run_cli("serve", "--db", str(tmp_path / "store.db"), "--embeddings", timeout=60)
    assert ran.returncode == 2
    assert ran.stderr.decode().strip().splitlines() == [
        "claimscope: error: --embeddings needs the optional extra: "
        "pip install 'claimscope[embeddings]'"
    ]


# ---- the OpenAPI schema and the dossier's ---------------------------------------------------


def _with_refs(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {key: _with_refs(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_refs(item, old, new) for item in value]
    if isinstance(value, str) and value.startswith(old):
        return new + value[len(old) :]
    return value


def test_openapi_dossier_is_the_committed_schema(client: TestClient) -> None:
    openapi = client.get("/openapi.json").json()
    components = openapi["components"]["schemas"]
    committed = json.loads(
        (Path(__file__).parent.parent / "schema/dossier.schema.json").read_text()
    )
    definitions = _with_refs(committed.pop("$defs"), "#/$defs/", "#/components/schemas/")
    for name, schema in definitions.items():
        assert components[name] == schema, name
    dossier = _with_refs(committed, "#/$defs/", "#/components/schemas/")
    for key in ("$id", "$schema"):
        dossier.pop(key)
    assert components["Dossier"] == dossier
    analyze = openapi["paths"]["/api/v1/analyze"]["post"]
    assert analyze["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Dossier"
    }
    stored = components["DocumentOut"]["properties"]["dossier"]
    assert stored == {"$ref": "#/components/schemas/Dossier"}
    assert set(analyze["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert "AnalyzeRecord" in components
    assert "/docs" not in [route for route in openapi["paths"]]


# ---- security -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=x", "/api/v1/documents", "/static/app.css", "/nowhere", "/openapi.json"],
)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert re.search(r"script-src 'self';", headers["content-security-policy"])
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_only_loopback_host_names_are_answered(client: TestClient) -> None:
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/api/v1/documents", headers={"host": "localhost:8000"}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"sec-fetch-site": "cross-site", "origin": BASE},
    ],
)
def test_cross_origin_posts_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/api/v1/analyze", json=record("Cross-site words."), headers=headers)
    assert response.status_code == 403
    same = client.post(
        "/api/v1/match",
        json={"claims": ["x"]},
        headers={"origin": BASE, "sec-fetch-site": "same-origin"},
    )
    assert same.status_code == 200


def test_form_posts_need_the_csrf_token(client: TestClient) -> None:
    page = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None and "claimscope_csrf" in client.cookies
    refused = client.post("/analyze", data={"text": "Words from a forged form."})
    assert refused.status_code == 403
    forged = client.post("/analyze", data={"text": "Words.", "csrf_token": "0" * 64})
    assert forged.status_code == 403
    accepted = client.post(
        "/analyze",
        data={"text": "Words from the real form.", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/documents/")


def test_a_token_guards_every_page_and_api_call(tmp_path: Path) -> None:
    with client_for(tmp_path, token="s3cret-token", loopback_only=False) as guarded:
        assert guarded.get("/api/v1/documents").status_code == 401
        assert guarded.get("/openapi.json").status_code == 401
        wrong = {"authorization": "Bearer nope"}
        assert guarded.get("/api/v1/documents", headers=wrong).status_code == 401
        right = {"authorization": "Bearer s3cret-token"}
        assert guarded.get("/api/v1/documents", headers=right).status_code == 200
        page = guarded.get("/search?q=x", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Fsearch%3Fq%3Dx"
        assert guarded.get("/static/app.css").status_code == 200
        login = guarded.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token is not None
        bad = guarded.post("/login", data={"token": "nope", "csrf_token": token.group(1)})
        assert bad.status_code == 401
        good = guarded.post(
            "/login",
            data={"token": "s3cret-token", "csrf_token": token.group(1), "next": "//evil.example"},
            follow_redirects=False,
        )
        assert good.status_code == 303 and good.headers["location"] == "/"
        cookie = good.headers["set-cookie"]
        for attribute in ("claimscope_session=", "HttpOnly", "Secure", "SameSite=Strict"):
            assert attribute in cookie
        session = cookie.split(";")[0].split("=", 1)[1]
        assert guarded.get("/search?q=x", follow_redirects=False).status_code == 200
        tampered = session[:-1] + ("0" if session[-1] != "0" else "1")
        guarded.cookies.clear()
        guarded.cookies.set("claimscope_session", tampered)
        assert guarded.get("/", follow_redirects=False).status_code == 303
        guarded.cookies.set("claimscope_session", session)
        assert guarded.get("/", follow_redirects=False).status_code == 200


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/search?q=x", "/search?q=x"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("search", "/"),
    ],
)
def test_after_login_only_paths_of_this_server(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected
