"""Lists of names as documents lay them out: lines, their shapes, where a block starts.

A signatory block is a heading ("Signed by:"), a Markdown table, or a run of lines each
shaped like one name with its affiliation. The statements stage needs to know where such
a block starts (a statement ends there) and the signatories stage parses the block, so the
reading of line shapes lives here, in one place, with the role and heading tables from
``data/roles.json`` and ``data/statement_cues.json``.

All work is line by line with bounded patterns, so the time is linear in the text.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from claimscope.data import load_table
from claimscope.gazetteer import Gazetteer
from claimscope.text.markup import Visible, front_matter_end, front_matter_title, visible
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
_SEPARATOR = re.compile(r"[,;]| [-–—] ")


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
    lowercase_exception_spellings: frozenset[str]
    table_columns: dict[str, str]
    heading_line: re.Pattern[str]
    heading_intro: re.Pattern[str]
    heading_word: re.Pattern[str]
    closing: re.Pattern[str]
    block_labels: frozenset[str]
    instruction: re.Pattern[str]
    post_nominals: frozenset[str]
    no_affiliation: frozenset[str]
    sub_units: frozenset[str]
    organization_labels: frozenset[str]
    people_labels: frozenset[str]


def _lowercase_spellings(words: Sequence[str]) -> frozenset[str]:
    """Every ASCII spelling with a lowercase initial of the ASCII words ("of": "of", "oF"):
    in ASCII text, the words that case-fold to one of them and start in lowercase."""
    spellings: set[str] = set()
    for word in {word.casefold() for word in words}:
        if word.isascii() and word[:1].islower():
            rest = [(character, character.upper()) for character in word[1:]]
            spellings.update(word[0] + "".join(tail) for tail in itertools.product(*rest))
    return frozenset(spellings)


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
        lowercase_exception_spellings=_lowercase_spellings(roles["title_case_exceptions"]),
        table_columns=columns,
        heading_line=re.compile(
            rf"[#>*_ \t]{{0,8}}(?:{headings})[ \t]*[*_]{{0,4}}[ \t]*"
            rf"(?:[:：\-–—][ \t]*[*_]{{0,4}}[ \t]*(?P<rest>.*))?",
            re.IGNORECASE,
        ),
        heading_intro=re.compile(rf"\b(?:{headings})\b", re.IGNORECASE),
        heading_word=re.compile(
            rf"\b(?:{alternation(cues['signatory_headings'] + cues['signatory_heading_words'])})\b",
            re.IGNORECASE,
        ),
        closing=re.compile(rf"(?:{alternation(cues['closings'])})[ \t]*[,.!:]?", re.IGNORECASE),
        block_labels=frozenset(label.casefold() for label in cues["block_labels"]),
        instruction=re.compile(rf"(?:{alternation(cues['sign_instructions'])})\b", re.IGNORECASE),
        post_nominals=frozenset(word.casefold() for word in roles["post_nominals"]),
        no_affiliation=frozenset(word.casefold() for word in roles["no_affiliation"]),
        sub_units=frozenset(word.casefold() for word in roles["sub_units"]),
        organization_labels=frozenset(word.casefold() for word in cues["organization_labels"]),
        people_labels=frozenset(word.casefold() for word in cues["people_labels"]),
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


def prefix_end(text: str) -> int:
    """Where a line's bullet or number prefix ("1.", "1)", "-", "*", "•") ends; 0 if none."""
    match = _PREFIX.match(text)
    return 0 if match is None else match.end()


def strip_prefix(line: Line) -> Line:
    """The line without its bullet or number prefix ("1.", "1)", "-", "*", "•")."""
    cut = prefix_end(line.text)
    if not cut:
        return line
    return Line(line.start + cut, line.end, line.text[cut:])


def split_words(text: str) -> list[str]:
    """The whitespace-separated words of a phrase."""
    return text.split()


def _is_name_token(token: str) -> bool:
    core = token.strip(".,'’\"")
    if not core or not core[0].isupper():
        return False
    return all(character.isalpha() or character in "-'’." for character in core)


