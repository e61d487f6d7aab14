"""The line tests that list detection runs on every line: prose and comma parts."""

from __future__ import annotations

import pytest

from claimscope.text.lists import is_prose, load_tables, split_segments


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        # group, said, that, it, would, appeal: 6 of 9 words ("the", "on" are exceptions).
        ("the group said on Monday that it would appeal", True),
        # Only title-case exceptions start in lowercase: a name.
        ("Director of the Centre for Human Rights Studies", False),
        # Exceptions in any case are exceptions ("oF" folds to "of").
        ("Director oF thE Centre fOr Human Rights Studies", False),
        # The same outside ASCII (the exact count, word by word).
        ("Директор of the Centre for Human Rights Studies and more", False),
        ("мы призываем the government to act now and here", True),
        # A closing full stop: a quarter of the words suffices; "by" is an exception.
        ("Signed by Jane Doe, Amnesty International, London office.", False),
        ("We call on the government to act now.", True),
        # Six words or fewer are never prose.
        ("the cat sat on the mat", False),
    ],
)
def test_prose_lines(line: str, prose: bool) -> None:
    assert is_prose(line, load_tables()) is prose


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("Jane Doe, Director - Amnesty; London", [(0, 8), (10, 18), (21, 28), (30, 36)]),
        # Separators inside parentheses do not cut.
        ("Doe (Chair, Board), Org", [(0, 18), (20, 23)]),
        # A dash without spaces on both sides is part of the text.
        ("A -B, C", [(0, 4), (6, 7)]),
        ("Org — Country.", [(0, 3), (6, 13)]),
        (",,", []),
    ],
)
def test_segments(text: str, segments: list[tuple[int, int]]) -> None:
    assert split_segments(text) == segments
