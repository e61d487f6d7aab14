"""The entities stage: spaCy's named entities, corrected and identified by the gazetteer.

spaCy's small English model finds names well but labels unfamiliar places as
people or organisations ("Lachin" PERSON, "Armenia" ORG). This stage keeps the
model's spans and corrects them with general rules, each driven by a table in
``data/entity_rules.json``:

1. Spans are trimmed of a leading "the" and trailing function words, and split
   at line breaks; a time zone with its offset ("UTC +04:00") is a TIME.
2. A "person" ending in an organisation noun ("... Organization") is an ORG.
3. Each name is looked up in the gazetteer. Where a name has several readings
   (Georgia the country or the US state), the countries the document names
   unambiguously decide. A city name several cities bear is decided as the
   dateline's place is (``Gazetteer.choose_city``): a state or country printed
   after it ("Paris, Texas"), the dominant city by population, the one city in a
   country or state the document names, or the dateline's own city; otherwise it
   keeps no id and lists its candidates, never a silent guess. A country, region
   or organisation reading overrides a PERSON or ORG label unless there is person
   evidence (an honorific before the name, or the name is part of a full person
   name in the document); a city or subdivision reading does so only with place
   evidence (a locative word before it, a place noun or ", <country>" after it)
   or when it lies in a country the document names.
4. An unidentified PERSON/ORG followed by a place noun ("Aghdam-Khankandi road")
   becomes that place, noun included.
5. One sense per discourse: a name labelled as a place more often than as a
   person or organisation is a place everywhere in the document.
6. Names from the gazetteer that the model missed are added.
7. Names the earlier layers have already read from the document's structure win
   over the model: bylines and signatories' persons are PERSON, signatories'
   organisations and acronyms and the carrying agency are ORG, wherever their
   full text recurs. The model reads "Humay Aghajanova" under a headline as two
   places and runs one signatory line into the next; the layout says otherwise.

Labels spaCy gives to times, dates, numbers, laws and the like are kept as they are.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from claimscope.analysis import Analysis
from claimscope.data import load_table
from claimscope.dossier import Dateline, Dossier, Entity
from claimscope.gazetteer import Gazetteer, Reading, fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

STAGE = "entities"
PERSON: Final = "PERSON"
ORGANIZATION: Final = "ORG"
PLACE_LABELS: Final = frozenset({"GPE", "LOC", "FAC"})
# Model labels that name something the gazetteer may know; DATE, TIME, CARDINAL,
# LAW and the rest are kept exactly as the model gives them.
NAME_LABELS: Final = frozenset({PERSON, ORGANIZATION, "GPE", "LOC", "FAC", "NORP"})
STRONG_KINDS: Final = frozenset({"country", "region", "organization", "demonym"})
NATIONALITY_KINDS: Final = frozenset({"country", "demonym", "organization"})
_OFFSET = re.compile(r"^[+\-−±]\d{1,2}(?::?\d{2})?$")
_TRAILING_POS: Final = frozenset({"ADP", "DET", "CCONJ", "PUNCT", "PART", "SPACE"})
_INNER_POS: Final = frozenset({"ADP", "DET", "CCONJ", "PUNCT", "PART"})
# Candidate cities an ambiguous name lists, as the dateline does.
MAX_CITY_CANDIDATES = 10


@dataclass(frozen=True)
class Rules:
    """The tables of ``data/entity_rules.json``, folded for lookups."""

    honorifics: frozenset[str]
    locative_words: frozenset[str]
    place_heads: dict[str, str]
    organization_heads: frozenset[str]
    time_zones: frozenset[str]
    place_labels: dict[str, str]


@functools.cache
def load_rules() -> Rules:
    """The entity rules, loaded once per process."""
    raw = load_table("entity_rules.json")
    return Rules(
        honorifics=frozenset(fold(word) for word in raw["honorifics"]),
        locative_words=frozenset(fold(word) for word in raw["locative_words"]),
        place_heads={fold(word): label for word, label in raw["place_heads"].items()},
        organization_heads=frozenset(fold(word) for word in raw["organization_heads"]),
        time_zones=frozenset(raw["time_zones"]),
        place_labels=dict(raw["place_labels"]),
    )


@dataclass
class Candidate:
    """A name being decided: a token span of the parsed text, its label and id."""

    start: int
    end: int
    label: str
    id: str | None = None
    candidates: tuple[str, ...] = ()
    readings: tuple[Reading, ...] = ()
    person_evidence: bool = False
    from_model: bool = True


class EntitiesStage:
    """Adds the `entities` layer."""

    name = STAGE
    needs_parse = True

    def __call__(self, analysis: Analysis) -> None:
        """Find, correct and identify the named entities of the parsed text."""
        doc = analysis.parsed
        if doc is None:
            analysis.warn(STAGE, "no parse: entities need spaCy")
            return
        text = analysis.document.text
        gazetteer = analysis.resources.gazetteer
        candidates = find_entities(doc, gazetteer, load_rules(), analysis.dossier.anatomy.dateline)
        found: list[Entity] = []
        for candidate in candidates:
            start = doc[candidate.start].idx
            last = doc[candidate.end - 1]
            end = last.idx + len(last.text)
            found.append(
                Entity(
                    text=text[start:end],
                    label=candidate.label,
                    id=candidate.id,
                    candidates=list(candidate.candidates),
                    start=start,
                    end=end,
                )
            )
        analysis.dossier.entities.extend(
            merge_structural(found, structural_entities(analysis.dossier, text, gazetteer))
        )


# A name recurring more often than this is not searched further: the first
# mentions are what a reader checks, and the search must stay cheap.
_MAX_RECURRENCES = 200


def structural_entities(dossier: Dossier, text: str, gazetteer: Gazetteer) -> list[Entity]:
    """Entities the earlier layers read from layout: bylines, signatories, the agency."""
    names: dict[str, str] = {}
    for byline in dossier.anatomy.bylines:
        names.setdefault(byline.name, PERSON)
    if dossier.anatomy.agency is not None:
        names.setdefault(dossier.anatomy.agency.name, ORGANIZATION)
    for signatory in dossier.signatories:
        if signatory.person:
            names.setdefault(signatory.person, PERSON)
        for value in (signatory.organization, signatory.acronym):
            if value:
                names.setdefault(value, ORGANIZATION)
    entities: list[Entity] = []
    for name, label in names.items():
        if len(name) < 2 or "\n" in name:
            continue
        organization = gazetteer.organization(name) if label == ORGANIZATION else None
        identifier = f"org:{organization.id}" if organization else None
        for start in _whole_word_occurrences(text, name):
            entities.append(
                Entity(text=name, label=label, id=identifier, start=start, end=start + len(name))
            )
    return entities


def _whole_word_occurrences(text: str, name: str) -> Iterable[int]:
    found = 0
    position = text.find(name)
    while position != -1 and found < _MAX_RECURRENCES:
        end = position + len(name)
        before_ok = position == 0 or not text[position - 1].isalnum()
        after_ok = end == len(text) or not text[end].isalnum()
        if before_ok and after_ok:
            found += 1
            yield position
        position = text.find(name, position + 1)


def merge_structural(model: list[Entity], structural: list[Entity]) -> list[Entity]:
    """Model entities that overlap no structural one, plus the structural ones, in text order."""
    if not structural:
        return model
    # The longest structural name wins where two overlap ("Partners in Health" over "Health").
    kept_structural: list[Entity] = []
    covered = bytearray(max(e.end for e in structural) + 1)
    for entity in sorted(structural, key=lambda e: (-(e.end - e.start), e.start)):
        if not any(covered[entity.start : entity.end]):
            kept_structural.append(entity)
            covered[entity.start : entity.end] = b"\x01" * (entity.end - entity.start)
    limit = len(covered)
    kept_model = [
        entity
        for entity in model
        if not any(covered[min(entity.start, limit) : min(entity.end, limit)])
    ]
    return sorted(kept_model + kept_structural, key=lambda e: (e.start, e.end))


@dataclass(frozen=True)
class Places:
    """What decides between same-named cities: the document's places and its dateline."""

    named: frozenset[str]
    """ISO codes of the countries and states the document's names denote."""
    dateline: Dateline | None = None


