"""Connected components of the near-duplicate pairs, computed in Spark.

The local command (:func:`claimscope.corpus.minhash.connected_groups`) and this module give
the same clusters: numbered from 1 in the order of their smallest document id. Collecting
the pairs to the driver would hold tens of millions of them there at 100 M documents, so
the components are found over the pairs' DataFrame with the alternating large-star and
small-star steps of Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC
2014): each round rewires every node closer to the smallest id of its component, which
takes O(log n) rounds in practice (O(log² n) proven), where min-label propagation needs as
many rounds as the longest path. GraphFrames has the same algorithm but is a JVM package
outside PyPI, so it is written here over DataFrames.

The edges are kept as (``larger``, ``smaller``) with ``larger > smaller`` (ids compared as
Spark compares strings, byte by byte: the order of Arrow and of Python's ``sorted``). Each
round's edges are checkpointed locally on the executors, so the plan does not grow with
the rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.storagelevel import StorageLevel

# monotonically_increasing_id puts the partition index above bit 33 and the row's number
# within its partition below (documented in pyspark.sql.functions).
_ROW_BITS = 33


@dataclass(frozen=True)
class Components:
    """The members of each cluster (``cluster``, ``size``, ``id``) and what was found."""

    members: DataFrame
    clusters: int
    documents: int
    rounds: int


def connected_components(pairs: DataFrame, first: str, second: str) -> Components:
    """The connected components of the pairs (ids in columns ``first`` and ``second``):
    one row per linked document with its cluster, numbered from 1 in the order of each
    cluster's smallest id, and the cluster's size. Nothing but a few counts reaches the
    driver."""
    edges = _checkpoint(
        pairs.where(F.col(first) != F.col(second))
        .select(
            F.greatest(first, second).alias("larger"),
            F.least(first, second).alias("smaller"),
        )
        .distinct()
    )
    rounds = 0
    while True:
        neighbourhoods = _neighbourhoods(edges).persist(StorageLevel.MEMORY_AND_DISK)
        if neighbourhoods.where(~F.col("settled")).isEmpty():
            break
        # The previous round's edges stay referenced by this plan until the checkpoint.
        following = _checkpoint(_small_star(_large_star(edges, neighbourhoods)))
        neighbourhoods.unpersist()
        edges = following
        rounds += 1
    # The members are checkpointed: the neighbourhoods are not needed past this point.
    members, clusters, documents = _numbered(
        neighbourhoods.select(F.col("node").alias("id"), "label")
    )
    neighbourhoods.unpersist()
    return Components(members=members, clusters=clusters, documents=documents, rounds=rounds)


def _checkpoint(frame: DataFrame) -> DataFrame:
    """The frame computed now and kept on the executors (memory, then disk), its plan cut."""
    return frame.localCheckpoint(eager=True, storageLevel=StorageLevel.MEMORY_AND_DISK)


def _neighbourhoods(edges: DataFrame) -> DataFrame:
    """Each node with ``label``, the smallest id of itself and its neighbours, and whether
    it is ``settled``: the graph is a set of stars, each around its smallest id, when every
    node is either a centre (no smaller neighbour) or a leaf (one smaller neighbour, no
    larger one). Then each label is the smallest id of the node's component."""
    directed = edges.select(
        F.col("larger").alias("node"), F.col("smaller").alias("neighbour")
    ).unionByName(edges.select(F.col("smaller").alias("node"), F.col("larger").alias("neighbour")))
    smaller = F.count_if(F.col("neighbour") < F.col("node"))
    larger = F.count_if(F.col("neighbour") > F.col("node"))
    return directed.groupBy("node").agg(
        F.least(F.col("node"), F.min("neighbour")).alias("label"),
        ((smaller == 0) | ((smaller == 1) & (larger == 0))).alias("settled"),
    )


def _large_star(edges: DataFrame, neighbourhoods: DataFrame) -> DataFrame:
    """Every node's larger neighbours linked to the smallest id of its neighbourhood.

    One row per edge, repeats kept: the small star that follows removes them, which saves
    a shuffle a round."""
    return edges.join(
        neighbourhoods.select(F.col("node").alias("smaller"), "label"), "smaller"
    ).select("larger", F.col("label").alias("smaller"))


def _small_star(edges: DataFrame) -> DataFrame:
    """Every node and its smaller neighbours linked to the smallest of those neighbours."""
    least = F.min("smaller").over(Window.partitionBy("larger"))
    # On the row of the smallest neighbour the node itself is linked to it; on every other
    # row, that neighbour (larger than the smallest) is.
    with_least = edges.withColumn("least", least)
    return with_least.select(
        F.when(F.col("smaller") == F.col("least"), F.col("larger"))
        .otherwise(F.col("smaller"))
        .alias("larger"),
        F.col("least").alias("smaller"),
    ).distinct()


def _numbered(labels: DataFrame) -> tuple[DataFrame, int, int]:
    """(``cluster``, ``size``, ``id``) of each labelled node, clusters numbered from 1 in
    the order of their labels; and the numbers of clusters and of nodes."""
    # Positions follow the sort (partitions in range order, rows sorted within each):
    # counting each partition's rows turns them into consecutive numbers without moving
    # every cluster into one partition, as a window over the whole frame would.
    positioned = _checkpoint(
        labels.groupBy("label")
        .agg(F.count(F.lit(1)).alias("size"))
        .orderBy("label")
        .withColumn("position", F.monotonically_increasing_id())
    )
    partition = F.shiftright(F.col("position"), _ROW_BITS)
    counts = sorted(
        (row["partition"], row["clusters"], row["documents"])
        for row in positioned.groupBy(partition.alias("partition"))
        .agg(F.count(F.lit(1)).alias("clusters"), F.sum("size").alias("documents"))
        .collect()
    )
    offsets: list[tuple[int, int]] = []
    clusters = documents = 0
    for index, partition_clusters, partition_documents in counts:
        offsets.append((index, clusters))
        clusters += partition_clusters
        documents += partition_documents
    offset = (
        F.element_at(
            F.create_map(*[F.lit(value).cast("bigint") for pair in offsets for value in pair]),
            partition,
        )
        if offsets
        else F.lit(0)
    )
    row_in_partition = F.col("position").bitwiseAND((1 << _ROW_BITS) - 1)
    numbered = positioned.select("label", "size", (offset + row_in_partition + 1).alias("cluster"))
    members = _checkpoint(
        labels.join(numbered, "label").select(
            F.col("cluster").cast("bigint"), F.col("size").cast("bigint"), "id"
        )
    )
    return members, clusters, documents
