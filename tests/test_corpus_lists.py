"""Lists (signatory blocks) as parts of a document: found wherever they sit among prose."""

from __future__ import annotations

import itertools
import random

import pytest

from claimscope.corpus.duplicates import _long_runs, list_spans

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


def test_probing_finds_every_long_run_and_tests_each_line_once() -> None:
    generator = random.Random(1)
    for _ in range(2000):
        length = generator.randint(0, 40)
        share = generator.random()
        passing = [generator.random() < share for _ in range(length)]
        tested: list[int] = []

        def test(number: int, passing: list[bool] = passing, tested: list[int] = tested) -> bool:
            tested.append(number)
            return passing[number]

        # The maximal runs of five or more, read off the whole sequence.
        expected = []
        for key, group in itertools.groupby(enumerate(passing), key=lambda item: item[1]):
            members = [number for number, _ in group]
            if key and len(members) >= 5:
                expected.append((members[0], members[-1]))
        assert _long_runs(length, test) == expected
        assert len(tested) == len(set(tested))
