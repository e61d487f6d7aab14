"""No document can run a script in the app: hostile documents opened on every page, in Chromium.

Two documents (a statement and its republication) whose text, headline, outlet, URL and
signatory names carry script payloads are analysed and stored, with an upload named like
one; then every page that shows them is opened. A payload that ran sets
``window.claimscopeXss`` or the page's title; one that reached the page as markup but was stopped
by the Content-Security-Policy shows up as a CSP violation. Either fails the test: the
escaping must hold on its own, the policy is the second wall.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web_support import EXAMPLE_TEXT, live_server, store_settings
from tests.web_support import base_url as base_url
from tests.web_support import browser_type_launch_args as browser_type_launch_args

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import ConsoleMessage, Dialog, Page


def payload(number: int) -> str:
    # One expression, no comma or semicolon (signatory lines are split at those) and no
    # "__" (Markdown emphasis, which the signatories stage reads as markup).
    return f"document.title=window.claimscopeXss='XSS{number}'"


SCRIPT = f"<script>{payload(1)}</script>"
IMAGE = f'<img src=x onerror="{payload(2)}">'
SVG = f'"><svg onload="{payload(3)}">'
FRAME = '\'><iframe srcdoc="<script>parent.claimscopeXss=4</script>"></iframe>'
CLOSER = f"</textarea></title></style><script>{payload(5)}</script>"
URL = f"javascript:{payload(6)}//{SVG}"
UPLOAD_NAME = "<img src=x onerror=window.claimscopeXss=7>.jsonl"
# The signatories stage reads a line's markup to its visible text (tags dropped, entities
# decoded), so a signatory's fields carry tags written the way browsers still read them
# and that reading does not: a slash for the space before the first attribute.
SIGNED_IMAGE = f"<img/src=x onerror={payload(8)}>"
SIGNED_SVG = f"<svg/onload={payload(9)}>"
PAYLOADS = (SCRIPT, IMAGE, SVG, FRAME, CLOSER, SIGNED_IMAGE, SIGNED_SVG)


def hostile_text(first_line: str) -> str:
    """The bundled example with payloads for a headline, in its body and as signatories."""
    lines = EXAMPLE_TEXT.splitlines()
    lines[0] = first_line
    text = "\n".join(lines) + "\n"
    text = text.replace(
        "Indonesia Professional Organiza Coalition",
        f"Indonesia Professional {SIGNED_IMAGE} Coalition",
    )
    text = text.replace("Nyando Social Justice", f"Nyando {CLOSER}")
    text = text.replace("Wote Youth Development", f"Wote Youth {SIGNED_SVG} Development")
    return text.replace(
        "Civil society organizations have", f"Civil society {FRAME} organizations have"
    )


def post(base: str, path: str, **arguments: Any) -> Any:
    if "json" in arguments:
        data, content_type = json.dumps(arguments["json"]).encode(), "application/json"
    else:
        boundary = "claimscope-test-boundary"
        name, body = arguments["file"]
        data = (
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
                f"Content-Type: application/x-ndjson\r\n\r\n"
            ).encode()
            + body
            + f"\r\n--{boundary}--\r\n".encode()
        )
        content_type = f"multipart/form-data; boundary={boundary}"
    request = urllib.request.Request(
        base + path, data=data, headers={"content-type": content_type}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("xss")
    with live_server(store_settings(folder)) as base:
        first = post(
            base,
            "/api/v1/analyze",
            json={
                "text": hostile_text(f"Groups denounce {SCRIPT} the blockade"),
                "title": SCRIPT,
                "outlet": IMAGE,
                "url": URL,
                "published": "2024-05-01T10:00:00+00:00",
            },
        )
        second = post(
            base,
            "/api/v1/analyze",
            json={
                "text": hostile_text(f"Blockade {SVG} denounced by groups"),
                "outlet": FRAME,
                "url": URL,
                "published": "2024-05-02T10:00:00+00:00",
            },
        )
        records = "\n".join(
            json.dumps({"text": f"Record {n}: {SCRIPT} and {IMAGE}.", "outlet": CLOSER})
            for n in range(2)
        )
        job = post(base, "/api/v1/analyze", file=(UPLOAD_NAME, records.encode()))
        # A fact-check whose every field is a payload: the evidence page lists its reviewer
        # and rating, and the documents' "Checked before" its claim.
        from claimscope.adapters.store import Store
        from claimscope.adapters.store.library import add_evidence
        from claimscope.evidence.factchecks import FactCheck, Rating

        hostile = FactCheck(
            id="hostile-check",
            claim=f"Groups denounce {SCRIPT} the blockade {SVG}",
            title=IMAGE,
            reviewer=SCRIPT,
            rating=Rating(name=IMAGE),
            url=f"javascript:{payload(9)}",
            date="2024-05-03",
        )
        with Store.open(f"sqlite:///{folder / 'store.db'}") as store:
            add_evidence(store, [hostile])
        yield {"base": base, "documents": [first, second], "job": job}


def test_the_payloads_reached_the_dossiers(hostile_server: dict[str, Any]) -> None:
    """The test means something only if the payloads are in the fields pages show."""
    first, second = hostile_server["documents"]
    names = " ".join(str(value) for item in first["signatories"] for value in item.values())
    assert SIGNED_IMAGE in names and SIGNED_SVG in names
    assert SCRIPT in first["anatomy"]["headline"]["text"]
    assert first["document"]["url"] == URL and first["document"]["outlet"] == IMAGE
    assert any(FRAME in claim["text"] or SVG in claim["text"] for claim in second["claims"]) or (
        FRAME in second["document"]["text"]
    )


def _pages(server: dict[str, Any]) -> list[str]:
    base = server["base"]
    ids = [document["document"]["id"].removeprefix("sha256:") for document in server["documents"]]
    with urllib.request.urlopen(base + "/api/v1/clusters", timeout=60) as response:
        clusters = json.loads(response.read())
    assert clusters, "the two documents share text: a cluster"
    quote = urllib.parse.quote
    return [
        "/",
        *(f"/documents/{document_id}" for document_id in ids),
        "/search?q=blockade",
        f"/search?q={quote(SCRIPT)}",
        f"/search?outlet={quote(IMAGE)}&signatory={quote(CLOSER)}&since={quote(SVG)}",
        "/clusters",
        f"/clusters/{clusters[0]['id']}",
        "/claims",
        "/actors",
        "/evidence",
        f"/evidence?claim={quote(SCRIPT)}",
        f"/jobs/{server['job']['id']}",
        f"/documents/{quote(SCRIPT)}",
        f"/clusters/{quote(IMAGE)}",
    ]


def _watch(page: Page) -> list[str]:
    """Collect what would show that a payload reached the page as markup."""
    alarms: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        alarms.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused" in message.text:
            alarms.append(f"console: {message.text}")

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (event) {"
        " window.__csp = (window.__csp || []).concat([event.violatedDirective]); });"
    )
    return alarms


def _assert_no_payload_ran(page: Page, alarms: list[str], where: str) -> None:
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # an onerror or onload handler runs after load
    assert page.evaluate("window.claimscopeXss") is None, where
    # A payload's text may be in the title, escaped; one that ran made it the whole title.
    assert not re.fullmatch(r"XSS\d", page.title()), where
    assert page.evaluate("window.__csp || []") == [], where
    assert alarms == [], where
    assert page.locator("iframe, svg[onload], img[onerror]").count() == 0, where


def test_no_payload_runs_on_any_page(hostile_server: dict[str, Any], page: Page) -> None:
    alarms = _watch(page)
    for path in _pages(hostile_server):
        page.goto(hostile_server["base"] + path)
        _assert_no_payload_ran(page, alarms, path)
        if path.startswith("/documents/") and "%3C" not in path:
            # The annotated text shows each payload as text, exactly as the document has it.
            content = page.locator("#d1-text").inner_text()
            assert SCRIPT in content or SVG in content
        if path == "/evidence":
            # The hostile fact-check's reviewer and rating are listed, as text.
            listed = page.locator("#library-summary").inner_text()
            assert SCRIPT in listed and IMAGE in listed
        if path.startswith("/evidence?claim="):
            # The claim looked up stays in the form as text, and finds the hostile check.
            assert page.locator("#claim").input_value() == SCRIPT
            assert SCRIPT in page.locator("#claim-matches").inner_text()


def test_the_downloaded_report_runs_no_payload(
    hostile_server: dict[str, Any], page: Page, tmp_path: Path
) -> None:
    alarms = _watch(page)
    document_id = hostile_server["documents"][0]["document"]["id"].removeprefix("sha256:")
    page.goto(f"{hostile_server['base']}/documents/{document_id}")
    with page.expect_download() as download_info:
        page.click("nav.downloads a:text('HTML report')")
    report = tmp_path / "report.html"
    download_info.value.save_as(report)
    page.goto(report.as_uri())
    _assert_no_payload_ran(page, alarms, "the static report")
    assert "claimscope report" in page.locator("h1").inner_text()
