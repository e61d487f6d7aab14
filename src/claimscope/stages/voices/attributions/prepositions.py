"""Prepositional cues: "according to X" and an opening "in a poll" as evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.stages.voices.attributions.common import (
    EDGE_PUNCTUATION,
    Attribution,
    rest_of_clause,
    subtree_span,
    token_end,
)
from claimscope.stages.voices.cues import CueTable
from claimscope.stages.voices.quotations import trim

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def preposition_at(doc: Doc, index: int, table: CueTable) -> int:
    """The length in tokens of a prepositional cue starting at token ``index`` (0: none)."""
    for phrase in table.prepositions:
        end = index + len(phrase)
        if end <= len(doc) and all(
            doc[index + offset].lower_ == word for offset, word in enumerate(phrase)
        ):
            return len(phrase)
    return 0


def preposition_attribution(text: str, doc: Doc, index: int, length: int) -> Attribution | None:
    """ "According to X, …": X is the source of the rest of the clause."""
    first, last = doc[index], doc[index + length - 1]
    objects = [child for child in last.children if child.dep_ == "pobj"]
    if not objects:
        return None
    source = objects[0]
    source_span = trim(text, *subtree_span(source), EDGE_PUNCTUATION)
    content = rest_of_clause(text, first.head, first) if first.head.i != first.i else []
    if not content:
        # "According to the ministry." as its own sentence has nothing to attribute.
        return None
    return Attribution(
        (int(first.idx), token_end(last)), source_span, source, content, first.lower_
    )


def evidence_attribution(text: str, preposition: Token, table: CueTable) -> Attribution | None:
    """ "In a CNN/ORC poll, 38 percent …": the poll is the source of the clause it opens.

    Only an opening "in" whose object is a poll, survey or the like counts, and not when
    its verb is itself a cue ("In a statement, she said …" is read from "said").
    """
    head = preposition.head
    if head.i == preposition.i or preposition.i > head.i:
        return None
    if head.lemma_.casefold() in table.verbs:
        return None
    objects = [child for child in preposition.children if child.dep_ == "pobj"]
    if not objects or objects[0].lemma_.casefold() not in table.evidence_nouns:
        return None
    source = trim(text, *subtree_span(objects[0]), EDGE_PUNCTUATION)
    content = rest_of_clause(text, head, preposition)
    if not content or source[1] <= source[0]:
        return None
    return Attribution(
        (int(preposition.idx), token_end(preposition)), source, objects[0], content, "in"
    )
