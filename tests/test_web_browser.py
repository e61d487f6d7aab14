"""The web app as a user meets it: Debian's Chromium driven by Playwright, one live server.

Paste the bundled example and read its dossier, toggle a layer, jump from a claim to its
span, search with a filter and a facet, open a cluster and its timeline, download the
JSON, follow a background job across a reload.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web_support import EXAMPLE_TEXT, live_server, store_settings
from tests.web_support import base_url as base_url
from tests.web_support import browser_type_launch_args as browser_type_launch_args

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import FilePayload, Page, expect

# Three copies of one story (a different first line each) and two stories of their own.
BODY = (
    "The harbour authority opened the new container terminal on Monday after six years of "
    "construction, saying it would double the port's capacity and bring two thousand jobs "
    "to the region by the end of the decade.\n\n"
    "Residents of the fishing villages along the bay have protested against the dredging "
    "for months, and a court in the provincial capital is still hearing their complaint "
    "about the damage to the oyster beds."
)
REPUBLISHED = [
    ("Harbour Times", "2024-03-04T09:00:00+00:00", "New terminal opens at the harbour"),
    ("Coast Post", "2024-03-04T13:30:00+00:00", "Harbour terminal opens after six years"),
    ("Bay Weekly", "2024-03-06T08:00:00+00:00", "Terminal opens; villagers still protest"),
]
OTHERS = [
    ("Harbour Times", "2024-02-01", "Ferry fares rise by a tenth on the island routes."),
    ("Mountain News", "2024-01-15", "The ferry to the lake island stops for the winter."),
]


def post_json(base: str, path: str, payload: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(payload).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server over a store holding the republished story and two others."""
    folder = tmp_path_factory.mktemp("browser")
    with live_server(store_settings(folder)) as base:
        for outlet, published, headline in REPUBLISHED:
            text = f"{headline}\n\n{BODY}"
            post_json(
                base, "/api/v1/analyze", {"text": text, "outlet": outlet, "published": published}
            )
        for outlet, published, text in OTHERS:
            post_json(
                base, "/api/v1/analyze", {"text": text, "outlet": outlet, "published": published}
            )
        yield base


