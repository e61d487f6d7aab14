"""Lists (signatory blocks) as parts of a document: found wherever they sit among prose."""

from __future__ import annotations

import pytest

from claimscope.corpus.duplicates import list_spans

PROSE = "the group said on Monday that it would appeal the ruling in court"
ITEMS = [
    "Jane Doe, Director, Amnesty International",
    "John Roe, Chair, Human Rights Watch",
    "Ana Lima, Researcher, Conectas",
    "Omar Said, Lawyer, Al-Haq",
    "Li Wei, Editor, China Digital Times",
    "Maria Silva, Professor, University of Lisbon",
    "Pierre Dubois, Secretary General, FIDH",
]


@pytest.mark.parametrize("prose_before", range(8))
@pytest.mark.parametrize("items", [4, 5, 6, 7])
@pytest.mark.parametrize("blank_inside", [False, True])
def test_a_list_is_found_after_any_number_of_prose_lines(
    prose_before: int, items: int, blank_inside: bool
) -> None:
    block = ITEMS[:items]
    if blank_inside:
        block = [*block[:2], "", *block[2:]]
    text = "\n".join([PROSE] * prose_before + block + [PROSE] * 3)
    expected = []
    if items >= 5:
        first = text.index(ITEMS[0])
        last = text.index(ITEMS[items - 1]) + len(ITEMS[items - 1])
        expected = [(first, last)]
    assert list_spans(text) == expected


def test_two_lists_apart_and_a_short_one() -> None:
    text = "\n".join([*ITEMS[:5], PROSE, PROSE, *ITEMS[2:6], PROSE, *ITEMS[1:7]])
    first_end = text.index(ITEMS[4]) + len(ITEMS[4])
    second_start = text.rindex(ITEMS[1])
    assert list_spans(text) == [(0, first_end), (second_start, len(text))]
