"""Voices do not change with a name: the same sentence with two names exchanged yields the
same voices, their spans moved only by the names' difference in length.

Each row's text once gave different voices for the two names (or, for the last rows, is a
plain attribution kept as a guard): the tagger and the parser read a name's own words
("Trump charges that ..." with "Trump" a noun modifying the verb, "Clinton charges ..."
with "Clinton" its subject; "would back Trump" and "would back Clinton" attached
differently). The voice expected in the original was read off the text by hand.
"""

from __future__ import annotations

import pytest

from bench.neutrality import SwapList
from claimscope.dossier import Dossier, Span, TextSpan
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline

CANDIDATES = [["Clinton", "Trump"], ["Hillary", "Donald"]]

# (id, text, names exchanged, one voice of the original: kind, source, cue, content; None
# where the text holds no attributed voice and all of it is the narrator's).
ROWS: list[tuple[str, str, list[list[str]], tuple[str, str, str, str] | None]] = [
    (
        "a name the parser read as a noun before the verb",
        "Donald Trump spoke in Florida.\n\nTrump charges that countries that stand to benefit "
        "from the deal donated millions of dollars to the Clinton Foundation.",
        CANDIDATES,
        (
            "indirect",
            "Trump",
            "charges",
            "that countries that stand to benefit from the deal donated millions of dollars to "
            "the Clinton Foundation",
        ),
    ),
    (
        "a verb with a name as object read as a cue for one name",
        "Among likely voters in a four-way race, 46 percent would choose Clinton and 44 percent "
        "would back Trump, while 8 percent back Johnson.",
        CANDIDATES,
        None,
    ),
    (
        "a headline's name the entity recogniser missed",
        "The Latest: Trump urges supporters to monitor polling places.\n\nDonald Trump is once "
        "again questioning the integrity of the vote.",
        CANDIDATES,
        ("indirect", "Trump", "urges", "to monitor polling places"),
    ),
    (
        "a country's name in the source",
        "Brazil's chief debt negotiator said he was confident of a prompt accord with "
        "international creditor banks.",
        [["Brazil", "Argentina"]],
        (
            "indirect",
            "Brazil's chief debt negotiator",
            "said",
            "he was confident of a prompt accord with international creditor banks",
        ),
    ),
    (
        "a name as subject of a reporting verb",
        "Trump tells his supporters at a Michigan rally to go to the polls.",
        CANDIDATES,
        ("indirect", "Trump", "tells", "to go to the polls"),
    ),
]


def _covered(dossier: Dossier, span: Span | TextSpan | None) -> str | None:
    return None if span is None else dossier.document.text[span.start : span.end]


@pytest.mark.parametrize(
    ("text", "pairs", "expected"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS]
)
def test_voices_are_the_same_with_the_names_exchanged(
    pipeline: Pipeline,
    text: str,
    pairs: list[list[str]],
    expected: tuple[str, str, str, str] | None,
) -> None:
    swap = SwapList.from_data("test", {"pairs": pairs}).swap(text)
    assert swap.replacements, "the row must name one of the exchanged names"
    original = pipeline.analyze(make_document(text, "original.txt"))
    swapped = pipeline.analyze(make_document(swap.text, "swapped.txt"))

    read = [
        (
            voice.kind,
            _covered(original, voice.speaker_span),
            _covered(original, voice.cue),
            _covered(original, voice.content),
        )
        for voice in original.voices
    ]
    if expected is None:
        assert read == [("narrator", None, None, text)]
    else:
        assert expected in read

    def mapped(span: Span | TextSpan | None) -> tuple[int, int] | None:
        return None if span is None else swap.span(span.start, span.end)

    def own(span: Span | TextSpan | None) -> tuple[int, int] | None:
        return None if span is None else (span.start, span.end)

    assert [
        (voice.kind, own(voice.speaker_span), own(voice.cue), own(voice.content))
        for voice in swapped.voices
    ] == [
        (voice.kind, mapped(voice.speaker_span), mapped(voice.cue), mapped(voice.content))
        for voice in original.voices
    ]
