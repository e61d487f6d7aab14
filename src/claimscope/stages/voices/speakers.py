"""Speakers: the name a source mention stands for, pronouns and descriptions resolved."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimscope.dossier import Dossier, Entity
from claimscope.stages.voices.attributions.common import (
    RELATIVE_PRONOUNS,
    subtree_span,
    token_end,
)
from claimscope.stages.voices.cues import CueTable
from claimscope.text.lists import load_tables

if TYPE_CHECKING:
    from spacy.tokens import Token

# How far back a pronoun looks for its name, in entities.
MAX_ANTECEDENT_STEPS = 60
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass(frozen=True)
class Speaker:
    """Who a source mention names, and whether that is a name or the mention itself."""

    name: str | None
    resolved: bool
    antecedent: tuple[int, int] | None = None


def _is_name(entity: Entity) -> bool:
    # A lowercase "entity" ("health ministry") is a description, not a name.
    return entity.label in _NAME_LABELS and entity.text[:1].isupper()


@dataclass
class Names:
    """The named entities a mention can resolve to, in text order."""

    text: str
    table: CueTable
    entities: list[Entity]
    starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.entities = sorted(self.entities, key=lambda entity: entity.start)
        self.starts = [entity.start for entity in self.entities]

    def covering(self, position: int) -> Entity | None:
        """The name entity covering a character, if any."""
        index = bisect.bisect_right(self.starts, position) - 1
        # Entities do not overlap, so only the last one starting before can cover.
        if index >= 0:
            entity = self.entities[index]
            if entity.end > position and _is_name(entity):
                return entity
        return None

    def last_within(self, start: int, end: int) -> Entity | None:
        """The last name entity inside ``[start, end)`` ("Prime Minister Theresa May")."""
        index = bisect.bisect_left(self.starts, end) - 1
        while index >= 0 and self.entities[index].start >= start:
            entity = self.entities[index]
            if entity.end <= end and _is_name(entity):
                return entity
            index -= 1
        return None

    def gender(self, entity: Entity) -> str | None:
        """The gender a title before the name states ("Mr.", "Ms."), else None."""
        before = self.text[max(0, entity.start - 12) : entity.start].split()
        if before:
            return self.table.titles.get(before[-1].casefold())
        return None

    def nearest_before(
        self, position: int, labels: frozenset[str], accept: Callable[[Entity], bool]
    ) -> Entity | None:
        """The nearest earlier entity with one of the labels that ``accept`` allows."""
        index = bisect.bisect_left(self.starts, position) - 1
        for _ in range(MAX_ANTECEDENT_STEPS):
            if index < 0:
                return None
            entity = self.entities[index]
            if entity.label in labels and entity.end <= position and accept(entity):
                return entity
            index -= 1
        return None

    def full_name(self, entity: Entity) -> Entity:
        """An earlier, longer mention of the same person ("Fiorina" -> "Carly Fiorina")."""
        if entity.label != "PERSON" or " " in entity.text:
            return entity
        suffix = " " + entity.text
        found = self.nearest_before(
            entity.start, frozenset({"PERSON"}), lambda other: other.text.endswith(suffix)
        )
        return found or entity


def resolve_speaker(
    text: str,
    source: tuple[int, int],
    head: Token | None,
    names: Names,
    dossier: Dossier,
    allowed: Callable[[Entity], bool],
) -> Speaker:
    """The speaker a source mention names, resolved when it is a pronoun or description."""
    mention = " ".join(text[source[0] : source[1]].split())
    if head is None:
        named = names.last_within(*source)
        if named is None:
            return Speaker(
                mention, mention[:1].isupper() and mention.casefold() not in names.table.pronouns
            )
        full = names.full_name(named)
        return Speaker(full.text, True, (full.start, full.end) if full is not named else None)
    table = names.table
    if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
        # "Graham, who had endorsed Bush": the source is "who", the speaker Graham.
        noun = head.head.head
        named = names.covering(int(noun.idx))
        if named is not None:
            full = names.full_name(named)
            return Speaker(full.text, True, (full.start, full.end))
        return Speaker(" ".join(text[subtree_span(noun)[0] : token_end(noun)].split()), False)
    entity = names.covering(int(head.idx)) or names.last_within(*source)
    if entity is not None:
        full = names.full_name(entity)
        antecedent = (full.start, full.end) if full is not entity else None
        return Speaker(full.text, True, antecedent)
    if head.pos_ == "PROPN":
        return Speaker(mention, True)
    word = head.lower_
    kind = table.pronouns.get(word) if head.pos_ == "PRON" else None
    found: Entity | None = None
    if kind in ("male", "female"):

        def compatible(candidate: Entity) -> bool:
            gender = names.gender(names.full_name(candidate))
            return allowed(candidate) and gender in (None, kind)

        found = names.nearest_before(source[0], frozenset({"PERSON"}), compatible)
    elif kind == "organization":
        found = names.nearest_before(source[0], frozenset({"ORG"}), allowed)
    elif head.pos_ == "NOUN":
        lemma = head.lemma_.casefold()
        if lemma in table.statement_nouns and dossier.statements:
            issued = [item for item in dossier.statements if item.issuer and item.issuer_span]
            if issued:
                nearest = min(issued, key=lambda item: abs(item.start - source[0]))
                span = nearest.issuer_span
                assert span is not None
                return Speaker(nearest.issuer, True, (span.start, span.end))
        if head.tag_ == "NN" and lemma in load_tables().role_words:
            found = names.nearest_before(source[0], frozenset({"PERSON"}), allowed)
        else:
            found = names.nearest_before(
                source[0],
                frozenset({"ORG"}),
                lambda candidate: allowed(candidate) and word in candidate.text.casefold().split(),
            )
    if found is not None:
        full = names.full_name(found)
        return Speaker(full.text, True, (full.start, full.end))
    return Speaker(mention, False)
