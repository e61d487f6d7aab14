"""The working state of one analysis and the protocol every stage follows.

A stage imports this module, the document and the dossier model, never
:mod:`claimscope.pipeline` (which assembles the stages) and never another stage: what a
stage needs from an earlier one it reads from :attr:`Analysis.dossier`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from claimscope.document import Document
from claimscope.dossier import DocumentInfo, Dossier, Warning
from claimscope.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MAX_SECONDS = 120.0
"""Default time budget of one document's analysis, in seconds (see ``Pipeline``)."""


@dataclass
class Resources:
    """Loaded-once resources shared by stages."""

    gazetteer: Gazetteer
    nlp: Language | None = None


@dataclass
class Analysis:
    """The working state of one document: what stages read and extend."""

    document: Document
    dossier: Dossier
    resources: Resources
    parsed: Doc | None = None

    def warn(
        self, stage: str, message: str, start: int | None = None, end: int | None = None
    ) -> None:
        """Record a doubt without dropping the finding."""
        self.dossier.warnings.append(Warning(stage=stage, message=message, start=start, end=end))


class Stage(Protocol):
    """A pipeline component: reads the analysis so far and adds its layer."""

    name: str
    needs_parse: bool

    def __call__(self, analysis: Analysis) -> None: ...


def new_dossier(document: Document) -> Dossier:
    """An empty dossier for a document."""
    hints = document.hints
    return Dossier(
        document=DocumentInfo(
            id=document.id,
            source=document.source,
            title=hints.title,
            url=hints.url,
            outlet=hints.outlet or hints.site_name,
            format=document.format,
            text=document.text,
        ),
        # What ingestion repaired (replaced bytes, surrogates) belongs to the dossier too.
        warnings=[Warning(stage="ingestion", message=message) for message in document.warnings],
    )
