"""Actors across documents: signatory mentions resolved to the people and bodies behind them.

A *mention* is one signatory of one dossier (person, role, organisation, acronym,
country). Mentions are resolved in two kinds: people (a mention with a person's name) and
organisations (every organisation or acronym a mention names). Resolution never guesses:

- names are compared in a normal form (case, diacritics, honorifics and punctuation
  dropped, the words in sorted order so that "ALIYEV Ilham" and "Ilham Aliyev" meet);
- an initial matches the name it abbreviates ("J. Smith" and "John Smith") only when
  everything else agrees, and then with a lower confidence;
- organisations meet on equal normal forms, on an acronym (printed as one, or a name that
  is one capitalised word: "EFF") that matches another mention's acronym or the initials
  of the one name it can stand for ("HRW" and "Human Rights Watch"; two names with the
  same initials never meet by them), or on a fuzzy score (rapidfuzz's
  ``token_sort_ratio``) of at least ``FUZZY_ORGANIZATION``;
- the country is a blocking key: two mentions with different known countries are never
  the same actor, and people named alike are merged only when something besides the name
  agrees (the same organisation, or the same country);
- a person's surname alone never merges two people, so two people of one family in one
  organisation stay two.

Every merge carries a confidence (1.0 for equal normal forms with agreeing context, lower
for initials, acronyms and fuzzy matches); the lowest along the way is the actor's.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from rapidfuzz import fuzz

from claimscope.corpus.minhash import UnionFind

ActorKind = Literal["person", "organization"]

MAX_BLOCK_SIZE = 200
"""A word shared by more organisation names than this ("university") blocks nothing."""
FUZZY_ORGANIZATION = 92.0
"""The least token_sort_ratio (0-100) at which two organisation names are one body."""
CONFIDENCE_EXACT = 1.0
CONFIDENCE_INITIAL = 0.8
CONFIDENCE_ACRONYM = 0.85

HONORIFICS = frozenset((
    "dr", "dr.", "prof", "prof.", "professor", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx",
    "miss", "sir", "dame", "rev", "rev.", "reverend", "father", "fr", "fr.", "sister", "hon",
    "hon.", "h.e.", "excellency", "mp", "mep", "sen", "sen.", "senator", "rep", "rep.",
    "ambassador", "judge", "justice",
))  # fmt: skip
"""Words before a name that say how to address the person, not who it is."""
_STOP_ORGANIZATION_WORDS = frozenset((
    "the", "of", "for", "and", "in", "on", "at", "to", "a", "an", "&", "de", "la", "le", "des",
    "du",
))  # fmt: skip
_WORD_RE = re.compile(r"[^\W_]{1,40}(?:\.)?")


@dataclass(frozen=True)
class Mention:
    """One signatory line of one document, as the signatories layer gave it."""

    document: str
    index: int
    person: str | None = None
    organization: str | None = None
    acronym: str | None = None
    country: str | None = None
    role: str | None = None
    date: str | None = None


@dataclass
class Actor:
    """A person or an organisation that several mentions name, with the evidence for it."""

    kind: ActorKind
    name: str
    mentions: list[Mention] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    confidence: float = CONFIDENCE_EXACT

    @property
    def documents(self) -> list[str]:
        """The documents naming this actor, in first-seen order."""
        return list(dict.fromkeys(mention.document for mention in self.mentions))

    @property
    def first_date(self) -> str | None:
        """The earliest date of a mention, when any is known."""
        dates = [mention.date for mention in self.mentions if mention.date]
        return min(dates) if dates else None

    @property
    def last_date(self) -> str | None:
        """The latest date of a mention, when any is known."""
        dates = [mention.date for mention in self.mentions if mention.date]
        return max(dates) if dates else None


def fold(text: str) -> str:
    """Case-folded text without diacritics."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def name_words(name: str) -> list[str]:
    """A person's name as folded words, honorifics dropped (initials keep their period)."""
    words = [word for word in _WORD_RE.findall(fold(name)) if word not in HONORIFICS]
    return [word if len(word.rstrip(".")) > 1 else word.rstrip(".") + "." for word in words]


def person_key(name: str) -> str:
    """The normal form of a person's name: its full words in sorted order."""
    return " ".join(sorted(word for word in name_words(name) if not word.endswith(".")))


def organization_key(name: str) -> str:
    """The normal form of an organisation's name: folded words, no articles or punctuation."""
    words = [word.rstrip(".") for word in _WORD_RE.findall(fold(name))]
    return " ".join(word for word in words if word not in _STOP_ORGANIZATION_WORDS)


