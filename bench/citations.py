"""Benchmark of the citations stage on a hand-annotated gold set.

Data: ``bench/data/citations_gold.jsonl`` (in the repository; guidelines, sources and
counts in ``bench/data/CITATIONS_GOLD.md``). One line per excerpt: ``id``, ``source``,
``published`` (ISO date of the article, or null), ``text`` and its ``citations``, each
with ``start``/``end`` (end exclusive), the covered ``text`` and the fields ``kind``,
``issuer``, ``date``, ``date_inferred``, ``number``, ``pinpoint`` and ``title``. About a
fifth of the excerpts hold no citation at all, so false positives are measured too.

Each excerpt is analysed as its own document by the default pipeline, with the
publication date as a hint (year-less dates resolve against it) and, for the PolNeAR
excerpts, the country hint "US": PolNeAR is a corpus of US political news, and a user
analysing such a corpus says so with ``--country US``, as its articles do in their full
text. An excerpt of one to three sentences has lost the article around it; without the
hint "the Supreme Court" there has no state. The issuer accuracy without any country
hint is reported too (``issuer_without_country_hint``). Excerpts are NFC, so
ingestion leaves them unchanged; a row whose text ingestion would change is an error of
the gold set and stops the run, since its offsets would no longer hold.

Figures:

- spans: precision, recall and F1 of ``dossier.citations`` against the gold spans,
  matched one-to-one when they share at least one character, greedily by the largest
  overlap first (so one long prediction cannot match two gold citations);
- fields: on the matched pairs, the share whose field agrees. ``issuer`` is compared
  case-insensitively after whitespace folding; the other fields after whitespace folding
  only; null == null counts as agreement;
- per kind: gold count and recall per gold kind.

Floors: span F1 and the accuracy of ``kind``, ``issuer`` and ``date`` at least 0.85.
Until a ``citations`` stage is registered in the default pipeline, every figure is 0.

Run: ``.venv/bin/python -m bench.citations [--verbose]``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, harmonic_f1, write_results
from bench.common import stage_revision as common_stage_revision
from claimscope.document import Hints
from claimscope.dossier import Citation
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline, default_stages
from claimscope.stages.citations import issuer_table

GOLD = ROOT / "bench" / "data" / "citations_gold.jsonl"
COMMAND = ".venv/bin/python -m bench.citations"
FLOOR = 0.85
FLOORED = ("span_f1", "kind", "issuer", "date")
"""The figures that must reach FLOOR once the stage exists."""
KINDS = frozenset(
    {
        "court_judgment",
        "court_order",
        "advisory_opinion",
        "resolution",
        "treaty",
        "constitution",
        "law",
        "report",
        "official_statement",
        "other",
    }
)
FIELDS = ("kind", "issuer", "date", "date_inferred", "number", "pinpoint", "title")
CASE_INSENSITIVE_FIELDS = frozenset({"issuer"})


@dataclass(frozen=True)
class GoldCitation:
    """One annotated citation of an excerpt."""

    start: int
    end: int
    text: str
    kind: str
    issuer: str | None
    date: str | None
    date_inferred: bool
    number: str | None
    pinpoint: str | None
    title: str | None


@dataclass(frozen=True)
class Excerpt:
    """One annotated excerpt: its text, where it comes from and its citations."""

    id: str
    source: str
    published: str | None
    text: str
    citations: tuple[GoldCitation, ...]


def read_gold(path: Path = GOLD) -> list[Excerpt]:
    """The excerpts of the gold file, in file order."""
    excerpts: list[Excerpt] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            citations = tuple(
                GoldCitation(
                    start=item["start"],
                    end=item["end"],
                    text=item["text"],
                    kind=item["kind"],
                    issuer=item["issuer"],
                    date=item["date"],
                    date_inferred=item["date_inferred"],
                    number=item["number"],
                    pinpoint=item["pinpoint"],
                    title=item["title"],
                )
                for item in row["citations"]
            )
            excerpts.append(
                Excerpt(
                    id=row["id"],
                    source=row["source"],
                    published=row["published"],
                    text=row["text"],
                    citations=citations,
                )
            )
    return excerpts


def stage_registered() -> bool:
    """Whether the default pipeline has a ``citations`` stage."""
    return any(stage.name == "citations" for stage in default_stages())


def stage_revision() -> str:
    """The last commit of the citations stage, marked dirty when the working tree differs."""
    return common_stage_revision("citations")


def overlap_size(first: tuple[int, int], second: tuple[int, int]) -> int:
    """Characters two half-open spans share (0 when disjoint)."""
    return max(0, min(first[1], second[1]) - max(first[0], second[0]))


def overlap_matches(
    predicted: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Pairs (predicted index, gold index), one-to-one, greedily by the largest overlap.

    Ties go to the earlier gold span, then the earlier prediction, so the result does not
    depend on dictionary or set order.
    """
    candidates = sorted(
        (
            (-overlap_size(prediction, reference), gold_index, predicted_index)
            for predicted_index, prediction in enumerate(predicted)
            for gold_index, reference in enumerate(gold)
            if overlap_size(prediction, reference) > 0
        ),
    )
    used_predicted: set[int] = set()
    used_gold: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, gold_index, predicted_index in candidates:
        if predicted_index in used_predicted or gold_index in used_gold:
            continue
        used_predicted.add(predicted_index)
        used_gold.add(gold_index)
        pairs.append((predicted_index, gold_index))
    return sorted(pairs, key=lambda pair: pair[1])


