"""Benchmark of near-duplicate detection on a labelled corpus built from real articles.

The corpus (seeded, rebuilt on every run from ``../shared/data``): originals drawn from
Wikinews, Reuters-21578 and PTC articles, and the sign-on letters of
``bench/data/signatories_gold.jsonl``; each original gets variants by one controlled edit:

- ``reframed_lead``: its first paragraph replaced by the lead of an unrelated article;
- ``cut_paragraphs``: about a third of its paragraphs (never the first) removed;
- ``added_paragraphs``: two paragraphs of an unrelated article appended;
- ``typos``: one word in thirty with two letters swapped or one dropped;
- ``reordered_lines``: the signatory lines of a letter in another order;
- ``embedded_statement``: its body (three paragraphs or more) quoted as a statement inside
  a new article made of an unrelated article's lead and last paragraph;
- ``paraphrase``: one sentence in five reworded the way a paraphrasing tool does (words
  swapped for synonyms from a fixed table, a clause moved to the front).

Negatives are the unrelated articles of the same sources, including articles on the same
topic: pairs of real articles naming the same entities (at least four shared capitalised
names) while sharing little text. Real articles of the pool that are themselves near
duplicates of each other (exact shingle Jaccard ≥ 0.5: Reuters carries corrections) are
labelled as duplicates too, so the gold is honest about the data.

Figures: precision, recall and F1 over duplicate pairs (two documents in the same
cluster), per edit kind the recall of its pairs, documents per second and peak traced
memory; the same for datasketch's ``MinHashLSH`` with the same shingles, permutations and
threshold on the same data in the same run (whole documents: it has no notion of parts),
and for claimscope on whole documents only. Speed is the best of ``--repeats`` timed
rounds (the methods interleaved in each round), memory a separate traced run. Floor: pair
F1 ≥ 0.90. Goal: at equal or better F1, at least twice datasketch's documents per second.
The corpus store's figures at scale are ``bench.dedup_scale``'s (kept in the same file).

Run: ``.venv/bin/python -m bench.dedup [--originals N] [--seed S] [--repeats R] [--verbose]``.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import re
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.common import RESULTS, ROOT, SHARED_DATA, harmonic_f1, write_results
from claimscope.corpus.duplicates import (
    Part,
    document_clusters,
    document_parts,
    paragraph_spans,
    part_signatures,
    shared_texts,
)
from claimscope.corpus.minhash import MinHashSettings, UnionFind, normalized_words, text_words

COMMAND = ".venv/bin/python -m bench.dedup"
FLOOR = 0.90
REUTERS = SHARED_DATA / "reuters21578" / "stories.jsonl"
WIKINEWS = SHARED_DATA / "wikinews" / "wikinews_2019.csv"
PTC = SHARED_DATA / "ptc" / "train" / "articles"
LETTERS = ROOT / "bench" / "data" / "signatories_gold.jsonl"
EDITS = (
    "reframed_lead",
    "cut_paragraphs",
    "added_paragraphs",
    "typos",
    "embedded_statement",
    "paraphrase",
)
SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "government": "administration",
    "people": "individuals", "big": "large", "large": "big", "new": "fresh", "help": "assist",
    "show": "demonstrate", "shows": "demonstrates", "country": "nation", "city": "town",
    "began": "started", "started": "began", "officials": "authorities", "because": "since",
    "however": "but", "also": "additionally", "many": "numerous", "important": "significant",
    "children": "kids", "killed": "slain", "died": "perished", "near": "close to",
    "about": "around", "after": "following", "before": "prior to", "during": "throughout",
    "percent": "per cent", "million": "millions of", "increase": "rise", "rose": "climbed",
    "fell": "dropped", "company": "firm", "companies": "firms", "week": "seven days",
}  # fmt: skip
_SENTENCE_RE = re.compile(r"[^.!?]{20,600}[.!?]")
_CAPITAL_RE = re.compile(r"\b[A-Z][a-z]{2,20}\b")


@dataclass
class Item:
    """One document of the benchmark corpus, with its group (same group = duplicates)."""

    text: str
    group: int
    kind: str
    source: str


def _paragraphs(text: str) -> list[str]:
    return [text[start:end] for start, end in paragraph_spans(text)]


def load_pool() -> list[tuple[str, str]]:
    """(source, text) of the real articles and letters the corpus is built from."""
    pool: list[tuple[str, str]] = []
    with REUTERS.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            body = record.get("body")
            if body and len(body.split()) >= 120:
                pool.append((f"reuters:{record['newid']}", body))
    csv.field_size_limit(sys.maxsize)
    with WIKINEWS.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            text = row["text"].strip()
            if len(text.split()) >= 120:
                pool.append((f"wikinews:{number}", text))
    for path in sorted(PTC.glob("article*.txt")):
        text = path.read_text(encoding="utf-8").strip()
        if len(text.split()) >= 120:
            pool.append((f"ptc:{path.stem}", text))
    return pool


def load_letters() -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(source, text, signatory line spans) of the gold sign-on letters with 5+ signatories."""
    letters = []
    for line in LETTERS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        spans = [(item["start"], item["end"]) for item in record["signatories"]]
        if len(spans) >= 5:
            letters.append((f"letter:{record['id']}", record["text"], spans))
    return letters


