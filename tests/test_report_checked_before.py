"""The reports' "Checked before" section: matches attributed to their reviewers, text escaped."""

from __future__ import annotations

from claimscope.adapters.report.html import render_html
from claimscope.adapters.report.markdown import render_markdown
from claimscope.adapters.report.wording import highlighted_window, reviewer_rating, web_link
from claimscope.analysis import new_dossier
from claimscope.dossier import Claim, Dossier, EvidenceHighlight, EvidenceMatch
from claimscope.evidence.factchecks import FactCheck, Rating
from claimscope.evidence.library import Library
from claimscope.ingestion import make_document

HOSTILE = FactCheck(
    id="fc-1",
    claim='Wombats shelter animals <script>alert("x")</script> in burrows during bushfires.',
    title="Are wombats <b>sheltering</b> animals?",
    rating=Rating(name="Mixture <i>", value=3.0, best=5.0, worst=1.0),
    reviewer="Snopes & <Friends>",
    url="javascript:alert(1)",
    date="2020-01-14",
)
PLAIN = FactCheck(
    id="fc-2",
    claim="Bushfires drove wombats and other animals into burrows.",
    reviewer="AFP",
    url="https://factcheck.afp.com/wombats",
)


def _matched_dossier() -> Dossier:
    claim_text = "Wombats are sheltering other animals in their burrows during the bushfires."
    dossier = new_dossier(make_document(claim_text + " Another sentence.", "a.txt"))
    dossier.claims.append(Claim(text=claim_text, start=0, end=len(claim_text), checkworthiness=0.8))
    return Library([HOSTILE, PLAIN]).with_matches(dossier, k=2)


def test_html_shows_the_matches_escaped_and_attributed() -> None:
    dossier = _matched_dossier()
    assert {match.evidence_id for match in dossier.claims[0].matches} == {"fc-1", "fc-2"}
    page = render_html([dossier])
    assert "Checked before" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert (
        "Snopes &amp; &lt;Friends&gt; rated it “Mixture &lt;i&gt;” (3 on a scale from 1 to 5)"
        in (page)
    )
    # Only http(s) addresses become links.
    assert 'href="javascript:' not in page
    assert 'href="https://factcheck.afp.com/wombats"' in page
    assert "<mark>" in page


def test_markdown_shows_the_matches_escaped_and_attributed() -> None:
    text = render_markdown([_matched_dossier()])
    section = text[text.index("## Checked before (1)") :]
    assert "<script>" not in section
    assert "rated it “Mixture" in section
    # Addresses are inline code, as everywhere in Markdown reports: never links.
    assert "`https://factcheck.afp.com/wombats`" in section
    assert "<javascript:" not in section and "](javascript:" not in section


def test_no_section_without_matches() -> None:
    dossier = new_dossier(make_document("Nothing was matched here.", "a.txt"))
    dossier.claims.append(
        Claim(text="Nothing was matched here.", start=0, end=25, checkworthiness=0.5)
    )
    assert "Checked before" not in render_html([dossier])
    assert "Checked before" not in render_markdown([dossier])


def _match(**fields: object) -> EvidenceMatch:
    values: dict[str, object] = {
        "evidence_id": "x",
        "kind": "factcheck",
        "rank": 1,
        "score": 0.5,
        "text": "abcdef",
        "start": 0,
        "end": 6,
    }
    values.update(fields)
    return EvidenceMatch.model_validate(values)


def test_wording() -> None:
    assert reviewer_rating(_match()) == ""
    assert reviewer_rating(_match(rating="False", reviewer="PolitiFact")) == (
        "PolitiFact rated it “False”"
    )
    assert reviewer_rating(_match(rating_value=2.0)) == "the reviewer rated it 2"
    assert reviewer_rating(_match(kind="passage", rating="x")) == ""
    assert highlighted_window(
        _match(highlight=EvidenceHighlight(field="claim", start=2, end=4))
    ) == ("ab", "cd", "ef")
    # A highlight in the title marks nothing in the text.
    assert highlighted_window(
        _match(highlight=EvidenceHighlight(field="title", start=0, end=2))
    ) == ("", "", "abcdef")
    long = "word " * 200
    before, marked, after = highlighted_window(
        _match(text=long, highlight=EvidenceHighlight(field="claim", start=500, end=504)), 100
    )
    assert before.startswith("…") and after.endswith("…") and marked == "word"
    assert web_link("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", "ftp://x", "https://x y", 'https://x"', None):
        assert web_link(bad) is None


def test_markdown_keeps_the_spaces_around_the_highlight() -> None:
    text = "5. A peacekeeping centre shall be deployed. Later text."
    dossier = new_dossier(make_document("Peacekeepers were deployed.", "a.txt"))
    match = _match(
        kind="passage",
        text=text,
        end=len(text),
        highlight=EvidenceHighlight(field="claim", start=3, end=43),
        document_title="Statement",
        label="paragraph 5",
    )
    dossier.claims.append(
        Claim(text="Peacekeepers were deployed.", start=0, end=27, checkworthiness=0.5)
    )
    dossier.claims[0].matches = [match]
    section = render_markdown([dossier])
    assert "| 5\\. **A peacekeeping centre shall be deployed.** Later text. |" in section
    assert "| Statement, paragraph 5 |" in section