def initials(name: str) -> str:
    """The initials of an organisation's significant words ("Human Rights Watch" -> "hrw")."""
    return "".join(word[0] for word in organization_key(name).split())


def _initial_compatible(first: str, second: str) -> bool:
    """Whether two names are the same but for initials standing for whole words."""
    a, b = name_words(first), name_words(second)
    if len(a) != len(b) or not a:
        return False
    a_full = sorted(word for word in a if not word.endswith("."))
    b_full = sorted(word for word in b if not word.endswith("."))
    # The surname (every full word of the shorter side) must be written out on both sides.
    shorter, longer = (a_full, b_full) if len(a_full) <= len(b_full) else (b_full, a_full)
    if not shorter or any(word not in longer for word in shorter):
        return False
    a_initials = sorted(word[0] for word in a)
    b_initials = sorted(word[0] for word in b)
    return a_initials == b_initials


def _has_initial(name: str) -> bool:
    return any(word.endswith(".") for word in name_words(name))


def _countries_agree(first: str | None, second: str | None) -> bool:
    return first is None or second is None or first == second


def _acronym(mention: Mention) -> str:
    """The short form a mention prints: its acronym, or a name that is one capitalised word
    ("EFF", "WFFP"), folded; empty when it prints none."""
    if mention.acronym:
        return fold(mention.acronym)
    name = (mention.organization or "").strip()
    return fold(name) if 2 <= len(name) <= 10 and name.isalpha() and name.isupper() else ""


def _abbreviates(acronym: str, key: str) -> bool:
    """Whether a mention's own name (its key) is absent, the acronym itself, or has it as
    initials; the acronym printed inside the name ("Human Rights Watch (HRW)") is left out."""
    words = [word for word in key.split() if word != acronym]
    return not words or "".join(word[0] for word in words) == acronym


def resolve_people(mentions: Sequence[Mention]) -> list[Actor]:
    """The people behind the mentions that name a person."""
    named = [mention for mention in mentions if mention.person and person_key(mention.person)]
    sets = UnionFind(len(named))
    confidence = [CONFIDENCE_EXACT] * len(named)
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, mention in enumerate(named):
        by_key[person_key(mention.person or "")].append(index)
    surnames: dict[str, list[int]] = defaultdict(list)
    for index, mention in enumerate(named):
        words = [word for word in name_words(mention.person or "") if not word.endswith(".")]
        if words:
            surnames[words[-1]].append(index)

    def context_agrees(first: Mention, second: Mention) -> bool:
        if not _countries_agree(first.country, second.country):
            return False
        same_country = first.country is not None and first.country == second.country
        same_organization = bool(
            first.organization
            and second.organization
            and organization_key(first.organization) == organization_key(second.organization)
        )
        return same_country or same_organization

    for members in by_key.values():
        for other in members[1:]:
            first, second = named[members[0]], named[other]
            if _countries_agree(first.country, second.country) and (
                context_agrees(first, second) or len(person_key(first.person or "").split()) >= 2
            ):
                sets.union(members[0], other)
    for members in surnames.values():
        # A name written with initials joins the one person it can stand for, never two:
        # "J. Smith" beside both "Jane Smith" and "John Smith" stays on its own.
        full = [index for index in members if not _has_initial(named[index].person or "")]
        for index in members:
            mention = named[index]
            if not _has_initial(mention.person or ""):
                continue
            matches = [
                other
                for other in full
                if _initial_compatible(mention.person or "", named[other].person or "")
                and context_agrees(mention, named[other])
            ]
            if len({person_key(named[other].person or "") for other in matches}) == 1:
                for other in matches:
                    sets.union(index, other)
                    confidence[other] = min(confidence[other], CONFIDENCE_INITIAL)
                confidence[index] = CONFIDENCE_INITIAL
    return _actors("person", named, sets, confidence, lambda mention: mention.person or "")


def _affiliations(mention: Mention) -> list[Mention]:
    """One mention per organisation a line names: several affiliations come joined by "; "."""
    parts = [part.strip() for part in (mention.organization or "").split(";") if part.strip()]
    if len(parts) <= 1:
        return [mention]
    return [replace(mention, organization=part, acronym=None) for part in parts]


