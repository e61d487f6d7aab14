"""The HTML report: self-contained, escaped, spans segmented correctly, findings linked."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from claimscope.adapters.report.html import Mark, render_html, split_into_segments
from claimscope.dossier import (
    Agency,
    Anatomy,
    Byline,
    Citation,
    Claim,
    Dateline,
    DocumentInfo,
    Dossier,
    Entity,
    Signatory,
    Span,
    Statement,
    Technique,
    TextSpan,
    Voice,
    Warning,
)
from tests.conftest import EXAMPLE, ROOT


def _span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def sample_dossier() -> Dossier:
    """A hand-built dossier of the bundled example, with every layer filled."""
    text = EXAMPLE.read_text(encoding="utf-8")
    headline = text.splitlines()[0]
    published = _span(text, "1 August 2023 18:03 (UTC +04:00)")
    byline = _span(text, "Humay Aghajanova")
    dateline = _span(text, "BAKU, Azerbaijan, Aug.1.")
    agency = _span(text, "Trend", dateline[1])
    read_more = _span(text, "Read more")
    statement_start = text.index('"We, the undersigned')
    statement_end = text.index("reads the statement.") + len("reads the statement.")
    issuer = _span(text, "Civil society organizations")
    cue = _span(text, "have issued a statement")
    signatories = [
        ("Erlina Burhan", "Indonesia Professional Organiza Coalition", "ID"),
        ("Violet Wasonga", "Nyando Social Justice", "KE"),
        ("Patsi Stillo", "Partners in Health", "US"),
    ]
    signatory_models = []
    for person, organization, country in signatories:
        start = text.index(person)
        end = text.index("\n", start)
        signatory_models.append(
            Signatory(
                person=person,
                organization=organization,
                country=country,
                start=start,
                end=end,
            )
        )
    eliud = text.index("Eliud Emeri")
    signatory_models.append(
        Signatory(
            person="Eliud Emeri",
            organization="Turkana Bio Aloe Organization",
            acronym="TUBAE",
            country="KE",
            start=eliud,
            end=text.index("\n", eliud),
        )
    )
    entities = []
    for needle, label, identifier in (
        ("Azerbaijan", "GPE", "country:AZ"),
        ("Armenia", "GPE", "country:AM"),
        ("International Court of Justice", "ORG", "org:icj"),
        ("Charles Michel", "PERSON", None),
        ("Karabakh", "LOC", None),
    ):
        for match in re.finditer(re.escape(needle), text):
            entities.append(
                Entity(
                    text=needle, label=label, id=identifier, start=match.start(), end=match.end()
                )
            )
    icj_order = _span(text, "International Court of Justice, while rejecting Armenia’s request")
    order = _span(text, "Order of July 6")
    article = _span(text, "Article 7 of the trilateral statement of 10 November 2020")
    claim_one = _span(text, "Azerbaijan is not imposing a blockade")
    claim_two = _span(text, "Aghdam-Khankandi road is fully operational for delivering all kinds")
    loaded = _span(text, "remnants of illegal regime")
    hostage = _span(text, "take ordinary Armenians in Karabakh as hostage")
    michel = _span(text, "Mr. Charles Michel, President of the European Council recently supported")
    return Dossier(
        document=DocumentInfo(id="sha256:" + "0" * 64, source=str(EXAMPLE), text=text),
        anatomy=Anatomy(
            headline=TextSpan(text=headline, start=0, end=len(headline)),
            section="Politics",
            bylines=[Byline(name="Humay Aghajanova", start=byline[0], end=byline[1])],
            published="2023-08-01T18:03:00+04:00",
            published_span=Span(start=published[0], end=published[1]),
            dateline=Dateline(
                text="BAKU, Azerbaijan, Aug.1.",
                place="Baku",
                place_text="BAKU",
                country="AZ",
                date="2023-08-01",
                date_inferred=True,
                start=dateline[0],
                end=dateline[1],
            ),
            agency=Agency(name="Trend", start=agency[0], end=agency[1]),
            body=Span(start=dateline[0], end=len(text)),
            boilerplate=[Span(start=read_more[0], end=read_more[1])],
        ),
        statements=[
            Statement(
                start=statement_start,
                end=statement_end,
                issuer="civil society organizations",
                issuer_span=Span(start=issuer[0], end=issuer[1]),
                cue=TextSpan(text="have issued a statement", start=cue[0], end=cue[1]),
                signatories=[0, 1, 2, 3],
            )
        ],
        signatories=signatory_models,
        voices=[
            Voice(
                kind="statement",
                speaker="civil society organizations",
                speaker_span=Span(start=issuer[0], end=issuer[1]),
                cue=TextSpan(
                    text="reads the statement", start=statement_end - 20, end=statement_end - 1
                ),
                content=Span(start=statement_start, end=statement_end - 21),
            ),
            Voice(
                kind="indirect",
                speaker="Charles Michel",
                content=Span(start=michel[0], end=michel[1]),
            ),
        ],
        entities=entities,
        citations=[
            Citation(
                kind="court_order",
                issuer="International Court of Justice",
                date="2023-07-06",
                date_inferred=True,
                text="Order of July 6",
                start=order[0],
                end=order[1],
            ),
            Citation(
                kind="statement",
                issuer=None,
                date="2020-11-10",
                pinpoint="Article 7",
                title="trilateral statement",
                text=text[article[0] : article[1]],
                start=article[0],
                end=article[1],
            ),
        ],
        claims=[
            Claim(
                text=text[icj_order[0] : icj_order[1]],
                start=icj_order[0],
                end=icj_order[1],
                checkworthiness=0.91,
                speaker="civil society organizations",
                citations=[0],
            ),
            Claim(
                text=text[claim_one[0] : claim_one[1]],
                start=claim_one[0],
                end=claim_one[1],
                checkworthiness=0.55,
            ),
            Claim(
                text=text[claim_two[0] : claim_two[1]],
                start=claim_two[0],
                end=claim_two[1],
                checkworthiness=0.2,
            ),
        ],
        techniques=[
            Technique(technique="Loaded_Language", start=loaded[0], end=loaded[1], score=0.8),
            Technique(
                technique="Appeal_to_fear-prejudice", start=hostage[0], end=hostage[1], score=0.6
            ),
        ],
        warnings=[
            Warning(
                stage="signatories", message="line without a country", start=eliud, end=eliud + 11
            ),
            Warning(stage="anatomy", message="headline repeated"),
        ],
    )


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    'O\'Brien & "Sons"',
]


def hostile_dossier() -> Dossier:
    """A dossier whose document text and findings carry markup and quotes."""
    text = (
        f"Headline {HOSTILE[0]}\n\nSigned by {HOSTILE[1]} and {HOSTILE[2]}, "
        "of the Group. </div></span><!-- comment -->"
    )
    first = _span(text, HOSTILE[1])
    second = _span(text, HOSTILE[2])
    script = _span(text, HOSTILE[0])
    return Dossier(
        document=DocumentInfo(
            id="sha256:<b>",
            source=f"/tmp/{HOSTILE[1]}.txt",
            title=HOSTILE[0],
            url="javascript:alert(1)",
            text=text,
        ),
        anatomy=Anatomy(
            headline=TextSpan(text=text.splitlines()[0], start=0, end=len(text.splitlines()[0])),
            section=HOSTILE[0],
            bylines=[Byline(name=HOSTILE[1])],
            agency=Agency(name=HOSTILE[2]),
        ),
        statements=[Statement(start=first[0], end=len(text), issuer=HOSTILE[0], signatories=[0])],
        signatories=[
            Signatory(
                person=HOSTILE[1],
                role=HOSTILE[0],
                organization=HOSTILE[2],
                acronym="<A|B>",
                start=first[0],
                end=first[1],
            )
        ],
        voices=[
            Voice(kind="direct", speaker=HOSTILE[0], content=Span(start=script[0], end=script[1]))
        ],
        entities=[
            Entity(text=HOSTILE[1], label='GPE"><b>', id=HOSTILE[2], start=first[0], end=first[1]),
            Entity(text=HOSTILE[2], label="PERSON", id=None, start=second[0], end=second[1]),
        ],
        citations=[Citation(kind=HOSTILE[1], issuer=HOSTILE[0], text=HOSTILE[2], start=0, end=8)],
        claims=[
            Claim(
                text=HOSTILE[0],
                start=script[0],
                end=script[1],
                checkworthiness=0.7,
                speaker=HOSTILE[1],
            )
        ],
        techniques=[Technique(technique=HOSTILE[1], start=script[0], end=script[1], score=0.5)],
        warnings=[Warning(stage=HOSTILE[0], message=HOSTILE[1])],
    )


class _Page(HTMLParser):
    """Collects what the tests check: ids, links, sources, scripts, text of the text panes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.fragment_links: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.attribute_names: set[str] = set()
        self.text_panes: dict[str, str] = {}
        self._pane: str | None = None
        self._depth = 0
        self.open_stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        self.attribute_names.update(name for name, _ in attrs)
        if tag not in {"meta", "input", "br"}:
            self.open_stack.append(tag)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        for name in ("href", "src", "action", "formaction", "data", "poster"):
            value = values.get(name)
            if value is None:
                continue
            if value.startswith("#"):
                self.fragment_links.append(value[1:])
            else:
                self.urls.append(value)
        if tag == "script":
            self.scripts.append(values)
        if self._pane is not None and tag not in {"br"}:
            self._depth += 1
        elif "text" in (values.get("class") or "").split() and values.get("id"):
            self._pane = str(values["id"])
            self.text_panes[self._pane] = ""
            self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        assert self.open_stack and self.open_stack[-1] == tag, (tag, self.open_stack[-5:])
        self.open_stack.pop()
        if self._pane is not None:
            self._depth -= 1
            if self._depth == 0:
                self._pane = None

    def handle_data(self, data: str) -> None:
        if self._pane is not None:
            self.text_panes[self._pane] += data


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert not parser.open_stack, parser.open_stack
    return parser


