"""The signatories stage: who signed each embedded statement.

A signatory block is found after a statement, under a heading ("Signed by:",
"Signatories:", "Endorsed by", "List of signatories"), or as a run of list-shaped
name lines. Each line becomes one :class:`Signatory` (person / role / organisation /
acronym / country) by rules and the data tables in ``data/roles.json`` and
``data/statement_cues.json``. A line is never dropped: what the rules cannot split is
kept as best they can and reported as a warning.

All work is line by line with bounded patterns, so the time is linear in the text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from claimscope.data import load_table
from claimscope.dossier import Signatory, Statement
from claimscope.gazetteer import Gazetteer
from claimscope.pipeline import Analysis

STAGE = "signatories"

# A signatory line is short: longer lines are prose, and the limits keep the
# per-line work small whatever the input.
MAX_ITEM_CHARS = 300
MAX_ITEM_WORDS = 30
MAX_SEGMENTS = 12
# Beyond this many words a line with mostly lowercase words reads as a sentence.
MAX_NAME_WORDS = 6
MAX_PERSON_TOKENS = 6
# Blocks without a heading need this many item lines, so that a stray short line
# (a byline, a subheading) is not taken for a list.
MIN_ITEMS_AFTER_STATEMENT = 2
MIN_ITEMS_STANDALONE = 3
# A short line that is not name-shaped still belongs to a block when items follow it:
# a signatory line is never dropped, only reported.
MAX_SHORT_CHARS = 120
MAX_SHORT_WORDS = 15
MAX_COUNTRY_WORDS = 3
MAX_ORGANIZATION_SCAN_WORDS = 40

_PREFIX = re.compile(r"(?:[-*•·‣▪◦–—]|\(?\d{1,3}[.)]|\(\d{1,3}\)|#\d{1,3}\.?)[ \t]+")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&.\-]{1,14}")
_PARENTHESIS_TAIL = re.compile(r"(?P<head>[^()]*?)\s*\((?P<inner>[^()]{1,200})\)")
_TWO_SENTENCES = re.compile(r"[a-z]{2}[.!?][\"”’)]?\s+[A-Z]")
_TABLE_SEPARATOR = re.compile(r"\|?(?:\s*:?-{2,}:?\s*\|)+\s*(?::?-{2,}:?\s*)?\|?")
_SPACED_DASH = (" - ", " – ", " — ")


@dataclass(frozen=True)
class Line:
    """One line of the text: ``start``/``end`` bound its content without edge whitespace."""

    start: int
    end: int
    text: str


class Shape(Enum):
    """What a line looks like to the block finder."""

    BLANK = "blank"
    HEADING = "heading"
    ITEM = "item"
    TABLE = "table"
    SHORT = "short"
    OTHER = "other"


@dataclass(frozen=True)
class Tables:
    """The data tables: role words, organisation words, headings, table columns."""

    roles: re.Pattern[str]
    role_words: frozenset[str]
    organization_words: frozenset[str]
    name_particles: frozenset[str]
    honorifics: frozenset[str]
    connectors: frozenset[str]
    wrap_words: frozenset[str]
    title_case_exceptions: frozenset[str]
    table_columns: dict[str, str]
    heading_line: re.Pattern[str]
    heading_intro: re.Pattern[str]


def _alternation(phrases: Sequence[str]) -> str:
    ordered = sorted({phrase.casefold() for phrase in phrases}, key=len, reverse=True)
    return "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in ordered)


@functools.cache
def load_tables() -> Tables:
    """The role and heading tables, loaded once per process."""
    roles = load_table("roles.json")
    cues = load_table("statement_cues.json")
    headings = _alternation(cues["signatory_headings"])
    columns: dict[str, str] = {}
    for field_name, names in roles["table_columns"].items():
        for name in names:
            columns[name.casefold()] = field_name
    return Tables(
        # Plural roles too: "Joint Coordinators", "founders".
        roles=re.compile(rf"\b(?:{_alternation(roles['roles'])})s?\b", re.IGNORECASE),
        role_words=frozenset(word.casefold() for word in roles["roles"]),
        organization_words=frozenset(word.casefold() for word in roles["organization_words"]),
        name_particles=frozenset(word.casefold() for word in roles["name_particles"]),
        honorifics=frozenset(word.casefold() for word in roles["honorifics"]),
        connectors=frozenset(word.casefold() for word in roles["connectors"]),
        wrap_words=frozenset(word.casefold() for word in roles["wrap_words"]),
        title_case_exceptions=frozenset(word.casefold() for word in roles["title_case_exceptions"]),
        table_columns=columns,
        heading_line=re.compile(
            rf"[#>*_ \t]{{0,8}}(?:{headings})[ \t]*[*_]{{0,4}}[ \t]*"
            rf"(?:[:：\-–—][ \t]*[*_]{{0,4}}[ \t]*(?P<rest>.*))?",
            re.IGNORECASE,
        ),
        heading_intro=re.compile(rf"\b(?:{headings})\b", re.IGNORECASE),
    )


# --- lines and their shapes ---------------------------------------------------------------


def split_lines(text: str, low: int, high: int) -> list[Line]:
    """The lines of ``text[low:high]``, blank ones included, with content offsets."""
    lines: list[Line] = []
    position = low
    while position <= high:
        newline = text.find("\n", position, high)
        stop = high if newline == -1 else newline
        raw = text[position:stop]
        content = raw.strip()
        start = position + (len(raw) - len(raw.lstrip()))
        lines.append(Line(start, start + len(content), content))
        if newline == -1:
            break
        position = newline + 1
    return lines


def strip_prefix(line: Line) -> Line:
    """The line without its bullet or number prefix ("1.", "1)", "-", "*", "•")."""
    match = _PREFIX.match(line.text)
    if match is None:
        return line
    cut = match.end()
    return Line(line.start + cut, line.end, line.text[cut:])


def _words(text: str) -> list[str]:
    return text.split()


def _is_name_token(token: str) -> bool:
    core = token.strip(".,'’\"")
    if not core or not core[0].isupper():
        return False
    return all(character.isalpha() or character in "-'’." for character in core)


def is_person_shaped(text: str, tables: Tables) -> bool:
    """2–4 capitalised name tokens (particles and honorifics aside), no organisation word."""
    tokens = _words(text)
    if not tokens or len(tokens) > MAX_PERSON_TOKENS:
        return False
    while tokens and tokens[0].casefold() in tables.honorifics:
        tokens = tokens[1:]
    capitalised = 0
    mixed_case = False
    for token in tokens:
        folded = token.casefold().strip(".,")
        if folded in tables.organization_words:
            return False
        if folded in tables.name_particles:
            continue
        if not _is_name_token(token):
            return False
        capitalised += 1
        if not token.isupper() or len(token.strip(".")) == 1:
            mixed_case = True
    return 2 <= capitalised <= 4 and mixed_case


def is_acronym(text: str) -> bool:
    """An acronym: one token with at least two capitals ("HRW", "CGOK", "TUBAE")."""
    if _ACRONYM.fullmatch(text) is None:
        return False
    return sum(1 for character in text if character.isupper()) >= 2


def has_organization_word(text: str, tables: Tables) -> bool:
    """Whether the phrase holds a word such as Foundation, Coalition, NGO, Ministry."""
    return any(
        word.casefold().strip(".,()'’\"") in tables.organization_words for word in _words(text)
    )


def is_title_case(text: str, tables: Tables) -> bool:
    """Every word capitalised, a number, or a short function word ("of", "for", "and")."""
    words = _words(text)
    if not words or len(words) > 15:
        return False
    capitalised = 0
    for word in words:
        core = word.strip(".,()'’\"")
        if not core:
            continue
        if core[0].isupper():
            capitalised += 1
        elif not (core.casefold() in tables.title_case_exceptions or core[0].isdigit()):
            return False
    return capitalised > 0


def is_organization_shaped(text: str, tables: Tables, gazetteer: Gazetteer | None = None) -> bool:
    """An organisation word, an acronym, a known body, or a Title Case name."""
    head, inner = split_parenthesis(text)
    if inner is not None and is_acronym(inner):
        return True
    if is_acronym(text) or has_organization_word(text, tables):
        return True
    if gazetteer is not None and gazetteer.organization(head) is not None:
        return True
    return is_title_case(head, tables)


def _has_organization_evidence(text: str, tables: Tables, gazetteer: Gazetteer) -> bool:
    head, inner = split_parenthesis(text)
    return (
        has_organization_word(text, tables)
        or is_acronym(text)
        or (inner is not None and is_acronym(inner))
        or gazetteer.organization(head) is not None
    )


def is_role(text: str, tables: Tables) -> bool:
    """A role: ends in a role word ("Executive Director"), or a lowercase-initial phrase."""
    if not text:
        return False
    folded = " ".join(text.casefold().split())
    last = folded.split()[-1].strip(".,")
    if last in tables.role_words or folded in tables.role_words:
        return True
    if text[0].islower():
        # Lowercase plurals are roles ("human rights defenders"); Title Case plurals
        # are names ("Front Line Defenders").
        singular = last.removesuffix("s")
        return singular in tables.role_words or not has_organization_word(text, tables)
    return False


def is_role_head(text: str, tables: Tables) -> bool:
    """A role that may be followed by "of <field>": "Professor of Law", "focal point"."""
    if is_role(text, tables):
        return True
    return tables.roles.match(text) is not None and not has_organization_word(text, tables)


def split_parenthesis(text: str) -> tuple[str, str | None]:
    """Split "Org (ACR)" into ("Org", "ACR"); text without a closing parenthesis is kept."""
    if not text.endswith(")"):
        return text, None
    match = _PARENTHESIS_TAIL.fullmatch(text)
    if match is None:
        return text, None
    return match.group("head"), match.group("inner").strip()


def is_table_row(text: str) -> bool:
    """A Markdown table row: starts (and usually ends) with a pipe."""
    return text.startswith("|") and text.count("|") >= 2


def is_item(text: str, tables: Tables) -> bool:
    """Whether a line (prefix already stripped) looks like one signatory."""
    if not text or len(text) > MAX_ITEM_CHARS or len(_words(text)) > MAX_ITEM_WORDS:
        return False
    if sum(1 for character in text if character.isalpha()) < 2:
        return False
    if _TWO_SENTENCES.search(text) or text.endswith(":") or is_prose(text, tables):
        return False
    segments = split_segments(text)
    if not segments or len(segments) > MAX_SEGMENTS:
        return False
    first = text[segments[0][0] : segments[0][1]]
    if len(_words(first)) > 8 and first.endswith("."):
        return False
    head, _ = split_parenthesis(first)
    return (
        is_person_shaped(first, tables)
        or is_person_shaped(head, tables)
        or is_organization_shaped(first, tables)
    )


def is_prose(text: str, tables: Tables) -> bool:
    """A sentence, not a name: mostly lowercase content words, or a long line ending in '.'."""
    words = _words(text)
    if len(words) <= MAX_NAME_WORDS:
        return False
    lowercase = sum(
        1
        for word in words
        if word[:1].islower() and word.casefold() not in tables.title_case_exceptions
    )
    # A closing full stop makes a sentence likelier, so fewer lowercase words suffice.
    if text.endswith("."):
        return 4 * lowercase > len(words)
    return 2 * lowercase > len(words)


def is_list_shaped(line: Line, tables: Tables) -> bool:
    """An item with list structure: a bullet or number, or several comma parts, or a table row."""
    if is_table_row(line.text) or _PREFIX.match(line.text):
        return True
    return len(split_segments(line.text)) >= 2


def heading_rest(line: Line, tables: Tables) -> Line | bool | None:
    """For a heading line: the signatory written after its colon, None, or False if no heading."""
    text = line.text
    if len(text) > MAX_ITEM_CHARS:
        return False
    match = tables.heading_line.fullmatch(text)
    if match is not None:
        rest = match.group("rest")
        if not rest:
            return None
        offset = match.start("rest")
        return Line(line.start + offset, line.end, rest.strip())
    if (
        text.endswith(":")
        and len(_words(text)) <= 20
        and tables.heading_intro.search(text) is not None
    ):
        return None
    return False


def line_shape(line: Line, tables: Tables) -> Shape:
    """Classify one line for the block finder."""
    if not line.text:
        return Shape.BLANK
    if is_table_row(line.text):
        return Shape.TABLE
    if heading_rest(line, tables) is not False:
        return Shape.HEADING
    text = strip_prefix(line).text
    if is_item(text, tables):
        return Shape.ITEM
    if (
        len(text) <= MAX_SHORT_CHARS
        and len(_words(text)) <= MAX_SHORT_WORDS
        and not text.endswith(":")
        and _TWO_SENTENCES.search(text) is None
    ):
        return Shape.SHORT
    return Shape.OTHER


def split_segments(text: str) -> list[tuple[int, int]]:
    """Offsets of the comma-, semicolon- or spaced-dash-separated parts, outside parentheses."""
    segments: list[tuple[int, int]] = []
    depth = 0
    start = 0
    index = 0
    length = len(text)
    while index < length:
        character = text[index]
        cut = 0
        if character == "(":
            depth += 1
        elif character == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and character in ",;":
            cut = 1
        elif depth == 0 and character == " " and text[index : index + 3] in _SPACED_DASH:
            cut = 3
        if cut:
            segments.append((start, index))
            start = index + cut
            index += cut
            continue
        index += 1
    segments.append((start, length))
    stripped: list[tuple[int, int]] = []
    for begin, end in segments:
        piece = text[begin:end]
        content = piece.strip(" \t.")
        if content:
            offset = begin + piece.index(content)
            stripped.append((offset, offset + len(content)))
    return stripped


# --- parsing one line --------------------------------------------------------------------


@dataclass
class Fields:
    """What one signatory line says, before it becomes a :class:`Signatory`."""

    person: str | None = None
    role: str | None = None
    organization: str | None = None
    acronym: str | None = None
    country: str | None = None
    problems: list[str] = field(default_factory=list)


def _country_segment(text: str, gazetteer: Gazetteer) -> str | None:
    head, inner = split_parenthesis(text)
    if inner is not None and not head:
        return gazetteer.country(inner)
    return gazetteer.country(text)


def country_named_in(organization: str, gazetteer: Gazetteer, tables: Tables) -> str | None:
    """A country the organisation's name states ("... Organizations in Kenya" -> "KE")."""
    words = [word.strip(".,()'’\"") for word in _words(organization)][:MAX_ORGANIZATION_SCAN_WORDS]
    for index, word in enumerate(words):
        if not word or not word[0].isupper():
            continue
        for size in range(min(MAX_COUNTRY_WORDS, len(words) - index), 0, -1):
            code = gazetteer.country(" ".join(words[index : index + size]))
            if code is not None:
                return code
    for word in words:
        if word and word[0].isupper():
            code = gazetteer.demonym(word)
            if code is not None:
                return code
    return None


