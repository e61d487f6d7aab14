"""Names seen as their type: who or what a span names replaced by a placeholder for the models.

claimscope must score a claim or a phrase the same whichever side it names. A model that
reads "Hillary Clinton" or "Azerbaijan" as words learns who is speaking and who is named in
its training data (debates between two candidates, articles from partisan outlets) and
passes that on. So the trained models read a name as its type: every person, organisation,
group (nationality, religion, party), country, city or other place becomes one fixed
placeholder word per type, in training and at inference alike.

The placeholders are capitalised single words that no text uses, so a model's tokenizer
keeps each as one token that still looks like a name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

PLACEHOLDERS: dict[str, str] = {
    "PERSON": "Personname",
    "ORG": "Orgname",
    "NORP": "Groupname",
    "GPE": "Placename",
    "LOC": "Placename",
    "FAC": "Placename",
}
"""spaCy's entity labels of names, to the word a model reads instead of the name."""

ONE_PLACEHOLDER: dict[str, str] = dict.fromkeys(PLACEHOLDERS, PLACEHOLDERS["PERSON"])
"""Every name read as one placeholder, whatever its label: for a parse whose structure must
not depend on the entity recogniser's label either, which follows the name as much as its
place ("Trump" ORG and "Clinton" PERSON in the same sentence)."""
_POSSESSIVE_ENDINGS = ("'s", "’s", "'", "’")


def masked(
    text: str,
    start: int,
    end: int,
    names: Iterable[tuple[int, int, str]],
    placeholders: Mapping[str, str] = PLACEHOLDERS,
) -> str:
    """``text[start:end]`` with every name inside it replaced by its type's placeholder.

    ``names`` are ``(start, end, label)`` spans in ``text`` offsets, in any order; spans
    with a label not in ``placeholders`` (by default PLACEHOLDERS) are ignored. A name cut
    by the window's edge is still a name: it becomes its placeholder. Overlapping names:
    the earlier, then longer, wins.
    """
    return "".join(
        text[low:high] if placeholder is None else placeholder
        for low, high, placeholder in masked_pieces(text, start, end, names, placeholders)
    )


def masked_pieces(
    text: str,
    start: int,
    end: int,
    names: Iterable[tuple[int, int, str]],
    placeholders: Mapping[str, str] = PLACEHOLDERS,
) -> list[tuple[int, int, str | None]]:
    """What :func:`masked` makes of ``text[start:end]``, piece by piece: consecutive
    ``(start, end, placeholder)`` spans of the text, ``placeholder`` None where the text
    is kept as it is, so offsets of the masked text can be mapped back onto the text."""
    pieces: list[tuple[int, int, str | None]] = []
    position = start
    for name_start, name_end, label in sorted(names, key=lambda name: (name[0], -name[1])):
        placeholder = placeholders.get(label)
        if placeholder is None or name_end <= position or name_start >= end:
            continue
        if name_start < position:
            if position == start and not pieces:
                pieces.append((start, min(end, name_end), placeholder))
                position = min(end, name_end)
            continue
        if name_start > position:
            pieces.append((position, name_start, None))
        pieces.append((name_start, min(end, name_end), placeholder))
        position = min(end, name_end)
    if position < end or not pieces:
        pieces.append((position, end, None))
    return pieces


def name_spans(entities: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans among ``(start, end, label)`` triples that a model must read as a type."""
    return [entity for entity in entities if entity[2] in PLACEHOLDERS]


def recurring_names(
    doc: Doc, names: Sequence[tuple[int, int, str]], others: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int, str]]:
    """``names`` and every other place the parse ``doc`` has one of their words as a token.

    The entity recogniser reads a name in one sentence and not in the next, and not in the
    same places for two names: "Trump urges supporters ..." held no entity where "Clinton
    urges supporters ..." held a PERSON. A name it read somewhere in the document is a name
    wherever the same word recurs: a one-word name, or a person's last name ("Trump" of
    "Donald Trump"), capitalised as there and not a stop word ("May", "Will"), outside the
    spans of ``names`` and ``others`` (entities of other labels: "Trump Tower" as a place).
    Each recurrence takes the label its word has most often.
    """
    # Doc.text joins every token each time it is read: once per document, not per name.
    text = doc.text
    labels: dict[str, Counter[str]] = {}
    for start, end, label in names:
        words = text[start:end].split()
        if not words or (len(words) > 1 and label != "PERSON"):
            continue
        word = words[-1]
        for ending in _POSSESSIVE_ENDINGS:
            if word.endswith(ending):
                word = word[: -len(ending)]
                break
        if word[:1].isupper():
            labels.setdefault(word, Counter())[label] += 1
    if not labels:
        return list(names)
    taken = sorted([(start, end) for start, end, _ in names] + list(others))
    found = list(names)
    index = 0
    for token in doc:
        counts = labels.get(token.text)
        if counts is None or token.is_stop:
            continue
        start = int(token.idx)
        end = start + len(token.text)
        # Both lists are in text order: skip the spans that end before this token.
        while index < len(taken) and taken[index][1] <= start:
            index += 1
        if index < len(taken) and taken[index][0] < end:
            continue
        found.append((start, end, counts.most_common(1)[0][0]))
    return found
