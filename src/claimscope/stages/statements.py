"""The statements stage: embedded statements and letters, and who issued them.

A statement is either a quoted passage with a statement cue next to it ("reads the
statement", "the letter says", "said in a joint statement", "Full text of the
statement:") or opening with "We, the undersigned", or an unquoted block that opens
that way (or follows a "Full text of the statement:" line) and runs up to the
signatory block. The cue phrases live in ``data/statement_cues.json``.

Quote marks are read in one left-to-right pass: a paragraph that opens with a quote
mark inside an open quotation continues it (conventional multi-paragraph quoting),
and a quotation that never closes is kept as far as the text allows, with a warning.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from claimscope.analysis import Analysis
from claimscope.data import load_table
from claimscope.dossier import Span, Statement, TextSpan
from claimscope.text.lists import block_starts, load_tables
from claimscope.text.markup import front_matter_end, visible
from claimscope.text.patterns import alternation
from claimscope.text.quotes import Mark, classify_mark

STAGE = "statements"

CUE_WINDOW = 200
LEAD_WINDOW = 1500
MAX_SUBJECT_WORDS = 12
# An unclosed quotation without a statement cue is skipped and the scan restarts
# after it; the cap keeps the work linear however many stray marks a text has.
MAX_RESTARTS = 4

_QUOTE_OR_NEWLINE = re.compile(r"[\"“”«»\n]")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+|\n")


@dataclass(frozen=True)
class Cues:
    """The compiled cue patterns from ``data/statement_cues.json``."""

    after_quote: re.Pattern[str]
    before_quote: re.Pattern[str]
    lead: re.Pattern[str]
    undersigned: re.Pattern[str]
    undersigned_issuer: re.Pattern[str]
    heading: re.Pattern[str]
    noun: re.Pattern[str]
    verb: re.Pattern[str]
    min_quoted_words: int


def _expand(template: str, words: dict[str, str]) -> str:
    pattern = template.replace(" ", r"\s+")
    for name, alternatives in words.items():
        pattern = pattern.replace("{" + name + "}", alternatives)
    return pattern


@functools.cache
def load_cues() -> Cues:
    """The statement cue patterns, compiled once per process."""
    data = load_table("statement_cues.json")
    words = {
        "DETERMINER": rf"(?:{alternation(data['determiners'])})",
        # Bounded: at most two modifiers ("joint open letter").
        "MODIFIER": rf"(?:(?:{alternation(data['modifiers'])})\s+){{0,2}}",
        "NOUN": rf"(?:{alternation(data['nouns'])})\b",
        "VERB": rf"\b(?:{alternation(data['reporting_verbs'])})\b",
        "ISSUE_VERB": rf"\b(?:{alternation(data['issue_verbs'])})\b",
    }
    after = "|".join(_expand(template, words) for template in data["after_quote"])
    before = "|".join(_expand(template, words) for template in data["before_quote"])
    lead = "|".join(_expand(template, words) for template in data["lead"])
    undersigned = alternation(data["undersigned"])
    flags = re.IGNORECASE
    return Cues(
        after_quote=re.compile(
            rf"[\s,.;:]{{0,4}}(?:(?P<subject>[^\n\"“”.;:]{{1,80}}?)\s+)??(?P<cue>{after})",
            flags,
        ),
        before_quote=re.compile(rf"\b(?P<cue>{before})[\s:,]{{0,4}}$", flags),
        lead=re.compile(rf"\b(?P<cue>{lead})", flags),
        undersigned=re.compile(rf"\s*(?P<cue>{undersigned})\b", flags),
        undersigned_issuer=re.compile(
            rf"\s*(?:{undersigned})\s+(?P<issuer>[^,.;:\n\"“”]{{1,120}}?)\s*"
            r"(?=,|\b(?:are|is|have|has|hereby|call|calls|urge|demand|wish|express|"
            r"would|do|strongly|jointly|issue|condemn|appeal|write|wrote|welcome)\b|[.;:\n]|$)",
            flags,
        ),
        heading=re.compile(rf"(?P<cue>{before})\s*:", flags),
        noun=re.compile(rf"\b{words['NOUN']}", flags),
        verb=re.compile(words["VERB"], flags),
        min_quoted_words=int(data["min_quoted_words"]),
    )


# --- quotations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Quotation:
    """A quoted passage: the offsets of its opening and (when found) closing marks."""

    opening: int
    closing: int | None


def _at_line_start(text: str, position: int, low: int) -> bool:
    index = position - 1
    # Bounded look-back: indentation before a paragraph's opening mark is short.
    for _ in range(8):
        if index < low or text[index] == "\n":
            return True
        if text[index] not in " \t":
            return False
        index -= 1
    return False


def find_quotations(text: str, low: int, high: int) -> list[Quotation]:
    """Quotations in ``text[low:high]`` in one pass; the last may be unclosed."""
    quotations: list[Quotation] = []
    inside = False
    opening = low
    depth = 0
    for match in _QUOTE_OR_NEWLINE.finditer(text, low, high):
        position = match.start()
        if text[position] == "\n":
            # Inner quotations do not cross paragraphs.
            depth = 0
            continue
        mark = classify_mark(text, position)
        if not inside:
            if mark is not Mark.CLOSE:
                inside, opening, depth = True, position, 0
            continue
        if mark is not Mark.CLOSE and depth == 0 and _at_line_start(text, position, low):
            continue
        if mark is Mark.OPEN:
            depth += 1
        elif depth > 0:
            depth -= 1
        else:
            quotations.append(Quotation(opening, position))
            inside = False
    if inside:
        quotations.append(Quotation(opening, None))
    return quotations


# --- statements --------------------------------------------------------------------------


@dataclass
class Found:
    """A statement before it becomes a :class:`Statement`."""

    start: int
    end: int
    cue: TextSpan | None
    subject: tuple[int, int] | None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _text_span(text: str, start: int, end: int) -> TextSpan:
    return TextSpan(text=text[start:end], start=start, end=end)


def _line_end(text: str, position: int, high: int) -> int:
    newline = text.find("\n", position, high)
    return high if newline == -1 else newline


def _cue_before(text: str, opening: int, low: int, cues: Cues) -> TextSpan | None:
    window_start = max(low, opening - CUE_WINDOW)
    match = cues.before_quote.search(text, window_start, opening)
    if match is None:
        return None
    return _text_span(text, match.start("cue"), match.end("cue"))


def _subject_in_cue(text: str, cue: TextSpan, cues: Cues) -> tuple[int, int] | None:
    """The speaker inside a cue such as "In a statement, the commission said"."""
    verbs = list(cues.verb.finditer(text, cue.start, cue.end))
    if not verbs or verbs[-1].end() != cue.end:
        return None
    head_end = verbs[-1].start()
    comma = text.rfind(",", cue.start, head_end)
    if comma == -1:
        return None
    if cues.noun.search(text, comma, head_end) is not None:
        return None
    return _subject_span(text, comma + 1, head_end)


def _subject_before_cue(text: str, cue: TextSpan, low: int, cues: Cues) -> tuple[int, int] | None:
    """The speaker before a cue that opens with its verb ("Lloyd Bentsen said in a statement,")."""
    verb = cues.verb.match(text, cue.start, cue.end)
    if verb is None:
        return None
    window_start = max(low, cue.start - CUE_WINDOW)
    sentence_start = window_start
    for boundary in _SENTENCE_END.finditer(text, window_start, cue.start):
        sentence_start = boundary.end()
    return _subject_span(text, sentence_start, cue.start)


def _cue_after(
    text: str, closing: int, high: int, cues: Cues
) -> tuple[TextSpan, tuple[int, int] | None] | None:
    stop = min(closing + 1 + CUE_WINDOW, _line_end(text, closing + 1, high))
    match = cues.after_quote.match(text, closing + 1, stop)
    if match is None:
        return None
    cue = _text_span(text, match.start("cue"), match.end("cue"))
    subject = match.span("subject") if match.group("subject") else None
    return cue, subject


def _undersigned_cue(text: str, start: int, high: int, cues: Cues) -> TextSpan | None:
    match = cues.undersigned.match(text, start, high)
    if match is None:
        return None
    return _text_span(text, match.start("cue"), match.end("cue"))


def _end_before_block(text: str, start: int, high: int, starts: Sequence[int]) -> int:
    """The end of the text from ``start`` up to the next signatory block (or ``high``)."""
    index = bisect.bisect_right(starts, start)
    stop = starts[index] if index < len(starts) else high
    return _trim(text, start, min(stop, high))[1]


def _words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


class _BlockStarts:
    """Signatory block offsets, computed only when an unquoted statement needs them."""

    def __init__(self, text: str, low: int, high: int) -> None:
        self.text, self.low, self.high = text, low, high
        self._starts: list[int] | None = None

    def get(self) -> list[int]:
        if self._starts is None:
            self._starts = block_starts(self.text, self.low, self.high)
        return self._starts


def _quoted_statements(
    analysis: Analysis, low: int, high: int, cues: Cues, blocks: _BlockStarts
) -> list[Found]:
    text = analysis.document.text
    found: list[Found] = []
    scan_from = low
    for _ in range(MAX_RESTARTS + 1):
        quotations = find_quotations(text, scan_from, high)
        restart: int | None = None
        for quotation in quotations:
            content_start = quotation.opening + 1
            if quotation.closing is None:
                start, _ = _trim(text, content_start, high)
                undersigned = _undersigned_cue(text, start, high, cues)
                before = _cue_before(text, quotation.opening, low, cues)
                if undersigned is None and before is None:
                    analysis.warn(STAGE, "quote mark never closed", quotation.opening, high)
                    restart = quotation.opening + 1
                    break
                end = _end_before_block(text, start, high, blocks.get())
                analysis.warn(
                    STAGE,
                    "statement's quotation never closes; its end is guessed",
                    quotation.opening,
                    end,
                )
                found.append(Found(start, end, before or undersigned, None))
                continue
            start, end = _trim(text, content_start, quotation.closing)
            undersigned = _undersigned_cue(text, start, end, cues)
            long_enough = (
                undersigned is not None
                or "\n" in text[start:end]
                or _words(text, start, end) >= cues.min_quoted_words
            )
            if not long_enough:
                continue
            after = _cue_after(text, quotation.closing, high, cues)
            before = _cue_before(text, quotation.opening, low, cues)
            if after is not None:
                found.append(Found(start, end, after[0], after[1]))
            elif before is not None or undersigned is not None:
                subject = (
                    _subject_in_cue(text, before, cues)
                    or _subject_before_cue(text, before, low, cues)
                    if before
                    else None
                )
                found.append(Found(start, end, before or undersigned, subject))
        if restart is None:
            break
        scan_from = restart
    return found


def _unquoted_statements(
    analysis: Analysis,
    low: int,
    high: int,
    cues: Cues,
    taken: Sequence[Found],
    blocks: _BlockStarts,
) -> list[Found]:
    text = analysis.document.text
    found: list[Found] = []
    covered = sorted((item.start, item.end) for item in taken)
    next_covered = 0
    position = low
    while position < high:
        line_end = _line_end(text, position, high)
        start, end = _trim(text, position, line_end)
        # Lines come in order, so one pointer over the quoted spans suffices.
        while next_covered < len(covered) and covered[next_covered][1] <= start:
            next_covered += 1
        inside = next_covered < len(covered) and covered[next_covered][0] <= start
        if start < end and not inside and text[start] not in '"“«':
            undersigned = _undersigned_cue(text, start, end, cues)
            heading = cues.heading.fullmatch(text, start, end)
            statement_start: int | None = None
            cue: TextSpan | None = None
            if undersigned is not None:
                statement_start, cue = start, undersigned
            elif heading is not None:
                following, _ = _trim(text, line_end, high)
                if following < high and text[following] not in '"“«':
                    statement_start = following
                    cue = _text_span(text, heading.start("cue"), heading.end("cue"))
            if statement_start is not None and cue is not None:
                statement_end = _end_before_block(text, statement_start, high, blocks.get())
                if statement_end > statement_start:
                    found.append(Found(statement_start, statement_end, cue, None))
                    position = max(statement_end, line_end + 1)
                    continue
        position = line_end + 1
    return found


# --- a document that is the letter ------------------------------------------------------

MIN_LETTER_WORDS = 20
_SALUTATION = re.compile(
    r"^[ \t*_>]*(?:<[^<>\n]{0,40}>)?[ \t]*dear\b", re.IGNORECASE | re.MULTILINE
)
_HEADING_LINE = re.compile(r"[ \t]*(?:#{1,6}[ \t]+[^\n]*|<h[1-6][^\n]*)")


def _letter_start(text: str, low: int, high: int) -> int:
    """Where a letter's own text starts: after its front matter and its title heading."""
    position = max(low, front_matter_end(text))
    while position < high:
        start, end = _trim(text, position, _line_end(text, position, high))
        if start >= end:
            position = _line_end(text, position, high) + 1
            continue
        if _HEADING_LINE.match(text, start, end) and position < low + 2000:
            position = end + 1
            continue
        return start
    return high


