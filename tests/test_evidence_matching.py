"""Claim matching: the shipped re-ranker on a small library, TREC output, bad lines, the floor."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from claimscope.evidence.matching import (
    FEATURE_NAMES,
    EvidenceEntry,
    EvidenceIndex,
    Matcher,
    MatchingModel,
    words,
)
from tests.conftest import ROOT, run_cli, shared_path

LIBRARY = [
    EvidenceEntry(
        "c1",
        "Wombats are inviting other animals into their burrows to escape the Australian bushfires.",
        "Are Wombats Sheltering Animals From the Fires?",
    ),
    EvidenceEntry("c2", "A photograph shows an endangered starry butterfly."),
    EvidenceEntry(
        "c3",
        "Drinking hot water every 15 minutes kills the coronavirus.",
        "Does Hot Water Kill the Coronavirus?",
    ),
    EvidenceEntry(
        "c4",
        "Azerbaijan closed the Lachin road to all traffic in July 2023.",
        "Was the Lachin Road Closed?",
        "The road links Armenia and Karabakh. Traffic was stopped at a checkpoint.",
    ),
    EvidenceEntry("c5", "Drinking bleach cures the coronavirus.", "Does Bleach Cure COVID-19?"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(EvidenceIndex.build(LIBRARY))


@pytest.mark.parametrize(
    ("claim", "best"),
    [
        ("Wombats are herding animals into their burrows during the Australia fires", "c1"),
        ("If you drink hot water every 15 minutes the coronavirus dies", "c3"),
        ("Bleach cures coronavirus, says a post", "c5"),
        ("The Lachin road has been closed by Azerbaijan since July", "c4"),
    ],
)
def test_best_match(matcher: Matcher, claim: str, best: str) -> None:
    matches = matcher.match(claim, k=3)
    assert matches[0].evidence_id == best
    # Only entries that share a word with the claim are matched: at most k of them.
    assert [match.rank for match in matches] == list(range(1, len(matches) + 1))
    assert len(matches) <= 3
    scores = [match.score for match in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert len({match.evidence_id for match in matches}) == len(matches)


def test_highlight_points_at_the_shared_sentence(matcher: Matcher) -> None:
    match = matcher.match("Traffic was stopped at a checkpoint on the road", k=1)[0]
    assert match.evidence_id == "c4"
    assert match.highlight is not None
    entry = LIBRARY[3]
    field_text = getattr(entry, match.highlight.field)
    assert match.highlight.field == "subtitle"
    assert field_text[match.highlight.start : match.highlight.end] == (
        "Traffic was stopped at a checkpoint."
    )


def test_a_claim_without_words_matches_nothing(matcher: Matcher) -> None:
    assert matcher.match("the of and", k=5) == []
    assert matcher.match("", k=5) == []
    assert matcher.match("zyzzyva quux", k=5) == []


def test_words_are_stemmed_without_stop_words() -> None:
    assert words("The wombats were sheltering animals in the burrows") == [
        "wombat", "were", "shelter", "anim", "burrow",
    ]  # fmt: skip


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        EvidenceIndex.build([EvidenceEntry("a", "x"), EvidenceEntry("a", "y")])


def test_shipped_artefact_describes_its_training() -> None:
    model = MatchingModel.load()
    assert model.feature_names == FEATURE_NAMES
    assert model.weights.shape == model.mean.shape == model.scale.shape == (len(FEATURE_NAMES),)
    assert np.all(model.scale > 0)
    assert model.meta["seed"] == 13
    assert model.meta["counts"]["queries"] == 800
    assert [item["file"] for item in model.meta["data"]] == [
        "claim-retrieval-clef2020/verified_claims.docs.tsv",
        "claim-retrieval-clef2020/train/tweets.queries.tsv",
        "claim-retrieval-clef2020/train/tweet-vclaim-pairs.qrels",
    ]


RUN_LINE = re.compile(r"^(\S+)\tQ0\t(\S+)\t(\d+)\t(\d\.\d{4})\tclaimscope$")


def _evidence_file(tmp_path: Path) -> Path:
    path = tmp_path / "evidence.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": entry.id, "claim": entry.claim, "title": entry.title}) + "\n"
            for entry in LIBRARY
        ),
        encoding="utf-8",
    )
    return path


def test_score_matching_prints_trec_run_lines(tmp_path: Path) -> None:
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "q1\tWombats shelter animals from the #AustraliaFires — Someone (@someone) Jan 3, 2020\n"
        "\n"
        "q2\tHot water every 15 minutes kills coronavirus https://t.co/x\n",
        encoding="utf-8",
    )
    completed = run_cli(
        "score", "matching", "--evidence", str(_evidence_file(tmp_path)),
        "--queries", str(queries), "-k", "3",
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr.decode()
    lines = completed.stdout.decode().splitlines()
    parsed = [RUN_LINE.match(line) for line in lines]
    assert all(parsed), lines
    rows = [match.groups() for match in parsed if match]
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)  # queries in order
    for query, best in (("q1", "c1"), ("q2", "c3")):
        ranked = [row for row in rows if row[0] == query]
        assert 1 <= len(ranked) <= 3
        assert ranked[0][1] == best
        assert [row[2] for row in ranked] == [str(rank) for rank in range(1, len(ranked) + 1)]
        scores = [float(row[3]) for row in ranked]
        assert scores == sorted(scores, reverse=True)


def test_score_matching_default_k_is_five(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence.jsonl"
    evidence.write_text(
        "".join(
            json.dumps({"id": f"e{number}", "claim": f"Coronavirus claim number {number}."}) + "\n"
            for number in range(8)
        ),
        encoding="utf-8",
    )
    queries = tmp_path / "queries.tsv"
    queries.write_text("only\ta coronavirus claim\n", encoding="utf-8")
    completed = run_cli("score", "matching", "--evidence", str(evidence), "--queries", str(queries))
    assert completed.returncode == 0
    lines = completed.stdout.decode().splitlines()
    assert [line.split("\t")[3] for line in lines] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize(
    ("queries_text", "evidence_text", "message"),
    [
        ("q1\tfine\nbroken line\n", None, "queries.tsv: line 2: expected id<TAB>text"),
        ("q1\tfine\nq1\tagain\n", None, "queries.tsv: line 2: query id 'q1' given twice"),
        (
            "q1\tfine\n",
            '{"id": "a", "claim": "x"}\n{"id": "b"}\n',
            "evidence.jsonl:2: record 'b' has no claim",
        ),
        ("q1\tfine\n", '{"id": "a", "claim": "x"}\nnot json\n', "evidence.jsonl:2: not JSON"),
    ],
)
def test_bad_lines_exit_2_naming_the_line(
    tmp_path: Path, queries_text: str, evidence_text: str | None, message: str
) -> None:
    queries = tmp_path / "queries.tsv"
    queries.write_text(queries_text, encoding="utf-8")
    evidence = _evidence_file(tmp_path)
    if evidence_text is not None:
        evidence.write_text(evidence_text, encoding="utf-8")
    completed = run_cli("score", "matching", "--evidence", str(evidence), "--queries", str(queries))
    assert completed.returncode == 2
    assert completed.stdout == b""
    stderr = completed.stderr.decode()
    assert message in stderr
    assert "Traceback" not in stderr


RESULTS = ROOT / "bench" / "results" / "matching.json"


def test_recorded_figures_are_consistent() -> None:
    figures = json.loads(RESULTS.read_text(encoding="utf-8"))
    dev = figures["dev"]
    assert dev["queries"] == 197
    for key in ("map_at_5", "mrr", "precision_at_1", "recall_at_5"):
        assert 0.0 <= dev[key] <= 1.0
    # The re-ranker must earn its keep over the first stage it re-orders.
    assert dev["map_at_5"] > dev["first_stage"]["map_at_5"] + 0.03
    assert dev["first_stage"]["recall_at_50"] >= dev["recall_at_5"]
    entries = [measured["entries"] for measured in figures["speed_one_core"]]
    assert entries == [10_375, 103_750]


@pytest.mark.xfail(
    strict=True,
    reason="the torch-free model is below the issue's floor: CLEF 2020 dev MAP@5 0.820 < 0.90",
)
def test_recorded_map_clears_the_floor() -> None:
    from bench.matching import FLOORS

    figures = json.loads(RESULTS.read_text(encoding="utf-8"))
    assert figures["dev"]["map_at_5"] >= FLOORS["map_at_5"]


def test_bench_runs_on_dev() -> None:
    from bench.matching import run

    data = shared_path("data", "claim-retrieval-clef2020").parent
    figures = run(data, skip_speed=True, splits=("dev",))
    recorded = json.loads(RESULTS.read_text(encoding="utf-8"))
    # Same model, same data: the same figures as recorded.
    assert figures["dev"] == recorded["dev"]