@pytest.fixture(scope="module")
def sample_page() -> str:
    return render_html([sample_dossier()])


def test_page_is_self_contained(sample_page: str) -> None:
    page = parse(sample_page)
    assert "<link" not in sample_page.lower()
    assert all(script.get("src") is None for script in page.scripts)
    assert page.urls == []
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*https?://""", sample_page, re.I)
    assert "@import" not in sample_page and "url(" not in sample_page
    assert "<style>" in sample_page and "<script>" in sample_page


def test_text_pane_reproduces_the_document_exactly(sample_page: str) -> None:
    dossier = sample_dossier()
    page = parse(sample_page)
    assert page.text_panes == {"d1-text": dossier.document.text}


def test_every_finding_link_targets_an_existing_id(sample_page: str) -> None:
    page = parse(sample_page)
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    assert page.fragment_links, "no finding is linked"
    assert set(page.fragment_links) <= set(page.ids)


def test_every_layer_is_highlighted_and_toggled(sample_page: str) -> None:
    for layer in (
        "anatomy",
        "boilerplate",
        "statements",
        "signatories",
        "entities",
        "voices",
        "citations",
        "claims",
        "techniques",
        "warnings",
    ):
        assert f'class="seg l-{layer}' in sample_page or f" l-{layer} " in sample_page, layer
        assert f'data-layer="{layer}"' in sample_page, layer
    toggled = set(re.findall(r'data-text="([^"]+)"', sample_page))
    assert toggled == {"d1-text"} and toggled <= set(parse(sample_page).ids)