def _split_role_of(text: str, tables: Tables) -> tuple[str, str] | None:
    """Split "focal point of Regional Expert group" into role and organisation."""
    words = _words(text)
    # Right to left, so "Professor of Law at Harvard University" keeps "Professor of Law".
    for index in range(len(words) - 2, 0, -1):
        if words[index].casefold() not in tables.connectors:
            continue
        role = " ".join(words[:index])
        organization_words = words[index + 1 :]
        if organization_words and organization_words[0].casefold() == "the":
            organization_words = organization_words[1:]
        if not organization_words or not organization_words[0][:1].isupper():
            continue
        if is_role_head(role, tables) and tables.roles.search(role) is not None:
            return role, " ".join(organization_words)
    return None


def _finish_organization(fields: Fields, gazetteer: Gazetteer, tables: Tables) -> None:
    if fields.organization is None:
        return
    head, inner = split_parenthesis(fields.organization)
    if inner is not None and head:
        if is_acronym(inner):
            fields.organization, fields.acronym = head, inner
        elif fields.country is None and gazetteer.country(inner) is not None:
            fields.organization, fields.country = head, gazetteer.country(inner)
    if fields.country is None:
        fields.country = country_named_in(fields.organization, gazetteer, tables)


def parse_line(text: str, gazetteer: Gazetteer, tables: Tables) -> Fields:
    """Split one signatory line (prefix already stripped) into its fields."""
    fields = Fields()
    body = text.strip().rstrip(";,.").strip()
    segments = [body[start:end] for start, end in split_segments(body)]
    if not segments:
        fields.organization = text.strip() or None
        fields.problems.append("signatory line has no name")
        return fields
    if len(segments) > MAX_SEGMENTS:
        fields.organization = body
        fields.problems.append("signatory line has too many parts to split")
        return fields

    if len(segments) >= 2:
        code = _country_segment(segments[-1], gazetteer)
        if code is not None:
            fields.country = code
            segments.pop()
        else:
            split = gazetteer.split_trailing_country(segments[-1])
            # "... Organizations in Kenya" names its country; it is not a separate field.
            if split is not None and split[0]:
                last_word = split[0].split()[-1].casefold()
                if last_word not in tables.connectors and last_word not in {"and", "the"}:
                    segments[-1] = split[0]
                    fields.country = split[1]

    first = segments[0]
    head, inner = split_parenthesis(first)
    rest: list[str]
    if is_person_shaped(first, tables):
        fields.person = first
        rest = segments[1:]
    elif inner is not None and is_person_shaped(head, tables):
        fields.person = head
        rest = [inner, *segments[1:]]
    else:
        rest = segments

    roles: list[str] = []
    organizations: list[str] = []
    for segment in rest:
        if fields.country is None and len(rest) > 1 and gazetteer.country(segment):
            fields.country = gazetteer.country(segment)
            continue
        split = _split_role_of(segment, tables)
        if split is not None:
            roles.append(split[0])
            organizations.append(split[1])
        elif is_role(segment, tables):
            roles.append(segment)
        else:
            organizations.append(segment)
            if not is_organization_shaped(segment, tables, gazetteer):
                fields.problems.append(
                    f"could not tell person, role or organisation in {segment!r}"
                )
    fields.role = ", ".join(roles) or None
    fields.organization = ", ".join(organizations) or None
    if (
        fields.person is None
        and not roles
        and len(organizations) >= 2
        and not any(_has_organization_evidence(part, tables, gazetteer) for part in organizations)
    ):
        fields.problems.append("could not tell person from organisation")
    if fields.person is None and fields.organization is None and fields.role is None:
        fields.organization = body
        fields.problems.append("could not split signatory line")
    _finish_organization(fields, gazetteer, tables)
    return fields


