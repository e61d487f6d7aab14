"""The near-duplicate benchmark: its edits and scorer on hand-made cases, its runners on a
statement embedded in another article, and the recorded figures against the floor."""

from __future__ import annotations

import json
import random

import pytest

from bench.common import RESULTS
from bench.dedup import (
    FLOOR,
    _edit,
    _reordered_lines,
    pairs_of,
    run_claimscope,
    run_datasketch,
    score,
)
from claimscope.corpus.minhash import MinHashSettings

ARTICLE = "Alpha one two.\n\nBravo three four.\n\nCharlie five six.\n\nDelta seven eight."
DONOR = "Foreign lead here.\n\nForeign middle.\n\nForeign end."
RECORDED = RESULTS / "dedup.json"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "reframed_lead",
            "Foreign lead here.\n\nBravo three four.\n\nCharlie five six.\n\nDelta seven eight.",
        ),
        (
            "added_paragraphs",
            ARTICLE + "\n\nForeign middle.\n\nForeign end.",
        ),
        (
            "embedded_statement",
            "Foreign lead here.\n\nIn a joint statement released on Monday, the groups said:"
            "\n\n“Alpha one two.”\n\n“Bravo three four.”\n\n“Charlie five six.”"
            "\n\n“Delta seven eight.”\n\nForeign end.",
        ),
    ],
)
def test_an_edit_gives_the_text_it_describes(kind: str, expected: str) -> None:
    assert _edit(kind, ARTICLE, DONOR, random.Random(1)) == expected


def test_cutting_paragraphs_keeps_the_first_and_drops_a_third() -> None:
    for seed in range(20):
        edited = _edit("cut_paragraphs", ARTICLE, DONOR, random.Random(seed))
        assert edited is not None
        kept = edited.split("\n\n")
        assert kept[0] == "Alpha one two."
        assert len(kept) == 3
        assert set(kept) < set(ARTICLE.split("\n\n"))


def test_an_edit_that_does_not_apply_gives_none() -> None:
    short = "Only one paragraph here."
    for kind in ("reframed_lead", "cut_paragraphs", "embedded_statement"):
        assert _edit(kind, short, DONOR, random.Random(1)) is None


def test_reordered_lines_move_only_the_signatory_lines() -> None:
    text = "We call on them.\nAnn Lee, Kenya\nBo Chen, Ghana\nCy Diaz, Peru\nEnd."
    spans = [(17, 31), (32, 46), (47, 60)]
    assert [text[start:end] for start, end in spans] == [
        "Ann Lee, Kenya",
        "Bo Chen, Ghana",
        "Cy Diaz, Peru",
    ]
    for seed in range(10):
        reordered = _reordered_lines(text, spans, random.Random(seed))
        lines = reordered.split("\n")
        assert lines[0] == "We call on them." and lines[-1] == "End."
        assert sorted(lines[1:-1]) == ["Ann Lee, Kenya", "Bo Chen, Ghana", "Cy Diaz, Peru"]


def test_pairs_and_scores_by_hand() -> None:
    assert pairs_of([[2, 0, 1], [5]]) == {(0, 1), (0, 2), (1, 2)}
    # One of two predicted pairs is right, one of three gold pairs is found.
    assert score({(0, 1), (0, 2), (1, 2)}, {(0, 1), (3, 4)}) == {
        "precision": 0.5,
        "recall": 0.3333,
        "f1": 0.4,
    }
    assert score(set(), set()) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def _paragraph(rng: random.Random, words: int) -> str:
    return " ".join(f"w{rng.randrange(100_000)}" for _ in range(words)) + "."


def test_an_embedded_statement_is_found_by_its_parts_and_not_as_a_whole() -> None:
    rng = random.Random(3)
    original = "\n\n".join(_paragraph(rng, 30) for _ in range(4))
    framing = [_paragraph(rng, 80) for _ in range(3)]
    # The four paragraphs of 30 words quoted between 240 words of another article: about
    # a third of the new article's shingles, well under the threshold of 0.5 as a whole.
    embedded = "\n\n".join(
        [
            framing[0],
            "In a joint statement released on Monday, the groups said:",
            *[f"“{paragraph}”" for paragraph in original.split("\n\n")],
            framing[1],
            framing[2],
        ]
    )
    unrelated = "\n\n".join(_paragraph(rng, 40) for _ in range(4))
    texts = [original, embedded, unrelated]
    settings = MinHashSettings()
    assert run_claimscope(texts, settings, whole_only=False) == [[0, 1]]
    assert run_claimscope(texts, settings, whole_only=True) == []
    assert run_datasketch(texts, settings) == []


def test_the_recorded_figures_meet_the_floor() -> None:
    if not RECORDED.exists():
        pytest.skip(f"{RECORDED} not recorded yet: run python -m bench.dedup")
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert recorded["claimscope"]["f1"] >= FLOOR
    # The comparison the issue asks for is made in the same run, on the same data.
    assert {"claimscope", "claimscope_whole_documents", "datasketch"} <= recorded.keys()
    assert recorded["claimscope"]["same_topic_pairs_joined"] == 0
