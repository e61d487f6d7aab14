"""Reading what an HTML page declares: schema.org JSON-LD (``@graph`` and ``@id``
references included), OpenGraph and other meta tags, microdata, ``<h1>`` and ``<title>``.

Written on lxml and the standard ``json`` module rather than with extruct: on the 169
development pages of ``../shared/data/html-news`` this reader finds the same JSON-LD
article headlines, dates and authors as extruct 0.18 (76 pages each) and at least as many
OpenGraph values (``og:title`` on 152 pages against 150, ``article:published_time`` on 82
against 78, since it also reads the tags sites write with ``name=``), in about the same
time; extruct would add a dozen packages (rdflib, pyrdfa3, html5lib, BeautifulSoup, mf2py
with requests, jstyleson, w3lib, html-text) for syntaxes (RDFa, microformats) no page
there needed.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from claimscope.document import Declared

# Bounds that keep a hostile page linear: scripts read, characters per script, JSON nodes
# walked, headings kept.
MAX_JSON_LD_SCRIPTS = 50
MAX_JSON_LD_CHARS = 1_000_000
MAX_JSON_NODES = 5_000
MAX_JSON_DEPTH = 12
MAX_HEADINGS = 5
MAX_HEADLINES = 40
"""Headline candidates kept, all sources together (choosing compares them pairwise)."""
MAX_VALUE_CHARS = 600
"""A declared headline, name or date longer than this is not one (a whole paragraph)."""

# schema.org types whose headline is the page's headline (compared case-folded: pages
# write "article" and "newsarticle" too).
ARTICLE_TYPES = frozenset(
    name.casefold()
    for name in (
        "Article", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle",
        "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle",
        "ReviewNewsArticle", "SatiricalArticle", "ScholarlyArticle", "MedicalScholarlyArticle",
        "SocialMediaPosting", "BlogPosting", "LiveBlogPosting", "DiscussionForumPosting",
        "TechArticle", "APIReference", "Report", "AdvertiserContentArticle", "PressRelease",
    )
)  # fmt: skip
WORK_TYPES = frozenset(
    name.casefold() for name in ("Recipe", "HowTo", "Review", "Guide", "Course", "Event")
)
"""Works a page can be about; their name is the headline only on a page with no article
(a recipe blog post declares a BlogPosting headline and the Recipe's shorter name)."""
PAGE_TYPES = frozenset(
    name.casefold()
    for name in (
        "WebPage", "ItemPage", "AboutPage", "FAQPage", "QAPage", "ProfilePage",
        "CollectionPage", "MedicalWebPage", "ContactPage",
    )
)  # fmt: skip
SITE_TYPES = frozenset(
    name.casefold()
    for name in ("WebSite", "Organization", "NewsMediaOrganization", "Corporation", "Blog")
)

# Meta tags (name or property attribute, case-folded) and what they declare.
_META_HEADLINES = ("og:title", "twitter:title")
_META_SITE_NAMES = ("og:site_name", "application-name", "apple-mobile-web-app-title")
_META_AUTHORS = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
)
_META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "publishdate",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "date",
)
_META_MODIFIED = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
)

_WRAPPER_RE = re.compile(
    r"^\s{0,64}(?:<!--|//\s{0,8}<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s{0,8}\]\]>|\]\]>)\s{0,64}$"
)
_URL_RE = re.compile(r"^(?:https?:)?//|^www\.", re.IGNORECASE)
# What sites and extractors leave before an author's name: "By", its translations, and
# labels ("Auteur", "View all posts by").
_BY_PREFIX_RE = re.compile(
    r"^(?:(?:view[ ]all[ ]posts[ ]|posts[ ]|written[ ]|a[ ]story[ ])?by|von|par|por|di|door|av"
    r"|auteure?|autor(?:in)?|author|autore|redacción|redaktion|texte?)[ ]{0,3}:?[ ]{1,3}(?=\w)",
    re.IGNORECASE,
)
# A social-media handle after a name: "Williams Perdomo @wperdomod".
_HANDLE_RE = re.compile(r"(?<=\S)[ ]{1,3}@\w{1,40}$")
# A list of names in one value: "April Roach, Daniel O'Mahony", "A und B".
_NAME_LIST_RE = re.compile(
    r"[ ]{0,2},[ ]{1,3}(?:and[ ]{1,3})?|[ ]{1,3}(?:and|und|y|et|e|en|og|och|&)[ ]{1,3}"
)
_LIST_NAME_WORDS = (2, 6)
"""Words of each piece for a value to be split as a list: a job or degree after a comma
("Grant Tinsley, PhD") is one word and keeps the value whole."""