def table_cells(text: str) -> list[str]:
    """The cells of a Markdown table row."""
    inner = text.strip()
    inner = inner.removeprefix("|")
    inner = inner.removesuffix("|")
    return [cell.strip() for cell in inner.split("|")]


def table_header(cells: Sequence[str], tables: Tables) -> list[str | None] | None:
    """The field each column holds, when the row is a header naming at least one."""
    mapped = [tables.table_columns.get(cell.strip(" *_").casefold()) for cell in cells]
    if any(name in ("person", "organization") for name in mapped):
        return mapped
    return None


def parse_table_row(
    cells: Sequence[str], header: Sequence[str | None] | None, gazetteer: Gazetteer, tables: Tables
) -> Fields:
    """The fields of a table row, by its header's columns or as a comma line."""
    if header is None:
        kept = [cell for cell in cells if cell and not cell.rstrip(".").isdigit()]
        return parse_line(", ".join(kept), gazetteer, tables)
    fields = Fields()
    for cell, name in zip(cells, header, strict=False):
        value = cell.strip() or None
        if value is None or name is None:
            continue
        if name == "country":
            fields.country = gazetteer.country(value)
            if fields.country is None:
                fields.problems.append(f"unknown country {value!r}")
        else:
            setattr(fields, name, value)
    if fields.acronym is None:
        _finish_organization(fields, gazetteer, tables)
    elif fields.country is None and fields.organization is not None:
        fields.country = country_named_in(fields.organization, gazetteer, tables)
    if fields.person is None and fields.organization is None:
        fields.problems.append("table row names no person and no organisation")
    return fields


