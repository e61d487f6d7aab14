"""Names the check-worthiness model knows: read as their type wherever they occur.

spaCy's entity recogniser reads a name from its spelling and its context, so the same
sentence can come out differently for two names: it finds "Hillary Clinton" and misses
"Donald Trump" in a title-case headline, calls Armenia an organisation where it calls
Azerbaijan a place, and reads "Yerevan" as a person. Each such difference is a
difference in what the model reads, and so in its score.

The only names whose identity the model could have learnt are those of its training
data. They are listed when the model is trained (:func:`learn_known_names`: every name
the recogniser found there at least twice, and the first and last names of the persons,
each kept only if most of its occurrences in the training text lie inside a name) and
shipped with the model; the gazetteer adds countries, nationalities, international
bodies, regions, well-known subdivisions and cities of over a million people. Wherever
one of them occurs (capitalised, or in a run of capitals) it is read as its type, before
the recogniser's other names are added, in training and at inference alike. The last name
of a listed person also counts alone (:attr:`KnownNames.surnames`), whether or not it was
listed itself: a surname the recogniser missed or mistyped too often in the training data
("Governor Pence") would otherwise be read as a person when it stands in a listed name and
as whatever the recogniser makes of its spelling when it stands alone ("Pence faces off"
read as an organisation), where the other side's listed surname is read as a person.

Matching is a dictionary lookup of word sequences at each capitalised word: linear in the
text, whatever it holds.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimscope.text.names import PLACEHOLDERS

if TYPE_CHECKING:
    from claimscope.gazetteer import Gazetteer, Reading

NameSpan = tuple[int, int, str]

MAX_NAME_WORDS = 6
MIN_NAME_COUNT = 2
"""A name must have been found this many times in the training data to be listed."""
MIN_INSIDE_SHARE = 0.5
"""...and at least this share of its occurrences there must lie inside a found name, so that
a word the recogniser only sometimes takes for a name ("Will", "Thank") is not listed."""
BIG_CITY_POPULATION = 1_000_000
# Lower-case words that may stand inside a name ("United States of America",
# "Bosnia and Herzegovina"); a name starts and ends with a capitalised word.
INNER_WORDS = frozenset(
    {"of", "and", "the", "de", "du", "del", "da", "la", "al", "bin", "van", "von"}
)
# A name's words are joined by a space, a hyphen, an apostrophe or the dots of an
# abbreviation ("U.S.", "O'Malley", "Al-Assad"); two characters at most, no line break.
_WORD_RE = re.compile(r"[^\W_]{1,40}")
_JOINS = frozenset({" ", "-", "'", "’", ".", ". ", "‑"})
_STRONG_KINDS = ("organization", "country", "region", "demonym")
_GAZETTEER_LABELS = {
    "organization": "ORG",
    "country": "GPE",
    "region": "LOC",
    "demonym": "NORP",
    "subdivision": "GPE",
    "city": "GPE",
}


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(match.start(), match.end(), match.group()) for match in _WORD_RE.finditer(text)]


def _joined(text: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    return text[left[1] : right[0]] in _JOINS


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


@functools.cache
def _common_words() -> frozenset[str]:
    # spaCy's list of English stop words: a well-kept list of the function words that open
    # sentences ("The", "However", "Many"), loaded only when first needed since importing
    # spaCy takes a second.
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def is_common_word(word: str) -> bool:
    """Whether a word, whatever its case, is an English function word (never a name alone)."""
    return word.lower() in _common_words()


def _name_key(words: Sequence[str]) -> tuple[str, ...] | None:
    """The lookup key of a name's words, or None when they cannot be one name."""
    if not words or len(words) > MAX_NAME_WORDS:
        return None
    if not _is_capitalised(words[0]) or not _is_capitalised(words[-1]):
        return None
    if any(not _is_capitalised(word) and word not in INNER_WORDS for word in words):
        return None
    return tuple(words)