def is_person_shaped(text: str, tables: Tables, capitals: bool = False) -> bool:
    """2–4 capitalised name tokens (particles and honorifics aside), no organisation word.

    Names all in capitals ("MOSHE BEHAR") count only with ``capitals``: inside a block
    already known to list signatories; elsewhere two capitalised words are more often
    acronyms or a heading.
    """
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
    return 2 <= capitalised <= 4 and (mixed_case or capitals)


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
    if sum(map(str.isalpha, text)) < 2:
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
    # A closing full stop makes a sentence likelier, so fewer lowercase words suffice.
    factor = 4 if text.endswith(".") else 2
    # List detection asks this of every line of every document, so the count is first
    # bounded with loops that run in C: the words with a lowercase initial, less those
    # that case-fold to a title-case exception ("of", "and"). Only a line between the
    # bounds needs the exact count.
    most = sum(map(str.islower, map(_first_character, words)))
    if factor * most <= len(words):
        return False
    if text.isascii():
        # Exact: in ASCII a word case-folds to an exception with a lowercase initial if
        # and only if it is one of that exception's spellings.
        lowercase = most - sum(map(tables.lowercase_exception_spellings.__contains__, words))
        return factor * lowercase > len(words)
    least = most - sum(map(tables.title_case_exceptions.__contains__, map(str.casefold, words)))
    if factor * least > len(words):
        return True
    lowercase = sum(
        1
        for word in words
        if word[:1].islower() and word.casefold() not in tables.title_case_exceptions
    )
    return factor * lowercase > len(words)


_first_character = operator.itemgetter(0)


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
    """Classify one line for a finder of list-shaped runs (corpus list parts)."""
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


def line_shapes(lines: Sequence[Line], tables: Tables) -> list[Shape]:
    """The shape of each line."""
    return [line_shape(line, tables) for line in lines]


def split_segments(text: str) -> list[tuple[int, int]]:
    """Offsets of the comma-, semicolon- or spaced-dash-separated parts, outside parentheses."""
    segments: list[tuple[int, int]] = []
    depth = 0
    start = 0
    index = 0
    length = len(text)
    if "(" not in text and ")" not in text:
        # Without parentheses every separator cuts: one regex pass finds the same cuts as
        # the character loop below (leftmost first, a spaced dash taken whole).
        for match in _SEPARATOR.finditer(text):
            segments.append((start, match.start()))
            start = match.end()
        index = length
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


# --- rows: the lines of a list as a reader sees them --------------------------------------

_NUMBER_NO_SPACE = re.compile(r"\d{1,3}\.(?=[^\W\d_])")
_NUMBER_ALONE = re.compile(r"(?:\(?\d{1,3}[.)]|\(\d{1,3}\)|#\d{1,3}\.?)")
_BREAK_TAG = re.compile(r"<br[ \t]*/?>", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"(?P<hashes>#{1,6})[ \t]+")
_HTML_HEADING = re.compile(r"<h(?P<level>[1-6])\b", re.IGNORECASE)
_RULE = re.compile(r"(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}")
_TABLE_SEPARATOR_ROW = re.compile(r"\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?")
_COUNT = re.compile(r"\d")
# Rows joined into one entry: a number alone, an open parenthesis, a word broken at a hyphen.
MAX_JOINED_LINES = 3
MAX_INTRO_ROWS = 12
MIN_ITEMS_STANDALONE = 3
MAX_ENTRY_CHARS = 400
# Rows read past the last entry (or the block's start) before a block ends: far more than
# the notes, comments and labels inside a real list, and a bound on the rows each of many
# headings in a row re-reads.
MAX_GAP_ROWS = 60


class Kind(Enum):
    """What a row is, before its words are read."""

    BLANK = "blank"
    RULE = "rule"
    HEADING = "heading"
    TABLE = "table"
    SEPARATOR = "separator"
    TEXT = "text"
    NUMBER = "number"