# --- blocks ------------------------------------------------------------------------------


@dataclass
class Block:
    """A signatory block: its lines (items and table rows) and the statement it belongs to."""

    lines: list[Line]
    statement: int | None


def _shapes(lines: Sequence[Line], tables: Tables) -> list[Shape]:
    return [line_shape(line, tables) for line in lines]


def _collect(
    lines: Sequence[Line], shapes: Sequence[Shape], index: int, used: list[bool]
) -> tuple[list[int], int]:
    """Item and table lines from ``index``; blank lines are crossed while items follow.

    A short line that is not name-shaped is taken when an item line comes after it.
    """
    taken: list[int] = []
    position = index
    while position < len(lines):
        shape = shapes[position]
        if used[position]:
            break
        if shape in (Shape.ITEM, Shape.TABLE):
            taken.append(position)
            position += 1
        elif shape is Shape.BLANK:
            position += 1
        elif shape is Shape.SHORT:
            following = _next_content(lines, shapes, position + 1)
            if following < len(lines) and shapes[following] in (Shape.ITEM, Shape.TABLE):
                taken.append(position)
                position += 1
            else:
                break
        else:
            break
    return taken, position


def _next_content(lines: Sequence[Line], shapes: Sequence[Shape], index: int) -> int:
    while index < len(lines) and shapes[index] is Shape.BLANK:
        index += 1
    return index


