"""Passive cues: the agent is the source ("criticized by his rivals")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.stages.voices.attributions.common import (
    EDGE_PUNCTUATION,
    SOURCE_PARTS_OF_SPEECH,
    Attribution,
    subtree_span,
    token_end,
    without,
)
from claimscope.stages.voices.attributions.verbs import content_of_verb, cue_span
from claimscope.stages.voices.cues import CueTable
from claimscope.stages.voices.quotations import trim

if TYPE_CHECKING:
    from spacy.tokens import Token


def passive_attribution(text: str, cue: Token, table: CueTable) -> Attribution | None:
    """A passive cue with its agent: in "Trump has been criticized by his rivals for …"
    the rivals are the source; the content is the verb's own, else its passive subject,
    else, for a reduced relative ("a plan endorsed by the Senate"), the noun it modifies."""
    reduced = cue.dep_ == "acl" and cue.tag_ == "VBN"
    if not reduced and not any(child.dep_ in ("auxpass", "nsubjpass") for child in cue.children):
        return None
    agents = [
        grandchild
        for child in cue.children
        if child.dep_ == "agent"
        for grandchild in child.children
        if grandchild.dep_ == "pobj"
    ]
    if not agents or agents[0].pos_ not in SOURCE_PARTS_OF_SPEECH:
        return None
    source = trim(text, *subtree_span(agents[0]), EDGE_PUNCTUATION)
    content = without(text, content_of_verb(text, cue, table), source)
    if not content:
        subjects = [child for child in cue.children if child.dep_ == "nsubjpass"]
        if subjects:
            content = [trim(text, *subtree_span(subjects[0]), EDGE_PUNCTUATION)]
        elif reduced:
            # "Kasich, endorsed by the Globe": the noun the participle modifies.
            noun = cue.head
            content = [trim(text, int(noun.left_edge.idx), token_end(noun), EDGE_PUNCTUATION)]
    content = [part for part in content if part[1] > part[0]]
    if not content or source[1] <= source[0]:
        return None
    lemma = table.lemma_of(cue.text) or cue.lemma_.casefold()
    return Attribution(cue_span(cue), source, agents[0], content, lemma)
