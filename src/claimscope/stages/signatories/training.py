"""Training the signatory field tagger on the hand-annotated gold set.

``claimscope train signatories --data bench/data`` reads ``signatories_gold.jsonl`` (the
gold set kept in the repository, see ``bench/data/SIGNATORIES_GOLD.md``), labels the
tokens of each entry's visible text by finding the annotated values in it, trains a
linear-chain CRF with python-crfsuite (L-BFGS, fixed settings: deterministic), measures
it by leave-one-letter-out cross-validation (each letter tagged by a model trained on the
others, fields compared as the benchmark compares them), and saves the weights as the
``signatories_fields`` artefact (numpy arrays + JSON, with the figures).

Entries in a table whose header names the columns are read by the header, not by the
tagger, and are left out of its training. python-crfsuite is needed here only (the
``train`` extra); tagging uses the saved weights.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimscope.artefacts import save_artefact
from claimscope.gazetteer import Gazetteer, default_gazetteer
from claimscope.stages.signatories.fields import assemble
from claimscope.stages.signatories.tagger import (
    LABELS,
    MODEL_NAME,
    Layout,
    Tagger,
    Token,
    features,
    fixed_kinds,
    layout,
    layouts,
    tokenize,
)
from claimscope.text.lists import Block, Tables, by_header, find_blocks, load_tables
from claimscope.text.markup import Visible, visible

GOLD_FILE = "signatories_gold.jsonl"
FIELD_KINDS = {"person": "PER", "role": "ROLE", "organization": "ORG", "acronym": "ACR"}
SCORED = ("person", "role", "organization", "acronym", "country", "url")
# Word and suffix features are kept only when seen in this many letters, and the
# settings below were chosen, by leave-one-letter-out cross-validation of the tagger with
# the rules (micro field F1; in-sample figures were not looked at): min letters 2 / 3 / 4
# gave 0.915 / 0.917 / 0.916 at c1 0.1, c2 0.02; c1, c2 of 0.05, 0.01 / 0.1, 0.02 /
# 0.3, 0.05 / 1.0, 0.05 / 2.0, 0.05 gave 0.915 / 0.917 / 0.917 / 0.922 / 0.922.
MIN_LETTERS = 3
# Whether the rules' constraints (rules.py) apply when the tagger is measured, as they do
# in the stage.
RULES = True
_LEXICAL = ("w=", "suffix=")
# L1 keeps the model small and drops what one letter alone supports; L2 smooths.
SETTINGS: dict[str, Any] = {
    "c1": 1.0,
    "c2": 0.05,
    "max_iterations": 300,
    "feature.possible_transitions": True,
}


@dataclass(frozen=True)
class Example:
    """One gold entry as the tagger sees it: visible text, tokens, features, labels."""

    letter: str
    shown: Visible
    tokens: list[Token]
    features: list[list[str]]
    labels: list[str] | None
    gold: dict[str, str | None]
    fixed: list[frozenset[str] | None]


def _find(haystack: str, needle: str, taken: list[bool]) -> tuple[int, int] | None:
    """The first occurrence of ``needle`` (case-insensitive) on characters not yet labelled."""
    folded_haystack, folded_needle = haystack.lower(), " ".join(needle.lower().split())
    if len(folded_haystack) != len(haystack) or not folded_needle:
        return None
    start = folded_haystack.find(folded_needle)
    while start != -1:
        end = start + len(folded_needle)
        if not any(taken[start:end]):
            return start, end
        start = folded_haystack.find(folded_needle, start + 1)
    return None


def _label(
    shown: str, tokens: Sequence[Token], gold: dict[str, str | None], gazetteer: Gazetteer
) -> list[str] | None:
    """BIO labels of the tokens from the annotated values; None when a value is not found."""
    taken = [False] * len(shown)
    kinds: list[str | None] = [None] * len(tokens)
    ranges: list[tuple[str, int, int]] = []
    for name, kind in FIELD_KINDS.items():
        value = gold.get(name)
        if value is None:
            continue
        parts = [value] if name == "person" else [part for part in value.split("; ") if part]
        for part in parts:
            found = _find(shown, part, taken)
            if found is None:
                return None
            for position in range(*found):
                taken[position] = True
            ranges.append((kind, *found))
    for kind, start, end in ranges:
        for index, token in enumerate(tokens):
            if start <= token.start and token.end <= end:
                kinds[index] = f"{kind}:{start}"
    country = gold.get("country")
    if country is not None:
        for index, token in enumerate(tokens):
            if kinds[index] is not None or not token.text[:1].isupper():
                continue
            for size in (3, 2, 1):
                window = tokens[index : index + size]
                if len(window) < size or any(kinds[index + step] for step in range(size)):
                    continue
                phrase = shown[window[0].start : window[-1].end]
                if gazetteer.country(phrase) == country or (
                    size == 1
                    and any(
                        reading.kind in ("city", "subdivision") and reading.country == country
                        for reading in gazetteer.readings(phrase)
                    )
                ):
                    for step in range(size):
                        kinds[index + step] = f"CTRY:{index}"
                    break
    labels: list[str] = []
    previous: str | None = None
    for marked in kinds:
        if marked is None:
            labels.append("O")
        else:
            name = marked.split(":", 1)[0]
            labels.append(f"{'I' if marked == previous else 'B'}-{name}")
        previous = marked
    return labels


def _entry_layouts(
    blocks: Sequence[Block], tables: Tables, gazetteer: Gazetteer
) -> list[tuple[int, int, Layout]]:
    """Each found entry's span and layout, computed as the stage computes them."""
    result: list[tuple[int, int, Layout]] = []
    for block in blocks:
        for entry, shared in zip(
            block.entries, layouts(block.entries, tables, gazetteer), strict=True
        ):
            result.append((entry.row.start, entry.row.end, shared))
    return result