@dataclass(frozen=True)
class Row:
    """One row of the text: a line, or a part of one cut at ``<br>``.

    ``start``/``end`` bound its content without list marker, heading marks, trailing
    ``<br>`` or hard break; ``visible`` is that content as a reader sees it.
    """

    start: int
    end: int
    kind: Kind
    visible: Visible
    line: int
    marker: bool = False
    level: int = 0
    bold: bool = False
    broken: bool = False

    @property
    def text(self) -> str:
        """The visible text."""
        return self.visible.text


def _strip_break(text: str, start: int, end: int) -> int:
    """The end of a row without a trailing hard break (``\\``, kramdown ``\\\\``)."""
    stop = end
    while stop > start and text[stop - 1] in " \t":
        stop -= 1
    backslashes = 0
    while stop > start and text[stop - 1] == "\\" and backslashes < 2:
        stop -= 1
        backslashes += 1
    if backslashes:
        while stop > start and text[stop - 1] in " \t":
            stop -= 1
        return stop
    return end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _make_row(text: str, start: int, end: int, line: int) -> Row:
    start, end = _trimmed(text, start, end)
    unbroken_end = end
    end = _strip_break(text, start, end)
    content = text[start:end]
    if not content:
        return Row(start, start, Kind.BLANK, visible(""), line)
    if _RULE.fullmatch(content):
        return Row(start, end, Kind.RULE, visible(""), line)
    if "-" in content and _TABLE_SEPARATOR_ROW.fullmatch(content) and "|" in content:
        return Row(start, end, Kind.SEPARATOR, visible(""), line)
    heading = _MARKDOWN_HEADING.match(content)
    if heading is not None:
        body_start = start + heading.end()
        body_end = end
        while body_end > body_start and text[body_end - 1] in "# \t":
            body_end -= 1
        shown = visible(text, body_start, body_end)
        return Row(body_start, body_end, Kind.HEADING, shown, line, level=len(heading["hashes"]))
    html_heading = _HTML_HEADING.match(content)
    if html_heading is not None:
        shown = visible(text, start, end)
        return Row(start, end, Kind.HEADING, shown, line, level=int(html_heading["level"]))
    if content.startswith("|") and content.count("|") >= 2:
        return Row(start, end, Kind.TABLE, visible(text, start, end), line)
    marker = _PREFIX.match(content) or _NUMBER_NO_SPACE.match(content)
    if marker is None and _NUMBER_ALONE.fullmatch(content):
        return Row(start, end, Kind.NUMBER, visible(""), line, marker=True)
    if content.startswith("> "):
        start += 2
    elif marker is not None:
        start = start + marker.end()
    start, end = _trimmed(text, start, end)
    shown = visible(text, start, end)
    if not shown.text:
        return Row(start, start, Kind.BLANK, shown, line)
    stripped = content.strip("*_ \t")
    bold = content.startswith(("**", "__")) and stripped.count("**") == 0 and len(stripped) > 0
    bold = bold and content.rstrip(":").endswith(("**", "__"))
    return Row(
        start,
        end,
        Kind.TEXT,
        shown,
        line,
        marker=marker is not None,
        bold=bold,
        broken=end != unbroken_end,
    )


def _join(text: str, first: Row, second: Row) -> Row:
    """One entry printed over two lines; a word broken at a hyphen is joined without space."""
    if first.text.endswith("-") and not first.text.endswith(" -"):
        head, tail = first.visible, second.visible
        links = head.links + tuple(
            type(link)(link.start + len(head.text), link.end + len(head.text), link.url)
            for link in tail.links
        )
        shown = Visible(head.text + tail.text, head.offsets + tail.offsets, links)
    else:
        shown = visible(text, first.start, second.end)
    return Row(first.start, second.end, Kind.TEXT, shown, second.line, marker=first.marker)


def _continues(row: Row) -> bool:
    shown = row.text
    return shown.count("(") > shown.count(")") or (shown.endswith("-") and not shown.endswith(" -"))


