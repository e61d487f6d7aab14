"""The fields of one signatory entry: person, role, organisation, acronym, country, url.

A table row under a header that names its columns is read by the header. Any other entry
is tagged word by word by the field tagger (``tagger.py``) with the labels the rules are
sure of fixed (``rules.py``); ``assemble`` turns the labels into values as printed (runs
of one label, pieces of one name joined again, several values joined with "; "). An entry
is never dropped: what cannot be split is kept whole and reported as a problem.

All work is per entry with bounded patterns, so the time is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from claimscope.gazetteer import Gazetteer
from claimscope.stages.signatories.tagger import (
    FIELD_TYPES,
    Layout,
    Tagger,
    Token,
    features,
    fixed_kinds,
    shipped_tagger,
    tokenize,
)
from claimscope.text.lists import (
    Entry,
    Tables,
    by_header,
    has_organization_word,
    is_acronym,
    is_organization_shaped,
    is_role_head,
    split_parenthesis,
    table_cells,
)
from claimscope.text.markup import Link, Visible, visible

STAGE = "signatories"

MAX_COUNTRY_WORDS = 3
MAX_ORGANIZATION_SCAN_WORDS = 40


# --- parsing one line --------------------------------------------------------------------


@dataclass
class Fields:
    """What one signatory line says, before it becomes a :class:`Signatory`."""

    person: str | None = None
    role: str | None = None
    organization: str | None = None
    acronym: str | None = None
    country: str | None = None
    url: str | None = None
    problems: list[str] = field(default_factory=list)


def parse_table_row(
    cells: Sequence[Visible],
    header: Sequence[str | None],
    gazetteer: Gazetteer,
    tables: Tables,
    tagger: Tagger | None = None,
) -> Fields:
    """The fields of a table row by its header's columns; an "About" column is read as text."""
    fields = Fields()
    links: list[str] = []
    for cell, name in zip(cells, header, strict=False):
        value = _clean(cell.text) or None
        if value is None or name is None:
            continue
        if name == "country":
            fields.country = _place_country(value, gazetteer)
        elif name == "about":
            about = _about(cell, gazetteer, tables, tagger)
            fields.role = fields.role or about.role
            fields.organization = fields.organization or about.organization
            fields.acronym = fields.acronym or about.acronym
            if about.url:
                links.append(about.url)
        elif name == "organization":
            if value.casefold() in tables.no_affiliation:
                continue
            fields.organization = value
            links.extend(link.url for link in cell.links)
        elif name == "person":
            fields.person = _person(value, tables)
        else:
            setattr(fields, name, value)
    fields.url = "; ".join(links) or None
    _split_acronym(fields)
    if fields.person is None and fields.organization is None:
        fields.problems.append("table row names no person and no organisation")
    return fields


def _clean(value: str) -> str:
    """A field value as printed: whitespace folded, list punctuation at its ends removed."""
    value = " ".join(value.split()).strip(" ,;:|/")
    while value[-1:] in ("-", "–", "—") or value[:1] in ("-", "–", "—"):
        value = value.strip("-–— ")
    if value.count("(") < value.count(")") and value.endswith(")"):
        value = value[:-1].rstrip()
    if value.count("(") > value.count(")") and value.startswith("("):
        value = value[1:].lstrip()
    return value


def _person(value: str, tables: Tables) -> str | None:
    """The name without honorifics before it or post-nominals after it."""
    words = value.split()
    while len(words) > 1 and words[0].casefold() in tables.honorifics:
        words = words[1:]
    while len(words) > 1 and words[-1].casefold().strip(",") in tables.post_nominals:
        words = words[:-1]
    return " ".join(words) or None


def _place_country(value: str, gazetteer: Gazetteer) -> str | None:
    """The country of a place printed as its own element ("Portland, OR", "Quebec")."""
    code = gazetteer.country(value)
    if code is not None:
        return code
    parts = [part.strip() for part in value.split(",") if part.strip()]
    for part in reversed(parts):
        code = gazetteer.country(part)
        if code is not None:
            return code
    for part in parts:
        for reading in gazetteer.readings(part):
            if reading.kind in ("city", "subdivision") and reading.country:
                return reading.country
    return None


def country_in_text(shown: str, gazetteer: Gazetteer) -> str | None:
    """The first country named as a whole word in an entry ("Indymedia Ecuador" -> "EC")."""
    words = [word.strip(".,;:()[]'’\"") for word in shown.split()[:MAX_ORGANIZATION_SCAN_WORDS]]
    for index, word in enumerate(words):
        if not word or not word[0].isupper():
            continue
        for size in range(min(MAX_COUNTRY_WORDS, len(words) - index), 0, -1):
            code = gazetteer.country(" ".join(words[index : index + size]))
            if code is not None:
                return code
    return None


