"""Pipeline.rerun: a stage and the stages after it run again over an existing dossier."""

from __future__ import annotations

import pytest

from claimscope.document import Document
from claimscope.dossier import Statement
from claimscope.pipeline import build_pipeline

NO_PARSE = ("entities", "voices", "claims", "techniques")


def test_rerun_from_a_stage_gives_the_dossier_a_full_run_gives(
    example_document: Document,
) -> None:
    pipeline = build_pipeline(NO_PARSE)
    [dossier] = pipeline.pipe([example_document])
    assert dossier.signatories  # the example's 14 signatories
    for stage in pipeline.stage_names:
        [again] = pipeline.rerun([(example_document, dossier)], stage)
        assert again == dossier, stage


def test_rerun_keeps_earlier_layers_and_empties_the_rerun_ones(
    example_document: Document,
) -> None:
    pipeline = build_pipeline(NO_PARSE)
    [dossier] = pipeline.pipe([example_document])
    edited = dossier.model_copy(deep=True)
    edited.anatomy.section = "Edited by hand"
    edited.statements.append(Statement(start=0, end=1, issuer="kept"))
    edited.citations = []
    [rerun] = pipeline.rerun([(example_document, edited)], "signatories")
    assert rerun.anatomy.section == "Edited by hand"  # before the first stage rerun: kept
    assert rerun.statements[-1].issuer == "kept"
    assert rerun.citations == dossier.citations  # rerun: filled again
    assert edited.citations == []  # the dossier given is not changed


def test_rerun_from_an_unknown_stage_is_refused(example_document: Document) -> None:
    pipeline = build_pipeline(NO_PARSE)
    [dossier] = pipeline.pipe([example_document])
    with pytest.raises(ValueError, match="unknown stage: voices"):
        pipeline.rerun([(example_document, dossier)], "voices")
