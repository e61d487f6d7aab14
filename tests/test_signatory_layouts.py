"""Signatory layouts of real letters, one small hand-written input each (issue 12).

Each row: a layout, its text, and the entries it must yield as (span text, person, role,
organization, acronym, country, url), read off the input by hand following
``bench/data/SIGNATORIES_GOLD.md``.
"""

from __future__ import annotations

import pytest

from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline
from claimscope.stages.anatomy import AnatomyStage
from claimscope.stages.signatories import SignatoriesStage
from claimscope.stages.statements import StatementsStage

Entry = tuple[str, str | None, str | None, str | None, str | None, str | None, str | None]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(stages=[AnatomyStage(), StatementsStage(), SignatoriesStage()])


LAYOUTS: list[tuple[str, str, list[Entry]]] = [
    (
        "numbered without a space: 1.Name, Affiliation",
        "Signatories:\n1.Jane Doe, Amnesty International\n2.John Smith, Oxfam\n",
        [
            (
                "Jane Doe, Amnesty International",
                "Jane Doe",
                None,
                "Amnesty International",
                None,
                None,
                None,
            ),
            ("John Smith, Oxfam", "John Smith", None, "Oxfam", None, None, None),
        ],
    ),
    (
        "asterisk notes are not part of the values",
        "Signed by:\n\n- Jane Doe*, Amnesty International\n- John Smith**, Oxfam\n",
        [
            (
                "Jane Doe*, Amnesty International",
                "Jane Doe",
                None,
                "Amnesty International",
                None,
                None,
                None,
            ),
            ("John Smith**, Oxfam", "John Smith", None, "Oxfam", None, None, None),
        ],
    ),
    (
        "organisation links with acronyms in parentheses",
        "## Signatories\n\n"
        "* [Electronic Frontier Foundation](https://www.eff.org) (EFF)\n"
        "* [Access Now](https://www.accessnow.org)\n",
        [
            (
                "[Electronic Frontier Foundation](https://www.eff.org) (EFF)",
                None,
                None,
                "Electronic Frontier Foundation",
                "EFF",
                None,
                "https://www.eff.org",
            ),
            (
                "[Access Now](https://www.accessnow.org)",
                None,
                None,
                "Access Now",
                None,
                None,
                "https://www.accessnow.org",
            ),
        ],
    ),
    (
        "acronym after a dash, two-space hard breaks",
        "### Signatories\n\nArab Digital Expression Foundation - ADEF  \nHuman Rights Watch  \n",
        [
            (
                "Arab Digital Expression Foundation - ADEF",
                None,
                None,
                "Arab Digital Expression Foundation",
                "ADEF",
                None,
                None,
            ),
            ("Human Rights Watch", None, None, "Human Rights Watch", None, None, None),
        ],
    ),
    (
        "office, name in capitals, group and acronym without a comma, <br> lines",
        "Yours sincerely,\n<p>\n"
        "MEP Manon AUBRY The Left group in the European Parliament - GUE/NGL<br>\n"
        "MEP Anna CAVAZZINI Group of the Greens/European Free Alliance<br>\n",
        [
            (
                "MEP Manon AUBRY The Left group in the European Parliament - GUE/NGL",
                "Manon AUBRY",
                "MEP",
                "The Left group in the European Parliament",
                "GUE/NGL",
                None,
                None,
            ),
            (
                "MEP Anna CAVAZZINI Group of the Greens/European Free Alliance",
                "Anna CAVAZZINI",
                "MEP",
                "Group of the Greens/European Free Alliance",
                None,
                None,
                None,
            ),
        ],
    ),
    (
        "table with a header, None and empty cells, a pseudonym",
        "## Signatures\n\n"
        "| Name | Title / Role | Affiliation | Country |\n"
        "|---|---|---|---|\n"
        "| comma-tose | FOSS advocate | None | |\n"
        "| Jane Doe | Researcher | University of Oslo | Norway |\n",
        [
            (
                "| comma-tose | FOSS advocate | None | |",
                "comma-tose",
                "FOSS advocate",
                None,
                None,
                None,
                None,
            ),
            (
                "| Jane Doe | Researcher | University of Oslo | Norway |",
                "Jane Doe",
                "Researcher",
                "University of Oslo",
                None,
                "NO",
                None,
            ),
        ],
    ),
    (
        "headings split the list; an HTML comment inside it",
        "# Signatories\n\n### Individuals\n\n- Jane Doe\n- John Smith\n"
        "<!-- add your name above -->\n\n### Organizations\n\n- Oxfam\n- Amnesty International\n",
        [
            ("Jane Doe", "Jane Doe", None, None, None, None, None),
            ("John Smith", "John Smith", None, None, None, None, None),
            ("Oxfam", None, None, "Oxfam", None, None, None),
            ("Amnesty International", None, None, "Amnesty International", None, None, None),
        ],
    ),
    (
        "backslash hard breaks under a column header; institution with a comma",
        "## Name, Institution\n"
        "Nina Bandelj, University of California, Irvine  \\\\\n"
        "William Plevan, Independent  \\\\\n"
        "Prof. Rachel Giora, Tel Aviv University  \\\\\n",
        [
            (
                "Nina Bandelj, University of California, Irvine",
                "Nina Bandelj",
                None,
                "University of California, Irvine",
                None,
                None,
                None,
            ),
            ("William Plevan, Independent", "William Plevan", None, None, None, None, None),
            (
                "Prof. Rachel Giora, Tel Aviv University",
                "Rachel Giora",
                None,
                "Tel Aviv University",
                None,
                None,
                None,
            ),
        ],
    ),
    (
        "parenthesised affiliations, several joined; a handle left out",
        "Signed,\n\n"
        "- Molly Doe (Debian Project, GNOME Foundation)\n"
        "- Aaron Roe (@aroe, Debian Developer)\n"
        "- Sam Poe\n",
        [
            (
                "Molly Doe (Debian Project, GNOME Foundation)",
                "Molly Doe",
                None,
                "Debian Project; GNOME Foundation",
                None,
                None,
                None,
            ),
            (
                "Aaron Roe (@aroe, Debian Developer)",
                "Aaron Roe",
                "Debian Developer",
                None,
                None,
                None,
                None,
            ),
            ("Sam Poe", "Sam Poe", None, None, None, None, None),
        ],
    ),
    (
        "entries separated by blank lines after a closing, a count line skipped",
        "With urgency,\n\n**333 total signers as of January 26th, 2021.**\n\n"
        "Fenaba Addo, Associate Professor of Consumer Science, University of Wisconsin\n\n"
        "Matthew Desmond, Professor of Sociology, Princeton University\n",
        [
            (
                "Fenaba Addo, Associate Professor of Consumer Science, University of Wisconsin",
                "Fenaba Addo",
                "Associate Professor of Consumer Science",
                "University of Wisconsin",
                None,
                None,
                None,
            ),
            (
                "Matthew Desmond, Professor of Sociology, Princeton University",
                "Matthew Desmond",
                "Professor of Sociology",
                "Princeton University",
                None,
                None,
                None,
            ),
        ],
    ),
    (
        "footnotes before the list; numbers alone on the line before the entry",
        "Notes:<br>\n1. A resolution of 2004<br>\n<p>\n<h2>Signatories</h2>\nGlobal\n<p>\n"
        "1. Third World Network (TWN)<br>\n"
        "2.\nTreatment Action Group, USA<br>\n",
        [
            ("Third World Network (TWN)", None, None, "Third World Network", "TWN", None, None),
            ("Treatment Action Group, USA", None, None, "Treatment Action Group", None, "US", None),
        ],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), LAYOUTS, ids=[row[0] for row in LAYOUTS])
