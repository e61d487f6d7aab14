"""Markdown report (work in progress)."""

from __future__ import annotations

from collections.abc import Sequence

from claimscope.adapters.report.terminal import render_text
from claimscope.dossier import Dossier


def render_markdown(dossiers: Sequence[Dossier]) -> str:
    """The dossiers as a Markdown report."""
    return "```\n" + render_text(dossiers) + "```\n"
