"""The entities stage (work in progress)."""

from __future__ import annotations

from claimscope.pipeline import Analysis


class EntitiesStage:
    """Adds the `entities` layer."""

    name = "entities"
    needs_parse = True

    def __call__(self, analysis: Analysis) -> None:
        """Not yet implemented: adds nothing."""
