"""Pattern pieces several extractors share: dates, titles, quoted titles, owners, amendments."""

from __future__ import annotations

import re

from claimscope.text.dates import MONTHS

MONTH = (
    "(?:"
    + "|".join(sorted((name.capitalize() for name in MONTHS), key=len, reverse=True))
    + r")(?![^\W\d_])\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
# A date with or without its year ("July 6", "10 November 2020", "November 10, 2020").
DATE = (
    rf"(?:\d{{1,2}}{_ORDINAL}[ ]{{1,2}}{MONTH}(?:,?[ ]{{1,2}}\d{{4}})?"
    rf"|{MONTH}[ ]{{1,2}}\d{{1,2}}{_ORDINAL}(?:,?[ ]{{1,2}}\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})(?!\d)"
)
DATE_PARTS_RE = re.compile(
    rf"(?P<d1>\d{{1,2}}){_ORDINAL}[ ]{{1,2}}(?P<m1>{MONTH})(?:,?[ ]{{1,2}}(?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{MONTH})[ ]{{1,2}}(?P<d2>\d{{1,2}}){_ORDINAL}(?:,?[ ]{{1,2}}(?P<y2>\d{{4}}))?"
    r"|(?P<y3>\d{4})-(?P<mo3>\d{2})-(?P<d3>\d{2})"
    r"|(?P<d4>\d{1,2})\.(?P<mo4>\d{1,2})\.(?P<y4>\d{4})"
)
YEAR = r"(?:1[6-9]|20)\d{2}"
# The date a document carries, printed after its noun: "of July 6", "dated 10 November 2020".
DATE_TAIL = (
    r"(?:,?[ ]{1,3}(?:of|dated|from|adopted[ ]on|issued[ ]on|signed[ ]on|on)[ ]{1,3}"
    rf"(?P<date>{DATE}|{YEAR}(?![\d/]))|[ ]{{1,2}}\((?P<paren_year>{YEAR})\))?"
)
# A capitalised word of a title: "Rome", "U.S.-Mexico-Canada", "1951".
CAPITAL_WORD = r"(?:[A-Z][\w'’.\-]{0,25}|\d{4})"
TITLE_JOINER = r"(?:of|on|for|against|to|and|the|in|de|between)"
# What follows "of"/"on" in a title: "on the Rights of the Child", "of Independence".
_TITLE_WORD = r"[A-Z][\w'’.\-]{0,25}"
TITLE_TAIL = (
    rf"(?:[ ]{TITLE_JOINER}){{1,2}}[ ]{_TITLE_WORD}"
    rf"(?:(?:[ ]{TITLE_JOINER}){{0,2}}[ ]{_TITLE_WORD}){{0,6}}"
)
NOT_WORD_AFTER = r"(?![\w\-])"
NOT_WORD_BEFORE = r"(?<![\w\-/.])"
QUOTED = r"[\"“‘'](?P<quoted>[^\"”’'\n]{3,150})[\"”’']"

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

OF_COURT_RE = re.compile(r"[ ]{1,3}(?:of|by)[ ]{1,3}(?:the[ ]{1,3})?")

# Capitalised words that start a sentence or name a document generically, not a title.
NOT_TITLE_WORDS = frozenset(
    {
        "The", "This", "That", "These", "Those", "A", "An", "Its", "Their", "Our", "His",
        "Her", "Under", "In", "On", "By", "According", "With", "And", "But", "Any", "New",
        "Such", "Each", "Both", "Per", "As", "At", "For", "From", "Of", "To", "If",
    }
)  # fmt: skip

PART_OF_NAME_BEFORE_RE = re.compile(r"[A-Z][\w\-]{1,25}[ ]{1,3}(?:of|for)[ ]{1,3}$")

COUNTRY_OWNER_RE = re.compile(
    rf"(?:the[ ])?(?P<owner>{CAPITAL_WORD}(?:[ ]{CAPITAL_WORD}){{0,2}})['’]s?[ ]{{1,3}}$"
)

AMENDMENT_RE = re.compile(
    r"(?<![\w\-])(?P<pin>(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth"
    r"|Eleventh|Twelfth|Thirteenth|Fourteenth|Fifteenth|Sixteenth|Seventeenth|Eighteenth"
    r"|Nineteenth|Twentieth|Twenty-[a-z]{3,6}|\d{1,2}(?:st|nd|rd|th))[ ]Amendment"
    r"|(?:Due[ ]Process|Equal[ ]Protection|Commerce|Emoluments|Establishment|Free[ ]Exercise"
    r"|Supremacy|Necessary[ ]and[ ]Proper|Takings|Appointments)[ ]Clause)(?![\w\-])"
)