def _letter_document(
    text: str, low: int, high: int, cues: Cues, starts: Sequence[int]
) -> Found | None:
    """The whole document as one statement, when it is a letter followed by its signatories.

    A letter shows itself by a salutation ("Dear ..."), a closing ("Yours sincerely,") that
    opens its signatory block, "the undersigned", or a title naming it ("Open letter to
    ..."); its text runs from after its title to its first signatory block.
    """
    start = _letter_start(text, low, high)
    for block in starts:
        if block <= start:
            continue
        end = _trim(text, start, block)[1]
        if _words(text, start, end) < MIN_LETTER_WORDS:
            continue
        closing_line = text[block : _line_end(text, block, high)]
        signals = (
            _SALUTATION.search(text, start, end) is not None
            or load_tables().closing.fullmatch(visible(closing_line).text) is not None
            or re.search(r"\bundersign", text[start:end], re.IGNORECASE) is not None
            or cues.noun.search(text, low, start) is not None
        )
        if not signals:
            return None
        return Found(start, end, None, None)
    return None


# --- issuers -----------------------------------------------------------------------------


def normalize_issuer(phrase: str) -> str:
    """Lowercase the sentence-initial capital of a common-noun phrase; keep proper names."""
    words = phrase.split()
    if not words:
        return phrase
    first = words[0]
    rest_lowercase = all(not word[:1].isupper() for word in words[1:])
    common_first = first[:1].isupper() and not first.isupper() and first[1:].islower()
    if len(words) == 1:
        # One capitalised word is a common noun only in the plural ("Activists").
        common_first = common_first and first.endswith("s")
    if rest_lowercase and common_first:
        return phrase[0].lower() + phrase[1:]
    return phrase


