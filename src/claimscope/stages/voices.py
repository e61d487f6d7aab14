"""The voices stage: who says what, passage by passage.

Every passage of the body is given a voice:

- ``direct``: a quotation (straight or curly double quotes, « », „ “, single quotes when
  they cannot be apostrophes), one voice per paragraph of a multi-paragraph quotation and
  one per piece of a quotation split by its attribution, content without the marks;
- ``indirect``: a reporting verb from ``data/voice_cues.json`` read from the dependency
  parse, its subject the source and its clause (or object) the content; "according to X"
  with the rest of the sentence as content;
- ``mixed``: indirect content that contains a quoted fragment;
- ``statement``: an embedded statement (the statements layer), spoken by its issuer;
- ``narrator``: the rest of the body, the outlet's own voice (agency, else byline, else
  outlet), one passage per paragraph piece.

A pronoun or description as source ("he", "the minister", "the ministry") is resolved to
the nearest earlier compatible name; when there is none the mention's own text is the
speaker and ``speaker_resolved`` is false. Quote marks are read in one linear pass; an
unbalanced mark is reported as a warning and never stops the analysis.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimscope.analysis import Analysis
from claimscope.data import load_table
from claimscope.dossier import Dossier, Entity, Span, Statement, TextSpan, Voice
from claimscope.text.lists import load_tables
from claimscope.text.quotes import Mark, classify_mark
from claimscope.text.spans import Intervals

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

STAGE = "voices"

# Warnings past this many per document are summed up in one, so a text full of stray
# marks cannot flood the dossier.
MAX_WARNINGS = 20
# How far back a pronoun looks for its name, in entities.
MAX_ANTECEDENT_STEPS = 60
# How far up the parse a cue looks for the subject it shares ("..., adding that").
MAX_SUBJECT_CLIMB = 4
# Gap between a colon-introduced cue ("He said:") and the quotation it introduces.
MAX_INTRO_GAP = 80
# A source between a closing quote mark and its cue is a noun phrase of at most this many tokens.
MAX_SOURCE_TOKENS = 25
# A headline "Speaker: words" names its speaker in a few words, not a sentence.
MAX_HEADLINE_SPEAKER_WORDS = 5
# Fraction of an attributed clause that quotations must cover for the voice to be direct.
DIRECT_COVERAGE = 0.8
_CONDITIONAL_MARKERS = frozenset({"if", "unless", "whether"})
# Verbs that double as discourse fillers ("you see", "I mean", "you know").
_FILLER_VERBS = frozenset({"see", "mean", "know", "guess"})

_MARKS = re.compile(r"[\"“”„«»‘’'\n]")
_NON_SPACE = re.compile(r"\S")
_DOUBLE_OPENERS = '"“„'
_SINGLE_OPENERS = "‘'"
_QUOTE_CHARACTERS = "\"“”„«»‘’'"
_QUOTES = frozenset(_QUOTE_CHARACTERS)
_EDGE_PUNCTUATION = " \t\n,;:—–-" + _QUOTE_CHARACTERS
_NARRATOR_LEFT_TRIM = " \t\n,;:.!?)]}—–-" + _QUOTE_CHARACTERS
_NARRATOR_RIGHT_TRIM = " \t\n,;:([{—–-" + _QUOTE_CHARACTERS
_ARTICLES = frozenset({"the", "a", "an"})
# Lowercase words a name or title may contain ("Secretary of State", "Charles de Gaulle").
_NAME_PARTICLES = frozenset(
    {"of", "the", "and", "for", "de", "van", "von", "al", "bin", "la", "du"}
)
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
_CONTENT_DEPENDENCIES = frozenset({"ccomp", "xcomp", "dobj", "oprd"})
_CLAUSE_DEPENDENCIES = frozenset({"ccomp", "xcomp"})
_SHARED_SUBJECT_DEPENDENCIES = frozenset({"advcl", "conj", "xcomp", "pcomp", "prep"})
_SOURCE_PARTS_OF_SPEECH = frozenset({"PROPN", "NOUN", "PRON", "NUM", "ADJ", "DET"})
# A time or a number as subject is a parse error ("2:00 p.m. A court document says").
_NOT_SOURCES = frozenset({"TIME", "DATE"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_INTRO_GAP = re.compile(r"(?:[^.!?\"“”„«»]{0,80}[:,])?[ \t\n]*")


# --- data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CueTable:
    """The cue lemmas and resolution tables from ``data/voice_cues.json``."""

    verbs: frozenset[str]
    addressee_verbs: frozenset[str]
    prepositions: tuple[tuple[str, ...], ...]
    statement_nouns: frozenset[str]
    pronouns: Mapping[str, str]
    titles: Mapping[str, str]
    short_quote_words: int
    prepositional_content: frozenset[str]
    irregular_forms: Mapping[str, str]
    nested_verbs: frozenset[str]
    cue_nouns: frozenset[str]
    evidence_nouns: frozenset[str]
    light_verbs: frozenset[str]
    speech_objects: frozenset[str]

    def lemma_of(self, word: str) -> str | None:
        """The cue lemma of an inflected verb read without the parse ("notes", "added")."""
        folded = word.casefold()
        if folded in self.irregular_forms:
            return self.irregular_forms[folded]
        for candidate in (folded, folded[:-1], folded[:-2], folded[:-3], folded[:-3] + "y"):
            if candidate in self.verbs:
                return candidate
        return None


@functools.cache
def load_cues() -> CueTable:
    """The voice cue table, loaded once per process."""
    data = load_table("voice_cues.json")
    return CueTable(
        verbs=frozenset(word.casefold() for word in data["verbs"]),
        addressee_verbs=frozenset(word.casefold() for word in data["addressee_verbs"]),
        prepositions=tuple(tuple(phrase.casefold().split()) for phrase in data["prepositions"]),
        statement_nouns=frozenset(word.casefold() for word in data["statement_nouns"]),
        pronouns={word.casefold(): kind for word, kind in data["pronouns"].items()},
        titles={word.casefold(): kind for word, kind in data["titles"].items()},
        short_quote_words=int(data["short_quote_words"]),
        irregular_forms={
            form.casefold(): lemma.casefold() for form, lemma in data["irregular_forms"].items()
        },
        nested_verbs=frozenset(word.casefold() for word in data["nested_verbs"]),
        prepositional_content=frozenset(word.casefold() for word in data["prepositional_content"]),
        cue_nouns=frozenset(word.casefold() for word in data["cue_nouns"]),
        evidence_nouns=frozenset(word.casefold() for word in data["evidence_nouns"]),
        light_verbs=frozenset(word.casefold() for word in data["light_verbs"]),
        speech_objects=frozenset(word.casefold() for word in data["speech_objects"]),
    )


# --- quotations ---------------------------------------------------------------------------


@dataclass
class Quotation:
    """A quotation: its marks and its content, one piece per paragraph it spans."""

    opening: int
    closing: int | None
    pieces: list[tuple[int, int]]
    claimed: bool = False


def trim(text: str, start: int, end: int, characters: str = " \t\n") -> tuple[int, int]:
    """``[start, end)`` without the given characters at either edge."""
    while start < end and text[start] in characters:
        start += 1
    while end > start and text[end - 1] in characters:
        end -= 1
    return start, end


def _is_word_character(character: str) -> bool:
    return character.isalnum()


def _family(mark: str) -> str:
    if mark in _DOUBLE_OPENERS:
        return "double"
    if mark == "«":
        return "guillemet"
    return "single"


def _opens_continuation(family: str, character: str) -> bool:
    if family == "double":
        return character in _DOUBLE_OPENERS
    if family == "guillemet":
        return character == "«"
    return character in _SINGLE_OPENERS


def _opener(text: str, position: int) -> bool | None:
    """Whether a mark outside any quotation opens one (None: a stray closing mark)."""
    character = text[position]
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    if character in "“„«":
        return True
    if character in "”»":
        return None
    if character == '"':
        return True if classify_mark(text, position) is not Mark.CLOSE else None
    if character == "‘":
        return not after.isspace()
    if character == "'":
        # An apostrophe has a letter on one side at least; an opening quote has none before.
        return not _is_word_character(before) and _is_word_character(after)
    return False


def _closes_single(text: str, position: int) -> bool:
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    return not before.isspace() and not _is_word_character(after)


def find_quotations(
    text: str, low: int, high: int, warn: Callable[[str, int, int], None]
) -> list[Quotation]:
    """Quotations in ``text[low:high]``, in one left-to-right pass over the marks."""
    quotations: list[Quotation] = []
    opening_mark = ""
    opening = low
    piece_start = low
    pieces: list[tuple[int, int]] = []
    depth = 0
    continuation: int | None = None

    def finish(closing: int | None, end: int) -> None:
        # The comma before a closing mark belongs to the sentence around the quotation.
        piece = trim(text, piece_start, end, " \t\n,")
        if piece[1] > piece[0]:
            pieces.append(piece)
        if pieces:
            quotations.append(Quotation(opening, closing, list(pieces)))

    for match in _MARKS.finditer(text, low, high):
        position = match.start()
        character = text[position]
        if character == "\n":
            if not opening_mark or continuation is not None:
                continue
            family = _family(opening_mark)
            following = _NON_SPACE.search(text, position, high)
            if following is not None and _opens_continuation(family, text[following.start()]):
                piece = trim(text, piece_start, position)
                if piece[1] > piece[0]:
                    pieces.append(piece)
                continuation = following.start()
            else:
                if family != "single":
                    warn("quotation never closes in its paragraph", opening, position)
                    finish(None, position)
                # A single mark left open was an apostrophe after all.
                opening_mark, pieces, depth = "", [], 0
            continue
        if continuation is not None:
            if position == continuation:
                piece_start, continuation, depth = position + 1, None, 0
                continue
            continuation = None
        if opening_mark and _family(opening_mark) == "single" and character not in "‘’'":
            # A double mark inside an "open" single quote: the single was an apostrophe.
            opening_mark, pieces = "", []
        if not opening_mark:
            opens = _opener(text, position)
            if opens is None:
                warn("closing quote mark without an opening one", position, position + 1)
            elif opens:
                opening_mark, opening, piece_start, pieces, depth = (
                    character,
                    position,
                    position + 1,
                    [],
                    0,
                )
            continue
        family = _family(opening_mark)
        closes = False
        if family == "double":
            if character == "”" or (character == "“" and opening_mark == "„"):
                closes = True
            elif character == '"':
                closes = classify_mark(text, position) is not Mark.OPEN
            elif character in "“„":
                depth += 1
        elif family == "guillemet":
            if character == "»":
                closes = True
            elif character == "«":
                depth += 1
        elif character in "’'" and _closes_single(text, position):
            closes = True
        if closes:
            if depth > 0:
                depth -= 1
                continue
            finish(position, position)
            opening_mark, pieces = "", []
    if opening_mark and _family(opening_mark) != "single":
        warn("quotation never closes", opening, high)
        finish(None, high)
    return quotations


# --- attributions from the parse ------------------------------------------------------------


@dataclass
class Attribution:
    """A cue with its source and content, before it becomes voices."""

    cue: tuple[int, int]
    source: tuple[int, int] | None
    source_head: Token | None
    content: list[tuple[int, int]]
    lemma: str = ""


def _token_end(token: Token) -> int:
    return int(token.idx) + len(token.text)


def _subtree_span(token: Token) -> tuple[int, int]:
    return int(token.left_edge.idx), _token_end(token.right_edge)


def _subject(cue: Token) -> Token | None:
    """The cue's subject, or the subject it shares with the verb it hangs from."""
    current = cue
    for _ in range(MAX_SUBJECT_CLIMB):
        for child in current.children:
            if child.dep_ == "nsubj" and child.pos_ != "PUNCT" and child.text not in _QUOTES:
                return child
            if child.dep_ == "nsubjpass":
                return None
        if current.dep_ not in _SHARED_SUBJECT_DEPENDENCIES or current.head.i == current.i:
            return None
        current = current.head
    return None


