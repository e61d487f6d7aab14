"""The signatories stage: table-driven rows of signatory blocks and the records they yield."""

from __future__ import annotations

import time

import pytest

from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline
from claimscope.stages.signatories import SignatoriesStage
from claimscope.stages.statements import StatementsStage
from tests.conftest import EXAMPLE_SIGNATORIES

# person, role, organization, acronym, country, the line as printed (without its prefix)
Row = tuple[str | None, str | None, str | None, str | None, str | None, str]


@pytest.fixture(scope="module")
def stages() -> Pipeline:
    return Pipeline(stages=[StatementsStage(), SignatoriesStage()])


def analyze(pipeline: Pipeline, text: str) -> tuple[Document, Dossier]:
    document = make_document(text, "test.txt")
    return document, pipeline.analyze(document)


def records(document: Document, dossier: Dossier) -> list[Row]:
    return [
        (
            signatory.person,
            signatory.role,
            signatory.organization,
            signatory.acronym,
            signatory.country,
            document.text[signatory.start : signatory.end],
        )
        for signatory in dossier.signatories
    ]


BLOCKS: list[tuple[str, str, list[Row]]] = [
    (
        "name, organisation, country after 'Signed by:'",
        "Signed by:\n\nJane Doe, Amnesty International, UK\n",
        [
            (
                "Jane Doe",
                None,
                "Amnesty International",
                None,
                "GB",
                "Jane Doe, Amnesty International, UK",
            )
        ],
    ),
    (
        "numbered list: name, role, country and name, organisation (acronym), country",
        "Signatories:\n"
        "1. Ali Hassan, Executive Director, Egypt\n"
        "2) Maria Lopez, Centro de Derechos Humanos (CDH), Mexico\n",
        [
            (
                "Ali Hassan",
                "Executive Director",
                None,
                None,
                "EG",
                "Ali Hassan, Executive Director, Egypt",
            ),
            (
                "Maria Lopez",
                None,
                "Centro de Derechos Humanos",
                "CDH",
                "MX",
                "Maria Lopez, Centro de Derechos Humanos (CDH), Mexico",
            ),
        ],
    ),
    (
        "bulleted list: organisations alone and 'Name (Org), Country'",
        "Endorsed by:\n"
        "- Human Rights Watch (HRW)\n"
        "* Amnesty International\n"
        "• Olena Kovalenko (Ukrainian Helsinki Human Rights Union), Ukraine\n",
        [
            (None, None, "Human Rights Watch", "HRW", None, "Human Rights Watch (HRW)"),
            (None, None, "Amnesty International", None, None, "Amnesty International"),
            (
                "Olena Kovalenko",
                None,
                "Ukrainian Helsinki Human Rights Union",
                None,
                "UA",
                "Olena Kovalenko (Ukrainian Helsinki Human Rights Union), Ukraine",
            ),
        ],
    ),
    (
        "'Name (Org)' under 'List of signatories'",
        "List of signatories\n"
        "John Smith (Greenpeace)\n"
        "Anna Müller (Bread for the World), Germany\n",
        [
            ("John Smith", None, "Greenpeace", None, None, "John Smith (Greenpeace)"),
            (
                "Anna Müller",
                None,
                "Bread for the World",
                None,
                "DE",
                "Anna Müller (Bread for the World), Germany",
            ),
        ],
    ),
    (
        "role of organisation",
        "Signed by:\n"
        "Dr. Amina Yusuf, Professor of Law at University of Nairobi, Kenya\n"
        "Tom Becker, director of Open Society Institute\n",
        [
            (
                # The guidelines leave titles out of the name (bench/data/SIGNATORIES_GOLD.md).
                "Amina Yusuf",
                "Professor of Law",
                "University of Nairobi",
                None,
                "KE",
                "Dr. Amina Yusuf, Professor of Law at University of Nairobi, Kenya",
            ),
            (
                "Tom Becker",
                "director",
                "Open Society Institute",
                None,
                None,
                "Tom Becker, director of Open Society Institute",
            ),
        ],
    ),
    (
        "Markdown table with a header naming the columns",
        "Signatories:\n\n"
        "| No. | Name | Organisation | Country |\n"
        "|-----|------|--------------|---------|\n"
        "| 1 | Erik Larsen | Norwegian Helsinki Committee | Norway |\n"
        "| 2 | Leila Ahmadi | | Türkiye |\n",
        [
            (
                "Erik Larsen",
                None,
                "Norwegian Helsinki Committee",
                None,
                "NO",
                "| 1 | Erik Larsen | Norwegian Helsinki Committee | Norway |",
            ),
            ("Leila Ahmadi", None, None, None, "TR", "| 2 | Leila Ahmadi | | Türkiye |"),
        ],
    ),
    (
        "country names in common forms",
        "Signed by:\n"
        "Mark Evans, Freedom House, USA\n"
        "Sarah Jones, Article 19, UK\n"
        "Ivan Petrov, Memorial, Russia\n"
        "Ayşe Demir, Helsinki Citizens' Assembly, Türkiye\n"
        "Kim Min-jun, People's Solidarity for Participatory Democracy, South Korea\n",
        [
            ("Mark Evans", None, "Freedom House", None, "US", "Mark Evans, Freedom House, USA"),
            ("Sarah Jones", None, "Article 19", None, "GB", "Sarah Jones, Article 19, UK"),
            ("Ivan Petrov", None, "Memorial", None, "RU", "Ivan Petrov, Memorial, Russia"),
            (
                "Ayşe Demir",
                None,
                "Helsinki Citizens' Assembly",
                None,
                "TR",
                "Ayşe Demir, Helsinki Citizens' Assembly, Türkiye",
            ),
            (
                "Kim Min-jun",
                None,
                "People's Solidarity for Participatory Democracy",
                None,
                "KR",
                "Kim Min-jun, People's Solidarity for Participatory Democracy, South Korea",
            ),
        ],
    ),
    (
        "country after the organisation without a comma; role; organisation naming its country",
        "Signed by:\n"
        "Grace Achieng, Haki Africa Kenya\n"
        "Li Wei, independent journalist, China\n"
        "Samuel Osei, Coalition of NGOs in Ghana\n",
        [
            # The guidelines keep a country word printed in the name ("Indymedia Ecuador").
            (
                "Grace Achieng",
                None,
                "Haki Africa Kenya",
                None,
                "KE",
                "Grace Achieng, Haki Africa Kenya",
            ),
            (
                "Li Wei",
                "independent journalist",
                None,
                None,
                "CN",
                "Li Wei, independent journalist, China",
            ),
            (
                "Samuel Osei",
                None,
                "Coalition of NGOs in Ghana",
                None,
                "GH",
                "Samuel Osei, Coalition of NGOs in Ghana",
            ),
        ],
    ),
    (
        "spaced dashes separate the parts; Title Case plurals are organisations",
        "Signed by:\n"
        "Jane Doe – Front Line Defenders\n"
        "Mehmet Yilmaz - board member - Kenya\n"
        "Omar Khaled, human rights defenders, Jordan\n",
        [
            (
                "Jane Doe",
                None,
                "Front Line Defenders",
                None,
                None,
                "Jane Doe – Front Line Defenders",
            ),
            (
                "Mehmet Yilmaz",
                "board member",
                None,
                None,
                "KE",
                "Mehmet Yilmaz - board member - Kenya",
            ),
            (
                "Omar Khaled",
                "human rights defenders",
                None,
                None,
                "JO",
                "Omar Khaled, human rights defenders, Jordan",
            ),
        ],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), BLOCKS, ids=[row[0] for row in BLOCKS])
