"""Nominal cues: a cue noun's possessor is the source ("her claim that …")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.stages.voices.attributions.common import (
    EDGE_PUNCTUATION,
    Attribution,
    subtree_span,
    token_end,
)
from claimscope.stages.voices.cues import CueTable
from claimscope.stages.voices.quotations import trim

if TYPE_CHECKING:
    from spacy.tokens import Token


def nominal_attribution(text: str, noun: Token, table: CueTable) -> Attribution | None:
    """ "her claim that …", "Trump's support for the ban": the possessor is the source.

    The content is the noun's clause, else the object of its preposition ("for", "of", …);
    a cue noun without a possessor or without content attributes nothing.
    """
    owners = [child for child in noun.children if child.dep_ == "poss"]
    if not owners:
        return None
    owner = owners[0]
    start, end = subtree_span(owner)
    if owner.tag_ != "PRP$":
        # "Trump's": the source is the name without the possessive ending.
        end = max(
            (token_end(child) for child in owner.children if child.dep_ != "case"),
            default=token_end(owner),
        )
        end = max(end, token_end(owner))
    source = trim(text, start, end, EDGE_PUNCTUATION)
    content: list[tuple[int, int]] = []
    for child in noun.children:
        if child.dep_ in ("acl", "ccomp") and child.i > noun.i:
            content = [trim(text, *subtree_span(child), EDGE_PUNCTUATION + ".")]
            break
        if child.dep_ == "prep" and child.lower_ in table.prepositional_content:
            objects = [item for item in child.children if item.dep_ in ("pobj", "pcomp")]
            if objects:
                content = [trim(text, *subtree_span(objects[0]), EDGE_PUNCTUATION + ".")]
                break
    content = [part for part in content if part[1] > part[0]]
    if not content or source[1] <= source[0]:
        return None
    return Attribution(
        (int(noun.idx), token_end(noun)), source, owner, content, noun.lemma_.casefold()
    )