def _folded(value: object, case_insensitive: bool) -> object:
    if not isinstance(value, str):
        return value
    folded = " ".join(value.split())
    return folded.casefold() if case_insensitive else folded


def field_agrees(name: str, predicted: object, gold: object) -> bool:
    """Whether a predicted field equals the gold one (null == null agrees).

    Issuers also agree when both are names of one body in the issuer tables ("NATO" and
    "North Atlantic Treaty Organization"): the field names the body, not a spelling.
    """
    case_insensitive = name in CASE_INSENSITIVE_FIELDS
    if _folded(predicted, case_insensitive) == _folded(gold, case_insensitive):
        return True
    if name == "issuer" and isinstance(predicted, str) and isinstance(gold, str):
        table = issuer_table()
        predicted_body, gold_body = table.lookup(predicted), table.lookup(gold)
        return predicted_body is not None and predicted_body == gold_body
    return False


@dataclass
class Score:
    """Counts summed over excerpts, with the errors kept for --verbose."""

    predicted: int = 0
    gold: int = 0
    matched: int = 0
    field_hits: Counter[str] = field(default_factory=Counter)
    gold_by_kind: Counter[str] = field(default_factory=Counter)
    matched_by_kind: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def add(self, excerpt: Excerpt, predicted: Sequence[Citation]) -> None:
        """Score the predictions of one excerpt."""
        gold = excerpt.citations
        self.predicted += len(predicted)
        self.gold += len(gold)
        for citation in gold:
            self.gold_by_kind[citation.kind] += 1
        pairs = overlap_matches(
            [(citation.start, citation.end) for citation in predicted],
            [(citation.start, citation.end) for citation in gold],
        )
        self.matched += len(pairs)
        for predicted_index, gold_index in pairs:
            prediction, reference = predicted[predicted_index], gold[gold_index]
            self.matched_by_kind[reference.kind] += 1
            for name in FIELDS:
                ours, theirs = getattr(prediction, name), getattr(reference, name)
                if field_agrees(name, ours, theirs):
                    self.field_hits[name] += 1
                else:
                    self.errors.append(
                        f"{excerpt.id} field {name}: gold {theirs!r} got {ours!r}"
                        f" on {reference.text!r}"
                    )
        matched_predicted = {pair[0] for pair in pairs}
        matched_gold = {pair[1] for pair in pairs}
        for index, prediction in enumerate(predicted):
            if index not in matched_predicted:
                self.errors.append(
                    f"{excerpt.id} spurious {prediction.kind} {prediction.text!r}"
                    f" [{prediction.start}:{prediction.end}]"
                )
        for index, reference in enumerate(gold):
            if index not in matched_gold:
                self.errors.append(
                    f"{excerpt.id} missed {reference.kind} {reference.text!r}"
                    f" [{reference.start}:{reference.end}]"
                )

    @property
    def precision(self) -> float:
        """Matched over predicted (0 when nothing was predicted)."""
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Matched over gold (0 when there is no gold)."""
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        return harmonic_f1(self.precision, self.recall)

    def accuracy(self, name: str) -> float:
        """Share of matched pairs whose field agrees (0 when nothing matched)."""
        return self.field_hits[name] / self.matched if self.matched else 0.0

    def figures(self) -> dict[str, Any]:
        """The figures as JSON-ready numbers."""
        return {
            "predicted": self.predicted,
            "gold": self.gold,
            "matched": self.matched,
            "span_precision": round(self.precision, 4),
            "span_recall": round(self.recall, 4),
            "span_f1": round(self.f1, 4),
            "fields": {name: round(self.accuracy(name), 4) for name in FIELDS},
            "per_kind": {
                kind: {
                    "gold": count,
                    "recall": round(self.matched_by_kind[kind] / count, 4),
                }
                for kind, count in sorted(self.gold_by_kind.items())
            },
        }


def score(excerpts: Sequence[Excerpt], predictions: Sequence[Sequence[Citation]]) -> Score:
    """Score the predicted citations of each excerpt against its gold citations."""
    result = Score()
    for excerpt, predicted in zip(excerpts, predictions, strict=True):
        result.add(excerpt, predicted)
    return result


# The state each corpus is about, as a user analysing it would give with --country.
CORPUS_COUNTRY = {"polnear": "US"}


def corpus_country(excerpt: Excerpt) -> str | None:
    """The country hint for an excerpt: its corpus's, when the corpus is about one state."""
    return CORPUS_COUNTRY.get(excerpt.source.split("/", 1)[0])