def test_signatory_blocks(stages: Pipeline, case: str, text: str, expected: list[Row]) -> None:
    document, dossier = analyze(stages, text)
    assert records(document, dossier) == expected
    assert dossier.warnings == []


def test_lines_that_name_no_signatory_are_skipped(stages: Pipeline) -> None:
    # The guidelines: an entry names a person or an organisation; a date and place line,
    # an illegible line are not entries (they were kept with a warning before issue 12).
    text = "Signed by:\nSarah Lee, #StandWithGaza, UK\n12 April 2023, Geneva\nOxfam\n"
    document, dossier = analyze(stages, text)
    assert [document.text[s.start : s.end] for s in dossier.signatories] == [
        "Sarah Lee, #StandWithGaza, UK",
        "Oxfam",
    ]
    assert [(s.person, s.country) for s in dossier.signatories] == [
        ("Sarah Lee", "GB"),
        (None, None),
    ]
    assert dossier.signatories[1].organization == "Oxfam"


def test_an_illegible_line_inside_a_block_does_not_end_it(stages: Pipeline) -> None:
    text = "Signed by:\nAmnesty International\n?? illegible ??\nHuman Rights Watch\n"
    document, dossier = analyze(stages, text)
    assert [document.text[s.start : s.end] for s in dossier.signatories] == [
        "Amnesty International",
        "Human Rights Watch",
    ]


