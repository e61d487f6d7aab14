"""A linear-chain CRF that tags the words of a signatory entry: person, role, organisation.

Rules tuned to one layout of signatory lines do not carry to the next ("Name, Role,
Org", "Name (Org; Org)", "MEP Name Group - ACR", "Name / Role - Org"), so the split of
an entry into its fields is learned from the hand-annotated gold set
(``bench/data/signatories_gold.jsonl``). The features are the word's shape, the
project's word tables (roles, organisation words, honorifics, post-nominals,
connectors), the gazetteer, the separators around it and the rules' reading of the
part it sits in (person-, role- or organisation-shaped); the labels are BIO tags of
PER, ROLE, ORG, ACR and CTRY.

The model is trained with python-crfsuite (``claimscope train signatories``, see
``training.py``) and shipped as an artefact of numpy arrays plus JSON: the weight of
each (feature, label) pair and of each label transition. Tagging is Viterbi decoding
here, so running the stage needs neither crfsuite nor any code loaded from a file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from claimscope.artefacts import load_artefact
from claimscope.gazetteer import Gazetteer
from claimscope.stages.signatories.rules import constraints
from claimscope.text.lists import (
    Entry,
    Tables,
    by_header,
    has_organization_word,
    is_acronym,
    is_organization_shaped,
    is_person_shaped,
    is_role,
)

MODEL_NAME = "signatories_fields"
FIELD_TYPES = ("PER", "ROLE", "ORG", "ACR", "CTRY")
LABELS = ("O", *(f"{prefix}-{kind}" for kind in FIELD_TYPES for prefix in ("B", "I")))
# An entry longer than this many tokens is tagged on its first tokens only.
MAX_TOKENS = 120

_TOKEN = re.compile(r"[@#]?\w(?:[\w'’.&+@:-]{0,80}\w)?\.?|[^\w\s]")
_SEPARATORS = frozenset(",;/|()–—-:")


@dataclass(frozen=True)
class Token:
    """One token of an entry's visible text, with its offsets there."""

    start: int
    end: int
    text: str