_DASH_ACRONYM = re.compile(r"(?P<name>\S.{0,300}?\s\S{1,80})-(?P<acronym>[A-Z][A-Z0-9&+]{1,14})")


def _split_acronym(fields: Fields) -> None:
    """ "Third World Network (TWN)", "DAWN (Development ...)", "… Southern Africa-ARASA":
    name and short form apart."""
    if fields.organization is None or fields.acronym is not None or ";" in fields.organization:
        return
    dashed = _DASH_ACRONYM.fullmatch(fields.organization)
    if dashed is not None and sum(character.isupper() for character in dashed["acronym"]) >= 3:
        fields.organization, fields.acronym = dashed["name"], dashed["acronym"]
        return
    head, inner = split_parenthesis(fields.organization)
    if inner is None or not head:
        return
    if is_acronym(inner) and " " in head:
        fields.organization, fields.acronym = head.strip(), inner
    elif is_acronym(head.strip()) and " " in inner:
        fields.organization, fields.acronym = inner, head.strip()


# Words that may stand between two pieces of one name: "Friends of the Earth", "Justice &
# International Mission", "Partners in Health". The tagger sometimes cuts a name there.
_NAME_JOINERS = frozenset(
    {"of", "for", "the", "&", "in", "on", "de", "du", "des", "la", "le", "del", "di", "da", "do"}
)
_COMPANY_SUFFIXES = frozenset({"inc.", "inc", "ltd", "ltd.", "llc", "gmbh", "plc", "s.a.", "e.v."})


def _spans(
    shown: str,
    tokens: Sequence[Token],
    labels: Sequence[str],
    gazetteer: Gazetteer,
    tables: Tables,
) -> list[tuple[str, int, int]]:
    """Runs of one label as (kind, start, end), pieces of one name joined again."""
    runs: list[tuple[str, int, int]] = []
    for index, label in enumerate(labels[: len(tokens)]):
        if label == "O":
            continue
        prefix, kind = label.split("-", 1)
        if runs and prefix == "I" and runs[-1][0] == kind and runs[-1][2] == index - 1:
            runs[-1] = (kind, runs[-1][1], index)
        else:
            runs.append((kind, index, index))
    runs = [
        (kind, _name_start(tokens, labels, first, tables) if kind == "ORG" else first, last)
        for kind, first, last in runs
    ]
    merged: list[tuple[str, int, int]] = []
    for kind, first, last in runs:
        if merged and merged[-1][0] == kind and kind in ("ORG", "ROLE"):
            previous_first = merged[-1][1]
            between = [token.text.casefold() for token in tokens[merged[-1][2] + 1 : first]]
            head = shown[tokens[previous_first].start : tokens[merged[-1][2]].end]
            tail = shown[tokens[first].start : tokens[last].end]
            if _one_name(kind, between, head, tail, gazetteer, tables):
                merged[-1] = (kind, previous_first, last)
                continue
        merged.append((kind, first, last))
    return [(kind, tokens[first].start, tokens[last].end) for kind, first, last in merged]


def _name_start(tokens: Sequence[Token], labels: Sequence[str], first: int, tables: Tables) -> int:
    """The start of an organisation's name whose first capitalised words the tagger left
    out ("Centro de Derechos Humanos" tagged from "Derechos", "The Left group in the
    European Parliament" from "European")."""
    start = first
    index = first - 1
    while index >= 0 and labels[index] == "O":
        word = tokens[index].text
        inner = word.casefold() in _NAME_JOINERS or word.casefold() in tables.organization_words
        if not word[:1].isalpha() or not (word[:1].isupper() or inner):
            break
        if word[:1].isupper():
            start = index
        index -= 1
    return start


def _one_name(
    kind: str,
    between: Sequence[str],
    head: str,
    tail: str,
    gazetteer: Gazetteer,
    tables: Tables,
) -> bool:
    """Whether two runs of one kind are pieces of one value."""
    if not between:
        return False
    if all(word in _NAME_JOINERS for word in between):
        return kind == "ORG" or between == ["&"]
    if kind != "ORG" or between != [","]:
        return False
    # "University of California, Irvine", "Restore The Fourth, Inc.", "Faculty of
    # Education, University of Prince Edward Island": a place, a company suffix or the
    # body a unit belongs to after a comma is part of the name as printed.
    if tail.casefold() in _COMPANY_SUFFIXES:
        return True
    if gazetteer.country(tail) is None and any(
        reading.kind in ("city", "subdivision") for reading in gazetteer.readings(tail)
    ):
        return len(tail.split()) <= 3
    first_word = head.split()[0].casefold() if head.split() else ""
    return first_word in tables.sub_units and has_organization_word(tail, tables)