def find_entities(
    doc: Doc, gazetteer: Gazetteer, rules: Rules, dateline: Dateline | None = None
) -> list[Candidate]:
    """The entities of a parsed text, in text order, without overlaps."""
    candidates = [
        candidate
        for entity in doc.ents
        for candidate in (
            _trimmed(doc, entity.start, entity.end, entity.label_)
            if entity.label_ in NAME_LABELS
            else [Candidate(entity.start, entity.end, entity.label_)]
        )
    ]
    for candidate in candidates:
        _relabel_time_zone(doc, candidate, rules)
        _relabel_organization_head(doc, candidate, rules)
        if candidate.label in NAME_LABELS:
            candidate.readings = tuple(gazetteer.readings(_span_text(doc, candidate)))

    name_parts = _person_name_parts(doc, candidates)
    context = _context_countries(candidates)
    places = _document_places(doc, candidates, gazetteer, dateline)
    for candidate in candidates:
        candidate.person_evidence = _has_person_evidence(doc, candidate, rules, name_parts)
        _identify(doc, candidate, rules, gazetteer, context, places)
        _apply_place_head(doc, candidate, rules)
    _one_sense_per_discourse(doc, candidates)
    candidates.extend(_missed_names(doc, candidates, gazetteer, rules, context, places))
    return _without_overlaps(candidates)