def split_rows(text: str, low: int, high: int) -> list[Row]:
    """The rows of ``text[low:high]``: lines cut at ``<br>``, comments and front matter out."""
    return list(_split_rows(text, low, high))


# The statements and signatories stages, one after the other, read the rows of one
# document, often of the same span: the last reading is kept (rows are immutable).
@functools.lru_cache(maxsize=1)
def _split_rows(text: str, low: int, high: int) -> tuple[Row, ...]:
    rows: list[Row] = []
    position = low
    front_end = front_matter_end(text)
    if low < front_end <= high:
        title = front_matter_title(text)
        if title is not None:
            rows.append(Row(title[1], title[2], Kind.HEADING, visible(title[0]), 0, level=1))
        position = front_end
    line = 0
    in_comment = False
    while position <= high:
        newline = text.find("\n", position, high)
        stop = high if newline == -1 else newline
        line += 1
        segment_start = position
        if in_comment:
            close = text.find("-->", position, stop)
            if close == -1:
                # A comment left open ends at a blank line, so that one stray mark does
                # not hide the rest of the document.
                if not text[position:stop].strip():
                    in_comment = False
                segment_start = stop
            else:
                in_comment = False
                segment_start = close + 3
        else:
            opening = text.find("<!--", position, stop)
            if opening != -1 and text.find("-->", opening + 4, stop) == -1:
                in_comment = True
                stop_here = opening
                rows.extend(_line_rows(text, segment_start, stop_here, line))
                segment_start = stop
        if segment_start < stop:
            rows.extend(_line_rows(text, segment_start, stop, line))
        elif not rows or rows[-1].line != line:
            rows.append(Row(stop, stop, Kind.BLANK, visible(""), line))
        if newline == -1:
            break
        position = newline + 1
    return tuple(_merge_rows(text, _mark_tables(rows)))


def _line_rows(text: str, start: int, stop: int, line: int) -> list[Row]:
    pieces: list[Row] = []
    cut = start
    for match in _BREAK_TAG.finditer(text, start, stop):
        piece = _make_row(text, cut, match.start(), line)
        pieces.append(dataclasses.replace(piece, broken=True))
        cut = match.end()
    if cut < stop or not pieces:
        pieces.append(_make_row(text, cut, stop, line))
    return pieces


def _mark_tables(rows: list[Row]) -> list[Row]:
    """Rows of a table without outer pipes: the header above a separator and rows below."""
    for index, row in enumerate(rows):
        if row.kind is not Kind.SEPARATOR:
            continue
        if index > 0 and rows[index - 1].kind is Kind.TEXT and "|" in rows[index - 1].text:
            rows[index - 1] = _as_table(rows[index - 1])
        following = index + 1
        while following < len(rows) and rows[following].kind is Kind.TEXT:
            if "|" not in rows[following].text:
                break
            rows[following] = _as_table(rows[following])
            following += 1
    return rows


def _as_table(row: Row) -> Row:
    return Row(row.start, row.end, Kind.TABLE, row.visible, row.line, marker=row.marker)


def _merge_rows(text: str, rows: list[Row]) -> list[Row]:
    merged: list[Row] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        following = rows[index + 1] if index + 1 < len(rows) else None
        if (
            row.kind is Kind.NUMBER
            and following is not None
            and following.kind is Kind.TEXT
            and following.line == row.line + 1
            and not following.marker
        ):
            # "100.\nThe Center for Health, ..." is one numbered entry.
            merged.append(
                Row(
                    following.start,
                    following.end,
                    Kind.TEXT,
                    following.visible,
                    following.line,
                    marker=True,
                )
            )
            index += 2
            continue
        joined = 0
        while (
            row.kind is Kind.TEXT
            and not row.broken
            and joined < MAX_JOINED_LINES
            and _continues(row)
            and index + 1 < len(rows)
            and rows[index + 1].kind is Kind.TEXT
            and rows[index + 1].line == row.line + 1
            and not rows[index + 1].marker
            and text.find("\n", row.end, rows[index + 1].start) != -1
        ):
            row = _join(text, row, rows[index + 1])
            index += 1
            joined += 1
        merged.append(row)
        index += 1
    return merged


