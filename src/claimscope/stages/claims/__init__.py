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
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from claimscope.analysis import Analysis
from claimscope.dossier import Claim, Span, Voice
from claimscope.stages.claims.checkworthiness import CheckworthinessModel, SentenceScorer
from claimscope.text.sentences import sentence_starts
from claimscope.text.spans import excluded_spans, overlapping

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


@dataclass(frozen=True)
class Candidate:
    """A stretch of the body that may be a claim, with the sentence it lies in."""

    start: int
    end: int
    sentence: int


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
    starts = sentence_starts(text, analysis.parsed)
    sentences: list[tuple[int, int, int]] = []
    for index, sentence_start in enumerate(starts):
        sentence_end = starts[index + 1] if index + 1 < len(starts) else len(text)
        start, end = max(sentence_start, body_start), min(sentence_end, body_end)
        if dateline is not None and start < dateline.end <= end:
            start = max(start, dateline.end)  # "BAKU, Azerbaijan, Aug.1. Trend reports ..."
        start, end = _trimmed(text, start, end)
        if end - start >= MIN_WORDS:
            sentences.append((start, end, index))
    layout = [(start, end, None) for start, end in excluded_spans(dossier)]
    hits = overlapping([(start, end) for start, end, _ in sentences], layout)
    for (start, end, index), layout_hits in zip(sentences, hits, strict=True):
        if layout_hits:
            continue
        for piece_start, piece_end in split_clauses(analysis, start, end):
            if _word_count(text[piece_start:piece_end]) >= MIN_WORDS:
                yield Candidate(piece_start, piece_end, index)


def split_clauses(analysis: Analysis, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence cut where independent clauses join: at "; " and before ", and X said"-like
    coordinated clauses that have their own subject (from the parse)."""
    text = analysis.document.text
    cuts: list[int] = [
        match.end()
        for match in _SEMICOLON_RE.finditer(text, start, end)
        if _word_count(text[start : match.start()]) >= MIN_WORDS
        and _word_count(text[match.end() : end]) >= MIN_WORDS
    ]
    parsed = analysis.parsed
    if parsed is not None:
        span = parsed.char_span(start, end, alignment_mode="expand")
        if span is not None:
            for token in span:
                # "Prices rose 3%, and wages fell": the second verb is a conjunct of the
                # first with its own subject, so each clause is a claim of its own.
                if token.dep_ != "conj" or token.pos_ not in ("VERB", "AUX"):
                    continue
                if token.head.dep_ != "ROOT" or token.head.sent.start != span.sent.start:
                    continue
                if not any(child.dep_ in ("nsubj", "nsubjpass") for child in token.children):
                    continue
                conjunctions = [child for child in token.head.children if child.dep_ == "cc"]
                before = [c for c in conjunctions if c.i < token.i and c.i > token.head.i]
                if not before:
                    continue
                cut = before[-1].idx
                # Keep the conjunction with the second clause, drop the comma before it.
                if _word_count(text[start:cut]) >= MIN_WORDS and (
                    _word_count(text[cut:end]) >= MIN_WORDS
                ):
                    cuts.append(cut)
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