@dataclass(frozen=True)
class PageMetadata:
    """Everything a page declares about itself, each value with where it was declared."""

    headlines: tuple[Declared, ...] = ()
    """Headline candidates, the strongest declaration first."""
    site_names: tuple[Declared, ...] = ()
    authors: tuple[Declared, ...] = ()
    published: tuple[Declared, ...] = ()
    modified: tuple[Declared, ...] = ()
    url: str | None = None


def bounded_text(element: Any, limit: int = MAX_VALUE_CHARS + 1) -> str:
    """The text of an element, read no further than ``limit`` characters: an ``<h1>`` or
    a microdata property wrapped around a whole page is not a headline, and reading each
    of many nested ones whole would make the page quadratic."""
    pieces: list[str] = []
    length = 0
    for piece in element.itertext():
        pieces.append(piece)
        length += len(piece)
        if length >= limit:
            break
    return "".join(pieces)[:limit]


def fold_space(text: str) -> str:
    """Text with every run of whitespace one space and no edge whitespace."""
    return " ".join(text.split())


def read_page_metadata(tree: Any) -> PageMetadata:
    """What the page (an lxml HTML tree) declares: JSON-LD, OpenGraph, meta, microdata, h1."""
    headlines: list[Declared] = []
    site_names: list[Declared] = []
    authors: list[Declared] = []
    published: list[Declared] = []
    modified: list[Declared] = []

    objects = list(_json_ld_objects(tree))
    by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
    articles = [obj for obj in objects if _types(obj) & ARTICLE_TYPES] or [
        obj for obj in objects if _types(obj) & WORK_TYPES
    ]
    pages = [obj for obj in objects if _types(obj) & PAGE_TYPES]
    for obj in articles:
        kind = _type_label(obj)
        key = "headline" if any(_strings(obj.get("headline"))) else "name"
        headlines.extend(
            Declared(value, f"json-ld:{kind}.{key}") for value in _strings(obj.get(key))
        )
        for key in ("datePublished", "dateCreated"):
            published.extend(
                Declared(value, f"json-ld:{kind}.{key}") for value in _strings(obj.get(key))
            )
        modified.extend(
            Declared(value, f"json-ld:{kind}.dateModified")
            for value in _strings(obj.get("dateModified"))
        )
        for key in ("author", "creator"):
            authors.extend(
                Declared(name, f"json-ld:{kind}.{key}")
                for name in _person_names(obj.get(key), by_id)
            )
        site_names.extend(
            Declared(name, f"json-ld:{kind}.publisher")
            for name in _person_names(obj.get("publisher"), by_id)
        )
    for obj in objects:
        if _types(obj) & SITE_TYPES:
            kind = _type_label(obj)
            site_names.extend(
                Declared(value, f"json-ld:{kind}.name") for value in _strings(obj.get("name"))
            )

    metas = _meta_values(tree)
    for key in _META_HEADLINES:
        headlines.extend(Declared(value, f"meta:{key}") for value in metas.get(key, ()))
    headlines.extend(
        Declared(value, "itemprop:headline") for value in metas.get("itemprop:headline", ())
    )
    for heading in _headings(tree):
        headlines.append(Declared(heading, "h1"))
    title = tree.find(".//title")
    if title is not None:
        value = _clean(bounded_text(title))
        if value:
            headlines.append(Declared(value, "title"))
    for obj in pages:
        for key in ("headline", "name"):
            for value in _strings(obj.get(key)):
                headlines.append(Declared(value, f"json-ld:{_type_label(obj)}.{key}"))
        for value in _strings(obj.get("datePublished")):
            published.append(Declared(value, f"json-ld:{_type_label(obj)}.datePublished"))

    for key in _META_SITE_NAMES:
        site_names.extend(Declared(value, f"meta:{key}") for value in metas.get(key, ()))
    for key in ("itemprop:author", *_META_AUTHORS):
        for value in metas.get(key, ()):
            for name in _split_names(value):
                authors.append(
                    Declared(name, key if key.startswith("itemprop:") else f"meta:{key}")
                )
    for key in ("itemprop:datepublished", *_META_PUBLISHED):
        source = key if key.startswith("itemprop:") else f"meta:{key}"
        published.extend(Declared(value, source) for value in metas.get(key, ()))
    for key in ("itemprop:datemodified", *_META_MODIFIED):
        source = key if key.startswith("itemprop:") else f"meta:{key}"
        modified.extend(Declared(value, source) for value in metas.get(key, ()))

    return PageMetadata(
        headlines=_unique(headlines)[:MAX_HEADLINES],
        site_names=_unique(site_names),
        authors=_unique(authors),
        published=_unique(published),
        modified=_unique(modified),
        url=_page_url(tree, metas),
    )


