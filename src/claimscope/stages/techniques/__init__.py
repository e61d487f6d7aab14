"""The techniques stage: spans where a text uses one of the 14 persuasion techniques.

The models are those of the Propaganda Techniques Corpus task (SemEval-2020 Task 11),
chained as there: span identification finds where a technique is used, technique
classification says which (``chain.find_techniques``). The stage runs them over the whole
text, headline first as in the corpus, and keeps the spans outside the layout (bylines,
dateline, boilerplate, signatory lines). Each span carries a score, P(span) × P(technique);
a technique span marks how a passage tries to persuade, never whether it is right.

Both models read the document's names as their type (``claimscope.text.names``), so that a
span and its label do not depend on which side, person or country it names. The names are
those of the entities layer: spaCy's entities corrected by the gazetteer and the layout
(spaCy alone reads "Armenia" as an organisation in one sentence and a country in the next,
and would give the two sides different placeholders); the Doc's own entities when the
entities stage did not run.
"""

from __future__ import annotations

from claimscope.analysis import Analysis
from claimscope.dossier import Dossier, Technique
from claimscope.stages.techniques.chain import find_techniques
from claimscope.stages.techniques.classification import SpanClassifier
from claimscope.stages.techniques.features import MAX_SENTENCE_CHARS, Name, split_sentences
from claimscope.stages.techniques.identification import SpanIdentifier
from claimscope.text.names import name_spans
from claimscope.text.spans import excluded_spans, overlapping

STAGE = "techniques"


class TechniquesStage:
    """Adds the `techniques` layer."""

    name = STAGE
    needs_parse = True

    def __init__(
        self, identifier: SpanIdentifier | None = None, classifier: SpanClassifier | None = None
    ) -> None:
        self.identifier = identifier or SpanIdentifier.load()
        self.classifier = classifier or SpanClassifier.load()

    def __call__(self, analysis: Analysis) -> None:
        """Find the technique spans of the document."""
        text = analysis.document.text
        dossier = analysis.dossier
        headline = dossier.anatomy.headline
        layout = [
            (start, end)
            for start, end in excluded_spans(dossier)
            if headline is None or (start, end) != (headline.start, headline.end)
        ]
        dateline = dossier.anatomy.dateline
        if dateline is not None:
            layout.append((dateline.start, dateline.end))
        cut = sum(1 for sentence in split_sentences(text) if sentence.cut)
        if cut:
            analysis.warn(
                STAGE,
                f"{cut} sentence(s) longer than {MAX_SENTENCE_CHARS} characters were read "
                "in pieces by the technique models",
            )
        found_spans = find_techniques(
            text, self.identifier, self.classifier, analysis.parsed, document_names(dossier)
        )
        hits = overlapping(
            [(found.start, found.end) for found in found_spans],
            [(start, end, None) for start, end in layout],
        )
        for found, layout_hits in zip(found_spans, hits, strict=True):
            if layout_hits:
                continue
            dossier.techniques.append(
                Technique(
                    technique=found.technique,
                    start=found.start,
                    end=found.end,
                    score=found.score,
                    text=text[found.start : found.end],
                )
            )


def document_names(dossier: Dossier) -> list[Name] | None:
    """The names the technique models read as their type: those of the entities layer, or
    None (meaning the Doc's entities) when the layer is empty, as when its stage is off."""
    entities = dossier.entities
    if not entities:
        return None
    return name_spans([(entity.start, entity.end, entity.label) for entity in entities])
