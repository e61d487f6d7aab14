"""Benchmark of the voices stage (quote attribution) on PolNeAR.

Data: ``../shared/data/polnear`` (see its SOURCE.md), split ``train`` or ``dev``. Each
article is scored against ONE annotator: the first ``.ann`` file in sorted order (18
articles have several annotators). Every article is scored: its text goes to the stages
as it is, bypassing ingestion's NFC, because PolNeAR is not fully NFC (composing the
combining marks of 23 train and 2 dev articles would shift the gold offsets).

Gold, per article and role (source, cue, content): the ``Source``/``Cue``/``Content``
text-bound annotations, deduplicated by extent (an annotator may point two events at
one span). A discontinuous annotation is scored as its full extent, first start to last
end — one annotation is one gold item, as one voice is one prediction; the ``fragments``
figures score each fragment as its own gold item instead.

Predicted: the voices of kinds direct, indirect, mixed and statement (a statement is
attributed to its issuer); narrator voices attribute nothing and are left out. Source =
``speaker_span``, cue = ``cue``, content = ``content``, each when present, deduplicated.

Figures per role, micro-averaged over articles (counts summed, then P/R/F1):

- ``exact``: start and end identical;
- ``lenient``: identical once whitespace and punctuation (quote marks included) are
  stripped from both ends of both spans;
- ``overlap``: at least one shared character, matched one-to-one, greedily by the
  largest overlap first, so one long prediction cannot match many gold spans.

Precision = matched / predicted, recall = matched / gold; every match pairs one
prediction with one gold span, so both count matches once.

Run: ``.venv/bin/python -m bench.voices [--split dev|train] [--limit N] [--verbose]``.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.common import RESULTS, SHARED_DATA, harmonic_f1, write_results
from bench.common import stage_revision as common_stage_revision
from bench.polnear import POLNEAR, Article, Extent, read_split
from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.ingestion import document_id
from claimscope.pipeline import Pipeline

COMMAND = ".venv/bin/python -m bench.voices"
FLOOR = 0.75
"""Overlap F1 the stage must reach for source and content on the full dev split."""
ROLES = ("source", "cue", "content")
GOLD_TYPES = {"source": "Source", "cue": "Cue", "content": "Content"}
ATTRIBUTED_KINDS = frozenset({"direct", "indirect", "mixed", "statement"})
MEASURES = ("exact", "lenient", "overlap")
SPLITS = ("train", "dev")
FLOOR_NOTE = {"overlap_f1": FLOOR, "roles": ["source", "content"], "split": "dev"}


def overlap_size(first: Extent, second: Extent) -> int:
    """How many characters two spans share."""
    return max(0, min(first[1], second[1]) - max(first[0], second[0]))


def overlap_matches(
    predicted: Iterable[Extent], gold: Iterable[Extent]
) -> list[tuple[Extent, Extent]]:
    """One-to-one (prediction, gold) pairs that overlap, the largest overlaps taken first."""
    candidates = [
        (overlap_size(guess, truth), guess, truth)
        for guess in sorted(set(predicted))
        for truth in sorted(set(gold))
        if overlap_size(guess, truth) > 0
    ]
    # Largest overlap first; ties go to the earlier spans, so the result is deterministic.
    candidates.sort(key=lambda candidate: (-candidate[0], candidate[1], candidate[2]))
    used_predicted: set[Extent] = set()
    used_gold: set[Extent] = set()
    pairs: list[tuple[Extent, Extent]] = []
    for _, guess, truth in candidates:
        if guess in used_predicted or truth in used_gold:
            continue
        used_predicted.add(guess)
        used_gold.add(truth)
        pairs.append((guess, truth))
    return pairs


def _is_trimmable(character: str) -> bool:
    return character.isspace() or unicodedata.category(character).startswith("P")


def trimmed(text: str, span: Extent) -> Extent:
    """The span without whitespace and punctuation at either end (itself if nothing is left)."""
    start, end = span
    while start < end and _is_trimmable(text[start]):
        start += 1
    while end > start and _is_trimmable(text[end - 1]):
        end -= 1
    return (start, end) if start < end else span


def exact_matches(predicted: Iterable[Extent], gold: Iterable[Extent]) -> int:
    """How many predicted spans equal a gold span exactly."""
    return len(set(predicted) & set(gold))


def lenient_matches(text: str, predicted: Iterable[Extent], gold: Iterable[Extent]) -> int:
    """One-to-one exact matches after trimming whitespace and punctuation off both ends."""
    predicted_keys = Counter(trimmed(text, span) for span in set(predicted))
    gold_keys = Counter(trimmed(text, span) for span in set(gold))
    return sum(min(count, gold_keys[key]) for key, count in predicted_keys.items())


@dataclass
class RoleScore:
    """Counts of one role summed over articles, with precision, recall and F1 per measure."""

    predicted: int = 0
    gold: int = 0
    matched: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))

    def add(self, text: str, predicted: Sequence[Extent], gold: Sequence[Extent]) -> None:
        """Score one article's spans of this role."""
        predicted_set, gold_set = set(predicted), set(gold)
        self.predicted += len(predicted_set)
        self.gold += len(gold_set)
        self.matched["exact"] += exact_matches(predicted_set, gold_set)
        self.matched["lenient"] += lenient_matches(text, predicted_set, gold_set)
        self.matched["overlap"] += len(overlap_matches(predicted_set, gold_set))

    def precision(self, measure: str) -> float:
        """Matched predictions over predictions (0 when nothing was predicted)."""
        return self.matched[measure] / self.predicted if self.predicted else 0.0

    def recall(self, measure: str) -> float:
        """Matched gold spans over gold spans (0 when there is no gold)."""
        return self.matched[measure] / self.gold if self.gold else 0.0

    def f1(self, measure: str) -> float:
        """The harmonic mean of precision and recall."""
        precision, recall = self.precision(measure), self.recall(measure)
        return harmonic_f1(precision, recall)

    def figures(self) -> dict[str, Any]:
        """Counts and rounded P/R/F1 per measure, as written to the results file."""
        result: dict[str, Any] = {"predicted": self.predicted, "gold": self.gold}
        for measure in MEASURES:
            result[measure] = {
                "matched": self.matched[measure],
                "precision": round(self.precision(measure), 4),
                "recall": round(self.recall(measure), 4),
                "f1": round(self.f1(measure), 4),
            }
        return result


