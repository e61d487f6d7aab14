"""Self-contained HTML views of a network and of a cluster's timeline: inline SVG, no CDN.

The layout is networkx's force-directed ``spring_layout`` with a fixed seed (the same graph
draws the same way every time); node area follows degree; every label is escaped; the
page works offline. Hovering a node highlights its edges (a few lines of inline script).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import datetime

import networkx as nx

WIDTH = 960
HEIGHT = 720
MARGIN = 60
MAX_LABELLED = 60
"""Only the best-connected nodes carry a label; the rest show theirs on hover."""

_KIND_COLOURS = {
    "person": "#1f77b4",
    "organization": "#ff7f0e",
    "outlet": "#2ca02c",
    "cluster": "#9467bd",
}

_STYLE = """
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}
.note{color:#555;max-width:60em}
svg{border:1px solid #ddd;background:#fff;max-width:100%;height:auto}
line{stroke:#999;stroke-opacity:.5}
circle{stroke:#fff;stroke-width:1}
text{font-size:10px;fill:#222;pointer-events:none}
g.node:hover circle{stroke:#000;stroke-width:2}
svg.focus line{stroke-opacity:.08}
svg.focus line.on{stroke:#d62728;stroke-opacity:.9}
.legend span{display:inline-block;margin-right:1em}
.legend i{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em}
"""

NETWORK_SCRIPT = """
// Hovering a node of a network drawn by network_svg highlights its links.
document.querySelectorAll('g.node').forEach(function (node) {
  var svg = node.ownerSVGElement, id = node.getAttribute('data-id');
  node.addEventListener('mouseenter', function () {
    svg.classList.add('focus');
    svg.querySelectorAll('line').forEach(function (edge) {
      if (edge.getAttribute('data-a') === id || edge.getAttribute('data-b') === id) {
        edge.classList.add('on');
      }
    });
  });
  node.addEventListener('mouseleave', function () {
    svg.classList.remove('focus');
    svg.querySelectorAll('line.on').forEach(function (edge) { edge.classList.remove('on'); });
  });
});
"""


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def network_svg(graph: nx.Graph) -> str:
    """The graph drawn as an SVG element."""
    if graph.number_of_nodes() == 0:
        return '<p class="note">The network is empty.</p>'
    position = nx.spring_layout(graph, seed=7, weight="weight")
    xs = [point[0] for point in position.values()]
    ys = [point[1] for point in position.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0

    def place(node: object) -> tuple[float, float]:
        x, y = position[node]
        return (
            MARGIN + (x - min(xs)) / span_x * (WIDTH - 2 * MARGIN),
            MARGIN + (y - min(ys)) / span_y * (HEIGHT - 2 * MARGIN),
        )

    ids = {node: f"n{number}" for number, node in enumerate(graph.nodes)}
    degree = dict(graph.degree(weight="weight"))
    labelled = set(sorted(graph.nodes, key=lambda node: -degree[node])[:MAX_LABELLED])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img">'
    ]
    for first, second, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = place(first), place(second)
        width = min(6.0, 0.7 + math.log1p(float(data.get("weight", 1))))
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke-width="{width:.2f}" data-a="{ids[first]}" data-b="{ids[second]}"/>'
        )
    for node, data in graph.nodes(data=True):
        x, y = place(node)
        radius = 3.0 + 2.2 * math.sqrt(degree[node])
        label = data.get("label", node)
        colour = _KIND_COLOURS.get(str(data.get("kind", "")), "#7f7f7f")
        title = f"{label} ({data.get('kind', 'node')}, degree {degree[node]:g})"
        parts.append(
            f'<g class="node" data-id="{ids[node]}"><title>{_escape(title)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}"/>'
        )
        if node in labelled:
            parts.append(
                f'<text x="{x + radius + 2:.1f}" y="{y + 3:.1f}">{_escape(str(label)[:40])}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def timeline_svg(sightings: Sequence[tuple[datetime, str]], width: int = WIDTH) -> str:
    """Sightings of one text (time, outlet) on a time axis; one row per outlet."""
    if not sightings:
        return '<p class="note">No sighting has a publication time.</p>'
    outlets = list(dict.fromkeys(outlet for _, outlet in sorted(sightings)))
    start = min(time for time, _ in sightings)
    end = max(time for time, _ in sightings)
    total = (end - start).total_seconds() or 1.0
    row = 22
    left = 180
    height = row * len(outlets) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">'
    ]
    for number, outlet in enumerate(outlets):
        y = 20 + number * row
        parts.append(f'<text x="4" y="{y + 4}">{_escape(outlet[:28])}</text>')
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - 20}" y2="{y}"/>')
    for time, outlet in sightings:
        x = left + (time - start).total_seconds() / total * (width - left - 30)
        y = 20 + outlets.index(outlet) * row
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y}" r="5" fill="#1f77b4">'
            f"<title>{_escape(outlet)}: {_escape(time.isoformat())}</title></circle>"
        )
    axis = height - 10
    parts.append(f'<text x="{left}" y="{axis}">{_escape(start.isoformat())}</text>')
    parts.append(
        f'<text x="{width - 20}" y="{axis}" text-anchor="end">{_escape(end.isoformat())}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def render_network_html(
    graph: nx.Graph,
    title: str,
    note: str = "",
    timelines: Sequence[tuple[str, Sequence[tuple[datetime, str]]]] = (),
) -> str:
    """A whole self-contained page with the network, its legend and a note, and after it
    the timeline of each ``(heading, sightings)`` given (a cluster's sightings)."""
    kinds = sorted({str(data.get("kind", "")) for _, data in graph.nodes(data=True)} - {""})
    legend = "".join(
        f'<span><i style="background:{_KIND_COLOURS.get(kind, "#7f7f7f")}"></i>'
        f"{_escape(kind)}</span>"
        for kind in kinds
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_escape(title)} — claimscope</title><style>{_STYLE}</style></head><body>"
        f"<h1>{_escape(title)}</h1>"
        f'<p class="note">{_escape(note)} {graph.number_of_nodes()} nodes, '
        f"{graph.number_of_edges()} links. A link says two nodes appear together; it says "
        "nothing about why.</p>"
        f'<p class="legend">{legend}</p>'
        f"{network_svg(graph)}"
        + "".join(
            f"<h2>{_escape(heading)}</h2>{timeline_svg(sightings)}"
            for heading, sightings in timelines
        )
        + f"<script>{NETWORK_SCRIPT}</script></body></html>\n"
    )