def _document_places(
    doc: Doc, candidates: list[Candidate], gazetteer: Gazetteer, dateline: Dateline | None
) -> Places:
    """The countries and states the document's names denote, with its dateline."""
    named = {
        code
        for candidate in candidates
        if candidate.readings
        for code in [gazetteer.place_code(_span_text(doc, candidate))]
        if code is not None
    }
    if dateline is not None and dateline.country is not None:
        named.add(dateline.country)
    return Places(frozenset(named), dateline)


def _city_identity(
    doc: Doc, candidate: Candidate, gazetteer: Gazetteer, places: Places
) -> tuple[str | None, tuple[str, ...]]:
    """The id of the city a name denotes (None when ambiguous) and the ids it was chosen among."""
    name = _span_text(doc, candidate)
    dateline = places.dateline
    if (
        dateline is not None
        and dateline.start <= doc[candidate.start].idx < dateline.end
        and fold(name) == fold(dateline.place_text or "")
    ):
        # The dateline's own place: the anatomy stage decided it with the printed region.
        return dateline.place_id, tuple(c.id for c in dateline.place_candidates)
    choice = gazetteer.choose_city(
        name, within=_region_after(doc, candidate, gazetteer), context=places.named
    )
    listed = tuple(city.id for city in choice.candidates[:MAX_CITY_CANDIDATES])
    if len(listed) < 2:
        listed = ()
    if choice.city is not None:
        return choice.city.id, listed
    if (
        dateline is not None
        and dateline.place_id is not None
        and dateline.place_id in {city.id for city in choice.candidates}
        and fold(name) in {fold(dateline.place_text or ""), fold(dateline.place or "")}
    ):
        # One sense per story: the "Troy" of "TROY, Mich." is that Troy further on too.
        return dateline.place_id, listed
    return None, listed


def _region_after(doc: Doc, candidate: Candidate, gazetteer: Gazetteer) -> list[str]:
    """ISO codes of a state or country printed after a name: "Paris, Texas", "Troy, N.Y."."""
    end = candidate.end
    if end + 1 >= len(doc) or doc[end].text != ",":
        return []
    for size in (2, 1):
        tokens = doc[end + 1 : min(end + 1 + size, len(doc))]
        if len(tokens) == size and tokens[0].text[:1].isupper():
            codes = gazetteer.region_codes(tokens.text)
            if codes:
                return codes
    return []


def _span_text(doc: Doc, candidate: Candidate) -> str:
    return doc[candidate.start : candidate.end].text


