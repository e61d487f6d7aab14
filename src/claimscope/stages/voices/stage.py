"""The voices stage: `VoicesStage`, which makes voices of quotations, attributions and the rest."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from claimscope.analysis import Analysis
from claimscope.dossier import Dossier, Entity, Span, Statement, TextSpan, Voice
from claimscope.parsing import parse_with_names_masked
from claimscope.stages.voices.attributions.common import EDGE_PUNCTUATION, Attribution
from claimscope.stages.voices.attributions.find import find_attributions
from claimscope.stages.voices.attributions.lines import (
    MAX_HEADLINE_SPEAKER_WORDS,
    line_speaker_attribution,
)
from claimscope.stages.voices.cues import load_cues
from claimscope.stages.voices.quotations import (
    QUOTE_CHARACTERS,
    Quotation,
    find_quotations,
    trim,
)
from claimscope.stages.voices.speakers import Names, Speaker, resolve_speaker
from claimscope.text.names import ONE_PLACEHOLDER, PLACEHOLDERS, name_spans, recurring_names
from claimscope.text.spans import Intervals

if TYPE_CHECKING:
    from spacy.tokens import Doc

STAGE = "voices"
# Warnings past this many per document are summed up in one, so a text full of stray
# marks cannot flood the dossier.
MAX_WARNINGS = 20
# Gap between a colon-introduced cue ("He said:") and the quotation it introduces.
MAX_INTRO_GAP = 80
# Fraction of an attributed clause that quotations must cover for the voice to be direct.
DIRECT_COVERAGE = 0.8
_NARRATOR_LEFT_TRIM = " \t\n,;:.!?)]}—–-" + QUOTE_CHARACTERS
_NARRATOR_RIGHT_TRIM = " \t\n,;:([{—–-" + QUOTE_CHARACTERS
_INTRO_GAP = re.compile(r"(?:[^.!?\"“”„«»]{0,80}[:,])?[ \t\n]*")
# After a closing mark: ", says Jane Doe." or ", Jane Doe notes." (bounded pieces, no nesting).
_AFTER_QUOTE = re.compile(
    r"[ \t]?,?[ \t]{1,3}(?:(?P<cue_first>[a-z]{3,20})[ \t](?P<source_after>[^\n,.;:!?\"“”]{1,60})"
    r"|(?P<source>[^\n,.;:!?\"“”]{1,60})[ \t](?P<cue>[a-z]{3,20}))[ \t]?[.,;]"
)


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


def _structure(analysis: Analysis) -> Doc | None:
    """The parse the attributions are read from: the document's, with its names masked.

    Which word is a cue, what is its subject and where its clause ends must not depend on
    which names the text holds: the parser reads "Trump charges that ..." with "Trump"
    a noun modifying the verb and "Clinton charges ..." with "Clinton" its subject. So the
    text is parsed again with every name read as its type (``parse_with_names_masked``);
    the document's own parse serves when that one cannot be laid back onto the text.
    """
    parsed = analysis.parsed
    nlp = analysis.resources.nlp
    if parsed is None or nlp is None:
        return parsed
    entities = [(item.start, item.end, item.label) for item in analysis.dossier.entities]
    # A lowercase "entity" ("the health ministry") is a description, read as words.
    text = analysis.document.text
    names = [name for name in name_spans(entities) if text[name[0]].isupper()]
    others = [(start, end) for start, end, label in entities if label not in PLACEHOLDERS]
    # One placeholder for every label: the recogniser's label follows the name too.
    masked = parse_with_names_masked(
        nlp, parsed, recurring_names(parsed, names, others), ONE_PLACEHOLDER
    )
    return parsed if masked is None else masked


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
        doc = _structure(analysis)
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
                EDGE_PUNCTUATION
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
