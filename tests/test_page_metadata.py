"""What an HTML page declares, and what the HTML path makes of it, on hand-written pages.

Every expected value below was read off the HTML snippet by hand.
"""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest

from claimscope.document import Declared, Document, Hints
from claimscope.dossier import Dossier
from claimscope.ingestion import IngestionError, documents_from_bytes
from claimscope.page_metadata import (
    PageMetadata,
    clean_author_names,
    declared_headline,
    printed_dates,
    read_page_metadata,
    site_keys,
    strip_site_name,
)
from claimscope.pipeline import Pipeline
from claimscope.stages.anatomy import (
    AnatomyStage,
    declared_author_names,
    normalize_published,
    published_from_hints,
)

BODY = (
    "<p>The committee met on Monday and agreed on a new plan for the coming year, officials"
    " said after a long session.</p><p>Opposition members said they would study the plan"
    " before voting on it next month, and asked for the figures behind it.</p>"
)


def tree(html: str) -> Any:
    return lxml.html.document_fromstring(html)


def page(head: str, body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}<article>{BODY}</article></body></html>"


def values(declared: tuple[Declared, ...]) -> list[tuple[str, str]]:
    return [(item.value, item.source) for item in declared]


# --- reading the declarations -------------------------------------------------------

NEWS_ARTICLE = """<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Storm hits the coast",
 "datePublished": "2023-08-01T18:03:00+04:00", "dateModified": "2023-08-02T09:00:00+04:00",
 "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}],
 "publisher": {"@type": "Organization", "name": "Example News"}}
</script>"""

GRAPH = """<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "@id": "https://example.org/#site", "name": "Example Daily"},
  {"@type": "Person", "@id": "https://example.org/#jane", "name": "Jane Doe"},
  {"@type": ["Article"], "headline": "Bridge reopens after repairs",
   "datePublished": "2023-05-02", "author": {"@id": "https://example.org/#jane"}}
]}
</script>"""

OPEN_GRAPH = """<title>Bridge reopens | Example Daily</title>
<meta property="og:title" content="Bridge reopens">
<meta property="og:site_name" content="Example Daily">
<meta property="article:published_time" content="2023-05-02T08:00:00Z">
<meta property="article:modified_time" content="2023-05-03T10:00:00Z">
<meta property="article:author" content="https://example.org/authors/jane">
<meta name="author" content="Jane Doe">"""


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            NEWS_ARTICLE,
            {
                "headlines": [("Storm hits the coast", "json-ld:NewsArticle.headline")],
                "site_names": [("Example News", "json-ld:NewsArticle.publisher")],
                "authors": [
                    ("Jane Doe", "json-ld:NewsArticle.author"),
                    ("John Roe", "json-ld:NewsArticle.author"),
                ],
                "published": [("2023-08-01T18:03:00+04:00", "json-ld:NewsArticle.datePublished")],
                "modified": [("2023-08-02T09:00:00+04:00", "json-ld:NewsArticle.dateModified")],
            },
        ),
        (
            # @graph members, and an author given as an @id reference into the graph.
            GRAPH,
            {
                "headlines": [("Bridge reopens after repairs", "json-ld:Article.headline")],
                "site_names": [("Example Daily", "json-ld:WebSite.name")],
                "authors": [("Jane Doe", "json-ld:Article.author")],
                "published": [("2023-05-02", "json-ld:Article.datePublished")],
                "modified": [],
            },
        ),
        (
            # The article:author URL is no name; the <title> comes after OpenGraph.
            OPEN_GRAPH,
            {
                "headlines": [
                    ("Bridge reopens", "meta:og:title"),
                    ("Bridge reopens | Example Daily", "title"),
                ],
                "site_names": [("Example Daily", "meta:og:site_name")],
                "authors": [("Jane Doe", "meta:author")],
                "published": [("2023-05-02T08:00:00Z", "meta:article:published_time")],
                "modified": [("2023-05-03T10:00:00Z", "meta:article:modified_time")],
            },
        ),
        (
            # Broken JSON-LD is skipped; two JSON values in one script are both read.
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A</script>'
            '<script type="application/ld+json">{"@type": "WebSite", "name": "Site One"}'
            '{"@type": "BlogPosting", "headline": "Second value", "author": "By Ann Lee"}'
            "</script>",
            {
                "headlines": [("Second value", "json-ld:BlogPosting.headline")],
                "site_names": [("Site One", "json-ld:WebSite.name")],
                "authors": [("Ann Lee", "json-ld:BlogPosting.author")],
                "published": [],
                "modified": [],
            },
        ),
    ],
)
def test_declarations_are_read_with_their_source(head: str, expected: dict[str, Any]) -> None:
    metadata = read_page_metadata(tree(page(head)))
    for field, rows in expected.items():
        assert values(getattr(metadata, field)) == rows, field