def tokenize(shown: str) -> list[Token]:
    """Words (with inner dots, hyphens, apostrophes) and single punctuation marks."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(shown):
        tokens.append(Token(match.start(), match.end(), match.group()))
        if len(tokens) >= MAX_TOKENS:
            break
    return tokens


def _shape(word: str) -> str:
    if word.isupper() and len(word) > 1:
        return "UPPER"
    if word[:1].isupper():
        return "Title" if word[1:].islower() or len(word) == 1 else "Mixed"
    if word.islower():
        return "lower"
    if word.isdigit():
        return "digit"
    return "other"


_PART_SEPARATORS = frozenset({",", ";", "/", "|", "-", "–", "—"})


def _segments(tokens: Sequence[Token]) -> list[tuple[int, int, int]]:
    """(part number, parenthesis depth, 0) of each token.

    Parts are cut at separators and at parentheses, so that in "Molly de Blanc (Debian
    Project, GNOME Foundation)" the name is a part of its own, as it is in "Molly de
    Blanc, Debian Project".
    """
    result: list[tuple[int, int, int]] = []
    segment = 0
    depth = 0
    for index, token in enumerate(tokens):
        text = token.text
        if text == "(":
            if index:
                segment += 1
            depth += 1
        result.append((segment, depth, 0))
        if text == ")":
            depth = max(0, depth - 1)
            segment += 1
        elif text in _PART_SEPARATORS:
            segment += 1
    return result


def _segment_texts(shown: str, tokens: Sequence[Token], numbers: Sequence[int]) -> dict[int, str]:
    spans: dict[int, tuple[int, int]] = {}
    for token, number in zip(tokens, numbers, strict=True):
        if token.text in _SEPARATORS:
            continue
        start, end = spans.get(number, (token.start, token.end))
        spans[number] = (min(start, token.start), max(end, token.end))
    return {number: shown[start:end] for number, (start, end) in spans.items()}


def _word_features(word: str, tables: Tables, gazetteer: Gazetteer) -> list[str]:
    folded = word.casefold().strip(".,")
    features = [f"w={folded}", f"shape={_shape(word)}"]
    if word in _SEPARATORS or (not word[:1].isalnum() and not word.startswith(("@", "#"))):
        features.append(f"punct={word}")
        return features
    if word.startswith("@"):
        features.append("handle")
    if "@" in word[1:]:
        features.append("email")
    if re.search(r"\.(?:com|org|net|io|ms|edu|gov|dev|fyi|me)\b", folded):
        features.append("domain")
    if any(character.isdigit() for character in word):
        features.append("digit")
    if len(folded) > 3:
        features.append(f"suffix={folded[-3:]}")
    for name, words in (
        ("role", tables.role_words),
        ("orgword", tables.organization_words),
        ("honorific", tables.honorifics),
        ("postnominal", tables.post_nominals),
        ("particle", tables.name_particles),
        ("connector", tables.connectors),
        ("function", tables.title_case_exceptions),
        ("noaffiliation", tables.no_affiliation),
    ):
        if folded in words or word.casefold() in words:
            features.append(name)
    if word[:1].isupper() and gazetteer.country(word.strip(".")) is not None:
        features.append("country")
    if word[:1].isupper() and gazetteer.demonym(word) is not None:
        features.append("demonym")
    if is_acronym(word):
        features.append("acronym")
    return features


def _readings(
    shown: str,
    tokens: Sequence[Token],
    numbers: Sequence[int],
    tables: Tables,
    gazetteer: Gazetteer,
) -> dict[int, list[str]]:
    """The rules' reading of each separator-delimited part: person, role, organisation..."""
    readings: dict[int, list[str]] = {}
    for number, part in _segment_texts(shown, tokens, numbers).items():
        reading = []
        if is_person_shaped(part, tables, capitals=True):
            reading.append("seg_person")
        if is_role(part, tables):
            reading.append("seg_role")
        if is_organization_shaped(part, tables):
            reading.append("seg_org")
        if has_organization_word(part, tables):
            reading.append("seg_orgword")
        if gazetteer.country(part) is not None:
            reading.append("seg_country")
        words = part.split()
        reading.append(f"seg_words={min(len(words), 6)}")
        readings[number] = reading
    return readings


@dataclass(frozen=True)
class Layout:
    """What the entries of one block have in common, as features of each of their tokens.

    A list keeps one layout: when most entries' second part reads as an organisation,
    so does the second part of an entry whose words alone are ambiguous ("Citizen
    Network for Rural Development"). The rates are over the block's own entries, so
    they carry to letters the model has not seen, unlike the words themselves.
    """

    block: tuple[str, ...] = ()
    by_part: tuple[tuple[str, ...], ...] = ()
    people_first: bool = False
    group: str | None = None
    """What a label above the entries says they are: "people", "organizations" or None."""

    def of_part(self, number: int) -> tuple[str, ...]:
        """The features of the part at this position (the last position stands for later)."""
        if not self.by_part:
            return ()
        return self.by_part[min(number, len(self.by_part) - 1)]


_LAYOUT_READINGS = ("seg_person", "seg_role", "seg_org", "seg_orgword", "seg_country")
_LAYOUT_PARTS = 4


def _rate(count: int, total: int) -> str:
    """A rate in four bands: none, few, many, most."""
    if count == 0:
        return "none"
    share = count / total
    if share <= 0.3:
        return "few"
    return "many" if share <= 0.7 else "most"


