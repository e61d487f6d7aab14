"""Sentence boundaries: the parse's where there is one, else a punctuation split."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

# A sentence ends at . ! or ? (closing quotes and brackets may follow) before a capital
# or a digit, or at a line break; bounded repeats keep the search linear.
_SENTENCE_BREAK_RE = re.compile(r"(?<=[.!?])[\"”’)]{0,2}[ \t]{1,10}(?=[\"“‘(]?[A-Z0-9])|\n{1,5}")


def sentence_starts(text: str, parsed: Doc | None) -> list[int]:
    """Offsets where the sentences of ``text`` start, the first always 0."""
    if parsed is not None:
        starts = [sentence.start_char for sentence in parsed.sents]
        return starts if starts and starts[0] == 0 else [0, *starts]
    return [0, *(match.end() for match in _SENTENCE_BREAK_RE.finditer(text))]
