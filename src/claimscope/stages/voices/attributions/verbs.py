"""Reporting verbs: a cue verb's subject is the source, its clause or object the content."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.stages.voices.attributions.common import (
    EDGE_PUNCTUATION,
    rest_of_clause,
    subtree_span,
    token_end,
)
from claimscope.stages.voices.cues import CueTable
from claimscope.stages.voices.quotations import QUOTE_CHARACTERS, QUOTES, trim

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# How far up the parse a cue looks for the subject it shares ("..., adding that").
MAX_SUBJECT_CLIMB = 4
# A source between a closing quote mark and its cue is a noun phrase of at most this many tokens.
MAX_SOURCE_TOKENS = 25
_CONDITIONAL_MARKERS = frozenset({"if", "unless", "whether"})
# Verbs that double as discourse fillers ("you see", "I mean", "you know").
_FILLER_VERBS = frozenset({"see", "mean", "know", "guess"})
_CONTENT_DEPENDENCIES = frozenset({"ccomp", "xcomp", "dobj", "oprd"})
_CLAUSE_DEPENDENCIES = frozenset({"ccomp", "xcomp"})
_SHARED_SUBJECT_DEPENDENCIES = frozenset({"advcl", "conj", "xcomp", "pcomp", "prep"})
_WHEN_ENTITIES = frozenset({"DATE", "TIME"})


def cue_subject(cue: Token) -> Token | None:
    """The cue's subject, or the subject it shares with the verb it hangs from."""
    current = cue
    for _ in range(MAX_SUBJECT_CLIMB):
        for child in current.children:
            if child.dep_ == "nsubj" and child.pos_ != "PUNCT" and child.text not in QUOTES:
                return child
            if child.dep_ == "nsubjpass":
                return None
        if current.dep_ not in _SHARED_SUBJECT_DEPENDENCIES or current.head.i == current.i:
            return None
        current = current.head
    return None


def source_span(text: str, subject: Token, cue: Token) -> tuple[int, int]:
    """The source's characters: the subject's subtree, cut where the cue's clause begins."""
    start, end = subtree_span(subject)
    if subject.i > cue.i:
        # "said John Smith, the party leader." keeps the apposition, not the sentence end.
        end = min(end, token_end(subject.sent[-1]))
    elif end > cue.idx:
        # A relative pronoun's head: the source ends before the clause that holds the cue.
        end = token_end(subject)
    return trim(text, start, end, EDGE_PUNCTUATION)


def content_of_verb(text: str, cue: Token, table: CueTable) -> list[tuple[int, int]]:
    """The content a cue verb governs: its clause, its object or the clause it interrupts."""
    lemma = cue.lemma_.casefold()
    dependencies = _CLAUSE_DEPENDENCIES if lemma in table.addressee_verbs else _CONTENT_DEPENDENCIES
    children = [child for child in cue.children if child.dep_ in dependencies]
    if any(child.dep_ in _CLAUSE_DEPENDENCIES for child in children):
        children = [child for child in children if child.dep_ in _CLAUSE_DEPENDENCIES]
    if children:
        spans = [subtree_span(child) for child in children]
        start = min(span[0] for span in spans)
        end = max(span[1] for span in spans)
        content = trim(text, start, end, EDGE_PUNCTUATION + ".")
        return [content] if content[1] > content[0] else []
    if cue.dep_ == "parataxis" and cue.head.i != cue.i:
        # "The road is open, he said.": the content is the clause the cue interrupts.
        return rest_of_clause(text, cue.head, cue)
    for child in cue.children:
        # "called for talks", "warned of a crisis": the preposition's object is the content.
        if child.dep_ == "prep" and child.lower_ in table.prepositional_content:
            # "accused Republicans of placing …": a gerund object is a pcomp, not a pobj.
            objects = [
                grandchild for grandchild in child.children if grandchild.dep_ in ("pobj", "pcomp")
            ]
            # "said on Monday:" says when, not what: a date or time is no content.
            if objects and objects[0].ent_type_ not in _WHEN_ENTITIES:
                content = trim(text, *subtree_span(objects[0]), EDGE_PUNCTUATION + ".")
                return [content] if content[1] > content[0] else []
    return []