def _unique(values: Iterable[Declared]) -> tuple[Declared, ...]:
    """The declarations in order, each value once per source (case-folded)."""
    seen: set[tuple[str, str]] = set()
    kept: list[Declared] = []
    for declared in values:
        marker = (declared.value.casefold(), declared.source)
        if marker not in seen:
            seen.add(marker)
            kept.append(declared)
    return tuple(kept)


def _clean(value: str) -> str:
    """A declared value as text: entities decoded (many pages escape them twice), NFC,
    whitespace folded; empty when too long to be one."""
    if "&" in value:
        value = html.unescape(value)
    folded = fold_space(unicodedata.normalize("NFC", value))
    return folded if len(folded) <= MAX_VALUE_CHARS else ""


def _strings(value: Any) -> Iterator[str]:
    """The non-empty strings of a JSON-LD value (a string, or a list of them)."""
    items = value if isinstance(value, list) else [value]
    for item in items[:10]:
        if isinstance(item, str):
            cleaned = _clean(item)
            if cleaned:
                yield cleaned


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    items = value if isinstance(value, list) else [value]
    return {item.casefold() for item in items if isinstance(item, str)}


def _type_label(obj: dict[str, Any]) -> str:
    value = obj.get("@type")
    first = value[0] if isinstance(value, list) and value else value
    return first if isinstance(first, str) else "Thing"


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object of the page's JSON-LD scripts, ``@graph`` members included."""
    scripts = 0
    for script in tree.iter("script"):
        kind = (script.get("type") or "").strip().casefold()
        if "ld+json" not in kind:
            continue
        scripts += 1
        if scripts > MAX_JSON_LD_SCRIPTS:
            return
        content = script.text or ""
        if len(content) > MAX_JSON_LD_CHARS:
            continue
        for data in _json_values(_WRAPPER_RE.sub("", content.strip())):
            yield from _walk(data)


def _json_values(content: str) -> Iterator[Any]:
    """The JSON values of a script, several in a row too (some sites concatenate them)."""
    decoder = json.JSONDecoder(strict=False)
    position = 0
    while position < len(content):
        while position < len(content) and content[position] in " \t\r\n;,":
            position += 1
        if position >= len(content):
            return
        try:
            value, position = decoder.raw_decode(content, position)
        except (ValueError, RecursionError):
            # Broken JSON-LD (an unescaped quote in an image tag): the page declares
            # nothing readable there, and the other sources still count.
            return
        yield value


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD value: itself, list members, ``@graph`` and main entities."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    visited = 0
    while stack:
        value, depth = stack.pop()
        visited += 1
        if visited > MAX_JSON_NODES or depth > MAX_JSON_DEPTH:
            return
        if isinstance(value, list):
            stack.extend((item, depth + 1) for item in reversed(value))
        elif isinstance(value, dict):
            yield value
            for key in ("mainEntity", "@graph"):
                if key in value:
                    stack.append((value[key], depth + 1))