def test_layouts(pipeline: Pipeline, case: str, text: str, expected: list[Entry]) -> None:
    document = make_document(text, "letter.md")
    dossier = pipeline.analyze(document)
    got = [
        (
            document.text[s.start : s.end],
            s.person,
            s.role,
            s.organization,
            s.acronym,
            s.country,
            s.url,
        )
        for s in dossier.signatories
    ]
    assert got == expected


LETTER = (
    "---\n"
    'title: "An Open Letter to the Minister:\n'
    '  Release the Data"\n'
    "layout: post\n"
    "---\n"
    "Dear Minister,\n\n"
    "We are researchers who study public data. We write to urge you to publish the census\n"
    "records that your office holds, as the law requires and as the public expects.\n\n"
    "Yours sincerely,\n\n"
    "- Jane Doe, University of Oslo\n"
    "- John Smith, Oxfam\n"
)


def test_a_document_that_is_the_letter(pipeline: Pipeline) -> None:
    document = make_document(LETTER, "letter.md")
    dossier = pipeline.analyze(document)
    assert dossier.anatomy.headline is not None
    assert dossier.anatomy.headline.text == "An Open Letter to the Minister: Release the Data"
    assert len(dossier.statements) == 1
    statement = dossier.statements[0]
    assert LETTER[statement.start : statement.end].startswith("Dear Minister,")
    assert LETTER[statement.start : statement.end].endswith("public expects.")
    assert statement.signatories == [0, 1]
    assert [s.person for s in dossier.signatories] == ["Jane Doe", "John Smith"]


def test_a_markdown_heading_is_the_headline(pipeline: Pipeline) -> None:
    text = "# Letter to the Council\n\nDear members of the Council,\n\nWe ask you to act.\n"
    dossier = pipeline.analyze(make_document(text, "letter.md"))
    assert dossier.anatomy.headline is not None
    assert dossier.anatomy.headline.text == "Letter to the Council"
