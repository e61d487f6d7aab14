"""From finds to citations: pinpoints, overlaps, states, acronyms and inferred issuers."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from claimscope.dossier import Dossier
from claimscope.stages.citations.context import SENTENCE_WINDOW_CHARS, Context
from claimscope.stages.citations.extractors import EXTRACTORS
from claimscope.stages.citations.lookups import country_in, tidy
from claimscope.stages.citations.models import Found, IssuerTable, issuer_table
from claimscope.stages.citations.patterns import AMENDMENT_RE

# How far before a reference a pinpoint may start.
PINPOINT_WINDOW_CHARS = 160

# How often a country (or one of its national bodies) must be named, and more than all
# others together, to outweigh the state given with the document; named once, it is the
# state only when none is given.
MIN_STATE_MENTIONS = 2

_PIN_UNIT = (
    r"(?:Articles?|Art\.|Arts\.|Sections?|Sec\.|§§?|[Pp]aragraphs?|[Pp]aras?\.|Chapters?"
    r"|Clauses?|[Pp]oints?|[Oo]perative[ ]paragraphs?|[Pp]arts?|Rules?|[Aa]rticles?|[Ss]ections?)"
)
_PIN_NUMBER = r"(?:\d{1,4}(?:\.\d{1,3}){0,3}[a-z]?|[IVXLC]{1,6})(?:[ ]?\([\w]{1,4}\)){0,3}"
_PIN_ONE = (
    rf"{_PIN_UNIT}[ ]{{0,2}}{_PIN_NUMBER}"
    rf"(?:(?:,[ ]{{1,2}}|,?[ ]{{1,3}}(?:and|or|to|through)[ ]{{1,3}}|[-–]){_PIN_NUMBER}){{0,6}}"
)
_AMENDMENT = (
    r"(?:[Tt]he[ ])?(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth"
    r"|Eleventh|Twelfth|Thirteenth|Fourteenth|Fifteenth|Sixteenth|Seventeenth|Eighteenth"
    r"|Nineteenth|Twentieth|Twenty-\w{3,6}|\d{1,2}(?:st|nd|rd|th))[ ]Amendment"
)
_PINPOINT_BEFORE_RE = re.compile(
    rf"(?<![\w])(?P<pin>(?:{_PIN_ONE}|{_AMENDMENT})(?:[ ]{{1,3}}of[ ]{{1,3}}(?:{_PIN_ONE})){{0,2}})"
    r"[ ]{1,3}(?:of|to|in|under)[ ]{1,3}(?:the[ ]{1,3}|its[ ]{1,3}|this[ ]{1,3})?$"
)


def attach_pinpoint(text: str, found: Found) -> Found:
    """The find with a pinpoint printed right before it ("Article 7 of ...") taken in."""
    low = max(0, found.start - PINPOINT_WINDOW_CHARS)
    window = text[low : found.start]
    match = _PINPOINT_BEFORE_RE.search(window)
    if match is None:
        return found
    pinpoint = match.group("pin")
    # "the Second Amendment to the Constitution": the article is not part of the pinpoint.
    article = len(pinpoint) - len(pinpoint.removeprefix("the ").removeprefix("The "))
    issuer = found.issuer
    if issuer is None and found.kind == "constitution" and AMENDMENT_RE.match(pinpoint, article):
        # A numbered amendment by its ordinal ("Second Amendment") is the US Constitution's.
        issuer = issuer_table().national["US"]["constitution"]
    return replace(
        found,
        start=low + match.start("pin") + article,
        pinpoint=tidy(pinpoint[article:]),
        issuer=issuer,
        owner_start=None if issuer is not None else found.owner_start,
    )


def resolve_overlaps(finds: Iterable[Found]) -> list[Found]:
    """Non-overlapping finds: the longer span wins, then the earlier extractor's."""
    ranked = sorted(enumerate(finds), key=lambda pair: (-(pair[1].end - pair[1].start), pair[0]))
    # Kept spans never overlap, so sorted by start they are sorted by end too: one
    # neighbour on each side decides, and a long list of finds stays n log n.
    starts: list[int] = []
    kept: list[Found] = []
    for _, found in ranked:
        index = bisect.bisect_left(starts, found.start)
        if index > 0 and kept[index - 1].end > found.start:
            continue
        if index < len(kept) and kept[index].start < found.end:
            continue
        starts.insert(index, found.start)
        kept.insert(index, found)
    return kept


def resolve_state(context: Context, position: int) -> str | None:
    """The state a sentence is about: a country named in it, else the only one before it."""
    sentence = context.sentence_of(position)
    start, end = context.sentence_window(position, sentence)
    preceding = context.countries_in(start, position)
    if preceding:
        return preceding[-1]
    following = context.countries_in(position, end)
    if following:
        # "In accordance with its Constitution, Azerbaijan will ...": the subject follows.
        return following[0]
    if sentence > 0:
        previous_start, previous_end = context.sentence_bounds(sentence - 1)
        previous_start = max(previous_start, previous_end - SENTENCE_WINDOW_CHARS)
        codes = set(context.countries_in(previous_start, previous_end))
        if len(codes) == 1:
            return codes.pop()
    return None


