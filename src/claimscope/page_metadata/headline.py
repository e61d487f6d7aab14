"""The headline a page's declarations agree on, and the site name removed from titles.

Nothing is stripped from a title without a site name the page declares (``og:site_name``,
the JSON-LD publisher or WebSite, a piece of the ``<title>`` another declaration reveals
as the site) or the page's host to match it: a headline's own colon or dash stays.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from claimscope.document import Declared
from claimscope.page_metadata.declarations import PageMetadata, fold_space

# What separates a site name from the headline in a title: " - ", " | ", " » ", "Site: …";
# CJK titles often use the separator without spaces ("标题-新华网", "NEWS WEB EASY|見出し").
_SEPARATOR_RE = re.compile(
    r"[ ]{1,3}[-–—|»«·•:/~][ ]{1,3}|[ ]{0,3}[|｜_][ ]{0,3}|:[ ]{1,3}|[ ]{0,3}::[ ]{0,3}"
    r"|(?<=[^\x00-\x7f])[-–—](?=[^\x00-\x7f])"
)
_NOT_ALPHANUMERIC_RE = re.compile(r"[\W_]+")
# A piece that is only a date ("08.11.2021 | Headline") is no part of the headline.
_DATE_PIECE_RE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
# Host labels that say nothing about the site's name.
_HOST_NOISE = frozenset({"www", "m", "amp", "mobile", "blog", "blogs", "news"})
_QUOTES = str.maketrans({"’": "'", "‘": "'", "‚": "'", "`": "'", "“": '"', "”": '"', "„": '"'})
MIN_LOOSE_KEY = 4
"""Shortest site key matched as a prefix or suffix of a title piece ("Helge.at", "helge")."""
MAX_LOOSE_WORDS = 4
"""Longest piece matched loosely: a site's name is short, a sentence starting with it is
a headline ("Trome celebró con las mamitas" on trome.pe)."""


def site_keys(site_names: Iterable[str], url: str | None) -> set[str]:
    """The forms of the page's site names and host to compare title pieces with."""
    keys = {_key(name) for name in site_names} - {""}
    if url:
        host = (urlsplit(url).hostname or "").casefold()
        labels = [label for label in host.split(".") if label not in _HOST_NOISE]
        # The name is a label before the public suffix, a subdomain can be the name too
        # ("tonedeaf.thebrag.com"), and some names span two labels ("helge.at").
        for label in labels[:-1]:
            if len(label) >= 3:
                keys.add(_key(label))
        if len(labels) >= 2:
            keys.add(_key("".join(labels[-2:])))
    return keys


def _key(text: str) -> str:
    key = _NOT_ALPHANUMERIC_RE.sub("", text.casefold())
    return key[3:] if key.startswith("the") and len(key) > 6 else key


def is_site_name(piece: str, keys: set[str], *, loose: bool = True) -> bool:
    """Whether a piece of a title names the site: a declared name, or the page's host.

    ``loose`` also accepts a piece that starts or ends with a key, or a key that starts
    or ends with the piece ("Gregory Szorc's Digital Home" on gregoryszorc.com, "AOC
    media" for "AOC media - Analyse Opinion Critique").
    """
    key = _key(piece)
    if not key:
        return False
    if key in keys:
        return True
    if not loose or len(piece.split()) > MAX_LOOSE_WORDS:
        return False
    for site in keys:
        if len(site) >= MIN_LOOSE_KEY and (key.startswith(site) or key.endswith(site)):
            return True
        if len(key) >= MIN_LOOSE_KEY and (site.startswith(key) or site.endswith(key)):
            return True
    return False


def strip_site_name(title: str, keys: set[str]) -> str:
    """The title without the pieces that name the site or only date it ("X - Site").

    Trailing: the first piece after the headline that names the site, and every piece
    after it ("X | Site | Section"); leading: a site-name piece ("Site: X", "Site | X").
    Nothing is removed without a declared site name or the host to match, so a headline
    with a colon or a dash of its own keeps it.
    """
    title = fold_space(title)
    pieces = _pieces(title)
    if len(pieces) < 2:
        return title
    start, end = 0, len(pieces)
    for index in range(1, len(pieces)):
        if is_site_name(pieces[index][0], keys):
            end = index
            break
    while start < end - 1 and (
        is_site_name(pieces[start][0], keys) or _DATE_PIECE_RE.fullmatch(pieces[start][0])
    ):
        start += 1
    while end - 1 > start and _DATE_PIECE_RE.fullmatch(pieces[end - 1][0]):
        end -= 1
    if start == 0 and end == len(pieces):
        return title
    return title[pieces[start][1] : pieces[end - 1][2]].strip() or title