def _source_span(text: str, subject: Token, cue: Token) -> tuple[int, int]:
    start, end = _subtree_span(subject)
    if subject.i > cue.i:
        # "said John Smith, the party leader." keeps the apposition, not the sentence end.
        end = min(end, _token_end(subject.sent[-1]))
    elif end > cue.idx:
        # A relative pronoun's head: the source ends before the clause that holds the cue.
        end = _token_end(subject)
    return trim(text, start, end, _EDGE_PUNCTUATION)


def _content_of_verb(text: str, cue: Token, table: CueTable) -> list[tuple[int, int]]:
    lemma = cue.lemma_.casefold()
    dependencies = _CLAUSE_DEPENDENCIES if lemma in table.addressee_verbs else _CONTENT_DEPENDENCIES
    children = [child for child in cue.children if child.dep_ in dependencies]
    if any(child.dep_ in _CLAUSE_DEPENDENCIES for child in children):
        children = [child for child in children if child.dep_ in _CLAUSE_DEPENDENCIES]
    if children:
        spans = [_subtree_span(child) for child in children]
        start = min(span[0] for span in spans)
        end = max(span[1] for span in spans)
        content = trim(text, start, end, _EDGE_PUNCTUATION + ".")
        return [content] if content[1] > content[0] else []
    if cue.dep_ == "parataxis" and cue.head.i != cue.i:
        # "The road is open, he said.": the content is the clause the cue interrupts.
        return _rest_of_clause(text, cue.head, cue)
    for child in cue.children:
        # "called for talks", "warned of a crisis": the preposition's object is the content.
        if child.dep_ == "prep" and child.lower_ in table.prepositional_content:
            # "accused Republicans of placing …": a gerund object is a pcomp, not a pobj.
            objects = [
                grandchild for grandchild in child.children if grandchild.dep_ in ("pobj", "pcomp")
            ]
            if objects:
                content = trim(text, *_subtree_span(objects[0]), _EDGE_PUNCTUATION + ".")
                return [content] if content[1] > content[0] else []
    return []


