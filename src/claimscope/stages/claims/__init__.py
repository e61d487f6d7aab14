"""The claims stage: the body's sentences as claims, ranked by check-worthiness.

Candidates are the sentences of the body, less what is not prose: the headline, bylines,
the dateline (cut off the lead sentence it opens), boilerplate and the signatory block of
an embedded statement. A sentence that joins independent clauses, each with its own
subject ("The road was closed in 2022; aid has not passed since", "X fell by 3%, and Y
rose"), is split so that each claim can be checked on its own. Each claim is scored by the
shipped check-worthiness model (``checkworthiness.py``) and linked to the layers before
it: the voice that makes it, the citations inside it, and the entities, numbers and dates
it mentions.

The score ranks sentences for a checker's attention. It says nothing about whether a
claim is true.

Which claims a text holds must not depend on which side it names, so nothing here rests on
how the parser reads a name: sentences are those the layout and the end marks settle
(``claimscope.text.sentences.prose_sentence_starts``: the parser alone starts sentences
before names in mid-sentence and runs them over paragraph breaks, for one name and not
another), coordinated clauses are read from a parse of the sentence with its names masked
(``claimscope.text.names``), and a person, place or group counts as one word.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimscope.analysis import Analysis
from claimscope.dossier import Claim, Span, Voice
from claimscope.parsing import shape_for_tokenizer
from claimscope.stages.claims.checkworthiness import CheckworthinessModel, SentenceScorer
from claimscope.text.names import masked, masked_pieces, name_spans
from claimscope.text.sentences import prose_sentence_starts, sentence_starts
from claimscope.text.spans import excluded_spans, overlapping

if TYPE_CHECKING:
    from spacy.tokens import Doc

STAGE = "claims"

# A claim needs this many words to say something checkable; shorter pieces ("Read
# more:", "Thank you.") are furniture or greetings.
MIN_WORDS = 4
# A sentence longer than this is a list or a table, not one claim: it is cut into pieces
# of at most this length at clause punctuation, so scoring stays fast and meaningful.
MAX_CLAIM_CHARS = 1200

NUMBER_LABELS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})
DATE_LABELS = frozenset({"DATE", "TIME"})

_WORD_RE = re.compile(r"[^\W\d_]{1,40}")
# "; " between clauses: each side is a sentence of its own in all but punctuation.
_SEMICOLON_RE = re.compile(r";[ \t]{1,5}")
_CLAUSE_BREAK_RE = re.compile(r"[,;:][ \t]{1,5}")
# The words spaCy reads as coordinating conjunctions between clauses.
_COORDINATOR_RE = re.compile(r"(?<!\w)(?:and|but|or|nor|yet|so|plus)(?!\w)", re.IGNORECASE)
# A sentence is parsed again (names masked) to find its clauses only up to this length;
# longer ones are lists or tables, cut by MAX_CLAIM_CHARS anyway.
MAX_REPARSED_CHARS = 2 * MAX_CLAIM_CHARS
# The parse of a masked sentence needs the fine-grained tags and the dependencies only.
REPARSE_SKIPPED = ("ner", "lemmatizer", "attribute_ruler")
# Penn Treebank tags of verbs and modals (spaCy's coarse VERB and AUX).
VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})

Name = tuple[int, int, str]
# A person, place or group counts as one word, however many its name has ("Mexico City",
# "Hillary Clinton"); an organisation's name is a phrase whose words count ("Syrian
# Democratic Forces"), and the entity recogniser's organisations are the names it most
# often runs over neighbouring words ("Clinton-Supporting Super PACs Target Latino Voters").
ONE_WORD_LABELS = frozenset({"PERSON", "GPE", "LOC", "FAC", "NORP"})


@dataclass(frozen=True)
class Candidate:
    """A stretch of the body that may be a claim, with the sentence it lies in."""

    start: int
    end: int
    sentence: int


@dataclass(frozen=True)
class MaskedSentence:
    """A sentence with its names read as their type (``claimscope.text.names``).

    Where a sentence's clauses join must not depend on which names it holds, so its
    clauses are found by parsing this text again, every name one placeholder word; and its
    words are counted with each person, place or group as one word (``counted``).
    """

    start: int
    end: int
    text: str
    pieces: list[tuple[int, int, str | None]]
    counted: list[Name]

    @classmethod
    def of(cls, text: str, start: int, end: int, names: Sequence[Name]) -> MaskedSentence:
        """The sentence ``text[start:end]`` with the names among ``names`` masked."""
        pieces = masked_pieces(text, start, end, names)
        masked_text = "".join(
            text[low:high] if placeholder is None else placeholder
            for low, high, placeholder in pieces
        )
        counted = [name for name in names if name[2] in ONE_WORD_LABELS]
        return cls(start, end, masked_text, pieces, counted)

    def words(self, text: str, start: int, end: int) -> int:
        """Words of ``text[start:end]`` (inside the sentence), each person, place or group
        counting as one word however many its name has."""
        return _word_count(masked(text, start, end, self.counted))

    def original(self, offset: int) -> int:
        """The document offset of an offset into the masked text (a placeholder's start
        for any offset inside it)."""
        position = 0
        for low, high, placeholder in self.pieces:
            length = high - low if placeholder is None else len(placeholder)
            if offset < position + length:
                return low + (offset - position if placeholder is None else 0)
            position += length
        return self.end


def _word_count(text: str) -> int:
    return sum(1 for _ in _WORD_RE.finditer(text))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def candidates(analysis: Analysis) -> Iterator[Candidate]:
    """The body's sentences that are prose, split into independent clauses where they join."""
    text = analysis.document.text
    dossier = analysis.dossier
    body = dossier.anatomy.body
    body_start, body_end = (body.start, body.end) if body is not None else (0, len(text))
    dateline = dossier.anatomy.dateline
    # Sentences as the text's punctuation and paragraphs confirm them, not as the parser
    # alone guesses them around names; `sentence` stays the parser's index, as elsewhere.
    parser_starts = sentence_starts(text, analysis.parsed)
    starts = prose_sentence_starts(text, analysis.parsed, MAX_CLAIM_CHARS)
    spans: list[tuple[int, int]] = []
    for index, sentence_start in enumerate(starts):
        sentence_end = starts[index + 1] if index + 1 < len(starts) else len(text)
        start, end = max(sentence_start, body_start), min(sentence_end, body_end)
        if dateline is not None and start < dateline.end <= end:
            start = max(start, dateline.end)  # "BAKU, Azerbaijan, Aug.1. Trend reports ..."
        start, end = _trimmed(text, start, end)
        if end - start >= MIN_WORDS:
            spans.append((start, end))
    layout = [(start, end, None) for start, end in excluded_spans(dossier)]
    layout_hits = overlapping(spans, layout)
    prose = [span for span, hits in zip(spans, layout_hits, strict=True) if not hits]
    entities = [(e.start, e.end, (e.start, e.end, e.label)) for e in dossier.entities]
    names_of = [name_spans([name for _, _, name in hits]) for hits in overlapping(prose, entities)]
    sentences = [
        MaskedSentence.of(text, start, end, names)
        for (start, end), names in zip(prose, names_of, strict=True)
    ]
    cuts = clause_cuts(analysis, sentences)
    for sentence, sentence_cuts in zip(sentences, cuts, strict=True):
        if sentence.words(text, sentence.start, sentence.end) < MIN_WORDS:
            continue
        index = max(0, bisect.bisect_right(parser_starts, sentence.start) - 1)
        for piece_start, piece_end in split_clauses(
            text, sentence.start, sentence.end, sentence_cuts
        ):
            if sentence.words(text, piece_start, piece_end) >= MIN_WORDS:
                yield Candidate(piece_start, piece_end, index)