# --- blocks: where signatories are listed --------------------------------------------------


class Verdict(Enum):
    """What a row inside a signatory block is."""

    ENTRY = "entry"
    SKIP = "skip"
    STOP = "stop"


@dataclass(frozen=True)
class Entry:
    """A row that names one signatory; table rows carry their table's header."""

    row: Row
    header: tuple[str | None, ...] | None = None
    group: str | None = None
    """What the label above the entry says its signers are: "people", "organizations"."""


def by_header(entry: Entry) -> bool:
    """Whether an entry is a table row read by its header's column names."""
    return entry.row.kind is Kind.TABLE and entry.header is not None


@dataclass
class Block:
    """A signatory block: where it starts (its heading or first entry) and its entries."""

    start: int
    entries: list[Entry]
    after_statement: int | None = None


def table_cells(row: Row, text: str) -> list[tuple[int, int]]:
    """The source spans of a table row's cells (outer pipes and padding left out)."""
    cells: list[tuple[int, int]] = []
    start = row.start
    end = row.end
    if text.startswith("|", start):
        start += 1
    if end > start and text[end - 1] == "|" and text[end - 2 : end] != "\\|":
        end -= 1
    cut = start
    depth = 0
    for index in range(start, end):
        character = text[index]
        # A pipe inside a link's text or target does not split cells.
        if character in "[(":
            depth += 1
        elif character in "])":
            depth = max(0, depth - 1)
        elif character == "|" and depth == 0 and text[index - 1] != "\\":
            cells.append(_trimmed(text, cut, index))
            cut = index + 1
    cells.append(_trimmed(text, cut, end))
    return cells


def table_header(row: Row, text: str, tables: Tables) -> tuple[str | None, ...] | None:
    """The field each column names, when the row is a header naming a person or organisation."""
    names: list[str | None] = []
    for start, end in table_cells(row, text):
        label = " ".join(visible(text, start, end).text.casefold().split()).strip(" *_:")
        names.append(tables.table_columns.get(label))
    if any(name in ("person", "organization") for name in names):
        return tuple(names)
    return None


def is_signatory_heading(row: Row, tables: Tables) -> bool:
    """A heading that announces signatories ("# Signatories", "<h2>Signatures</h2>",
    "**Signed by:**", "Endorsed by:")."""
    shown = row.text
    if not shown or len(shown) > MAX_ITEM_CHARS:
        return False
    if row.kind is Kind.HEADING:
        return tables.heading_word.search(shown) is not None or _column_header(shown, tables)
    if row.kind is not Kind.TEXT:
        return False
    return heading_rest(Line(row.start, row.end, shown), tables) is not False


def _column_header(shown: str, tables: Tables) -> bool:
    """A heading that names the columns of the lines below ("Name, Institution")."""
    parts = [part.strip().casefold() for part in re.split(r"[,|/]", shown)]
    named = [tables.table_columns.get(part) for part in parts if part]
    return len(named) >= 2 and all(named) and "person" in named


def is_closing(row: Row, tables: Tables) -> bool:
    """A letter's closing line: "Yours sincerely,", "Signed,", "Respectfully,"."""
    if row.kind is not Kind.TEXT or len(row.text) > 40:
        return False
    return tables.closing.fullmatch(row.text) is not None


def _is_label(row: Row, tables: Tables) -> bool:
    """A label that splits a list ("### Individuals", "**Organizations**:", "Global")."""
    shown = row.text.strip(" :").casefold()
    if shown in tables.block_labels:
        return True
    if row.bold or row.kind is Kind.HEADING:
        words = shown.split()
        return (
            bool(words)
            and len(words) <= 8
            and (
                any(word.strip(".,&") in tables.block_labels for word in words)
                or tables.heading_word.search(shown) is not None
            )
        )
    return False