def resolve_organizations(mentions: Sequence[Mention]) -> list[Actor]:
    """The organisations the mentions name (by name or by acronym)."""
    named = [
        part
        for mention in mentions
        if mention.organization or mention.acronym
        for part in _affiliations(mention)
    ]
    sets = UnionFind(len(named))
    confidence = [CONFIDENCE_EXACT] * len(named)
    keys = [organization_key(mention.organization or "") for mention in named]
    acronyms = [_acronym(mention) for mention in named]
    by_key: dict[str, list[int]] = defaultdict(list)
    by_acronym: dict[str, list[int]] = defaultdict(list)
    by_initials: dict[str, list[int]] = defaultdict(list)
    for index in range(len(named)):
        if keys[index]:
            by_key[keys[index]].append(index)
        if acronyms[index]:
            by_acronym[acronyms[index]].append(index)
        if len(keys[index].split()) >= 2:
            by_initials[initials(named[index].organization or "")].append(index)
    groups: list[tuple[list[int], float]] = [
        (members, CONFIDENCE_EXACT) for members in by_key.values()
    ]
    for acronym, members in by_acronym.items():
        groups.append((members, CONFIDENCE_ACRONYM))
        # Names meet an acronym by their initials, never each other ("Attac Norway" is no
        # "Access Now"), and only where the acronym can stand for one name: not when two
        # names have those initials, nor when a mention prints it beside a name it does
        # not abbreviate ("University of Louvain (UCL)" is no "University College London").
        names = {keys[index] for index in by_initials.get(acronym, [])}
        if len(names) == 1 and all(_abbreviates(acronym, keys[index]) for index in members):
            groups.append((members + by_initials[acronym], CONFIDENCE_ACRONYM))
    for members, level in groups:
        for other in members[1:]:
            first, second = named[members[0]], named[other]
            if _countries_agree(first.country, second.country) and sets.find(
                members[0]
            ) != sets.find(other):
                sets.union(members[0], other)
                if level < CONFIDENCE_EXACT:
                    confidence[members[0]] = min(confidence[members[0]], level)
                    confidence[other] = min(confidence[other], level)
    # A one-word name that other mentions print as their acronym ("ProDESC" beside
    # "Proyecto de Derechos Económicos (ProDesc)") is that body.
    for index, key in enumerate(keys):
        if key and " " not in key and key in by_acronym and not acronyms[index]:
            for other in by_acronym[key]:
                first, second = named[index], named[other]
                if _countries_agree(first.country, second.country):
                    sets.union(index, other)
                    confidence[index] = min(confidence[index], CONFIDENCE_ACRONYM)
    # Fuzzy matching, blocked by each of a name's rarer words (so "Sydney University" meets
    # "University of Sydney"), each block capped so the work stays near linear.
    frequency: dict[str, int] = defaultdict(int)
    for key in keys:
        for word in set(key.split()):
            frequency[word] += 1
    by_word: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        for word in set(key.split()):
            if frequency[word] <= MAX_BLOCK_SIZE:
                by_word[word].append(index)
    for members in by_word.values():
        for position, first_index in enumerate(members):
            for second_index in members[position + 1 : position + 50]:
                if sets.find(first_index) == sets.find(second_index):
                    continue
                first, second = named[first_index], named[second_index]
                if not _countries_agree(first.country, second.country):
                    continue
                score = fuzz.token_sort_ratio(keys[first_index], keys[second_index])
                if score >= FUZZY_ORGANIZATION:
                    sets.union(first_index, second_index)
                    level = round(score / 100.0, 3)
                    confidence[first_index] = min(confidence[first_index], level)
                    confidence[second_index] = min(confidence[second_index], level)
    return _actors(
        "organization",
        named,
        sets,
        confidence,
        lambda mention: mention.organization or mention.acronym or "",
    )


def _actors(
    kind: ActorKind,
    named: Sequence[Mention],
    sets: UnionFind,
    confidence: Sequence[float],
    label: Callable[[Mention], str],
) -> list[Actor]:
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(named)):
        groups[sets.find(index)].append(index)
    actors = []
    for members in groups.values():
        mentions = [named[index] for index in members]
        names = [label(mention) for mention in mentions]
        # The most frequent spelling names the actor; ties go to the longest.
        name = max(set(names), key=lambda value: (names.count(value), len(value)))
        actors.append(
            Actor(
                kind=kind,
                name=name,
                mentions=mentions,
                countries={m.country for m in mentions if m.country},
                confidence=min(confidence[index] for index in members),
            )
        )
    actors.sort(key=lambda actor: (-len(actor.documents), actor.name))
    return actors


def resolve_actors(mentions: Iterable[Mention]) -> list[Actor]:
    """People and organisations behind the mentions, most documents first."""
    listed = list(mentions)
    return resolve_people(listed) + resolve_organizations(listed)
