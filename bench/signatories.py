"""Benchmark of the signatories stage on hand-annotated open letters and joint statements.

Data: ``bench/data/signatories_gold.jsonl`` (in the repository; guidelines, sources with
their licences and counts per layout in ``bench/data/SIGNATORIES_GOLD.md``). One line per
letter: ``id``, ``source`` (repository:path@commit), ``licence``, ``layouts`` (tags),
``document_is_letter``, ``headline``, ``text`` (an excerpt: title, opening, signature
heading and at most about 40 signatory entries, exactly as in the source) and its
``signatories``, each with ``start``/``end`` (end exclusive) and the fields ``person``,
``role``, ``organization``, ``acronym``, ``country`` (ISO 3166-1 alpha-2) and ``url``.
Every row is checked when the file is read; a bad row stops the run with its id.

Each excerpt is analysed as its own document by the default pipeline
(``Pipeline().analyze(make_document(text, id))``). Figures:

- lines: precision, recall and F1 of ``dossier.signatories`` against the gold entries,
  matched one-to-one when they share at least one character, greedily by the largest
  overlap first (the matching of ``bench.citations``);
- fields: for each field, precision, recall and F1 over all entries: a gold value that is
  not null counts for recall, a predicted value that is not null for precision, and a
  true positive is a matched pair whose two values are not null and equal after
  whitespace folding and case folding (``country`` compared exactly). Unmatched gold
  entries count for recall only, unmatched predictions for precision only. ``url`` is
  scored only once ``Signatory`` has a ``url`` field. ``micro`` sums every scored field;
- per letter: line F1 and field F1 (micro), and how many letters get no signatory at all;
  per layout tag: the mean of its letters' line F1 and field F1;
- letters: for the rows whose document is the letter itself, whether the dossier has
  exactly one statement and every predicted signatory matched to a gold entry belongs to
  it, and (where the gold gives one) whether ``anatomy.headline.text`` equals the gold
  headline after whitespace folding.

Floors: line F1 0.95 and micro field F1 0.90, reported (met or not) without failing the
run; the held-out letters are measured the same way.

With ``--cv`` the same figures are measured again under leave-one-letter-out: each letter
is analysed by the pipeline with a field tagger trained (by the code of ``claimscope train
signatories``) on the 31 other letters, and the figures go to ``cv_leave_one_letter_out``
in the results. The in-sample figures are those of the shipped tagger, trained on all 32
letters; the held-out letters are best estimated by the cross-validated ones.

Run: ``.venv/bin/python -m bench.signatories [--verbose] [--cv]``.
"""

from __future__ import annotations

import argparse
import json
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.citations import overlap_matches
from bench.common import ROOT, harmonic_f1, write_results
from bench.common import stage_revision as common_stage_revision
from claimscope.dossier import Dossier, Signatory
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline, default_stages
from claimscope.stages.signatories import SignatoriesStage

GOLD = ROOT / "bench" / "data" / "signatories_gold.jsonl"
COMMAND = ".venv/bin/python -m bench.signatories"
LINE_FLOOR = 0.95
FIELD_FLOOR = 0.90
FIELDS = ("person", "role", "organization", "acronym", "country", "url")
EXACT_FIELDS = frozenset({"country"})
"""Fields compared exactly; the others after whitespace folding and case folding."""


def scored_fields() -> tuple[str, ...]:
    """The gold fields the ``Signatory`` model has (``url`` only once it is added)."""
    return tuple(name for name in FIELDS if name in Signatory.model_fields)


class GoldError(ValueError):
    """A row of the gold file that breaks its rules; the message starts with the row id."""


@dataclass(frozen=True)
class GoldSignatory:
    """One annotated signatory entry of a letter."""

    start: int
    end: int
    person: str | None = None
    role: str | None = None
    organization: str | None = None
    acronym: str | None = None
    country: str | None = None
    url: str | None = None

    def value(self, name: str) -> str | None:
        """The field called ``name``."""
        value: str | None = getattr(self, name)
        return value


@dataclass(frozen=True)
class Letter:
    """One annotated excerpt: where it comes from, its text and its signatories."""

    id: str
    source: str
    licence: str
    layouts: tuple[str, ...]
    document_is_letter: bool
    headline: str | None
    text: str
    signatories: tuple[GoldSignatory, ...]


