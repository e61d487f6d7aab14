"""Networks across the corpus: who signs with whom, and which outlets carry which texts.

Two graphs, built with networkx so that they export to the formats network tools read:

- co-signature: one node per actor (person or organisation), an edge between two actors
  who signed the same statement, weighted by how many statements they signed together;
- outlets: a bipartite graph of outlets and clusters of near-identical texts, an edge when
  an outlet carried a text of the cluster, weighted by how many times.

Exports: GraphML, GEXF (Gephi) and a CSV edge list (source, target, weight).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Literal

import networkx as nx

from claimscope.corpus.actors import Actor

NetworkFormat = Literal["graphml", "gexf", "csv"]


def cosignature_graph(actors: Sequence[Actor]) -> nx.Graph:
    """Actors linked by the statements (documents) they signed together."""
    graph = nx.Graph()
    signed: dict[str, list[str]] = {}
    for number, actor in enumerate(actors):
        node = f"{actor.kind}:{number}"
        graph.add_node(
            node,
            label=actor.name,
            kind=actor.kind,
            countries=",".join(sorted(actor.countries)),
            documents=len(actor.documents),
            confidence=actor.confidence,
        )
        for document in actor.documents:
            signed.setdefault(document, []).append(node)
    for members in signed.values():
        for first, second in combinations(sorted(set(members)), 2):
            if graph.has_edge(first, second):
                graph[first][second]["weight"] += 1
            else:
                graph.add_edge(first, second, weight=1)
    return graph


def outlet_graph(clusters: Iterable[tuple[str, Iterable[str | None]]]) -> nx.Graph:
    """Outlets linked to the clusters whose texts they carried (``(cluster id, outlets)``)."""
    graph = nx.Graph()
    for cluster, outlets in clusters:
        cluster_node = f"cluster:{cluster}"
        graph.add_node(cluster_node, label=cluster, kind="cluster")
        for outlet in outlets:
            if not outlet:
                continue
            outlet_node = f"outlet:{outlet}"
            graph.add_node(outlet_node, label=outlet, kind="outlet")
            if graph.has_edge(outlet_node, cluster_node):
                graph[outlet_node][cluster_node]["weight"] += 1
            else:
                graph.add_edge(outlet_node, cluster_node, weight=1)
    return graph


def export(graph: nx.Graph, network_format: NetworkFormat) -> bytes:
    """The graph in an exchange format, as bytes ready to write."""
    if network_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["source", "target", "source_label", "target_label", "weight"])
        for first, second, data in sorted(graph.edges(data=True)):
            writer.writerow(
                [
                    first,
                    second,
                    graph.nodes[first].get("label", first),
                    graph.nodes[second].get("label", second),
                    data.get("weight", 1),
                ]
            )
        return buffer.getvalue().encode("utf-8")
    output = io.BytesIO()
    if network_format == "graphml":
        nx.write_graphml(graph, output, encoding="utf-8")
    elif network_format == "gexf":
        nx.write_gexf(graph, output, encoding="utf-8")
    else:
        raise ValueError(f"unknown network format {network_format!r}")
    return output.getvalue()
