"""Acceptance: the bundled example through the CLI's JSON, field by field as in the contract.

The expected values were read off the article by hand (see examples/).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_SIGNATORIES


@pytest.fixture(scope="module")
def dossier() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "claimscope", "analyze", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        check=True,
        timeout=300,
    )
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def sliced(dossier: dict[str, Any], span: dict[str, Any]) -> str:
    text: str = dossier["document"]["text"]
    return text[span["start"] : span["end"]]


def test_anatomy(dossier: dict[str, Any]) -> None:
    anatomy = dossier["anatomy"]
    headline = (
        "Civil societies denounce Armenia's blocking Karabakh's Armenian people from reintegrating"
    )
    assert anatomy["headline"]["text"] == headline
    assert sliced(dossier, anatomy["headline"]) == headline
    assert dossier["document"]["title"] == headline
    assert anatomy["section"] == "Politics"
    assert anatomy["published"] == "2023-08-01T18:03:00+04:00"
    assert [b["name"] for b in anatomy["bylines"]] == ["Humay Aghajanova"]
    assert sliced(dossier, anatomy["bylines"][0]) == "Humay Aghajanova"
    dateline = anatomy["dateline"]
    assert (dateline["text"], dateline["place"], dateline["country"], dateline["date"]) == (
        "BAKU, Azerbaijan, Aug.1.",
        "Baku",
        "AZ",
        "2023-08-01",
    )
    assert dateline["date_inferred"] is True
    assert sliced(dossier, dateline) == "BAKU, Azerbaijan, Aug.1."
    assert anatomy["agency"]["name"] == "Trend"
    assert sliced(dossier, anatomy["agency"]) == "Trend"
    body = sliced(dossier, anatomy["body"])
    assert body.startswith("BAKU, Azerbaijan, Aug.1. Civil society organizations")
    assert "Read more" not in body


def test_statement(dossier: dict[str, Any]) -> None:
    [statement] = dossier["statements"]
    words = sliced(dossier, statement)
    assert words.startswith("We, the undersigned civil society organizations, are issuing")
    assert words.endswith(
        "advocate for the process of reintegration of Armenians of Karabakh into Azerbaijan,"
    )
    assert statement["issuer"] == "civil society organizations"
    assert statement["cue"]["text"] == "reads the statement"
    assert statement["signatories"] == list(range(14))


def test_signatories(dossier: dict[str, Any]) -> None:
    rows = [
        (s["person"], s["role"], s["organization"], s["acronym"], s["country"])
        for s in dossier["signatories"]
    ]
    assert rows == EXAMPLE_SIGNATORIES
    statement_end = dossier["statements"][0]["end"]
    for signatory in dossier["signatories"]:
        line = sliced(dossier, signatory)
        assert signatory["start"] > statement_end
        assert line.startswith(signatory["person"]) and "\n" not in line
    assert sliced(dossier, dossier["signatories"][-1]) == "Fred Wanyonyi, REDO NGO Kenya"


def test_entities(dossier: dict[str, Any]) -> None:
    labels: dict[str, set[str]] = {}
    for entity in dossier["entities"]:
        assert sliced(dossier, entity) == entity["text"]
        labels.setdefault(entity["text"], set()).add(entity["label"])
    assert "PERSON" not in labels["Lachin"]
    assert labels["Armenia"] == {"GPE"}
    assert labels["Charles Michel"] == {"PERSON"}
    ids = {entity["id"] for entity in dossier["entities"]}
    assert {"country:AZ", "country:AM", "org:icj", "org:icrc", "org:european-council"} <= ids