def test_microdata_of_cited_works_is_not_the_pages() -> None:
    html = page(
        "",
        '<div itemscope itemtype="https://schema.org/ScholarlyArticle">'
        '<h1 itemprop="headline">DRESS syndrome and the rheumatologist</h1>'
        '<span itemprop="author">Marwan H. Adwan</span>'
        '<ol><li itemprop="citation" itemscope itemtype="https://schema.org/ScholarlyArticle">'
        '<span itemprop="headline">An older study</span>'
        '<span itemprop="author">A. Other</span>'
        '<span itemprop="datePublished">1988</span></li></ol></div>',
    )
    metadata = read_page_metadata(tree(html))
    assert values(metadata.authors) == [("Marwan H. Adwan", "itemprop:author")]
    assert ("An older study", "itemprop:headline") not in values(metadata.headlines)
    assert metadata.published == ()


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["By Jane Doe"], ("Jane Doe",)),
        (["Von Jan Kupitz"], ("Jan Kupitz",)),
        (["Auteur Anna Kubišta"], ("Anna Kubišta",)),
        (["April Roach, Daniel O'Mahony"], ("April Roach", "Daniel O'Mahony")),
        (["Fiona Bornhöft und Mariam Hofbeck"], ("Fiona Bornhöft", "Mariam Hofbeck")),
        # A degree after the comma is one word: the value is one name.
        (["Grant Tinsley, PhD"], ("Grant Tinsley, PhD",)),
        (["Williams Perdomo @wperdomod"], ("Williams Perdomo",)),
        (["https://example.org/authors/jane"], ()),
    ],
)
def test_author_values_are_cleaned(names: list[str], expected: tuple[str, ...]) -> None:
    assert clean_author_names(names) == expected


# --- the site name in titles --------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "sites", "url", "expected"),
    [
        ("Storm hits coast - Example News", ["Example News"], None, "Storm hits coast"),
        ("Storm hits coast | Example News", ["Example News"], None, "Storm hits coast"),
        ("Example News: Storm hits coast", ["Example News"], None, "Storm hits coast"),
        # The host names the site when nothing else does.
        ("Storm hits coast - Helge.at", [], "https://helge.at/2014/03/storm", "Storm hits coast"),
        ("Cake recipe | Foxy Folksy", [], "https://foxyfolksy.com/cake/", "Cake recipe"),
        # Everything after the site's piece goes with it.
        (
            "Crash in Miami - WSVN 7News | Miami News, Weather, Sports",
            ["WSVN 7News"],
            None,
            "Crash in Miami",
        ),
        # A leading piece that only dates the title goes too.
        (
            "08.11.2021 | Online-Fachtag zum Intersex Day",
            ["Regenbogenportal"],
            None,
            "Online-Fachtag zum Intersex Day",
        ),
        # No declared site and no matching host: a headline's own colon and dash stay.
        ("Brexit: what happens next - a guide", [], None, "Brexit: what happens next - a guide"),
        (
            "Coronavirus: New York ramps up burials",
            ["BBC News"],
            None,
            "Coronavirus: New York ramps up burials",
        ),
        # A sentence that merely starts with the site's name is not the site's name.
        (
            "Día de la Madre: Trome celebró con las mamitas de Chollywood",
            ["Trome"],
            None,
            "Día de la Madre: Trome celebró con las mamitas de Chollywood",
        ),
    ],
)
def test_site_name_is_stripped_only_when_declared_or_the_host(
    title: str, sites: list[str], url: str | None, expected: str
) -> None:
    assert strip_site_name(title, site_keys(sites, url)) == expected