def analyse(
    excerpts: Sequence[Excerpt], pipeline: Pipeline | None = None, country_hints: bool = True
) -> list[list[Citation]]:
    """The citations the default pipeline finds in each excerpt."""
    pipeline = pipeline or Pipeline()
    documents = []
    for excerpt in excerpts:
        hints = Hints(
            published=excerpt.published,
            country=corpus_country(excerpt) if country_hints else None,
        )
        document = make_document(excerpt.text, excerpt.id, hints=hints)
        if document.text != excerpt.text:
            raise ValueError(f"{excerpt.id}: ingestion changes the excerpt; gold offsets break")
        documents.append(document)
    return [list(dossier.citations) for dossier in pipeline.pipe(documents)]


def floor_failures(figures: dict[str, Any]) -> list[str]:
    """The floored figures below FLOOR, as 'name value' strings."""
    values = {"span_f1": figures["span_f1"], **figures["fields"]}
    return [f"{name} {values[name]}" for name in FLOORED if values[name] < FLOOR]


def run(path: Path = GOLD) -> tuple[dict[str, Any], Score]:
    """Analyse and score the gold set; return the figures and the detailed score."""
    excerpts = read_gold(path)
    registered = stage_registered()
    started = time.perf_counter()
    predictions = analyse(excerpts)
    elapsed = time.perf_counter() - started
    result = score(excerpts, predictions)
    without_hints = score(excerpts, analyse(excerpts, country_hints=False))
    figures: dict[str, Any] = {
        "data": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "command": COMMAND,
        "stage_registered": registered,
        "stage_revision": stage_revision() if registered else None,
        "excerpts": len(excerpts),
        "excerpts_without_citation": sum(1 for excerpt in excerpts if not excerpt.citations),
        "seconds": round(elapsed, 3),
        **result.figures(),
        "issuer_without_country_hint": without_hints.figures()["fields"]["issuer"],
        "floor": {"value": FLOOR, "figures": list(FLOORED)},
    }
    return figures, result


def _table(figures: dict[str, Any]) -> str:
    lines = [
        f"excerpts {figures['excerpts']} ({figures['excerpts_without_citation']} without"
        f" citation), gold {figures['gold']}, predicted {figures['predicted']},"
        f" matched {figures['matched']}"
        + ("" if figures["stage_registered"] else "  [no citations stage registered]"),
        f"{'figure':<16}{'value':>8}  floor",
        f"{'span precision':<16}{figures['span_precision']:>8.3f}",
        f"{'span recall':<16}{figures['span_recall']:>8.3f}",
        f"{'span F1':<16}{figures['span_f1']:>8.3f}  {FLOOR}",
    ]
    for name, value in figures["fields"].items():
        floor = f"  {FLOOR}" if name in FLOORED else ""
        lines.append(f"{name:<16}{value:>8.3f}{floor}")
    lines.append(f"{'issuer, no hint':<16}{figures['issuer_without_country_hint']:>8.3f}")
    lines.append(f"{'kind':<20}{'gold':>6}{'recall':>8}")
    for kind, row in figures["per_kind"].items():
        lines.append(f"{kind:<20}{row['gold']:>6}{row['recall']:>8.3f}")
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="list every error")
    arguments = parser.parse_args()
    figures, result = run()
    print(_table(figures))
    if arguments.verbose:
        print("\n".join(result.errors))
    failures = floor_failures(figures)
    if failures:
        print(f"below the {FLOOR} floor: {', '.join(failures)}")
    print(f"written to {write_results('citations', figures)}")


if __name__ == "__main__":
    main()
