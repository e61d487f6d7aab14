"""Primary documents: passages with spans, labels and pages, what they are, citations linked."""

from __future__ import annotations

import io

import pytest

from claimscope.adapters.report.wording import match_source
from claimscope.dossier import Citation, Dossier
from claimscope.evidence.citations import (
    dates_agree,
    kinds_compatible,
    link_citation,
    parse_pinpoint,
)
from claimscope.evidence.library import (
    Library,
    library_entries,
    link_dossier_citations,
    read_evidence,
    split_entry_id,
)
from claimscope.evidence.passages import (
    DocumentDescription,
    describe_document,
    join_pages,
    page_of,
    primary_document,
    read_primary_document,
    split_passages,
)

ICJ_ORDER = """INTERNATIONAL COURT OF JUSTICE

YEAR 2023

6 July 2023

APPLICATION OF THE INTERNATIONAL CONVENTION ON THE ELIMINATION OF ALL FORMS OF RACIAL \
DISCRIMINATION
(ARMENIA v. AZERBAIJAN)

REQUEST FOR THE MODIFICATION OF THE ORDER INDICATING A PROVISIONAL MEASURE OF 22 FEBRUARY 2023

ORDER

The International Court of Justice,
Makes the following Order:

1. On 16 September 2021, the Republic of Armenia filed in the Registry of the Court an \
Application instituting proceedings against the Republic of Azerbaijan.

2. By an Order of 22 February 2023, the Court indicated a provisional measure.

3. On 28 April 2023, Armenia requested the Court to modify that Order.

4. The Court finds that the circumstances do not require the exercise of its power to \
modify the Order of 22 February 2023.
"""

TRILATERAL_STATEMENT = """Statement by President of the Republic of Azerbaijan, Prime Minister \
of the Republic of Armenia and President of the Russian Federation

10 November 2020

We, President of the Republic of Azerbaijan I.H. Aliyev, Prime Minister of the Republic of \
Armenia N.V. Pashinyan and President of the Russian Federation V.V. Putin, state the following:

1. A complete ceasefire and termination of all hostilities in the area of the Nagorno-Karabakh \
conflict is declared.
2. The Parties shall remain in their current positions.
3. Along the contact line in Nagorno-Karabakh and along the Lachin corridor, a peacekeeping \
contingent of the Russian Federation shall be deployed.
4. The peacekeeping contingent shall be deployed in parallel with the withdrawal of the \
Armenian armed forces.
5. A peacekeeping centre shall be deployed to control the ceasefire.
6. The Republic of Armenia shall return the Kalbajar District to the Republic of Azerbaijan.
7. Internally displaced persons and refugees shall return to the territory of Nagorno-Karabakh \
and adjacent areas under the supervision of the Office of the United Nations High Commissioner \
for Refugees.
8. The Parties shall exchange prisoners of war, hostages and other detained persons.
9. All economic and transport connections in the region shall be unblocked.
"""

ARTICLES = """Agreement on Example Matters

Article 1
The Parties agree on example matters.

Article 2

1. Each Party shall publish its reports.
2. Reports shall be public.

Article 7
Refugees shall return to their homes.
"""


def _texts(document_text: str, passages: list[tuple[int, int]]) -> list[str]:
    return [document_text[start:end] for start, end in passages]


def test_numbered_paragraphs_of_an_order() -> None:
    document = primary_document(ICJ_ORDER, "icj.txt")
    numbered = [passage for passage in document.passages if passage.label]
    assert [(passage.label, passage.number) for passage in numbered] == [
        ("paragraph 1", "1"),
        ("paragraph 2", "2"),
        ("paragraph 3", "3"),
        ("paragraph 4", "4"),
    ]
    assert document.passage_text(numbered[2]) == (
        "3. On 28 April 2023, Armenia requested the Court to modify that Order."
    )
    # Every passage is a trimmed, non-empty span of the text, in order, without overlap.
    previous_end = 0
    for index, passage in enumerate(document.passages):
        assert passage.index == index
        assert previous_end <= passage.start < passage.end
        text = document.passage_text(passage)
        assert text == text.strip() and text
        previous_end = passage.end
    assert document.passages[0].label is None  # the title lines before paragraph 1


def test_articles_keep_their_heading_and_restart_numbering() -> None:
    passages = split_passages(ARTICLES)
    labelled = [(passage.label, ARTICLES[passage.start : passage.end]) for passage in passages]
    assert labelled == [
        (None, "Agreement on Example Matters"),
        ("Article 1", "Article 1\nThe Parties agree on example matters."),
        ("Article 2", "Article 2"),
        ("paragraph 1", "1. Each Party shall publish its reports."),
        ("paragraph 2", "2. Reports shall be public."),
        ("Article 7", "Article 7\nRefugees shall return to their homes."),
    ]