def layout(
    entries: Sequence[str], tables: Tables, gazetteer: Gazetteer, group: str | None = None
) -> Layout:
    """The shared layout of a block's entries (their visible texts) under one label."""
    if not entries:
        return Layout(group=group)
    part_counts = [dict.fromkeys(_LAYOUT_READINGS, 0) for _ in range(_LAYOUT_PARTS)]
    part_totals = [0] * _LAYOUT_PARTS
    several = 0
    parenthesised = 0
    for shown in entries:
        tokens = tokenize(shown)
        numbers = [position[0] for position in _segments(tokens)]
        readings = _readings(shown, tokens, numbers, tables, gazetteer)
        several += len(readings) > 1
        parenthesised += any(token.text == "(" for token in tokens)
        for number, reading in readings.items():
            slot = min(number, _LAYOUT_PARTS - 1)
            part_totals[slot] += 1
            for name in _LAYOUT_READINGS:
                part_counts[slot][name] += name in reading
    total = len(entries)
    block = (f"blk_parts={_rate(several, total)}", f"blk_parens={_rate(parenthesised, total)}")
    by_part = tuple(
        tuple(
            f"blk_{name}={_rate(part_counts[slot][name], part_totals[slot])}"
            for name in _LAYOUT_READINGS
        )
        if part_totals[slot]
        else ("blk_part_absent",)
        for slot in range(_LAYOUT_PARTS)
    )
    people = part_counts[0]["seg_person"]
    people_first = group == "people" or (bool(part_totals[0]) and people > 0.7 * total)
    return Layout(block, by_part, people_first=people_first, group=group)


def features(
    shown: str,
    tokens: Sequence[Token],
    links: Sequence[tuple[int, int]],
    tables: Tables,
    gazetteer: Gazetteer,
    shared: Layout | None = None,
) -> list[list[str]]:
    """The feature strings of each token of an entry (``shared``: its block's layout)."""
    positions = _segments(tokens)
    numbers = [position[0] for position in positions]
    readings = _readings(shown, tokens, numbers, tables, gazetteer)
    shared = shared or Layout()
    last_segment = max(numbers) if numbers else 0
    entry_reading = [f"entry_{feature}" for feature in readings.get(0, []) if feature != "seg_org"]
    entry_reading.append(f"segments={min(last_segment + 1, 5)}")
    own = [_word_features(token.text, tables, gazetteer) for token in tokens]
    result: list[list[str]] = []
    for index, token in enumerate(tokens):
        segment, depth, _ = positions[index]
        row = ["bias", *own[index]]
        row.append(f"seg={min(segment, 3)}")
        if segment == last_segment:
            row.append("seg_last")
        if depth:
            row.append("in_parens")
        row.extend(readings.get(segment, []))
        row.extend(entry_reading)
        row.extend(shared.block)
        row.extend(shared.of_part(segment))
        if index == 0 or positions[index - 1][0] != segment:
            row.append("seg_start")
        if index == len(tokens) - 1 or positions[index + 1][0] != segment:
            row.append("seg_end")
        if index == 0:
            row.append("first")
        if index == len(tokens) - 1:
            row.append("last")
        if any(start <= token.start < end for start, end in links):
            row.append("link")
        for offset in (-2, -1, 1, 2):
            other = index + offset
            if 0 <= other < len(tokens):
                # Only the next words' identities; further context by shape and tables, which
                # carry to letters the model has not seen.
                row.extend(
                    f"{offset}:{feature}"
                    for feature in own[other]
                    if not feature.startswith("suffix=")
                    and (abs(offset) == 1 or not feature.startswith("w="))
                )
                if positions[other][0] != segment:
                    row.append(f"{offset}:other_segment")
            else:
                row.append(f"{offset}:edge")
        result.append(row)
    return result


def layouts(entries: Sequence[Entry], tables: Tables, gazetteer: Gazetteer) -> list[Layout]:
    """The layout of each of a block's entries: that of the entries under the same label."""
    groups: dict[str | None, list[str]] = {}
    for entry in entries:
        if not by_header(entry):
            groups.setdefault(entry.group, []).append(entry.row.text)
    shared = {group: layout(texts, tables, gazetteer, group) for group, texts in groups.items()}
    return [shared.get(entry.group) or Layout(group=entry.group) for entry in entries]


def fixed_kinds(
    shown: str,
    tokens: Sequence[Token],
    tables: Tables,
    gazetteer: Gazetteer,
    shared: Layout | None = None,
) -> list[frozenset[str] | None]:
    """The field kinds the rules allow each token (see ``rules.py``), None elsewhere."""
    numbers = [position[0] for position in _segments(tokens)]
    return constraints(
        shown,
        [token.text for token in tokens],
        [token.start for token in tokens],
        [token.end for token in tokens],
        numbers,
        shared or Layout(),
        tables,
        gazetteer,
    )


