"""Networks across the corpus: co-signature and outlet graphs, their exports and HTML view."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta

import networkx as nx

from claimscope.adapters.report.network import render_network_html, timeline_svg
from claimscope.corpus.actors import Mention, resolve_actors
from claimscope.corpus.networks import cosignature_graph, export, outlet_graph

MENTIONS = [
    Mention("s1", 0, person="Ana Lima", organization="Conectas", country="BR"),
    Mention("s1", 1, organization="Article 19"),
    Mention("s2", 0, person="Ana Lima", organization="Conectas", country="BR"),
    Mention("s2", 1, organization="ARTICLE 19"),
    Mention("s3", 0, organization="Article 19"),
    Mention("s3", 1, person="<script>alert(1)</script>", organization="Evil & Co"),
]


def test_cosignature_weights_count_statements_signed_together() -> None:
    graph = cosignature_graph(resolve_actors(MENTIONS))
    labels = {node: data["label"] for node, data in graph.nodes(data=True)}
    by_label = {label: node for node, label in labels.items()}
    ana, article = by_label["Ana Lima"], by_label["Article 19"]
    # Ana Lima (as a person) and Article 19 signed s1 and s2 together.
    assert graph[ana][article]["weight"] == 2
    conectas = by_label["Conectas"]
    assert graph[ana][conectas]["weight"] == 2
    assert graph.nodes[article]["documents"] == 3


def test_exports_are_readable_by_network_tools() -> None:
    graph = cosignature_graph(resolve_actors(MENTIONS))
    rows = list(csv.DictReader(io.StringIO(export(graph, "csv").decode("utf-8"))))
    assert {row["weight"] for row in rows} >= {"1", "2"}
    assert len(rows) == graph.number_of_edges()
    for name in ("graphml", "gexf"):
        data = export(graph, name)
        ElementTree.fromstring(data)  # well-formed XML
        back = (
            nx.read_graphml(io.BytesIO(data))
            if name == "graphml"
            else nx.read_gexf(io.BytesIO(data))
        )
        assert back.number_of_nodes() == graph.number_of_nodes()
        assert back.number_of_edges() == graph.number_of_edges()


def test_outlet_graph_counts_what_each_outlet_carried() -> None:
    graph = outlet_graph([("c1", ["Trend", "APA", "Trend", None]), ("c2", ["APA"])])
    assert graph["outlet:Trend"]["cluster:c1"]["weight"] == 2
    assert sorted(graph.neighbors("outlet:APA")) == ["cluster:c1", "cluster:c2"]


def test_the_html_view_is_self_contained_and_escapes_labels() -> None:
    page = render_network_html(cosignature_graph(resolve_actors(MENTIONS)), "Co-signature <x>")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Co-signature &lt;x&gt;" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    # Two people (Ana Lima, the script-named one), three bodies (Conectas, Article 19, Evil).
    assert page.count("<circle") == 5


def test_a_timeline_places_each_sighting_on_its_outlet_row() -> None:
    start = datetime(2023, 8, 1, 9, 0)
    svg = timeline_svg([(start, "Trend"), (start + timedelta(hours=2), "A & B")])
    assert svg.count("<circle") == 2 and "A &amp; B" in svg
    assert "2023-08-01T09:00:00" in svg and "2023-08-01T11:00:00" in svg
