"""The signatories stage (work in progress)."""

from __future__ import annotations

from claimscope.pipeline import Analysis


class SignatoriesStage:
    """Adds the `signatories` layer."""

    name = "signatories"
    needs_parse = False

    def __call__(self, analysis: Analysis) -> None:
        """Not yet implemented: adds nothing."""