def test_roman_and_abbreviated_headings() -> None:
    text = "Chapter IV\nGeneral rules.\n\nArt. 12 Scope\nThis applies.\n"
    passages = split_passages(text)
    assert [(passage.label, passage.number) for passage in passages] == [
        ("Chapter IV", "4"),
        ("Article 12", "12"),
    ]


def test_long_paragraph_is_cut_at_sentence_ends() -> None:
    sentence = "The parties agree on the matter stated here in full. "
    text = sentence * 100
    passages = split_passages(text)
    assert len(passages) >= 3
    for passage in passages:
        piece = text[passage.start : passage.end]
        assert len(piece) <= 2000
        assert piece.startswith("The parties") and piece.endswith(".")


def test_pages_of_passages() -> None:
    text, starts = join_pages(["Page one text.\n", "1. First paragraph.\n2. Second", "3. Third."])
    assert text == "Page one text.\n\n1. First paragraph.\n2. Second\n\n3. Third."
    # "Page one text." is 14 characters and a blank line follows each page.
    assert starts == (0, 16, 47)
    assert [page_of(offset, starts) for offset in (0, 15, 16, 46, 47, 52)] == [1, 1, 2, 2, 3, 3]
    assert page_of(3, ()) is None
    passages = split_passages(text, starts)
    assert [(passage.label, passage.page, passage.page_end) for passage in passages] == [
        (None, 1, 1),
        ("paragraph 1", 2, 2),
        ("paragraph 2", 2, 2),
        ("paragraph 3", 3, 3),
    ]


