"""The signatories benchmark: the gold set's shape, the row checks, the scorer on hand-made cases.

The floors are not asserted: the stage does not meet them yet (the benchmark reports them).
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from typing import Any

import pytest

from bench.common import RESULTS
from bench.signatories import (
    FIELD_FLOOR,
    FIELDS,
    GOLD,
    LINE_FLOOR,
    Counts,
    GoldError,
    GoldSignatory,
    Letter,
    floor_failures,
    fold,
    parse_row,
    read_gold,
    run,
    score,
    score_letter,
)
from claimscope.dossier import Dossier as DossierModel
from claimscope.dossier import Signatory, Statement, TextSpan
from claimscope.pipeline import Pipeline
from claimscope.stages.anatomy import AnatomyStage
from claimscope.stages.signatories import SignatoriesStage
from claimscope.stages.statements import StatementsStage

LAYOUT_TAGS = frozenset(
    {
        "bullets",
        "numbered",
        "numbered-nospace",
        "blank-separated",
        "multiline-entry",
        "hard-break-backslash",
        "hard-break-spaces",
        "html-br",
        "plain-lines",
        "front-matter",
        "column-header",
        "table",
        "table-empty-cells",
        "pseudonyms",
        "handles",
        "org-links",
        "acronym-parens",
        "acronym-dash",
        "split-headings",
        "html-comments",
        "footnotes-before",
        "institution-commas",
        "multi-affiliation",
        "parenthesised-affiliation",
        "titles",
        "all-caps",
        "individual-affiliation",
        "asterisk-notes",
        "no-comma-group",
        "wire-classic",
        "orgs-only",
        "individuals-only",
        "mixed",
        "document-is-letter",
    }
)

TEXT = "Signed,\n\n- Jane Doe, Director, Amnesty International (AI), Kenya\n- Acme Org\n"
JANE = (11, 64)  # "Jane Doe, Director, Amnesty International (AI), Kenya"
ACME = (67, 75)  # "Acme Org"


def _letter(signatories: tuple[GoldSignatory, ...], *, is_letter: bool = False) -> Letter:
    return Letter(
        id="case",
        source="hand-made",
        licence="CC0-1.0",
        layouts=("bullets",),
        document_is_letter=is_letter,
        headline="A Letter" if is_letter else None,
        text=TEXT,
        signatories=signatories,
    )


GOLD_ENTRIES = (
    GoldSignatory(
        start=JANE[0],
        end=JANE[1],
        person="Jane Doe",
        role="Director",
        organization="Amnesty International",
        acronym="AI",
        country="KE",
    ),
    GoldSignatory(start=ACME[0], end=ACME[1], organization="Acme Org"),
)


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "row",
        "source": "hand-made",
        "licence": "CC0-1.0",
        "layouts": ["bullets"],
        "document_is_letter": False,
        "headline": None,
        "text": TEXT,
        "signatories": [
            {"start": JANE[0], "end": JANE[1], "person": "Jane Doe"},
            {"start": ACME[0], "end": ACME[1], "organization": "Acme Org"},
        ],
    }
    row.update(changes)
    return row


def test_hand_made_offsets() -> None:
    assert TEXT[JANE[0] : JANE[1]] == "Jane Doe, Director, Amnesty International (AI), Kenya"
    assert TEXT[ACME[0] : ACME[1]] == "Acme Org"


def test_parse_row_accepts_a_good_row() -> None:
    letter = parse_row(_row())
    assert [(s.start, s.end) for s in letter.signatories] == [JANE, ACME]
    assert letter.signatories[0].person == "Jane Doe"
    assert letter.signatories[1].country is None


BAD_ROWS: list[tuple[str, dict[str, Any], str]] = [
    (
        "span outside the text",
        _row(signatories=[{"start": 70, "end": 999, "person": "x"}]),
        "inside",
    ),
    ("empty span", _row(signatories=[{"start": 11, "end": 11, "person": "x"}]), "inside"),
    (
        "span with outer whitespace",
        _row(signatories=[{"start": 10, "end": 19, "person": "x"}]),
        "whitespace",
    ),
    ("empty field", _row(signatories=[{"start": 11, "end": 19, "person": ""}]), "person"),
    (
        "field with outer whitespace",
        _row(signatories=[{"start": 11, "end": 19, "role": " x"}]),
        "role",
    ),
    ("country not a code", _row(signatories=[{"start": 11, "end": 19, "country": "Kenya"}]), "ISO"),
    ("every field null", _row(signatories=[{"start": 11, "end": 19}]), "null"),
    ("unknown key", _row(signatories=[{"start": 11, "end": 19, "name": "x"}]), "unknown"),
    (
        "entries out of order",
        _row(
            signatories=[
                {"start": 67, "end": 75, "person": "x"},
                {"start": 11, "end": 19, "person": "y"},
            ]
        ),
        "overlaps",
    ),
    ("headline on a non-letter", _row(headline="Title"), "headline"),
    ("text not NFC", _row(text="Cafe\u0301 " + TEXT[5:], signatories=[]), "NFC"),
    ("missing id", _row(id=""), "id"),
]


@pytest.mark.parametrize(
    ("case", "row", "message"), BAD_ROWS, ids=[case for case, _, _ in BAD_ROWS]
)
def test_parse_row_rejects_bad_rows_with_the_row_id(
    case: str, row: dict[str, Any], message: str
) -> None:
    with pytest.raises(GoldError, match=message) as raised:
        parse_row(row)
    if row.get("id"):
        assert str(raised.value).startswith(row["id"]), case


def test_fold_rules() -> None:
    assert fold("organization", "Amnesty  International\n") == fold(
        "organization", "amnesty international"
    )
    assert fold("country", "KE") != fold("country", "ke")
    assert fold("person", None) is None


def test_counts() -> None:
    counts = Counts(tp=2, predicted=4, gold=2)
    assert (counts.precision, counts.recall) == (0.5, 1.0)
    assert round(counts.f1, 4) == 0.6667
    assert Counts().f1 == 0.0


SCORING_CASES: list[tuple[str, list[Signatory], dict[str, Any]]] = [
    (
        "perfect",
        [
            Signatory(
                start=JANE[0],
                end=JANE[1],
                person="jane  doe",
                role="Director",
                organization="Amnesty International",
                acronym="AI",
                country="KE",
            ),
            Signatory(start=ACME[0], end=ACME[1], organization="Acme Org"),
        ],
        {"lines": (2, 2, 2), "person": (1, 1, 1), "organization": (2, 2, 2), "micro": (6, 6, 6)},
    ),
    (
        "one long prediction over both entries matches one of them",
        [Signatory(start=JANE[0], end=ACME[1], person="Jane Doe")],
        {"lines": (1, 1, 2), "person": (1, 1, 1), "organization": (0, 0, 2), "micro": (1, 1, 6)},
    ),
    (
        "wrong field values, a spurious line and a missed line",
        [
            Signatory(
                start=JANE[0],
                end=JANE[0] + 8,
                person="Jane Doe",
                organization="Director",
                country="ke",
            ),
            Signatory(start=0, end=6, person="Signed"),
        ],
        {"lines": (1, 2, 2), "person": (1, 2, 1), "organization": (0, 1, 2), "micro": (1, 4, 6)},
    ),
    ("nothing predicted", [], {"lines": (0, 0, 2), "person": (0, 0, 1), "micro": (0, 0, 6)}),
]


@pytest.mark.parametrize(
    ("case", "predicted", "expected"), SCORING_CASES, ids=[case for case, _, _ in SCORING_CASES]
)
def test_score_letter(
    case: str, predicted: list[Signatory], expected: dict[str, tuple[int, int, int]]
) -> None:
    fields = ("person", "role", "organization", "acronym", "country")
    result = score_letter(_letter(GOLD_ENTRIES), predicted, fields)
    got = {
        "lines": result.lines,
        "person": result.fields["person"],
        "organization": result.fields["organization"],
        "micro": result.micro,
    }
    for name, (tp, n_predicted, n_gold) in expected.items():
        counts = got[name]
        assert (counts.tp, counts.predicted, counts.gold) == (tp, n_predicted, n_gold), (case, name)


def test_statement_and_headline_checks() -> None:
    predicted = [
        Signatory(start=JANE[0], end=JANE[1], person="Jane Doe"),
        Signatory(start=ACME[0], end=ACME[1], organization="Acme Org"),
    ]
    dossier = DossierModel.model_validate({"document": {"id": "x", "source": "x", "text": TEXT}})
    dossier.signatories = predicted
    dossier.statements = [Statement(start=0, end=6, signatories=[0, 1])]
    dossier.anatomy.headline = TextSpan(text="A  Letter", start=0, end=6)
    ok = score_letter(_letter(GOLD_ENTRIES, is_letter=True), predicted, ("person",), dossier)
    assert ok.statement_ok is True and ok.headline_ok is True
    dossier.statements = []
    dossier.anatomy.headline = None
    bad = score_letter(_letter(GOLD_ENTRIES, is_letter=True), predicted, ("person",), dossier)
    assert bad.statement_ok is False and bad.headline_ok is False
    assert score_letter(_letter(GOLD_ENTRIES), predicted, ("person",), dossier).statement_ok is None


def test_score_figures_and_floors() -> None:
    letter = _letter(GOLD_ENTRIES)
    acme = Signatory(start=ACME[0], end=ACME[1], organization="Acme Org")
    letters = [letter, dataclasses.replace(letter, id="case-2")]
    figures = score(letters, [[], [acme]]).figures()
    assert figures["letters"] == 2
    assert figures["letters_without_prediction"] == 1
    assert figures["lines"]["gold"] == 4 and figures["lines"]["tp"] == 1
    assert figures["per_letter"]["case"]["gold"] == 2
    assert figures["line_f1_per_layout"]["bullets"] == round((0.0 + 2 / 3) / 2, 4)
    assert set(figures["field_f1_per_layout"]) == set(figures["line_f1_per_layout"])
    failures = floor_failures(figures)
    assert failures[0].startswith("line_f1") and failures[1].startswith("field_f1")
    assert (LINE_FLOOR, FIELD_FLOOR) == (0.95, 0.90)


def test_gold_rows_are_well_formed() -> None:
    letters = read_gold(GOLD)
    assert len(letters) >= 30
    assert sum(len(letter.signatories) for letter in letters) >= 400
    assert sum(1 for letter in letters if letter.document_is_letter) >= 5
    for letter in letters:
        assert letter.text == unicodedata.normalize("NFC", letter.text), letter.id
        assert set(letter.layouts) <= LAYOUT_TAGS, (letter.id, set(letter.layouts) - LAYOUT_TAGS)
        assert "@" in letter.source or letter.source.startswith("http"), letter.id
        assert letter.licence, letter.id
        assert len(letter.signatories) <= 45, letter.id
        for entry in letter.signatories:
            assert any(entry.value(name) is not None for name in FIELDS), letter.id


def test_runs_on_the_first_gold_rows() -> None:
    pipeline = Pipeline(stages=[AnatomyStage(), StatementsStage(), SignatoriesStage()])
    figures, result = run(limit=3, pipeline=pipeline)
    assert figures["letters"] == 3
    assert figures["lines"]["gold"] == sum(letter.lines.gold for letter in result.letters)
    assert 0.0 <= figures["lines"]["f1"] <= 1.0
    assert set(figures["fields"]) == {
        "person",
        "role",
        "organization",
        "acronym",
        "country",
        "url",
    }


def test_recorded_figures_clear_the_floors_in_sample_and_cross_validated() -> None:
    recorded = json.loads((RESULTS / "signatories.json").read_text(encoding="utf-8"))
    assert recorded["letters"] == len(read_gold(GOLD))
    assert floor_failures(recorded) == []
    cross_validated = recorded["cv_leave_one_letter_out"]
    assert cross_validated["letters"] == recorded["letters"]
    assert floor_failures(cross_validated) == []
