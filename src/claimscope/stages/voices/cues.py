"""The voice cue table: reporting verbs, prepositions, cue nouns and resolution tables."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from claimscope.data import load_table


@dataclass(frozen=True)
class CueTable:
    """The cue lemmas and resolution tables from ``data/voice_cues.json``."""

    verbs: frozenset[str]
    addressee_verbs: frozenset[str]
    prepositions: tuple[tuple[str, ...], ...]
    statement_nouns: frozenset[str]
    pronouns: Mapping[str, str]
    titles: Mapping[str, str]
    short_quote_words: int
    prepositional_content: frozenset[str]
    irregular_forms: Mapping[str, str]
    nested_verbs: frozenset[str]
    cue_nouns: frozenset[str]
    evidence_nouns: frozenset[str]
    light_verbs: frozenset[str]
    speech_objects: frozenset[str]

    def lemma_of(self, word: str) -> str | None:
        """The cue lemma of an inflected verb read without the parse ("notes", "added")."""
        folded = word.casefold()
        if folded in self.irregular_forms:
            return self.irregular_forms[folded]
        for candidate in (folded, folded[:-1], folded[:-2], folded[:-3], folded[:-3] + "y"):
            if candidate in self.verbs:
                return candidate
        return None


@functools.cache
def load_cues() -> CueTable:
    """The voice cue table, loaded once per process."""
    data = load_table("voice_cues.json")
    return CueTable(
        verbs=frozenset(word.casefold() for word in data["verbs"]),
        addressee_verbs=frozenset(word.casefold() for word in data["addressee_verbs"]),
        prepositions=tuple(tuple(phrase.casefold().split()) for phrase in data["prepositions"]),
        statement_nouns=frozenset(word.casefold() for word in data["statement_nouns"]),
        pronouns={word.casefold(): kind for word, kind in data["pronouns"].items()},
        titles={word.casefold(): kind for word, kind in data["titles"].items()},
        short_quote_words=int(data["short_quote_words"]),
        irregular_forms={
            form.casefold(): lemma.casefold() for form, lemma in data["irregular_forms"].items()
        },
        nested_verbs=frozenset(word.casefold() for word in data["nested_verbs"]),
        prepositional_content=frozenset(word.casefold() for word in data["prepositional_content"]),
        cue_nouns=frozenset(word.casefold() for word in data["cue_nouns"]),
        evidence_nouns=frozenset(word.casefold() for word in data["evidence_nouns"]),
        light_verbs=frozenset(word.casefold() for word in data["light_verbs"]),
        speech_objects=frozenset(word.casefold() for word in data["speech_objects"]),
    )
