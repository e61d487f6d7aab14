"""The techniques stage: technique spans of a whole document, kept off its layout."""

from __future__ import annotations

from claimscope.dossier import Dossier
from claimscope.pipeline import default_stages
from claimscope.stages.techniques.corpus import TECHNIQUES
from claimscope.stages.techniques.descriptions import technique_descriptions

LABELS = set(TECHNIQUES)


def test_every_label_has_a_plain_description() -> None:
    descriptions = technique_descriptions()
    # The task has 14 labels; the data table describes exactly those.
    assert len(LABELS) == 14
    assert set(descriptions) == LABELS
    for name, description in descriptions.values():
        assert name and description.endswith(".")


def test_example_technique_spans_are_well_formed(example_dossier: Dossier) -> None:
    text = example_dossier.document.text
    assert example_dossier.techniques
    for technique in example_dossier.techniques:
        assert technique.technique in LABELS
        assert 0 <= technique.start < technique.end <= len(text)
        assert technique.text == text[technique.start : technique.end]
        assert 0.0 <= technique.score <= 1.0


def test_example_layout_holds_no_technique_span(example_dossier: Dossier) -> None:
    anatomy = example_dossier.anatomy
    layout = [(signatory.start, signatory.end) for signatory in example_dossier.signatories]
    assert anatomy.dateline is not None
    layout.append((anatomy.dateline.start, anatomy.dateline.end))
    layout += [(b.start, b.end) for b in anatomy.bylines if b.start is not None and b.end]
    for technique in example_dossier.techniques:
        for start, end in layout:
            assert technique.end <= start or end <= technique.start, technique


def test_stage_runs_last() -> None:
    assert [stage.name for stage in default_stages()][-2:] == ["claims", "techniques"]


def test_a_sentence_without_an_end_is_read_in_bounded_pieces() -> None:
    from claimscope.ingestion import make_document
    from claimscope.pipeline import Pipeline
    from claimscope.stages.techniques.features import MAX_SENTENCE_CHARS, split_sentences

    text = "The corrupt regime will destroy our nation and " * 100  # 4,700 characters
    pieces = split_sentences(text)
    assert max(piece.end - piece.start for piece in pieces) <= MAX_SENTENCE_CHARS
    assert sum(piece.cut for piece in pieces) == len(pieces) - 1
    # The pieces cover the text and are cut between words.
    assert pieces[0].start == 0 and pieces[-1].end == len(text)
    assert all(text[piece.end - 1] == " " for piece in pieces[:-1])

    dossier = Pipeline().analyze(make_document(text, "endless.txt"))
    warnings = [w.message for w in dossier.warnings if w.stage == "techniques"]
    assert warnings and "read in pieces" in warnings[0]
    assert dossier.techniques
    for technique in dossier.techniques:
        assert technique.text == dossier.document.text[technique.start : technique.end]