def _rest_of_clause(text: str, head: Token, cut: Token) -> list[tuple[int, int]]:
    """The clause of ``head`` around the subtree of ``cut``: up to two parts, larger first."""
    head_start, head_end = _subtree_span(head)
    cut_start, cut_end = _subtree_span(cut)
    before = trim(text, head_start, min(cut_start, head_end), _EDGE_PUNCTUATION + ".")
    after = trim(text, max(cut_end, head_start), head_end, _EDGE_PUNCTUATION + ".")
    parts = [part for part in (before, after) if part[1] > part[0]]
    return sorted(parts, key=lambda part: part[0] - part[1])


def _preposition_at(doc: Doc, index: int, table: CueTable) -> int:
    """The length in tokens of a prepositional cue starting at token ``index`` (0: none)."""
    for phrase in table.prepositions:
        end = index + len(phrase)
        if end <= len(doc) and all(
            doc[index + offset].lower_ == word for offset, word in enumerate(phrase)
        ):
            return len(phrase)
    return 0


def _preposition_attribution(text: str, doc: Doc, index: int, length: int) -> Attribution | None:
    first, last = doc[index], doc[index + length - 1]
    objects = [child for child in last.children if child.dep_ == "pobj"]
    if not objects:
        return None
    source = objects[0]
    source_span = trim(text, *_subtree_span(source), _EDGE_PUNCTUATION)
    content = _rest_of_clause(text, first.head, first) if first.head.i != first.i else []
    if not content:
        # "According to the ministry." as its own sentence has nothing to attribute.
        return None
    return Attribution(
        (int(first.idx), _token_end(last)), source_span, source, content, first.lower_
    )


_HEADLINE_SPEAKER = re.compile(r"(?P<source>[A-Z][^:\n]{0,60}?)[ ]?(?P<cue>:)[ ]+(?=\S)")


def line_speaker_attribution(text: str, doc: Doc, start: int, end: int) -> Attribution | None:
    """A line "Speaker: what they said" (headline "Lynch: No outside influence", transcript)."""
    match = _HEADLINE_SPEAKER.match(text, start, end)
    if match is None or len(match.group("source").split()) > MAX_HEADLINE_SPEAKER_WORDS:
        return None
    words = match.group("source").split()
    if words[0].casefold() in _ARTICLES:
        # "The Ninth Circle: The Hellish View" is a title with a subtitle, not a speaker.
        return None
    if not all(word[:1].isupper() or word in _NAME_PARTICLES for word in words):
        # A speaker label is a name or a title ("Secretary of State John Kerry:"); a
        # lowercase word makes it a clause ("Now we know:", "Follow him on Twitter:").
        return None
    content = trim(text, match.end(), end, _EDGE_PUNCTUATION + ".")
    source = match.span("source")
    span = doc.char_span(*source, alignment_mode="expand")
    if span is None or content[1] <= content[0]:
        return None
    return Attribution(match.span("cue"), source, span.root, [content])


# After a closing mark: ", says Jane Doe." or ", Jane Doe notes." (bounded pieces, no nesting).
_AFTER_QUOTE = re.compile(
    r"[ \t]?,?[ \t]{1,3}(?:(?P<cue_first>[a-z]{3,20})[ \t](?P<source_after>[^\n,.;:!?\"“”]{1,60})"
    r"|(?P<source>[^\n,.;:!?\"“”]{1,60})[ \t](?P<cue>[a-z]{3,20}))[ \t]?[.,;]"
)


def find_attributions(
    text: str, doc: Doc, table: CueTable, skip: Callable[[int], bool], floor: int = 0
) -> list[Attribution]:
    """Cues with their sources and contents, read from the dependency parse."""
    found: list[Attribution] = []
    for token in doc:
        if skip(int(token.idx)):
            continue
        length = _preposition_at(doc, token.i, table)
        if length:
            attribution = _preposition_attribution(text, doc, token.i, length)
            if attribution is not None:
                found.append(attribution)
            continue
        if token.text == ":" and token.i + 1 < len(doc) and doc[token.i + 1].text in _QUOTES:
            colon = _colon_introducer(text, token)
            if colon is not None:
                found.append(colon)
            continue
        if token.lower_ == "in" and token.dep_ == "prep":
            evidence = _evidence_attribution(text, token, table)
            if evidence is not None:
                found.append(evidence)
            continue
        if token.pos_ == "NOUN" and token.lemma_.casefold() in table.cue_nouns:
            nominal = _nominal_attribution(text, token, table)
            if nominal is not None:
                found.append(nominal)
                continue
        if not (_is_cue_verb(token, table) or _is_light_cue(token, table)):
            continue
        if _is_not_reporting(token):
            continue
        passive = _passive_attribution(text, token, table)
        if passive is not None:
            found.append(passive)
            continue
        subject = _subject(token) or _after_quote_subject(doc, token)
        if (
            subject is None
            or subject.pos_ not in _SOURCE_PARTS_OF_SPEECH
            or (subject.lower_ in _RELATIVE_PRONOUNS and subject.head.dep_ != "relcl")
            or subject.ent_type_ in _NOT_SOURCES
        ):
            continue
        source = _source_span(text, subject, token)
        if source[0] < floor <= source[1]:
            # The parse runs the dateline into the subject: "LONDON (Reuters) - Theresa May".
            source = trim(text, floor, source[1], _EDGE_PUNCTUATION)
            clamped = doc.char_span(*source, alignment_mode="expand")
            if clamped is None or source[1] <= source[0]:
                continue
            subject = clamped.root
        paragraph = text.rfind("\n", source[0], source[1])
        if paragraph != -1:
            # A source never crosses a paragraph: before it lies a timestamp or furniture.
            source = trim(text, paragraph + 1, source[1], _EDGE_PUNCTUATION)
        if source[1] <= source[0] or skip(source[0]):
            continue
        content = _without(text, _content_of_verb(text, token, table), source)
        if not content:
            content = _content_before(text, doc, source, token)
        if not content and _is_as_clause(token):
            # "As Breitbart News reported, the White House was …": the main clause.
            content = _rest_of_clause(text, token.head, token)
        lemma = table.lemma_of(token.text) or token.lemma_.casefold()
        found.append(Attribution(_cue_span(token), source, subject, content, lemma))
    return _outermost(found, table)