def clause_cuts(analysis: Analysis, sentences: Sequence[MaskedSentence]) -> list[list[int]]:
    """Per sentence, the document offsets where an independent clause begins: after "; "
    and at the conjunction of ", and X said"-like coordinated clauses with their own subject.

    Both sides of a cut need MIN_WORDS words. The coordinated clauses are read from a parse
    of the masked sentence, not of the document: the parser attaches a subject or a
    conjunction differently around different names ("pledged funds and Syria is taxing"
    but "pledged funds and Turkey is taxing", with "Turkey" read as a second object), so
    a parse of the names themselves would split the same sentence for one side only.
    """
    text = analysis.document.text

    def both_sides_count(sentence: MaskedSentence, cut: int) -> bool:
        return (
            sentence.words(text, sentence.start, cut) >= MIN_WORDS
            and sentence.words(text, cut, sentence.end) >= MIN_WORDS
        )

    found: list[list[int]] = []
    for sentence in sentences:
        semicolons = (
            sentence.original(match.end()) for match in _SEMICOLON_RE.finditer(sentence.text)
        )
        found.append([cut for cut in semicolons if both_sides_count(sentence, cut)])
    nlp = analysis.resources.nlp
    if nlp is None or analysis.parsed is None:
        return found
    # Only a sentence with a coordinating conjunction can have a coordinated clause; the
    # others are not parsed again.
    chosen = [
        index
        for index, sentence in enumerate(sentences)
        if len(sentence.text) <= MAX_REPARSED_CHARS
        and sentence.words(text, sentence.start, sentence.end) >= 2 * MIN_WORDS
        and _COORDINATOR_RE.search(sentence.text)
    ]
    docs = nlp.pipe(
        [shape_for_tokenizer(sentences[index].text) for index in chosen],
        disable=[name for name in REPARSE_SKIPPED if name in nlp.pipe_names],
    )
    for index, doc in zip(chosen, docs, strict=True):
        sentence = sentences[index]
        for masked_cut in coordinated_clause_starts(doc):
            cut = sentence.original(masked_cut)
            if both_sides_count(sentence, cut):
                found[index].append(cut)
    return found