def test_findings_are_linked_to_their_spans(sample_page: str) -> None:
    links = set(parse(sample_page).fragment_links)
    for key in (
        "d1-headline",
        "d1-published",
        "d1-dateline",
        "d1-agency",
        "d1-byline-0",
        "d1-body",
        "d1-statement-0",
        "d1-statement-0-issuer",
        "d1-statement-0-cue",
        "d1-signatory-3",
        "d1-entity-0",
        "d1-voice-1",
        "d1-citation-1",
        "d1-claim-2",
        "d1-technique-1",
        "d1-warning-0",
    ):
        assert key in links, key


def test_side_panel_tables_and_legends(sample_page: str) -> None:
    assert '<th scope="col">Acronym</th>' in sample_page
    assert "<td>TUBAE</td>" in sample_page
    assert '<th scope="col">Pinpoint</th>' in sample_page and "<td>Article 7</td>" in sample_page
    assert "court_order" in sample_page
    # Claims are ranked by score, highest first.
    assert sample_page.index(">0.91<") < sample_page.index(">0.55<") < sample_page.index(">0.20<")
    assert "Loaded language" in sample_page and "Charles Michel" in sample_page
    # Each technique's plain description (data/techniques.json) is on hover and in the panel.
    description = json.loads(
        (ROOT / "src/claimscope/data/techniques.json").read_text(encoding="utf-8")
    )["Loaded_Language"]["description"]
    assert f'title="{escape(description)}"' in sample_page
    assert "Technique spans" in sample_page
    assert "not verdicts" in sample_page
    assert "sha256:" + "0" * 64 in sample_page
    assert "2023-08-01T18:03:00+04:00" in sample_page


