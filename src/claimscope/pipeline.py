"""The pipeline: named stages run in order over a document, each adding one layer.

Like spaCy's ``Language``: stages can be listed, disabled and reordered by name,
and :meth:`Pipeline.pipe` is the batch-first entry point. Models and gazetteers
are loaded once, when the pipeline is built, never per document.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from claimscope import __version__
from claimscope.analysis import DEFAULT_MAX_SECONDS, Analysis, Resources, Stage, new_dossier
from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.gazetteer import default_gazetteer
from claimscope.parsing import (
    BATCH_CHARS,
    MAX_MARK_RUN,
    MAX_SENTENCE_TOKENS,
    ParseNotes,
    load_spacy,
    parse_texts,
)
from claimscope.stages import (
    anatomy,
    citations,
    claims,
    entities,
    signatories,
    statements,
    techniques,
    voices,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc


def default_stages() -> list[Stage]:
    """The stages of a full analysis, in order."""
    return [
        anatomy.AnatomyStage(),
        statements.StatementsStage(),
        signatories.SignatoriesStage(),
        entities.EntitiesStage(),
        citations.CitationsStage(),
        voices.VoicesStage(),
        claims.ClaimsStage(),
        techniques.TechniquesStage(),
    ]


STAGE_NAMES = (
    "anatomy",
    "statements",
    "signatories",
    "entities",
    "citations",
    "voices",
    "claims",
    "techniques",
)
"""The names of the default stages, in run order (known without loading any model)."""


def check_stage_names(names: Iterable[str]) -> None:
    """Raise ValueError naming any stage that the default pipeline does not have."""
    unknown = set(names) - set(STAGE_NAMES)
    if unknown:
        raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}")


# Links a stage writes into an earlier stage's layer (the signatories of each statement):
# emptied with the stage's own layer when it runs again.
_LINKS_INTO_EARLIER_LAYERS = {"signatories": (("statements", "signatories"),)}


def pipeline_version(stage_names: Sequence[str]) -> str:
    """What produces a dossier: claimscope's version and the stages run, in order."""
    return f"claimscope {__version__} ({','.join(stage_names)})"


def build_pipeline(
    disabled: Sequence[str] = (), max_seconds: float | None = DEFAULT_MAX_SECONDS
) -> Pipeline:
    """The default pipeline without the named stages (ValueError naming any unknown one).

    Built from the remaining stages only, so spaCy is not even loaded when none of them
    reads the parse.
    """
    check_stage_names(disabled)
    stages = default_stages()
    return Pipeline(
        stages=[stage for stage in stages if stage.name not in disabled], max_seconds=max_seconds
    )