def _typos(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for index, word in enumerate(words):
        if len(word) > 3 and rng.random() < 1 / 30:
            position = rng.randrange(1, len(word) - 1)
            if rng.random() < 0.5:
                word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
            else:
                word = word[:position] + word[position + 1 :]
            words[index] = word
    return " ".join(words)


def _paraphrase(text: str, rng: random.Random) -> str:
    def reword(match: re.Match[str]) -> str:
        sentence = match.group()
        if rng.random() >= 0.2:
            return sentence
        words = [SYNONYMS.get(word, word) for word in sentence.split(" ")]
        sentence = " ".join(words)
        head, comma, tail = sentence.partition(", ")
        if comma and head and len(tail) > 10:
            sentence = tail[0].upper() + tail[1:].rstrip(".!?") + ", " + head[0].lower() + head[1:]
            sentence += "."
        return sentence

    return _SENTENCE_RE.sub(reword, text)


def _edit(kind: str, text: str, other: str, rng: random.Random) -> str | None:
    """The text after one edit of the given kind, or None where the edit does not apply."""
    paragraphs = _paragraphs(text)
    foreign = _paragraphs(other)
    if kind == "reframed_lead":
        if len(paragraphs) < 3 or not foreign:
            return None
        return "\n\n".join([foreign[0], *paragraphs[1:]])
    if kind == "cut_paragraphs":
        if len(paragraphs) < 4:
            return None
        cut = set(rng.sample(range(1, len(paragraphs)), max(1, len(paragraphs) // 3)))
        return "\n\n".join(p for i, p in enumerate(paragraphs) if i not in cut)
    if kind == "added_paragraphs":
        if len(foreign) < 2:
            return None
        return "\n\n".join([*paragraphs, *foreign[-2:]])
    if kind == "typos":
        return _typos(text, rng)
    if kind == "embedded_statement":
        if len(paragraphs) < 3 or len(foreign) < 2:
            return None
        return "\n\n".join(
            [foreign[0], "In a joint statement released on Monday, the groups said:"]
            + [f"“{paragraph}”" for paragraph in paragraphs]
            + [foreign[-1]]
        )
    if kind == "paraphrase":
        return _paraphrase(text, rng)
    raise ValueError(kind)


def _reordered_lines(text: str, spans: Sequence[tuple[int, int]], rng: random.Random) -> str:
    lines = [text[start:end] for start, end in spans]
    shuffled = lines[:]
    rng.shuffle(shuffled)
    pieces, position = [], 0
    for (start, end), line in zip(spans, shuffled, strict=True):
        pieces.append(text[position:start])
        pieces.append(line)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _shingles(text: str, size: int) -> set[int]:
    words = normalized_words(text)
    return {hash(tuple(words[i : i + size])) for i in range(max(1, len(words) - size + 1))}


def build_corpus(originals: int, seed: int, size: int = 5) -> list[Item]:
    """The labelled corpus: originals with their variants, and unrelated real articles."""
    rng = random.Random(seed)
    pool = load_pool()
    rng.shuffle(pool)
    # Donors give the foreign leads and paragraphs of the edits and are never in the
    # corpus themselves: a variant holding a donor's paragraph would rightly be linked to it.
    # Each donor serves one edit only, so two variants never share a donor's paragraph.
    donors = pool[: 2 * originals]
    chosen = pool[2 * originals : 3 * originals]
    rest = pool[3 * originals :]
    items: list[Item] = []
    for group, (source, text) in enumerate(chosen):
        items.append(Item(text, group, "original", source))
        for kind in rng.sample(EDITS, 2):
            other = donors.pop()[1]
            edited = _edit(kind, text, other, rng)
            if edited is not None and edited != text:
                items.append(Item(edited, group, kind, f"{source}+{kind}"))
    group = len(chosen)
    for source, text, spans in load_letters():
        items.append(Item(text, group, "original", source))
        items.append(Item(_reordered_lines(text, spans, rng), group, "reordered_lines", source))
        group += 1
    for source, text in rest:
        items.append(Item(text, group, "unrelated", source))
        group += 1
    _merge_natural_duplicates(items, size)
    return items


def _merge_natural_duplicates(items: list[Item], size: int) -> None:
    """Real articles that share text with each other are duplicates in the gold too: two
    whose whole texts, or two of whose paragraphs (25 words or more), have an exact shingle
    Jaccard of 0.5 or more share a group. Wire services re-send corrections and reuse
    paragraphs across stories; the gold must say so whatever the benchmark built."""
    pieces: list[tuple[int, set[int]]] = []
    for index, item in enumerate(items):
        if item.kind not in ("original", "unrelated"):
            continue
        pieces.append((index, _shingles(item.text, size)))
        for start, end in paragraph_spans(item.text):
            if len(normalized_words(item.text[start:end])) >= 25:
                pieces.append((index, _shingles(item.text[start:end], size)))
    by_shingle: dict[int, list[int]] = defaultdict(list)
    for number, (_, shingles) in enumerate(pieces):
        for value in shingles:
            by_shingle[value].append(number)
    overlap: Counter[tuple[int, int]] = Counter()
    for members in by_shingle.values():
        if len(members) < 50:
            overlap.update(itertools.combinations(members, 2))
    sets = UnionFind(len(items))
    for (first, second), shared in overlap.items():
        (owner, a), (other, b) = pieces[first], pieces[second]
        if owner != other and shared / len(a | b) >= 0.5:
            sets.union(owner, other)
    for members in sets.groups():
        target = items[members[0]].group
        moved = {items[index].group for index in members}
        for item in items:
            if item.group in moved:
                item.group = target


def same_topic_pairs(items: Sequence[Item], size: int = 5) -> list[tuple[int, int]]:
    """Pairs of distinct groups' articles naming 4+ of the same capitalised names while
    sharing under a tenth of their shingles: the hard negatives."""
    names = {
        index: set(_CAPITAL_RE.findall(item.text))
        for index, item in enumerate(items)
        if item.kind in ("original", "unrelated")
    }
    by_name: dict[str, list[int]] = defaultdict(list)
    for index, found in names.items():
        for name in found:
            by_name[name].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for members in by_name.values():
        if len(members) < 40:
            shared.update(itertools.combinations(members, 2))
    pairs = []
    for (first, second), count in shared.items():
        if count >= 4 and items[first].group != items[second].group:
            a, b = _shingles(items[first].text, size), _shingles(items[second].text, size)
            if len(a & b) / len(a | b) < 0.1:
                pairs.append((first, second))
    return pairs


def pairs_of(groups: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """Every unordered pair of indices inside each group."""
    return {
        (min(a, b), max(a, b))
        for group in groups
        for a, b in itertools.combinations(sorted(group), 2)
    }


def score(gold: set[tuple[int, int]], predicted: set[tuple[int, int]]) -> dict[str, float]:
    """Pair precision, recall and F1."""
    true = len(gold & predicted)
    precision = true / len(predicted) if predicted else 1.0
    recall = true / len(gold) if gold else 1.0
    f1 = harmonic_f1(precision, recall)
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _traced(run: Callable[[], list[list[int]]]) -> tuple[list[list[int]], int]:
    """The run's clusters and its peak traced memory (tracemalloc slows Python code down,
    so this run is not timed)."""
    tracemalloc.start()
    groups = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return groups, peak


def _best_seconds(runs: Mapping[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Each run's best wall time over ``repeats`` rounds, the runs interleaved in each round:
    on a shared machine the load changes from minute to minute, and the fastest of several
    runs is the one least slowed by others."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def run_claimscope(
    texts: Sequence[str], settings: MinHashSettings, whole_only: bool
) -> list[list[int]]:
    """Clusters by claimscope's part index (or whole documents only)."""
    # Each text's words are found once, for its parts and their signatures alike.
    words = [text_words(text) for text in texts]
    if whole_only:
        parts = [Part(index, "document", 0, len(text)) for index, text in enumerate(texts)]
    else:
        parts = [
            part
            for index, text in enumerate(texts)
            for part in document_parts(index, text, words=words[index])
        ]
    rows = part_signatures(texts, parts, settings, words)
    return document_clusters(len(texts), shared_texts(parts, rows, settings))


def run_datasketch(texts: Sequence[str], settings: MinHashSettings) -> list[list[int]]:
    """Clusters by datasketch's MinHashLSH over the same shingles (whole documents)."""
    from datasketch import MinHash, MinHashLSH

    shingle_sets = []
    for text in texts:
        words = normalized_words(text)
        count = max(1, len(words) - settings.shingle_words + 1)
        shingle_sets.append(
            [" ".join(words[i : i + settings.shingle_words]).encode() for i in range(count)]
        )
    hashes = MinHash.bulk(shingle_sets, num_perm=settings.permutations)
    index = MinHashLSH(threshold=settings.threshold, num_perm=settings.permutations)
    sets = UnionFind(len(texts))
    for number, minhash in enumerate(hashes):
        for other in index.query(minhash):
            if minhash.jaccard(hashes[other]) >= settings.threshold:
                sets.union(number, other)
        index.insert(number, minhash)
    return sets.groups()


def evaluate(items: Sequence[Item], settings: MinHashSettings, repeats: int = 3) -> dict[str, Any]:
    """Every figure of the benchmark on one corpus."""
    texts = [item.text for item in items]
    by_group: dict[int, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        by_group[item.group].append(index)
    gold = pairs_of(by_group.values())
    hard = same_topic_pairs(items)
    figures: dict[str, Any] = {}
    runs = {
        "claimscope": lambda: run_claimscope(texts, settings, whole_only=False),
        "claimscope_whole_documents": lambda: run_claimscope(texts, settings, whole_only=True),
        "datasketch": lambda: run_datasketch(texts, settings),
    }
    seconds = _best_seconds(runs, repeats)
    for name, run in runs.items():
        groups, peak = _traced(run)
        predicted = pairs_of(groups)
        by_kind = {}
        for kind in (*EDITS, "reordered_lines"):
            kind_pairs = {
                (min(i, j), max(i, j))
                for i, item in enumerate(items)
                if item.kind == kind
                for j in by_group[item.group]
                if items[j].kind == "original"
            }
            if kind_pairs:
                by_kind[kind] = round(len(kind_pairs & predicted) / len(kind_pairs), 4)
        figures[name] = {
            **score(gold, predicted),
            "recall_by_edit": by_kind,
            "same_topic_pairs_joined": sum(1 for pair in hard if pair in predicted),
            "documents_per_second": round(len(texts) / seconds[name], 1),
            "peak_traced_mb": round(peak / 2**20, 1),
        }
    figures["same_topic_pairs"] = len(hard)
    return figures


def _print_errors(items: Sequence[Item], settings: MinHashSettings) -> None:
    """The false links of claimscope's part index, with the parts that matched."""
    texts = [item.text for item in items]
    parts = [part for index, text in enumerate(texts) for part in document_parts(index, text)]
    for link in shared_texts(parts, part_signatures(texts, parts, settings), settings):
        first, second = items[link.first], items[link.second]
        if first.group == second.group:
            continue
        print(
            f"\nfalse link {first.source} ~ {second.source} ({link.similarity:.2f}, "
            f"{link.first_part.kind}/{link.second_part.kind})"
        )
        print("  " + first.text[link.first_part.start : link.first_part.end][:300])
        print("  " + second.text[link.second_part.start : link.second_part.end][:300])


def main() -> None:
    """Build the corpus, run the three methods, print and write bench/results/dedup.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--originals", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed rounds; the best of each method counts"
    )
    arguments = parser.parse_args()
    settings = MinHashSettings()
    items = build_corpus(arguments.originals, arguments.seed, settings.shingle_words)
    kinds = Counter(item.kind for item in items)
    figures = evaluate(items, settings, arguments.repeats)
    print(f"{len(items)} documents: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"same-topic hard negative pairs: {figures['same_topic_pairs']}")
    print(f"{'method':28} {'P':>6} {'R':>6} {'F1':>6} {'docs/s':>8} {'peak MB':>8} same-topic")
    for name in ("claimscope", "claimscope_whole_documents", "datasketch"):
        row = figures[name]
        print(
            f"{name:28} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} "
            f"{row['documents_per_second']:>8.1f} {row['peak_traced_mb']:>8.1f} "
            f"{row['same_topic_pairs_joined']}"
        )
    for name in ("claimscope", "datasketch"):
        print(f"recall by edit, {name}: {figures[name]['recall_by_edit']}")
    if arguments.verbose:
        _print_errors(items, settings)
    ours, theirs = figures["claimscope"], figures["datasketch"]
    whole = figures["claimscope_whole_documents"]
    speedup = ours["documents_per_second"] / theirs["documents_per_second"]
    whole_speedup = whole["documents_per_second"] / theirs["documents_per_second"]
    print(
        f"floor F1 {FLOOR}: {'met' if ours['f1'] >= FLOOR else 'NOT met'}; "
        f"speed against datasketch x{speedup:.2f} with parts, x{whole_speedup:.2f} on whole "
        "documents (goal x2 at equal or better F1)"
    )
    # The store's scale figures (bench.dedup_scale) are measured apart and kept.
    previous = RESULTS / "dedup.json"
    kept = (
        {"scale": json.loads(previous.read_text(encoding="utf-8"))["scale"]}
        if previous.exists() and "scale" in json.loads(previous.read_text(encoding="utf-8"))
        else {}
    )
    path = write_results(
        "dedup",
        {
            "command": COMMAND,
            "seed": arguments.seed,
            "originals": arguments.originals,
            "documents": len(items),
            "documents_by_kind": dict(sorted(kinds.items())),
            "settings": {
                "shingle_words": settings.shingle_words,
                "permutations": settings.permutations,
                "bands": settings.bands,
                "rows": settings.rows,
                "threshold": settings.threshold,
            },
            "floor_f1": FLOOR,
            "repeats": arguments.repeats,
            "speed_against_datasketch": round(speedup, 2),
            "speed_against_datasketch_whole_documents": round(whole_speedup, 2),
            **figures,
            **kept,
        },
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