@pytest.mark.parametrize(
    ("headlines", "text_lines", "expected"),
    [
        # The visible <h1> is the headline the <title> carries with the site's name.
        (
            [("Storm hits coast - Example", "title"), ("Storm hits coast", "h1")],
            [],
            ("Storm hits coast", "h1"),
        ),
        # Quotes as printed in the <h1>, not as typed in the metadata.
        (
            [
                ("Todo 'tranqui' en La Sierra", "meta:og:title"),
                ("Todo ‘tranqui’ en La Sierra", "h1"),
            ],
            [],
            ("Todo ‘tranqui’ en La Sierra", "h1"),
        ),
        # An <h1> that is the end of the <title> is the site's name, not the headline.
        (
            [
                ("Salsa-Figuren - Rueda in Berlin", "h1"),
                ("Enchufla Figuren - Salsa-Figuren - Rueda in Berlin", "title"),
            ],
            [],
            ("Enchufla Figuren", "title"),
        ),
        # "Site: Headline" with the headline as OpenGraph title and the site as first <h1>.
        (
            [
                ("Meta-Programming In Emacs", "meta:og:title"),
                ("EMACSPEAK The Complete Audio Desktop", "h1"),
                ("EMACSPEAK The Complete Audio Desktop: Meta-Programming In Emacs", "title"),
            ],
            [],
            ("Meta-Programming In Emacs", "meta:og:title"),
        ),
        # A line of the extracted text that is the title's main part.
        (
            [
                (
                    "Gregory Szorc's Digital Home"
                    " | Mercurial's Journey to and Reflections on Python 3",
                    "title",
                )
            ],
            ["Mercurial's Journey to and Reflections on Python 3", "January 13, 2020"],
            ("Mercurial's Journey to and Reflections on Python 3", "text"),
        ),
        # A one-word kicker in the text is not the start of a colon headline.
        (
            [("Coronavirus: New York ramps up mass burials", "meta:og:title")],
            ["Coronavirus"],
            ("Coronavirus: New York ramps up mass burials", "meta:og:title"),
        ),
        # Several <h1> and no other declaration: none is chosen.
        ([("Sections", "h1"), ("About", "h1"), ("Axios Future", "h1")], [], None),
    ],
)
def test_declared_headline(
    headlines: list[tuple[str, str]],
    text_lines: list[str],
    expected: tuple[str, str] | None,
) -> None:
    metadata = PageMetadata(headlines=tuple(Declared(value, source) for value, source in headlines))
    chosen = declared_headline(metadata, text_lines)
    assert (None if chosen is None else (chosen.value, chosen.source)) == expected


# --- dates --------------------------------------------------------------------------


def test_printed_dates_beside_the_headline() -> None:
    html = (
        "<html><body><nav>Home · Wednesday 4 May 2022</nav>"
        "<div>Par Loïc Le Clerc | 30 septembre 2018 12:00</div>"
        "<h1>Deux ans <b>et demi</b> en Macronie</h1>"
        "<p>Last updated: June 4, 2020 <script>var d = '2011-01-01';</script></p>"
        "<p>© 2019 Regards</p></body></html>"
    )
    found = printed_dates(tree(html), "Deux ans et demi en Macronie")
    assert [(item.value, item.updated) for item in found] == [
        ("2018-09-30", False),
        ("2020-06-04", True),
        ("2022-05-04", False),
    ]
    assert found[0].distance < 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # A year alone is a year, a month a month: never the first of January.
        ("2019", "2019"),
        ("2019-05", "2019-05"),
        ("2022-5-5 22:17:36", "2022-05-05T22:17:36"),
        ("2020-01-19T12:25:36Z", "2020-01-19T12:25:36+00:00"),
        ("2023-08-01", "2023-08-01"),
        ("2019-13", None),
    ],
)
def test_declared_dates_keep_their_precision(value: str, expected: str | None) -> None:
    assert normalize_published(value) == expected


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        # htmldate alone.
        (Hints(published="2020-02-24"), "2020-02-24"),
        # A date printed beside the headline wins, with the time of a reading on that day.
        (
            Hints(
                published="2018-09-11",
                declared_published=(Declared("2018-09-30T12:00:00+02:00", "meta:date"),),
                printed_dates=(Declared("2018-09-30", "printed:beside-headline"),),
            ),
            "2018-09-30T12:00:00+02:00",
        ),
        # A date printed further away counts only when the page also declares that day.
        (
            Hints(
                published="2022-05-03",
                printed_dates=(Declared("2022-05-04", "printed:near-headline"),),
            ),
            "2022-05-03",
        ),
        # JSON-LD with the publisher's own offset corrects a day read from the URL ...
        (
            Hints(
                published="2020-02-18",
                declared_published=(
                    Declared("2020-02-19T18:37:32+01:00", "json-ld:NewsArticle.datePublished"),
                ),
            ),
            "2020-02-19T18:37:32+01:00",
        ),
        # ... but not a UTC stamp, whose local day may be the day before ...
        (
            Hints(
                published="2020-02-24",
                declared_published=(
                    Declared("2020-02-25T02:25:54Z", "json-ld:NewsArticle.datePublished"),
                ),
            ),
            "2020-02-24",
        ),
        # ... nor a date years away (a re-saved page).
        (
            Hints(
                published="2017-07-12",
                declared_published=(
                    Declared("2019-06-17T10:00:00+02:00", "json-ld:Article.datePublished"),
                ),
            ),
            "2017-07-12",
        ),
        # Nothing but a declared year: the year.
        (Hints(declared_published=(Declared("2019", "itemprop:datepublished"),)), "2019"),
        # htmldate's 1 January with nothing on the page saying that day: a year alone ...
        (Hints(published="2004-01-01", published_source="htmldate"), "2004"),
        # ... unless the page's address or a declaration gives the day.
        (
            Hints(
                published="2016-01-01",
                published_source="htmldate",
                url="https://example.org/2016/01/01/new-year/",
            ),
            "2016-01-01",
        ),
        # (the modification's time of day is not the publication's).
        (
            Hints(
                published="2023-01-01",
                published_source="htmldate",
                declared_modified=(
                    Declared("2023-01-01T10:00:00+01:00", "meta:article:modified_time"),
                ),
            ),
            "2023-01-01",
        ),
        # A date the user or a record gives is theirs, 1 January included.
        (Hints(published="2004-01-01"), "2004-01-01"),
    ],
)
def test_published_from_hints(hints: Hints, expected: str) -> None:
    assert published_from_hints(hints) == expected