def _evidence_attribution(text: str, preposition: Token, table: CueTable) -> Attribution | None:
    """ "In a CNN/ORC poll, 38 percent …": the poll is the source of the clause it opens.

    Only an opening "in" whose object is a poll, survey or the like counts, and not when
    its verb is itself a cue ("In a statement, she said …" is read from "said").
    """
    head = preposition.head
    if head.i == preposition.i or preposition.i > head.i:
        return None
    if head.lemma_.casefold() in table.verbs:
        return None
    objects = [child for child in preposition.children if child.dep_ == "pobj"]
    if not objects or objects[0].lemma_.casefold() not in table.evidence_nouns:
        return None
    source = trim(text, *_subtree_span(objects[0]), _EDGE_PUNCTUATION)
    content = _rest_of_clause(text, head, preposition)
    if not content or source[1] <= source[0]:
        return None
    return Attribution(
        (int(preposition.idx), _token_end(preposition)), source, objects[0], content, "in"
    )


def _nominal_attribution(text: str, noun: Token, table: CueTable) -> Attribution | None:
    """ "her claim that …", "Trump's support for the ban": the possessor is the source.

    The content is the noun's clause, else the object of its preposition ("for", "of", …);
    a cue noun without a possessor or without content attributes nothing.
    """
    owners = [child for child in noun.children if child.dep_ == "poss"]
    if not owners:
        return None
    owner = owners[0]
    start, end = _subtree_span(owner)
    if owner.tag_ != "PRP$":
        # "Trump's": the source is the name without the possessive ending.
        end = max(
            (_token_end(child) for child in owner.children if child.dep_ != "case"),
            default=_token_end(owner),
        )
        end = max(end, _token_end(owner))
    source = trim(text, start, end, _EDGE_PUNCTUATION)
    content: list[tuple[int, int]] = []
    for child in noun.children:
        if child.dep_ in ("acl", "ccomp") and child.i > noun.i:
            content = [trim(text, *_subtree_span(child), _EDGE_PUNCTUATION + ".")]
            break
        if child.dep_ == "prep" and child.lower_ in table.prepositional_content:
            objects = [item for item in child.children if item.dep_ in ("pobj", "pcomp")]
            if objects:
                content = [trim(text, *_subtree_span(objects[0]), _EDGE_PUNCTUATION + ".")]
                break
    content = [part for part in content if part[1] > part[0]]
    if not content or source[1] <= source[0]:
        return None
    return Attribution(
        (int(noun.idx), _token_end(noun)), source, owner, content, noun.lemma_.casefold()
    )


def _passive_attribution(text: str, cue: Token, table: CueTable) -> Attribution | None:
    """A passive cue with its agent: in "Trump has been criticized by his rivals for …"
    the rivals are the source; the content is the verb's own, else its passive subject,
    else, for a reduced relative ("a plan endorsed by the Senate"), the noun it modifies."""
    reduced = cue.dep_ == "acl" and cue.tag_ == "VBN"
    if not reduced and not any(child.dep_ in ("auxpass", "nsubjpass") for child in cue.children):
        return None
    agents = [
        grandchild
        for child in cue.children
        if child.dep_ == "agent"
        for grandchild in child.children
        if grandchild.dep_ == "pobj"
    ]
    if not agents or agents[0].pos_ not in _SOURCE_PARTS_OF_SPEECH:
        return None
    source = trim(text, *_subtree_span(agents[0]), _EDGE_PUNCTUATION)
    content = _without(text, _content_of_verb(text, cue, table), source)
    if not content:
        subjects = [child for child in cue.children if child.dep_ == "nsubjpass"]
        if subjects:
            content = [trim(text, *_subtree_span(subjects[0]), _EDGE_PUNCTUATION)]
        elif reduced:
            # "Kasich, endorsed by the Globe": the noun the participle modifies.
            noun = cue.head
            content = [trim(text, int(noun.left_edge.idx), _token_end(noun), _EDGE_PUNCTUATION)]
    content = [part for part in content if part[1] > part[0]]
    if not content or source[1] <= source[0]:
        return None
    lemma = table.lemma_of(cue.text) or cue.lemma_.casefold()
    return Attribution(_cue_span(cue), source, agents[0], content, lemma)


def _is_not_reporting(cue: Token) -> bool:
    """A cue verb used in a way that reports nothing.

    A condition ("if one adds Nebraska") states no one's words; a discourse filler
    ("you see", "I mean") has no content; a participle adjunct ("Speaking to the
    coalition, Trump said …") borrows the main verb's subject, and the main verb is
    the cue.
    """
    if any(child.dep_ == "mark" and child.lower_ in _CONDITIONAL_MARKERS for child in cue.children):
        return True
    if _is_question(cue):
        return True
    if cue.lemma_ in _FILLER_VERBS and not any(
        child.dep_ in _CONTENT_DEPENDENCIES for child in cue.children
    ):
        return True
    return (
        cue.dep_ == "advcl"
        and cue.tag_ in ("VBG", "VBN")
        and cue.i < cue.head.i
        and not any(child.dep_ in ("nsubj", "nsubjpass") for child in cue.children)
    )


def _is_light_cue(verb: Token, table: CueTable) -> bool:
    """A light verb whose object is an act of speech: "made the allegation", "took a swipe"."""
    return (
        verb.pos_ == "VERB"
        and verb.lemma_.casefold() in table.light_verbs
        and any(
            child.dep_ == "dobj" and child.lemma_.casefold() in table.speech_objects
            for child in verb.children
        )
    )


