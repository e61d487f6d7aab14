"""Documents whose issuer a clause names ("X said in a statement"), and executive acts."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from claimscope.stages.citations.context import PRONOUN_WINDOW_CHARS, SENTENCE_WINDOW_CHARS, Context
from claimscope.stages.citations.lookups import ISSUER_LABELS, entity_ending_at
from claimscope.stages.citations.models import Found, Issuer, issuer_table
from claimscope.stages.citations.patterns import MONTH, NOT_TITLE_WORDS, WEEKDAYS

# A clause that names who issued a statement, report or resolution: "X said in a
# statement", "the council passed a resolution", "the OECD, in its annual report".
_DOCUMENT_ADJECTIVE = (
    r"(?:written|joint|separate|brief|short|new|recent|lengthy|official|annual|latest"
    r"|preliminary|final|interim|special|emailed|televised|public|weekly|monthly|quarterly"
    r"|corresponding|detailed|formal|updated|further|\d{1,3}-page)"
)
_CLAUSE_NOUN = (
    rf"(?:(?:{_DOCUMENT_ADJECTIVE})[ ]{{1,3}}){{0,2}}"
    r"(?P<noun>press[ ]release|statement|communiqu[eé]|report|resolution|speech|memo"
    r"|address)s?(?![\w\-])"
)
_SAID_IN_RE = re.compile(
    r"(?<![\w])(?P<verb>said|says|say|stated|wrote|announced|added|noted|declared|warned"
    r"|confirmed|argued|explained|insisted|responded|found|concluded|acknowledged|urged"
    r"|called|disclosed|estimated|reported|told|tweeted|posted|wrote|replied|countered)"
    r"(?:[ ]{1,3}[\w,]{1,15}){0,3}?[ ]{1,3}in[ ]{1,3}(?:a|an|its|his|her|their|the)[ ]{1,3}"
    + _CLAUSE_NOUN
)
_ISSUED_RE = re.compile(
    r"(?<![\w])(?P<verb>issued|released|published|passed|adopted|approved|unveiled|delivered"
    r"|gave|put[ ]out)[ ]{1,3}(?:a|an|its|his|her|their)[ ]{1,3}" + _CLAUSE_NOUN
)
_IN_ITS_RE = re.compile(
    r"(?<![\w])(?P<verb>[Ii]n)[ ]{1,3}(?:its|their|his|her)[ ]{1,3}" + _CLAUSE_NOUN
)
# "In a statement, the ministry said ...": the subject follows.
_IN_A_RE = re.compile(
    r"(?:^|(?<=[\n.]))[ ]{0,3}(?P<verb>In)[ ]{1,3}(?:a|an)[ ]{1,3}" + _CLAUSE_NOUN + r"[ ]{0,2},"
)
_BY_ISSUER_RE = re.compile(
    r"(?<![\w])(?:a|an|the|its)[ ]{1,3}"
    + _CLAUSE_NOUN
    + r"(?:,?[ ]{1,3}(?:released|published|issued|prepared|compiled|commissioned)"
    r"(?:[ ]{1,3}[A-Za-z]{2,12})?)?"
    r"[ ]{1,3}(?:from|by|of|in)[ ]{1,3}(?=[A-Z]|the[ ][A-Z])"
)
_OWNER_NOUN_RE = re.compile(r"(?P<owner>['’]s?[ ]{1,3}|[ ]{1,3})" + _CLAUSE_NOUN)
_NAMED_NOUN_RE = re.compile(
    r"(?<![\w\-])(?P<name>(?:[A-Z][\w.&\-]{0,20}[ ]){0,3}[A-Z][\w.&\-]{0,20})[ ]"
    r"(?P<noun>report|press[ ]release|communiqu[eé]|memo|statement)(?![\w\-])"
)
_MONTH_START_RE = re.compile(MONTH)
_EXECUTIVE_ACT_RE = re.compile(
    r"(?:['’]s?[ ]{1,3}|(?<![\w]))(?:(?:first|latest|new|recent|sweeping|controversial)[ ]{1,3})?"
    r"(?P<noun>executive[ ](?:order|action)|emergency[ ]declaration|proclamation|declaration"
    r"|declaration[ ]of[ ](?:a[ ])?(?:national[ ])?(?:state[ ]of[ ])?emergency)s?(?![\w\-])"
)
_SIGNED_BEFORE_RE = re.compile(
    r"(?:signed|issued|announced|unveiled|declared|invoked|his|her|the[ ]president['’]s)"
    r"[ ]{1,3}(?:an?|the|his|her|its)?[ ]{0,3}$"
)
_SIGNED_BY_AFTER_RE = re.compile(r"[ ]{1,3}(?:signed|issued)[ ]{1,3}by[ ]{1,3}")
_CLAUSE_KINDS = {
    "press release": "official_statement",
    "statement": "official_statement",
    "communiqué": "official_statement",
    "communique": "official_statement",
    "speech": "official_statement",
    "report": "report",
    "resolution": "resolution",
    "memo": "report",
    "address": "official_statement",
}
# How far a clause's subject may end before its verb: "NATO said", "The OECD, in its".
_SUBJECT_GAP_CHARS = 40


def _entity_before(context: Context, position: int) -> tuple[int, int, str, str] | None:
    """The last named person or body that ends before ``position`` in its sentence."""
    low, _ = context.sentence_window(position)
    index = bisect.bisect_left(context.entities, (position,))
    while index > 0:
        index -= 1
        entity = context.entities[index]
        if entity[0] < low:
            return None
        if entity[1] <= position and entity[2] in ISSUER_LABELS:
            return entity
    return None


_SUBJECT_GAP_RE = re.compile(
    r"[\s,]{0,4}(?:(?:[a-z][\w'’\-]{0,20}|" + "|".join(WEEKDAYS) + r")[\s,]{1,4}){0,5}"
)


_APPOSITION_BEFORE_RE = re.compile(r",[^,.;:\n]{1,80},[ ]{0,2}$")
_APPOSITION_RE = re.compile(r"[ ]{0,2},[^,.;:\n]{1,80},")
# "the National Association of Purchasing Management (NAPM) said": the acronym it defines.
_ACRONYM_GAP_RE = re.compile(r"[ ]{0,2}\([A-Z][A-Z&.\-]{1,10}\)")


def _body_before(context: Context, position: int) -> tuple[int, int, Issuer] | None:
    """The issuer-table body named as the subject right before ``position``, if any."""
    low, _ = context.sentence_window(position)
    mentions = context.issuers_in(low, position)
    if not mentions or not _is_subject_gap(context.text[mentions[-1][1] : position]):
        return None
    return mentions[-1]


def _is_subject_gap(gap: str) -> bool:
    """Whether only a few lower-case words (after an apposition) sit between subject and verb."""
    acronym = _ACRONYM_GAP_RE.match(gap)
    if acronym is not None:
        gap = gap[acronym.end() :]
    apposition = _APPOSITION_RE.match(gap)
    if apposition is not None:
        # "Josh Earnest, the White House press secretary, said": the name is the subject.
        gap = gap[apposition.end() :]
    return len(gap) <= _SUBJECT_GAP_CHARS and _SUBJECT_GAP_RE.fullmatch(gap) is not None


def _entity_after(context: Context, position: int) -> tuple[int, int, str, str] | None:
    """The first named person or body within a few words after ``position``."""
    index = bisect.bisect_left(context.entities, (position,))
    if index < len(context.entities):
        entity = context.entities[index]
        if entity[0] - position <= _SUBJECT_GAP_CHARS and entity[2] in ISSUER_LABELS:
            return entity
    return None


def _entity_at(context: Context, position: int) -> tuple[int, int, str, str] | None:
    """The named person or body that starts at ``position``."""
    index = bisect.bisect_left(context.entities, (position,))
    if index < len(context.entities):
        entity = context.entities[index]
        if entity[0] == position and entity[2] in ISSUER_LABELS:
            return entity
    return None


_SUBJECT_HEAD_RE = re.compile(
    r"(?:['’]s)?[ ](?P<head>campaign|administration|government|team|office|foundation"
    r"|family|ministry|department)(?=[ ,])"
)
# A communiqué or press release is an official document by itself ("a military communique").
_OFFICIAL_NOUN_RE = re.compile(
    r"(?<![\w\-])(?:a|an|the|its|their|this)[ ]{1,3}(?:[a-z]{3,15}[ ]{1,3})?"
    r"(?P<noun>communiqu[eé]|press[ ]release)(?![\w\-])"
)
_INSPECTOR_REPORT_RE = re.compile(
    r"(?<![\w\-])(?:[Ii]nspector[ ][Gg]eneral|IG)['’]s?[ ](?:(?:\d{4}|new|latest|final)[ ])?"
    r"(?P<noun>report)(?![\w\-])"
)
_PERSON_PRONOUNS = frozenset({"he", "she", "He", "She"})
_BODY_NOUNS = frozenset(
    {"company", "ministry", "agency", "firm", "bank", "group", "organization", "organisation"}
)


def _pronoun_referent(context: Context, text: str, verb: int) -> tuple[int, int, str, str] | None:
    """The person "he"/"she" right before the verb stands for: the last one named before."""
    words = text[max(0, verb - 24) : verb].split()
    if not words:
        return None
    if words[-1] in _PERSON_PRONOUNS:
        label = "PERSON"
    elif words[-1] in ("it", "It"):
        label = "ORG"  # "It said in a statement": the company or body named before.
    elif words[-1] in _BODY_NOUNS and len(words) > 1 and words[-2] in ("the", "The"):
        label = "ORG"  # "the company said in a statement": the company named before.
    else:
        return None
    index = bisect.bisect_left(context.entities, (verb - len(words[-1]) - 5,))
    while index > 0:
        index -= 1
        entity = context.entities[index]
        if entity[0] < verb - PRONOUN_WINDOW_CHARS:
            return None
        if entity[2] == label:
            return entity
    return None


def _entity_issuer(context: Context, entity: tuple[int, int, str, str]) -> str:
    """An entity as an issuer: the table's full name when known, else the name as printed."""
    text = entity[3]
    text = text[4:] if text.startswith(("the ", "The ")) else text
    known = issuer_table().lookup(text)
    if known is not None:
        # An organisation known by its acronym keeps it ("NATO", "OECD"); courts and
        # UN organs take their full name ("ICJ" -> "International Court of Justice").
        if known.kind == "organization" and text.isupper() and known.role is None:
            return text
        return context.issuer_name(known)
    return text