def test_nested_spans_share_a_segment(sample_page: str) -> None:
    # "Azerbaijan" inside the dateline: an entity nested in an anatomy span.
    match = re.search(
        r'<span class="([^"]*)"[^>]*>Azerbaijan</span><span class="seg l-anatomy"[^>]*>, Aug\.1\.',
        sample_page,
    )
    assert match is not None
    classes = match.group(1).split()
    assert {"l-anatomy", "l-entities", "ec2"} <= set(classes)


def test_hostile_strings_appear_only_escaped() -> None:
    page = render_html([hostile_dossier()])
    parsed = parse(page)
    assert "<script>alert" not in page
    assert "<img" not in page
    assert "onerror=alert(1)>" not in page.replace("onerror=alert(1)&gt;", "")
    assert "javascript:" not in " ".join(parsed.urls)
    assert not any(name.startswith("on") for name in parsed.attribute_names)
    assert parsed.tags.count("script") == 1, "only the report's own script"
    assert parsed.tags.count("img") == 0 and parsed.tags.count("b") == 0
    # Escaped as Jinja2's autoescape writes entities (&#34; and &#39; for the quotes).
    assert escape(HOSTILE[0]) in page
    assert escape(HOSTILE[1]) in page
    assert escape(HOSTILE[2]) in page
    # The only raw quote characters sit in attribute delimiters, not in the text pane.
    assert parsed.text_panes["d1-text"] == hostile_dossier().document.text
    assert set(parsed.fragment_links) <= set(parsed.ids)


def test_several_dossiers_get_sections_and_an_index() -> None:
    page = render_html([sample_dossier(), hostile_dossier(), sample_dossier()])
    parsed = parse(page)
    assert {"d1", "d2", "d3", "d1-text", "d2-text", "d3-text"} <= set(parsed.ids)
    assert {"d1", "d2", "d3"} <= set(parsed.fragment_links)
    assert len(parsed.ids) == len(set(parsed.ids))
    assert set(parsed.fragment_links) <= set(parsed.ids)
    assert page.count("<section") == 3


def test_empty_and_out_of_range_spans_do_not_break_the_page() -> None:
    text = "Short text."
    dossier = Dossier(
        document=DocumentInfo(id="sha256:1", source="short.txt", text=text),
        entities=[
            Entity(text="beyond", label="ORG", start=5, end=500),
            Entity(text="empty", label="ORG", start=3, end=3),
            Entity(text="far", label="ORG", start=400, end=410),
        ],
    )
    page = parse(render_html([dossier]))
    assert page.text_panes["d1-text"] == text
    assert set(page.fragment_links) <= set(page.ids)


def test_a_bare_dossier_renders() -> None:
    dossier = Dossier(document=DocumentInfo(id="sha256:2", source="bare.txt", text="Just text."))
    page = render_html([dossier])
    assert "bare.txt" in page
    assert parse(page).text_panes["d1-text"] == "Just text."


def _mark(key: str, start: int, end: int) -> Mark:
    return Mark(key=key, layer="entities", start=start, end=end)


def test_segments_cover_the_text_with_the_marks_over_each_piece() -> None:
    outer, inner, crossing = _mark("outer", 0, 10), _mark("inner", 2, 5), _mark("cross", 4, 12)
    segments = split_into_segments(12, [outer, inner, crossing])
    assert [(s.start, s.end, [m.key for m in s.marks]) for s in segments] == [
        (0, 2, ["outer"]),
        (2, 4, ["outer", "inner"]),
        (4, 5, ["outer", "inner", "cross"]),
        (5, 10, ["outer", "cross"]),
        (10, 12, ["cross"]),
    ]


def test_segments_clip_and_skip_degenerate_marks() -> None:
    segments = split_into_segments(5, [_mark("empty", 2, 2), _mark("over", 3, 99)])
    assert [(s.start, s.end, [m.key for m in s.marks]) for s in segments] == [
        (0, 2, []),
        (2, 3, []),
        (3, 5, ["over"]),
    ]
    assert split_into_segments(0, [_mark("none", 0, 4)]) == []
