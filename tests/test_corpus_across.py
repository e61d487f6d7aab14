"""Across documents, from the store: duplicates, claims, actors, networks, coordination.

On SQLite and PostgreSQL (the store fixture). Texts go in with ``corpus add`` and the
stages that read spaCy's parse disabled; dossiers whose claims and signatories matter are
written to the store directly, filled by hand, so no model runs.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from sqlalchemy import func, select

from claimscope.adapters.corpus_commands import format_duration, parse_duration
from claimscope.adapters.report.html import render_html
from claimscope.adapters.store import Analysed, Sighting, Store, Versions
from claimscope.adapters.store.tables import (
    DocumentPartRow,
    DocumentRow,
    PartSignatureRow,
    SignatureBandRow,
)
from claimscope.analysis import new_dossier
from claimscope.document import Hints
from claimscope.dossier import Anatomy, Claim, Signatory, Span, Statement
from claimscope.ingestion import make_document
from tests.store_support import corpus, disable_arguments, write_records
from tests.store_support import store_url as store_url  # the fixture

FAST = disable_arguments()
VERSIONS = Versions("test pipeline", "test models")

BORDER = (
    "The ministry said on Tuesday that the new border crossing would open in March, "
    "allowing trucks carrying food and medicine to reach the region for the first time "
    "since the road was closed two years ago, according to officials in the capital."
)
# A near duplicate of BORDER: a new lead sentence before the same text.
BORDER_RELEAD = "Officials confirmed the plan on Wednesday. " + BORDER
FOOTBALL = (
    "The football club announced a new coach on Tuesday after a season in which the team "
    "lost eleven matches at home and finished in the lower half of the table once again, "
    "its chairman said, thanking supporters for their patience."
)
STATEMENT = "\n\n".join(
    [
        "We, the undersigned organisations, call on the government to release the "
        "journalists detained since March and to drop every charge brought against them "
        "under the new security law.",
        "Their detention violates the country's own constitution and the international "
        "covenant it ratified, and it has already silenced the last independent newspaper "
        "in the northern provinces.",
        "We ask the United Nations special rapporteur to visit the prisons where they are "
        "held and to report publicly on the conditions of their detention without delay.",
    ]
)
PRESS_RELEASE = "Press release\n\n" + STATEMENT + "\n\nSigned by forty organisations."
FRAMED = (
    "Rights groups on Monday renewed their appeal over the detained reporters, in a text "
    "published as the parliament opened its spring session in the capital this week.\n\n"
    "In a joint statement the groups said:\n\n" + STATEMENT
)


def add(store_url: str, path: Path, *extra: str) -> None:
    result = corpus("add", str(path), "--db", store_url, *FAST, *extra)
    assert result.returncode == 0, result.stderr


def duplicates(store_url: str, *extra: str) -> dict[str, Any]:
    result = corpus("duplicates", "--db", store_url, "--format", "json", *extra)
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def cluster_sources(found: dict[str, Any]) -> list[list[str]]:
    return [
        sorted(item["source"] for item in cluster["documents"]) for cluster in found["clusters"]
    ]


def index_rows(store_url: str) -> dict[str, list[tuple[Any, ...]]]:
    with Store.open(store_url) as store, store.engine.connect() as connection:
        return {
            "parts": [tuple(row) for row in connection.execute(select(DocumentPartRow))],
            "signatures": [tuple(row) for row in connection.execute(select(PartSignatureRow.id))],
            "bands": [tuple(row) for row in connection.execute(select(SignatureBandRow))],
        }


# -- duplicates ---------------------------------------------------------------------------


def test_adding_documents_updates_the_index_without_rebuilding_it(
    store_url: str, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(BORDER)
    (tmp_path / "b.txt").write_text(BORDER_RELEAD)
    (tmp_path / "c.txt").write_text(FOOTBALL)
    add(store_url, tmp_path / "a.txt")
    assert duplicates(store_url)["clusters"] == []
    add(store_url, tmp_path / "b.txt")
    after_b = duplicates(store_url)
    assert cluster_sources(after_b) == [[str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]]
    (earliest, other) = after_b["clusters"][0]["documents"]
    # Without publication times, the first stored is the earliest known.
    assert earliest["source"] == str(tmp_path / "a.txt") and earliest["earliest"] is True
    assert earliest["similarity"] == 1.0 and other["earliest"] is False
    assert 0.5 <= other["similarity"] < 1.0
    rows_before_c = index_rows(store_url)
    add(store_url, tmp_path / "c.txt")
    assert duplicates(store_url) == after_b
    rows_after_c = index_rows(store_url)
    # A and B's rows are untouched: C's were added beside them.
    for table, rows in rows_before_c.items():
        assert set(rows) <= set(rows_after_c[table]), table
    assert len(rows_after_c["parts"]) == len(rows_before_c["parts"]) + 1


def test_an_embedded_statement_is_found_with_its_span_in_both_documents(
    store_url: str, tmp_path: Path
) -> None:
    records = [
        {"text": PRESS_RELEASE, "outlet": "Rights NGO", "published": "2024-05-06T08:00:00Z"},
        {"text": FRAMED, "outlet": "Daily Paper", "published": "2024-05-06T11:30:00Z"},
        {"text": FOOTBALL, "outlet": "Sports Site", "published": "2024-05-06T09:00:00Z"},
    ]
    add(store_url, write_records(tmp_path / "r.jsonl", records))
    found = duplicates(store_url)
    (cluster,) = found["clusters"]
    release, framed = cluster["documents"]
    assert (release["outlet"], framed["outlet"]) == ("Rights NGO", "Daily Paper")
    assert release["earliest"] and not framed["earliest"]
    # The two articles differ as wholes; what they share lies inside the statement.
    shared = framed["shared"]
    in_framed = FRAMED[shared["start"] : shared["end"]]
    in_release = PRESS_RELEASE[
        framed["earliest_shared"]["start"] : framed["earliest_shared"]["end"]
    ]
    assert in_framed.strip() and in_framed in STATEMENT
    assert in_release.strip() and in_release in STATEMENT
    assert shared["kind"] in ("statement", "paragraph")
    assert framed["similarity"] >= 0.5


def test_the_json_lists_each_sighting_with_its_source(store_url: str, tmp_path: Path) -> None:
    records = tmp_path / "feed.jsonl"
    lines = [
        {"text": BORDER, "outlet": "Agency", "published": "2024-03-01T10:00:00+00:00"},
        {"text": FOOTBALL},
        None,  # a blank line: line numbers count it
        {"text": BORDER, "outlet": "Reposter", "published": "2024-03-01T12:00:00+00:00"},
        {"text": BORDER_RELEAD, "outlet": "Paper"},
    ]
    records.write_text("".join(("" if line is None else json.dumps(line)) + "\n" for line in lines))
    (tmp_path / "copy.txt").write_text(BORDER)
    add(store_url, records)
    add(store_url, tmp_path / "copy.txt")
    found = duplicates(store_url)
    assert set(found) == {"threshold", "index", "clusters"}
    (cluster,) = found["clusters"]
    assert set(cluster) == {"id", "documents"}
    for item in cluster["documents"]:
        assert {"id", "source", "outlet", "published", "similarity"} <= set(item)
    by_source = {item["source"]: item for item in cluster["documents"]}
    # One entry per sighting: the same text from three sources is listed three times.
    assert set(by_source) == {
        f"{records}#1",
        f"{records}#4",
        f"{records}#5",
        str(tmp_path / "copy.txt"),
    }
    same_text = [
        by_source[f"{records}#1"],
        by_source[f"{records}#4"],
        by_source[str(tmp_path / "copy.txt")],
    ]
    assert len({item["id"] for item in same_text}) == 1
    assert [item["outlet"] for item in same_text] == ["Agency", "Reposter", None]
    assert [item["published"] for item in same_text] == [
        "2024-03-01T10:00:00+00:00",
        "2024-03-01T12:00:00+00:00",
        None,
    ]
    # Timed sightings come first, in time order; the earliest is the agency's.
    assert cluster["documents"][0]["source"] == f"{records}#1"
    assert [item["earliest"] for item in cluster["documents"]].count(True) == 1
    assert cluster["id"] == same_text[0]["id"].removeprefix("sha256:")[:12]
    table = corpus("duplicates", "--db", store_url)
    assert table.returncode == 0 and "earliest" in table.stdout


def test_a_lower_threshold_reverifies_stored_signatures(store_url: str, tmp_path: Path) -> None:
    words = BORDER.split()
    # Two words changed, far apart: 10 of 41 shingles differ, an exact Jaccard of 31/51.
    edited = " ".join("changed" if index in (12, 30) else word for index, word in enumerate(words))
    (tmp_path / "a.txt").write_text(BORDER)
    (tmp_path / "b.txt").write_text(edited)
    add(store_url, tmp_path / "a.txt")
    add(store_url, tmp_path / "b.txt")
    both = [[str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]]
    found = duplicates(store_url)
    assert cluster_sources(found) == both and found["threshold"] == 0.5
    similarity = found["clusters"][0]["documents"][1]["similarity"]
    assert abs(similarity - 31 / 51) < 0.1
    assert duplicates(store_url, "--threshold", "0.9")["clusters"] == []
    assert cluster_sources(duplicates(store_url, "--threshold", str(similarity))) == both


def test_documents_added_without_the_index_are_indexed_by_reindex(
    store_url: str, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(BORDER)
    (tmp_path / "b.txt").write_text(BORDER_RELEAD)
    add(store_url, tmp_path, "--no-index")
    result = corpus("duplicates", "--db", store_url, "--format", "json")
    assert "2 stored document(s) are not in the near-duplicate index" in result.stderr
    assert json.loads(result.stdout)["clusters"] == []
    reindexed = corpus("reindex", "--db", store_url)
    assert reindexed.returncode == 0, reindexed.stderr
    assert "2 document(s) indexed" in reindexed.stderr
    assert len(duplicates(store_url)["clusters"]) == 1
    # Other bands: the index is rebuilt with them, and records them.
    rebuilt = corpus("reindex", "--db", store_url, "--bands", "64")
    assert "2 document(s) indexed" in rebuilt.stderr and "64 bands of 2 rows" in rebuilt.stderr
    found = duplicates(store_url)
    assert found["index"]["bands"] == 64 and len(found["clusters"]) == 1
    bad = corpus("reindex", "--db", store_url, "--bands", "3")
    assert bad.returncode == 2 and "bands must divide permutations" in bad.stderr


def test_reanalysis_replaces_a_documents_parts(store_url: str) -> None:
    document = make_document(PRESS_RELEASE, "release.txt")
    framed = make_document(FRAMED, "framed.txt")
    plain = [new_dossier(document), new_dossier(framed)]
    with Store.open(store_url) as store:
        store.write(
            [
                Analysed(d, x, [Sighting.of(d)])
                for d, x in zip((document, framed), plain, strict=True)
            ],
            versions=VERSIONS,
        )
        kinds_before = _part_kinds(store, document.id)
        assert "statement" not in kinds_before
        # A re-analysis finds the statement: its part is indexed, the old parts are gone.
        start = PRESS_RELEASE.index("We, the")
        with_statement = plain[0].model_copy(
            update={"statements": [Statement(start=start, end=start + len(STATEMENT))]}
        )
        store.replace_dossiers([with_statement], VERSIONS)
        assert _part_kinds(store, document.id) == sorted([*kinds_before, "statement"])
        (cluster,) = store.duplicates()
        assert sorted(cluster.documents) == sorted([document.id, framed.id])


def _part_kinds(store: Store, document_id: str) -> list[str]:
    with store.engine.connect() as connection:
        return sorted(
            connection.execute(
                select(DocumentPartRow.kind)
                .join(DocumentRow, DocumentRow.number == DocumentPartRow.document_number)
                .where(DocumentRow.id == document_id)
            ).scalars()
        )


def test_a_signature_no_part_has_left_is_removed_with_its_bands(store_url: str) -> None:
    document = make_document(BORDER, "a.txt")
    with Store.open(store_url) as store:
        store.write(
            [Analysed(document, new_dossier(document), [Sighting.of(document)])],
            versions=VERSIONS,
        )
        changed = new_dossier(document)
        store.replace_dossiers([changed], VERSIONS)
        with store.engine.connect() as connection:
            signatures = connection.execute(select(func.count()).select_from(PartSignatureRow))
            bands = connection.execute(select(func.count()).select_from(SignatureBandRow))
            assert signatures.scalar_one() == 1
            assert bands.scalar_one() == store.index_settings().bands


# -- recurring claims, actors, networks -----------------------------------------------------

BLOCKADE = "Armenia has imposed a blockade on Nakhchivan for over 30 years"


def stored(
    store: Store,
    text: str,
    source: str,
    *,
    outlet: str | None = None,
    published: str | None = None,
    claims: list[tuple[str, str | None]] = (),  # type: ignore[assignment]
    signatories: list[Signatory] = (),  # type: ignore[assignment]
) -> str:
    """Store a document with a dossier filled by hand; its id."""
    document = make_document(text, source, hints=Hints(outlet=outlet, published=published))
    dossier = new_dossier(document)
    dossier.anatomy = Anatomy(published=published, body=Span(start=0, end=len(text)))
    for claim_text, speaker in claims:
        start = text.index(claim_text)
        dossier.claims.append(
            Claim(
                text=claim_text,
                start=start,
                end=start + len(claim_text),
                checkworthiness=0.9,
                speaker=speaker,
            )
        )
    dossier.signatories = list(signatories)
    store.write([Analysed(document, dossier, [Sighting.of(document)])], versions=VERSIONS)
    return document.id


def test_recurring_claims_across_stored_dossiers(store_url: str) -> None:
    first_text = f"BAKU, Aug 1. {BLOCKADE}, the ministry said in a statement on Tuesday."
    second_text = (
        "Speaking to reporters, the envoy repeated that Armenia has imposed a blockade on "
        "Nakhchivan for more than 30 years, and called for talks."
    )
    second_claim = "Armenia has imposed a blockade on Nakhchivan for more than 30 years"
    with Store.open(store_url) as store:
        first = stored(
            store,
            first_text,
            "trend.txt",
            outlet="Trend",
            published="2023-08-01T18:03:00+04:00",
            claims=[(BLOCKADE, "the ministry")],
        )
        second = stored(
            store,
            second_text,
            "other.txt",
            outlet="Other Outlet",
            published="2023-08-03T09:00:00+00:00",
            claims=[(second_claim, "the envoy")],
        )
        stored(
            store,
            FOOTBALL,
            "football.txt",
            outlet="Sports",
            claims=[("the team lost eleven matches at home", None)],
        )
    result = corpus("claims", "--db", store_url, "--format", "json")
    assert result.returncode == 0, result.stderr
    (claim,) = json.loads(result.stdout)["claims"]
    assert claim["text"] == BLOCKADE  # as first published
    assert claim["documents"] == 2
    assert claim["outlets"] == ["Trend", "Other Outlet"]
    assert (claim["first_seen"], claim["last_seen"]) == (
        "2023-08-01T18:03:00+04:00",
        "2023-08-03T09:00:00+00:00",
    )
    assert claim["speakers"] == ["the ministry", "the envoy"]
    assert sorted(item["document"] for item in claim["sightings"]) == sorted([first, second])
    table = corpus("claims", "--db", store_url)
    assert table.returncode == 0 and "Nakhchivan" in table.stdout


LETTER_ONE = "We call for the release of the detained journalists.\n\nSigned:\n"
LETTER_TWO = "We call for an independent inquiry into the floods.\n\nSigned:\n"


def signed(person: str | None, organization: str | None, country: str | None) -> Signatory:
    return Signatory(person=person, organization=organization, country=country, start=0, end=1)


def two_letters(store: Store) -> tuple[str, str]:
    first = stored(
        store,
        LETTER_ONE,
        "one.txt",
        published="2024-01-10",
        signatories=[
            signed("Maria Lopez", "Human Rights Watch", "US"),
            signed("John Smith", "Amnesty International", "GB"),
            signed("Aisha Bello", "Press Freedom Network", "NG"),
        ],
    )
    second = stored(
        store,
        LETTER_TWO,
        "two.txt",
        published="2024-03-02",
        signatories=[
            signed("María López", "HRW", "US"),
            signed("John Smith", "Amnesty International", "GB"),
            signed("Chen Wei", "Flood Relief Alliance", None),
        ],
    )
    return first, second


def test_actors_are_resolved_across_stored_dossiers(store_url: str) -> None:
    with Store.open(store_url) as store:
        first, second = two_letters(store)
    result = corpus("actors", "--db", store_url, "--format", "json")
    assert result.returncode == 0, result.stderr
    actors = {
        (actor["kind"], actor["name"]): actor for actor in json.loads(result.stdout)["actors"]
    }
    # Names printed differently meet (accents; an acronym): each actor signed both letters.
    assert set(actors) == {
        ("person", "John Smith"),
        ("person", "María López"),
        ("organization", "Amnesty International"),
        ("organization", "Human Rights Watch"),
    } or set(actors) == {
        ("person", "John Smith"),
        ("person", "Maria Lopez"),
        ("organization", "Amnesty International"),
        ("organization", "Human Rights Watch"),
    }
    smith = actors[("person", "John Smith")]
    assert [document["id"] for document in smith["documents"]] == [first, second]
    assert (smith["first_date"], smith["last_date"]) == ("2024-01-10", "2024-03-02")
    assert smith["countries"] == ["GB"] and smith["confidence"] == 1.0
    hrw = actors[("organization", "Human Rights Watch")]
    assert [document["as"] for document in hrw["documents"]] == [["Human Rights Watch"], ["HRW"]]
    assert hrw["confidence"] < 1.0  # met through the acronym
    everyone = corpus("actors", "--db", store_url, "--min-documents", "1", "--format", "json")
    assert len(json.loads(everyone.stdout)["actors"]) == 8  # 4 people, 4 bodies


def test_cosignature_and_outlet_networks(store_url: str, tmp_path: Path) -> None:
    with Store.open(store_url) as store:
        two_letters(store)
        stored(store, BORDER, "a.txt", outlet="Agency <A>")
        stored(store, BORDER_RELEAD, "b.txt", outlet="Paper B")
    out = tmp_path / "cosign.csv"
    result = corpus(
        "network", "--kind", "cosignature", "--format", "csv", "--out", str(out),
        "--db", store_url, "--min-documents", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [line.split(",") for line in out.read_text().splitlines()[1:]]
    # Four actors signed both letters: every pair of them signed two statements together.
    assert len(rows) == 6 and {row[-1] for row in rows} == {"2"}
    graphml = corpus("network", "--kind", "cosignature", "--format", "graphml", "--db", store_url)
    graph = nx.read_graphml(io.BytesIO(graphml.stdout.encode("utf-8")))
    assert graph.number_of_nodes() == 8
    gexf = corpus("network", "--kind", "outlets", "--format", "gexf", "--db", store_url)
    outlets = nx.read_gexf(io.BytesIO(gexf.stdout.encode("utf-8")))
    labels = sorted(data["label"] for _, data in outlets.nodes(data=True))
    (cluster,) = json.loads(corpus("duplicates", "--db", store_url, "--format", "json").stdout)[
        "clusters"
    ]
    assert labels == sorted(["Agency <A>", "Paper B", cluster["id"]])
    page = corpus("network", "--kind", "outlets", "--format", "html", "--db", store_url).stdout
    assert "Agency &lt;A&gt;" in page and "Agency <A>" not in page
    assert "<script src" not in page and "http://" not in page.replace(
        "http://www.w3.org/2000/svg", ""
    )


# -- coordination -------------------------------------------------------------------------


def test_coordination_with_a_given_and_an_estimated_window(store_url: str, tmp_path: Path) -> None:
    records = [
        # Cluster 1: three outlets within 6 minutes, a fourth a day later, one undated.
        {"text": BORDER, "outlet": "Agency", "published": "2024-03-01T10:00:00+00:00"},
        {"text": BORDER, "outlet": "Site C", "published": "2024-03-01T10:04:00+00:00"},
        {"text": BORDER_RELEAD, "outlet": "Paper B", "published": "2024-03-01T11:06:00+01:00"},
        {"text": BORDER, "outlet": "Late", "published": "2024-03-02T10:00:00+00:00"},
        {"text": BORDER, "outlet": "Undated"},
        # Cluster 2: two outlets an hour apart.
        {"text": PRESS_RELEASE, "outlet": "NGO", "published": "2024-03-05T08:00:00+00:00"},
        {"text": FRAMED, "outlet": "Daily", "published": "2024-03-05T09:00:00+00:00"},
    ]
    add(store_url, write_records(tmp_path / "r.jsonl", records))
    given = corpus("coordination", "--db", store_url, "--window", "10m", "--format", "json")
    assert given.returncode == 0, given.stderr
    found = json.loads(given.stdout)
    assert found["window"] == {"seconds": 600.0, "text": "10 minutes", "estimated": False}
    (group,) = found["groups"]
    assert group["description"] == "published within 6 minutes by 3 outlets"
    assert group["outlets"] == ["Agency", "Site C", "Paper B"]
    assert group["shared"]["text"] in (BORDER, BORDER_RELEAD)
    assert [item["outlet"] for item in found["untimed"]] == ["Undated"]
    # Estimated: per cluster, the time to reach half of its timed sightings (cluster 1:
    # 4 sightings, the second at 4 minutes; cluster 2: its 60-minute gap); the fastest
    # tenth of two clusters is one cluster: 4 minutes.
    estimated = json.loads(corpus("coordination", "--db", store_url, "--format", "json").stdout)
    assert estimated["window"]["seconds"] == 240.0 and estimated["window"]["estimated"]
    # Two stretches of 4 minutes: Agency and Site C, then Site C and Paper B.
    assert [(g["description"], g["outlets"]) for g in estimated["groups"]] == [
        ("published within 4 minutes by 2 outlets", ["Agency", "Site C"]),
        ("published within 2 minutes by 2 outlets", ["Site C", "Paper B"]),
    ]
    wide = json.loads(
        corpus("coordination", "--db", store_url, "--window", "1h", "--format", "json").stdout
    )
    assert sorted(g["description"] for g in wide["groups"]) == [
        "published within 6 minutes by 3 outlets",
        "published within 60 minutes by 2 outlets",
    ]
    table = corpus("coordination", "--db", store_url, "--window", "2d")
    assert "without a publication time" in table.stdout and "Undated" in table.stdout
    bad = corpus("coordination", "--db", store_url, "--window", "soon")
    assert bad.returncode == 2 and "--window" in bad.stderr


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("1h", 3600), ("2d", 172800), ("90s", 90), ("1h30m", 5400), (" 2 h ", 7200)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "soon", "5", "1x", "0m", "1h later", "m5"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_durations_in_words() -> None:
    assert format_duration(timedelta(minutes=45)) == "45 minutes"
    assert format_duration(timedelta(hours=2, minutes=1)) == "2 hours 1 minute"
    assert format_duration(timedelta(days=3)) == "3 days"
    assert format_duration(timedelta(seconds=5)) == "1 minute"


# -- the Where else panel -------------------------------------------------------------------


def test_the_where_else_panel_of_a_stored_document(store_url: str, tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script> Wire'
    with Store.open(store_url) as store:
        first, second = two_letters(store)
        original = stored(
            store,
            f"{BLOCKADE}, the ministry said.\n\n{BORDER}",
            "orig.txt",
            outlet=hostile,
            published="2024-03-01T10:00:00+00:00",
            claims=[(BLOCKADE, "the ministry")],
        )
        stored(
            store,
            f"{BORDER}\n\nAn envoy said {BLOCKADE.lower()}.",
            "copy.txt",
            outlet="Paper <b>B</b>",
            published="2024-03-01T10:30:00+00:00",
            claims=[(BLOCKADE.lower(), "an envoy")],
        )
    page = corpus("show", original[7:19], "--db", store_url, "--format", "html").stdout
    panel = page[page.index('<div class="where-else">') :]
    assert "Where else" in panel and "earliest known" in panel
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Wire" in panel
    assert "Paper &lt;b&gt;B&lt;/b&gt;" in panel
    assert '<script>alert("x")' not in page and "<b>B</b>" not in page
    assert "<svg" in panel  # the timeline of the two timed sightings
    assert "Its claims elsewhere" in panel and "in 2 documents" in panel
    letter = corpus("show", first[7:19], "--db", store_url, "--format", "html").stdout
    letter_panel = letter[letter.index('<div class="where-else">') :]
    assert "Its signatories' other statements" in letter_panel
    assert "John Smith" in letter_panel and second[7:19] in letter_panel
    assert "No other sighting of this text" in letter_panel
    # Other formats, and a dossier analysed alone, have no panel.
    as_json = corpus("show", original[7:19], "--db", store_url, "--format", "json").stdout
    assert "Where else" not in as_json
    with Store.open(store_url) as store:
        alone = store.get(original)
    assert alone is not None
    assert '<div class="where-else">' not in render_html([alone.dossier])