def label_group(shown: str, tables: Tables) -> str | None:
    """ "people" or "organizations" for a label that says who signs below it
    ("### Individuals", "**Civil Society Organizations**:"), else None ("Global")."""
    words = {word.strip(" :.,&*").casefold() for word in shown.split()}
    if words & tables.organization_labels:
        return "organizations"
    if words & tables.people_labels:
        return "people"
    return None


def _first_segment(shown: str) -> str:
    cut = len(shown)
    for separator in (",", ";", " / ", " – ", " — ", " - ", " | ", "("):
        position = shown.find(separator)
        if position > 0:
            cut = min(cut, position)
    return shown[:cut].strip()


def _is_pseudonym(segment: str) -> bool:
    """One token as a name: a handle, a pseudonym ("@ktemkin", "sbi", "comma-tose")."""
    words = segment.split()
    if len(words) == 2 and words[1].startswith("<") and "@" in words[1]:
        words = words[:1]
    if len(words) != 1 or len(words[0]) > 40:
        return False
    return all(character.isalnum() or character in "-_.@'’" for character in words[0])


def entry_shaped(shown: str, tables: Tables, in_block: bool) -> bool:
    """Whether the visible text of a row names a signatory (in a known block, or anywhere)."""
    if not shown or len(shown) > MAX_ENTRY_CHARS or len(split_words(shown)) > 45:
        return False
    if sum(1 for character in shown if character.isalpha()) < 2:
        return False
    first = _first_segment(shown)
    head, _ = split_parenthesis(first)
    # A date or a figure first ("12 April 2023, Geneva") names no signatory.
    if first[:1].isdigit():
        return False
    if (
        is_person_shaped(first, tables, capitals=in_block)
        or is_person_shaped(head, tables, capitals=in_block)
        or is_organization_shaped(first, tables)
    ):
        return True
    if not in_block:
        return False
    if _is_pseudonym(first):
        return True
    # "david sorkin, Yale University": a short first part followed by others.
    return len(first.split()) <= 5 and len(first) < len(shown) and first[:1].isalpha()


def verdict(row: Row, tables: Tables) -> Verdict:
    """Whether a text row inside a signatory block is an entry, to skip, or its end."""
    shown = row.text
    if not shown:
        return Verdict.SKIP
    if shown.startswith(("...", "…")) or tables.instruction.search(shown) is not None:
        # A count ("333 total signers as of ...") is a note; instructions end the list.
        if _COUNT.search(shown) is not None and not shown.endswith(":"):
            return Verdict.SKIP
        return Verdict.STOP if is_prose(shown, tables) or shown.endswith(":") else Verdict.SKIP
    if _is_label(row, tables) or is_signatory_heading(row, tables) or is_closing(row, tables):
        return Verdict.SKIP
    if shown.endswith(":"):
        return Verdict.STOP
    if (shown[0], shown[-1]) in {("[", "]"), ("(", ")")}:
        return Verdict.SKIP
    if shown.casefold().startswith(("to:", "cc:", "dear ", "re:", "date:")):
        return Verdict.STOP
    if len(shown) > MAX_ENTRY_CHARS:
        return Verdict.STOP
    # A name first and its description after it is an entry, however many lowercase
    # words the description has ("Kellie Tranter, lawyer and human rights activist").
    if entry_shaped(shown, tables, in_block=False) and not _sentence(shown):
        return Verdict.ENTRY
    if is_prose(shown, tables):
        return Verdict.STOP
    if entry_shaped(shown, tables, in_block=True):
        return Verdict.ENTRY
    return Verdict.SKIP


def _sentence(shown: str) -> bool:
    """A row that reads as a sentence: long, closed by a full stop, with a verb-like start."""
    words = split_words(shown)
    return len(words) > 12 and shown.endswith(".") and _TWO_SENTENCES.search(shown) is not None


