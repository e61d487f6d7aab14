"""Do the torch-free word vectors carry to fact-checks they were never fitted or tuned on?

The shipped word vectors (:mod:`claimscope.evidence.word_vectors`) are fitted on the claims
and titles of the CLEF 2020 collection and tuned to rank that same collection, which is the
one the matching benchmark searches. A user's library is another one. This benchmark
trains the vectors again, exactly as ``claimscope train word-vectors`` does, but on a seeded
random half of the collection ("seen"): the vocabulary counts leave the other half
("unseen") out, the ridge fit reads only the seen half's claims and titles, and the tuning
ranks only the seen half's entries. Then the vectors alone rank the *whole* collection for
each dev tweet (train tweets beside it; they are among the tuning's queries), and MAP@5 is
reported apart for the tweets whose relevant claim lies in the seen half and for those
whose claim lies in the unseen half. The shipped vectors, which saw both halves, are
measured on the same two groups, so that a gap that is only the split's is not taken for
one of the vectors'.

The same is then measured for the whole default matcher (``reranked``): an index of the
whole collection with the shipped model's settings, whose text vectors and word alignment
read the vectors under test, and a re-ranker trained on the train tweets over it, as
``claimscope train matching`` trains the shipped one; dev's tweets are ranked and reported
by half. This is the figure a user's own library (fact-checks the vectors never saw) should
expect, against the CLEF figures of ``bench.matching``.

Needs the ``embeddings`` extra (the teacher, and torch for the tuning); about eight minutes
on two cores. Run: ``python -m bench.word_vectors_generalisation`` in an environment with
the extra. Results: ``bench/results/word_vectors_generalisation.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import SHARED_DATA, write_results
from claimscope.evidence.matching import EvidenceEntry, EvidenceIndex, MatchingModel
from claimscope.evidence.queries import read_tweets
from claimscope.evidence.training import (
    CLEF2020,
    COLLECTION_FILE,
    QRELS_FILE,
    QUERIES_FILE,
    fit_on_train,
    ranking_figures,
    read_collection,
    read_qrels,
    rerank,
    training_rows,
)
from claimscope.evidence.word_vectors import (
    COLLECTION,
    VOCABULARY_SOURCES,
    RankingSettings,
    WordVectors,
    distil,
    query_sentences,
    remembered,
    text_words,
    tune_for_entries,
    vocabulary_counts,
)

COMMAND = "python -m bench.word_vectors_generalisation"
SEED = 13
DEPTH = 5


def halves(ids: Sequence[str], seed: int = SEED) -> tuple[set[str], set[str]]:
    """The collection's ids split at random (seeded) into a seen and an unseen half."""
    order = np.random.default_rng(seed).permutation(len(ids))
    middle = len(ids) // 2
    return {ids[i] for i in order[:middle]}, {ids[i] for i in order[middle:]}


def vectors_alone(
    vectors: WordVectors,
    claims: Sequence[str],
    titles: Sequence[str],
    ids: Sequence[str],
    queries: Sequence[Any],
) -> dict[str, list[str]]:
    """Each query's five nearest entries of the whole collection by the vectors' cosine."""
    claim_vectors, title_vectors = vectors.encode(claims), vectors.encode(titles)
    query_vectors = vectors.encode([query.text for query in queries])
    ranked: dict[str, list[str]] = {}
    for query, vector in zip(queries, query_vectors, strict=True):
        scores = np.maximum(claim_vectors @ vector, title_vectors @ vector)
        ranked[query.id] = [ids[int(i)] for i in np.argsort(-scores, kind="stable")[:DEPTH]]
    return ranked


def by_half(
    ranked: dict[str, list[str]], qrels: dict[str, set[str]], seen: set[str]
) -> dict[str, Any]:
    """MAP@5 and the rest for the queries whose relevant claims are all seen, or all unseen."""
    groups = {
        "relevant_seen": {q: r for q, r in qrels.items() if r and r <= seen},
        "relevant_unseen": {q: r for q, r in qrels.items() if r and not r & seen},
    }
    return {
        name: {
            "queries": len(judged),
            **ranking_figures({q: ranked[q] for q in judged}, judged),
        }
        for name, judged in groups.items()
    }


