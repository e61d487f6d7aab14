"""Quote marks read as opening, closing or ambiguous from the characters around them."""

from __future__ import annotations

from enum import Enum

# A straight mark after one of these opens a quotation; before one of these it closes one.
_OPENING_CONTEXT = "([{—–-/\u00a0"
_CLOSING_CONTEXT = ".,;:!?)]}—–…"


class Mark(Enum):
    """How a quote mark reads from its neighbours."""

    OPEN = "open"
    CLOSE = "close"
    AMBIGUOUS = "ambiguous"


def classify_mark(text: str, position: int) -> Mark:
    """Read a quote mark as opening, closing or ambiguous from the characters around it."""
    character = text[position]
    if character in "“«":
        return Mark.OPEN
    if character in "”»":
        return Mark.CLOSE
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    opens = before.isspace() or before in _OPENING_CONTEXT
    closes = after.isspace() or after in _CLOSING_CONTEXT
    if opens and not closes:
        return Mark.OPEN
    if closes and not opens:
        return Mark.CLOSE
    return Mark.AMBIGUOUS