def _person_names(value: Any, by_id: dict[str, dict[str, Any]]) -> Iterator[str]:
    """The names of a JSON-LD author, creator or publisher: strings, objects, lists, @id refs."""
    items = value if isinstance(value, list) else [value]
    for item in items[:20]:
        if isinstance(item, str):
            yield from _split_names(item)
        elif isinstance(item, dict):
            if "name" not in item and isinstance(item.get("@id"), str):
                item = by_id.get(item["@id"], item)
            name = item.get("name")
            if isinstance(name, list):
                name = next((part for part in name if isinstance(part, str)), None)
            if not isinstance(name, str):
                given, family = item.get("givenName"), item.get("familyName")
                name = " ".join(
                    part for part in (given, family) if isinstance(part, str) and part.strip()
                )
            yield from _split_names(name)


def _split_names(value: str) -> Iterator[str]:
    """A declared author value as names: no URL, no "By", lists split into their names."""
    for part in re.split(r"[;|]", value):
        cleaned = _HANDLE_RE.sub("", _BY_PREFIX_RE.sub("", _clean(part))).strip(" ,")
        pieces = [piece.strip(" ,") for piece in _NAME_LIST_RE.split(cleaned)]
        low, high = _LIST_NAME_WORDS
        if len(pieces) < 2 or not all(low <= len(piece.split()) <= high for piece in pieces):
            pieces = [cleaned]
        for name in pieces:
            if name and not _URL_RE.match(name) and any(character.isalpha() for character in name):
                yield name


def clean_author_names(names: Iterable[str]) -> tuple[str, ...]:
    """Author names as an extractor gave them, without "By" labels, lists split."""
    cleaned: list[str] = []
    for name in names:
        cleaned.extend(_split_names(name))
    return tuple(dict.fromkeys(cleaned))


def _meta_values(tree: Any) -> dict[str, list[str]]:
    """Meta values by case-folded name/property, and microdata ``itemprop:NAME`` values."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        cleaned = _clean(content)
        if not cleaned:
            continue
        for attribute in ("property", "name"):
            key = (meta.get(attribute) or "").strip().casefold()
            if key:
                values.setdefault(key, []).append(cleaned)
    for element in tree.xpath(
        "//*[@itemprop='headline' or @itemprop='author' or @itemprop='datePublished'"
        " or @itemprop='dateModified']"
    )[:200]:
        if not _of_top_level_item(element):
            continue
        key = "itemprop:" + element.get("itemprop").casefold()
        if key == "itemprop:author" and element.get("itemscope") is not None:
            names = element.xpath(".//*[@itemprop='name']")
            element = names[0] if names else element
        value = element.get("datetime") or element.get("content") or bounded_text(element)
        cleaned = _clean(value or "")
        if cleaned:
            values.setdefault(key, []).append(cleaned)
    return values


def _of_top_level_item(element: Any) -> bool:
    """Whether a microdata property belongs to the page's own item, not to a nested one.

    A scholarly page marks up each reference it cites as an item of its own with a
    headline, authors and a date: those are properties of an item that is itself a
    property (``itemprop="citation"``), and not the page's.
    """
    for ancestor in element.iterancestors():
        if ancestor.get("itemscope") is not None:
            return ancestor.get("itemprop") is None
    return True


def _headings(tree: Any) -> Iterator[str]:
    """The texts of the page's first ``<h1>`` elements that hold any."""
    kept = 0
    for heading in tree.iter("h1"):
        text = _clean(bounded_text(heading))
        if text:
            kept += 1
            yield text
            if kept >= MAX_HEADINGS:
                return


def _page_url(tree: Any, metas: dict[str, list[str]]) -> str | None:
    for link in tree.iter("link"):
        href = str(link.get("href") or "").strip()
        if (link.get("rel") or "").strip().casefold() == "canonical" and href.startswith(
            ("http://", "https://")
        ):
            return href
    for value in metas.get("og:url", ()):
        if value.startswith(("http://", "https://")):
            return value
    return None
