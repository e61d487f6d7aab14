"""Fact-checks read from ClaimReview JSON-LD, HTML pages and records, and written back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from claimscope.evidence.factchecks import (
    FactCheck,
    Rating,
    export_claimreview,
    read_claimreview_html,
    read_claimreview_json,
    read_records_csv,
    read_records_jsonl,
    to_claimreview,
)

FULL_REVIEW: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checker.example/fact-checks/lachin-road",
    "claimReviewed": "The Lachin road was closed to all traffic in July 2023.",
    "datePublished": "2023-07-20T09:30:00+00:00",
    "author": {"@type": "Organization", "name": "Example Checkers"},
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "A. Speaker"},
    },
    "reviewRating": {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": "2",
        "bestRating": 5,
        "worstRating": 1,
    },
}
FULL_CHECK = FactCheck(
    id="sha256:",  # replaced below: the id of a review without one is a hash
    claim="The Lachin road was closed to all traffic in July 2023.",
    rating=Rating(name="Mostly false", value=2.0, best=5.0, worst=1.0),
    reviewer="Example Checkers",
    url="https://checker.example/fact-checks/lachin-road",
    date="2023-07-20",
    claimant="A. Speaker",
    source="review.json",
)

SMALL_REVIEW = {
    "@type": "ClaimReview",
    "identifier": "check-2",
    "claimReviewed": "Tea cures all ills.",
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
}
SMALL_CHECK = FactCheck(
    id="check-2", claim="Tea cures all ills.", rating=Rating(name="False"), source="review.json"
)


def _without_id(checks: list[FactCheck]) -> list[FactCheck]:
    return [FactCheck(**{**check.__dict__, "id": "sha256:"}) for check in checks]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # A single object.
        (FULL_REVIEW, [FULL_CHECK]),
        # An array of reviews.
        ([SMALL_REVIEW, FULL_REVIEW], [SMALL_CHECK, FULL_CHECK]),
        # An @graph with other nodes around the reviews.
        (
            {
                "@context": "https://schema.org",
                "@graph": [{"@type": "WebPage", "name": "x"}, SMALL_REVIEW],
            },
            [SMALL_CHECK],
        ),
        # A review nested in an article, type given as a list with a schema.org IRI.
        (
            {
                "@type": "NewsArticle",
                "review": {**SMALL_REVIEW, "@type": ["http://schema.org/ClaimReview"]},
            },
            [SMALL_CHECK],
        ),
        # Missing optional fields: no rating, reviewer, url, date or claimant.
        (
            {"@type": "ClaimReview", "identifier": 7, "claimReviewed": "Only a claim."},
            [FactCheck(id="7", claim="Only a claim.", source="review.json")],
        ),
        # A rating written only in words, and a reviewer given as plain text.
        (
            {
                "@type": "ClaimReview",
                "identifier": "w",
                "claimReviewed": "c",
                "author": "Checker Desk",
                "reviewRating": {"name": "Pants on Fire"},
            },
            [
                FactCheck(
                    id="w",
                    claim="c",
                    rating=Rating(name="Pants on Fire"),
                    reviewer="Checker Desk",
                    source="review.json",
                )
            ],
        ),
        # A numeric rating with its scale and no words.
        (
            {
                "@type": "ClaimReview",
                "identifier": "n",
                "claimReviewed": "c",
                "reviewRating": {"ratingValue": 1, "bestRating": "7", "worstRating": "1"},
            },
            [
                FactCheck(
                    id="n",
                    claim="c",
                    rating=Rating(value=1.0, best=7.0, worst=1.0),
                    source="review.json",
                )
            ],
        ),
    ],
)
def test_claimreview_json_ld_shapes(document: Any, expected: list[FactCheck]) -> None:
    result = read_claimreview_json(json.dumps(document), "review.json")
    assert result.errors == []
    assert _without_id(result.factchecks) == _without_id(expected)
    for got, wanted in zip(result.factchecks, expected, strict=True):
        if wanted.id != "sha256:":
            assert got.id == wanted.id
        else:
            assert got.id.startswith("sha256:") and len(got.id) == len("sha256:") + 32


def test_claimreview_without_identifier_gets_a_stable_hash_id() -> None:
    first = read_claimreview_json(json.dumps(FULL_REVIEW), "a.json").factchecks[0]
    second = read_claimreview_json(json.dumps([FULL_REVIEW]), "b.json").factchecks[0]
    assert first.id == second.id
    other = read_claimreview_json(
        json.dumps({**FULL_REVIEW, "claimReviewed": "Another claim."}), "a.json"
    ).factchecks[0]
    assert other.id != first.id


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('{"@type": "ClaimReview", "claimReviewed": ', "review.json: not JSON:"),
        ('{"@type": "WebPage"}', "review.json: no ClaimReview in the JSON-LD"),
        (
            '[{"@type": "ClaimReview", "author": "x"}]',
            "review.json: ClaimReview 1: ClaimReview without claimReviewed",
        ),
        (
            '{"@type": "ClaimReview", "claimReviewed": "c",'
            ' "reviewRating": {"ratingValue": "high"}}',
            "review.json: ClaimReview 1: reviewRating.ratingValue 'high' is not a number",
        ),
        (
            '{"@type": "ClaimReview", "claimReviewed": {"text": "c"}}',
            "review.json: ClaimReview 1: claimReviewed is dict, not text",
        ),
        ("[" * 5000 + "]" * 5000, "review.json: JSON nested too deeply"),
    ],
)
def test_malformed_claimreview_is_one_clear_error(text: str, error: str) -> None:
    result = read_claimreview_json(text, "review.json")
    assert result.factchecks == []
    assert len(result.errors) == 1
    assert result.errors[0].startswith(error)


def test_a_bad_review_does_not_stop_the_good_ones() -> None:
    text = json.dumps([{"@type": "ClaimReview"}, SMALL_REVIEW])
    result = read_claimreview_json(text, "review.json")
    assert [check.id for check in result.factchecks] == ["check-2"]
    assert result.errors == ["review.json: ClaimReview 1: ClaimReview without claimReviewed"]


def test_html_page_with_two_scripts_and_a_broken_one() -> None:
    page = f"""<!doctype html><html><head><title>Fact check: tea</title>
