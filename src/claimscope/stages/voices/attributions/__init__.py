"""Attributions read from the dependency parse, one module per construction.

``find.find_attributions`` walks the tokens and tries each construction in turn:
``prepositions`` ("according to X", an opening "in a poll"), ``colon`` (a sentence ending
in a colon before a quotation), ``nominal`` ("her claim that"), ``passive`` ("criticized by
his rivals") and ``verbs`` (a reporting verb with its subject and clause). ``lines`` reads a
line "Speaker: words"; ``common`` holds the ``Attribution`` type and the helpers they share.
"""

from claimscope.stages.voices.attributions.common import Attribution
from claimscope.stages.voices.attributions.find import find_attributions
from claimscope.stages.voices.attributions.lines import line_speaker_attribution

__all__ = ["Attribution", "find_attributions", "line_speaker_attribution"]