def block_starts(text: str, low: int, high: int) -> list[int]:
    """Offsets where a signatory block begins: a heading, a table, or a run of item lines."""
    tables = load_tables()
    lines = split_lines(text, low, high)
    shapes = _shapes(lines, tables)
    starts: list[int] = []
    run_after = [0] * (len(lines) + 1)
    # Items in a row (blank lines between allowed), counted from the end: one pass.
    following = 0
    for index in range(len(lines) - 1, -1, -1):
        shape = shapes[index]
        if shape in (Shape.ITEM, Shape.TABLE):
            following += 1
        elif shape is not Shape.BLANK:
            following = 0
        run_after[index] = following
    previous_in_run = False
    for index, line in enumerate(lines):
        shape = shapes[index]
        if shape is Shape.BLANK:
            continue
        if shape is Shape.HEADING:
            starts.append(line.start)
            previous_in_run = False
        elif shape in (Shape.ITEM, Shape.TABLE):
            if not previous_in_run and (
                shape is Shape.TABLE or run_after[index] >= MIN_ITEMS_AFTER_STATEMENT
            ):
                starts.append(line.start)
            previous_in_run = True
        else:
            previous_in_run = False
    return starts


def _line_index_after(lines: Sequence[Line], offset: int) -> int:
    low, high = 0, len(lines)
    while low < high:
        middle = (low + high) // 2
        if lines[middle].start < offset:
            low = middle + 1
        else:
            high = middle
    return low