_ACRONYM_AFTER_RE = re.compile(r"[ ]{1,2}\((?P<acronym>[A-Z][A-Z0-9&\-]{1,10})\)")
# A text defines few acronyms for the documents it cites; more is a list, not prose.
MAX_ACRONYMS = 20


def acronym_mentions(text: str, finds: Sequence[Found]) -> Iterator[Found]:
    """Later mentions of a cited document by the acronym defined after its name."""
    defined = 0
    for found in finds:
        if found.title is None or found.kind not in ("law", "treaty", "report"):
            continue
        match = _ACRONYM_AFTER_RE.match(text, found.end)
        if match is None:
            continue
        defined += 1
        if defined > MAX_ACRONYMS:
            return
        acronym = match.group("acronym")
        pattern = re.compile(r"(?<![\w\-(])" + re.escape(acronym) + r"(?![\w\-)])")
        for mention in pattern.finditer(text, match.end()):
            yield replace(
                found, start=mention.start(), end=mention.end(), title=acronym, pinpoint=None
            )


def find_citations(context: Context) -> list[Found]:
    """Every citation of the text, pinpoints attached and overlaps resolved."""
    finds = [found for extractor in EXTRACTORS for found in extractor(context)]
    kept = [
        replace(found, issuer=_act_issuer(context.text[found.start : found.end]))
        if found.issuer is None and found.kind == "law"
        else found
        for found in resolve_overlaps(attach_pinpoint(context.text, found) for found in finds)
    ]
    # Acronyms come after the act's issuer is known: "the FCPA" is Congress's as well.
    kept = resolve_overlaps([*kept, *acronym_mentions(context.text, kept)])
    resolved = []
    for found in kept:
        if found.issuer is None and found.owner_start is not None:
            code = resolve_state(context, found.owner_start) or context.state
            if code is not None:
                found = replace(found, issuer=context.national(found.kind_role, code))
        resolved.append(found)
    return resolved


def _act_issuer(printed: str) -> str | None:
    """Who passed an act whose title settles it ("the 1965 Voting Rights Act": U.S. Congress)."""
    table = issuer_table()
    if table.acts_pattern is None:
        return None
    match = table.acts_pattern.search(printed)
    return table.act_issuers[match.group()] if match else None


def document_state(
    context: Context, dossier: Dossier, table: IssuerTable, given: str | None
) -> str | None:
    """The state the document is about: the dateline's, a country it keeps naming, the
    country given with the document, else the table's default.

    The shipped default is null: with no state in the text or its metadata, "the Supreme
    Court" keeps a null issuer rather than a guess. Whatever the source, an issuer that
    rests on this state is marked ``issuer_inferred``.

    A country named only once is usually a foreign subject of the story, not the state
    whose "Constitution" or "Supreme Court" the text means unqualified.
    """
    dateline = dossier.anatomy.dateline
    if dateline is not None and dateline.country:
        return dateline.country
    counts = Counter(code for _, code in context.countries)
    # A national body named ("Congress", "the Bundestag") or one of the state's provinces
    # ("Alabama", "Bavaria") speaks for its state too.
    counts.update(issuer.country for _, _, issuer in context.issuers if issuer.country)
    counts.update(context.subdivision_countries)
    leader, mentions = None, 0
    if counts:
        code, count = counts.most_common(1)[0]
        if count * 2 > sum(counts.values()):
            leader, mentions = code, count
    if leader is not None and mentions >= MIN_STATE_MENTIONS:
        return leader
    # The state given with the document outweighs one passing mention of a country.
    return given or leader or table.default_country


def issuer_is_inferred(context: Context, found: Found) -> bool:
    """Whether the issuer rests on the document's state rather than on the text around it.

    It does when the issuer is one of that state's bodies (or the state itself, for a
    constitution) while the citation's sentence names neither the state nor one of its
    bodies by a qualified name ("the U.S. Supreme Court", not "the Supreme Court").
    """
    state = context.state
    if found.issuer is None or state is None:
        return False
    bodies = issuer_table().national.get(state, {})
    names = {context.gazetteer.country_name(state)}
    names.update(value for key, value in bodies.items() if isinstance(value, str))
    names.update(bodies.get("generic_names", {}).values())
    if found.issuer not in names:
        return False
    if country_in(context.gazetteer, context.text[found.start : found.end]) == state:
        return False  # "the U.S. Constitution" names its state itself.
    start, end = context.sentence_window(found.start)
    if state in context.countries_in(start, end):
        return False
    return not any(
        issuer.country == state and issuer.role is None
        for _, _, issuer in context.issuers_in(start, end)
    )