@dataclass
class KnownNames:
    """Names read as their type by lookup: word sequence to spaCy label, plus the gazetteer."""

    names: dict[tuple[str, ...], str]
    gazetteer: Gazetteer | None = None
    longest: dict[str, int] = field(init=False)
    surnames: frozenset[str] = field(init=False)
    """The last words of the listed persons' names of two words or more, each read as a
    person where it stands alone and neither a listed name nor the gazetteer's starts
    there; function words and single letters ("Henry I") excepted."""

    def __post_init__(self) -> None:
        self.longest = {}
        for key in self.names:
            self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))
        self.surnames = frozenset(
            key[-1]
            for key, label in self.names.items()
            if label == "PERSON"
            and len(key) > 1
            and len(key[-1]) > 1
            and _is_capitalised(key[-1])
            and not is_common_word(key[-1])
        )

    def to_json(self) -> list[list[str]]:
        """The listed names as ``[label, word, word, ...]`` rows, sorted."""
        return sorted([label, *key] for key, label in self.names.items())

    @classmethod
    def from_json(cls, rows: Iterable[Sequence[str]], gazetteer: Gazetteer | None) -> KnownNames:
        """The names as :meth:`to_json` wrote them."""
        return cls({tuple(row[1:]): row[0] for row in rows}, gazetteer)

    def find(self, text: str) -> list[NameSpan]:
        """Every known name in the text, longest first at each word, in text order.

        A known name just before a known person's name, one space apart, is that person's
        first name ("Paris Hilton", "Chelsea Clinton", "Hillary Trump"): the two are one
        person.
        """
        found: list[NameSpan] = []
        for start, end, _, label in self.matches(text):
            if found and label == "PERSON" and text[found[-1][1] : start] == " ":
                start = found.pop()[0]
            found.append((start, end, label))
        return found

    def matches(self, text: str) -> list[tuple[int, int, tuple[str, ...] | None, str]]:
        """Each known name as ``(start, end, listed key, label)``; the key is None for a
        name of the gazetteer or a listed person's surname standing alone."""
        words = _words(text)
        found: list[tuple[int, int, tuple[str, ...] | None, str]] = []
        index = 0
        while index < len(words):
            matched = self._match(text, words, index)
            if matched is None:
                index += 1
                continue
            size, key, label = matched
            found.append((words[index][0], words[index + size - 1][1], key, label))
            index += size
        return found

    def _run(self, text: str, words: list[tuple[int, int, str]], index: int) -> int:
        """How many words from ``index`` are joined closely enough to be one name."""
        size = 1
        while (
            size < MAX_NAME_WORDS
            and index + size < len(words)
            and _joined(text, words[index + size - 1], words[index + size])
        ):
            size += 1
        return size

    def _match(
        self, text: str, words: list[tuple[int, int, str]], index: int
    ) -> tuple[int, tuple[str, ...] | None, str] | None:
        first = words[index][2]
        if not _is_capitalised(first):
            return None
        run = self._run(text, words, index)
        spelt = [word for _, _, word in words[index : index + run]]
        # A run of capitals ("HILLARY CLINTON") is looked up as the name it spells.
        titled = [word.title() if word.isupper() and len(word) > 1 else word for word in spelt]
        longest = max(self.longest.get(spelt[0], 0), self.longest.get(titled[0], 0))
        for size in range(min(run, longest), 0, -1):
            for key in (tuple(spelt[:size]), tuple(titled[:size])):
                label = self.names.get(key)
                if label is not None:
                    return size, key, label
        if self.gazetteer is not None:
            for size in range(run, 0, -1):
                if _name_key(spelt[:size]) is None:
                    continue
                phrase = text[words[index][0] : words[index + size - 1][1]]
                label = gazetteer_label(self.gazetteer.readings(phrase))
                if label is not None:
                    return size, None, label
        if spelt[0] in self.surnames or titled[0] in self.surnames:
            return 1, None, "PERSON"
        return None