# --- authors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        # JSON-LD before the generic author tag that holds the publisher's name.
        (
            Hints(
                authors=("Campo Grande News", "Adriano Fernandes"),
                site_names=(Declared("Campo Grande News", "meta:og:site_name"),),
                declared_authors=(
                    Declared("Adriano Fernandes", "json-ld:NewsArticle.author"),
                    Declared("Campo Grande News", "meta:author"),
                ),
            ),
            ["Adriano Fernandes"],
        ),
        # The site's own name, a user name and a handle give way to a person.
        (
            Hints(
                authors=("Michael Hingston",),
                site_names=(Declared("National Geographic", "json-ld:Article.publisher"),),
                declared_authors=(
                    Declared("National Geographic", "json-ld:Article.author"),
                    Declared("@NatGeoUK", "meta:article:author"),
                ),
            ),
            ["Michael Hingston"],
        ),
        (
            Hints(
                declared_authors=(
                    Declared("edilson.la.rosa", "json-ld:NewsArticle.author"),
                    Declared("Edilson La Rosa", "meta:author"),
                )
            ),
            ["Edilson La Rosa"],
        ),
        # An organisation that is the only author named is the author.
        (
            Hints(
                site_names=(Declared("Attac France", "meta:og:site_name"),),
                declared_authors=(Declared("Attac France", "meta:author"),),
            ),
            ["Attac France"],
        ),
        (Hints(declared_authors=(Declared("No Author", "meta:author"),)), []),
    ],
)
def test_declared_author_names(hints: Hints, expected: list[str]) -> None:
    assert declared_author_names(hints) == expected


# --- the HTML path end to end -------------------------------------------------------


@pytest.fixture(scope="module")
def anatomy_pipeline() -> Pipeline:
    return Pipeline(stages=[AnatomyStage()])


def analyze_page(pipeline: Pipeline, html: str) -> tuple[Document, Dossier]:
    results = list(documents_from_bytes(html.encode("utf-8"), "page.html", "html"))
    assert len(results) == 1 and isinstance(results[0], Document), results
    return results[0], pipeline.analyze(results[0])


def assert_spans_slice(document: Document, dossier: Dossier) -> None:
    anatomy = dossier.anatomy
    if anatomy.headline is not None:
        headline = anatomy.headline
        assert document.text[headline.start : headline.end] == headline.text
    for byline in anatomy.bylines:
        if byline.start is not None and byline.end is not None:
            assert document.text[byline.start : byline.end] == byline.name


