"""Line speakers: a line "Speaker: what they said" (a headline, a transcript)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claimscope.stages.voices.attributions.common import EDGE_PUNCTUATION, Attribution
from claimscope.stages.voices.quotations import trim

if TYPE_CHECKING:
    from spacy.tokens import Doc

# A headline "Speaker: words" names its speaker in a few words, not a sentence.
MAX_HEADLINE_SPEAKER_WORDS = 5
_ARTICLES = frozenset({"the", "a", "an"})
# Lowercase words a name or title may contain ("Secretary of State", "Charles de Gaulle").
_NAME_PARTICLES = frozenset(
    {"of", "the", "and", "for", "de", "van", "von", "al", "bin", "la", "du"}
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
    content = trim(text, match.end(), end, EDGE_PUNCTUATION + ".")
    source = match.span("source")
    span = doc.char_span(*source, alignment_mode="expand")
    if span is None or content[1] <= content[0]:
        return None
    return Attribution(match.span("cue"), source, span.root, [content])
