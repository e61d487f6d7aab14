"""Finding attributions: each token of the parse tried against the constructions in turn."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from claimscope.stages.voices.attributions.colon import colon_introducer
from claimscope.stages.voices.attributions.common import (
    EDGE_PUNCTUATION,
    RELATIVE_PRONOUNS,
    SOURCE_PARTS_OF_SPEECH,
    Attribution,
    rest_of_clause,
    without,
)
from claimscope.stages.voices.attributions.nominal import nominal_attribution
from claimscope.stages.voices.attributions.passive import passive_attribution
from claimscope.stages.voices.attributions.prepositions import (
    evidence_attribution,
    preposition_at,
    preposition_attribution,
)
from claimscope.stages.voices.attributions.verbs import (
    after_quote_subject,
    content_before,
    content_of_verb,
    cue_span,
    cue_subject,
    is_as_clause,
    is_cue_verb,
    is_light_cue,
    is_not_reporting,
    source_span,
)
from claimscope.stages.voices.cues import CueTable
from claimscope.stages.voices.quotations import QUOTES, trim
from claimscope.text.spans import Intervals

if TYPE_CHECKING:
    from spacy.tokens import Doc

# A time or a number as subject is a parse error ("2:00 p.m. A court document says").
_NOT_SOURCES = frozenset({"TIME", "DATE"})


def find_attributions(
    text: str, doc: Doc, table: CueTable, skip: Callable[[int], bool], floor: int = 0
) -> list[Attribution]:
    """Cues with their sources and contents, read from the dependency parse."""
    found: list[Attribution] = []
    for token in doc:
        if skip(int(token.idx)):
            continue
        length = preposition_at(doc, token.i, table)
        if length:
            attribution = preposition_attribution(text, doc, token.i, length)
            if attribution is not None:
                found.append(attribution)
            continue
        if token.text == ":" and token.i + 1 < len(doc) and doc[token.i + 1].text in QUOTES:
            colon = colon_introducer(text, token)
            if colon is not None:
                found.append(colon)
            continue
        if token.lower_ == "in" and token.dep_ == "prep":
            evidence = evidence_attribution(text, token, table)
            if evidence is not None:
                found.append(evidence)
            continue
        if token.pos_ == "NOUN" and token.lemma_.casefold() in table.cue_nouns:
            nominal = nominal_attribution(text, token, table)
            if nominal is not None:
                found.append(nominal)
                continue
        if not (is_cue_verb(token, table) or is_light_cue(token, table)):
            continue
        if is_not_reporting(text, token):
            continue
        passive = passive_attribution(text, token, table)
        if passive is not None:
            found.append(passive)
            continue
        subject = cue_subject(token) or after_quote_subject(doc, token)
        if (
            subject is None
            or subject.pos_ not in SOURCE_PARTS_OF_SPEECH
            or (subject.lower_ in RELATIVE_PRONOUNS and subject.head.dep_ != "relcl")
            or subject.ent_type_ in _NOT_SOURCES
        ):
            continue
        source = source_span(text, subject, token)
        if source[0] < floor <= source[1]:
            # The parse runs the dateline into the subject: "LONDON (Reuters) - Theresa May".
            source = trim(text, floor, source[1], EDGE_PUNCTUATION)
            clamped = doc.char_span(*source, alignment_mode="expand")
            if clamped is None or source[1] <= source[0]:
                continue
            subject = clamped.root
        paragraph = text.rfind("\n", source[0], source[1])
        if paragraph != -1:
            # A source never crosses a paragraph: before it lies a timestamp or furniture.
            source = trim(text, paragraph + 1, source[1], EDGE_PUNCTUATION)
        if source[1] <= source[0] or skip(source[0]):
            continue
        content = without(text, content_of_verb(text, token, table), source)
        if not content:
            content = content_before(text, doc, source, token)
        if not content and is_as_clause(token):
            # "As Breitbart News reported, the White House was …": the main clause.
            content = rest_of_clause(text, token.head, token)
        lemma = table.lemma_of(token.text) or token.lemma_.casefold()
        found.append(Attribution(cue_span(token), source, subject, content, lemma))
    return _outermost(found, table)


def _outermost(attributions: list[Attribution], table: CueTable) -> list[Attribution]:
    """Attributions not nested in another's content, but for speech verbs ("that he said")."""
    contents = Intervals(part for item in attributions for part in item.content)
    return [
        item
        for item in attributions
        if item.lemma in table.nested_verbs or not contents.contains(item.cue[0])
    ]