def _pdf(pages: list[list[str]]) -> bytes:
    """A small PDF with one line of Helvetica text per string, written with pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        shown = " ".join(f"({line}) Tj T*" for line in lines)
        content = ContentStream(None, writer)
        content.set_data(f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET".encode("latin-1"))
        page.replace_contents(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_passages_carry_their_page_numbers() -> None:
    data = _pdf(
        [
            ["INTERNATIONAL COURT OF JUSTICE", "6 July 2023", "ORDER"],
            ["1. On 16 September 2021, Armenia filed an Application.", "2. The Court met."],
            ["3. The Court rejects the request."],
        ]
    )
    document = read_primary_document(data, "order.pdf")
    assert document.description == DocumentDescription(
        kind="court_order",
        issuer="International Court of Justice",
        date="2023-07-06",
        number=None,
        title="INTERNATIONAL COURT OF JUSTICE",
    )
    assert len(document.page_starts) == 3
    labelled = {
        passage.label: (passage.page, document.passage_text(passage))
        for passage in document.passages
    }
    assert labelled["paragraph 1"] == (2, "1. On 16 September 2021, Armenia filed an Application.")
    assert labelled["paragraph 3"] == (3, "3. The Court rejects the request.")
    assert labelled[None] == (1, "INTERNATIONAL COURT OF JUSTICE\n6 July 2023\nORDER")


def test_unreadable_pdf_is_an_error_not_a_traceback() -> None:
    read = read_evidence(b"%PDF-1.7\nthis is not a pdf at all", "broken.pdf")
    assert read.document is None and read.factchecks == []
    assert len(read.errors) == 1 and read.errors[0].startswith("broken.pdf: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ICJ_ORDER,
            DocumentDescription(
                "court_order", "International Court of Justice", "2023-07-06", None,
                "INTERNATIONAL COURT OF JUSTICE",
            ),
        ),
        # The High Commissioner named in point 7 is not the statement's issuer.
        (
            TRILATERAL_STATEMENT,
            DocumentDescription(
                "official_statement", None, "2020-11-10", None,
                TRILATERAL_STATEMENT.split("\n", 1)[0],
            ),
        ),
        (
            "Resolution 2334 (2016)\nAdopted by the Security Council on 23 December 2016\n",
            DocumentDescription(
                "resolution", "UN Security Council", "2016-12-23", None, "Resolution 2334 (2016)"
            ),
        ),
        ("Joint communiqué\nMay 3, 2021\nText.", DocumentDescription(
            "official_statement", None, "2021-05-03", None, "Joint communiqué"
        )),
    ],
)  # fmt: skip
def test_describe_document_from_its_header(text: str, expected: DocumentDescription) -> None:
    assert describe_document(text) == expected


def test_given_description_wins_and_header_citations_fill_gaps() -> None:
    cited = Citation(kind="resolution", number="S/RES/2334 (2016)", text="x", start=0, end=1)
    described = describe_document(
        "Some title\nNo date here.",
        DocumentDescription(issuer="UN Security Council", title="Resolution 2334"),
        [cited],
    )
    assert described == DocumentDescription(
        "resolution", "UN Security Council", None, "S/RES/2334 (2016)", "Resolution 2334"
    )


@pytest.mark.parametrize(
    ("pinpoint", "parsed"),
    [
        ("Article 7", ("article", "7")),
        ("Art. 7", ("article", "7")),
        ("paragraph 12", ("paragraph", "12")),
        ("para. 12", ("paragraph", "12")),
        ("§ 230", ("section", "230")),
        ("Chapter IV", ("chapter", "4")),
        ("Second Amendment", None),
    ],
)
def test_parse_pinpoint(pinpoint: str, parsed: tuple[str, str] | None) -> None:
    assert parse_pinpoint(pinpoint) == parsed


def test_kinds_and_dates() -> None:
    assert kinds_compatible("court_order", "court_judgment")
    assert kinds_compatible("treaty", "official_statement")
    assert not kinds_compatible("court_order", "resolution")
    assert dates_agree("2023", "2023-07-06") and dates_agree("2023-07-06", "2023-07-06")
    assert not dates_agree("2023-02-22", "2023-07-06")


def _citation(**fields: str | None) -> Citation:
    return Citation(text="x", start=0, end=1, **fields)


def test_citations_link_to_documents_and_passages() -> None:
    order = primary_document(ICJ_ORDER, "icj.txt")
    statement = primary_document(TRILATERAL_STATEMENT, "statement.txt")
    agreement = primary_document(
        ARTICLES, "agreement.txt", DocumentDescription(kind="treaty", date="2019-01-01")
    )
    library = [order, statement, agreement]
    # "Order of July 6" (the ICJ's; year resolved from the publication date).
    links = link_citation(
        _citation(kind="court_order", issuer="International Court of Justice", date="2023-07-06"),
        library,
    )
    assert [(link.document_id, link.agreed) for link in links] == [
        (order.id, ("kind", "issuer", "date"))
    ]
    # "Article 7 of the trilateral statement of 10 November 2020": point 7 stands for it.
    links = link_citation(
        _citation(kind="treaty", date="2020-11-10", pinpoint="Article 7"), library
    )
    assert len(links) == 1 and links[0].document_id == statement.id
    assert links[0].passage_by_number
    passage = statement.passages[links[0].passage or 0]
    assert statement.passage_text(passage).startswith("7. Internally displaced persons")
    # A real "Article 7" heading is preferred to a numbered paragraph 7.
    links = link_citation(_citation(kind="treaty", date="2019", pinpoint="Art. 7"), library)
    assert [link.document_id for link in links] == [agreement.id]
    assert not links[0].passage_by_number
    assert agreement.passage_text(agreement.passages[links[0].passage or 0]).startswith(
        "Article 7\nRefugees"
    )
    # Disagreements rule a document out: another date, another issuer, another kind.
    assert link_citation(_citation(kind="court_order", date="2023-02-22"), library) == []
    assert (
        link_citation(
            _citation(kind="court_order", issuer="European Court of Human Rights", date="2023"),
            library,
        )
        == []
    )
    assert link_citation(_citation(kind="resolution", date="2023-07-06"), library) == []
    # Kind and issuer alone identify nothing.
    assert link_citation(_citation(kind="court_order", issuer="ICJ"), library) == []


def test_the_example_dossier_meets_the_library(example_dossier: Dossier) -> None:
    library = [
        primary_document(ICJ_ORDER, "icj.txt"),
        primary_document(TRILATERAL_STATEMENT, "statement.txt"),
    ]
    links = link_dossier_citations(example_dossier.citations, library)
    linked = {
        example_dossier.citations[number].text: [link.document_id for link in found]
        for number, found in enumerate(links)
        if found
    }
    assert linked == {
        "Order of July 6": [library[0].id],
        "Article 7 of the trilateral statement of 10 November 2020": [library[1].id],
    }


def test_library_entries_and_ids() -> None:
    statement = primary_document(TRILATERAL_STATEMENT, "statement.txt")
    read = read_evidence(b'{"id": "f1", "claim": "A claim."}\n', "checks.jsonl")
    entries = library_entries(read.factchecks, [statement])
    assert entries[0].id == "f1" and entries[0].claim == "A claim."
    assert len(entries) == 1 + len(statement.passages)
    # Passages 0-2 are the title, the date and the preamble; 3-11 the points 1-9.
    seventh = entries[1 + 9]
    assert seventh.subtitle == "paragraph 7"
    assert seventh.claim.startswith("7. Internally displaced")
    assert split_entry_id(seventh.id) == (statement.id, 9)
    assert split_entry_id("f1") == ("f1", None)
    assert split_entry_id("a#3") == ("a#3", None)


def test_read_evidence_dispatch() -> None:
    html_review = (
        b'<html><head><script type="application/ld+json">{"@type": "ClaimReview", '
        b'"identifier": "r", "claimReviewed": "c"}</script></head><body></body></html>'
    )
    assert [check.id for check in read_evidence(html_review, "page.html").factchecks] == ["r"]
    csv_read = read_evidence(b"id,claim\n1,c\n", "x.csv")
    assert [check.claim for check in csv_read.factchecks] == ["c"]
    text_read = read_evidence(TRILATERAL_STATEMENT.encode(), "statement.txt")
    assert text_read.document is not None
    assert text_read.document.description.date == "2020-11-10"
    assert read_evidence(b"", "empty.txt").errors


def test_a_claims_cited_documents_come_first_among_its_matches(
    example_dossier: Dossier,
) -> None:
    order = primary_document(ICJ_ORDER, "icj.txt")
    statement = primary_document(TRILATERAL_STATEMENT, "statement.txt")
    dossier = Library([], [order, statement]).with_matches(example_dossier, k=3)
    by_citation = {citation.text: index for index, citation in enumerate(dossier.citations)}
    order_citation = by_citation["Order of July 6"]
    article_citation = by_citation["Article 7 of the trilateral statement of 10 November 2020"]
    citing = {
        index: claim
        for index in (order_citation, article_citation)
        for claim in dossier.claims
        if index in claim.citations
    }
    assert set(citing) == {order_citation, article_citation}
    # No pinpoint: the whole order, by its reference, first and scored 1.
    first = citing[order_citation].matches[0]
    assert (first.kind, first.evidence_id, first.citation) == ("document", order.id, order_citation)
    assert (first.rank, first.score, first.start, first.end) == (1, 1.0, 0, len(order.text))
    assert first.text == "INTERNATIONAL COURT OF JUSTICE"
    assert match_source(first).startswith("cited by the claim: INTERNATIONAL COURT OF JUSTICE")
    # "Article 7": the statement's point 7, then what wording found, never the same twice.
    matches = citing[article_citation].matches
    point = matches[0]
    assert (point.kind, point.citation, point.document_id) == (
        "passage",
        article_citation,
        statement.id,
    )
    assert point.text.startswith("7. Internally displaced persons")
    assert statement.text[point.start : point.end] == point.text
    assert [match.rank for match in matches] == list(range(1, len(matches) + 1))
    assert len({match.evidence_id for match in matches}) == len(matches)
    assert all(match.citation is None for match in matches[1:])
    # A claim without citations gets matches by wording only.
    for claim in dossier.claims:
        if not claim.citations:
            assert all(match.citation is None for match in claim.matches)


def test_the_library_summary_counts_what_each_entry_says() -> None:
    from claimscope.evidence.factchecks import FactCheck, Rating
    from claimscope.evidence.library import library_summary
    from claimscope.evidence.passages import DocumentDescription, PrimaryDocument

    def factcheck(
        number: int, reviewer: str | None, rating: str | None, date: str | None
    ) -> FactCheck:
        return FactCheck(
            id=f"f{number}",
            claim=f"claim {number}",
            reviewer=reviewer,
            rating=Rating(name=rating) if rating is not None else None,
            date=date,
        )

    factchecks = [
        factcheck(1, "Snopes", "False", "2021-05-01"),
        factcheck(2, "Snopes", "Mostly false", "2019-12-31"),
        factcheck(3, "AFP", "False", "March 3, 2020"),
        factcheck(4, "  ", "Fake", None),
        factcheck(5, None, None, "2024-01-09"),
    ]
    documents = [
        PrimaryDocument("d1", "a.txt", "text", DocumentDescription(kind="order", issuer="ICJ"), ()),
        PrimaryDocument("d2", "b.txt", "text", DocumentDescription(kind="order"), ()),
        PrimaryDocument("d3", "c.txt", "text", DocumentDescription(), ()),
    ]
    summary = library_summary(Library(factchecks, documents), top=2)
    assert (summary["factchecks"], summary["documents"], summary["passages"]) == (5, 3, 0)
    # Most first, ties by name, blanks left out and counted apart, cut at top.
    assert summary["reviewers"] == [{"name": "Snopes", "count": 2}, {"name": "AFP", "count": 1}]
    assert summary["without_reviewer"] == 2
    assert summary["ratings"] == [{"name": "False", "count": 2}, {"name": "Fake", "count": 1}]
    # "March 3, 2020" is a date, but not one that orders: neither undated nor in the range.
    assert summary["dates"] == {
        "earliest": "2019-12-31",
        "latest": "2024-01-09",
        "undated": 1,
        "dated_otherwise": 1,
    }
    assert summary["document_kinds"] == [{"name": "order", "count": 2}]
    assert summary["issuers"] == [{"name": "ICJ", "count": 1}]
    empty = library_summary(Library([]))
    assert empty["dates"] == {"earliest": None, "latest": None, "undated": 0, "dated_otherwise": 0}
    assert empty["reviewers"] == [] and empty["document_kinds"] == []
