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

from claimscope.stages.voices.attributions.common import Attribution
from claimscope.stages.voices.attributions.find import find_attributions
from claimscope.stages.voices.attributions.lines import line_speaker_attribution
from claimscope.stages.voices.cues import CueTable, load_cues
from claimscope.stages.voices.quotations import Quotation, find_quotations
from claimscope.stages.voices.speakers import Names, Speaker, resolve_speaker
from claimscope.stages.voices.stage import STAGE, VoicesStage

__all__ = [
    "STAGE",
    "Attribution",
    "CueTable",
    "Names",
    "Quotation",
    "Speaker",
    "VoicesStage",
    "find_attributions",
    "find_quotations",
    "line_speaker_attribution",
    "load_cues",
    "resolve_speaker",
]