@dataclass
class Pipeline:
    """An ordered list of stages with the resources they share.

    ``max_seconds`` is each document's time budget: once it has run out, the document's
    remaining stages are skipped with a warning naming them and its dossier is still
    returned. It is a safety net, checked between stages; time and memory are bounded by
    construction (every stage is linear in the text, the parse is cut into pieces).
    """

    stages: list[Stage] = field(default_factory=default_stages)
    resources: Resources | None = None
    batch_size: int = 16
    max_seconds: float | None = DEFAULT_MAX_SECONDS

    def __post_init__(self) -> None:
        if self.max_seconds is not None and not self.max_seconds > 0:
            raise ValueError("max_seconds must be positive")
        if self.resources is None:
            nlp = load_spacy() if self.needs_parse else None
            self.resources = Resources(gazetteer=default_gazetteer(), nlp=nlp)

    @property
    def stage_names(self) -> list[str]:
        """Names of the stages, in run order."""
        return [stage.name for stage in self.stages]

    @property
    def needs_parse(self) -> bool:
        """Whether any stage reads spaCy's parse (otherwise spaCy does not run at all)."""
        return any(stage.needs_parse for stage in self.stages)

    @property
    def version(self) -> str:
        """What produces this pipeline's dossiers: claimscope's version and the stages run."""
        return pipeline_version(self.stage_names)

    def without(self, *names: str) -> Pipeline:
        """A pipeline with the named stages disabled."""
        unknown = set(names) - set(self.stage_names)
        if unknown:
            raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}")
        return replace(self, stages=[s for s in self.stages if s.name not in names])

    def analyze(self, document: Document) -> Dossier:
        """Analyse one document."""
        return next(self.pipe([document]))

    def pipe(self, documents: Iterable[Document]) -> Iterator[Dossier]:
        """Analyse documents in order, parsing them in batches bounded in documents and size."""
        return self._pipe((document, new_dossier(document)) for document in documents)

    def rerun(
        self, analysed: Iterable[tuple[Document, Dossier]], first_stage: str
    ) -> Iterator[Dossier]:
        """Run ``first_stage`` and the stages after it again over existing dossiers.

        The layers those stages fill (and their warnings) are emptied first; earlier layers
        are kept as they are, since later stages read them and point into them by index.
        This is how a stored corpus is brought up to date after one model changed.
        """
        names = self.stage_names
        if first_stage not in names:
            raise ValueError(f"unknown stage: {first_stage} (stages: {', '.join(names)})")
        later = replace(self, stages=self.stages[names.index(first_stage) :])
        rerun_names = set(later.stage_names)
        if later.needs_parse:
            rerun_names.add("parse")
        if first_stage == names[0]:
            rerun_names.add("pipeline")

        def emptied(dossier: Dossier) -> Dossier:
            fresh = dossier.model_copy(deep=True)
            for name in later.stage_names:
                setattr(
                    fresh, name, Dossier.model_fields[name].get_default(call_default_factory=True)
                )
                for layer, link in _LINKS_INTO_EARLIER_LAYERS.get(name, ()):
                    for item in getattr(fresh, layer):
                        setattr(item, link, [])
            fresh.warnings = [w for w in fresh.warnings if w.stage not in rerun_names]
            return fresh

        return later._pipe((document, emptied(dossier)) for document, dossier in analysed)

    def _pipe(self, analysed: Iterable[tuple[Document, Dossier]]) -> Iterator[Dossier]:
        assert self.resources is not None
        batch: list[tuple[Document, Dossier]] = []
        characters = 0
        for document, dossier in analysed:
            batch.append((document, dossier))
            characters += len(document.text)
            if len(batch) >= self.batch_size or characters >= BATCH_CHARS:
                yield from self._run_batch(batch)
                batch, characters = [], 0
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, batch: Sequence[tuple[Document, Dossier]]) -> Iterator[Dossier]:
        assert self.resources is not None
        nlp = self.resources.nlp
        parses: Iterator[tuple[Doc, ParseNotes] | tuple[None, None]]
        if nlp is not None and self.needs_parse:
            parses = parse_texts(nlp, [document.text for document, _ in batch], self.batch_size)
        else:
            parses = iter([(None, None)] * len(batch))
        for document, dossier in batch:
            # The budget counts the document's share of the parse as well as its stages.
            started = time.monotonic()
            doc, notes = next(parses)
            analysis = Analysis(
                document=document,
                dossier=dossier,
                resources=self.resources,
                parsed=doc,
            )
            if notes is not None:
                _warn_parse_notes(analysis, notes)
            self._run_stages(analysis, started)
            yield analysis.dossier

    def _run_stages(self, analysis: Analysis, started: float) -> None:
        for index, stage in enumerate(self.stages):
            if self.max_seconds is not None and time.monotonic() - started > self.max_seconds:
                skipped = ", ".join(later.name for later in self.stages[index:])
                analysis.warn(
                    "pipeline",
                    f"the document's time budget of {self.max_seconds:g} s ran out; "
                    f"stages skipped: {skipped}",
                )
                return
            stage(analysis)


def _warn_parse_notes(analysis: Analysis, notes: ParseNotes) -> None:
    """Say in the dossier what the parser was shown differently from the text."""
    if notes.spaced_runs:
        start, end = notes.spaced_runs[0]
        analysis.warn(
            "parse",
            f"{len(notes.spaced_runs)} run(s) of more than {MAX_MARK_RUN} punctuation marks "
            "were parsed as their first mark followed by spaces",
            start,
            end,
        )
    if notes.sentence_cuts:
        first = notes.sentence_cuts[0]
        analysis.warn(
            "parse",
            f"{len(notes.sentence_cuts)} stretch(es) of more than {MAX_SENTENCE_TOKENS} "
            "tokens without a sentence end were cut into sentences for the parser",
            first,
            first,
        )