def gold_spans(article: Article, role: str, fragments: bool = False) -> list[Extent]:
    """Gold spans of a role: full extents, or every fragment when ``fragments`` is set."""
    notes = article.of_type(GOLD_TYPES[role])
    if fragments:
        return sorted({fragment for note in notes for fragment in note.fragments})
    return sorted({note.extent for note in notes})


def predicted_spans(dossier: Dossier, role: str) -> list[Extent]:
    """Predicted spans of a role from the attributed (non-narrator) voices."""
    spans: set[Extent] = set()
    for voice in dossier.voices:
        if voice.kind not in ATTRIBUTED_KINDS:
            continue
        span = {"source": voice.speaker_span, "cue": voice.cue, "content": voice.content}[role]
        if span is not None:
            spans.add((span.start, span.end))
    return sorted(spans)


@dataclass
class Scored:
    """One article with the dossier the pipeline made of it."""

    article: Article
    dossier: Dossier


def analyse(articles: Sequence[Article], pipeline: Pipeline | None = None) -> list[Scored]:
    """Run the pipeline over the articles; return each with its dossier."""
    pipeline = pipeline or Pipeline()
    documents = []
    for article in articles:
        # The corpus text goes in as it is, bypassing ingestion's NFC: 25 PolNeAR
        # articles hold decomposed accents, and composing them would shift every gold
        # offset after them. The stages do not depend on NFC.
        text = article.text
        documents.append(
            Document(id=document_id(text), source=f"polnear/{article.name}", text=text)
        )
    dossiers = list(pipeline.pipe(documents))
    return [Scored(article, dossier) for article, dossier in zip(articles, dossiers, strict=True)]


def score(scored: Sequence[Scored], fragments: bool = False) -> dict[str, RoleScore]:
    """Role scores summed over the articles."""
    scores = {role: RoleScore() for role in ROLES}
    for item in scored:
        for role in ROLES:
            scores[role].add(
                item.article.text,
                predicted_spans(item.dossier, role),
                gold_spans(item.article, role, fragments),
            )
    return scores


@dataclass
class Measurement:
    """The scored articles of one run over a split, and how long it took."""

    split: str
    limit: int | None
    articles: list[Article]
    scored: list[Scored]
    seconds: float

    def figures(self) -> dict[str, Any]:
        """The figures of this run, as written to the results file."""
        command = f"{COMMAND} --split {self.split}" + (
            f" --limit {self.limit}" if self.limit else ""
        )
        return {
            "data": f"../{(POLNEAR / self.split).relative_to(SHARED_DATA.parent.parent)}",
            "command": command,
            "stage_revision": stage_revision(),
            "articles": len(self.scored),
            "annotator_choice": "first .ann file in sorted order per article",
            "multi_annotator_articles": sum(article.annotators > 1 for article in self.articles),
            "voices": sum(len(item.dossier.voices) for item in self.scored),
            "seconds": round(self.seconds, 3),
            "roles": {role: value.figures() for role, value in score(self.scored).items()},
            "fragments": {
                role: value.figures() for role, value in score(self.scored, fragments=True).items()
            },
        }


