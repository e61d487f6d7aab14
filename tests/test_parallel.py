"""Parallel analysis gives the same dossiers, in the same order, as one process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimscope.ingestion import make_document
from claimscope.parallel import pipe_in_parallel
from tests.conftest import EXAMPLE

TEXTS = [
    "LONDON, Feb 26 - The first story says Britain will talk to France.",
    "BAKU, Azerbaijan, Aug.1. Civil society organizations have issued a statement.",
    "Mr. Charles Michel, President of the European Council, visited Tbilisi, Georgia.",
    "Second story.",
    "MOSCOW, March 3 (AP) - The ICRC said the road to Lachin was open.",
]


def test_two_workers_give_the_same_dossiers_as_one() -> None:
    documents = [make_document(text, f"doc{index}") for index, text in enumerate(TEXTS)]
    documents.append(make_document(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE)))
    alone = [d.to_json_dict() for d in pipe_in_parallel(documents, workers=1)]
    together = [d.to_json_dict() for d in pipe_in_parallel(documents, workers=2, chunk_size=2)]
    assert [d["document"]["source"] for d in together] == [d.source for d in documents]
    assert together == alone


def test_disabled_stage_is_disabled_in_workers() -> None:
    documents = [make_document(text, f"doc{index}") for index, text in enumerate(TEXTS[:3])]
    dossiers = list(pipe_in_parallel(documents, workers=2, disabled=["entities"], chunk_size=1))
    assert len(dossiers) == 3
    assert all(not dossier.entities for dossier in dossiers)


def test_unknown_stage_fails_before_any_worker_starts() -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        pipe_in_parallel([], workers=2, disabled=["nonesuch"])


def test_cli_workers_option(tmp_path: Path) -> None:
    for index, text in enumerate(TEXTS[:3]):
        (tmp_path / f"{index}.txt").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "claimscope", "analyze", str(tmp_path), "--workers", "2"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    sources = [json.loads(line)["document"]["source"] for line in result.stdout.splitlines()]
    assert sources == [str(tmp_path / f"{index}.txt") for index in range(3)]
