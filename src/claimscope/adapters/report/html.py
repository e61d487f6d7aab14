"""HTML report (work in progress)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from claimscope.dossier import Dossier


def render_html(dossiers: Sequence[Dossier]) -> str:
    """The dossiers as one self-contained HTML page."""
    body = "".join(
        f"<h1>{html.escape(d.document.source)}</h1><pre>{html.escape(d.document.text)}</pre>"
        for d in dossiers
    )
    return f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"