class Tagger:
    """Viterbi decoding over the weights of a trained linear-chain CRF."""

    def __init__(
        self,
        attributes: Sequence[str],
        labels: Sequence[str],
        state: npt.NDArray[np.float64],
        transitions: npt.NDArray[np.float64],
    ) -> None:
        self.index = {attribute: number for number, attribute in enumerate(attributes)}
        self.labels = tuple(labels)
        self.state = state
        self.transitions = transitions

    @classmethod
    def from_artefact(cls, directory: Path | None = None) -> Tagger:
        """The tagger saved as ``signatories_fields`` (in the package unless a folder is given)."""
        arrays, meta = load_artefact(MODEL_NAME, directory)
        return cls(meta["attributes"], meta["labels"], arrays["state"], arrays["transitions"])

    @classmethod
    def from_weights(
        cls,
        state_features: dict[tuple[str, str], float],
        transitions: dict[tuple[str, str], float],
        labels: Sequence[str],
    ) -> Tagger:
        """A tagger from crfsuite's ``(attribute, label) -> weight`` and transition tables."""
        attributes = sorted({attribute for attribute, _ in state_features})
        index = {attribute: number for number, attribute in enumerate(attributes)}
        label_index = {label: number for number, label in enumerate(labels)}
        state = np.zeros((len(attributes), len(labels)), dtype=np.float64)
        for (attribute, label), weight in state_features.items():
            state[index[attribute], label_index[label]] = weight
        moves = np.zeros((len(labels), len(labels)), dtype=np.float64)
        for (before, after), weight in transitions.items():
            moves[label_index[before], label_index[after]] = weight
        return cls(attributes, labels, state, moves)

    def arrays(self) -> tuple[dict[str, npt.NDArray[Any]], list[str]]:
        """The arrays and attribute list to save as an artefact."""
        attributes = sorted(self.index, key=self.index.__getitem__)
        return {"state": self.state, "transitions": self.transitions}, attributes

    def tag(
        self,
        rows: Sequence[Sequence[str]],
        fixed: Sequence[frozenset[str] | None] | None = None,
    ) -> list[str]:
        """The best label sequence for the tokens' feature lists.

        ``fixed`` gives, per token, the field kinds its label must have ("O" for none, or
        kinds of ``FIELD_TYPES``), or None where any label may come.
        """
        if not rows:
            return []
        scores = np.zeros((len(rows), len(self.labels)), dtype=np.float64)
        for position, row in enumerate(rows):
            known = [self.index[feature] for feature in row if feature in self.index]
            if known:
                scores[position] = self.state[known].sum(axis=0)
        if fixed is not None:
            for position, kinds in enumerate(fixed):
                if kinds is not None:
                    scores[position, ~self._allowed(kinds, fixed, position)] = -np.inf
        best = scores[0].copy()
        back = np.zeros((len(rows), len(self.labels)), dtype=np.int64)
        for position in range(1, len(rows)):
            candidates = best[:, None] + self.transitions
            back[position] = candidates.argmax(axis=0)
            best = candidates.max(axis=0) + scores[position]
        path = [int(best.argmax())]
        for position in range(len(rows) - 1, 0, -1):
            path.append(int(back[position, path[-1]]))
        path.reverse()
        return [self.labels[label] for label in path]

    def _allowed(
        self, kinds: frozenset[str], fixed: Sequence[frozenset[str] | None], position: int
    ) -> npt.NDArray[np.bool_]:
        names = {"O"} if "O" in kinds else set()
        # A run the rules fix to one kind is one value: B- then I-. Where they allow
        # several kinds, the tagger cuts the values.
        within_run = len(kinds) == 1 and position > 0 and fixed[position - 1] == kinds
        for kind in kinds - {"O"}:
            if within_run:
                names.add(f"I-{kind}")
            else:
                names.update((f"B-{kind}", f"I-{kind}"))
        return np.array([label in names for label in self.labels])


@functools.cache
def shipped_tagger() -> Tagger:
    """The tagger shipped with the package, loaded once per process."""
    return Tagger.from_artefact()