def read_examples(path: Path, tables: Tables, gazetteer: Gazetteer) -> list[Example]:
    """The gold entries the tagger reads (table rows under a naming header left out).

    Each entry gets the layout of the entries under the same label of the block the
    block finder puts it in, as in the stage; an entry outside every found block gets
    the layout of its letter's other such entries.
    """
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            text = row["text"]
            rows, blocks = find_blocks(text, 0, len(text))
            headed = [
                range(entry.row.start, entry.row.end + 1)
                for block in blocks
                for entry in block.entries
                if by_header(entry)
            ]
            found = _entry_layouts(blocks, tables, gazetteer)
            entries = []
            for signatory in row["signatories"]:
                start, end = signatory["start"], signatory["end"]
                if any(start in span for span in headed):
                    continue
                entries.append((signatory, _row_visible(text, start, end, rows)))
            loose = layout(
                [
                    shown.text
                    for signatory, shown in entries
                    if _layout_at(found, signatory["start"], signatory["end"]) is None
                ],
                tables,
                gazetteer,
            )
            for signatory, shown in entries:
                tokens = tokenize(shown.text)
                gold = {name: signatory.get(name) for name in SCORED}
                links = [(link.start, link.end) for link in shown.links]
                shared = _layout_at(found, signatory["start"], signatory["end"]) or loose
                examples.append(
                    Example(
                        letter=row["id"],
                        shown=shown,
                        tokens=tokens,
                        features=features(shown.text, tokens, links, tables, gazetteer, shared),
                        labels=_label(shown.text, tokens, gold, gazetteer),
                        gold=gold,
                        fixed=fixed_kinds(shown.text, tokens, tables, gazetteer, shared),
                    )
                )
    return examples


def _layout_at(found: Sequence[tuple[int, int, Layout]], start: int, end: int) -> Layout | None:
    """The layout of the found entry that overlaps a gold span."""
    for entry_start, entry_end, shared in found:
        if entry_start < end and start < entry_end:
            return shared
    return None


def _row_visible(text: str, start: int, end: int, rows: Sequence[Any]) -> Visible:
    """The visible text of a gold span: the block finder's row when it is the same span."""
    for row in rows:
        if row.start == start and row.end == end:
            shown: Visible = row.visible
            return shown
    return visible(text, start, end)


def _without_offset(feature: str) -> str:
    """A neighbour's feature ("-1:w=of") as the token's own ("w=of")."""
    for prefix in ("-2:", "-1:", "1:", "2:"):
        if feature.startswith(prefix):
            return feature[len(prefix) :]
    return feature


def common_words(examples: Sequence[Example], min_letters: int) -> set[str]:
    """The word and suffix features seen in at least ``min_letters`` different letters.

    A word seen in one letter only (a signer's surname, an employer that letter's signers
    share) teaches the model that letter, not the layout of the next one.
    """
    letters: dict[str, set[str]] = {}
    for example in examples:
        for row in example.features:
            for feature in row:
                if feature.startswith(_LEXICAL):
                    letters.setdefault(feature, set()).add(example.letter)
    return {feature for feature, seen in letters.items() if len(seen) >= min_letters}


def _kept(row: Sequence[str], common: set[str]) -> list[str]:
    return [
        feature
        for feature in row
        if not _without_offset(feature).startswith(_LEXICAL) or _without_offset(feature) in common
    ]


