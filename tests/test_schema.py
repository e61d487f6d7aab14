"""The committed JSON Schema is the one the dossier model generates, and dossiers validate."""

from __future__ import annotations

import json

import jsonschema

from claimscope.dossier import Dossier, json_schema
from tests.conftest import ROOT

SCHEMA_FILE = ROOT / "schema" / "dossier.schema.json"


def test_committed_schema_matches_model() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        "schema/dossier.schema.json drifted from claimscope.dossier: "
        "run `claimscope schema --out schema/dossier.schema.json`"
    )


def test_example_dossier_validates(example_dossier: Dossier) -> None:
    document = example_dossier.to_json_dict()
    jsonschema.validate(document, json_schema())
    assert document["schema"] == "claimscope.dossier/1"
    for key in (
        "document",
        "anatomy",
        "statements",
        "signatories",
        "voices",
        "entities",
        "citations",
        "claims",
        "techniques",
        "warnings",
    ):
        assert key in document


def test_schema_rejects_a_renamed_field(example_dossier: Dossier) -> None:
    document = example_dossier.to_json_dict()
    document["anatomy"]["head_line"] = document["anatomy"].pop("headline")
    validator = jsonschema.Draft202012Validator(json_schema())
    assert not validator.is_valid(document)
