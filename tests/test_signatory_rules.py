"""The readings the rules fix before the tagger decides (stages/signatories/rules.py).

Each case is a short list in a layout of real sign-on letters and the fields the gold
guidelines (bench/data/SIGNATORIES_GOLD.md) give each entry, written by hand from those
guidelines.
"""

from __future__ import annotations

import pytest

from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline
from claimscope.stages.signatories import SignatoriesStage
from claimscope.stages.signatories.rules import reads_as_organization
from claimscope.stages.statements import StatementsStage
from claimscope.text.lists import find_blocks, label_group, load_tables

Fields = tuple[str | None, str | None, str | None, str | None, str | None]


@pytest.fixture(scope="module")
def stages() -> Pipeline:
    return Pipeline(stages=[StatementsStage(), SignatoriesStage()])


CASES: list[tuple[str, str, list[Fields]]] = [
    (
        "a title alone as a part is a role; a country part is the country",
        "Signed by:\n- Jonathan Swift, Prof, Cambridge, UK\n- Biggles Wick, Prof, UCL, UK\n",
        [
            ("Jonathan Swift", "Prof", "Cambridge", None, "GB"),
            ("Biggles Wick", "Prof", "UCL", None, "GB"),
        ],
    ),
    (
        "an office, given names and a surname in capitals, then the group",
        "Signatories:\n\n"
        "MEP Manon AUBRY The Left group in the European Parliament - GUE/NGL<br>\n"
        "MEP Antoni COMIN Non-Attached Member<br>\n",
        [
            ("Manon AUBRY", "MEP", "The Left group in the European Parliament", "GUE/NGL", None),
            ("Antoni COMIN", "MEP; Non-Attached Member", None, None, None),
        ],
    ),
    (
        "short form first, short form after, country after a comma",
        "Endorsed by:\n"
        "- DAWN (Development Alternatives with Women for a New Era), Global South\n"
        "- Third World Network (TWN)\n"
        "- Trade Justice Movement, United Kingdom\n",
        [
            (None, None, "Development Alternatives with Women for a New Era", "DAWN", None),
            (None, None, "Third World Network", "TWN", None),
            (None, None, "Trade Justice Movement", None, "GB"),
        ],
    ),
    (
        "on behalf of: the organisation up to the comma, a closing acronym apart",
        "Signed by:\n"
        "Chee Yoke Ling, on behalf of the Third World Network (TWN)<br>\n"
        "Deborah James, on behalf of Our World Is Not for Sale (OWINFS) global network<br>\n",
        [
            ("Chee Yoke Ling", None, "Third World Network", "TWN", None),
            (
                "Deborah James",
                None,
                "Our World Is Not for Sale (OWINFS) global network",
                None,
                None,
            ),
        ],
    ),
    (
        "handles and names given with an e-mail address are people; the address is no field",
        "Signatures:\n"
        "- @ktemkin <kate@ktemk.in>\n"
        "- jade <jade@jade.fyi>\n"
        "- Lunaphied <lunaphied@lunaphied.me>\n",
        [
            ("@ktemkin", None, None, None, None),
            ("jade", None, None, None, None),
            ("Lunaphied", None, None, None, None),
        ],
    ),
    (
        "a date names nobody; a role with its field, then 'at' the organisation",
        "Signed by:\n"
        "- Kurtis Kemple, March 21, 2022\n"
        "- Ana Lima, Professor of Law at University of Nairobi\n",
        [
            ("Kurtis Kemple", None, None, None, None),
            ("Ana Lima", "Professor of Law", "University of Nairobi", None, None),
        ],
    ),
    (
        "a field after 'of' stays in the role; a body after 'of the' is the organisation",
        "Signed by:\n"
        "- Megan Neely, Assistant Professor of Organisation, Copenhagen Business School\n"
        "- Jose Shultman, President of the Argentine League for Human Rights\n",
        [
            (
                "Megan Neely",
                "Assistant Professor of Organisation",
                "Copenhagen Business School",
                None,
                None,
            ),
            ("Jose Shultman", "President", "Argentine League for Human Rights", None, None),
        ],
    ),
    (
        "labels say who signs below them",
        "# Signatories\n\n### Organisations\n\n- Women In Prison\n- Global Witness\n\n"
        "### Individuals\n\n- Mark Evans, Oxfam\n- Sara Lee\n",
        [
            (None, None, "Women In Prison", None, None),
            (None, None, "Global Witness", None, None),
            ("Mark Evans", None, "Oxfam", None, None),
            ("Sara Lee", None, None, None, None),
        ],
    ),
    (
        "a name followed by a role is a person's in a list of organisations too",
        "Signed by:\n"
        "- Howard League for Penal Reform\n"
        "- Clean Break\n"
        "- Russell Webster, independent criminal justice researcher\n",
        [
            (None, None, "Howard League for Penal Reform", None, None),
            (None, None, "Clean Break", None, None),
            ("Russell Webster", "independent criminal justice researcher", None, None, None),
        ],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[case for case, _, _ in CASES])
def test_rules_fix_what_they_are_sure_of(
    stages: Pipeline, case: str, text: str, expected: list[Fields]
) -> None:
    dossier = stages.analyze(make_document(text, case))
    got = [(s.person, s.role, s.organization, s.acronym, s.country) for s in dossier.signatories]
    assert got == expected


@pytest.mark.parametrize(
    ("label", "group"),
    [
        ("Individuals", "people"),
        ("Individual signatories", "people"),
        ("Civil Society Organizations:", "organizations"),
        ("Projects & organisations", "organizations"),
        ("Global", None),
        ("National", None),
    ],
)
def test_label_groups(label: str, group: str | None) -> None:
    assert label_group(label, load_tables()) == group


def test_entries_carry_the_label_above_them() -> None:
    text = "Signatories:\n\n**Organisations**:\n- Oxfam\n\n**Individuals**:\n- Jane Doe\n"
    _, blocks = find_blocks(text, 0, len(text))
    assert [(entry.row.text, entry.group) for block in blocks for entry in block.entries] == [
        ("Oxfam", "organizations"),
        ("Jane Doe", "people"),
    ]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Regional Expert group on Migration and Health", True),
        ("Argentine League for Human Rights", True),
        ("Milagros de Sala and diverse causes of defense of human rights", False),
        ("Sociology", False),
        ("the dialogues of popular movements", False),
    ],
)
def test_reads_as_organization(phrase: str, expected: bool) -> None:
    assert reads_as_organization(phrase, load_tables()) is expected


def test_a_run_of_headings_is_read_once() -> None:
    # Each heading opens a block that reads on past it; marked read, the headings after the
    # first open none, so the work stays linear in the number of rows.
    text = "Signed by:\n" * 3_000 + "- Jane Doe, Oxfam\n"
    _, blocks = find_blocks(text, 0, len(text))
    assert [[entry.row.text for entry in block.entries] for block in blocks] == [
        ["Jane Doe, Oxfam"]
    ]