def _trimmed(doc: Doc, start: int, end: int, label: str) -> Iterable[Candidate]:
    """The model's name without edge function words, split where it crosses a blank line."""
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for index in range(start, end):
        # A single newline may be a hard wrap inside a name; a blank line never is.
        if doc[index].is_space and doc[index].text.count("\n") > 1:
            pieces.append((piece_start, index))
            piece_start = index + 1
    pieces.append((piece_start, end))
    for piece_start, piece_end in pieces:
        first, last = piece_start, piece_end
        # A capitalised "The" may be part of the name (The Hague); "the" never is.
        while first < last and (doc[first].text == "the" or doc[first].is_punct):
            first += 1
        while (
            last > first
            and doc[last - 1].pos_ in _TRAILING_POS
            and not _is_abbreviation(doc[last - 1])
        ):
            last -= 1
        if first < last:
            yield Candidate(first, last, label)


def _is_abbreviation(token: Token) -> bool:
    return token.text.endswith(".") and len(token.text) > 1


def _relabel_time_zone(doc: Doc, candidate: Candidate, rules: Rules) -> None:
    tokens = doc[candidate.start : candidate.end]
    if any(token.text in rules.time_zones for token in tokens) and all(
        token.text in rules.time_zones or _OFFSET.match(token.text) or token.is_punct
        for token in tokens
    ):
        candidate.label = "TIME"


def _relabel_organization_head(doc: Doc, candidate: Candidate, rules: Rules) -> None:
    if candidate.label == PERSON and candidate.end - candidate.start > 1:
        last = doc[candidate.end - 1]
        if fold(last.text) in rules.organization_heads:
            candidate.label = ORGANIZATION


def _person_name_parts(doc: Doc, candidates: list[Candidate]) -> frozenset[str]:
    """Words of the document's full person names ("Charles Michel" gives "michel")."""
    parts: set[str] = set()
    for candidate in candidates:
        tokens = doc[candidate.start : candidate.end]
        if (
            candidate.label == PERSON
            and not candidate.readings
            and len(tokens) > 1
            and all(token.is_alpha and token.is_title for token in tokens)
        ):
            parts.update(fold(token.text) for token in tokens)
    return frozenset(parts)


def _context_countries(candidates: list[Candidate]) -> Counter[str]:
    """How often the document names each country through an unambiguous, well-known name.

    Only countries, demonyms and curated names count: a city or subdivision that
    shares a common word's name ("Gulf") must not vouch for itself.
    """
    context: Counter[str] = Counter()
    for candidate in candidates:
        if not candidate.readings or not all(_is_strong(r) for r in candidate.readings):
            continue
        countries = {reading.country for reading in candidate.readings}
        if len(countries) == 1:
            (country,) = countries
            if country is not None:
                context[country] += 1
    return context


def _previous_word(doc: Doc, index: int) -> Token | None:
    """The token before ``index``, skipping an abbreviation's separate full stop."""
    index -= 1
    if index >= 0 and doc[index].text == ".":
        index -= 1
    return doc[index] if index >= 0 else None


def _has_person_evidence(
    doc: Doc, candidate: Candidate, rules: Rules, name_parts: frozenset[str]
) -> bool:
    previous = _previous_word(doc, candidate.start)
    if previous is not None and fold(previous.text) in rules.honorifics:
        return True
    tokens = doc[candidate.start : candidate.end]
    return len(tokens) == 1 and fold(tokens[0].text) in name_parts


def _is_strong(reading: Reading) -> bool:
    return reading.kind in STRONG_KINDS or reading.curated


def _starts_line(doc: Doc, index: int) -> bool:
    return (
        index == 0
        or (doc[index - 1].is_space and "\n" in doc[index - 1].text)
        or (doc[index - 1].text_with_ws.endswith("\n"))
    )


def _has_place_evidence(doc: Doc, candidate: Candidate, rules: Rules, gazetteer: Gazetteer) -> bool:
    previous = _previous_word(doc, candidate.start)
    if previous is not None and previous.lower_ in rules.locative_words:
        return True
    if candidate.end < len(doc):
        following = doc[candidate.end]
        if following.is_lower and fold(following.text) in rules.place_heads:
            return True
        tokens = doc[candidate.start : candidate.end]
        if following.text == "," and _starts_line(doc, candidate.start) and tokens.text.isupper():
            # A dateline: "PARIS, Feb 26 -".
            return True
        if following.text == "," and candidate.end + 1 < len(doc):
            after_comma = doc[candidate.end + 1]
            if after_comma.is_title and (
                gazetteer.country(after_comma.text) or gazetteer.subdivision(after_comma.text)
            ):
                return True
    return False


