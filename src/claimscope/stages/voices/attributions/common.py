"""The attribution type and the parse helpers every construction shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimscope.stages.voices.quotations import QUOTE_CHARACTERS, trim
from claimscope.text.spans import Intervals

if TYPE_CHECKING:
    from spacy.tokens import Token

EDGE_PUNCTUATION = " \t\n,;:—–-" + QUOTE_CHARACTERS
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
SOURCE_PARTS_OF_SPEECH = frozenset({"PROPN", "NOUN", "PRON", "NUM", "ADJ", "DET"})


@dataclass
class Attribution:
    """A cue with its source and content, before it becomes voices."""

    cue: tuple[int, int]
    source: tuple[int, int] | None
    source_head: Token | None
    content: list[tuple[int, int]]
    lemma: str = ""


def token_end(token: Token) -> int:
    """The character offset just past a token."""
    return int(token.idx) + len(token.text)


def subtree_span(token: Token) -> tuple[int, int]:
    """The characters of a token's subtree, ``(start, end)``."""
    return int(token.left_edge.idx), token_end(token.right_edge)


def rest_of_clause(text: str, head: Token, cut: Token) -> list[tuple[int, int]]:
    """The clause of ``head`` around the subtree of ``cut``: up to two parts, larger first."""
    head_start, head_end = subtree_span(head)
    cut_start, cut_end = subtree_span(cut)
    before = trim(text, head_start, min(cut_start, head_end), EDGE_PUNCTUATION + ".")
    after = trim(text, max(cut_end, head_start), head_end, EDGE_PUNCTUATION + ".")
    parts = [part for part in (before, after) if part[1] > part[0]]
    return sorted(parts, key=lambda part: part[0] - part[1])


def without(text: str, parts: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    """Content parts without the source, which a parse error can leave inside them."""
    if not any(start < cut[1] and cut[0] < end for start, end in parts):
        return parts
    source = Intervals([cut])
    pieces = [
        trim(text, *piece, EDGE_PUNCTUATION + ".")
        for start, end in parts
        for piece in source.subtract(start, end)
    ]
    pieces = [piece for piece in pieces if piece[1] > piece[0]]
    return sorted(pieces, key=lambda piece: piece[0] - piece[1])
