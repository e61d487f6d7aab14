"""The Markdown report: well-formed tables, escaped document text, every layer summarised."""

from __future__ import annotations

import re

import pytest

from claimscope.adapters.report.markdown import escape_markdown, render_markdown
from claimscope.dossier import Citation, DocumentInfo, Dossier, Signatory
from tests.test_report_html import HOSTILE, hostile_dossier, sample_dossier

# A cell boundary is a pipe not escaped by a backslash (an escaped backslash is two).
_CELL_BOUNDARY = re.compile(r"(?<!\\)(?:\\\\)*\|")


def table_rows(report: str) -> list[list[list[str]]]:
    """Each pipe table of the report, as rows of cells."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in report.splitlines():
        if line.startswith("|"):
            cells = [cell.strip() for cell in _split_cells(line)]
            if current is None:
                current = []
                tables.append(current)
            current.append(cells)
        else:
            current = None
    return tables


def _split_cells(line: str) -> list[str]:
    cells: list[str] = []
    last = 0
    for match in _CELL_BOUNDARY.finditer(line):
        boundary = match.end() - 1
        cells.append(line[last:boundary])
        last = boundary + 1
    cells.append(line[last:])
    assert cells[0].strip() == "" and cells[-1].strip() == "", line
    return cells[1:-1]


def assert_tables_well_formed(report: str) -> None:
    tables = table_rows(report)
    assert tables, "no table"
    for table in tables:
        widths = {len(row) for row in table}
        assert len(widths) == 1, table
        assert all(set(cell) <= set("-:") for cell in table[1]), table[1]


@pytest.fixture(scope="module")
def sample_report() -> str:
    return render_markdown([sample_dossier()])


def test_sample_report_has_every_section(sample_report: str) -> None:
    assert sample_report.startswith("# Civil societies denounce Armenia's blocking")
    for heading in (
        "## Statements (1)",
        "## Signatories (4)",
        "## Entities (",
        "## Voices (2)",
        "## Citations (2)",
        "## Claims (3)",
        "## Technique spans (2)",
        "## Warnings (2)",
    ):
        assert f"\n{heading}" in sample_report, heading
    assert "| Published | 2023-08-01T18:03:00+04:00 |" in sample_report
    assert "— Baku, AZ, date: 2023-08-01 (year inferred)" in sample_report
    assert "| Agency | Trend |" in sample_report
    assert "| 4 | Eliud Emeri | — | Turkana Bio Aloe Organization | TUBAE | KE |" in sample_report
    assert "| Armenia | GPE | country:AM | 28 |" in sample_report
    assert "court\\_order" in sample_report and "Article 7" in sample_report
    assert "not verdicts" in sample_report
    # Each technique used gets its plain name and description under the table.
    assert "- **Loaded language**: " in sample_report
    assert "trend-2023-08-01-civil-society-statement.txt" in sample_report
    assert_tables_well_formed(sample_report)


def test_claims_are_ranked_by_check_worthiness(sample_report: str) -> None:
    claims = next(table for table in table_rows(sample_report) if table[0][0] == "Rank")
    scores = [float(row[1]) for row in claims[2:]]
    assert scores == sorted(scores, reverse=True) == [0.91, 0.55, 0.2]
    assert claims[2][4] == "\\[1\\]"


def test_pipes_and_newlines_in_cells_keep_tables_well_formed() -> None:
    text = "A statement.\n\nJane | Doe, Org | with\nnewline, KE"
    dossier = Dossier(
        document=DocumentInfo(id="sha256:3", source="pipes|and\nlines.txt", text=text),
        signatories=[
            Signatory(
                person="Jane | Doe",
                role="chair\\",
                organization="Org | with\nnewline",
                acronym="A|B",
                country="KE",
                start=14,
                end=len(text),
            )
        ],
    )
    report = render_markdown([dossier])
    assert_tables_well_formed(report)
    signers = next(table for table in table_rows(report) if table[0][0] == "#")
    assert signers[2] == ["1", "Jane \\| Doe", "chair\\\\", "Org \\| with newline", "A\\|B", "KE"]


def test_hostile_strings_are_escaped() -> None:
    report = render_markdown([hostile_dossier()])
    assert_tables_well_formed(report)
    assert re.search(r"(?<!\\)<", report) is None, "an unescaped <"
    quoted = re.sub(r"(?m)^\s*> ", "", report)
    assert re.search(r"(?<!\\)>", quoted) is None, "an unescaped > outside a quote marker"
    assert "\\<script\\>alert(1)\\</script\\>" in report
    assert 'O\'Brien \\& "Sons"' in report
    assert HOSTILE[0] not in report


def test_several_dossiers_get_an_index_and_a_report_each() -> None:
    report = render_markdown([sample_dossier(), hostile_dossier()])
    assert report.startswith("# claimscope report: 2 documents")
    assert report.count("\n---\n") == 2
    assert "\n1. Civil societies denounce" in report
    assert_tables_well_formed(report)


def test_a_bare_dossier_renders() -> None:
    dossier = Dossier(document=DocumentInfo(id="sha256:4", source="bare.txt", text="Text."))
    report = render_markdown([dossier])
    assert report.startswith("# bare.txt")
    assert "## Signatories" not in report
    assert_tables_well_formed(report)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a | b", "a \\| b"),
        ("line\nbreak", "line break"),
        ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
        ("[link](javascript:x)", "\\[link\\](javascript:x)"),
        ("<b>&amp;</b>", "\\<b\\>\\&amp;\\</b\\>"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("1. item", "1\\. item"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_escape_markdown(raw: str, escaped: str) -> None:
    assert escape_markdown(raw) == escaped


def test_inferred_issuer_is_marked_in_the_citations_table() -> None:
    text = "Critics said the plan breaches the Constitution."
    start = text.index("Constitution")
    citation = Citation(
        kind="constitution",
        issuer="United States",
        issuer_inferred=True,
        text="Constitution",
        start=start,
        end=start + len("Constitution"),
    )
    dossier = Dossier(
        document=DocumentInfo(id="sha256:5", source="inferred.txt", text=text),
        citations=[citation],
    )
    report = render_markdown([dossier])
    assert "United States (inferred)" in report
    stated = dossier.model_copy(
        update={"citations": [citation.model_copy(update={"issuer_inferred": False})]}
    )
    assert "United States (inferred)" not in render_markdown([stated])