def reranked(
    vectors: WordVectors,
    collection: Sequence[EvidenceEntry],
    folder: Path,
    seen: set[str],
) -> dict[str, Any]:
    """The default matcher over the whole collection, reading these vectors, by half on dev.

    The re-ranker is trained on the train tweets over the same index, as the shipped one is.
    """
    settings = MatchingModel.load().settings
    index = EvidenceIndex(collection, settings, vectors.encode, word_vectors=vectors)
    model, _ = fit_on_train(index, folder)
    tweets = read_tweets(folder / "dev" / QUERIES_FILE)
    qrels = read_qrels(folder / "dev" / QRELS_FILE)
    rows, _, groups, candidates = training_rows(index, tweets, qrels, settings.candidates)
    return by_half(rerank(model, index, tweets, rows, groups, candidates), qrels, seen)


def run(data_dir: Path) -> dict[str, Any]:
    """Train vectors on the seen half, and measure them and the shipped ones on both halves."""
    from claimscope.stages.claims.embeddings import encode

    started = time.perf_counter()
    folder = data_dir / CLEF2020
    collection = read_collection(folder / COLLECTION_FILE)
    ids = [entry.id for entry in collection]
    seen, _ = halves(ids)
    seen_entries = [(entry.claim, entry.title) for entry in collection if entry.id in seen]
    # The vocabulary as the shipped training counts it, with only the seen half of the
    # collection among its corpora.
    counts = vocabulary_counts(data_dir, [s for s in VOCABULARY_SOURCES if s != COLLECTION])
    counts.update(word for pair in seen_entries for text in pair for word in text_words(text))
    sentences = sorted({text for pair in seen_entries for text in pair if text.strip()})
    teacher = remembered(encode)
    fitted = distil(counts, sentences, teacher)
    ranking = RankingSettings()
    claim_queries, news = query_sentences(data_dir, ranking.news_sentences, SEED)
    tuned = tune_for_entries(fitted, claim_queries + news, seen_entries, teacher, ranking, SEED)
    claims = [entry.claim for entry in collection]
    titles = [entry.title for entry in collection]
    figures: dict[str, Any] = {
        "collection": len(collection),
        "seen_entries": len(seen_entries),
        "seed": SEED,
        "words_of_half_trained_vectors": len(tuned.words),
    }
    for split in ("dev", "train"):
        tweets = read_tweets(folder / split / QUERIES_FILE)
        qrels = read_qrels(folder / split / QRELS_FILE)
        figures[split] = {
            "trained_on_seen_half": by_half(
                vectors_alone(tuned, claims, titles, ids, tweets), qrels, seen
            ),
            "shipped_trained_on_both": by_half(
                vectors_alone(WordVectors.load(), claims, titles, ids, tweets), qrels, seen
            ),
        }
    figures["train"]["among_tuning_queries"] = True
    figures["dev"]["reranked"] = {
        "trained_on_seen_half": reranked(tuned, collection, folder, seen),
        "shipped_trained_on_both": reranked(WordVectors.load(), collection, folder, seen),
    }
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def _print(figures: dict[str, Any]) -> None:
    for vectors, found in figures["dev"]["reranked"].items():
        seen, unseen = found["relevant_seen"], found["relevant_unseen"]
        print(
            f"dev, default matcher re-ranked with vectors {vectors.replace('_', ' ')}: MAP@5"
            f" {seen['map_at_5']:.4f} (seen half), {unseen['map_at_5']:.4f} (unseen half)"
        )
    for split in ("dev", "train"):
        for vectors in ("trained_on_seen_half", "shipped_trained_on_both"):
            found = figures[split][vectors]
            seen, unseen = found["relevant_seen"], found["relevant_unseen"]
            print(
                f"{split}, vectors {vectors.replace('_', ' ')}: MAP@5"
                f" {seen['map_at_5']:.4f} where the relevant claim is in the seen half"
                f" ({seen['queries']} tweets), {unseen['map_at_5']:.4f} in the unseen half"
                f" ({unseen['queries']} tweets)"
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the figures and write its results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    from claimscope.stages.claims.embeddings import embeddings_available

    if not embeddings_available():
        print("needs the optional extra: pip install -c constraints.txt '.[embeddings]'")
        return 2
    figures = run(SHARED_DATA)
    _print(figures)
    path = write_results("word_vectors_generalisation", {"command": COMMAND, **figures})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
