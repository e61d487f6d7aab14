"""The anatomy stage (work in progress)."""

from __future__ import annotations

from claimscope.pipeline import Analysis


class AnatomyStage:
    """Adds the `anatomy` layer."""

    name = "anatomy"
    needs_parse = False

    def __call__(self, analysis: Analysis) -> None:
        """Not yet implemented: adds nothing."""