def _is_as_clause(cue: Token) -> bool:
    """A cue in an "as" clause hanging from another verb ("As the Times noted, …")."""
    return (
        cue.dep_ == "advcl"
        and cue.head.i != cue.i
        and any(child.dep_ == "mark" and child.lower_ == "as" for child in cue.children)
    )


def _is_question(cue: Token) -> bool:
    """A cue in a direct question ("Do you think he will win?", "What did she say?"):
    an auxiliary before the subject, in a sentence that ends with a question mark."""
    if not cue.sent.text.rstrip(_QUOTE_CHARACTERS + " \t\n").endswith("?"):
        return False
    subjects = [child.i for child in cue.children if child.dep_ == "nsubj"]
    return bool(subjects) and any(
        child.dep_ == "aux" and child.i < subjects[0] for child in cue.children
    )


def _after_quote_subject(doc: Doc, cue: Token) -> Token | None:
    """The speaker between a closing quote mark and its cue, which the parse may have
    attached to the quotation ("…,” Brent Bozell III, founder of …, tells Breitbart")."""
    sentence_start = cue.sent.start
    for index in range(cue.i - 1, max(sentence_start, cue.i - MAX_SOURCE_TOKENS) - 1, -1):
        token = doc[index]
        if token.text in _QUOTES:
            if index + 1 >= cue.i:
                return None
            span = doc[index + 1 : cue.i]
            while len(span) and span[0].is_punct:
                span = span[1:]
            while len(span) and span[-1].is_punct:
                span = span[:-1]
            return span.root if len(span) else None
        if token.pos_ in ("VERB", "AUX"):
            return None
    return None


def _without(
    text: str, parts: list[tuple[int, int]], cut: tuple[int, int]
) -> list[tuple[int, int]]:
    """Content parts without the source, which a parse error can leave inside them."""
    if not any(start < cut[1] and cut[0] < end for start, end in parts):
        return parts
    source = Intervals([cut])
    pieces = [
        trim(text, *piece, _EDGE_PUNCTUATION + ".")
        for start, end in parts
        for piece in source.subtract(start, end)
    ]
    pieces = [piece for piece in pieces if piece[1] > piece[0]]
    return sorted(pieces, key=lambda piece: piece[0] - piece[1])


def _is_cue_verb(token: Token, table: CueTable) -> bool:
    """A reporting verb, also where the tagger misread it as a noun ("Viguerie notes.")."""
    if token.pos_ == "VERB" or token.tag_.startswith("VB"):
        # The small model's lemmatiser slips ("hopes" -> "hop"); the word itself is a check.
        return token.lemma_.casefold() in table.verbs or table.lemma_of(token.text) is not None
    if token.pos_ == "NOUN" and any(child.dep_ == "nsubj" for child in token.children):
        return table.lemma_of(token.text) is not None
    return False


def _content_before(
    text: str, doc: Doc, source: tuple[int, int], cue: Token
) -> list[tuple[int, int]]:
    """A closing attribution the parse left unattached: "…, FEC records show." """
    sentence = cue.sent
    if source[1] > cue.idx or (cue.i + 2 < sentence.end and not doc[cue.i + 1].is_punct):
        return []
    comma = text.rfind(",", sentence.start_char, source[0])
    if comma == -1 or text[comma : source[0]].strip(_EDGE_PUNCTUATION):
        return []
    content = trim(text, sentence.start_char, comma, _EDGE_PUNCTUATION + ".")
    return [content] if content[1] > content[0] else []


def _outermost(attributions: list[Attribution], table: CueTable) -> list[Attribution]:
    """Attributions not nested in another's content, but for speech verbs ("that he said")."""
    contents = Intervals(part for item in attributions for part in item.content)
    return [
        item
        for item in attributions
        if item.lemma in table.nested_verbs or not contents.contains(item.cue[0])
    ]


def _colon_introducer(text: str, colon: Token) -> Attribution | None:
    """A sentence ending in a colon before a quotation: its subject speaks the quotation."""
    root = colon.head
    while root.head.i != root.i and root.i < colon.i:
        root = root.head
    subjects = [child for child in root.children if child.dep_ == "nsubj" and child.i < colon.i]
    if not subjects or subjects[0].lower_ in _RELATIVE_PRONOUNS:
        return None
    source = trim(text, *_subtree_span(subjects[0]), _EDGE_PUNCTUATION)
    if source[1] <= source[0] or source[1] > colon.idx:
        return None
    return Attribution((int(colon.idx), _token_end(colon)), source, subjects[0], [])


def _cue_span(token: Token) -> tuple[int, int]:
    """The cue verb with its particle ("point out"), without auxiliaries."""
    end = _token_end(token)
    for child in token.children:
        if child.dep_ == "prt" and child.i == token.i + 1:
            end = _token_end(child)
    return int(token.idx), end


# --- speakers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Speaker:
    """Who a source mention names, and whether that is a name or the mention itself."""

    name: str | None
    resolved: bool
    antecedent: tuple[int, int] | None = None


def _is_name(entity: Entity) -> bool:
    # A lowercase "entity" ("health ministry") is a description, not a name.
    return entity.label in _NAME_LABELS and entity.text[:1].isupper()


@dataclass
class Names:
    """The named entities a mention can resolve to, in text order."""

    text: str
    table: CueTable
    entities: list[Entity]
    starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.entities = sorted(self.entities, key=lambda entity: entity.start)
        self.starts = [entity.start for entity in self.entities]

    def covering(self, position: int) -> Entity | None:
        """The name entity covering a character, if any."""
        index = bisect.bisect_right(self.starts, position) - 1
        # Entities do not overlap, so only the last one starting before can cover.
        if index >= 0:
            entity = self.entities[index]
            if entity.end > position and _is_name(entity):
                return entity
        return None

    def last_within(self, start: int, end: int) -> Entity | None:
        """The last name entity inside ``[start, end)`` ("Prime Minister Theresa May")."""
        index = bisect.bisect_left(self.starts, end) - 1
        while index >= 0 and self.entities[index].start >= start:
            entity = self.entities[index]
            if entity.end <= end and _is_name(entity):
                return entity
            index -= 1
        return None

    def gender(self, entity: Entity) -> str | None:
        """The gender a title before the name states ("Mr.", "Ms."), else None."""
        before = self.text[max(0, entity.start - 12) : entity.start].split()
        if before:
            return self.table.titles.get(before[-1].casefold())
        return None

    def nearest_before(
        self, position: int, labels: frozenset[str], accept: Callable[[Entity], bool]
    ) -> Entity | None:
        """The nearest earlier entity with one of the labels that ``accept`` allows."""
        index = bisect.bisect_left(self.starts, position) - 1
        for _ in range(MAX_ANTECEDENT_STEPS):
            if index < 0:
                return None
            entity = self.entities[index]
            if entity.label in labels and entity.end <= position and accept(entity):
                return entity
            index -= 1
        return None

    def full_name(self, entity: Entity) -> Entity:
        """An earlier, longer mention of the same person ("Fiorina" -> "Carly Fiorina")."""
        if entity.label != "PERSON" or " " in entity.text:
            return entity
        suffix = " " + entity.text
        found = self.nearest_before(
            entity.start, frozenset({"PERSON"}), lambda other: other.text.endswith(suffix)
        )
        return found or entity


