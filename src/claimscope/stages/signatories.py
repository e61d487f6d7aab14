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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from claimscope.analysis import Analysis
from claimscope.dossier import Signatory, Statement
from claimscope.gazetteer import Gazetteer
from claimscope.text.lists import (
    MAX_SEGMENTS,
    MIN_ITEMS_AFTER_STATEMENT,
    Line,
    Shape,
    Tables,
    has_organization_evidence,
    heading_rest,
    is_acronym,
    is_list_shaped,
    is_organization_shaped,
    is_person_shaped,
    is_role,
    is_role_head,
    is_table_row,
    line_shapes,
    load_tables,
    split_lines,
    split_parenthesis,
    split_segments,
    split_words,
    strip_prefix,
)

STAGE = "signatories"

MAX_COUNTRY_WORDS = 3
MAX_ORGANIZATION_SCAN_WORDS = 40
MIN_ITEMS_STANDALONE = 3
_TABLE_SEPARATOR = re.compile(r"\|?(?:\s*:?-{2,}:?\s*\|)+\s*(?::?-{2,}:?\s*)?\|?")


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
    scanned = split_words(organization)[:MAX_ORGANIZATION_SCAN_WORDS]
    words = [word.strip(".,()'’\"") for word in scanned]
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
    words = split_words(text)
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
        and not any(has_organization_evidence(part, tables, gazetteer) for part in organizations)
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
    shapes = line_shapes(lines, tables)
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
        words = split_words(text)
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
