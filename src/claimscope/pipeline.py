"""The pipeline: named stages run in order over a document, each adding one layer.

Like spaCy's ``Language``: stages can be listed, disabled and reordered by name,
and :meth:`Pipeline.pipe` is the batch-first entry point. Models and gazetteers
are loaded once, when the pipeline is built, never per document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimscope.analysis import Analysis, Resources, Stage, load_spacy, new_dossier
from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.gazetteer import default_gazetteer
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


@dataclass
class Pipeline:
    """An ordered list of stages with the resources they share."""

    stages: list[Stage] = field(default_factory=default_stages)
    resources: Resources | None = None
    batch_size: int = 16

    def __post_init__(self) -> None:
        if self.resources is None:
            nlp = load_spacy() if any(s.needs_parse for s in self.stages) else None
            self.resources = Resources(gazetteer=default_gazetteer(), nlp=nlp)

    @property
    def stage_names(self) -> list[str]:
        """Names of the stages, in run order."""
        return [stage.name for stage in self.stages]

    def without(self, *names: str) -> Pipeline:
        """A pipeline with the named stages disabled."""
        unknown = set(names) - set(self.stage_names)
        if unknown:
            raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}")
        return Pipeline(
            stages=[s for s in self.stages if s.name not in names],
            resources=self.resources,
            batch_size=self.batch_size,
        )

    def analyze(self, document: Document) -> Dossier:
        """Analyse one document."""
        return next(self.pipe([document]))

    def pipe(self, documents: Iterable[Document]) -> Iterator[Dossier]:
        """Analyse documents in order, parsing them in batches."""
        assert self.resources is not None
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= self.batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, documents: Sequence[Document]) -> Iterator[Dossier]:
        assert self.resources is not None
        nlp = self.resources.nlp
        parsed: list[Doc | None]
        if nlp is not None:
            parsed = list(nlp.pipe(document.text for document in documents))
        else:
            parsed = [None] * len(documents)
        for document, doc in zip(documents, parsed, strict=True):
            analysis = Analysis(
                document=document,
                dossier=new_dossier(document),
                resources=self.resources,
                parsed=doc,
            )
            for stage in self.stages:
                stage(analysis)
            yield analysis.dossier
