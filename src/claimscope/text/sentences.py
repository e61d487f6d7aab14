"""Sentence boundaries: the parse's where there is one, else a punctuation split; and the
boundaries the text's own layout and punctuation settle, whatever words stand around them.

spaCy's parser places sentence boundaries from the words around them, names included: it
may start a sentence before a name in mid-sentence ("disparaging remarks | Trump had
made"), run one over a paragraph break, end one at the end of a list line, or after "Sen."
before one name and not another. A finding that must not change when two names are
exchanged reads the boundaries that the layout (:func:`line_sentence_starts`) and the end
marks (:func:`ends_with_mark`, :func:`after_abbreviation`) settle instead.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

# A sentence ends at . ! or ? (closing quotes and brackets may follow) before a capital
# or a digit, or at a line break; bounded repeats keep the search linear.
_SENTENCE_BREAK_RE = re.compile(r"(?<=[.!?])[\"”’)]{0,2}[ \t]{1,10}(?=[\"“‘(]?[A-Z0-9])|\n{1,5}")
# A line of text after a line break: its indentation, then its first character.
_LINE_START_RE = re.compile(r"\n[^\S\n]{0,100}(?=\S)")
_END_MARKS = ".!?…"
# Marks that may close a sentence after its end mark: quotes and brackets.
_CLOSING_MARKS = "\"'”’)]»"
# A period after a title or an initial ends no sentence ("Sen. Clinton", "Donald J. Trump"),
# nor one after a month's abbreviation before a day ("Oct. 21"). Bounded: linear.
_TITLE_BEFORE_RE = re.compile(
    r"(?<![^\W\d_])(?:Mr|Mrs|Ms|Mx|Dr|Sen|Sens|Rep|Reps|Gov|Gen|Lt|Col|Maj|Sgt|Capt|Cmdr|"
    r"Adm|Prof|Rev|Hon|Del|Pres|Supt|Atty|Amb|St|Mt|Ft|No|Nos)\.$|(?:^|(?<=[\s(]))[A-Z]\.$"
)
_MONTH_BEFORE_RE = re.compile(r"(?<![^\W\d_])(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.$")
# Words that end no sentence: a line ending on one runs on into the next.
_NEVER_LAST_WORDS = frozenset(
    {"a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and", "or"}
)

WRAP_WIDTH = 100
"""Hard-wrapped text (wire copy, e-mail) has 90% of its lines at most this long ..."""
MIN_RUN_ON_SHARE = 0.25
"""... and at least this share of its line breaks inside paragraphs run a sentence on."""
MIN_WRAPPED_LINES = 4
"""Fewer lines than this are never taken for hard-wrapped text."""
SHORT_LINE_SHARE = 0.6
"""In hard-wrapped text, a line shorter than this share of the column ends a paragraph or is
a heading or a list item: the next line starts a sentence."""


def sentence_starts(text: str, parsed: Doc | None) -> list[int]:
    """Offsets where the sentences of ``text`` start, the first always 0."""
    if parsed is not None:
        starts = [sentence.start_char for sentence in parsed.sents]
        return starts if starts and starts[0] == 0 else [0, *starts]
    return [0, *(match.end() for match in _SENTENCE_BREAK_RE.finditer(text))]


def text_before(text: str, position: int) -> int:
    """The end of the text before ``position``, blank space aside."""
    while position > 0 and text[position - 1].isspace():
        position -= 1
    return position


def ends_with_mark(text: str, position: int) -> bool:
    """Whether the text before ``position``, blank space aside, ends with an end mark
    (. ! ? …) that only closing quotes and brackets follow, or is the text's start."""
    index = text_before(text, position)
    closing = 0
    while index > 0 and closing < 3 and text[index - 1] in _CLOSING_MARKS:
        index -= 1
        closing += 1
    return index == 0 or text[index - 1] in _END_MARKS


def after_abbreviation(text: str, position: int) -> bool:
    """Whether the period before ``position`` (blank space aside) closes an abbreviation
    that ends no sentence: a title, an initial, a month before a day's number."""
    end = text_before(text, position)
    before = text[max(0, end - 6) : end]
    if _TITLE_BEFORE_RE.search(before):
        return True
    return bool(_MONTH_BEFORE_RE.search(before)) and text[position : position + 1].isdigit()


def _runs_on(line: str, following: str) -> bool:
    """Whether a sentence runs on from a line into the next: the line has no end mark and
    the next starts in lower case or with a digit, or the line ends on a word that ends no
    sentence ("the", "of")."""
    if line[-1] in _END_MARKS:
        return False
    if following[0].islower() or following[0].isdigit():
        return True
    return line.rpartition(" ")[2].casefold() in _NEVER_LAST_WORDS


def wrap_column(text: str) -> int | None:
    """The column a hard-wrapped text is wrapped at (its 90th-percentile line length), or
    None when its lines are paragraphs or items of their own.

    Hard-wrapped text has lines of at most WRAP_WIDTH characters, and a good share of its
    line breaks run a sentence on (:func:`_runs_on`). A list of short points has the short
    lines but not the run-on breaks.
    """
    lines = [line.strip() for line in text.split("\n")]
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < MIN_WRAPPED_LINES:
        return None
    column = lengths[(len(lengths) * 9) // 10]
    if column > WRAP_WIDTH:
        return None
    breaks = run_on = 0
    for line, following in itertools.pairwise(lines):
        if line and following:
            breaks += 1
            run_on += _runs_on(line, following)
    return column if run_on and run_on >= MIN_RUN_ON_SHARE * breaks else None


def line_sentence_starts(text: str) -> list[int]:
    """The starts of lines that begin a sentence whatever the words around them say.

    After a blank line, always; in a text whose lines are paragraphs or items (one line per
    paragraph, a list of points without punctuation), after every line break; in a
    hard-wrapped text, where a line break mostly falls inside a sentence, only after a
    short line (the end of a paragraph, a heading) or before an indented one (a new
    paragraph of wire copy): its other line breaks are spaces.
    """
    column = wrap_column(text)
    starts = []
    for match in _LINE_START_RE.finditer(text):
        start = match.end()
        previous_end = text_before(text, match.start())
        if previous_end == 0:
            continue
        if column is None or "\n" in text[previous_end : match.start()]:
            starts.append(start)
            continue
        line_start = text.rfind("\n", 0, previous_end) + 1
        previous_line = text[line_start:previous_end].strip()
        indented = start > match.start() + 1
        if indented or len(previous_line) < SHORT_LINE_SHARE * column:
            starts.append(start)
    return starts


def prose_sentence_starts(text: str, parsed: Doc | None, max_chars: int) -> list[int]:
    """Sentence starts that the text's own layout and punctuation confirm.

    Line breaks decide by the layout alone (:func:`line_sentence_starts`); elsewhere a
    start of the parse (or of the punctuation split) counts only after an end mark
    (:func:`ends_with_mark`) that closes no abbreviation (:func:`after_abbreviation`).
    Otherwise its sentence joins the one before, as long as that stays within
    ``max_chars``, so a text without any sentence end is still cut where the parse cut it.
    """
    layout = set(line_sentence_starts(text))
    kept = [0]
    for start in sorted(layout.union(sentence_starts(text, parsed))):
        if start == 0:
            continue
        if (
            start in layout
            or (ends_with_mark(text, start) and not after_abbreviation(text, start))
            or start - kept[-1] > max_chars
        ):
            kept.append(start)
    return kept
