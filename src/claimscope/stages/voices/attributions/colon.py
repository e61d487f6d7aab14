"""Colon introducers: the subject of a sentence ending in a colon speaks the quotation after."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.stages.voices.attributions.common import (
    EDGE_PUNCTUATION,
    RELATIVE_PRONOUNS,
    Attribution,
    subtree_span,
    token_end,
)
from claimscope.stages.voices.quotations import trim

if TYPE_CHECKING:
    from spacy.tokens import Token


def colon_introducer(text: str, colon: Token) -> Attribution | None:
    """A sentence ending in a colon before a quotation: its subject speaks the quotation."""
    root = colon.head
    while root.head.i != root.i and root.i < colon.i:
        root = root.head
    subjects = [child for child in root.children if child.dep_ == "nsubj" and child.i < colon.i]
    if not subjects or subjects[0].lower_ in RELATIVE_PRONOUNS:
        return None
    source = trim(text, *subtree_span(subjects[0]), EDGE_PUNCTUATION)
    if source[1] <= source[0] or source[1] > colon.idx:
        return None
    return Attribution((int(colon.idx), token_end(colon)), source, subjects[0], [])