<script type="application/ld+json">{json.dumps({"@type": "Organization", "name": "x"})}</script>
<script type="application/ld+json; charset=utf-8">
<!-- {
        json.dumps(
            {
                "@type": "ClaimReview",
                "claimReviewed": "Tea cures all ills.",
                "identifier": "t1",
                "reviewRating": {"alternateName": "False"},
            }
        )
    } -->
</script>
<script type="application/ld+json">{{"@type": "ClaimReview", </script>
<script type="APPLICATION/LD+JSON">{json.dumps([SMALL_REVIEW | {"identifier": "t2"}])};</script>
<script>var x = {{"@type": "ClaimReview"}};</script>
</head><body><p>Text</p></body></html>"""
    result = read_claimreview_html(page, "page.html")
    assert [(check.id, check.claim, check.title) for check in result.factchecks] == [
        ("t1", "Tea cures all ills.", "Fact check: tea"),
        ("t2", "Tea cures all ills.", "Fact check: tea"),
    ]
    assert len(result.errors) == 1
    assert result.errors[0].startswith("page.html: JSON-LD script 3: not JSON")


def test_html_page_without_claimreview_says_so() -> None:
    result = read_claimreview_html("<html><body><p>Nothing</p></body></html>", "page.html")
    assert result.factchecks == []
    assert result.errors == ["page.html: no ClaimReview in the page's JSON-LD scripts"]


def test_export_reads_back_the_same_fact_checks() -> None:
    checks = [
        FactCheck(
            id="c1",
            claim="The Lachin road was closed.",
            title="Was the road closed?",
            subtitle="A summary.",
            rating=Rating(name="Mostly false", value=2.0, best=5.0, worst=1.0),
            reviewer="Example Checkers",
            url="https://checker.example/c1",
            date="2023-07-20",
            claimant="A. Speaker",
        ),
        FactCheck(id="c2", claim="Tea cures all ills.", rating=Rating(name="False")),
    ]
    exported = export_claimreview(checks)
    assert exported["@context"] == "https://schema.org"
    assert exported["@graph"][0] == {
        "@type": "ClaimReview",
        "identifier": "c1",
        "claimReviewed": "The Lachin road was closed.",
        "headline": "Was the road closed?",
        "description": "A summary.",
        "url": "https://checker.example/c1",
        "datePublished": "2023-07-20",
        "author": {"name": "Example Checkers"},
        "itemReviewed": {"@type": "Claim", "author": {"name": "A. Speaker"}},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Mostly false",
            "ratingValue": 2.0,
            "bestRating": 5.0,
            "worstRating": 1.0,
        },
    }
    assert to_claimreview(checks[1]) == {
        "@type": "ClaimReview",
        "identifier": "c2",
        "claimReviewed": "Tea cures all ills.",
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
    }
    back = read_claimreview_json(json.dumps(exported), "x.json")
    assert back.errors == []
    assert back.factchecks == [
        FactCheck(**{**check.__dict__, "source": "x.json"}) for check in checks
    ]


def test_jsonl_records_with_bad_lines() -> None:
    lines = [
        '{"id": "a1", "claim": "Claim one.", "title": "T", "subtitle": "S", "rating": "False",'
        ' "reviewer": "R", "url": "https://x.example/a1", "date": "2020-01-06"}',
        "",
        '{"id": "a2"}',
        "not json",
        '["a", "list"]',
        '{"vclaim_id": 3, "vclaim": "Claim three.", "extra": "ignored"}',
        '{"id": "a1", "claim": "Again."}',
        '{"id": "a4", "claim": 4.5, "title": ["x"]}',
    ]
    result = read_records_jsonl(lines, "e.jsonl")
    assert result.factchecks == [
        FactCheck(
            id="a1",
            claim="Claim one.",
            title="T",
            subtitle="S",
            rating=Rating(name="False"),
            reviewer="R",
            url="https://x.example/a1",
            date="2020-01-06",
            source="e.jsonl",
        ),
        FactCheck(id="3", claim="Claim three.", source="e.jsonl"),
    ]
    assert result.errors == [
        "e.jsonl:3: record 'a2' has no claim",
        "e.jsonl:4: not JSON: Expecting value",
        "e.jsonl:5: not a JSON object",
        "e.jsonl:7: id 'a1' given twice",
        "e.jsonl:8: title is list, not text",
    ]


def test_csv_records_with_bad_lines() -> None:
    text = (
        "id,claim,rating,date\n"
        'c1,"A claim, with a comma",False,2021-03-04\n'
        "c2,,True,\n"
        "c3,Short row\n"
        "\n"
        'c4,"Line one\nline two",Mixture,\n'
    )
    result = read_records_csv(text, "e.csv")
    assert [(check.id, check.claim, check.rating, check.date) for check in result.factchecks] == [
        ("c1", "A claim, with a comma", Rating(name="False"), "2021-03-04"),
        ("c4", "Line one line two", Rating(name="Mixture"), None),
    ]
    assert result.errors == [
        "e.csv:3: record 'c2' has no claim",
        "e.csv:4: 2 fields where the header has 4",
    ]


def test_csv_without_claim_column() -> None:
    result = read_records_csv("id,text\n1,x\n", "e.csv")
    assert result.factchecks == []
    assert result.errors == ["e.csv:1: the header has no claim column"]