@pytest.fixture(scope="module")
def example_page(server: str, browser: Any) -> Iterator[Page]:
    """The bundled example pasted into the analyse form: the page its dossier opens on."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(server + "/")
    page.fill("textarea[name=text]", EXAMPLE_TEXT)
    page.click("form.analyse button[type=submit]")
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]{64}$"), timeout=120_000)
    yield page
    context.close()


def panel(page: Page, title: str) -> Any:
    return page.locator(f"details:has(> summary:text-matches('^{title}'))")


def test_pasting_the_example_shows_its_headline_signatories_and_ranked_claims(
    example_page: Page,
) -> None:
    page = example_page
    headline = EXAMPLE_TEXT.splitlines()[0]
    expect(page.locator("#d1-title")).to_have_text(headline)
    expect(page).to_have_title(f"{headline} — claimscope")
    signatories = panel(page, "Signatories")
    expect(signatories.locator("summary")).to_have_text("Signatories (14)")
    expect(signatories.locator("tbody tr")).to_have_count(14)
    expect(signatories.locator("tbody tr").first).to_contain_text("Erlina Burhan")
    scores = [float(text) for text in panel(page, "Claims").locator(".score").all_inner_texts()]
    assert len(scores) >= 5
    assert scores == sorted(scores, reverse=True), "claims are ranked by check-worthiness"


def test_a_layer_toggles_off_and_on(example_page: Page) -> None:
    page = example_page
    # A piece of text that only the entities layer marks: its underline is a box shadow.
    entity = page.locator("#d1-text span.seg.l-entities:not(.l-anatomy):not(.l-claims)").first
    shadow = "element => getComputedStyle(element).boxShadow"
    assert "inset" in entity.evaluate(shadow)
    toggle = page.locator("input[data-layer=entities]")
    toggle.uncheck()
    expect(page.locator("#d1-text")).to_have_class(re.compile(r"\bhide-entities\b"))
    assert "inset" not in entity.evaluate(shadow)
    toggle.check()
    expect(page.locator("#d1-text")).not_to_have_class(re.compile(r"\bhide-entities\b"))
    assert "inset" in entity.evaluate(shadow)


def test_clicking_a_claim_lands_on_its_span(example_page: Page) -> None:
    page = example_page
    # The third claim's own link (a claim's "cites [n]" links go to citations).
    link = panel(page, "Claims").locator('a.finding[href*="-claim-"]').nth(2)
    key = (link.get_attribute("href") or "").removeprefix("#")
    assert re.fullmatch(r"d1-claim-\d+", key)
    page.evaluate("window.scrollTo(0, 0)")
    link.click()
    expect(page).to_have_url(re.compile(f"#{key}$"))
    span = page.locator(f'[data-m~="{key}"]').first
    expect(span).to_be_in_viewport()
    expect(span).to_have_class(re.compile(r"\bflash\b"))
    claim_text = link.inner_text().rstrip("…").strip()
    assert span.inner_text().strip()[:20] == claim_text[:20]


def test_downloading_the_json(example_page: Page) -> None:
    page = example_page
    with page.expect_download() as download_info:
        page.click("nav.downloads a:text('JSON')")
    download = download_info.value
    document_id = page.url.split("#")[0].rsplit("/", 1)[1]
    assert download.suggested_filename == f"claimscope-{document_id[:16]}.json"
    dossier = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert dossier["document"]["id"] == "sha256:" + document_id
    assert len(dossier["signatories"]) == 14


def test_searching_with_a_filter_and_a_facet(server: str, page: Page) -> None:
    page.goto(server + "/search?q=ferry")
    expect(page.locator("p.total")).to_have_text("2 documents")
    page.fill("input[name=outlet]", "Harbour Times")
    page.click("form.search button[type=submit]")
    expect(page.locator("p.total")).to_have_text("1 document")
    # A one-line record has no headline: its first words stand for it.
    expect(page.locator("li.hit a.hit-title")).to_have_text(
        "Ferry fares rise by a tenth on the island routes."
    )
    expect(page.locator("li.hit mark").first).to_have_text(re.compile("ferry", re.IGNORECASE))
    page.click("a.pill:text('outlet: Harbour Times')")  # remove the filter
    expect(page.locator("p.total")).to_have_text("2 documents")
    page.click("a[data-facet=month]:text('2024-01')")
    expect(page.locator("p.total")).to_have_text("1 document")
    expect(page.locator("li.hit .sub").first).to_contain_text("Mountain News")


def test_a_cluster_and_its_timeline(server: str, page: Page) -> None:
    page.goto(server + "/clusters")
    rows = page.locator("table.findings tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").nth(1)).to_have_text("3")
    rows.first.locator("a").click()
    expect(page.locator("h1")).to_have_text("3 documents sharing text")
    # One point per dated sighting, one row per outlet.
    expect(page.locator("#timeline svg circle")).to_have_count(3)
    for outlet, _, headline in REPUBLISHED:
        expect(page.locator("#timeline svg")).to_contain_text(outlet)
        expect(page.locator("table.findings").first).to_contain_text(headline)
    page.locator("table.findings").first.locator("a").first.click()
    expect(page.locator("details.where-else")).to_contain_text("a cluster of 3 documents")


def test_a_large_upload_is_a_job_whose_page_survives_a_reload(server: str, page: Page) -> None:
    records = [
        json.dumps({"text": f"Record {n} about the storm on the coast road.", "outlet": "Wire"})
        for n in range(6)
    ]
    page.goto(server + "/")
    page.set_input_files(
        "input[type=file]",
        files=FilePayload(
            name="batch.jsonl", mimeType="application/x-ndjson", buffer="\n".join(records).encode()
        ),
    )
    page.click("form.analyse button[type=submit]")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f]{16}$"))
    expect(page.locator("#job-progress")).to_have_attribute("max", "6")
    page.reload()
    expect(page.locator("h1")).to_have_text("Analysing upload:batch.jsonl")
    expect(page.locator("#job-documents li")).to_have_count(6, timeout=120_000)
    expect(page.locator("#job-state")).to_have_text("done")
    expect(page.locator("#job-progress")).to_have_attribute("value", "6")
