"""The statements stage: table-driven rows of texts and the statements they must yield."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline
from claimscope.stages.signatories import SignatoriesStage
from claimscope.stages.statements import StatementsStage, normalize_issuer


@pytest.fixture(scope="module")
def stages() -> Pipeline:
    return Pipeline(stages=[StatementsStage(), SignatoriesStage()])


def analyze(pipeline: Pipeline, text: str) -> tuple[Document, Dossier]:
    document = make_document(text, "test.txt")
    return document, pipeline.analyze(document)


@dataclass(frozen=True)
class Expected:
    """What one statement must look like: its text, issuer (and issuer as printed), cue."""

    text: str
    issuer: str | None
    issuer_printed: str | None
    cue: str | None


LETTER = (
    "GENEVA, March 3. Several human rights groups have released a joint letter on the "
    "detention of journalists.\n\n"
    '"We are deeply concerned about the arrest of twelve journalists in the capital last week.\n\n'
    '"We call on the authorities to release them immediately and to drop all charges.\n\n'
    '"Journalism is not a crime," the letter says.\n\n'
    "The government has not commented.\n"
)

JOINT = (
    '"The closure of the border crossing has left thousands of families without food, water '
    'or medicine, and it must end now," the aid agencies said in a joint statement on Monday.\n'
)

PRE_CUE = (
    "The statement reads: “The forum calls on all parties to respect the ceasefire, to allow "
    "humanitarian access and to return to negotiations without preconditions.”\n"
)

UNDERSIGNED = (
    "Open letter to the Parliament\n\n"
    "We, the undersigned journalists and editors, urge the Parliament to reject the draft law "
    "on foreign agents.\n\n"
    "The law would force independent media to register as agents of foreign influence and "
    "would silence critical reporting.\n\n"
    "Signed by:\n"
    "1. Nino Beridze, editor, Georgia\n"
    "2. Giorgi Kapanadze, Transparency International Georgia\n"
)

FULL_TEXT = (
    "The foreign ministry issued a statement on Tuesday.\n\n"
    "Full text of the statement:\n\n"
    "The Ministry of Foreign Affairs strongly condemns the attack on the embassy and calls on "
    "the host government to ensure the safety of diplomatic staff.\n"
)

ORGANISATION_ISSUER = (
    "Amnesty International has issued a statement on the verdict.\n\n"
    "\"Today's verdict is a travesty of justice. The court ignored the evidence of torture and "
    'convicted the defendants on the basis of forced confessions," reads the statement.\n'
)

IN_A_STATEMENT = (
    "In a statement on Friday, the Kenya Human Rights Commission said: “The police must stop "
    "the abductions of protesters and account for every person detained since the "
    "demonstrations began in June.”\n"
)

WRAPPED_STATEMENT = (
    "He said it was designed to avoid sham transactions.\n"
    "    Senate Finance Committee chairman Lloyd Bentsen said in a\n"
    'statement, "The Tax Reform Act contains a provision that allows\n'
    "many wealthy individuals to avoid the federal estate tax\n"
    'entirely when they die."\n'
)

NEWS = (
    "LONDON, May 2 (Reuters) - Britain's economy grew faster than expected in the first "
    "quarter, official data showed on Thursday.\n\n"
    '"This is a welcome surprise," said Jane Foster, an economist at Capital Economics. '
    '"But the outlook remains weak."\n\n'
    "Finance minister Tom Hale said the figures showed the government's plan was working.\n"
)

STATEMENTS: list[tuple[str, str, list[Expected]]] = [
    (
        "multi-paragraph quotation closed by 'the letter says'",
        LETTER,
        [
            Expected(
                "We are deeply concerned about the arrest of twelve journalists in the capital "
                'last week.\n\n"We call on the authorities to release them immediately and to '
                'drop all charges.\n\n"Journalism is not a crime,',
                "several human rights groups",
                "Several human rights groups",
                "the letter says",
            )
        ],
    ),
    (
        "'said in a joint statement' names its issuer",
        JOINT,
        [
            Expected(
                JOINT[1 : JOINT.index('," the aid') + 1],
                "the aid agencies",
                "the aid agencies",
                "said in a joint statement",
            )
        ],
    ),
    (
        "cue before a curly-quoted statement",
        PRE_CUE,
        [
            Expected(
                "The forum calls on all parties to respect the ceasefire, to allow humanitarian "
                "access and to return to negotiations without preconditions.",
                None,
                None,
                "The statement reads",
            )
        ],
    ),
    (
        "unquoted 'We, the undersigned' block up to its signatories",
        UNDERSIGNED,
        [
            Expected(
                "We, the undersigned journalists and editors, urge the Parliament to reject the "
                "draft law on foreign agents.\n\nThe law would force independent media to "
                "register as agents of foreign influence and would silence critical reporting.",
                "journalists and editors",
                "journalists and editors",
                "We, the undersigned",
            )
        ],
    ),
    (
        "'Full text of the statement:' before an unquoted statement",
        FULL_TEXT,
        [
            Expected(
                "The Ministry of Foreign Affairs strongly condemns the attack on the embassy and "
                "calls on the host government to ensure the safety of diplomatic staff.",
                "the foreign ministry",
                "The foreign ministry",
                "Full text of the statement",
            )
        ],
    ),
    (
        "a proper-name issuer keeps its capitals",
        ORGANISATION_ISSUER,
        [
            Expected(
                "Today's verdict is a travesty of justice. The court ignored the evidence of "
                "torture and convicted the defendants on the basis of forced confessions,",
                "Amnesty International",
                "Amnesty International",
                "reads the statement",
            )
        ],
    ),
    (
        "'In a statement, X said:' before the quotation names its issuer",
        IN_A_STATEMENT,
        [
            Expected(
                "The police must stop the abductions of protesters and account for every person "
                "detained since the demonstrations began in June.",
                "the Kenya Human Rights Commission",
                "the Kenya Human Rights Commission",
                "In a statement on Friday, the Kenya Human Rights Commission said",
            )
        ],
    ),
    (
        "'X said in a statement,' before the quotation names its issuer (Reuters-21578 #61)",
        WRAPPED_STATEMENT,
        [
            Expected(
                "The Tax Reform Act contains a provision that allows\n"
                "many wealthy individuals to avoid the federal estate tax\n"
                "entirely when they die.",
                "Senate Finance Committee chairman Lloyd Bentsen",
                "Senate Finance Committee chairman Lloyd Bentsen",
                "said in a\nstatement",
            )
        ],
    ),
    ("an ordinary news story has no statement", NEWS, []),
]


@pytest.mark.parametrize(("case", "text", "expected"), STATEMENTS, ids=[r[0] for r in STATEMENTS])
def test_statements(stages: Pipeline, case: str, text: str, expected: list[Expected]) -> None:
    document, dossier = analyze(stages, text)
    got = []
    for statement in dossier.statements:
        printed = (
            document.text[statement.issuer_span.start : statement.issuer_span.end]
            if statement.issuer_span
            else None
        )
        if statement.cue is not None:
            assert document.text[statement.cue.start : statement.cue.end] == statement.cue.text
        got.append(
            Expected(
                document.text[statement.start : statement.end],
                statement.issuer,
                printed,
                statement.cue.text if statement.cue else None,
            )
        )
    assert got == expected
    assert dossier.warnings == []


def test_unquoted_statement_owns_its_signatories(stages: Pipeline) -> None:
    _, dossier = analyze(stages, UNDERSIGNED)
    assert dossier.statements[0].signatories == [0, 1]
    assert [(s.person, s.role, s.organization, s.country) for s in dossier.signatories] == [
        ("Nino Beridze", "editor", None, "GE"),
        # A country printed inside the organisation's name stays there (the gold
        # guidelines: "Indymedia Ecuador"); it still gives the country.
        ("Giorgi Kapanadze", None, "Transparency International Georgia", "GE"),
    ]


def test_unbalanced_statement_quote_is_kept_with_a_warning(stages: Pipeline) -> None:
    text = (
        "Activists have published an open letter to the mayor.\n\n"
        '"We, the undersigned residents of the old town, ask the city council to stop the '
        "demolition of the historic market hall and to consult the people who live here.\n"
    )
    document, dossier = analyze(stages, text)
    [statement] = dossier.statements
    assert document.text[statement.start : statement.end] == text[text.index("We, the") :].strip()
    assert statement.issuer == "activists"
    assert [warning.stage for warning in dossier.warnings] == ["statements"]


def test_stray_quote_mark_warns_and_a_later_statement_is_still_found(stages: Pipeline) -> None:
    text = (
        'The minister said "we will see, and left the room.\n\n'
        'Later the groups wrote: "We, the undersigned, reject the plan," the statement reads.\n'
    )
    document, dossier = analyze(stages, text)
    assert [document.text[s.start : s.end] for s in dossier.statements] == [
        "We, the undersigned, reject the plan,"
    ]
    assert dossier.statements[0].cue is not None
    assert dossier.statements[0].cue.text == "the statement reads"
    assert [warning.stage for warning in dossier.warnings] == ["statements"]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Civil society organizations", "civil society organizations"),
        ("Amnesty International", "Amnesty International"),
        ("Human Rights Watch", "Human Rights Watch"),
        ("Activists", "activists"),
        ("Greenpeace", "Greenpeace"),
        ("NGOs", "NGOs"),
        ("the aid agencies", "the aid agencies"),
    ],
)
def test_normalize_issuer(phrase: str, expected: str) -> None:
    assert normalize_issuer(phrase) == expected


def test_example_statement(stages: Pipeline, example_document: Document) -> None:
    dossier = stages.analyze(example_document)
    text = example_document.text
    [statement] = dossier.statements
    covered = text[statement.start : statement.end]
    assert covered.startswith("We, the undersigned civil society organizations")
    assert covered.endswith("reintegration of Armenians of Karabakh into Azerbaijan,")
    assert statement.issuer == "civil society organizations"
    assert statement.issuer_span is not None
    assert text[statement.issuer_span.start : statement.issuer_span.end] == (
        "Civil society organizations"
    )
    assert statement.cue is not None
    assert statement.cue.text == "reads the statement"
    assert text[statement.cue.start : statement.cue.end] == "reads the statement"
    assert statement.signatories == list(range(14))
    assert dossier.warnings == []


@pytest.mark.parametrize(
    "text",
    [
        '"' * 200_000,
        "“" * 100_000 + "”" * 100_000,
        ('"' + "word " * 25 + '" reads the statement.\n') * 2_000,
        "A, " * 70_000,
        "A, \n" * 70_000,
        "x" * 100_000,
        "We, the undersigned " * 10_000,
        ('"' + "a " * 30 + "\n") * 3_000,
        "Full text of the statement:\n" * 10_000,
    ],
    ids=[
        "straight-quotes",
        "curly-quotes",
        "many-statements",
        "comma-line",
        "comma-lines",
        "long-line",
        "undersigned",
        "unclosed",
        "headings",
    ],
)
def test_adversarial_inputs_finish_quickly(stages: Pipeline, text: str) -> None:
    started = time.perf_counter()
    analyze(stages, text)
    assert time.perf_counter() - started < 10


def test_example_with_the_anatomy_stage(example_document: Document) -> None:
    from claimscope.stages.anatomy import AnatomyStage

    pipeline = Pipeline(stages=[AnatomyStage(), StatementsStage(), SignatoriesStage()])
    dossier = pipeline.analyze(example_document)
    text = example_document.text
    [statement] = dossier.statements
    assert text[statement.start : statement.end].startswith("We, the undersigned civil society")
    assert text[statement.start : statement.end].endswith("of Karabakh into Azerbaijan,")
    assert statement.issuer == "civil society organizations"
    assert statement.signatories == list(range(14))
    assert text[dossier.signatories[-1].start : dossier.signatories[-1].end] == (
        "Fred Wanyonyi, REDO NGO Kenya"
    )
