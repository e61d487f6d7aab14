"""Benchmark of the persuasion-technique models on PTC dev (SemEval-2020 Task 11).

Data: ``../shared/data/ptc/dev`` (the first 45 articles of the official dev set; see its
SOURCE.md). The shipped models were trained on ``ptc/train`` only, so dev is held out.

Figures (definitions in ``claimscope.stages.techniques.scoring``, after the official scorers):

- SI: precision, recall and F1 with partial overlap of the spans the SI model finds in each
  dev article, against the dev SI gold;
- TC: micro-F1 (the task's official TC measure) and F1 per technique of the techniques the
  TC model gives to the gold TC spans, fed through ``score_span_lines`` exactly as
  ``claimscope score techniques`` reads them;
- end to end: partial-overlap precision, recall and F1 of ``find_techniques`` (SI then TC)
  where a span counts only with the right technique;
- speed: articles per second of ``find_techniques`` on one process; with ``--train``, the
  seconds that training both models from ``ptc/train`` takes (the models measured are then
  the freshly trained ones, which are identical to the shipped ones for the same data).

Floors: TC micro-F1 at least 0.55, SI F1 at least 0.35; the command exits 1 below them.

Run: ``.venv/bin/python -m bench.techniques [--train]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import SHARED_DATA, write_results
from bench.ptc import (
    TECHNIQUES,
    end_to_end_scores,
    read_split,
    si_scores,
    tc_micro_f1,
    tc_per_technique_f1,
)
from claimscope.stages.techniques.chain import find_techniques, score_span_lines
from claimscope.stages.techniques.classification import SpanClassifier
from claimscope.stages.techniques.identification import SpanIdentifier
from claimscope.stages.techniques.training import train_techniques

COMMAND = ".venv/bin/python -m bench.techniques"
FLOORS = {"tc_micro_f1": 0.55, "si_f1": 0.35}


def run(
    data_dir: Path = SHARED_DATA, models_dir: Path | None = None, limit: int | None = None
) -> dict[str, Any]:
    """The figures on PTC dev for the models in a directory (the packaged ones by default)."""
    split_dir = data_dir / "ptc" / "dev"
    articles = read_split(split_dir)[:limit]
    identifier = SpanIdentifier.load(models_dir)
    classifier = SpanClassifier.load(models_dir)

    gold_lines = [
        f"{article.article_id}\t{start}\t{end}"
        for article in articles
        for _, start, end in article.techniques
    ]
    predicted_techniques: dict[int, list[tuple[str, int, int]]] = {}
    for line in score_span_lines(split_dir / "articles", gold_lines, classifier):
        article_id, technique, start, end = line.split("\t")
        predicted_techniques.setdefault(int(article_id), []).append(
            (technique, int(start), int(end))
        )
    gold_techniques = {article.article_id: article.techniques for article in articles}
    tc = tc_micro_f1(predicted_techniques, gold_techniques)

    began = time.perf_counter()
    found = {
        article.article_id: find_techniques(article.text, identifier, classifier)
        for article in articles
    }
    seconds = time.perf_counter() - began
    si = si_scores(
        {key: [(item.start, item.end) for item in items] for key, items in found.items()},
        {article.article_id: article.spans for article in articles},
    )
    end_to_end = end_to_end_scores(
        {
            key: [(item.technique, item.start, item.end) for item in items]
            for key, items in found.items()
        },
        gold_techniques,
    )
    return {
        "data": "ptc/dev",
        "articles": len(articles),
        "gold_si_spans": sum(len(article.spans) for article in articles),
        "gold_tc_spans": len(gold_lines),
        "predicted_spans": sum(len(items) for items in found.values()),
        "si": si.as_dict(),
        "tc_micro_f1": round(tc.f1, 4),
        "tc_per_technique_f1": {
            technique: round(value, 4)
            for technique, value in tc_per_technique_f1(
                predicted_techniques, gold_techniques
            ).items()
        },
        "end_to_end": end_to_end.as_dict(),
        "find_seconds": round(seconds, 3),
        "articles_per_second": round(len(articles) / seconds, 2) if seconds else None,
    }


def floor_failures(figures: dict[str, Any]) -> list[str]:
    """The floored figures below their floor, as 'name value < floor' strings."""
    values = {"tc_micro_f1": figures["tc_micro_f1"], "si_f1": figures["si"]["f1"]}
    return [
        f"{name} {values[name]:.3f} < {floor}"
        for name, floor in FLOORS.items()
        if values[name] < floor
    ]


def _table(figures: dict[str, Any]) -> str:
    lines = [
        f"PTC dev: {figures['articles']} articles, {figures['gold_si_spans']} SI spans,"
        f" {figures['gold_tc_spans']} TC spans; {figures['predicted_spans']} spans found",
        f"{'figure':<40}{'P':>8}{'R':>8}{'F1':>8}  floor",
    ]
    for name, key, floor in (
        ("SI (partial overlap)", "si", "0.35"),
        ("end to end", "end_to_end", ""),
    ):
        row = figures[key]
        lines.append(
            f"{name:<40}{row['precision']:>8.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}  {floor}"
        )
    lines.append(f"{'TC micro-F1':<56}{figures['tc_micro_f1']:>8.3f}  0.55")
    for technique in TECHNIQUES:
        lines.append(f"  {technique:<54}{figures['tc_per_technique_f1'][technique]:>8.3f}")
    lines.append(f"{'articles/s (find_techniques)':<56}{figures['articles_per_second']:>8.2f}")
    if figures.get("training_seconds") is not None:
        lines.append(f"{'training seconds':<56}{figures['training_seconds']:>8.1f}")
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--train", action="store_true", help="retrain both models first and time the training"
    )
    arguments = parser.parse_args()
    training_seconds: float | None = None
    command = COMMAND + (" --train" if arguments.train else "")
    if arguments.train:
        with tempfile.TemporaryDirectory() as directory:
            began = time.perf_counter()
            train_techniques(SHARED_DATA, Path(directory))
            training_seconds = round(time.perf_counter() - began, 1)
            figures = run(models_dir=Path(directory))
    else:
        figures = run()
    figures = {"command": command, "models": "trained on ptc/train only", **figures}
    figures["training_seconds"] = training_seconds
    failures = floor_failures(figures)
    figures["floors"] = {**FLOORS, "met": not failures}
    print(_table(figures))
    print(f"written to {write_results('techniques', figures)}")
    if failures:
        print(f"below the floors: {', '.join(failures)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