def resolve_speaker(
    text: str,
    source: tuple[int, int],
    head: Token | None,
    names: Names,
    dossier: Dossier,
    allowed: Callable[[Entity], bool],
) -> Speaker:
    """The speaker a source mention names, resolved when it is a pronoun or description."""
    mention = " ".join(text[source[0] : source[1]].split())
    if head is None:
        named = names.last_within(*source)
        if named is None:
            return Speaker(
                mention, mention[:1].isupper() and mention.casefold() not in names.table.pronouns
            )
        full = names.full_name(named)
        return Speaker(full.text, True, (full.start, full.end) if full is not named else None)
    table = names.table
    if head.lower_ in _RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
        # "Graham, who had endorsed Bush": the source is "who", the speaker Graham.
        noun = head.head.head
        named = names.covering(int(noun.idx))
        if named is not None:
            full = names.full_name(named)
            return Speaker(full.text, True, (full.start, full.end))
        return Speaker(" ".join(text[_subtree_span(noun)[0] : _token_end(noun)].split()), False)
    entity = names.covering(int(head.idx)) or names.last_within(*source)
    if entity is not None:
        full = names.full_name(entity)
        antecedent = (full.start, full.end) if full is not entity else None
        return Speaker(full.text, True, antecedent)
    if head.pos_ == "PROPN":
        return Speaker(mention, True)
    word = head.lower_
    kind = table.pronouns.get(word) if head.pos_ == "PRON" else None
    found: Entity | None = None
    if kind in ("male", "female"):

        def compatible(candidate: Entity) -> bool:
            gender = names.gender(names.full_name(candidate))
            return allowed(candidate) and gender in (None, kind)

        found = names.nearest_before(source[0], frozenset({"PERSON"}), compatible)
    elif kind == "organization":
        found = names.nearest_before(source[0], frozenset({"ORG"}), allowed)
    elif head.pos_ == "NOUN":
        lemma = head.lemma_.casefold()
        if lemma in table.statement_nouns and dossier.statements:
            issued = [item for item in dossier.statements if item.issuer and item.issuer_span]
            if issued:
                nearest = min(issued, key=lambda item: abs(item.start - source[0]))
                span = nearest.issuer_span
                assert span is not None
                return Speaker(nearest.issuer, True, (span.start, span.end))
        if head.tag_ == "NN" and lemma in load_tables().role_words:
            found = names.nearest_before(source[0], frozenset({"PERSON"}), allowed)
        else:
            found = names.nearest_before(
                source[0],
                frozenset({"ORG"}),
                lambda candidate: allowed(candidate) and word in candidate.text.casefold().split(),
            )
    if found is not None:
        full = names.full_name(found)
        return Speaker(full.text, True, (full.start, full.end))
    return Speaker(mention, False)


# --- the stage --------------------------------------------------------------------------------