def _pieces(title: str) -> list[tuple[str, int, int]]:
    """The pieces of a title between site-name separators, with their offsets."""
    pieces: list[tuple[str, int, int]] = []
    position = 0
    for separator in _SEPARATOR_RE.finditer(title):
        if separator.start() > position:
            pieces.append((title[position : separator.start()], position, separator.start()))
        position = separator.end()
    if position < len(title):
        pieces.append((title[position:], position, len(title)))
    return pieces


def comparable(text: str) -> str:
    """A headline as compared with another: whitespace folded, case-folded, quotes plain."""
    return fold_space(text).casefold().translate(_QUOTES)


def declared_headline(metadata: PageMetadata, text_lines: Sequence[str] = ()) -> Declared | None:
    """The headline the page's declarations agree on, the site name stripped, or None.

    What a reader sees (an ``<h1>``, a microdata headline, one of the first lines of the
    extracted text) wins in the form it is printed when a metadata declaration (JSON-LD,
    OpenGraph, ``<title>``) names the same headline, with or without the site's name
    around it. Otherwise the strongest declaration, in the order JSON-LD article headline,
    OpenGraph, Twitter, microdata, ``<title>``, with its site name removed; a page that
    declares nothing but one ``<h1>`` has that.
    """
    keys = site_keys((site.value for site in metadata.site_names), metadata.url)
    keys |= _site_names_in_title(metadata.headlines)
    declared = [item for item in metadata.headlines if item.source != "h1"]
    headings = [item for item in metadata.headlines if item.source == "h1"]
    visible = [
        item
        for item in (
            *headings,
            *(item for item in declared if item.source == "itemprop:headline"),
            *(Declared(fold_space(line), "text") for line in text_lines),
        )
        if item.value and not is_site_name(item.value, keys)
    ]
    cleaned = [Declared(strip_site_name(item.value, keys), item.source) for item in declared]
    forms = {comparable(item.value) for item in cleaned if item.source != "itemprop:headline"}
    for item in visible:
        if comparable(item.value) in forms or any(
            _part_of(title.value, item.value, any_length=item.source != "text")
            for title in declared
            if title.source != item.source
        ):
            return item
    for item in cleaned:
        if item.value and not is_site_name(item.value, keys):
            return item
    headings = [item for item in headings if not is_site_name(item.value, keys)]
    return headings[0] if len(headings) == 1 else None


def _part_of(title: str, candidate: str, *, any_length: bool) -> bool:
    """Whether ``candidate`` is the title's main part: its start or its end at a separator
    ("Headline - Site", "Blog Name » Archive » Headline").

    The end of a title, or its start for a line of body text (a kicker "Coronavirus" over
    "Coronavirus: New York ramps up burials"), counts only when longer than the rest;
    ``any_length`` lets a heading be the start of the title whatever the length of the
    site's name after it.
    """
    title, candidate = comparable(title), comparable(candidate)
    rest = len(title) - len(candidate)
    if rest <= 0:
        return False
    if title.startswith(candidate) and (any_length or len(candidate) > rest):
        return _SEPARATOR_RE.match(title, len(candidate)) is not None
    if title.endswith(candidate) and len(candidate) > rest:
        separator = _SEPARATOR_RE.search(title, max(0, rest - 8), rest + 1)
        return separator is not None and separator.end() == rest
    return False


def _site_names_in_title(headlines: Iterable[Declared]) -> set[str]:
    """Site keys the page's own declarations reveal by splitting its ``<title>``.

    For a title "A - B" where one side is declared on its own: the side that a metadata
    headline (JSON-LD, microdata, OpenGraph) repeats is the headline and the other side,
    if an ``<h1>`` repeats it, is the site's name ("Site: Headline" with "Site" as the
    first ``<h1>``); with no metadata headline, a side only an ``<h1>`` repeats while the
    other side is declared nowhere is the site's name ("Item - Site Name" with the site's
    name as the ``<h1>``).
    """
    headlines = list(headlines)
    metadata = {comparable(item.value) for item in headlines if item.source not in ("h1", "title")}
    headings = {comparable(item.value) for item in headlines if item.source == "h1"}
    keys: set[str] = set()
    for title in (item.value for item in headlines if item.source == "title"):
        pieces = _pieces(title)
        for before, after in itertools.pairwise(pieces):
            head = comparable(title[: before[2]])
            tail = comparable(title[after[1] :])
            if head in metadata and tail in headings and tail not in metadata:
                keys.add(_key(tail))
            elif tail in metadata and head in headings and head not in metadata:
                keys.add(_key(head))
            elif not metadata and tail in headings and head not in headings:
                keys.add(_key(tail))
    return keys - {""}
