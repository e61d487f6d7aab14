"""Shared fixtures: the bundled example and a pipeline built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "trend-2023-08-01-civil-society-statement.txt"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path in ../shared, or skip the test when the checkout has none."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared data sets are not part of a plain clone")
    return path


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def example_document() -> Document:
    return make_document(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))


@pytest.fixture(scope="session")
def example_dossier(pipeline: Pipeline, example_document: Document) -> Dossier:
    return pipeline.analyze(example_document)