class _Warnings:
    """Stage warnings with a cap, so stray marks cannot flood the dossier."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.count = 0

    def __call__(self, message: str, start: int, end: int) -> None:
        self.count += 1
        if self.count <= MAX_WARNINGS:
            self.analysis.warn(STAGE, message, start, end)

    def close(self) -> None:
        if self.count > MAX_WARNINGS:
            self.analysis.warn(
                STAGE, f"{self.count - MAX_WARNINGS} more quote-mark warnings not listed"
            )


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end == -1 else line_end


def _regions(dossier: Dossier, text: str) -> tuple[list[tuple[int, int]], Intervals]:
    """The spans to read (headline, body) and the whole lines kept out of attribution."""
    anatomy = dossier.anatomy
    body = anatomy.body
    low, high = (body.start, min(body.end, len(text))) if body else (0, len(text))
    headline = anatomy.headline
    regions = [(low, high)]
    blocked: list[tuple[int, int]] = [(high, len(text))]
    if headline is not None and headline.end <= low:
        # Headlines attribute too ("Flynn says Trump 'absolutely right'").
        regions.insert(0, (headline.start, headline.end))
        blocked += [(0, headline.start), (headline.end, low)]
    else:
        blocked.append((0, low))
    blocked += [_line_bounds(text, item.start, item.end) for item in dossier.statements]
    blocked += [(item.start, item.end) for item in dossier.signatories]
    blocked += [(item.start, item.end) for item in anatomy.boilerplate]
    if anatomy.dateline is not None:
        blocked.append((anatomy.dateline.start, anatomy.dateline.end))
    return regions, Intervals(blocked)


def _without_furniture(attribution: Attribution, blocked: Intervals) -> Attribution | None:
    """The attribution with its content cut off the blocked lines; None when nothing is left.

    The parse runs a headline into the lines under it (section, byline, dateline), so
    a headline's content could otherwise swallow the page furniture.
    """
    pieces = [
        piece
        for start, end in attribution.content
        for piece in blocked.subtract(start, end)
        if piece[1] > piece[0]
    ]
    if attribution.content and not pieces:
        return None
    attribution.content = pieces
    return attribution


def _span(start: int, end: int) -> Span:
    return Span(start=start, end=end)


def _text_span(text: str, span: tuple[int, int]) -> TextSpan:
    return TextSpan(text=text[span[0] : span[1]], start=span[0], end=span[1])


def _words(text: str, pieces: Sequence[tuple[int, int]]) -> int:
    return sum(len(text[start:end].split()) for start, end in pieces)


class VoicesStage:
    """Adds the `voices` layer."""

    name = STAGE
    needs_parse = True

    def __init__(self) -> None:
        self.table = load_cues()

    def __call__(self, analysis: Analysis) -> None:
        """Attribute quotations, reported speech, statements and the rest of the body."""
        dossier = analysis.dossier
        text = analysis.document.text
        warnings = _Warnings(analysis)
        regions, blocked = _regions(dossier, text)
        quotations: list[Quotation] = []
        for low, high in regions:
            for part_start, part_end in blocked.subtract(low, high):
                quotations += find_quotations(text, part_start, part_end, warnings)
        warnings.close()
        voices: list[Voice] = [self._statement_voice(item) for item in dossier.statements]
        doc = analysis.parsed
        if doc is None:
            analysis.warn(STAGE, "no parse: only quotations and the narrator are attributed")
            attributions: list[Attribution] = []
        else:
            quoted = Intervals(piece for item in quotations for piece in item.pieces)
            attributions = find_attributions(
                text,
                doc,
                self.table,
                lambda position: blocked.contains(position) or quoted.contains(position),
                dossier.anatomy.dateline.end if dossier.anatomy.dateline else 0,
            )
            attributions += self._line_speakers(text, doc, regions, blocked)
            attributions = [
                clipped
                for item in attributions
                if (clipped := _without_furniture(item, blocked)) is not None
            ]
            attributions.sort(key=lambda item: item.cue[0])
        voices += self._attributed_voices(analysis, quotations, attributions, blocked)
        voices += self._narrator_voices(dossier, text, voices)
        voices.sort(key=lambda voice: (voice.content.start, voice.content.end))
        dossier.voices.extend(voices)

    @staticmethod
    def _line_speakers(
        text: str, doc: Doc, regions: Sequence[tuple[int, int]], blocked: Intervals
    ) -> list[Attribution]:
        found: list[Attribution] = []
        for low, high in regions:
            position = low
            while position < high:
                newline = text.find("\n", position, high)
                line_end = high if newline == -1 else newline
                start, end = trim(text, position, line_end)
                if start < end and not blocked.contains(start):
                    attribution = line_speaker_attribution(text, doc, start, end)
                    if attribution is not None:
                        found.append(attribution)
                position = line_end + 1
        return found

    @staticmethod
    def _statement_voice(statement: Statement) -> Voice:
        return Voice(
            kind="statement",
            speaker=statement.issuer,
            speaker_span=statement.issuer_span,
            speaker_resolved=statement.issuer is not None,
            cue=statement.cue,
            content=_span(statement.start, statement.end),
        )

    def _attributed_voices(
        self,
        analysis: Analysis,
        quotations: list[Quotation],
        attributions: list[Attribution],
        blocked: Intervals,
    ) -> list[Voice]:
        dossier = analysis.dossier
        text = analysis.document.text
        names = Names(text, self.table, list(dossier.entities))

        def allowed(entity: Entity) -> bool:
            return not blocked.overlaps(entity.start, entity.end)

        openings = [item.opening for item in quotations]
        voices: list[Voice] = []
        # Per quotation, the voice template that claimed it, for quotes that follow.
        claimed_by: dict[int, Voice] = {}
        introducers: list[tuple[Attribution, Speaker]] = []
        for attribution in attributions:
            assert attribution.source is not None
            speaker = resolve_speaker(
                text, attribution.source, attribution.source_head, names, dossier, allowed
            )
            if not attribution.content:
                introducers.append((attribution, speaker))
                continue
            voices += self._classified(text, attribution, speaker, quotations, openings, claimed_by)

        def resolve(source: tuple[int, int]) -> Speaker:
            return resolve_speaker(text, source, None, names, dossier, allowed)

        voices += self._unclaimed_quotations(text, quotations, introducers, claimed_by, resolve)
        return voices

    def _classified(
        self,
        text: str,
        attribution: Attribution,
        speaker: Speaker,
        quotations: Sequence[Quotation],
        openings: Sequence[int],
        claimed_by: dict[int, Voice],
    ) -> list[Voice]:
        """Direct, mixed or indirect voices of one attribution, by the quotes its content holds."""
        parts = attribution.content
        template = self._voice(text, "indirect", attribution, speaker, parts[0])
        touching: list[Quotation] = []
        for start, end in parts:
            touching += [
                item
                for item in _overlapping(quotations, openings, start, end)
                if not item.claimed and item not in touching
            ]
        if not touching:
            return [template]
        covered = sum(
            max(0, min(end, piece_end) - max(start, piece_start))
            for start, end in parts
            for item in touching
            for piece_start, piece_end in item.pieces
        )
        if covered >= DIRECT_COVERAGE * sum(end - start for start, end in parts):
            voice = _quoted(template, sorted(piece for item in touching for piece in item.pieces))
            for item in touching:
                item.claimed = True
                claimed_by[item.opening] = voice
            return [voice]
        start, end = parts[0]
        for item in touching:
            if item.opening >= end + 1 or (item.closing or item.pieces[-1][1]) < start - 1:
                # A quotation in the other part of a split clause stays unclaimed.
                continue
            item.claimed = True
            start = min(start, item.opening)
            end = max(end, (item.closing + 1) if item.closing is not None else end)
        return [template.model_copy(update={"kind": "mixed", "content": _span(start, end)})]

    def _voice(
        self,
        text: str,
        kind: str,
        attribution: Attribution,
        speaker: Speaker,
        content: tuple[int, int],
    ) -> Voice:
        source = attribution.source
        return Voice.model_validate(
            {
                "kind": kind,
                "speaker": speaker.name,
                "speaker_span": _span(*source) if source else None,
                "speaker_resolved": speaker.resolved,
                "antecedent": _span(*speaker.antecedent) if speaker.antecedent else None,
                "cue": _text_span(text, attribution.cue),
                "content": _span(*content),
            }
        )

    def _unclaimed_quotations(
        self,
        text: str,
        quotations: list[Quotation],
        introducers: list[tuple[Attribution, Speaker]],
        claimed_by: dict[int, Voice],
        resolve: Callable[[tuple[int, int]], Speaker],
    ) -> list[Voice]:
        voices: list[Voice] = []
        cue_ends = [item[0].cue[1] for item in introducers]
        previous: Voice | None = None
        previous_paragraph = -1
        for item in quotations:
            paragraph = text.rfind("\n", 0, item.opening)
            if item.claimed:
                previous, previous_paragraph = claimed_by.get(item.opening), paragraph
                continue
            template = self._introduced(text, item, introducers, cue_ends)
            if template is None:
                template = self._cued_after(text, item, resolve)
            if template is None and previous is not None and previous_paragraph == paragraph:
                # A quotation continuing the same speaker's words in the same paragraph.
                if previous.kind == "direct":
                    _extend(previous, item.pieces)
                    item.claimed = True
                    claimed_by[item.opening] = previous
                    continue
                template = previous
            if template is None:
                if _words(text, item.pieces) < self.table.short_quote_words:
                    continue
                template = Voice(kind="direct", content=_span(*item.pieces[0]))
            voice = _quoted(template, item.pieces)
            item.claimed = True
            claimed_by[item.opening] = voice
            previous, previous_paragraph = voice, paragraph
            voices.append(voice)
        return voices

    def _cued_after(
        self, text: str, item: Quotation, resolve: Callable[[tuple[int, int]], Speaker]
    ) -> Voice | None:
        """A quotation followed by "X notes." or "says X," the parse did not read as a verb."""
        if item.closing is None:
            return None
        match = _AFTER_QUOTE.match(text, item.closing + 1, item.closing + 1 + MAX_INTRO_GAP)
        if match is None:
            return None
        for cue_group, source_group in (("cue_first", "source_after"), ("cue", "source")):
            cue, source = match.span(cue_group), match.span(source_group)
            if cue[0] < 0 or self.table.lemma_of(text[cue[0] : cue[1]]) is None:
                continue
            mention = text[source[0] : source[1]]
            if not (mention[:1].isupper() or mention.casefold() in self.table.pronouns):
                continue
            if len(mention.split()) > MAX_HEADLINE_SPEAKER_WORDS:
                continue
            attribution = Attribution(cue, source, None, [item.pieces[0]])
            return self._voice(text, "direct", attribution, resolve(source), item.pieces[0])
        return None

    def _introduced(
        self,
        text: str,
        item: Quotation,
        introducers: list[tuple[Attribution, Speaker]],
        cue_ends: list[int],
    ) -> Voice | None:
        """The voice of a quotation introduced by a cue without a clause ("He said:")."""
        index = bisect.bisect_right(cue_ends, item.opening) - 1
        if index >= 0:
            attribution, speaker = introducers[index]
            gap_start = attribution.cue[1]
            if item.opening - gap_start <= MAX_INTRO_GAP and _INTRO_GAP.fullmatch(
                text, gap_start, item.opening
            ):
                return self._voice(text, "direct", attribution, speaker, item.pieces[0])
        if item.closing is None:
            return None
        index = bisect.bisect_right(cue_ends, item.closing)
        if index < len(introducers):
            attribution, speaker = introducers[index]
            first = min(attribution.cue[0], (attribution.source or attribution.cue)[0])
            if first - item.closing <= MAX_INTRO_GAP and not text[item.closing + 1 : first].strip(
                _EDGE_PUNCTUATION
            ):
                return self._voice(text, "direct", attribution, speaker, item.pieces[0])
        return None

    @staticmethod
    def _narrator_voices(dossier: Dossier, text: str, voices: Sequence[Voice]) -> list[Voice]:
        anatomy = dossier.anatomy
        body = anatomy.body
        low, high = (body.start, min(body.end, len(text))) if body else (0, len(text))
        covered: list[tuple[int, int]] = []
        for voice in voices:
            covered.append((voice.content.start, voice.content.end))
            if voice.kind == "statement":
                continue
            parts = [part for part in (voice.speaker_span, voice.cue) if part is not None]
            for part in parts:
                covered.append((part.start, part.end))
            if voice.cue is not None and _near(voice.cue, voice.content):
                # The attribution's own sentence: "reporters" in "told reporters that".
                everything = [*parts, voice.content]
                covered.append(
                    (min(part.start for part in everything), max(part.end for part in everything))
                )
        covered += [_line_bounds(text, item.start, item.end) for item in dossier.statements]
        covered += [(item.start, item.end) for item in dossier.signatories]
        covered += [(item.start, item.end) for item in anatomy.boilerplate]
        if anatomy.dateline is not None:
            covered.append((anatomy.dateline.start, anatomy.dateline.end))
        outside = Intervals(covered)
        speaker: str | None = None
        speaker_span: Span | None = None
        if anatomy.agency is not None:
            speaker = anatomy.agency.name
            if anatomy.agency.start is not None and anatomy.agency.end is not None:
                speaker_span = _span(anatomy.agency.start, anatomy.agency.end)
        elif anatomy.bylines:
            byline = anatomy.bylines[0]
            speaker = byline.name
            if byline.start is not None and byline.end is not None:
                speaker_span = _span(byline.start, byline.end)
        else:
            speaker = dossier.document.outlet
        narrator: list[Voice] = []
        position = low
        while position < high:
            newline = text.find("\n", position, high)
            line_end = high if newline == -1 else newline
            for start, end in outside.subtract(position, line_end):
                start, _ = trim(text, start, end, _NARRATOR_LEFT_TRIM)
                _, end = trim(text, start, end, _NARRATOR_RIGHT_TRIM)
                if sum(character.isalpha() for character in text[start:end]) >= 2:
                    narrator.append(
                        Voice(
                            kind="narrator",
                            speaker=speaker,
                            speaker_span=speaker_span,
                            speaker_resolved=speaker is not None,
                            content=_span(start, end),
                        )
                    )
            position = line_end + 1
        return narrator


def _quoted(template: Voice, pieces: Sequence[tuple[int, int]]) -> Voice:
    """A direct voice over quoted pieces: one content from the first to the last piece."""
    content = _span(pieces[0][0], pieces[-1][1])
    parts = [_span(*piece) for piece in pieces] if len(pieces) > 1 else []
    return template.model_copy(update={"kind": "direct", "content": content, "parts": parts})


def _extend(voice: Voice, pieces: Sequence[tuple[int, int]]) -> None:
    """Add the next quotation of the same speaker to a direct voice ("A," he said. "B.")."""
    parts = voice.parts or [voice.content]
    voice.parts = [*parts, *(_span(*piece) for piece in pieces)]
    voice.content = _span(voice.content.start, pieces[-1][1])


def _near(cue: Span, content: Span) -> bool:
    """Whether a cue sits next to its content, in the same sentence."""
    gap = content.start - cue.end if cue.end <= content.start else cue.start - content.end
    return gap <= MAX_INTRO_GAP


def _overlapping(
    quotations: Sequence[Quotation], openings: Sequence[int], start: int, end: int
) -> list[Quotation]:
    """Quotations whose content overlaps ``[start, end)``."""
    found: list[Quotation] = []
    index = bisect.bisect_left(openings, end) - 1
    while index >= 0:
        item = quotations[index]
        last = item.pieces[-1][1]
        if last <= start:
            # Quotations are disjoint and in text order: earlier ones end earlier still.
            break
        if item.pieces[0][0] < end:
            found.append(item)
        index -= 1
    found.reverse()
    return found
