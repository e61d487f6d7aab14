"""How the check-worthiness recipe was chosen: by the out-of-time MAP, over a grid of recipes.

Every recipe is trained on ClaimBuster and the CLEF 2019 debates before
:data:`bench.checkworthiness.OUT_OF_TIME_CUTOFF` and ranks the later debates
(:func:`bench.checkworthiness.clef_out_of_time`), with names read as their type. The
grid runs in two rounds: the learner and the mix of the two data sets first
(regularisation C, ClaimBuster's and CLEF's weights, class balance), then the features
(n-gram ranges, the cues' weight) around the best of the first round. The recipe with
the highest out-of-time MAP is the shipped one; LODO and CLEF 2020 play no part in the
choice (CLEF 2020 is measured for the chosen recipe only, by ``bench.checkworthiness``).
Eleven test debates make MAP differences of a few hundredths noise (see the intervals):
where recipes tie within 0.005, the simpler one (fewer features, ClaimBuster kept) is
preferred.

Writes ``bench/results/checkworthiness_selection.json``: every recipe with its MAP,
R-precision and P@10 and their 95% intervals, and the chosen one.

Run: ``.venv/bin/python -m bench.checkworthiness_selection [--round 1|2]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from bench.checkworthiness import (
    NameCache,
    clef_out_of_time,
    recipe,
    single_core,
)
from bench.common import SHARED_DATA, write_results
from claimscope.stages.claims.checkworthiness import (
    CLAIMBUSTER_FILE,
    CLEF2019_FILE,
    FeatureSettings,
    LabelledSentence,
    TrainingSettings,
    read_claimbuster,
    read_clef2019,
)

TIE = 0.005
"""Out-of-time MAPs closer than this count as a tie (broken towards the simpler recipe)."""


# The features the first round runs on: those shipped before this selection (word 1-2
# grams), so that the grid does not depend on the defaults it sets.
START_FEATURES = FeatureSettings(word_ngrams=(1, 2), names_as_types=True)


def first_round() -> list[tuple[FeatureSettings, TrainingSettings]]:
    """The learner and the data mix, on the features shipped before."""
    features = START_FEATURES
    grid = [
        TrainingSettings(regularisation=c, clef_weight=w, claimbuster_weight=1.0)
        for c in (0.5, 1.0, 2.0, 4.0, 8.0)
        for w in (0.05, 0.2, 1.0)
    ]
    # CLEF alone: its weight only rescales C, so C alone varies.
    grid += [
        TrainingSettings(regularisation=c, clef_weight=1.0, claimbuster_weight=0.0)
        for c in (0.05, 0.2, 1.0, 4.0)
    ]
    grid += [replace(training, balanced=False) for training in grid[:15:3]]
    return [(features, training) for training in grid]


def second_round(best: TrainingSettings) -> list[tuple[FeatureSettings, TrainingSettings]]:
    """The features, with the best learner and mix of the first round."""
    base = START_FEATURES
    variants = [
        replace(base, word_ngrams=(1, 1)),
        replace(base, word_ngrams=(1, 3)),
        replace(base, char_ngrams=(3, 5)),
        replace(base, char_ngrams=(2, 4)),
        replace(base, char_ngrams=(1, 6)),
        replace(base, dense_weight=0.0),
        replace(base, dense_weight=2.0),
        replace(base, fold_digits=False),
        replace(base, char_analyzer="char"),
    ]
    return [(features, best) for features in variants]


def complexity(features: FeatureSettings, training: TrainingSettings) -> tuple[float, ...]:
    """How much a recipe adds to the simplest one: smaller is simpler (for breaking ties)."""
    return (
        features.word_ngrams[1] - features.word_ngrams[0] + features.char_ngrams[1],
        float(training.claimbuster_weight == 0.0),
        training.regularisation,
    )


def measure(
    grid: Sequence[tuple[FeatureSettings, TrainingSettings]],
    claimbuster: Sequence[LabelledSentence],
    clef: Sequence[LabelledSentence],
    names: NameCache,
) -> list[dict[str, Any]]:
    """The out-of-time figures of each recipe, printed as they come."""
    rows = []
    for features, training in grid:
        started = time.perf_counter()
        result = clef_out_of_time(clef, claimbuster, fit=recipe(features, training, names))
        row = {
            "features": asdict(features),
            "training": asdict(training),
            **{
                key: result[key]
                for key in (
                    "map",
                    "map_ci95",
                    "mean_r_precision",
                    "mean_r_precision_ci95",
                    "mean_precision_at_10",
                    "mean_precision_at_10_ci95",
                )
            },
        }
        rows.append(row)
        print(
            f"MAP {row['map']:.4f} R-prec {row['mean_r_precision']:.4f}"
            f" P@10 {row['mean_precision_at_10']:.3f}"
            f" ({time.perf_counter() - started:.0f} s)  {features}  {training}",
            flush=True,
        )
    return rows


def chosen(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The row with the best MAP; among those within TIE of it, the simplest."""
    best = max(row["map"] for row in rows)
    close = [row for row in rows if row["map"] >= best - TIE]
    return min(
        close,
        key=lambda row: complexity(
            FeatureSettings.from_json(row["features"]), TrainingSettings(**row["training"])
        ),
    )


def main(arguments: Sequence[str] | None = None) -> int:
    """Run both rounds (or one) and write bench/results/checkworthiness_selection.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    options = parser.parse_args(arguments)
    single_core()
    claimbuster = read_claimbuster(options.data / CLAIMBUSTER_FILE)
    clef = read_clef2019(options.data / CLEF2019_FILE)
    names = NameCache([sentence.text for sentence in (*claimbuster, *clef)])
    print("round 1: learner and data mix")
    first = measure(first_round(), claimbuster, clef, names)
    best_first = chosen(first)
    print("round 2: features")
    second = measure(
        second_round(TrainingSettings(**best_first["training"])), claimbuster, clef, names
    )
    best = chosen([best_first, *second])
    print(f"chosen: MAP {best['map']:.4f}  {best['features']}  {best['training']}")
    write_results(
        "checkworthiness_selection",
        {
            "command": ".venv/bin/python -m bench.checkworthiness_selection",
            "criterion": "out-of-time MAP (bench.checkworthiness.clef_out_of_time); "
            f"ties within {TIE} broken towards the simpler recipe",
            "round_1": first,
            "round_2": second,
            "chosen": best,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