def find_blocks(
    lines: Sequence[Line], statements: Sequence[Statement], tables: Tables
) -> list[Block]:
    """Signatory blocks: after each statement, under headings, then standalone lists."""
    shapes = _shapes(lines, tables)
    used = [False] * len(lines)
    for statement in statements:
        first = _line_index_after(lines, statement.start)
        last = _line_index_after(lines, statement.end)
        for index in range(max(0, first - 1), min(len(lines), last)):
            if lines[index].start < statement.end and lines[index].end > statement.start:
                used[index] = True
    blocks: list[Block] = []

    def take(index: int, statement: int | None, minimum: int, heading: Line | None) -> None:
        taken, _ = _collect(lines, shapes, index, used)
        block_lines = [lines[position] for position in taken]
        items = sum(1 for position in taken if shapes[position] is not Shape.SHORT)
        if heading is not None:
            block_lines.insert(0, heading)
        elif items < minimum:
            return
        for position in taken:
            used[position] = True
        blocks.append(Block(block_lines, statement))

    for number, statement in enumerate(statements):
        index = _next_content(lines, shapes, _line_index_after(lines, statement.end))
        # The line that holds the statement's end also holds its closing cue.
        if index < len(lines) and lines[index].start < statement.end:
            index = _next_content(lines, shapes, index + 1)
        if index >= len(lines) or used[index]:
            continue
        if shapes[index] is Shape.HEADING:
            used[index] = True
            rest = heading_rest(lines[index], tables)
            take(index + 1, number, 1, rest if isinstance(rest, Line) else None)
        else:
            take(index, number, MIN_ITEMS_AFTER_STATEMENT, None)

    for index, shape in enumerate(shapes):
        if shape is not Shape.HEADING or used[index]:
            continue
        used[index] = True
        rest = heading_rest(lines[index], tables)
        owner = _owner(statements, lines[index].start, blocks)
        take(index + 1, owner, 1, rest if isinstance(rest, Line) else None)

    index = 0
    while index < len(lines):
        if used[index] or shapes[index] not in (Shape.ITEM, Shape.TABLE):
            index += 1
            continue
        taken, stop = _collect(lines, shapes, index, used)
        listed = [
            position
            for position in taken
            if is_list_shaped(lines[position], tables) and not used[position]
        ]
        if (
            len(listed) == len(taken)
            and len(taken) >= MIN_ITEMS_STANDALONE
            and not is_wrapped_prose([lines[position] for position in taken], tables)
        ):
            for position in taken:
                used[position] = True
            owner = _owner(statements, lines[index].start, blocks)
            blocks.append(Block([lines[position] for position in taken], owner))
        index = max(stop, index + 1)
    blocks.sort(key=lambda block: block.lines[0].start if block.lines else 0)
    return blocks