def gazetteer_label(readings: Sequence[Reading]) -> str | None:
    """The label a gazetteer name is read as: a country, nationality, international body
    or region, a well-known subdivision, or a city of over a million; else None."""
    for reading in readings:
        if reading.kind in _STRONG_KINDS:
            return _GAZETTEER_LABELS[reading.kind]
    for reading in readings:
        if reading.kind == "subdivision" and reading.curated:
            return _GAZETTEER_LABELS["subdivision"]
        # The gazetteer reads a city by its own names and well-known exonyms only, never
        # by an unrelated alternate name, so every city reading is the city itself.
        if reading.kind == "city" and reading.population >= BIG_CITY_POPULATION:
            return _GAZETTEER_LABELS["city"]
    return None


def learn_known_names(
    texts: Sequence[str], names: Sequence[Sequence[NameSpan]]
) -> dict[tuple[str, ...], str]:
    """The names of the training texts to list, each with its most frequent label.

    ``names`` are the recogniser's names of each text. A name counts with its words (a
    leading "the" dropped); a person's name also lends its first and last words.
    """
    labels: dict[tuple[str, ...], Counter[str]] = {}
    for text, found in zip(texts, names, strict=True):
        for start, end, label in found:
            if label not in PLACEHOLDERS:
                continue
            words = [word for _, _, word in _words(text[start:end])]
            if words and words[0] in ("the", "The"):
                words = words[1:]
            keys = [_name_key(words)]
            if label == "PERSON" and len(words) > 1:
                keys += [_name_key(words[:1]), _name_key(words[-1:])]
            for key in {key for key in keys if key is not None}:
                labels.setdefault(key, Counter())[label] += 1
    candidates = {
        key: min(counts, key=lambda label: (-counts[label], label))
        for key, counts in labels.items()
        if sum(counts.values()) >= MIN_NAME_COUNT
    }
    # Keep a name only where it mostly stands inside a found name.
    matcher = KnownNames(candidates)
    inside: Counter[tuple[str, ...]] = Counter()
    total: Counter[tuple[str, ...]] = Counter()
    for text, found in zip(texts, names, strict=True):
        spans = [(start, end) for start, end, label in found if label in PLACEHOLDERS]
        for start, end, listed, _ in matcher.matches(text):
            if listed is None:  # a surname alone, not a listed name
                continue
            total[listed] += 1
            if any(low <= start and end <= high for low, high in spans):
                inside[listed] += 1
    return {
        key: label
        for key, label in candidates.items()
        if inside[key] >= MIN_INSIDE_SHARE * total[key]
    }


def with_known_names(
    known: Sequence[NameSpan], found: Iterable[NameSpan], text: str
) -> list[NameSpan]:
    """The known names of ``text`` combined with a recogniser's names, in text order.

    A found name that overlaps no known name is kept. One that holds known names and adds
    a capitalised word to them ("Bill Trump", "the Trump Foundation") is kept whole, with
    its own label, in their place. Any other found name that touches a known name is
    dropped ("Trump's", "Clinton, Sanders"): the known names keep their spans and labels,
    whatever the recogniser made of them.
    """
    ordered = sorted(known)
    replaced: set[int] = set()
    kept: list[NameSpan] = []
    for start, end, label in found:
        if label not in PLACEHOLDERS:
            continue
        touched = [
            index for index, (low, high, _) in enumerate(ordered) if low < end and start < high
        ]
        if touched:
            if any(ordered[i][0] < start or ordered[i][1] > end for i in touched):
                continue
            rest, position = [], start
            for index in touched:
                rest.append(text[position : ordered[index][0]])
                position = ordered[index][1]
            rest.append(text[position:end])
            if not any(character.isupper() for character in "".join(rest)):
                continue
        kept.append((start, end, label))
        replaced.update(touched)
    kept.extend(name for index, name in enumerate(ordered) if index not in replaced)
    return sorted(kept)
