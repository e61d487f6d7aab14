"""Ingestion: decoding, normalisation, and a clear error for every kind of bad input."""

from __future__ import annotations

import json

import pytest

from claimscope.document import Document
from claimscope.ingestion import (
    IngestionError,
    InputKind,
    Settings,
    document_id,
    documents_from_bytes,
    make_document,
    normalize_text,
)


def only(data: bytes, kind: InputKind = "text", max_chars: int = 5_000_000) -> Document:
    results = list(documents_from_bytes(data, "in.txt", kind, Settings(max_chars=max_chars)))
    assert len(results) == 1
    result = results[0]
    if isinstance(result, IngestionError):
        raise result
    return result


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Café au lait".encode(), "Café au lait"),
        ("\ufeffCafé".encode(), "Café"),
        ("Café Zürich".encode("utf-16"), "Café Zürich"),
        ("Bakı, Azərbaycan. Déjà vu, naïve café.".encode("cp1254", errors="replace"), None),
        (b"line one\r\nline two\rline three", "line one\nline two\nline three"),
        # NFD "é" (e + combining acute) becomes NFC.
        ("Cafe\u0301".encode(), "Café"),
    ],
)
def test_decoding_and_normalisation(data: bytes, expected: str | None) -> None:
    document = only(data)
    if expected is not None:
        assert document.text == expected
    assert document.id == document_id(document.text)


def test_cp1252_is_detected() -> None:
    text = "“Smart quotes” and an em dash — from a Windows newsroom, naïve café résumé déjà vu."
    assert only(text.encode("cp1252")).text == text


def test_normalize_folds_unicode_separators() -> None:
    assert normalize_text("a\u2028b\u2029c") == "a\nb\n\nc"


@pytest.mark.parametrize(
    ("data", "kind", "problem"),
    [
        (b"", "text", "empty"),
        (b"   \n\t  \n", "text", "empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "text", "NUL byte at offset 7"),
        (bytes(range(1, 32)) * 20, "text", "control characters"),
        (b'{"text": "unterminated', "json", "malformed JSON at line 1"),
        (b'{"title": "no text"}', "json", "field 'text' missing"),
        (b'{"text": 42}', "json", "field 'text' missing or not a string"),
        (b'{"text": "ok", "title": 5}', "json", "field 'title' is not a string"),
        (b'"just a string"', "json", "expected a JSON object"),
        (b"<html><body><div></div></body></html>", "html", "no article text"),
        (b"<<<<>>>><p", "html", "no article text"),
    ],
)
def test_bad_input_is_one_clear_error(data: bytes, kind: InputKind, problem: str) -> None:
    with pytest.raises(IngestionError) as raised:
        only(data, kind)
    message = str(raised.value)
    assert message.startswith("in.txt")
    assert problem in message
    assert "\n" not in message


def test_text_over_the_limit_is_rejected() -> None:
    with pytest.raises(IngestionError, match="too large"):
        only(b"word " * 100, max_chars=50)
    with pytest.raises(IngestionError, match="too large"):
        make_document("x" * 51, "big.txt", settings=Settings(max_chars=50))


def test_jsonl_keeps_good_records_and_reports_bad_ones() -> None:
    lines = [
        json.dumps({"text": "First story.", "title": "One", "published": "2023-08-01"}),
        "{broken",
        "",
        json.dumps({"text": "   "}),
        json.dumps({"text": "Fourth story.", "url": "https://example.org/4", "outlet": "Ex"}),
    ]
    results = list(documents_from_bytes("\n".join(lines).encode(), "batch.jsonl", "jsonl"))
    assert [type(r).__name__ for r in results] == [
        "Document",
        "IngestionError",
        "IngestionError",
        "Document",
    ]
    first, broken, empty, fourth = results
    assert isinstance(first, Document) and isinstance(fourth, Document)
    assert first.source == "batch.jsonl#1" and first.hints.title == "One"
    assert first.hints.published == "2023-08-01"
    assert str(broken).startswith("batch.jsonl#2: malformed JSON")
    assert str(empty).startswith("batch.jsonl#4: empty document")
    assert fourth.source == "batch.jsonl#5" and fourth.hints.outlet == "Ex"


def test_html_keeps_headline_in_text_and_metadata_as_hints() -> None:
    page = b"""<!doctype html><html><head><title>Storm hits coast - Example News</title>
    <meta name="author" content="Jane Doe">
    <meta property="og:site_name" content="Example News">
    <meta property="article:published_time" content="2023-08-01T18:03:00+04:00">
    </head><body><article><h1>Storm hits coast</h1>
    <p>LONDON, Aug 1 (Reuters) - A storm hit the coast on Tuesday, cutting power to thousands
    of homes and closing roads across the region, officials said.</p>
    <p>Emergency services said they had received hundreds of calls overnight and urged people
    to stay indoors until the wind dropped.</p></article></body></html>"""
    document = only(page, "html")
    assert document.format == "html"
    assert document.hints.title == "Storm hits coast"
    assert document.hints.authors == ("Jane Doe",)
    assert document.hints.published == "2023-08-01T18:03:00+0400"
    assert document.text.startswith("Storm hits coast")
    assert "LONDON, Aug 1 (Reuters)" in document.text


def test_html_date_without_time_gets_no_invented_midnight() -> None:
    page = b"""<html><head><title>Short title</title>
    <meta property="article:published_time" content="2023-08-01"></head><body><article>
    <h1>Short title</h1><p>PARIS, Aug 1 (AFP) - A paragraph long enough to be taken as the
    article text by the extractor, with several clauses and words in it.</p>
    <p>And a second paragraph that adds more words so that the page reads as an article.</p>
    </article></body></html>"""
    assert only(page, "html").hints.published == "2023-08-01"


def test_record_country_is_a_checked_alpha_2_hint() -> None:
    lines = [
        json.dumps({"text": "First story.", "country": "us"}),
        json.dumps({"text": "Second story.", "country": "Utopia"}),
        json.dumps({"text": "Third story.", "country": "XZ"}),
    ]
    first, utopia, unassigned = documents_from_bytes(
        "\n".join(lines).encode(), "batch.jsonl", "jsonl"
    )
    assert isinstance(first, Document) and first.hints.country == "US"
    assert isinstance(utopia, IngestionError) and "field 'country'" in str(utopia)
    # XZ has the shape of a code but names no country in ISO 3166-1.
    assert isinstance(unassigned, IngestionError) and str(unassigned).startswith("batch.jsonl#3")