def _subject_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    start, end = _trim(text, start, end)
    phrase = text[start:end].strip(" ,")
    if not phrase or len(phrase.split()) > MAX_SUBJECT_WORDS:
        return None
    if not any(character.isalpha() for character in phrase):
        return None
    offset = text.index(phrase, start, end)
    return offset, offset + len(phrase)


def _lead_subject(text: str, statement_start: int, low: int, cues: Cues) -> tuple[int, int] | None:
    window_start = max(low, statement_start - LEAD_WINDOW)
    last: re.Match[str] | None = None
    for match in cues.lead.finditer(text, window_start, statement_start):
        last = match
    if last is None:
        return None
    sentence_start = window_start
    for boundary in _SENTENCE_END.finditer(text, window_start, last.start()):
        sentence_start = boundary.end()
    return _subject_span(text, sentence_start, last.start())


def _undersigned_subject(text: str, start: int, end: int, cues: Cues) -> tuple[int, int] | None:
    match = cues.undersigned_issuer.match(text, start, min(end, start + CUE_WINDOW))
    if match is None:
        return None
    return _subject_span(text, match.start("issuer"), match.end("issuer"))


def _issuer(text: str, item: Found, low: int, cues: Cues) -> tuple[int, int] | None:
    if item.subject is not None:
        subject = _subject_span(text, *item.subject)
        if subject is not None:
            return subject
    return _lead_subject(text, item.start, low, cues) or _undersigned_subject(
        text, item.start, item.end, cues
    )


