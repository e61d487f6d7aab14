"""The visible text of a line of Markdown or HTML, with every character's source offset.

Letters and signatory pages come as Markdown, HTML fragments or plain text; the fields
of a signatory are values *as printed*: ``**Jane Doe**`` is "Jane Doe", ``[Amnesty](url)``
is "Amnesty" with the URL kept beside it, ``&amp;`` is "&". This module reads one line
(or one short span) and returns what a reader sees, keeping for each visible character
the offset of the source character it came from, so that findings still point into the
document's text.

Written by hand rather than with a Markdown library: the libraries (markdown-it,
mistune) build HTML and keep line numbers only, not the character offsets of inline
content, and the spans here must stay offsets into the unchanged text. The scan is one
pass with bounded look-ahead (link targets, tags and entities have length caps), so the
work is linear in the input.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Bounds of the look-ahead: a link's text and target, a tag, a nesting depth.
MAX_LINK_TEXT = 300
MAX_LINK_TARGET = 600
MAX_DEPTH = 3

_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9]{0,10})(?P<attributes>\s[^<>]{0,500})?\s*/?>"
)
_HREF = re.compile(r"""href\s*=\s*(?:"(?P<double>[^"]{0,600})"|'(?P<single>[^']{0,600})')""")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,10});")
_ATTRIBUTE_LIST = re.compile(r"\{:[^{}\n]{0,200}\}")
_ESCAPABLE = frozenset("\\`*_{}[]()#+-.!|<>~\"'")
# Inline tags that do not separate words; any other tag stands for a space.
_INLINE_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "span", "sup", "sub", "u", "small", "code", "font", "mark"}
)
_FRONT_MATTER_FENCE = re.compile(r"---[ \t]*\n")
_FRONT_MATTER_END = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?:\n|$)")
MAX_FRONT_MATTER_CHARS = 20_000
_TITLE_KEY = re.compile(r"^title:[ \t]*(?P<value>.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Link:
    """A link in the visible text: its text's visible offsets and its target as printed."""

    start: int
    end: int
    url: str


@dataclass(frozen=True)
class Visible:
    """Visible text, the source offset of each of its characters, and its links."""

    text: str
    offsets: tuple[int, ...]
    links: tuple[Link, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source offsets of the visible span ``[start, end)`` (end exclusive)."""
        if start >= end:
            position = self.offsets[start] if start < len(self.offsets) else 0
            return position, position
        return self.offsets[start], self.offsets[end - 1] + 1


class _Builder:
    def __init__(self) -> None:
        self.characters: list[str] = []
        self.offsets: list[int] = []
        self.links: list[Link] = []

    def add(self, text: str, offset: int) -> None:
        for character in text:
            if character.isspace():
                # Runs of whitespace read as one space; none at the start.
                if not self.characters or self.characters[-1] == " ":
                    continue
                character = " "
            self.characters.append(character)
            self.offsets.append(offset)

    def space(self, offset: int) -> None:
        self.add(" ", offset)

    def finish(self) -> Visible:
        while self.characters and self.characters[-1] == " ":
            self.characters.pop()
            self.offsets.pop()
        length = len(self.characters)
        links = tuple(
            Link(min(link.start, length), min(link.end, length), link.url)
            for link in self.links
            if min(link.end, length) > link.start
        )
        return Visible("".join(self.characters), tuple(self.offsets), links)


def _matching(source: str, start: int, end: int, opening: str, closing: str, cap: int) -> int:
    """The index of the bracket closing the one at ``start``, or -1 (bounded by ``cap``)."""
    depth = 0
    stop = min(end, start + cap)
    for index in range(start, stop):
        character = source[index]
        if character == opening:
            depth += 1
        elif character == closing:
            depth -= 1
            if depth == 0:
                return index
        elif character == "\n":
            return -1
    return -1


def _link_target(raw: str) -> str:
    target = raw.strip()
    if target.startswith("<") and ">" in target:
        target = target[1 : target.index(">")]
    # A title after the target ("url "title"") is not part of it.
    return target.split()[0] if target.split() else target


def _scan(source: str, start: int, end: int, builder: _Builder, depth: int) -> None:
    index = start
    open_link: tuple[int, str] | None = None
    while index < end:
        character = source[index]
        if character == "<":
            if source.startswith("<!--", index):
                close = source.find("-->", index + 4, end)
                index = end if close == -1 else close + 3
                continue
            tag = _TAG.match(source, index, end)
            if tag is not None:
                name = tag.group("name").casefold()
                if name == "a" and not tag.group("close"):
                    href = _HREF.search(tag.group("attributes") or "")
                    url = (href.group("double") or href.group("single") or "") if href else ""
                    open_link = (len(builder.characters), url.strip())
                elif name == "a" and open_link is not None:
                    if open_link[1]:
                        builder.links.append(
                            Link(open_link[0], len(builder.characters), open_link[1])
                        )
                    open_link = None
                elif name not in _INLINE_TAGS:
                    builder.space(index)
                index = tag.end()
                continue
        elif character == "&":
            entity = _ENTITY.match(source, index, end)
            if entity is not None:
                builder.add(html.unescape(entity.group()), index)
                index = entity.end()
                continue
        elif character == "\\" and index + 1 < end and source[index + 1] in _ESCAPABLE:
            builder.add(source[index + 1], index + 1)
            index += 2
            continue
        elif character == "!" and index + 1 < end and source[index + 1] == "[":
            close = _matching(source, index + 1, end, "[", "]", MAX_LINK_TEXT)
            if close != -1 and close + 1 < end and source[close + 1] == "(":
                target_end = _matching(source, close + 1, end, "(", ")", MAX_LINK_TARGET)
                if target_end != -1:
                    # An image shows no text a signatory is named by.
                    index = target_end + 1
                    continue
        elif character == "[":
            close = _matching(source, index, end, "[", "]", MAX_LINK_TEXT)
            if close != -1 and depth < MAX_DEPTH:
                following = source[close + 1] if close + 1 < end else ""
                if following == "(":
                    target_end = _matching(source, close + 1, end, "(", ")", MAX_LINK_TARGET)
                    if target_end != -1:
                        link_start = len(builder.characters)
                        _scan(source, index + 1, close, builder, depth + 1)
                        url = _link_target(source[close + 2 : target_end])
                        if url and len(builder.characters) > link_start:
                            builder.links.append(Link(link_start, len(builder.characters), url))
                        index = target_end + 1
                        continue
                elif following == "[":
                    reference_end = _matching(source, close + 1, end, "[", "]", MAX_LINK_TEXT)
                    if reference_end != -1:
                        _scan(source, index + 1, close, builder, depth + 1)
                        index = reference_end + 1
                        continue
        elif character in "*`~":
            # Emphasis, code and strike-through marks; an asterisk marking a note too.
            index += 1
            continue
        elif character == "_":
            before = source[index - 1] if index > start else " "
            after = source[index + 1] if index + 1 < end else " "
            if not (before.isalnum() and after.isalnum()):
                index += 1
                continue
        elif character == "{" and source.startswith("{:", index):
            attributes = _ATTRIBUTE_LIST.match(source, index, end)
            if attributes is not None:
                index = attributes.end()
                continue
        builder.add(character, index)
        index += 1


# Characters that may start markup, entities or escapes, and whitespace other than a
# single space: text without any of them is shown as it is.
_MARKUP_OR_SPACING = re.compile(r"[<&\\\[\]!*`~_{\t\n\r\f\v\u00a0]|  ")


def visible(source: str, start: int = 0, end: int | None = None) -> Visible:
    """The visible text of ``source[start:end]``: markup removed, whitespace folded."""
    stop = len(source) if end is None else end
    plain = source[start:stop]
    if (
        _MARKUP_OR_SPACING.search(plain) is None
        and plain[:1] != " "
        and plain[-1:] != " "
        and plain.isprintable()
    ):
        # Most lines of a list hold no markup: no need to read them character by character.
        return Visible(plain, tuple(range(start, stop)), ())
    builder = _Builder()
    _scan(source, start, stop, builder, 0)
    return builder.finish()


def front_matter_end(text: str) -> int:
    """The offset just after a YAML front matter block at the start of ``text``, or 0."""
    if _FRONT_MATTER_FENCE.match(text) is None:
        return 0
    closing = _FRONT_MATTER_END.search(text, 3, min(len(text), MAX_FRONT_MATTER_CHARS))
    if closing is None:
        return 0
    return closing.end()


def front_matter_title(text: str) -> tuple[str, int, int] | None:
    """The front matter's ``title`` (folded YAML lines joined), with its source span."""
    stop = front_matter_end(text)
    if stop == 0:
        return None
    match = _TITLE_KEY.search(text, 0, stop)
    if match is None:
        return None
    value_start = match.start("value")
    value_end = match.end("value")
    # Folded continuation lines are indented.
    position = value_end
    while position + 1 < stop and text[position] == "\n" and text[position + 1] in " \t":
        line_end = text.find("\n", position + 1, stop)
        line_end = stop if line_end == -1 else line_end
        value_end = line_end
        position = line_end
    raw = text[value_start:value_end]
    value = " ".join(raw.split())
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
        value_start = text.index(raw.strip()[0], value_start) + 1
        value_end = text.rindex(raw.strip()[-1], value_start, value_end + 1)
    return (value, value_start, value_end) if value else None


_FIRST_HEADING = re.compile(
    r"[ \t]*(?:#[ \t]+(?P<markdown>[^\n]{1,500})|<h1\b[^<>\n]{0,200}>(?P<html>[^\n]{1,800}?)</h1>)",
    re.IGNORECASE,
)


def markup_title(text: str) -> tuple[str, int, int] | None:
    """The title a Markdown or HTML document gives itself, with its source span.

    The front matter's ``title``, else a first non-blank line that is a level-one heading
    (``# Title`` or ``<h1>Title</h1>``); None for text that opens otherwise.
    """
    title = front_matter_title(text)
    if title is not None:
        return title
    position = front_matter_end(text)
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    if position > MAX_FRONT_MATTER_CHARS:
        return None
    line_end = text.find("\n", position)
    line_end = len(text) if line_end == -1 else line_end
    match = _FIRST_HEADING.match(text, position, line_end)
    if match is None:
        return None
    group = "markdown" if match.group("markdown") is not None else "html"
    start, end = match.span(group)
    while end > start and text[end - 1] in "# \t":
        end -= 1
    shown = visible(text, start, end)
    if not shown.text:
        return None
    span_start, span_end = shown.source_span(0, len(shown.text))
    return shown.text, span_start, span_end