def _next_content(rows: Sequence[Row], index: int) -> int:
    while index < len(rows) and rows[index].kind in (Kind.BLANK, Kind.SEPARATOR):
        index += 1
    return index


def _collect(
    rows: Sequence[Row],
    text: str,
    index: int,
    used: list[bool],
    tables: Tables,
    level: int,
    intro_budget: int,
) -> list[Entry]:
    """The entries from ``index`` on, crossing blank rows, labels, notes and comments."""
    entries: list[Entry] = []
    header: tuple[str | None, ...] | None = None
    group: str | None = None
    intro = intro_budget
    stop_at = index + MAX_GAP_ROWS
    while index < len(rows) and not used[index] and index < stop_at:
        if entries and entries[-1].row is rows[index - 1]:
            stop_at = index + MAX_GAP_ROWS
        row = rows[index]
        kind = row.kind
        if kind in (Kind.BLANK, Kind.SEPARATOR, Kind.NUMBER):
            index += 1
            continue
        if kind is Kind.RULE:
            following = _next_content(rows, index + 1)
            if entries and not (
                following < len(rows)
                and rows[following].kind in (Kind.TEXT, Kind.TABLE)
                and verdict(rows[following], tables) is Verdict.ENTRY
            ):
                break
            index += 1
            continue
        if kind is Kind.HEADING:
            if _is_label(row, tables) or is_signatory_heading(row, tables):
                used[index] = True
                stop_at = index + 1 + MAX_GAP_ROWS
                index += 1
                header = None
                group = label_group(row.text, tables)
                continue
            if not entries and intro > 0 and row.level > level:
                intro -= 1
                index += 1
                continue
            break
        if kind is Kind.TABLE:
            following = index + 1
            if following < len(rows) and rows[following].kind is Kind.SEPARATOR:
                header = table_header(row, text, tables)
                used[index] = True
                index += 1
                continue
            if tables.instruction.search(row.text) is None:
                entries.append(Entry(row, header, group))
            used[index] = True
            index += 1
            continue
        header = None
        if _is_label(row, tables):
            group = label_group(row.text, tables)
        elif is_signatory_heading(row, tables):
            # A second heading read inside this block opens no block of its own: its
            # entries are this block's. Marked read, so that a run of headings is read once.
            used[index] = True
            stop_at = index + 1 + MAX_GAP_ROWS
        decision = verdict(row, tables)
        if decision is Verdict.ENTRY:
            entries.append(Entry(row, group=group))
            used[index] = True
        elif decision is Verdict.STOP:
            if entries or intro <= 0:
                break
            intro -= 1
        index += 1
    return entries


def _standalone_entry(row: Row, tables: Tables) -> bool:
    """A row that can start or extend a list found without any heading."""
    if row.kind is Kind.TABLE:
        return True
    if row.kind is not Kind.TEXT:
        return False
    shown = row.text
    if not (row.marker or row.broken or len(split_segments(shown)) >= 2):
        return False
    if shown.endswith(":") or is_prose(shown, tables) or _TWO_SENTENCES.search(shown):
        return False
    if len(shown) > MAX_ITEM_CHARS or len(split_words(shown)) > MAX_ITEM_WORDS:
        return False
    return entry_shaped(shown, tables, in_block=False)


def _is_wrapped_prose(rows: Sequence[Row], tables: Tables) -> bool:
    """A paragraph hard-wrapped into short lines, or a list of figures, not of names."""
    with_digits = 0
    for row in rows:
        shown = row.text
        if shown[:1].islower():
            return True
        words = split_words(shown)
        if words and words[-1].casefold() in tables.wrap_words:
            return True
        if any(character.isdigit() for character in shown):
            with_digits += 1
    return 2 * with_digits > len(rows)


def _row_at(rows: Sequence[Row], offset: int) -> int:
    low, high = 0, len(rows)
    while low < high:
        middle = (low + high) // 2
        if rows[middle].start < offset:
            low = middle + 1
        else:
            high = middle
    return low


