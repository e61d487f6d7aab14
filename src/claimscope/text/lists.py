"""Lists of names as documents lay them out: lines, their shapes, where a block starts.

A signatory block is a heading ("Signed by:"), a Markdown table, or a run of lines each
shaped like one name with its affiliation. The statements stage needs to know where such
a block starts (a statement ends there) and the signatories stage parses the block, so the
reading of line shapes lives here, in one place, with the role and heading tables from
``data/roles.json`` and ``data/statement_cues.json``.

All work is line by line with bounded patterns, so the time is linear in the text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from claimscope.data import load_table
from claimscope.gazetteer import Gazetteer
from claimscope.text.patterns import alternation

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
# A short line that is not name-shaped still belongs to a block when items follow it:
# a signatory line is never dropped, only reported.
MAX_SHORT_CHARS = 120
MAX_SHORT_WORDS = 15

_PREFIX = re.compile(r"(?:[-*•·‣▪◦–—]|\(?\d{1,3}[.)]|\(\d{1,3}\)|#\d{1,3}\.?)[ \t]+")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&.\-]{1,14}")
_PARENTHESIS_TAIL = re.compile(r"(?P<head>[^()]*?)\s*\((?P<inner>[^()]{1,200})\)")
_TWO_SENTENCES = re.compile(r"[a-z]{2}[.!?][\"”’)]?\s+[A-Z]")
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


@functools.cache
def load_tables() -> Tables:
    """The role and heading tables, loaded once per process."""
    roles = load_table("roles.json")
    cues = load_table("statement_cues.json")
    headings = alternation(cues["signatory_headings"])
    columns: dict[str, str] = {}
    for field_name, names in roles["table_columns"].items():
        for name in names:
            columns[name.casefold()] = field_name
    return Tables(
        # Plural roles too: "Joint Coordinators", "founders".
        roles=re.compile(rf"\b(?:{alternation(roles['roles'])})s?\b", re.IGNORECASE),
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


def split_words(text: str) -> list[str]:
    """The whitespace-separated words of a phrase."""
    return text.split()


def _is_name_token(token: str) -> bool:
    core = token.strip(".,'’\"")
    if not core or not core[0].isupper():
        return False
    return all(character.isalpha() or character in "-'’." for character in core)


def is_person_shaped(text: str, tables: Tables) -> bool:
    """2–4 capitalised name tokens (particles and honorifics aside), no organisation word."""
    tokens = split_words(text)
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
        word.casefold().strip(".,()'’\"") in tables.organization_words for word in split_words(text)
    )


def is_title_case(text: str, tables: Tables) -> bool:
    """Every word capitalised, a number, or a short function word ("of", "for", "and")."""
    words = split_words(text)
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


def has_organization_evidence(text: str, tables: Tables, gazetteer: Gazetteer) -> bool:
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
    if not text or len(text) > MAX_ITEM_CHARS or len(split_words(text)) > MAX_ITEM_WORDS:
        return False
    if sum(1 for character in text if character.isalpha()) < 2:
        return False
    if _TWO_SENTENCES.search(text) or text.endswith(":") or is_prose(text, tables):
        return False
    segments = split_segments(text)
    if not segments or len(segments) > MAX_SEGMENTS:
        return False
    first = text[segments[0][0] : segments[0][1]]
    if len(split_words(first)) > 8 and first.endswith("."):
        return False
    head, _ = split_parenthesis(first)
    return (
        is_person_shaped(first, tables)
        or is_person_shaped(head, tables)
        or is_organization_shaped(first, tables)
    )


def is_prose(text: str, tables: Tables) -> bool:
    """A sentence, not a name: mostly lowercase content words, or a long line ending in '.'."""
    words = split_words(text)
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
        and len(split_words(text)) <= 20
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
        and len(split_words(text)) <= MAX_SHORT_WORDS
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


def line_shapes(lines: Sequence[Line], tables: Tables) -> list[Shape]:
    return [line_shape(line, tables) for line in lines]


def block_starts(text: str, low: int, high: int) -> list[int]:
    """Offsets where a signatory block begins: a heading, a table, or a run of item lines."""
    tables = load_tables()
    lines = split_lines(text, low, high)
    shapes = line_shapes(lines, tables)
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
