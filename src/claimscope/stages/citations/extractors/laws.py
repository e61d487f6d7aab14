"""Laws: numbered laws and decrees, executive orders, titled acts and codes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimscope.stages.citations.context import Context
from claimscope.stages.citations.lookups import law_issuer, tidy, us_state
from claimscope.stages.citations.models import Found
from claimscope.stages.citations.patterns import (
    CAPITAL_WORD,
    COUNTRY_OWNER_RE,
    DATE,
    DATE_TAIL,
    NOT_TITLE_WORDS,
    NOT_WORD_AFTER,
    TITLE_JOINER,
    TITLE_TAIL,
)

_LAW_NUMBERED_RE = re.compile(
    r"(?<![\w\-])(?P<head>(?:(?:Federal|Presidential|Executive|Royal|Organic)[ ])?"
    r"(?:Law|Decree|Ordinance|Order|Act|Bill|Directive|Regulation|Decision|law|decree"
    r"|ordinance|order|directive|regulation))"
    r"[ ]{1,3}(?:No\.?|no\.|Number|number|#)[ ]{0,2}(?P<number>\d[\w/.\-]{0,20}?)"
    r"(?=[,;:)\s]|\.(?:\s|$)|$)" + DATE_TAIL
)
_EXECUTIVE_ORDER_RE = re.compile(
    r"(?<![\w\-])[Ee]xecutive[ ][Oo]rder[ ]{1,3}(?P<number>\d{4,6})(?!\d)"
)
_LAW_JOINER = r"(?:of|and|for|on|the|to|in|&)"
_TITLED_LAW_RE = re.compile(
    rf"(?<![\w\-])(?P<modifiers>(?:{CAPITAL_WORD}[ ](?:{_LAW_JOINER}[ ]){{0,2}}){{1,8}})"
    r"(?P<noun>Act|Code|Law|act)"
    rf"(?P<tail>{TITLE_TAIL})?" + NOT_WORD_AFTER + r"(?:[ ]of[ ](?P<year>(?:1[6-9]|20)\d{2}))?"
)
_LAW_ON_RE = re.compile(
    rf"(?<![\w\-])(?P<noun>Law|Decree)[ ](?:of[ ](?P<country>{CAPITAL_WORD})[ ])?"
    rf"(?:on|On)[ ](?:the[ ])?{CAPITAL_WORD}"
    rf"(?:(?:[ ]{TITLE_JOINER}){{0,2}}[ ]{CAPITAL_WORD}){{0,8}}"
)
_GENERIC_DECREE_RE = re.compile(
    r"(?<![\w\-])(?:[Pp]residential[ ]|[Gg]overnment[ ]|[Rr]oyal[ ])?(?P<noun>decree|law)"
    r"(?:[ ]{1,3}(?:of|dated|signed[ ]on|issued[ ]on)[ ]{1,3}(?P<date>" + DATE + r"))"
)
# Modifiers of "Law"/"Code"/"Act" that name a field or a state of affairs, not a document.
_NOT_LAW_MODIFIERS = frozenset(
    {
        "International", "Humanitarian", "Martial", "Common", "Case", "Civil", "Criminal",
        "Constitutional", "Islamic", "Customary", "Public", "Private", "Environmental",
        "European", "Roman", "Refugee", "Maritime", "Morse", "Zip", "ZIP", "Area", "QR",
        "Source", "Dress", "Postal", "Country", "Bar", "Final", "Riot", "Balancing",
        "Class", "Disappearing", "Vanishing", "Da", "Vinci", "Rule", "Family", "Contract",
        "Tax", "Labour", "Labor", "Business", "Election", "Electoral", "Administrative",
        "Sharia", "State", "Federal",
    }
)  # fmt: skip
# A "Code" is a document only with one of these modifiers (the Penal Code, a Tax Code).
_CODE_MODIFIERS = frozenset(
    {
        "Penal", "Criminal", "Civil", "Tax", "Labour", "Labor", "Electoral", "Election",
        "Family", "Administrative", "Land", "Water", "Forest", "Customs", "Budget",
        "Housing", "Commercial", "Procedure", "Procedural", "Military", "Media",
        "Internal", "Revenue", "Federal", "Judicial", "Health",
    }
)  # fmt: skip


def laws(context: Context) -> Iterator[Found]:
    """Acts, codes, decrees and numbered laws ("Law No. 123", "Communications Decency Act")."""
    text = context.text
    gazetteer = context.gazetteer
    for match in _LAW_NUMBERED_RE.finditer(text):
        head = match.group("head")
        if head.casefold() in ("order", "decision") or head in ("Order", "Decision"):
            continue  # Court orders and decisions by number are the court extractor's.
        iso, inferred = context.date(match.group("date") or match.group("paren_year"))
        yield Found(
            "law",
            match.start(),
            match.end(),
            law_issuer(context, _country_before(context, match.start())),
            iso,
            inferred,
            number=match.group("number").rstrip("."),
            title=None,
        )
    for match in _EXECUTIVE_ORDER_RE.finditer(text):
        yield Found(
            "law",
            match.start(),
            match.end(),
            context.national("executive"),
            number=match.group("number"),
        )
    for match in _TITLED_LAW_RE.finditer(text):
        noun = match.group("noun")
        if re.match(r"[ ][A-Z]", text[match.end("noun") : match.end("noun") + 2]) and not (
            match.group("tail")
        ):
            continue
        words = match.group("modifiers").split()
        while words and words[0] in NOT_TITLE_WORDS:
            words.pop(0)
        if not words or words[-1] in ("of", "and", "for", "on", "the", "to", "in", "&"):
            continue
        if noun == "act" and sum(word[0].isupper() for word in words) < 2:
            continue  # "the act of voting"; "Financial Administration act" keeps its name.
        if noun == "Code" and not any(word in _CODE_MODIFIERS for word in words):
            continue
        if noun == "Law" and not match.group("tail") and words[-1] in _NOT_LAW_MODIFIERS:
            continue
        if noun == "Act" and words[-1] in ("Final",):
            continue  # "Helsinki Final Act" is a treaty.
        if noun != "Code" and len(words) == 1 and words[0] in _NOT_LAW_MODIFIERS:
            continue
        start = match.start("noun") - len(" ".join(words)) - 1
        title_end = match.end("tail") if match.group("tail") else match.end("noun")
        first = words[0].removesuffix("'s").removesuffix("’s")
        code = gazetteer.country(first) or gazetteer.demonym(first)
        year = match.group("year")
        state = us_state(gazetteer, words)
        yield Found(
            "law",
            start,
            match.end(),
            f"{state} Legislature"
            if state
            else law_issuer(context, code or _country_before(context, start)),
            year,
            title=tidy(text[start:title_end]),
        )
    for match in _LAW_ON_RE.finditer(text):
        country_word = match.group("country")
        code = gazetteer.country(country_word) if country_word else None
        yield Found(
            "law",
            match.start(),
            match.end(),
            law_issuer(context, code or _country_before(context, match.start())),
            title=tidy(match.group()),
        )
    for match in _GENERIC_DECREE_RE.finditer(text):
        iso, inferred = context.date(match.group("date"))
        yield Found("law", match.start(), match.end(), None, iso, inferred)


def _country_before(context: Context, position: int) -> str | None:
    """The state a possessive right before ``position`` names ("Russia's Law No. 5")."""
    window = context.text[max(0, position - 40) : position]
    match = COUNTRY_OWNER_RE.search(window)
    if match is None:
        return None
    return context.gazetteer.country(match.group("owner"))