def _split_roles(shown: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run of roles printed with commas ("writer, graphic designer, activist"), one by one."""
    pieces: list[tuple[int, int]] = []
    depth = 0
    cut = start
    for index in range(start, end):
        character = shown[index]
        if character == "(":
            depth += 1
        elif character == ")":
            depth = max(0, depth - 1)
        elif character in ",;" and depth == 0:
            pieces.append((cut, index))
            cut = index + 1
    pieces.append((cut, end))
    return pieces


def assemble(
    shown: str,
    tokens: Sequence[Token],
    labels: Sequence[str],
    links: Sequence[Link],
    gazetteer: Gazetteer,
    tables: Tables,
) -> Fields:
    """Fields from the tagged tokens: runs of one label become values, several joined by '; '."""
    values: dict[str, list[tuple[str, int, int]]] = {kind: [] for kind in FIELD_TYPES}
    for kind, start, end in _spans(shown, tokens, labels, gazetteer, tables):
        pieces = _split_roles(shown, start, end) if kind == "ROLE" else [(start, end)]
        for piece_start, piece_end in pieces:
            value = _clean(shown[piece_start:piece_end])
            if value:
                values[kind].append((value, piece_start, piece_end))
    fields = Fields()
    if values["PER"]:
        fields.person = _person(values["PER"][0][0], tables)
    # A part tagged as a role that holds no role word but reads as a name ("Oxfam",
    # "Citizen Network for Rural Development") is an organisation: the tagger has seen
    # few letters, the role table many roles.
    for item in list(values["ROLE"]):
        value = item[0]
        words = {word.casefold().strip(".,()") for word in value.split()}
        if (
            not is_role_head(value, tables)
            and not words & (tables.role_words | tables.honorifics)
            and value[:1].isupper()
            and is_organization_shaped(value, tables)
        ):
            values["ROLE"].remove(item)
            values["ORG"].append(item)
    values["ORG"].sort(key=lambda item: item[1])
    roles = [value for value, _, _ in values["ROLE"]]
    fields.role = "; ".join(roles) or None
    organizations = [
        item for item in values["ORG"] if item[0].casefold() not in tables.no_affiliation
    ]
    fields.organization = "; ".join(value for value, _, _ in organizations) or None
    if values["ACR"]:
        acronym = values["ACR"][0][0]
        # A short form with no full name beside it, or a word that is no acronym, is the
        # organisation as printed ("John Smith (Greenpeace)", "Jane Doe, EFF").
        if fields.organization is None or not is_acronym(acronym.replace("/", "")):
            fields.organization = "; ".join(part for part in (fields.organization, acronym) if part)
        else:
            fields.acronym = acronym
    for value, _, _ in values["CTRY"]:
        fields.country = _place_country(value, gazetteer)
        if fields.country is not None:
            break
    if fields.country is None:
        fields.country = country_in_text(shown, gazetteer)
    urls = [
        link.url
        for link in links
        if any(link.start < end and start < link.end for _, start, end in organizations)
    ]
    fields.url = "; ".join(dict.fromkeys(urls)) or None
    _split_acronym(fields)
    if fields.person is None and fields.organization is None and fields.role is None:
        fields.problems.append("could not split signatory line")
        fields.organization = _clean(shown) or None
    return fields


def parse_visible(
    shown: Visible,
    gazetteer: Gazetteer,
    tables: Tables,
    tagger: Tagger | None = None,
    shared: Layout | None = None,
) -> Fields:
    """The fields of one entry's visible text, by the tagger (``shared``: its block's layout)."""
    model = tagger or shipped_tagger()
    tokens = tokenize(shown.text)
    links = [(link.start, link.end) for link in shown.links]
    labels = model.tag(
        features(shown.text, tokens, links, tables, gazetteer, shared),
        fixed_kinds(shown.text, tokens, tables, gazetteer, shared),
    )
    return assemble(shown.text, tokens, labels, shown.links, gazetteer, tables)


def _about(cell: Visible, gazetteer: Gazetteer, tables: Tables, tagger: Tagger | None) -> Fields:
    """A free-text table cell ("About") read like the part of a line after the name."""
    fields = parse_visible(cell, gazetteer, tables, tagger)
    if fields.person is not None:
        fields.role = "; ".join(part for part in (fields.person, fields.role) if part)
        fields.person = None
    return fields


def parse_entry(
    entry: Entry,
    text: str,
    gazetteer: Gazetteer,
    tables: Tables,
    tagger: Tagger | None = None,
    shared: Layout | None = None,
) -> Fields:
    """The fields of one entry: a table row by its header, else its visible text."""
    row = entry.row
    if by_header(entry) and entry.header is not None:
        cells = [visible(text, start, end) for start, end in table_cells(row, text)]
        return parse_table_row(cells, entry.header, gazetteer, tables, tagger)
    return parse_visible(row.visible, gazetteer, tables, tagger, shared)
