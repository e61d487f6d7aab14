"""The statements stage (work in progress)."""

from __future__ import annotations

from claimscope.pipeline import Analysis


class StatementsStage:
    """Adds the `statements` layer."""

    name = "statements"
    needs_parse = False

    def __call__(self, analysis: Analysis) -> None:
        """Not yet implemented: adds nothing."""
