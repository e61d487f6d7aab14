"""The anatomy stage: table-driven rows of real-looking inputs and the fields they yield.

Every expected value below was written by hand from the input string, not copied from
program output.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from claimscope.document import Hints
from claimscope.dossier import Anatomy, Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline
from claimscope.stages.anatomy import AnatomyStage, normalize_published
from claimscope.text.dates import resolve_year
from tests.conftest import EXAMPLE

BODY = "The committee met on Monday and agreed on a new plan for the coming year."


@pytest.fixture(scope="module")
def anatomy_pipeline() -> Pipeline:
    return Pipeline(stages=[AnatomyStage()])


def analyze(
    pipeline: Pipeline,
    text: str,
    published: str | None = None,
    title: str | None = None,
    authors: tuple[str, ...] = (),
) -> tuple[str, Dossier]:
    hints = Hints(published=published, title=title, authors=authors)
    document = make_document(text, "test", hints=hints)
    return document.text, pipeline.analyze(document)


def assert_spans_slice(text: str, anatomy: Anatomy) -> None:
    """Every span that carries text slices the document to exactly that text."""
    if anatomy.headline is not None:
        assert text[anatomy.headline.start : anatomy.headline.end] == anatomy.headline.text
    if anatomy.dateline is not None:
        assert text[anatomy.dateline.start : anatomy.dateline.end] == anatomy.dateline.text
    for byline in anatomy.bylines:
        if byline.start is not None and byline.end is not None:
            assert text[byline.start : byline.end] == byline.name


# --- the bundled example -----------------------------------------------------------


def test_example(anatomy_pipeline: Pipeline) -> None:
    text, dossier = analyze(anatomy_pipeline, EXAMPLE.read_text(encoding="utf-8"))
    anatomy = dossier.anatomy
    headline = (
        "Civil societies denounce Armenia's blocking Karabakh's Armenian people from reintegrating"
    )
    assert anatomy.headline is not None
    assert anatomy.headline.text == headline
    assert anatomy.headline.start == 0
    assert dossier.document.title == headline
    assert anatomy.section == "Politics"
    assert anatomy.published == "2023-08-01T18:03:00+04:00"
    assert anatomy.published_span is not None
    published_span = anatomy.published_span
    assert text[published_span.start : published_span.end] == "1 August 2023 18:03 (UTC +04:00)"
    assert [byline.name for byline in anatomy.bylines] == ["Humay Aghajanova"]
    first_name = text.index("Humay Aghajanova")
    assert anatomy.bylines[0].start == first_name
    dateline = anatomy.dateline
    assert dateline is not None
    assert dateline.text == "BAKU, Azerbaijan, Aug.1."
    assert dateline.place == "Baku"
    assert dateline.place_text == "BAKU"
    assert dateline.country == "AZ"
    assert dateline.date == "2023-08-01"
    assert dateline.date_inferred is True
    assert anatomy.agency is not None
    assert anatomy.agency.name == "Trend"
    assert anatomy.agency.start is not None and anatomy.agency.end is not None
    assert text[anatomy.agency.start : anatomy.agency.end] == "Trend"
    assert text[anatomy.agency.start :].startswith("Trend reports.")
    assert [text[span.start : span.end] for span in anatomy.boilerplate] == ["Read more"]
    assert anatomy.body is not None
    assert anatomy.body.start == dateline.start
    assert text[anatomy.body.start : anatomy.body.end].endswith("Fred Wanyonyi, REDO NGO Kenya")
    assert_spans_slice(text, anatomy)


def test_example_through_the_shared_fixture(example_dossier: Dossier) -> None:
    anatomy = example_dossier.anatomy
    assert anatomy.dateline is not None and anatomy.dateline.place == "Baku"
    assert anatomy.published == "2023-08-01T18:03:00+04:00"


# --- publication dates printed in the header ---------------------------------------

PUBLISHED_ROWS = [
    # (date line as printed, ISO value, printed span)
    (
        "Politics Materials 1 August 2023 18:03 (UTC +04:00)",
        "2023-08-01T18:03:00+04:00",
        "1 August 2023 18:03 (UTC +04:00)",
    ),
    ("2023-08-01T18:03:00+04:00", "2023-08-01T18:03:00+04:00", "2023-08-01T18:03:00+04:00"),
    ("Aug 1, 2023 6:03 PM GMT+4", "2023-08-01T18:03:00+04:00", "Aug 1, 2023 6:03 PM GMT+4"),
    ("Tuesday 1 August 2023", "2023-08-01", "Tuesday 1 August 2023"),
    ("Friday, January 4, 2019", "2019-01-04", "Friday, January 4, 2019"),
    ("Published: 12 March 2024 09:15", "2024-03-12T09:15:00", "12 March 2024 09:15"),
    ("March 3, 2022 11:20 am UTC", "2022-03-03T11:20:00+00:00", "March 3, 2022 11:20 am UTC"),
    ("2021-12-31 23:59 -05:00", "2021-12-31T23:59:00-05:00", "2021-12-31 23:59 -05:00"),
    ("Updated 2023-08-01T14:03:00Z", "2023-08-01T14:03:00+00:00", "2023-08-01T14:03:00Z"),
    ("World | 5 Sept 2020", "2020-09-05", "5 Sept 2020"),
    ("01.08.2023 18:03 (GMT+4)", "2023-08-01T18:03:00+04:00", "01.08.2023 18:03 (GMT+4)"),
    ("18:03, 1 August 2023", "2023-08-01T18:03:00", "18:03, 1 August 2023"),
]


@pytest.mark.parametrize(("printed", "expected", "span_text"), PUBLISHED_ROWS)
def test_published_from_header(
    anatomy_pipeline: Pipeline, printed: str, expected: str, span_text: str
) -> None:
    source = f"Officials agree a new plan for the region\n{printed}\n\n{BODY}"
    text, dossier = analyze(anatomy_pipeline, source)
    anatomy = dossier.anatomy
    assert anatomy.published == expected
    assert anatomy.published_span is not None
    assert text[anatomy.published_span.start : anatomy.published_span.end] == span_text
    assert anatomy.headline is not None
    assert anatomy.headline.text == "Officials agree a new plan for the region"
    assert anatomy.body is not None
    assert text[anatomy.body.start :].startswith("The committee met")


def test_wikinews_date_line_without_headline(anatomy_pipeline: Pipeline) -> None:
    source = "Friday, January 4, 2019\u00a0\n\n\nAn apartment building collapsed on Monday.\n"
    text, dossier = analyze(anatomy_pipeline, source, title="Building collapses")
    anatomy = dossier.anatomy
    assert anatomy.published == "2019-01-04"
    assert anatomy.headline is None
    assert dossier.document.title == "Building collapses"
    assert anatomy.body is not None
    assert text[anatomy.body.start : anatomy.body.end] == (
        "An apartment building collapsed on Monday."
    )


HINT_ROWS = [
    ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01"),
    ("2023-08-01", "2023-08-01"),
    ("2023-08-01T18:03:00.123+04:00", "2023-08-01T18:03:00+04:00"),
    ("2023-08-01T18:03:00", "2023-08-01T18:03:00"),
    ("1 August 2023 18:03 (UTC +04:00)", "2023-08-01T18:03:00+04:00"),
    ("not a date", None),
    ("31 February 2023", None),
]


@pytest.mark.parametrize(("hint", "expected"), HINT_ROWS)
def test_normalize_published_hint(hint: str, expected: str | None) -> None:
    assert normalize_published(hint) == expected


def test_published_falls_back_to_hint(anatomy_pipeline: Pipeline) -> None:
    _, dossier = analyze(
        anatomy_pipeline, f"A headline without a date\n\n{BODY}", published="2020-05-17"
    )
    assert dossier.anatomy.published == "2020-05-17"
    assert dossier.anatomy.published_span is None


def test_unparsed_hint_is_a_warning_not_a_value(anatomy_pipeline: Pipeline) -> None:
    _, dossier = analyze(anatomy_pipeline, f"A headline\n\n{BODY}", published="sometime")
    assert dossier.anatomy.published is None
    assert any(warning.stage == "anatomy" for warning in dossier.warnings)


# --- datelines ---------------------------------------------------------------------


@dataclass(frozen=True)
class DatelineRow:
    line: str
    published: str | None
    text: str | None
    place: str | None = None
    place_text: str | None = None
    country: str | None = None
    date: str | None = None
    inferred: bool = True
    agency: str | None = None


DATELINE_ROWS = [
    DatelineRow(
        "BAKU, Azerbaijan, Aug.1. Civil society organizations have issued a statement.",
        "2023-08-01T18:03:00+04:00",
        "BAKU, Azerbaijan, Aug.1.",
        "Baku",
        "BAKU",
        "AZ",
        "2023-08-01",
    ),
    DatelineRow(
        "WASHINGTON (Reuters) - The U.S. Senate passed the bill on Tuesday.",
        "2024-05-07",
        "WASHINGTON (Reuters) -",
        "Washington",
        "WASHINGTON",
        "US",
        None,
        False,
        "Reuters",
    ),
    DatelineRow(
        "LONDON, Feb 26 - Oil prices rose on Thursday after a week of losses.",
        "1987-02-26",
        "LONDON, Feb 26 -",
        "London",
        "LONDON",
        "GB",
        "1987-02-26",
    ),
    DatelineRow(
        "MOSCOW, March 3 (AP) — Russian officials said talks would resume.",
        "2022-03-03",
        "MOSCOW, March 3 (AP) —",
        "Moscow",
        "MOSCOW",
        "RU",
        "2022-03-03",
        True,
        "AP",
    ),
    DatelineRow(
        "YEREVAN, August 1. /ARKA/. Armenia's exports grew in the first half.",
        "2023-08-01",
        "YEREVAN, August 1. /ARKA/.",
        "Yerevan",
        "YEREVAN",
        "AM",
        "2023-08-01",
        True,
        "ARKA",
    ),
    DatelineRow(
        "SALVADOR, Feb 26 - Showers continued throughout the week in the zone.",
        "26-FEB-1987 15:01:01.79",
        "SALVADOR, Feb 26 -",
        "Salvador",
        "SALVADOR",
        "BR",
        "1987-02-26",
    ),
    DatelineRow(
        "SAN DIEGO, Calif., Feb 26 - The company said its profit rose sharply.",
        "1987-02-26",
        "SAN DIEGO, Calif., Feb 26 -",
        "San Diego",
        "SAN DIEGO",
        "US",
        "1987-02-26",
    ),
    DatelineRow(
        "RICHMOND, Va. Feb 26 - The utility said it would raise its rates.",
        "1987-02-26",
        "RICHMOND, Va. Feb 26 -",
        "Richmond",
        "RICHMOND",
        "US",
        "1987-02-26",
    ),
    DatelineRow(
        "TREVISO, Italy, March 2 - Benetton Group said it reached an agreement.",
        "1987-03-02",
        "TREVISO, Italy, March 2 -",
        "Treviso",
        "TREVISO",
        "IT",
        "1987-03-02",
    ),
    # Across the new year: filed on 31 December, published on 2 January.
    DatelineRow(
        "MOSCOW, Dec 31 (Reuters) - The Kremlin said the president would speak.",
        "2024-01-02T10:00:00+03:00",
        "MOSCOW, Dec 31 (Reuters) -",
        "Moscow",
        "MOSCOW",
        "RU",
        "2023-12-31",
        True,
        "Reuters",
    ),
    # And the other way: filed on 1 January, stamped 31 December in another zone.
    DatelineRow(
        "TOKYO, Jan 1 - Crowds gathered at shrines across the country at dawn.",
        "2023-12-31T23:30:00+00:00",
        "TOKYO, Jan 1 -",
        "Tokyo",
        "TOKYO",
        "JP",
        "2024-01-01",
    ),
    DatelineRow(
        "GENEVA, March 5, 2024 - Negotiators resumed talks behind closed doors.",
        None,
        "GENEVA, March 5, 2024 -",
        "Geneva",
        "GENEVA",
        "CH",
        "2024-03-05",
        False,
    ),
    DatelineRow(
        "KYIV, 2 March - Air raid sirens sounded across the capital overnight.",
        "2022-03-03",
        "KYIV, 2 March -",
        "Kyiv",
        "KYIV",
        "UA",
        "2022-03-02",
    ),
    DatelineRow(
        "New York, Feb 26 - American Express Co remained silent on the rumors.",
        "1987-02-26",
        "New York, Feb 26 -",
        "New York City",
        "New York",
        "US",
        "1987-02-26",
    ),
    DatelineRow(
        "KYIV, Ukraine (AP) — Air raid sirens sounded across the capital overnight.",
        "2022-03-03",
        "KYIV, Ukraine (AP) —",
        "Kyiv",
        "KYIV",
        "UA",
        None,
        False,
        "AP",
    ),
    DatelineRow(
        "LONDON — The Bank of England held interest rates steady on Thursday.",
        "2024-05-09",
        "LONDON —",
        "London",
        "LONDON",
        "GB",
        None,
    ),
    # Not datelines.
    DatelineRow("UPDATE — The company corrected the figures it published on Monday.", None, None),
    DatelineRow("However, March 3 was a turning point for the whole negotiation.", None, None),
    DatelineRow("LONDON (UPDATED) - The company said profits would fall this year.", None, None),
]


@pytest.mark.parametrize("row", DATELINE_ROWS, ids=lambda row: row.line[:24])
def test_dateline(anatomy_pipeline: Pipeline, row: DatelineRow) -> None:
    source = f"Officials agree a new plan for the region\n\n{row.line}\nSecond line of body.\n"
    text, dossier = analyze(anatomy_pipeline, source, published=row.published)
    dateline = dossier.anatomy.dateline
    if row.text is None:
        assert dateline is None
        return
    assert dateline is not None
    assert dateline.text == row.text
    assert text[dateline.start : dateline.end] == row.text
    assert (dateline.place, dateline.place_text, dateline.country) == (
        row.place,
        row.place_text,
        row.country,
    )
    assert dateline.date == row.date
    if row.date is not None:
        assert dateline.date_inferred is row.inferred
    agency = dossier.anatomy.agency
    if row.agency is not None:
        assert agency is not None and agency.name == row.agency
        assert agency.start is not None and agency.end is not None
        assert row.agency in text[agency.start : agency.end]
    body = dossier.anatomy.body
    assert body is not None and body.start == dateline.start


RESOLVE_ROWS = [
    (12, 31, "2024-01-02", "2023-12-31"),
    (1, 2, "2023-12-31", "2024-01-02"),
    (8, 1, "2023-08-01", "2023-08-01"),
    (2, 29, "2025-03-01", None),
    (2, 29, "2024-03-01", "2024-02-29"),
]


@pytest.mark.parametrize(("month", "day", "reference", "expected"), RESOLVE_ROWS)
def test_resolve_year(month: int, day: int, reference: str, expected: str | None) -> None:
    from datetime import date

    resolved = resolve_year(month, day, date.fromisoformat(reference))
    assert (resolved.isoformat() if resolved else None) == expected


def test_dateline_without_publication_date_keeps_date_null(anatomy_pipeline: Pipeline) -> None:
    _, dossier = analyze(anatomy_pipeline, "A headline for it\n\nLONDON, Feb 26 - Oil rose.\n")
    dateline = dossier.anatomy.dateline
    assert dateline is not None
    assert dateline.date is None
    assert any("no year" in warning.message for warning in dossier.warnings)


# --- agencies ----------------------------------------------------------------------

AGENCY_ROWS = [
    # (lead paragraph, agency name, printed text at the span)
    ("The talks ended without agreement on Monday, Trend reports.", "Trend", "Trend"),
    ("AFP reported on Monday that the talks had ended without agreement.", "AFP", "AFP"),
    ("The talks will resume next week, a senior diplomat told Interfax.", "Interfax", "Interfax"),
    ("Officials said, according to Xinhua, that the dam was safe now.", "Xinhua", "Xinhua"),
    ("The talks ended without agreement on Monday, Azvision reports.", "Azvision", "Azvision"),
    ("The harvest was late, the New China News Agency said on Friday.", "Xinhua", None),
    ("The minister said the plan would work and the budget would hold.", None, None),
]


@pytest.mark.parametrize(("lead", "name", "printed"), AGENCY_ROWS)
def test_agency_in_lead(
    anatomy_pipeline: Pipeline, lead: str, name: str | None, printed: str | None
) -> None:
    text, dossier = analyze(anatomy_pipeline, f"A headline for the story\n\n{lead}\n\n{BODY}")
    agency = dossier.anatomy.agency
    if name is None:
        assert agency is None
        return
    assert agency is not None
    assert agency.name == name
    assert agency.start is not None and agency.end is not None
    assert text[agency.start : agency.end] == (printed or "New China News Agency")


def test_agency_from_byline_and_sign_off(anatomy_pipeline: Pipeline) -> None:
    _, dossier = analyze(anatomy_pipeline, f"A headline for the story\nJane Doe, Reuters\n\n{BODY}")
    assert dossier.anatomy.agency is not None and dossier.anatomy.agency.name == "Reuters"
    text, dossier = analyze(anatomy_pipeline, f"A HEADLINE FOR THE STORY\n    {BODY}\n Reuter\n")
    agency = dossier.anatomy.agency
    assert agency is not None and agency.name == "Reuters"
    assert agency.start is not None and text[agency.start : agency.end] == "Reuter"


def test_agency_only_in_a_later_paragraph_is_not_the_carrier(anatomy_pipeline: Pipeline) -> None:
    source = f"A headline for the story\n\n{BODY}\n\nA spokesman told Agence France-Presse more."
    _, dossier = analyze(anatomy_pipeline, source)
    assert dossier.anatomy.agency is None


# --- bylines -----------------------------------------------------------------------

BYLINE_ROWS: list[tuple[str, list[str]]] = [
    ("By Jane Doe", ["Jane Doe"]),
    ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("By Jane Doe, John Roe and Max Moe", ["Jane Doe", "John Roe", "Max Moe"]),
    ("Jane Doe, Reuters", ["Jane Doe"]),
    ("by Janie Gabbett, Reuters", ["Janie Gabbett"]),
    ("BY TED D'AFFLISIO, Reuters", ["TED D'AFFLISIO"]),
    ("Humay Aghajanova\nHumay Aghajanova", ["Humay Aghajanova"]),
    ("By Ana de la Cruz", ["Ana de la Cruz"]),
    ("By Jane Doe, Staff Writer", ["Jane Doe"]),
]


@pytest.mark.parametrize(("lines", "names"), BYLINE_ROWS)
def test_bylines(anatomy_pipeline: Pipeline, lines: str, names: list[str]) -> None:
    text, dossier = analyze(anatomy_pipeline, f"Officials agree a new plan\n{lines}\n\n{BODY}")
    bylines = dossier.anatomy.bylines
    assert [byline.name for byline in bylines] == names
    assert bylines[0].start == text.index(names[0])
    assert_spans_slice(text, dossier.anatomy)


def test_place_under_headline_is_not_a_byline(anatomy_pipeline: Pipeline) -> None:
    _, dossier = analyze(anatomy_pipeline, f"Officials agree a new plan\nSouth Africa\n\n{BODY}")
    assert dossier.anatomy.bylines == []


def test_bylines_fall_back_to_hints(anatomy_pipeline: Pipeline) -> None:
    _, dossier = analyze(
        anatomy_pipeline, f"Officials agree a new plan\n\n{BODY}", authors=("Ann Lee",)
    )
    assert [(b.name, b.start, b.end) for b in dossier.anatomy.bylines] == [("Ann Lee", None, None)]


# --- headlines ---------------------------------------------------------------------


def test_repeated_headline_is_one_headline(anatomy_pipeline: Pipeline) -> None:
    source = f"Talks resume in Geneva\nPolitics\nTalks resume in Geneva\n\n{BODY}"
    text, dossier = analyze(anatomy_pipeline, source)
    anatomy = dossier.anatomy
    assert anatomy.headline is not None
    assert (anatomy.headline.text, anatomy.headline.start) == ("Talks resume in Geneva", 0)
    assert anatomy.section == "Politics"
    assert anatomy.body is not None and text[anatomy.body.start :].startswith("The committee")


def test_headline_falls_back_to_title_hint(anatomy_pipeline: Pipeline) -> None:
    source = f"{BODY} Talks resume in Geneva, officials confirmed on the record."
    text, dossier = analyze(anatomy_pipeline, source, title="Talks resume in Geneva")
    headline = dossier.anatomy.headline
    assert headline is not None
    assert text[headline.start : headline.end] == "Talks resume in Geneva"
    assert dossier.document.title == "Talks resume in Geneva"


def test_wire_headline_with_a_comma_is_not_a_byline(anatomy_pipeline: Pipeline) -> None:
    headline = "N.Y. BUSINESS LOANS FALL 195 MLN DLRS IN FEB 18 WEEK, FED SAYS"
    _, dossier = analyze(anatomy_pipeline, f"{headline}\n    NEW YORK, Feb 26 - Loans fell.\n")
    anatomy = dossier.anatomy
    assert anatomy.headline is not None and anatomy.headline.text == headline
    assert anatomy.bylines == []


def test_no_header_means_body_from_the_start(anatomy_pipeline: Pipeline) -> None:
    text, dossier = analyze(anatomy_pipeline, f"{BODY}\n\n{BODY}\n")
    anatomy = dossier.anatomy
    assert anatomy.headline is None
    assert anatomy.body is not None
    assert (anatomy.body.start, anatomy.body.end) == (0, len(text.rstrip()))


# --- boilerplate -------------------------------------------------------------------

BOILERPLATE_ROWS = [
    "Read more",
    "Share",
    "Advertisement",
    "Subscribe",
    "Follow us",
    "Related",
    "We use cookies to improve your experience on our site.",
    "READ MORE »",
]


@pytest.mark.parametrize("furniture", BOILERPLATE_ROWS)
def test_boilerplate(anatomy_pipeline: Pipeline, furniture: str) -> None:
    source = f"Officials agree a new plan\n{furniture}\n\n{BODY}\n\n{furniture}\n"
    text, dossier = analyze(anatomy_pipeline, source)
    anatomy = dossier.anatomy
    printed = [text[span.start : span.end] for span in anatomy.boilerplate]
    assert printed == [furniture, furniture]
    assert anatomy.body is not None
    assert text[anatomy.body.start : anatomy.body.end] == BODY


# --- adversarial input -------------------------------------------------------------

PATHOLOGICAL: dict[str, str] = {
    "comma list": "A, " * 70_000,
    "open parentheses": "(" * 200_000,
    "one long line": "word" * 25_000,
    "dateline-like repetition": "BAKU, " * 40_000,
    "date repetition": "1 August 2023 " * 20_000,
    "month repetition": "Aug 1 " * 40_000,
    "many short lines": "Read more\n" * 20_000,
    "name list": "Jane Doe, " * 20_000,
    "reports without end": ", Ab Cd Ef" * 20_000 + " reports.",
    "offset signs": "2023-08-01 18:03 (UTC " + "+" * 100_000,
    "slash agency": "BAKU, Aug 1 /" + "A" * 100_000,
    "labels before a date": "Headline here\n" + "Politics " * 20_000 + "1 August 2023",
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_input_finishes(anatomy_pipeline: Pipeline, name: str) -> None:
    started = time.perf_counter()
    analyze(anatomy_pipeline, PATHOLOGICAL[name], published="2023-08-01")
    # A loose bound: backtracking blow-ups take minutes, linear scans milliseconds.
    assert time.perf_counter() - started < 20


def test_stage_needs_no_parse() -> None:
    stage: Any = AnatomyStage()
    assert stage.needs_parse is False
    assert stage.name == "anatomy"


# --- whole headers -----------------------------------------------------------------

HEADER_ROWS = [
    # (text, headline, section, bylines, dateline text, agency)
    (
        "Talks Resume In Geneva\nBy Reuters Staff\nUpdated 2 hours ago\n\n"
        "GENEVA (Reuters) - Talks resumed on Monday between the two sides, officials said.",
        "Talks Resume In Geneva",
        None,
        [],
        "GENEVA (Reuters) -",
        "Reuters",
    ),
    (
        "Home > World > Europe\nEU agrees sanctions package\nJane Doe\n5 min read\n\n"
        "BRUSSELS, June 3 (Reuters) - The EU agreed on a new package.\n\nAdvertisement\n",
        "EU agrees sanctions package",
        "World",
        ["Jane Doe"],
        "BRUSSELS, June 3 (Reuters) -",
        "Reuters",
    ),
    (
        "The Associated Press\nPutin says talks possible\n\n"
        "MOSCOW (AP) — Russian President Vladimir Putin said on Tuesday that talks could resume.",
        "Putin says talks possible",
        None,
        [],
        "MOSCOW (AP) —",
        "AP",
    ),
]


@pytest.mark.parametrize(
    ("source", "headline", "section", "names", "dateline", "agency"), HEADER_ROWS
)
def test_whole_header(
    anatomy_pipeline: Pipeline,
    source: str,
    headline: str,
    section: str | None,
    names: list[str],
    dateline: str,
    agency: str,
) -> None:
    text, dossier = analyze(anatomy_pipeline, source, published="2024-06-03")
    anatomy = dossier.anatomy
    assert anatomy.headline is not None and anatomy.headline.text == headline
    assert anatomy.section == section
    assert [byline.name for byline in anatomy.bylines] == names
    assert anatomy.dateline is not None and anatomy.dateline.text == dateline
    assert anatomy.agency is not None and anatomy.agency.name == agency
    assert anatomy.body is not None and anatomy.body.start == anatomy.dateline.start
    assert_spans_slice(text, anatomy)