def find_blocks(
    text: str,
    low: int,
    high: int,
    statement_ends: Sequence[int] = (),
    standalone_from: int = 0,
) -> tuple[list[Row], list[Block]]:
    """The rows of ``text[low:high]`` and its signatory blocks.

    A block opens at a signatory heading, a letter's closing, a table whose header names
    a person or organisation column, or the end of a statement; or it is a run of at
    least three list-shaped rows that name people or organisations. The whole text being
    one such list is a block too, however short. A list without a heading must reach
    ``standalone_from`` (the body's start), so that a news article's header lines are
    not read as one.
    """
    tables = load_tables()
    rows = split_rows(text, low, high)
    used = [False] * len(rows)
    # (first row to read, the trigger row or -1, intro rows allowed, statement number)
    triggers: list[tuple[int, int, int, int | None]] = []
    for index, row in enumerate(rows):
        if row.kind is Kind.HEADING and is_signatory_heading(row, tables):
            triggers.append((index + 1, index, MAX_INTRO_ROWS, None))
        elif row.kind is Kind.TEXT and (
            is_signatory_heading(row, tables) or is_closing(row, tables)
        ):
            triggers.append((index + 1, index, 0, None))
        elif (
            row.kind is Kind.TABLE
            and index + 1 < len(rows)
            and rows[index + 1].kind is Kind.SEPARATOR
            and table_header(row, text, tables) is not None
        ):
            triggers.append((index, -1, 0, None))
    for number, end in enumerate(statement_ends):
        triggers.append((_row_at(rows, end), -1, 0, number))
    triggers.sort(key=lambda trigger: trigger[0])
    blocks: list[Block] = []
    for first, trigger, budget, statement in triggers:
        if trigger >= 0:
            if used[trigger]:
                continue
            used[trigger] = True
        trigger_row = rows[trigger] if trigger >= 0 else None
        level = trigger_row.level if trigger_row and trigger_row.kind is Kind.HEADING else 7
        entries = _collect(rows, text, first, used, tables, level, budget)
        if entries:
            start = trigger_row.start if trigger_row is not None else entries[0].row.start
            blocks.append(Block(start, entries, statement))
    blocks.extend(
        block
        for block in _standalone_blocks(rows, used, tables)
        if block.entries[-1].row.end >= standalone_from
    )
    blocks.sort(key=lambda block: block.start)
    return rows, blocks


def _standalone_blocks(rows: Sequence[Row], used: list[bool], tables: Tables) -> list[Block]:
    content = [index for index, row in enumerate(rows) if row.kind is not Kind.BLANK]
    blocks: list[Block] = []
    index = 0
    while index < len(rows):
        if used[index] or not _standalone_entry(rows[index], tables):
            index += 1
            continue
        run = [index]
        position = index + 1
        while position < len(rows) and not used[position]:
            row = rows[position]
            if row.kind in (Kind.BLANK, Kind.SEPARATOR):
                position += 1
                continue
            if not _standalone_entry(row, tables):
                break
            run.append(position)
            position += 1
        text_rows = [rows[item] for item in run if rows[item].kind is Kind.TEXT]
        whole = run == content
        after = _next_content(rows, position)
        # An address block ("Rt Hon ...\ Ministry of Justice\ London") opens a letter.
        addressed = after < len(rows) and rows[after].text.casefold().startswith("dear ")
        if (
            (len(run) >= MIN_ITEMS_STANDALONE or whole)
            and not addressed
            and not (text_rows and _is_wrapped_prose(text_rows, tables))
        ):
            for item in run:
                used[item] = True
            blocks.append(Block(rows[run[0]].start, [Entry(rows[item]) for item in run]))
        index = max(position, index + 1)
    return blocks


def block_starts(text: str, low: int, high: int) -> list[int]:
    """Offsets where a signatory block begins: its heading, closing or first entry."""
    _, blocks = find_blocks(text, low, high)
    return [block.start for block in blocks]
