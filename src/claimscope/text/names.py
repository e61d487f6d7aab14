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

from collections.abc import Iterable, Sequence

PLACEHOLDERS: dict[str, str] = {
    "PERSON": "Personname",
    "ORG": "Orgname",
    "NORP": "Groupname",
    "GPE": "Placename",
    "LOC": "Placename",
    "FAC": "Placename",
}
"""spaCy's entity labels of names, to the word a model reads instead of the name."""


def masked(text: str, start: int, end: int, names: Iterable[tuple[int, int, str]]) -> str:
    """``text[start:end]`` with every name inside it replaced by its type's placeholder.

    ``names`` are ``(start, end, label)`` spans in ``text`` offsets, in any order; spans
    with a label not in PLACEHOLDERS are ignored. A name cut by the window's edge is still a
    name: it becomes its placeholder. Overlapping names: the earlier, then longer, wins.
    """
    return "".join(
        text[low:high] if placeholder is None else placeholder
        for low, high, placeholder in masked_pieces(text, start, end, names)
    )


def masked_pieces(
    text: str, start: int, end: int, names: Iterable[tuple[int, int, str]]
) -> list[tuple[int, int, str | None]]:
    """What :func:`masked` makes of ``text[start:end]``, piece by piece: consecutive
    ``(start, end, placeholder)`` spans of the text, ``placeholder`` None where the text
    is kept as it is, so offsets of the masked text can be mapped back onto the text."""
    pieces: list[tuple[int, int, str | None]] = []
    position = start
    for name_start, name_end, label in sorted(names, key=lambda name: (name[0], -name[1])):
        placeholder = PLACEHOLDERS.get(label)
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