_GOVERNOR_OF_RE = re.compile(
    r"(?:the[ ])?(?P<place>[A-Z][\w.]{1,20}(?:[ ][A-Z][\w.]{1,20}){0,3})['’]s?[ ]governor(?![\w])"
)


def _governor(context: Context, by_clause: re.Match[str] | None) -> re.Match[str] | None:
    """The match naming a state's governor after "signed by" ("North Carolina's governor")."""
    if by_clause is None:
        return None
    match = _GOVERNOR_OF_RE.match(context.text, by_clause.end())
    if match is None or context.gazetteer.subdivision(match.group("place")) is None:
        return None
    return match


def issued_documents(context: Context) -> Iterator[Found]:
    """Statements, reports and resolutions whose issuer the clause names."""
    text = context.text
    for pattern in (_SAID_IN_RE, _ISSUED_RE, _IN_ITS_RE):
        for match in pattern.finditer(text):
            noun = match.group("noun")
            if noun == "resolution" and pattern is not _ISSUED_RE:
                continue
            joint = "joint" in match.group()
            subject = _entity_before(context, match.start("verb"))
            if subject is not None and text[subject[0] - 1 : subject[0]] == "(":
                # "(NAPM) said": the name the acronym stands for is the subject.
                subject = _entity_before(context, subject[0] - 1) or subject
            apposition = _APPOSITION_BEFORE_RE.search(
                text, max(0, match.start("verb") - 90), match.start("verb")
            )
            if subject is not None and apposition is not None and subject[0] >= apposition.start():
                # "Vladimir Putin, president of Russia, said": the name before the apposition.
                subject = _entity_before(context, apposition.start())
            # The subject names the issuer only when it sits right before the verb; a
            # name further back ("..., he said") is the voices stage's to resolve.
            if subject is not None and not _is_subject_gap(text[subject[1] : match.start("verb")]):
                subject = None
            issuer = _entity_issuer(context, subject) if subject and not joint else None
            if subject is not None and issuer is not None:
                head = _SUBJECT_HEAD_RE.match(text, subject[1], match.start("verb"))
                if head is not None:
                    # "the Trump campaign said": the campaign, not the man, issued it.
                    issuer = f"{issuer} {head.group('head')}"
            if subject is None and not joint:
                referent = _pronoun_referent(context, text, match.start("verb"))
                issuer = _entity_issuer(context, referent) if referent else None
            body = _body_before(context, match.start("verb"))
            if (
                body is not None
                and not joint
                and (subject is None or body[1] - body[0] > subject[1] - subject[0])
            ):
                # "the United States House of Representatives passed": the issuer tables
                # know the body's full name where the entity model sees only "United States".
                issuer = context.issuer_name(body[2])
            yield Found(
                _CLAUSE_KINDS.get(noun, "official_statement"),
                match.start("noun"),
                match.end("noun"),
                issuer,
            )
    for match in _OFFICIAL_NOUN_RE.finditer(text):
        yield Found("official_statement", match.start("noun"), match.end("noun"), None)
    inspectors = issuer_table().inspectors_general
    for match in _INSPECTOR_REPORT_RE.finditer(text):
        # Whose inspector general: the department named nearest before, in a bounded window.
        window = text[max(0, match.start() - SENTENCE_WINDOW_CHARS) : match.end()]
        named = [(window.rfind(name), full) for name, full in inspectors.items()]
        found = max(((at, full) for at, full in named if at >= 0), default=None)
        yield Found("report", match.start(), match.end(), found[1] if found else None)
    for match in _IN_A_RE.finditer(text):
        if match.group("noun") == "resolution":
            continue
        # "In a joint statement, A and B said": several issuers, none of them alone.
        subject = None if "joint" in match.group() else _entity_after(context, match.end())
        yield Found(
            _CLAUSE_KINDS.get(match.group("noun"), "official_statement"),
            match.start("noun"),
            match.end("noun"),
            _entity_issuer(context, subject) if subject else None,
        )
    for match in _NAMED_NOUN_RE.finditer(text):
        # "the IG report", "a Senate Intelligence Committee report": a name as modifier.
        printed = match.group("name")
        if re.search(r"[a-z]\.[ ]", printed) or any(
            word in NOT_TITLE_WORDS for word in printed.split()[1:]
        ):
            continue  # "Florida. The statement": a sentence boundary, not a name.
        first = printed.split()[0]
        if first in NOT_TITLE_WORDS or first in WEEKDAYS or _MONTH_START_RE.match(printed):
            continue
        known = issuer_table().lookup(printed)
        entity = entity_ending_at(context, match.end("name"))
        if known is None and entity is None and not printed.replace(".", "").isupper():
            continue  # "Sources report", "Another report": no issuer's name.
        yield Found(
            _CLAUSE_KINDS.get(match.group("noun"), "official_statement"),
            match.start("name"),
            match.end("noun"),
            context.issuer_name(known) if known else printed,
        )
    for match in _EXECUTIVE_ACT_RE.finditer(text):
        owner = entity_ending_at(context, match.start())
        clause = text[max(0, match.start() - 30) : match.start()]
        by_clause = _SIGNED_BY_AFTER_RE.match(text, match.end())
        if owner is None and not _SIGNED_BEFORE_RE.search(clause) and by_clause is None:
            continue  # "an executive order" the administration might use: generic.
        if match.group("noun") in ("declaration", "proclamation") and (
            owner is None or owner[2] != "PERSON"
        ):
            continue  # Only a person's ("Trump's declaration") is an executive act.
        start = match.start("noun")
        if owner is not None:
            start = owner[0] + (4 if owner[3].startswith(("the ", "The ")) else 0)
        end = match.end("noun")
        governor = _governor(context, by_clause)
        if governor is not None:
            # The "signed by" phrase names the issuer, so the span takes it in.
            yield Found("law", start, governor.end(), f"Governor of {governor.group('place')}")
            continue
        yield Found("law", start, end, context.national("executive"))
    for match in _BY_ISSUER_RE.finditer(text):
        entity = _entity_at(context, match.end())
        if entity is None and text.startswith("the ", match.end()):
            entity = _entity_at(context, match.end() + 4)
        if entity is None:
            continue
        yield Found(
            _CLAUSE_KINDS.get(match.group("noun"), "official_statement"),
            match.start("noun"),
            entity[1],
            _entity_issuer(context, entity),
        )
    for match in _OWNER_NOUN_RE.finditer(text):
        owner = entity_ending_at(context, match.start())
        if owner is None or owner[2] == "NORP":
            continue
        if match.group("noun") == "resolution" and not match.group("owner").strip():
            continue  # "UN resolution" without a number is the resolutions extractor's call.
        if not match.group("owner").strip() and text.startswith("s", match.end("noun")):
            continue  # "The Jakarta Post reports a value": the verb, not the document.
        yield Found(
            _CLAUSE_KINDS.get(match.group("noun"), "official_statement"),
            owner[0] + (4 if owner[3].startswith(("the ", "The ")) else 0),
            match.end("noun"),
            _entity_issuer(context, owner),
        )