def _optional_text(row_id: str, name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or value != value.strip():
        raise GoldError(
            f"{row_id}: {name} must be null or a non-empty string without outer whitespace"
        )
    return value


def parse_row(row: Mapping[str, Any]) -> Letter:
    """Check one decoded row and turn it into a :class:`Letter`; :class:`GoldError` if bad."""
    row_id = row.get("id")
    if not isinstance(row_id, str) or not row_id:
        raise GoldError(f"{row_id!r}: id must be a non-empty string")
    for name in ("source", "licence", "text"):
        if not isinstance(row.get(name), str) or not row[name]:
            raise GoldError(f"{row_id}: {name} must be a non-empty string")
    text: str = row["text"]
    if unicodedata.normalize("NFC", text) != text or "\r" in text:
        raise GoldError(f"{row_id}: text must be NFC with \\n newlines")
    layouts = row.get("layouts")
    if not isinstance(layouts, list) or not all(isinstance(tag, str) and tag for tag in layouts):
        raise GoldError(f"{row_id}: layouts must be a list of tags")
    if not isinstance(row.get("document_is_letter"), bool):
        raise GoldError(f"{row_id}: document_is_letter must be true or false")
    headline = _optional_text(row_id, "headline", row.get("headline"))
    if headline is not None and not row["document_is_letter"]:
        raise GoldError(f"{row_id}: only a letter has a headline")
    items = row.get("signatories")
    if not isinstance(items, list):
        raise GoldError(f"{row_id}: signatories must be a list")
    signatories: list[GoldSignatory] = []
    previous_end = 0
    for number, item in enumerate(items):
        where = f"{row_id} signatory {number}"
        start, end = item.get("start"), item.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
            raise GoldError(f"{where}: start and end must be integers")
        if not 0 <= start < end <= len(text):
            raise GoldError(f"{where}: [{start}:{end}] is not inside the text")
        span = text[start:end]
        if span != span.strip():
            raise GoldError(f"{where}: span {span!r} has whitespace at an end")
        if start < previous_end:
            raise GoldError(f"{where}: overlaps or comes before the previous entry")
        previous_end = end
        unknown = set(item) - {"start", "end", *FIELDS}
        if unknown:
            raise GoldError(f"{where}: unknown keys {sorted(unknown)}")
        values = {name: _optional_text(where, name, item.get(name)) for name in FIELDS}
        country = values["country"]
        if country is not None and not (
            len(country) == 2 and country.isascii() and country.isupper()
        ):
            raise GoldError(f"{where}: country {country!r} is not an ISO 3166-1 alpha-2 code")
        if all(value is None for value in values.values()):
            raise GoldError(f"{where}: every field is null")
        signatories.append(GoldSignatory(start=start, end=end, **values))
    return Letter(
        id=row_id,
        source=row["source"],
        licence=row["licence"],
        layouts=tuple(layouts),
        document_is_letter=row["document_is_letter"],
        headline=headline,
        text=text,
        signatories=tuple(signatories),
    )


def read_gold(path: Path = GOLD) -> list[Letter]:
    """The letters of the gold file, in file order, each checked; ids must be unique."""
    letters: list[Letter] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise GoldError(f"line {number}: not JSON ({error})") from error
            if not isinstance(row, dict):
                raise GoldError(f"line {number}: not a JSON object")
            letter = parse_row(row)
            if letter.id in seen:
                raise GoldError(f"{letter.id}: id used twice")
            seen.add(letter.id)
            letters.append(letter)
    return letters


def stage_revision() -> str:
    """The last commit of the signatories stage, marked dirty when the working tree differs."""
    return common_stage_revision("signatories")


def fold(name: str, value: str | None) -> str | None:
    """A field value as compared: whitespace folded and, except ``country``, case folded."""
    if value is None:
        return None
    folded = " ".join(value.split())
    return folded if name in EXACT_FIELDS else folded.casefold()


def _predicted(signatory: Signatory, name: str) -> str | None:
    value = getattr(signatory, name, None)
    return value if isinstance(value, str) and value.strip() else None


@dataclass
class Counts:
    """True positives, predicted and gold counts of one figure."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        """Add another figure's counts to this one."""
        self.tp += other.tp
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        """True positives over predicted (0 when nothing was predicted)."""
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """True positives over gold (0 when there is no gold)."""
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        return harmonic_f1(self.precision, self.recall)

    def figures(self) -> dict[str, float | int]:
        """The counts and rates as JSON-ready numbers."""
        return {
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class LetterScore:
    """The scores of one letter, with its errors kept for --verbose."""

    id: str
    lines: Counts = field(default_factory=Counts)
    fields: dict[str, Counts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    statement_ok: bool | None = None
    headline_ok: bool | None = None

    @property
    def micro(self) -> Counts:
        """All scored fields summed."""
        total = Counts()
        for counts in self.fields.values():
            total.add(counts)
        return total


def score_letter(
    letter: Letter,
    predicted: Sequence[Signatory],
    fields: Sequence[str] | None = None,
    dossier: Dossier | None = None,
) -> LetterScore:
    """Score one letter's predicted signatories (and, given the dossier, its statement)."""
    names = tuple(fields) if fields is not None else scored_fields()
    result = LetterScore(id=letter.id, fields={name: Counts() for name in names})
    gold = letter.signatories
    pairs = overlap_matches(
        [(signatory.start, signatory.end) for signatory in predicted],
        [(signatory.start, signatory.end) for signatory in gold],
    )
    result.lines = Counts(tp=len(pairs), predicted=len(predicted), gold=len(gold))
    matched_predicted = {pair[0] for pair in pairs}
    matched_gold = {pair[1] for pair in pairs}
    for predicted_index, gold_index in pairs:
        ours, theirs = predicted[predicted_index], gold[gold_index]
        for name in names:
            counts = result.fields[name]
            mine, reference = _predicted(ours, name), theirs.value(name)
            counts.predicted += mine is not None
            counts.gold += reference is not None
            if (
                mine is not None
                and reference is not None
                and fold(name, mine) == fold(name, reference)
            ):
                counts.tp += 1
            elif mine is not None or reference is not None:
                result.errors.append(
                    f"{letter.id} {name}: gold {reference!r} got {mine!r}"
                    f" on {letter.text[theirs.start : theirs.end]!r}"
                )
    for index, entry in enumerate(gold):
        if index in matched_gold:
            continue
        for name in names:
            result.fields[name].gold += entry.value(name) is not None
        result.errors.append(
            f"{letter.id} missed {letter.text[entry.start : entry.end]!r}"
            f" [{entry.start}:{entry.end}]"
        )
    for index, signatory in enumerate(predicted):
        if index in matched_predicted:
            continue
        for name in names:
            result.fields[name].predicted += _predicted(signatory, name) is not None
        result.errors.append(
            f"{letter.id} spurious {letter.text[signatory.start : signatory.end]!r}"
            f" [{signatory.start}:{signatory.end}]"
        )
    if dossier is not None and letter.document_is_letter:
        statements = dossier.statements
        linked = {predicted_index for predicted_index, _ in pairs}
        result.statement_ok = (
            len(statements) == 1 and bool(linked) and linked <= set(statements[0].signatories)
        )
        if not result.statement_ok:
            result.errors.append(
                f"{letter.id} statement: {len(statements)} statement(s), want one holding"
                " the signatories"
            )
        if letter.headline is not None:
            headline = dossier.anatomy.headline
            got = " ".join(headline.text.split()) if headline is not None else None
            result.headline_ok = got == " ".join(letter.headline.split())
            if not result.headline_ok:
                result.errors.append(f"{letter.id} headline: gold {letter.headline!r} got {got!r}")
    return result


@dataclass
class Score:
    """Scores summed over letters."""

    letters: list[LetterScore] = field(default_factory=list)
    layouts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def lines(self) -> Counts:
        """Line counts summed over letters."""
        total = Counts()
        for letter in self.letters:
            total.add(letter.lines)
        return total

    def field(self, name: str) -> Counts:
        """Counts of one field summed over letters."""
        total = Counts()
        for letter in self.letters:
            if name in letter.fields:
                total.add(letter.fields[name])
        return total

    @property
    def micro(self) -> Counts:
        """All scored fields of all letters summed."""
        total = Counts()
        for letter in self.letters:
            total.add(letter.micro)
        return total

    @property
    def errors(self) -> list[str]:
        """Every letter's errors, in letter order."""
        return [error for letter in self.letters for error in letter.errors]

    def figures(self) -> dict[str, Any]:
        """The figures as JSON-ready numbers."""
        names = sorted(
            {name for letter in self.letters for name in letter.fields},
            key=FIELDS.index,
        )
        statement = [
            letter.statement_ok for letter in self.letters if letter.statement_ok is not None
        ]
        headline = [letter.headline_ok for letter in self.letters if letter.headline_ok is not None]
        by_id = {letter.id: letter for letter in self.letters}
        layouts = {
            tag: round(sum(by_id[letter_id].lines.f1 for letter_id in ids) / len(ids), 4)
            for tag, ids in sorted(self.layouts.items())
            if ids
        }
        field_layouts = {
            tag: round(sum(by_id[letter_id].micro.f1 for letter_id in ids) / len(ids), 4)
            for tag, ids in sorted(self.layouts.items())
            if ids
        }
        return {
            "letters": len(self.letters),
            "letters_without_prediction": sum(
                1 for letter in self.letters if letter.lines.predicted == 0
            ),
            "lines": self.lines.figures(),
            "fields": {name: self.field(name).figures() for name in names},
            "micro": self.micro.figures(),
            "statement": {"letters": len(statement), "ok": sum(statement)},
            "headline": {"letters": len(headline), "ok": sum(headline)},
            "per_letter": {
                letter.id: {
                    "gold": letter.lines.gold,
                    "predicted": letter.lines.predicted,
                    "line_f1": round(letter.lines.f1, 4),
                    "field_f1": round(letter.micro.f1, 4),
                }
                for letter in self.letters
            },
            "line_f1_per_layout": layouts,
            "field_f1_per_layout": field_layouts,
        }


def score(
    letters: Sequence[Letter],
    predictions: Sequence[Sequence[Signatory]],
    dossiers: Sequence[Dossier] | None = None,
    fields: Sequence[str] | None = None,
) -> Score:
    """Score each letter's predicted signatories against its gold entries."""
    result = Score()
    for number, (letter, predicted) in enumerate(zip(letters, predictions, strict=True)):
        dossier = dossiers[number] if dossiers is not None else None
        result.letters.append(score_letter(letter, predicted, fields, dossier))
        for tag in letter.layouts:
            result.layouts.setdefault(tag, []).append(letter.id)
    return result


def analyse(letters: Sequence[Letter], pipeline: Pipeline | None = None) -> list[Dossier]:
    """The dossier the pipeline (by default the default pipeline) makes of each excerpt."""
    pipeline = pipeline or Pipeline()
    documents = []
    for letter in letters:
        document = make_document(letter.text, letter.id)
        if document.text != letter.text:
            raise GoldError(f"{letter.id}: ingestion changes the excerpt; gold offsets break")
        documents.append(document)
    return list(pipeline.pipe(documents))


def floor_failures(figures: Mapping[str, Any]) -> list[str]:
    """The floored figures below their floor, as 'name value' strings."""
    failures = []
    if figures["lines"]["f1"] < LINE_FLOOR:
        failures.append(f"line_f1 {figures['lines']['f1']} < {LINE_FLOOR}")
    if figures["micro"]["f1"] < FIELD_FLOOR:
        failures.append(f"field_f1 {figures['micro']['f1']} < {FIELD_FLOOR}")
    return failures


def run(
    path: Path = GOLD, limit: int | None = None, pipeline: Pipeline | None = None
) -> tuple[dict[str, Any], Score]:
    """Analyse and score the gold set (its first ``limit`` letters); figures and score."""
    letters = read_gold(path)[:limit]
    registered = any(stage.name == "signatories" for stage in default_stages())
    started = time.perf_counter()
    dossiers = analyse(letters, pipeline)
    elapsed = time.perf_counter() - started
    result = score(letters, [dossier.signatories for dossier in dossiers], dossiers)
    figures: dict[str, Any] = {
        "data": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "command": COMMAND,
        "stage_registered": registered,
        "stage_revision": stage_revision() if registered else None,
        "fields_scored": list(scored_fields()),
        "seconds": round(elapsed, 3),
        **result.figures(),
        "floor": {"line_f1": LINE_FLOOR, "field_f1": FIELD_FLOOR},
    }
    figures["floor"]["met"] = not floor_failures(figures)
    return figures, result


def cross_validate(
    path: Path = GOLD, limit: int | None = None, pipeline: Pipeline | None = None
) -> tuple[dict[str, Any], Score]:
    """The whole pipeline under leave-one-letter-out: each letter analysed with a field
    tagger trained, by the training code of ``claimscope train signatories``, on the
    other letters only. Needs python-crfsuite (the ``train`` extra).

    The block finding and the rules are the same in every fold: they are not trained.
    They were written looking at these letters, so only the tagger's share of the
    figures is held out.
    """
    from claimscope.gazetteer import default_gazetteer
    from claimscope.stages.signatories.training import read_examples, train_tagger
    from claimscope.text.lists import load_tables

    letters = read_gold(path)[:limit]
    examples = read_examples(path, load_tables(), default_gazetteer())
    pipeline = pipeline or Pipeline()
    stage = next(stage for stage in pipeline.stages if stage.name == "signatories")
    if not isinstance(stage, SignatoriesStage):
        raise TypeError("the pipeline's signatories stage is not SignatoriesStage")
    shipped = stage.tagger
    started = time.perf_counter()
    dossiers: list[Dossier] = []
    try:
        for letter in letters:
            held_in = [example for example in examples if example.letter != letter.id]
            stage.tagger = train_tagger(held_in)
            dossiers.extend(analyse([letter], pipeline))
    finally:
        stage.tagger = shipped
    elapsed = time.perf_counter() - started
    result = score(letters, [dossier.signatories for dossier in dossiers], dossiers)
    figures: dict[str, Any] = {
        "method": "leave-one-letter-out: the field tagger retrained without the letter",
        "seconds": round(elapsed, 3),
        **result.figures(),
    }
    return figures, result


def _table(figures: Mapping[str, Any]) -> str:
    lines_ = figures["lines"]
    rows = [
        f"letters {figures['letters']} ({figures['letters_without_prediction']} without any"
        f" signatory found), gold entries {lines_['gold']}, predicted {lines_['predicted']},"
        f" matched {lines_['tp']}",
        f"{'figure':<14}{'P':>8}{'R':>8}{'F1':>8}  floor",
        f"{'lines':<14}{lines_['precision']:>8.3f}{lines_['recall']:>8.3f}{lines_['f1']:>8.3f}"
        f"  {LINE_FLOOR}",
    ]
    for name, counts in figures["fields"].items():
        rows.append(
            f"{name:<14}{counts['precision']:>8.3f}{counts['recall']:>8.3f}{counts['f1']:>8.3f}"
            f"  (gold {counts['gold']})"
        )
    micro = figures["micro"]
    rows.append(
        f"{'fields, micro':<14}{micro['precision']:>8.3f}{micro['recall']:>8.3f}"
        f"{micro['f1']:>8.3f}  {FIELD_FLOOR}"
    )
    rows.append(
        f"letters that are the document: one statement {figures['statement']['ok']}"
        f"/{figures['statement']['letters']}, headline {figures['headline']['ok']}"
        f"/{figures['headline']['letters']}"
    )
    rows.append(f"{'letter':<10}{'gold':>6}{'pred':>6}{'line F1':>9}{'field F1':>10}")
    for letter_id, row in figures["per_letter"].items():
        rows.append(
            f"{letter_id:<10}{row['gold']:>6}{row['predicted']:>6}{row['line_f1']:>9.3f}"
            f"{row['field_f1']:>10.3f}"
        )
    return "\n".join(rows)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="list every error per letter")
    parser.add_argument(
        "--cv",
        action="store_true",
        help="also measure under leave-one-letter-out (retrains the tagger; needs the"
        " 'train' extra)",
    )
    arguments = parser.parse_args()
    figures, result = run()
    print(_table(figures))
    if arguments.verbose:
        print("\n".join(result.errors))
    failures = floor_failures(figures)
    print("floors met" if not failures else f"below the floors: {', '.join(failures)}")
    if arguments.cv:
        cv, cv_result = cross_validate()
        print("\nleave-one-letter-out (field tagger trained without the letter):")
        print(_table(cv))
        if arguments.verbose:
            print("\n".join(cv_result.errors))
        cv_failures = floor_failures(cv)
        print("floors met" if not cv_failures else f"below the floors: {', '.join(cv_failures)}")
        figures["cv_leave_one_letter_out"] = cv
    print(f"written to {write_results('signatories', figures)}")


if __name__ == "__main__":
    main()