def _choose(readings: tuple[Reading, ...], context: Counter[str]) -> Reading:
    """The reading the document's countries favour; a named city beats its subdivision."""
    best = max(context[reading.country] if reading.country else 0 for reading in readings)
    tied = [r for r in readings if (context[r.country] if r.country else 0) == best]
    chosen = tied[0]
    if chosen.kind == "subdivision":
        for reading in tied:
            if reading.kind == "city" and reading.country == chosen.country:
                return reading
    return chosen


def _identify(
    doc: Doc,
    candidate: Candidate,
    rules: Rules,
    gazetteer: Gazetteer,
    context: Counter[str],
    places: Places,
) -> None:
    """Give the candidate its gazetteer id, and correct its label where the rules allow."""
    if not candidate.readings:
        return
    reading = _choose(candidate.readings, context)
    kind_label = rules.place_labels[reading.kind]
    label = candidate.label
    if label == "NORP" and reading.kind not in NATIONALITY_KINDS:
        return
    # Subdivisions share names with common words ("Delta"): they need the document's support.
    if (
        label in ("GPE", "LOC")
        and reading.kind == "subdivision"
        and not _is_strong(reading)
        and not (reading.country is not None and context[reading.country] > 0)
        and not _has_place_evidence(doc, candidate, rules, gazetteer)
    ):
        return
    if label in (PERSON, ORGANIZATION) and kind_label != label:
        if candidate.person_evidence:
            return
        # Many people and firms bear a city's name ("Matsumoto", "Nikko"): overriding
        # the model for a city or subdivision takes evidence in the sentence itself.
        if not _is_strong(reading) and not _has_place_evidence(doc, candidate, rules, gazetteer):
            return
    elif label == "FAC" and kind_label != "ORG":
        # A facility named after a place ("Baku airport") is not the place.
        return
    candidate.label = kind_label
    _set_identity(doc, candidate, reading, gazetteer, places)


def _set_identity(
    doc: Doc, candidate: Candidate, reading: Reading, gazetteer: Gazetteer, places: Places
) -> None:
    """The reading's id, or for a city the one ``choose_city`` decides, with its candidates."""
    if reading.kind == "city":
        candidate.id, candidate.candidates = _city_identity(doc, candidate, gazetteer, places)
    else:
        candidate.id = reading.id


def _apply_place_head(doc: Doc, candidate: Candidate, rules: Rules) -> None:
    """An unidentified PERSON/ORG followed by a place noun becomes that place."""
    if candidate.id is not None or candidate.person_evidence:
        return
    if candidate.label not in (PERSON, ORGANIZATION) or candidate.end >= len(doc):
        return
    following = doc[candidate.end]
    label = rules.place_heads.get(fold(following.text)) if following.is_lower else None
    if label is not None:
        candidate.end += 1
        candidate.label = label


def _one_sense_per_discourse(doc: Doc, candidates: list[Candidate]) -> None:
    """Relabel stray PERSON/ORG occurrences of a name the document mostly uses as a place."""
    by_name: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_name.setdefault(fold(_span_text(doc, candidate)), []).append(candidate)
    for group in by_name.values():
        places = [c for c in group if c.label in ("GPE", "LOC")]
        others = [
            c
            for c in group
            if c.label in (PERSON, ORGANIZATION) and c.id is None and not c.person_evidence
        ]
        if not places or not others:
            return_label = None
        elif len(places) >= len(others):
            return_label = Counter(c.label for c in places).most_common(1)[0][0]
        else:
            return_label = None
        if return_label is None:
            continue
        identities = Counter(c.id for c in places if c.id is not None)
        identity = identities.most_common(1)[0][0] if identities else None
        # An ambiguous city stays ambiguous, with the same candidates, where it recurs.
        model = next(c for c in places if c.id == identity)
        for candidate in others:
            candidate.label = return_label
            candidate.id = identity
            candidate.candidates = model.candidates