def stage_revision() -> str:
    """The last commit of the voices stage, marked dirty when the working tree differs."""
    return common_stage_revision("voices")


def measure(
    split: str = "dev", limit: int | None = None, pipeline: Pipeline | None = None
) -> Measurement:
    """Run the pipeline over a PolNeAR split (or its first ``limit`` articles)."""
    articles = read_split(split, limit=limit)
    started = time.perf_counter()
    scored = analyse(articles, pipeline)
    return Measurement(split, limit, articles, scored, time.perf_counter() - started)


def run(
    split: str = "dev", limit: int | None = None, pipeline: Pipeline | None = None
) -> dict[str, Any]:
    """Score the voices stage on a PolNeAR split; return the figures."""
    return measure(split, limit, pipeline).figures()


def _context(text: str, span: Extent, width: int = 60) -> str:
    start, end = span
    before = text[max(0, start - width) : start].replace("\n", " ")
    inside = text[start:end].replace("\n", " ")
    after = text[end : end + width].replace("\n", " ")
    if len(inside) > 160:
        inside = inside[:75] + " … " + inside[-75:]
    return f"…{before}[[{inside}]]{after}…"


def _quoted(text: str, span: Extent) -> str:
    return repr(text[span[0] : span[1]])


def print_examples(scored: Sequence[Scored], count: int = 8, seed: int = 0) -> None:
    """Print random false negatives, false positives and boundary errors per role."""
    chooser = random.Random(seed)
    for role in ROLES:
        missed: list[str] = []
        spurious: list[str] = []
        boundary: list[str] = []
        for item in scored:
            text = item.article.text
            predicted = predicted_spans(item.dossier, role)
            gold = gold_spans(item.article, role)
            pairs = overlap_matches(predicted, gold)
            matched_predicted = {guess for guess, _ in pairs}
            matched_gold = {truth for _, truth in pairs}
            label = item.article.name
            missed += [
                f"{label}: {_context(text, span)}" for span in gold if span not in matched_gold
            ]
            spurious += [
                f"{label}: {_context(text, span)}"
                for span in predicted
                if span not in matched_predicted
            ]
            boundary += [
                f"{label}:\n      gold {_quoted(text, truth)}\n      ours {_quoted(text, guess)}"
                for guess, truth in pairs
                if trimmed(text, guess) != trimmed(text, truth)
            ]
        for title, examples in (
            ("false negatives", missed),
            ("false positives", spurious),
            ("boundary errors", boundary),
        ):
            print(f"\n{role} {title} ({len(examples)}):")
            for example in chooser.sample(examples, min(count, len(examples))):
                print(f"    {example}")


def _table(figures: dict[str, Any]) -> str:
    lines = [
        f"{'role':8} {'pred':>6} {'gold':>6}  "
        + "  ".join(f"{measure + ' P/R/F1':>22}" for measure in MEASURES)
    ]
    for role in ROLES:
        row = figures["roles"][role]
        cells = "  ".join(
            f"{row[m]['precision']:6.3f} {row[m]['recall']:6.3f} {row[m]['f1']:6.3f}   "
            for m in MEASURES
        )
        lines.append(f"{role:8} {row['predicted']:6} {row['gold']:6}  {cells}")
    return "\n".join(lines)


def _previous_splits() -> dict[str, Any]:
    """The figures of the other splits already in the results file, kept across runs."""
    path = RESULTS / "voices.json"
    if not path.exists():
        return {}
    previous = json.loads(path.read_text(encoding="utf-8"))
    return {split: previous[split] for split in SPLITS if split in previous}


def main() -> None:
    """Run the benchmark, print the table and write bench/results/voices.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--limit", type=int, default=None, help="score the first N articles")
    parser.add_argument("--verbose", action="store_true", help="print errors with context")
    arguments = parser.parse_args()
    measurement = measure(arguments.split, arguments.limit)
    figures = measurement.figures()
    print(_table(figures))
    print(f"{figures['articles']} articles, {figures['voices']} voices, {figures['seconds']} s")
    if arguments.verbose:
        print_examples(measurement.scored)
    if arguments.limit is not None:
        # A partial run must not replace the figures of a whole split.
        print("not written: --limit runs are for development")
        return
    path = write_results(
        "voices", {**_previous_splits(), arguments.split: figures, "floor": FLOOR_NOTE}
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
