"""What a claim to match is: query lines read, and tweets cleaned of what claims never carry.

A tweet as collected carries noise a checked claim does not: the embed trailer
"— Name (@handle) Month D, YYYY" (at the end, and in the middle where it quotes a tweet),
links (``https://t.co/…``, ``pic.twitter.com/…``), hashtags and mentions written as one word
("#IranUsa", "@RealDonaldTrump", "#StopTheHate#EndRacism"), HTML entities. The cleaning keeps
what can match a fact-check: the author's *name* from each trailer (claims are often "Name
said …"), and a hashtag's words both as written and split at their capitals.
The handle and the date of the trailer go: a date of posting says nothing about the claim.
Cleaning belongs to the reader of queries, not to the model, so that a claim from a dossier
is scored as it is.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# "— Ilhan Omar (@IlhanMN) January 6, 2020": the embed trailer, at the end of the text or in
# the middle of it when a tweet quotes another. The name may carry brackets ("James (Faygo)
# Clark", "(((Dean)))") or be a handle itself ("@REALcnaegely"); the date is sometimes cut
# short by the collector ("October 03, 19"), so at the very end whatever short tail follows
# the handle goes with it. Every repeat is bounded, so the scan stays linear.
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)"
)
_TRAILER = re.compile(
    r"\s{0,20}[—–-]{1,2}\s{0,5}(?P<name>@?[^—–\n@]{0,80}?)\s{0,5}\(@(?P<handle>\w{1,30})\)"
    r"(?:[^\n]{0,40}\Z|\s{0,5}" + _MONTH + r"\s{1,3}\d{1,2},?\s{0,3}\d{2,4}|)"
)
_LINK = re.compile(r"(?:https?://|pic\.twitter\.com/|www\.)[^\s]{1,300}")
# A hashtag may follow another without a space ("#StopTheHate#EndRacism"); a mention may not
# follow a word (that is an e-mail address).
_TAG = re.compile(r"(?:(?<!&)#|(?<![\w&])@)(?P<word>\w{1,100})")
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


def _trailer_name(match: re.Match[str]) -> str:
    # The name stays: dropping it cost 0.03 MAP@5 in cross-validation on CLEF 2020 train,
    # as fact-checks often name who said the claim.
    name = match.group("name").strip().lstrip("@")
    return f" — {name} " if name else " "


def clean_tweet(text: str) -> str:
    """A tweet as a claim: trailer reduced to the author's name, links dropped, tags split."""
    text = html.unescape(text[:MAX_QUERY_CHARS])
    text = _TRAILER.sub(_trailer_name, text)
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


def tsv_rows(path: Path) -> list[list[str]]:
    """The rows of a CLEF CheckThat! TSV file after its header row.

    Written by pandas: quoted fields with doubled quotes, some with line breaks inside, so
    read as CSV, not split by lines.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quotechar='"'))
    return rows[1:]


def read_tweets(path: Path) -> list[Query]:
    """The tweets of a CLEF 2020 split (``id<TAB>tweet``), cleaned as every query is."""
    return [Query(row[0], clean_tweet(row[1])) for row in tsv_rows(path)]