def _missed_names(
    doc: Doc,
    candidates: list[Candidate],
    gazetteer: Gazetteer,
    rules: Rules,
    context: Counter[str],
    places: Places,
) -> list[Candidate]:
    """Gazetteer names the model did not mark, longest first at each position."""
    covered = bytearray(len(doc))
    for candidate in candidates:
        covered[candidate.start : candidate.end] = b"\x01" * (candidate.end - candidate.start)
    found: list[Candidate] = []
    index = 0
    while index < len(doc):
        token = doc[index]
        longest = 0
        if not covered[index] and token.text[:1].isupper():
            longest = gazetteer.longest_name_words(token.text)
        match = _longest_match(doc, index, longest, covered, gazetteer, rules, context, places)
        if match is None:
            index += 1
            continue
        found.append(match)
        index = match.end
    return found


def _longest_match(
    doc: Doc,
    start: int,
    longest_words: int,
    covered: bytearray,
    gazetteer: Gazetteer,
    rules: Rules,
    context: Counter[str],
    places: Places,
) -> Candidate | None:
    if longest_words == 0:
        return None
    ends: list[int] = []
    words = 0
    for end in range(start + 1, len(doc) + 1):
        token = doc[end - 1]
        if covered[end - 1] or token.is_space:
            break
        if end - 1 == start or doc[end - 2].whitespace_:
            words += 1
        if words > longest_words:
            break
        if token.text[:1].isupper():
            ends.append(end)
        elif token.pos_ not in _INNER_POS:
            break
    for end in reversed(ends):
        candidate = Candidate(start, end, "", from_model=False)
        readings = tuple(gazetteer.readings(_span_text(doc, candidate)))
        if not readings:
            continue
        reading = _choose(readings, context)
        if _accept_missed(doc, candidate, reading, rules, gazetteer, context):
            candidate.readings = readings
            candidate.label = rules.place_labels[reading.kind]
            _set_identity(doc, candidate, reading, gazetteer, places)
            return candidate
    return None


def _accept_missed(
    doc: Doc,
    candidate: Candidate,
    reading: Reading,
    rules: Rules,
    gazetteer: Gazetteer,
    context: Counter[str],
) -> bool:
    """Whether a gazetteer name the model missed is a name here, not a common word."""
    tokens = doc[candidate.start : candidate.end]
    proper = all(t.pos_ == "PROPN" or t.is_upper or t.pos_ in _INNER_POS for t in tokens)
    if reading.kind == "demonym":
        return len(tokens) == 1 and tokens[0].is_title
    if not proper or _touches_proper_noun(doc, candidate):
        return False
    if _is_strong(reading):
        return True
    return _has_place_evidence(doc, candidate, rules, gazetteer)


def _touches_proper_noun(doc: Doc, candidate: Candidate) -> bool:
    """Whether the name runs on into a longer one ("Edmond" of "Edmond Maire")."""
    before = doc[candidate.start - 1] if candidate.start > 0 else None
    after = doc[candidate.end] if candidate.end < len(doc) else None
    joined_before = before is not None and before.whitespace_ and "\n" not in before.whitespace_
    joined_after = after is not None and doc[candidate.end - 1].whitespace_ == " "
    return bool(
        (joined_before and before is not None and before.pos_ == "PROPN" and before.is_title)
        or (joined_after and after is not None and after.pos_ == "PROPN" and after.is_title)
    )


def _without_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates in text order; of two overlapping ones the longer (then earlier) wins."""
    ranked = sorted(candidates, key=lambda c: (-(c.end - c.start), c.start))
    taken: list[Candidate] = []
    occupied: set[int] = set()
    for candidate in ranked:
        positions = range(candidate.start, candidate.end)
        if occupied.isdisjoint(positions):
            taken.append(candidate)
            occupied.update(positions)
    return sorted(taken, key=lambda c: c.start)