def train_tagger(
    examples: Sequence[Example],
    settings: dict[str, Any] | None = None,
    min_letters: int = MIN_LETTERS,
) -> Tagger:
    """A tagger trained on the labelled examples (deterministic: L-BFGS, fixed settings)."""
    import pycrfsuite

    common = common_words(examples, min_letters)
    trainer = pycrfsuite.Trainer(verbose=False)
    for example in examples:
        if example.labels is not None and example.tokens:
            trainer.append([_kept(row, common) for row in example.features], example.labels)
    trainer.set_params(settings or SETTINGS)
    with tempfile.TemporaryDirectory() as folder:
        model = str(Path(folder) / "model.crfsuite")
        trainer.train(model)
        reader = pycrfsuite.Tagger()
        reader.open(model)
        info = reader.info()
        reader.close()
    return Tagger.from_weights(info.state_features, info.transitions, LABELS)


def _fold(value: str | None) -> str | None:
    return None if value is None else " ".join(value.split()).casefold()


def score_examples(
    examples: Sequence[Example],
    predicted: Sequence[dict[str, str | None]],
) -> dict[str, dict[str, float | int]]:
    """Per-field precision, recall and F1 of predicted fields against the gold values."""
    figures: dict[str, dict[str, float | int]] = {}
    totals = [0, 0, 0]
    for name in SCORED:
        tp = sum(
            1
            for example, guess in zip(examples, predicted, strict=True)
            if guess.get(name) is not None
            and example.gold.get(name) is not None
            and _fold(guess.get(name)) == _fold(example.gold.get(name))
        )
        made = sum(1 for guess in predicted if guess.get(name) is not None)
        gold = sum(1 for example in examples if example.gold.get(name) is not None)
        figures[name] = _prf(tp, made, gold)
        totals = [totals[0] + tp, totals[1] + made, totals[2] + gold]
    figures["micro"] = _prf(*totals)
    return figures


def _prf(tp: int, made: int, gold: int) -> dict[str, float | int]:
    precision = tp / made if made else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "predicted": made,
        "gold": gold,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def predict(
    tagger: Tagger, examples: Sequence[Example], tables: Tables, gazetteer: Gazetteer
) -> list[dict[str, str | None]]:
    """The fields the tagger gives each example."""
    results: list[dict[str, str | None]] = []
    for example in examples:
        labels = tagger.tag(example.features, example.fixed if RULES else None)
        fields = assemble(
            example.shown.text, example.tokens, labels, example.shown.links, gazetteer, tables
        )
        results.append({name: getattr(fields, name) for name in SCORED})
    return results


def cross_validate(
    examples: Sequence[Example], tables: Tables, gazetteer: Gazetteer
) -> dict[str, dict[str, float | int]]:
    """Leave-one-letter-out: each letter's entries tagged by a model trained on the others."""
    letters = sorted({example.letter for example in examples})
    predicted: dict[int, dict[str, str | None]] = {}
    for letter in letters:
        held = [index for index, example in enumerate(examples) if example.letter == letter]
        tagger = train_tagger([example for example in examples if example.letter != letter])
        for index, guess in zip(
            held,
            predict(tagger, [examples[index] for index in held], tables, gazetteer),
            strict=True,
        ):
            predicted[index] = guess
    return score_examples(examples, [predicted[index] for index in range(len(examples))])


def train_signatories(data_dir: Path, out_dir: Path, seed: int = 13) -> dict[str, Any]:
    """Train on ``DATA/signatories_gold.jsonl``, cross-validate, save the artefact; figures."""
    tables = load_tables()
    gazetteer = default_gazetteer()
    path = data_dir / GOLD_FILE
    examples = read_examples(path, tables, gazetteer)
    labelled = [example for example in examples if example.labels is not None]
    # L-BFGS is deterministic; the seed is recorded for the command's uniform interface.
    cv = cross_validate(examples, tables, gazetteer)
    tagger = train_tagger(examples)
    in_sample = score_examples(examples, predict(tagger, examples, tables, gazetteer))
    arrays, attributes = tagger.arrays()
    metrics = {
        "entries": len(examples),
        "entries_labelled": len(labelled),
        "letters": len({example.letter for example in examples}),
        "cv_leave_one_letter_out": cv,
        "in_sample": in_sample,
    }
    save_artefact(
        out_dir,
        MODEL_NAME,
        arrays,
        {
            "data": f"{path.parent.name}/{path.name}",
            "seed": seed,
            "settings": SETTINGS,
            "labels": list(tagger.labels),
            "attributes": attributes,
            "metrics": metrics,
        },
    )
    return metrics
