"""What a claim to match is: query lines read, and tweets cleaned of what claims never carry.

A tweet as collected carries noise a checked claim does not: the embed trailer
"— Name (@handle) Month D, YYYY", links (``https://t.co/…``, ``pic.twitter.com/…``), hashtags
and mentions written as one word ("#IranUsa", "@RealDonaldTrump"), HTML entities. The
cleaning keeps what can match a fact-check: the author's *name* from the trailer (claims are
often "Name said …"), and a hashtag's words both as written and split at their capitals.
The handle and the date of the trailer go: a date of posting says nothing about the claim.
Cleaning belongs to the reader of queries, not to the model, so that a claim from a dossier
is scored as it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# "— Ilhan Omar (@IlhanMN) January 6, 2020" at the end of the text; the date is sometimes
# cut short by the collector ("October 03, 19"), so whatever short tail follows the handle
# goes with it. Every repeat is bounded, so the scan stays linear.
_TRAILER = re.compile(
    r"\s{0,20}[—–-]{1,2}\s{0,5}(?P<name>[^—–\n@()]{0,80}?)\s{0,5}\(@(?P<handle>\w{1,30})\)"
    r"[^\n]{0,40}\Z"
)
_LINK = re.compile(r"(?:https?://|pic\.twitter\.com/|www\.)[^\s]{1,300}")
_TAG = re.compile(r"(?<![\w&])[#@](?P<word>\w{1,100})")
# A capital that follows a lower-case letter or a digit, or a capital followed by lower case
# after a run of capitals ("IranUSA" -> "Iran USA", "COVID19Vaccine" -> "COVID19 Vaccine").
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPACES = re.compile(r"[ \t\u00a0]{2,1000}")
MAX_QUERY_CHARS = 10_000


@dataclass(frozen=True)
class Query:
    """One claim to match: its identifier and its (cleaned) text."""

    id: str
    text: str


class QueryLineError(ValueError):
    """A query line that is not ``id<TAB>text``; the message names the line."""


def split_hashtag(word: str) -> str:
    """A hashtag's or handle's words split at their capitals ("IranUsa" -> "Iran Usa")."""
    return _WORD_BREAK.sub(" ", word).replace("_", " ")


def _tag_words(match: re.Match[str]) -> str:
    word = match.group("word")
    split = split_hashtag(word)
    # The word as written still matches a claim that writes it so ("Soleimani"); the split
    # form matches one that spells it out ("Iran" in "#IranUsa").
    return f" {word} " if split == word else f" {word} {split} "


def clean_tweet(text: str) -> str:
    """A tweet as a claim: trailer reduced to the author's name, links dropped, tags split."""
    text = html.unescape(text[:MAX_QUERY_CHARS])
    trailer = _TRAILER.search(text)
    if trailer is not None:
        name = trailer.group("name").strip()
        text = text[: trailer.start()] + (f" — {name}" if name else "")
    text = _LINK.sub(" ", text)
    text = _TAG.sub(_tag_words, text)
    text = _SPACES.sub(" ", text)
    return text.strip()


def parse_query_line(line: str, number: int, clean: bool = True) -> Query | None:
    """The query of one ``id<TAB>text`` line (None for a blank line); raise naming the line."""
    stripped = line.rstrip("\r\n")
    if not stripped.strip():
        return None
    identifier, tab, text = stripped.partition("\t")
    identifier, text = identifier.strip(), text.strip()
    if not tab:
        raise QueryLineError(f"line {number}: expected id<TAB>text, found no tab")
    if not identifier:
        raise QueryLineError(f"line {number}: empty query id")
    if any(character.isspace() for character in identifier):
        raise QueryLineError(f"line {number}: query id {identifier[:40]!r} contains whitespace")
    if not text:
        raise QueryLineError(f"line {number}: query {identifier[:40]!r} has no text")
    return Query(identifier, clean_tweet(text) if clean else text)


def read_query_lines(lines: Iterable[str], clean: bool = True) -> Iterator[Query]:
    """Queries from ``id<TAB>text`` lines; blank lines skipped, a bad line raises naming it."""
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        query = parse_query_line(line, number, clean)
        if query is None:
            continue
        if query.id in seen:
            raise QueryLineError(f"line {number}: query id {query.id[:40]!r} given twice")
        seen.add(query.id)
        yield query
