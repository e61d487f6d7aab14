"""Sentence boundaries that the layout and the end marks settle, whatever names stand nearby."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import pytest

from claimscope.text.sentences import (
    after_abbreviation,
    ends_with_mark,
    line_sentence_starts,
    prose_sentence_starts,
    wrap_column,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("He won. Then he left.", "Then", True),
        ("He said “it is over.” Then he left.", "Then", True),
        ("He won (narrowly.) Then he left.", "Then", True),
        ("He won.\n\nThen he left.", "Then", True),
        ("He asked why? Then he left.", "Then", True),
        ("disparaging remarks Trump had made", "Trump", False),
        ("It rose, Trump said.", "Trump", False),
        ("Trump won.", "Trump", True),  # the text's start
    ],
)
def test_ends_with_mark(text: str, word: str, expected: bool) -> None:
    assert ends_with_mark(text, text.index(word)) is expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("backed by Sen. Clinton on Monday", "Clinton", True),
        ("Mrs. May spoke", "May", True),
        ("Donald J. Trump spoke", "Trump", True),
        ("as he said on Oct. 21 in Ohio", "21", True),
        ("jobs moved to the U.S. The plant closed", "The", False),
        ("It happened in Oct. The plant closed", "The", False),
        ("He won. Then he left", "Then", False),
        ("item No. 5 on the list", "5", True),
    ],
)
def test_after_abbreviation(text: str, word: str, expected: bool) -> None:
    assert after_abbreviation(text, text.index(word)) is expected


WIRE = (
    "BANK FILES PLAN\n"
    "    HOUSTON, Feb 26 - The bank said it\n"
    "filed an application with the\n"
    "Comptroller of the Currency.\n"
    "    The bank said the network\n"
    "would link 31 banks.\n"
)
POINTS = (
    "The tasks ahead of her tonight:\n\n"
    "Sell her presidency\n"
    "Be the Clinton who shines in a smaller crowd\n"
    "Get those jokes off, adding levity.\n"
)


def test_wrap_column_tells_wire_copy_from_lists() -> None:
    # 90% of the lines fit in 34 columns, and three of the five breaks run a sentence on.
    assert wrap_column(WIRE) == len("    HOUSTON, Feb 26 - The bank said it".strip())
    # Short lines, but each one a point of its own.
    assert wrap_column(POINTS) is None
    # Too few lines to tell.
    assert wrap_column("a line\nand another\nand a third") is None


def test_line_starts_of_wire_copy_are_its_paragraphs() -> None:
    # An indented line starts a paragraph; the other line breaks are spaces.
    assert line_sentence_starts(WIRE) == [WIRE.index("HOUSTON"), WIRE.index("The bank said the")]


def test_line_starts_of_a_list_are_its_lines() -> None:
    assert line_sentence_starts(POINTS) == [
        POINTS.index("Sell"),
        POINTS.index("Be the"),
        POINTS.index("Get those"),
    ]


def test_prose_starts_drop_a_start_after_an_abbreviation() -> None:
    # Without a parse, the punctuation split starts a sentence after "Sen. ": not kept.
    text = "The bill was backed by Sen. Clinton on Monday. Trump opposed it."
    assert prose_sentence_starts(text, None, 1200) == [0, text.index("Trump")]


def test_prose_starts_keep_a_parse_start_only_after_an_end_mark() -> None:
    text = "At the debate she cited remarks Trump had made. He answered on Friday."
    parse = SimpleNamespace(
        sents=[
            SimpleNamespace(start_char=0),
            SimpleNamespace(start_char=text.index("Trump")),
            SimpleNamespace(start_char=text.index("He answered")),
        ]
    )
    starts = prose_sentence_starts(text, cast("Doc", parse), 1200)
    assert starts == [0, text.index("He answered")]


def test_prose_starts_keep_the_parse_where_no_end_mark_comes_for_too_long() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve"
    parse = SimpleNamespace(sents=[SimpleNamespace(start_char=s) for s in (0, 10, 20, 30, 40)])
    assert prose_sentence_starts(text, cast("Doc", parse), 15) == [0, 20, 40]
