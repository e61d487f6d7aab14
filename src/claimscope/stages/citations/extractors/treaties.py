"""Treaties: titled agreements ("Rome Statute"), dated or identified accords and deals."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimscope.stages.citations.context import Context
from claimscope.stages.citations.lookups import tidy, us_state
from claimscope.stages.citations.models import Found, issuer_table
from claimscope.stages.citations.patterns import (
    CAPITAL_WORD,
    DATE,
    DATE_TAIL,
    NOT_TITLE_WORDS,
    NOT_WORD_AFTER,
    PART_OF_NAME_BEFORE_RE,
    TITLE_TAIL,
    YEAR,
)

_TREATY_NOUN = (
    r"(?:Treaty|Treaties|Conventions?|Agreements?|Accords?|Statute|Charter|Protocols?"
    r"|Declaration|Memorandum|Covenant|Pact|Final[ ]Act)"
)
_TITLED_TREATY_RE = re.compile(
    rf"(?<![\w\-])(?P<modifiers>(?:{CAPITAL_WORD}[ ]){{0,6}})(?P<noun>{_TREATY_NOUN})"
    rf"(?P<tail>{TITLE_TAIL})?" + NOT_WORD_AFTER + DATE_TAIL
)

_GENERIC_TREATY_RE = re.compile(
    r"(?<![\w\-])(?P<det>(?:the|a|an|its|their)[ ]{1,3})?"
    rf"(?:(?P<date_before>{DATE}|{YEAR})[ ]{{1,3}})?"
    r"(?P<name>[A-Z][\w.\-]{1,20}(?:[ ][A-Z][\w.\-]{1,20})?[ ]{1,3})?"
    r"(?P<adjectives>(?:(?:trilateral|tripartite|quadrilateral|bilateral|joint|ceasefire"
    r"|cease-fire|peace|armistice|normalization|normalisation|nuclear|nonproliferation"
    r"|non-proliferation|refugee|climate|arms[ ]control|arms|free[ ]trade|free-trade|trade"
    r"|withdrawal)"
    r"[ ]{1,3}){0,2})"
    r"(?P<noun>statement|declaration|agreement|accord|treaty|memorandum|deal|convention|charter|pact"
    r"|communiqu[eé])s?" + NOT_WORD_AFTER + DATE_TAIL
)
# Words that make a "... Convention" a gathering, not a treaty.
_EVENT_WORDS = frozenset(
    {"National", "Republican", "Democratic", "Party", "Annual", "Constitutional", "Baptist"}
)
# "the deal with Iran": an agreement identified by the state it was made with.
_DEAL_WITH_RE = re.compile(
    r"(?<![\w\-])the[ ]{1,3}(?P<noun>(?:(?:nuclear|trade|peace|arms|security)[ ]{1,3})?"
    r"(?:deal|agreement|accord|treaty|pact))[ ]{1,3}with[ ]{1,3}(?:the[ ]{1,3})?"
    r"(?P<party>[A-Z][\w.\-]{1,20}(?:[ ][A-Z][\w.\-]{1,20})?)"
)
_SPECIFIC_ADJECTIVES = ("trilateral", "tripartite", "quadrilateral")
# A definite description with one of these names one well-known agreement ("the nuclear
# deal", "the refugee convention").
_DESCRIPTIVE_ADJECTIVES = (
    "nuclear", "nonproliferation", "non-proliferation", "refugee", "climate", "arms",
    "withdrawal",
)  # fmt: skip


def treaties(context: Context) -> Iterator[Found]:
    """Titled agreements ("Rome Statute") and dated or trilateral statements and accords."""
    text = context.text
    for match in _DEAL_WITH_RE.finditer(text):
        if context.gazetteer.country(match.group("party")) is not None:
            yield Found("treaty", match.start("noun"), match.end(), None)
    for match in _TITLED_TREATY_RE.finditer(text):
        if re.match(r"[ ][A-Z]", text[match.end("noun") : match.end("noun") + 2]) and not (
            match.group("tail")
        ):
            continue  # "Treaty Organization", "Charter Communications": part of a longer name.
        words = match.group("modifiers").split()
        while words and words[0] in NOT_TITLE_WORDS:
            words.pop(0)
        if not words and not match.group("tail"):
            continue  # "The Agreement" opening a sentence is no title.
        if (
            match.group("noun") == "Convention"
            and not match.group("tail")
            and (
                us_state(context.gazetteer, [*words, "Convention"])
                or any(word in _EVENT_WORDS for word in words)
            )
        ):
            continue  # "Republican National Convention", "Texas Haunters Convention": events.
        modifiers_end = match.start("noun")
        start = modifiers_end - len(" ".join(words)) - (1 if words else 0)
        title_end = match.end("tail") if match.group("tail") else match.end("noun")
        title = tidy(text[start:title_end])
        issuer_name: str | None = None
        if words:
            # A treaty is between states: no single issuer, even in "UN Charter".
            issuer_name = None
        iso, inferred = context.date(match.group("date") or match.group("paren_year"))
        yield Found("treaty", start, match.end(), issuer_name, iso, inferred, title=title)
    for match in _GENERIC_TREATY_RE.finditer(text):
        adjectives = match.group("adjectives").split()
        printed_date = match.group("date") or match.group("date_before")
        specific = any(word in _SPECIFIC_ADJECTIVES for word in adjectives)
        determiner = (match.group("det") or "").strip()
        noun = match.group("noun")
        name = (match.group("name") or "").strip()
        issuer: str | None = None
        named_party = False
        if name:
            if name.split()[0] in NOT_TITLE_WORDS or PART_OF_NAME_BEFORE_RE.search(
                text, max(0, match.start("name") - 40), match.start("name")
            ):
                name = ""  # "Bank of America deal": a company's, not a state's.
            else:
                known = issuer_table().lookup(name)
                code = context.gazetteer.country(name) or context.gazetteer.demonym(name)
                city = context.gazetteer.city(name) if code is None and known is None else None
                # "the Paris accord", "the Minsk agreements": named for where they were signed.
                named_party = known is not None or code is not None or city is not None
                # "the OPEC accord" is the body's; "the NATO treaty" is between its states.
                if (
                    known is not None
                    and known.kind in ("organization", "organ")
                    and noun != "treaty"
                ):
                    issuer = name if known.kind == "organization" else known.name
        descriptive = any(word in _DESCRIPTIVE_ADJECTIVES for word in adjectives)
        identified = (
            printed_date
            or (specific and determiner in ("the", "its"))
            or (determiner in ("the", "its", "their") and (descriptive or named_party))
            or (named_party and noun in ("accord", "treaty", "deal"))
        )
        if not identified:
            continue  # "a joint statement", "the peace deal": no document identified.
        if noun == "statement" and not specific and "joint" not in adjectives:
            continue
        if noun in ("statement", "communiqué", "communique") and not specific:
            continue  # A joint statement of officials is an official statement, not a treaty.
        if not adjectives and not named_party:
            continue
        iso, inferred = context.date(printed_date or match.group("paren_year"))
        if name and named_party:
            start = match.start("name")
        elif match.group("date_before"):
            start = match.start("date_before")
        else:
            start = match.start("adjectives")
        if match.group("date_before"):
            start = min(start, match.start("date_before"))
        yield Found("treaty", start, match.end(), issuer, iso, inferred)
