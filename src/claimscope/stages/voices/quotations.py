"""Quotations: quote marks read in one linear pass, one piece per paragraph quoted."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from claimscope.text.quotes import Mark, classify_mark

_MARKS = re.compile(r"[\"“”„«»‘’'\n]")
_NON_SPACE = re.compile(r"\S")
_DOUBLE_OPENERS = '"“„'
_SINGLE_OPENERS = "‘'"
QUOTE_CHARACTERS = "\"“”„«»‘’'"
QUOTES = frozenset(QUOTE_CHARACTERS)


@dataclass
class Quotation:
    """A quotation: its marks and its content, one piece per paragraph it spans."""

    opening: int
    closing: int | None
    pieces: list[tuple[int, int]]
    claimed: bool = False


def trim(text: str, start: int, end: int, characters: str = " \t\n") -> tuple[int, int]:
    """``[start, end)`` without the given characters at either edge."""
    while start < end and text[start] in characters:
        start += 1
    while end > start and text[end - 1] in characters:
        end -= 1
    return start, end


def _is_word_character(character: str) -> bool:
    return character.isalnum()


def _family(mark: str) -> str:
    if mark in _DOUBLE_OPENERS:
        return "double"
    if mark == "«":
        return "guillemet"
    return "single"


def _opens_continuation(family: str, character: str) -> bool:
    if family == "double":
        return character in _DOUBLE_OPENERS
    if family == "guillemet":
        return character == "«"
    return character in _SINGLE_OPENERS


def _opener(text: str, position: int) -> bool | None:
    """Whether a mark outside any quotation opens one (None: a stray closing mark)."""
    character = text[position]
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    if character in "“„«":
        return True
    if character in "”»":
        return None
    if character == '"':
        return True if classify_mark(text, position) is not Mark.CLOSE else None
    if character == "‘":
        return not after.isspace()
    if character == "'":
        # An apostrophe has a letter on one side at least; an opening quote has none before.
        return not _is_word_character(before) and _is_word_character(after)
    return False


def _closes_single(text: str, position: int) -> bool:
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    return not before.isspace() and not _is_word_character(after)


def find_quotations(
    text: str, low: int, high: int, warn: Callable[[str, int, int], None]
) -> list[Quotation]:
    """Quotations in ``text[low:high]``, in one left-to-right pass over the marks."""
    quotations: list[Quotation] = []
    opening_mark = ""
    opening = low
    piece_start = low
    pieces: list[tuple[int, int]] = []
    depth = 0
    continuation: int | None = None

    def finish(closing: int | None, end: int) -> None:
        # The comma before a closing mark belongs to the sentence around the quotation.
        piece = trim(text, piece_start, end, " \t\n,")
        if piece[1] > piece[0]:
            pieces.append(piece)
        if pieces:
            quotations.append(Quotation(opening, closing, list(pieces)))

    for match in _MARKS.finditer(text, low, high):
        position = match.start()
        character = text[position]
        if character == "\n":
            if not opening_mark or continuation is not None:
                continue
            family = _family(opening_mark)
            following = _NON_SPACE.search(text, position, high)
            if following is not None and _opens_continuation(family, text[following.start()]):
                piece = trim(text, piece_start, position)
                if piece[1] > piece[0]:
                    pieces.append(piece)
                continuation = following.start()
            else:
                if family != "single":
                    warn("quotation never closes in its paragraph", opening, position)
                    finish(None, position)
                # A single mark left open was an apostrophe after all.
                opening_mark, pieces, depth = "", [], 0
            continue
        if continuation is not None:
            if position == continuation:
                piece_start, continuation, depth = position + 1, None, 0
                continue
            continuation = None
        if opening_mark and _family(opening_mark) == "single" and character not in "‘’'":
            # A double mark inside an "open" single quote: the single was an apostrophe.
            opening_mark, pieces = "", []
        if not opening_mark:
            opens = _opener(text, position)
            if opens is None:
                warn("closing quote mark without an opening one", position, position + 1)
            elif opens:
                opening_mark, opening, piece_start, pieces, depth = (
                    character,
                    position,
                    position + 1,
                    [],
                    0,
                )
            continue
        family = _family(opening_mark)
        closes = False
        if family == "double":
            if character == "”" or (character == "“" and opening_mark == "„"):
                closes = True
            elif character == '"':
                closes = classify_mark(text, position) is not Mark.OPEN
            elif character in "“„":
                depth += 1
        elif family == "guillemet":
            if character == "»":
                closes = True
            elif character == "«":
                depth += 1
        elif character in "’'" and _closes_single(text, position):
            closes = True
        if closes:
            if depth > 0:
                depth -= 1
                continue
            finish(position, position)
            opening_mark, pieces = "", []
    if opening_mark and _family(opening_mark) != "single":
        warn("quotation never closes", opening, high)
        finish(None, high)
    return quotations