def is_not_reporting(text: str, cue: Token) -> bool:
    """A cue verb used in a way that reports nothing.

    A condition ("if one adds Nebraska") states no one's words; a discourse filler
    ("you see", "I mean") has no content; a participle adjunct ("Speaking to the
    coalition, Trump said …") borrows the main verb's subject, and the main verb is
    the cue.
    """
    if any(child.dep_ == "mark" and child.lower_ in _CONDITIONAL_MARKERS for child in cue.children):
        return True
    if _is_question(text, cue):
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


def is_light_cue(verb: Token, table: CueTable) -> bool:
    """A light verb whose object is an act of speech: "made the allegation", "took a swipe"."""
    return (
        verb.pos_ == "VERB"
        and verb.lemma_.casefold() in table.light_verbs
        and any(
            child.dep_ == "dobj" and child.lemma_.casefold() in table.speech_objects
            for child in verb.children
        )
    )


def is_as_clause(cue: Token) -> bool:
    """A cue in an "as" clause hanging from another verb ("As the Times noted, …")."""
    return (
        cue.dep_ == "advcl"
        and cue.head.i != cue.i
        and any(child.dep_ == "mark" and child.lower_ == "as" for child in cue.children)
    )


def _is_question(text: str, cue: Token) -> bool:
    """A cue in a direct question ("Do you think he will win?", "What did she say?"):
    an auxiliary before the subject, in a sentence that ends with a question mark."""
    sentence = cue.sent
    # A slice of the document's text: Span.text (and Doc.text) join tokens anew on every call.
    printed = text[sentence.start_char : sentence.end_char]
    if not printed.rstrip(QUOTE_CHARACTERS + " \t\n").endswith("?"):
        return False
    subjects = [child.i for child in cue.children if child.dep_ == "nsubj"]
    return bool(subjects) and any(
        child.dep_ == "aux" and child.i < subjects[0] for child in cue.children
    )


def after_quote_subject(doc: Doc, cue: Token) -> Token | None:
    """The speaker between a closing quote mark and its cue, which the parse may have
    attached to the quotation ("…,” Brent Bozell III, founder of …, tells Breitbart")."""
    sentence_start = cue.sent.start
    for index in range(cue.i - 1, max(sentence_start, cue.i - MAX_SOURCE_TOKENS) - 1, -1):
        token = doc[index]
        if token.text in QUOTES:
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


def is_cue_verb(token: Token, table: CueTable) -> bool:
    """A reporting verb, also where the tagger misread it as a noun ("Viguerie notes.")."""
    if token.pos_ == "VERB" or token.tag_.startswith("VB"):
        # The small model's lemmatiser slips ("hopes" -> "hop"); the word itself is a check.
        return token.lemma_.casefold() in table.verbs or table.lemma_of(token.text) is not None
    if token.pos_ == "NOUN" and any(child.dep_ == "nsubj" for child in token.children):
        return table.lemma_of(token.text) is not None
    return False


def content_before(
    text: str, doc: Doc, source: tuple[int, int], cue: Token
) -> list[tuple[int, int]]:
    """A closing attribution the parse left unattached: "…, FEC records show." """
    sentence = cue.sent
    if source[1] > cue.idx or (cue.i + 2 < sentence.end and not doc[cue.i + 1].is_punct):
        return []
    comma = text.rfind(",", sentence.start_char, source[0])
    if comma == -1 or text[comma : source[0]].strip(EDGE_PUNCTUATION):
        return []
    content = trim(text, sentence.start_char, comma, EDGE_PUNCTUATION + ".")
    return [content] if content[1] > content[0] else []


def cue_span(token: Token) -> tuple[int, int]:
    """The cue verb with its particle ("point out"), without auxiliaries."""
    end = token_end(token)
    for child in token.children:
        if child.dep_ == "prt" and child.i == token.i + 1:
            end = token_end(child)
    return int(token.idx), end
