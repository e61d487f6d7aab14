"""PTC (SemEval-2020 Task 11) for the benchmarks: its articles and labels, and the task's scores.

The reader and the scorers live in the package (training chooses its settings with the same
SI score that the benchmark reports); see ``claimscope.stages.techniques.scoring`` for the
definitions, checked against the task's official scorers.
"""

from __future__ import annotations

from claimscope.stages.techniques.corpus import TECHNIQUES, Article, read_split
from claimscope.stages.techniques.scoring import (
    Scores,
    end_to_end_scores,
    merge_overlapping,
    si_scores,
    tc_micro_f1,
    tc_per_technique_f1,
)

__all__ = [
    "TECHNIQUES",
    "Article",
    "Scores",
    "end_to_end_scores",
    "merge_overlapping",
    "read_split",
    "si_scores",
    "tc_micro_f1",
    "tc_per_technique_f1",
]