def coordinated_clause_starts(doc: Doc) -> list[int]:
    """Offsets (into the doc's text) of the conjunctions that join a sentence's main clause
    to another with its own subject: "Prices rose 3%, and wages fell" cuts at "and"."""
    starts = []
    for token in doc:
        # The second verb is a conjunct of the sentence's root with its own subject, so
        # each clause is a claim of its own.
        if token.dep_ != "conj" or token.tag_ not in VERB_TAGS:
            continue
        if token.head.dep_ != "ROOT":
            continue
        if not any(child.dep_ in ("nsubj", "nsubjpass") for child in token.children):
            continue
        conjunctions = [child for child in token.head.children if child.dep_ == "cc"]
        before = [c for c in conjunctions if token.head.i < c.i < token.i]
        if before:
            # Keep the conjunction with the second clause.
            starts.append(before[-1].idx)
    return starts


def split_clauses(text: str, start: int, end: int, cuts: Iterable[int]) -> list[tuple[int, int]]:
    """A sentence cut into its clauses at the given offsets, each clause without the
    punctuation that joined it to the next, long pieces bounded by MAX_CLAIM_CHARS."""
    pieces: list[tuple[int, int]] = []
    low = start
    for cut in sorted(set(cuts)):
        if low < cut < end:
            # The clause ends before the punctuation that joined it to the next.
            piece_end = _trimmed(text, low, cut)[1]
            while piece_end > low and text[piece_end - 1] in ",;:":
                piece_end -= 1
            pieces.append(_trimmed(text, low, piece_end))
            low = cut
    pieces.append(_trimmed(text, low, end))
    return [piece for part in pieces for piece in _bounded(text, *part)]


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A piece longer than MAX_CLAIM_CHARS cut at clause punctuation (or hard, if none)."""
    pieces = []
    while end - start > MAX_CLAIM_CHARS:
        window_end = start + MAX_CLAIM_CHARS
        breaks = list(_CLAUSE_BREAK_RE.finditer(text, start + MAX_CLAIM_CHARS // 2, window_end))
        cut = breaks[-1].end() if breaks else window_end
        pieces.append(_trimmed(text, start, cut))
        start = cut
    pieces.append(_trimmed(text, start, end))
    return [(low, high) for low, high in pieces if high > low]


def _voice_spans(voice: Voice) -> list[Span]:
    return list(voice.parts) or [voice.content]


def speaker_of(pieces: Sequence[tuple[int, int, Voice]], start: int, end: int) -> str | None:
    """The speaker of the voice covering most of the claim, from the pieces of voices that
    overlap it; a quoted or reported voice outranks the narrator's."""
    covered: dict[int, int] = {}
    voices: dict[int, Voice] = {}
    for low, high, voice in pieces:
        covered[id(voice)] = covered.get(id(voice), 0) + min(end, high) - max(start, low)
        voices[id(voice)] = voice
    if not covered:
        return None
    best = max(covered, key=lambda key: (voices[key].kind != "narrator", covered[key]))
    return voices[best].speaker


class ClaimsStage:
    """Adds the `claims` layer."""

    name = STAGE
    needs_parse = True

    def __init__(self, model: SentenceScorer | None = None) -> None:
        self.model: SentenceScorer = model or CheckworthinessModel.load()

    def __call__(self, analysis: Analysis) -> None:
        """Score the body's sentences and link each claim to its speaker and citations."""
        text = analysis.document.text
        dossier = analysis.dossier
        found = list(candidates(analysis))
        if not found:
            return
        scores = self.model.score([text[c.start : c.end] for c in found])
        order = sorted(range(len(found)), key=lambda i: (-scores[i], found[i].start))
        ranks = {index: rank for rank, index in enumerate(order, start=1)}
        ranges = [(candidate.start, candidate.end) for candidate in found]
        voice_pieces = overlapping(
            ranges,
            [
                (span.start, span.end, voice)
                for voice in dossier.voices
                for span in _voice_spans(voice)
            ],
        )
        entity_hits = overlapping(
            ranges, [(e.start, e.end, number) for number, e in enumerate(dossier.entities)]
        )
        citation_hits = overlapping(
            ranges, [(c.start, c.start + 1, number) for number, c in enumerate(dossier.citations)]
        )
        for index, candidate in enumerate(found):
            start, end = candidate.start, candidate.end
            inside = sorted(
                number for low, high, number in entity_hits[index] if start <= low and high <= end
            )
            dossier.claims.append(
                Claim(
                    text=text[start:end],
                    start=start,
                    end=end,
                    checkworthiness=round(scores[index], 4),
                    rank=ranks[index],
                    speaker=speaker_of(voice_pieces[index], start, end),
                    sentence=candidate.sentence,
                    citations=sorted(number for _, _, number in citation_hits[index]),
                    entities=[
                        n
                        for n in inside
                        if dossier.entities[n].label not in NUMBER_LABELS | DATE_LABELS
                    ],
                    numbers=[n for n in inside if dossier.entities[n].label in NUMBER_LABELS],
                    dates=[n for n in inside if dossier.entities[n].label in DATE_LABELS],
                )
            )