def test_block_after_a_statement_belongs_to_it(stages: Pipeline) -> None:
    text = (
        '"We, the undersigned organisations, call on the government to release all political '
        'prisoners and to end the crackdown on peaceful protest," reads the statement.\n\n'
        "Ana Silva, Conectas Direitos Humanos, Brazil\n"
        "Kwame Mensah, Ghana Centre for Democratic Development\n"
    )
    document, dossier = analyze(stages, text)
    assert len(dossier.statements) == 1
    assert dossier.statements[0].signatories == [0, 1]
    assert records(document, dossier) == [
        (
            "Ana Silva",
            None,
            "Conectas Direitos Humanos",
            None,
            "BR",
            "Ana Silva, Conectas Direitos Humanos, Brazil",
        ),
        (
            "Kwame Mensah",
            None,
            "Ghana Centre for Democratic Development",
            None,
            "GH",
            "Kwame Mensah, Ghana Centre for Democratic Development",
        ),
    ]


def test_news_header_lines_are_not_signatories(stages: Pipeline) -> None:
    text = (
        "Ministers meet in Brussels\n\nPolitics 1 August 2023\nJohn Reporter\nJohn Reporter\n"
        "Read more\n\nBRUSSELS, Aug. 1. European ministers met on Tuesday to discuss energy.\n"
    )
    _, dossier = analyze(stages, text)
    assert dossier.signatories == []


def test_example_signatories(stages: Pipeline, example_document: Document) -> None:
    dossier = stages.analyze(example_document)
    text = example_document.text
    got = [(s.person, s.role, s.organization, s.acronym, s.country) for s in dossier.signatories]
    assert got == EXAMPLE_SIGNATORIES
    lines = text.rstrip("\n").split("\n")[-14:]
    assert [text[s.start : s.end] for s in dossier.signatories] == lines
    assert lines[-1] == "Fred Wanyonyi, REDO NGO Kenya"
    statement = dossier.statements[0]
    assert statement.signatories == list(range(14))
    assert all(s.start >= statement.end for s in dossier.signatories)


@pytest.mark.parametrize(
    "text",
    [
        "Signed by:\n" + "A, " * 70_000,
        "Signed by:\n" + "A, \n" * 70_000,
        "Signed by:\n" + "Jane Doe, Amnesty International, UK\n" * 5_000,
        "Signed by:\n" + "x" * 100_000,
        "Signatories:\n" + "| a " * 50_000 + "|\n",
        "Signed by:\n" + "(" * 100_000,
    ],
    ids=[
        "one-long-comma-line",
        "comma-lines",
        "many-signatories",
        "long-line",
        "wide-table",
        "parens",
    ],
)
def test_adversarial_inputs_finish_quickly(stages: Pipeline, text: str) -> None:
    started = time.perf_counter()
    analyze(stages, text)
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize(
    "text",
    [
        # Reuters-21578 #117 and #482: wire copy hard-wrapped at 65 characters.
        "SCHULT HOMES CORP MAKES INITIAL STOCK OFFER\n"
        "    NEW YORK, Feb 26 - Schult Homes Corp announced an initial\n"
        "public offering of 833,334 units at five dlrs per unit, said\n"
        "Janney Montgomery Scott Inc and Woolcott and Co, managing\n"
        "underwriters of the offering.\n",
        "PRESIDENTIAL AIRWAYS TO BEGIN NEW SERVICE\n"
        "    It will serve Albany, N.Y., Birmingham and Huntsville in Alabama,\n"
        "Columbus, Ohio, Daytona Beach, Melbourne and Sarasota, all in\n"
        "Florida, Indianapolis, New York's Kennedy Airport,\n"
        "Philadelphia, Portland, Me., and Savannah, Ga.\n",
        # Wikinews 2019 election results: a list, but of figures, not of signers.
        "Results\n\nLabour Party, 203 seats\nScottish National Party, 48 seats\n"
        "Liberal Democrats, 11 seats\nDemocratic Unionist Party, 8 seats\n",
    ],
    ids=["wrapped-offer", "wrapped-cities", "seat-counts"],
)
def test_wrapped_prose_and_figure_lists_are_not_signatories(stages: Pipeline, text: str) -> None:
    _, dossier = analyze(stages, text)
    assert dossier.signatories == []


def test_a_standalone_list_of_signers_is_still_found(stages: Pipeline) -> None:
    text = (
        "The groups published the following list.\n\n"
        "Jane Roe, Front Line Defenders, Ireland\n"
        "John Doe, Article 19, UK\n"
        "Amina Yusuf, Kenya Human Rights Commission, Kenya\n"
    )
    _, dossier = analyze(stages, text)
    assert [(s.person, s.country) for s in dossier.signatories] == [
        ("Jane Roe", "IE"),
        ("John Doe", "GB"),
        ("Amina Yusuf", "KE"),
    ]