def is_wrapped_prose(lines: Sequence[Line], tables: Tables) -> bool:
    """A paragraph hard-wrapped into short lines (wire copy), not a list of names.

    Only a run with no statement before it and no heading needs this test: there the
    lines' shape is the only evidence. Wrapped prose breaks mid-sentence, so a line
    opens in lower case or closes on a function word; and lists of figures (results,
    seat counts) carry digits on most lines, which signatory lines do not.
    """
    with_digits = 0
    for line in lines:
        text = strip_prefix(line).text
        if text[:1].islower():
            return True
        words = _words(text)
        if words and words[-1].casefold() in tables.wrap_words:
            return True
        if any(character.isdigit() for character in text):
            with_digits += 1
    return 2 * with_digits > len(lines)


def _owner(statements: Sequence[Statement], offset: int, blocks: Sequence[Block]) -> int | None:
    """The nearest statement before ``offset`` that has no block yet."""
    owned = {block.statement for block in blocks}
    best: int | None = None
    for number, statement in enumerate(statements):
        if statement.end <= offset:
            best = number
    if best is None or best in owned:
        return None
    return best


def _signatory(line: Line, fields: Fields) -> Signatory:
    return Signatory(
        person=fields.person,
        role=fields.role,
        organization=fields.organization,
        acronym=fields.acronym,
        country=fields.country,
        start=line.start,
        end=line.end,
    )


class SignatoriesStage:
    """Adds the `signatories` layer and links each block to its statement."""

    name = "signatories"
    needs_parse = False

    def __init__(self) -> None:
        self.tables = load_tables()

    def __call__(self, analysis: Analysis) -> None:
        """Find signatory blocks and parse each line into a signatory."""
        text = analysis.document.text
        body = analysis.dossier.anatomy.body
        low = body.start if body is not None and body.end > body.start else 0
        # A block that follows a statement is kept even past the body's end.
        lines = split_lines(text, low, len(text))
        statements = analysis.dossier.statements
        gazetteer = analysis.resources.gazetteer
        for block in find_blocks(lines, statements, self.tables):
            header: list[str | None] | None = None
            for raw in block.lines:
                line = strip_prefix(raw)
                if is_table_row(line.text):
                    cells = table_cells(line.text)
                    if _TABLE_SEPARATOR.fullmatch(line.text):
                        continue
                    if header is None:
                        header = table_header(cells, self.tables)
                        if header is not None:
                            continue
                    fields = parse_table_row(cells, header, gazetteer, self.tables)
                else:
                    fields = parse_line(line.text, gazetteer, self.tables)
                for problem in fields.problems:
                    analysis.warn(STAGE, problem, line.start, line.end)
                index = len(analysis.dossier.signatories)
                analysis.dossier.signatories.append(_signatory(line, fields))
                if block.statement is not None:
                    statements[block.statement].signatories.append(index)