class StatementsStage:
    """Adds the `statements` layer."""

    name = "statements"
    needs_parse = False

    def __init__(self) -> None:
        self.cues = load_cues()

    def __call__(self, analysis: Analysis) -> None:
        """Find embedded statements, their cues and issuers."""
        text = analysis.document.text
        body = analysis.dossier.anatomy.body
        if body is not None and body.end > body.start:
            low, high = body.start, min(body.end, len(text))
        else:
            low, high = 0, len(text)
        blocks = _BlockStarts(text, low, high)
        quoted = _quoted_statements(analysis, low, high, self.cues, blocks)
        unquoted = _unquoted_statements(analysis, low, high, self.cues, quoted, blocks)
        found = [*quoted, *unquoted]
        if not found:
            letter = _letter_document(text, low, high, self.cues, blocks.get())
            if letter is not None:
                found.append(letter)
        for item in sorted(found, key=lambda found: found.start):
            issuer = _issuer(text, item, low, self.cues)
            analysis.dossier.statements.append(
                Statement(
                    start=item.start,
                    end=item.end,
                    issuer=normalize_issuer(text[issuer[0] : issuer[1]]) if issuer else None,
                    issuer_span=Span(start=issuer[0], end=issuer[1]) if issuer else None,
                    cue=item.cue,
                    signatories=[],
                )
            )
