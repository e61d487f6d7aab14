"""The citations stage: references to documents, found and normalised.

Each table row is a sentence of the kind statements and news print, with the record it
must yield, checked by hand; the noise table lists mentions that identify no document.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from claimscope.document import Hints
from claimscope.dossier import Citation, Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline, default_stages
from claimscope.stages.anatomy import AnatomyStage
from claimscope.stages.citations import CitationsStage, parse_date

PUBLISHED = "2023-08-01"


@pytest.fixture(scope="module")
def citations_pipeline() -> Pipeline:
    return Pipeline(stages=[AnatomyStage(), CitationsStage()])


def citations_of(
    pipeline: Pipeline, text: str, published: str | None = PUBLISHED
) -> list[Citation]:
    document = make_document(text, "test", hints=Hints(published=published))
    return pipeline.analyze(document).citations


# text, cited text, and the fields that must hold (others are not checked).
CASES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "The International Court of Justice, while rejecting Armenia's request in its Order "
        "of July 6, confirmed the measure.",
        "Order of July 6",
        {
            "kind": "court_order",
            "issuer": "International Court of Justice",
            "date": "2023-07-06",
            "date_inferred": True,
        },
    ),
    (
        "The return is stipulated in Article 7 of the trilateral statement of 10 November 2020.",
        "Article 7 of the trilateral statement of 10 November 2020",
        {"kind": "treaty", "date": "2020-11-10", "date_inferred": False, "pinpoint": "Article 7"},
    ),
    (
        "Baku cites Security Council resolution 884 on the withdrawal of forces.",
        "Security Council resolution 884",
        {"kind": "resolution", "issuer": "UN Security Council", "number": "884"},
    ),
    (
        "The settlements violate S/RES/2334 (2016), diplomats said.",
        "S/RES/2334 (2016)",
        {
            "kind": "resolution",
            "issuer": "UN Security Council",
            "number": "S/RES/2334 (2016)",
            "date": "2016",
        },
    ),
    (
        "The vote followed A/RES/ES-11/1, which deplored the aggression.",
        "A/RES/ES-11/1",
        {"kind": "resolution", "issuer": "UN General Assembly", "number": "A/RES/ES-11/1"},
    ),
    (
        "Russia withdrew from the Rome Statute process long ago.",
        "Rome Statute",
        {"kind": "treaty", "title": "Rome Statute"},
    ),
    (
        "Both sides are bound by the Geneva Conventions in occupied areas.",
        "Geneva Conventions",
        {"kind": "treaty", "title": "Geneva Conventions"},
    ),
    (
        "It ratified the Convention on the Rights of the Child in 1990.",
        "Convention on the Rights of the Child",
        {"kind": "treaty", "title": "Convention on the Rights of the Child"},
    ),
    (
        "Platforms are shielded by Section 230 of the Communications Decency Act, he said.",
        "Section 230 of the Communications Decency Act",
        {"kind": "law", "pinpoint": "Section 230", "title": "Communications Decency Act"},
    ),
    (
        "The journalist was charged under Article 301 of the Turkish Penal Code.",
        "Article 301 of the Turkish Penal Code",
        {
            "kind": "law",
            "pinpoint": "Article 301",
            "issuer": "Türkiye",
            "title": "Turkish Penal Code",
        },
    ),
    (
        "The parliament adopted Law No. 123 on the media last year.",
        "Law No. 123",
        {"kind": "law", "number": "123"},
    ),
    (
        "President Biden signed Executive Order 14110 on artificial intelligence.",
        "Executive Order 14110",
        {"kind": "law", "number": "14110"},
    ),
    (
        "Articles 2 and 3 of the Constitution of the Republic of Azerbaijan guarantee it.",
        "Articles 2 and 3 of the Constitution of the Republic of Azerbaijan",
        {"kind": "constitution", "issuer": "Azerbaijan", "pinpoint": "Articles 2 and 3"},
    ),
    (
        "Critics say the bill breaches Armenia's Constitution.",
        "Armenia's Constitution",
        {"kind": "constitution", "issuer": "Armenia"},
    ),
    (
        "In its advisory opinion of 19 July 2024, the International Court of Justice found "
        "the occupation unlawful.",
        "advisory opinion of 19 July 2024",
        {"kind": "advisory_opinion", "date": "2024-07-19"},
    ),
    (
        "The European Court of Human Rights' judgment of 12 March 2019 found a violation.",
        "European Court of Human Rights' judgment of 12 March 2019",
        {
            "kind": "court_judgment",
            "issuer": "European Court of Human Rights",
            "date": "2019-03-12",
        },
    ),
    (
        "The ministry recalled its press release of 5 May 2023 on the checkpoint.",
        "press release of 5 May 2023",
        {"kind": "official_statement", "date": "2023-05-05"},
    ),
    (
        'Amnesty International published a report titled "Trapped in a blockade" today.',
        'report titled "Trapped in a blockade"',
        {"kind": "report", "title": "Trapped in a blockade"},
    ),
    (
        "The ministry said in a statement that talks would resume.",
        "statement",
        {"kind": "official_statement"},
    ),
    (
        "The Foreign Corrupt Practices Act (FCPA) bars bribes; the FCPA is enforced.",
        "FCPA",
        {"kind": "law", "title": "FCPA"},
    ),
    (
        "Under the U.S. Constitution, the House has the power to impeach.",
        "U.S. Constitution",
        {"kind": "constitution", "issuer": "United States"},
    ),
    (
        "The Puerto Rican constitution requires consent from both houses.",
        "Puerto Rican constitution",
        {"kind": "constitution", "issuer": None},
    ),
    (
        "The ruling in Roe v. Wade was overturned.",
        "Roe v. Wade",
        {"kind": "court_judgment", "title": "Roe v. Wade"},
    ),
    (
        "Schools must comply with Title IX, the department said.",
        "Title IX",
        {"kind": "law", "pinpoint": "Title IX", "issuer": None},
    ),
    (
        "In the US state of Alabama, the governor signed the Alabama Human Life Protection Act.",
        "Alabama Human Life Protection Act",
        {"kind": "law", "issuer": "Alabama Legislature"},
    ),
    (
        "Republicans attacked the deal with Iran again.",
        "deal with Iran",
        {"kind": "treaty", "issuer": None},
    ),
    (
        "Judge Gray Miller's ruling found the draft unconstitutional.",
        "Judge Gray Miller's ruling",
        {"kind": "court_judgment", "issuer": "Judge Gray Miller"},
    ),
    (
        "Diplomats defended the nuclear deal with Iran.",
        "nuclear deal with Iran",
        {"kind": "treaty", "title": None},
    ),
]


@pytest.mark.parametrize(("text", "cited", "fields"), CASES, ids=[case[1] for case in CASES])
def test_citation_table(
    citations_pipeline: Pipeline, text: str, cited: str, fields: dict[str, Any]
) -> None:
    found = citations_of(citations_pipeline, text)
    matching = [citation for citation in found if citation.text == cited]
    assert matching, f"{cited!r} not among {[c.text for c in found]}"
    citation = matching[0]
    assert text[citation.start : citation.end] == cited
    for name, value in fields.items():
        assert getattr(citation, name) == value, name


NOISE = [
    "Turnout fell, and the act of voting itself became a protest.",
    "A statement is expected later, officials said.",
    "Officials will issue statements later, a spokesman said.",
    "In his opinion, the ruling party is weak.",
    "Negotiators hope to reach a peace agreement before winter.",
    "The decision was a sovereign and legitimate one, the minister said.",
    "Reuters reported on Tuesday that the deal was close.",
    "UN resolutions are rarely enforced, the resolution says nothing new.",
    "Protesters gathered in Constitution Square on Monday.",
    "The opposition wants a new constitution.",
    "The Agreement opened a new chapter, he said.",
    "NATO and the Collective Security Treaty Organization held drills.",
    "The court ordered the release of the journalist.",
    "International law forbids it, and martial law was declared.",
    "He died in Fort Lauderdale, Florida. The statement gave no cause.",
    "The Jakarta Post reports a value of US$473 per tonne.",
    "Bankers said the Bank of America deal was priced too aggressively.",
    "Wikinews attended the Texas Haunters Convention last weekend.",
    "Delegates left the Republican National Convention early.",
    "Sources report she is treated as royalty.",
]


@pytest.mark.parametrize("text", NOISE)
def test_noise_is_not_a_citation(citations_pipeline: Pipeline, text: str) -> None:
    assert citations_of(citations_pipeline, text) == []


def test_resolution_list_gives_one_record_per_number(citations_pipeline: Pipeline) -> None:
    text = "Security Council resolutions 822, 853, 874 and 884 demand the withdrawal."
    found = citations_of(citations_pipeline, text)
    assert [citation.number for citation in found] == ["822", "853", "874", "884"]
    assert {citation.issuer for citation in found} == {"UN Security Council"}


def test_year_less_date_without_publication_stays_null(citations_pipeline: Pipeline) -> None:
    text = "The International Court of Justice in its Order of July 6 rejected the request."
    (citation,) = citations_of(citations_pipeline, text, published=None)
    assert citation.date is None
    assert citation.date_inferred is False


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("July 6", ("2023-07-06", True)),
        ("6 July", ("2023-07-06", True)),
        ("10 November 2020", ("2020-11-10", False)),
        ("November 10, 2020", ("2020-11-10", False)),
        ("February 10", ("2023-02-10", True)),
        ("2016", ("2016", False)),
        ("31 February", (None, False)),
    ],
)
def test_parse_date(printed: str, expected: tuple[str | None, bool]) -> None:
    from datetime import date

    assert parse_date(printed, date(2023, 8, 1)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A " * 100_000,
        "Article " * 50_000,
        "resolution 1, " * 30_000,
        "the Rome Statute of the " * 20_000,
        "Convention on the " * 30_000,
        "its Order of July " * 20_000,
        "The International Court of Justice in its Order of July 6 " * 5_000,
        "its Constitution, " * 20_000,
        "Law No. 1" * 30_000,
        "Aa Bb Cc Dd Ee Ff Gg " * 20_000 + "Act",
    ],
    ids=[
        "capitals",
        "articles",
        "resolutions",
        "statute",
        "convention",
        "order",
        "court order",
        "constitution",
        "law",
        "act",
    ],
)
def test_linear_time_on_pathological_text(citations_pipeline: Pipeline, text: str) -> None:
    started = time.perf_counter()
    citations_of(citations_pipeline, text)
    assert time.perf_counter() - started < 10


def test_example_citations(example_dossier: Dossier) -> None:
    by_text = {citation.text: citation for citation in example_dossier.citations}
    order = by_text["Order of July 6"]
    assert (order.kind, order.issuer, order.date, order.date_inferred) == (
        "court_order",
        "International Court of Justice",
        "2023-07-06",
        True,
    )
    statement = by_text["Article 7 of the trilateral statement of 10 November 2020"]
    assert (statement.kind, statement.date, statement.pinpoint) == (
        "treaty",
        "2020-11-10",
        "Article 7",
    )
    for printed in ("the country's constitution", "its Constitution"):
        constitution = by_text[printed]
        assert (constitution.kind, constitution.issuer) == ("constitution", "Azerbaijan")
    assert all(citation.sentence is not None for citation in example_dossier.citations)


# Clauses that name the issuer need the entities layer: the full pipeline. An organisation
# printed as its acronym keeps it; courts and UN organs get their full names.
CLAUSE_CASES = [
    (
        "Iran mocked it, and Iran's press mocked the Supreme Court's ruling too.",
        "Supreme Court's ruling",
        "court_judgment",
        # Iran's bodies are not in the table: the court keeps its printed name, no guess.
        "Supreme Court",
    ),
    (
        "NATO said in a statement that the drills were over.",
        "statement",
        "official_statement",
        "NATO",
    ),
    (
        "The OECD, in its annual report on Switzerland, warned of risks.",
        "report",
        "report",
        "OECD",
    ),
    (
        "The Supreme Court's ruling upheld the law, the lawyers said.",
        "Supreme Court's ruling",
        "court_judgment",
        # No state in the text: the shipped default_country is null, so nothing is guessed.
        "Supreme Court",
    ),
    (
        "WASHINGTON (Reuters) - The Supreme Court's ruling upheld the law, the lawyers said.",
        "Supreme Court's ruling",
        "court_judgment",
        "U.S. Supreme Court",
    ),
    (
        "Gun owners invoke the Second Amendment.",
        "Second Amendment",
        "constitution",
        "United States",
    ),
    (
        "Critics said the plan breaches the Constitution.",
        "Constitution",
        "constitution",
        None,
    ),
    (
        "U.S. lawmakers said the U.S. plan breaches the Constitution.",
        "Constitution",
        "constitution",
        "United States",
    ),
    (
        # "the" is not part of the pinpoint, and a named amendment settles the state.
        "He defended the Second Amendment to our Constitution at the rally.",
        "Second Amendment to our Constitution",
        "constitution",
        "United States",
    ),
    (
        "The judge cited the Due Process Clause of the United States Constitution.",
        "Due Process Clause of the United States Constitution",
        "constitution",
        "United States",
    ),
    (
        "It recalls the Massachusetts Constitution of 1780.",
        "Massachusetts Constitution of 1780",
        "constitution",
        "Massachusetts",
    ),
    (
        "Cruz would not comment on an executive order signed by North Carolina’s governor.",
        "executive order signed by North Carolina’s governor",
        "law",
        "Governor of North Carolina",
    ),
    (
        "In a joint statement, American Express and Shearson said the talks went on.",
        "statement",
        "official_statement",
        None,
    ),
    (
        "Output grew, the National Association of Purchasing Management (NAPM) said in a report.",
        "report",
        "report",
        "National Association of Purchasing Management",
    ),
    (
        "On the same day, the Hirtenberger Defence Group issued a corresponding press release.",
        "press release",
        "official_statement",
        "Hirtenberger Defence Group",
    ),
    (
        "Yesterday, the United States House of Representatives passed a resolution on rules.",
        "resolution",
        "resolution",
        "U.S. House of Representatives",
    ),
    (
        # The title alone settles who passed the act, and its acronym inherits that.
        "Lawyers cite the Foreign Corrupt Practices Act (FCPA); the FCPA bans bribes abroad.",
        "FCPA",
        "law",
        "U.S. Congress",
    ),
]


@pytest.mark.parametrize(
    ("text", "cited", "kind", "issuer"), CLAUSE_CASES, ids=[case[1] for case in CLAUSE_CASES]
)
def test_issuer_from_clause_and_state(
    pipeline: Pipeline, text: str, cited: str, kind: str, issuer: str
) -> None:
    found = pipeline.analyze(make_document(text, "test")).citations
    matching = [citation for citation in found if citation.text == cited]
    assert matching, f"{cited!r} not among {[c.text for c in found]}"
    assert (matching[0].kind, matching[0].issuer) == (kind, issuer)


def test_stage_is_registered_after_entities() -> None:
    names = [stage.name for stage in default_stages()]
    assert names.index("citations") == names.index("entities") + 1


# text, cited text, country given with the document, issuer, issuer_inferred.
INFERRED_CASES = [
    # Nothing in the text says which state's court: the given country decides, flagged.
    (
        "The Supreme Court's ruling upheld the law.",
        "Supreme Court's ruling",
        "US",
        "U.S. Supreme Court",
        True,
    ),
    (
        "The Supreme Court's ruling upheld the law.",
        "Supreme Court's ruling",
        None,
        "Supreme Court",
        False,
    ),
    # The sentence names the state: the issuer is the text's, not an inference.
    (
        "The U.S. Constitution forbids it, lawyers said.",
        "U.S. Constitution",
        "US",
        "United States",
        False,
    ),
    (
        "Critics said the plan breaches the Constitution.",
        "Constitution",
        "US",
        "United States",
        True,
    ),
    # A state the text keeps naming outweighs the country given with the document.
    (
        "Azerbaijan's leaders met. Azerbaijan's envoy spoke. Critics cite the Constitution.",
        "Constitution",
        "US",
        "Azerbaijan",
        True,
    ),
    # The act's title settles its issuer whatever the state: not inferred.
    ("They cite the Patriot Act.", "Patriot Act", None, "U.S. Congress", False),
]


@pytest.mark.parametrize(
    ("text", "cited", "country", "issuer", "inferred"),
    INFERRED_CASES,
    ids=[f"{case[1]}-{case[2]}" for case in INFERRED_CASES],
)
def test_issuer_inferred_from_the_documents_state(
    pipeline: Pipeline,
    text: str,
    cited: str,
    country: str | None,
    issuer: str,
    inferred: bool,
) -> None:
    document = make_document(text, "test", hints=Hints(country=country))
    found = [c for c in pipeline.analyze(document).citations if c.text == cited]
    assert found, f"{cited!r} not among {[c.text for c in pipeline.analyze(document).citations]}"
    assert (found[0].issuer, found[0].issuer_inferred) == (issuer, inferred)