def test_page_with_json_ld_gets_its_headline_date_and_authors(
    anatomy_pipeline: Pipeline,
) -> None:
    html = page(
        NEWS_ARTICLE + "<title>Storm hits the coast - Example News</title>",
        "<h1>Storm hits the coast</h1><p>By Jane Doe and John Roe</p>",
    )
    document, dossier = analyze_page(anatomy_pipeline, html)
    anatomy = dossier.anatomy
    assert anatomy.headline is not None and anatomy.headline.text == "Storm hits the coast"
    assert anatomy.published == "2023-08-01T18:03:00+04:00"
    assert [byline.name for byline in anatomy.bylines] == ["Jane Doe", "John Roe"]
    assert document.hints.title_source == "h1"
    assert_spans_slice(document, dossier)


def test_site_suffix_is_not_in_the_headline(anatomy_pipeline: Pipeline) -> None:
    html = page(
        "<title>Bridge reopens after repairs | Example Daily</title>"
        '<meta property="og:site_name" content="Example Daily">'
    )
    document, dossier = analyze_page(anatomy_pipeline, html)
    assert dossier.anatomy.headline is not None
    assert dossier.anatomy.headline.text == "Bridge reopens after repairs"
    assert document.text.startswith("Bridge reopens after repairs\n")
    assert_spans_slice(document, dossier)


@pytest.mark.parametrize("headline", ["Penny", "武汉的声音：有英勇的你，才有英雄的城！"])
def test_one_word_and_cjk_headlines(anatomy_pipeline: Pipeline, headline: str) -> None:
    html = page(
        f'<meta property="og:title" content="{headline}"><title>{headline}</title>',
        f"<h1>{headline}</h1>",
    )
    document, dossier = analyze_page(anatomy_pipeline, html)
    assert dossier.anatomy.headline is not None and dossier.anatomy.headline.text == headline
    assert_spans_slice(document, dossier)


def test_headline_that_looks_like_a_name_is_not_a_byline(anatomy_pipeline: Pipeline) -> None:
    html = page(
        '<meta property="og:title" content="Alexandria Douziech">'
        '<meta name="author" content="Jane Doe">',
        "<h1>Alexandria Douziech</h1>",
    )
    _, dossier = analyze_page(anatomy_pipeline, html)
    anatomy = dossier.anatomy
    assert anatomy.headline is not None and anatomy.headline.text == "Alexandria Douziech"
    assert [byline.name for byline in anatomy.bylines] == ["Jane Doe"]


def test_year_only_date_stays_a_year(anatomy_pipeline: Pipeline) -> None:
    html = page(
        '<title>Annual report</title><meta itemprop="datePublished" content="2019">',
        "<h1>Annual report</h1>",
    )
    _, dossier = analyze_page(anatomy_pipeline, html)
    assert dossier.anatomy.published != "2019-01-01"
    assert dossier.anatomy.published in (None, "2019")


def test_last_updated_date_is_not_the_publication_date(anatomy_pipeline: Pipeline) -> None:
    html = page(
        '<title>Bridge reopens</title><meta property="article:published_time"'
        ' content="2019-06-17T09:00:00+02:00">',
        "<h1>Bridge reopens</h1><p>Last updated June 4, 2020</p>",
    )
    _, dossier = analyze_page(anatomy_pipeline, html)
    assert dossier.anatomy.published is not None
    assert dossier.anatomy.published.startswith("2019-06-17")


def test_a_few_nul_bytes_do_not_make_a_page_binary(anatomy_pipeline: Pipeline) -> None:
    # Three NULs in about 4,500 bytes: fewer than one in a thousand.
    html = page("<title>Bridge reopens</title>", "<h1>Bridge reopens</h1>" + "<p>x</p>" * 500)
    data = html.replace("<article>", "<article>\x00\x00\x00").encode("utf-8")
    (document,) = documents_from_bytes(data, "page.html", "html")
    assert isinstance(document, Document)
    assert "\x00" not in document.text
    assert document.warnings == ("3 stray NUL byte(s) removed from the page",)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        # NULs throughout: binary, whatever the suffix says.
        (b"<html>\x00\x01\x02\x00" * 50, "html"),
        # Two NULs in 1,200 bytes of page: more than one in a thousand.
        (b"<html><body><p>" + b"word " * 236 + b"\x00\x00</p></body></html>", "html"),
        # A text file keeps the old rule: one NUL makes it binary.
        (b"A plain text line." * 100 + b"\x00", "text"),
    ],
)
def test_binary_content_is_still_rejected(data: bytes, kind: str) -> None:
    (result,) = documents_from_bytes(data, "in.bin", kind)  # type: ignore[arg-type]
    assert isinstance(result, IngestionError) and "binary content" in str(result)
