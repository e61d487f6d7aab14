"""Benchmark of actor resolution on hand-labelled signatory mentions of real letters.

Data: ``bench/data/actors_gold.jsonl`` (in the repository; guidelines, sources, licences
and counts in ``bench/data/ACTORS_GOLD.md``). One line per signatory mention: where it
comes from (``letter``, ``source``, ``licence``, ``date``), the entry as printed
(``text``), its fields as printed (``person``, ``role``, ``organization``, ``acronym``,
``country``) and the actors assigned by hand: ``person_actor`` and ``organization_actor``
(the same id is the same real person or body), ``organization_actors`` for an entry
naming several bodies, ``person_namesakes`` / ``organization_namesakes`` (a tag shared
by actors that are easy to confuse: near-namesakes), and ``uncertain`` with
``uncertain_about`` for the kinds whose actor could not be told. Every row is checked
when the file is read; a bad row stops the run with its id.

Each row becomes one :class:`~claimscope.corpus.actors.Mention` with the printed fields,
as the signatories layer gives them (the letter is the document, the row's position in
its letter the index), and the whole set goes through ``resolve_people`` and
``resolve_organizations`` at once. Figures, separately for people and organisations:

- pairs: precision and recall of "same actor" pairs (two mentions in one predicted actor
  against two mentions in one gold actor). Scored mentions are those with a gold actor of
  the kind that is not uncertain; an entry naming several bodies is not scored for
  organisations (the resolver reads the joined names as one);
- B-cubed precision and recall, averaged over the scored mentions;
- recall of the gold pairs printed alike (equal after case and whitespace folding) and of
  those printed differently, which need normalisation, acronyms or fuzzy matching;
- near-namesakes: pairs of mentions of two different gold actors that share a namesake
  tag, how many the resolver merged (false merges), listed with ``--verbose``;
- calibration: the predicted pairs by the confidence of the actor holding them (the
  resolver keeps one confidence per actor, the lowest of its merges) and the precision of
  each bucket.

Floors, reported (met or not) without failing the run: people pair precision 0.99 (a
merge never silently joins two people) and organisation pair precision 0.95.

Run: ``.venv/bin/python -m bench.actors [--verbose]``.
"""

from __future__ import annotations

import argparse
import json
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pycountry

from bench.common import ROOT, harmonic_f1, module_revision, write_results
from claimscope.corpus.actors import Actor, Mention, resolve_organizations, resolve_people

GOLD = ROOT / "bench" / "data" / "actors_gold.jsonl"
COMMAND = ".venv/bin/python -m bench.actors"
RESOLVER = "src/claimscope/corpus/actors.py"
FLOORS = {"person": 0.99, "organization": 0.95}
"""The least pair precision of each kind."""
PRINTED = ("person", "role", "organization", "acronym", "country")
KINDS: tuple[Kind, ...] = ("person", "organization")
CONFIDENCE_BUCKETS = ((1.0, "1.0"), (0.9, "[0.9, 1.0)"), (0.8, "[0.8, 0.9)"), (0.0, "< 0.8"))
"""Lower bounds and labels of the calibration buckets, highest first."""

Kind = Literal["person", "organization"]


class GoldError(ValueError):
    """A row of the gold file that breaks its rules; the message starts with the row id."""


@dataclass(frozen=True)
class GoldMention:
    """One hand-labelled signatory mention."""

    mention_id: str
    letter: str
    source: str
    licence: str
    date: str | None
    text: str
    person: str | None
    role: str | None
    organization: str | None
    acronym: str | None
    country: str | None
    person_actor: str | None
    organization_actor: str | None
    organization_actors: tuple[str, ...]
    person_namesakes: str | None
    organization_namesakes: str | None
    uncertain_about: frozenset[str]
    note: str | None

    def actor(self, kind: Kind) -> str | None:
        """The gold actor of ``kind``, or None when the mention has none or it is uncertain."""
        if kind in self.uncertain_about:
            return None
        return self.person_actor if kind == "person" else self.organization_actor

    def namesakes(self, kind: Kind) -> str | None:
        """The near-namesake tag of the mention's actor of ``kind``."""
        return self.person_namesakes if kind == "person" else self.organization_namesakes

    def printed(self, kind: Kind) -> str:
        """The printed name of ``kind``, case and whitespace folded, for the alike/unlike split."""
        value = self.person if kind == "person" else (self.organization or self.acronym)
        return " ".join((value or "").split()).casefold()


def _optional_text(row_id: str, name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or value != value.strip():
        raise GoldError(
            f"{row_id}: {name} must be null or a non-empty string without outer whitespace"
        )
    if unicodedata.normalize("NFC", value) != value:
        raise GoldError(f"{row_id}: {name} must be NFC")
    return value


def _actor_id(row_id: str, name: str, value: object, prefix: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith(prefix) or len(value) == len(prefix):
        raise GoldError(f"{row_id}: {name} must be null or an id starting with {prefix!r}")
    if value != value.strip() or " " in value:
        raise GoldError(f"{row_id}: {name} {value!r} holds whitespace")
    return value


def _is_date(value: str) -> bool:
    """An ISO date, year-month or year-month-day (a letter may print only its month)."""
    parts = value.split("-")
    if len(parts) not in (2, 3) or not all(part.isdigit() for part in parts):
        return False
    if len(parts[0]) != 4 or not all(len(part) == 2 for part in parts[1:]):
        return False
    return 1 <= int(parts[1]) <= 12 and (len(parts) == 2 or 1 <= int(parts[2]) <= 31)


def parse_row(row: Mapping[str, Any]) -> GoldMention:
    """Check one decoded row and turn it into a :class:`GoldMention`; :class:`GoldError` if bad."""
    row_id = row.get("mention_id")
    if not isinstance(row_id, str) or not row_id:
        raise GoldError(f"{row_id!r}: mention_id must be a non-empty string")
    known = {
        "mention_id", "letter", "source", "licence", "date", "text", *PRINTED, "person_actor",
        "organization_actor", "organization_actors", "person_namesakes",
        "organization_namesakes", "uncertain", "uncertain_about", "note",
    }  # fmt: skip
    unknown = set(row) - known
    if unknown:
        raise GoldError(f"{row_id}: unknown keys {sorted(unknown)}")
    for name in ("letter", "source", "licence", "text"):
        if not isinstance(row.get(name), str) or not row[name]:
            raise GoldError(f"{row_id}: {name} must be a non-empty string")
    if unicodedata.normalize("NFC", row["text"]) != row["text"]:
        raise GoldError(f"{row_id}: text must be NFC")
    if "@" not in row["source"] and not row["source"].startswith("http"):
        raise GoldError(f"{row_id}: source must be repository:path@commit or a URL")
    date = _optional_text(row_id, "date", row.get("date"))
    if date is not None and not _is_date(date):
        raise GoldError(f"{row_id}: date {date!r} is not YYYY-MM or YYYY-MM-DD")
    fields = {name: _optional_text(row_id, name, row.get(name)) for name in PRINTED}
    if fields["person"] is None and fields["organization"] is None and fields["acronym"] is None:
        raise GoldError(f"{row_id}: names neither a person nor an organisation")
    country = fields["country"]
    if country is not None and (
        len(country) != 2
        or not country.isupper()
        or pycountry.countries.get(alpha_2=country) is None
    ):
        raise GoldError(f"{row_id}: country {country!r} is not an ISO 3166-1 alpha-2 code")
    person_actor = _actor_id(row_id, "person_actor", row.get("person_actor"), "person:")
    organization_actor = _actor_id(
        row_id, "organization_actor", row.get("organization_actor"), "org:"
    )
    if (person_actor is None) != (fields["person"] is None):
        raise GoldError(f"{row_id}: person_actor must be given exactly when person is")
    # Several affiliations are joined with "; " (the signatories layer's convention): each
    # gets its id in organization_actors, unless the annotator found the joined text to be
    # one body's name (then organization_actor, and a note says so).
    joined = fields["organization"] is not None and "; " in fields["organization"]
    raw_parts = row.get("organization_actors")
    parts: tuple[str, ...] = ()
    if raw_parts is not None:
        if not joined or not isinstance(raw_parts, list):
            raise GoldError(f"{row_id}: organization_actors is only for several affiliations")
        if len(raw_parts) != len(str(fields["organization"]).split("; ")):
            raise GoldError(f"{row_id}: organization_actors must give one id per affiliation")
        parts = tuple(
            _actor_id(row_id, "organization_actors", part, "org:") or "" for part in raw_parts
        )
        if organization_actor is not None:
            raise GoldError(f"{row_id}: several affiliations take organization_actors only")
    else:
        names_body = fields["organization"] is not None or fields["acronym"] is not None
        if (organization_actor is None) == names_body:
            raise GoldError(f"{row_id}: organization_actor must be given exactly when a body is")
        if joined and row.get("note") is None:
            raise GoldError(f"{row_id}: one body printed with '; ' needs a note saying so")
    uncertain = row.get("uncertain")
    about = row.get("uncertain_about")
    if not isinstance(uncertain, bool) or not isinstance(about, list):
        raise GoldError(f"{row_id}: uncertain must be true or false, uncertain_about a list")
    if uncertain != bool(about) or not set(about) <= set(KINDS) or len(set(about)) != len(about):
        raise GoldError(f"{row_id}: uncertain_about must name the uncertain kinds, and only then")
    note = _optional_text(row_id, "note", row.get("note"))
    if uncertain and note is None:
        raise GoldError(f"{row_id}: an uncertain mention needs a note saying why")
    namesakes = {
        kind: _optional_text(row_id, f"{kind}_namesakes", row.get(f"{kind}_namesakes"))
        for kind in KINDS
    }
    if namesakes["person"] is not None and person_actor is None:
        raise GoldError(f"{row_id}: person_namesakes without a person_actor")
    if namesakes["organization"] is not None and organization_actor is None:
        raise GoldError(f"{row_id}: organization_namesakes without an organization_actor")
    return GoldMention(
        mention_id=row_id,
        letter=row["letter"],
        source=row["source"],
        licence=row["licence"],
        date=date,
        text=row["text"],
        person_actor=person_actor,
        organization_actor=organization_actor,
        organization_actors=parts,
        person_namesakes=namesakes["person"],
        organization_namesakes=namesakes["organization"],
        uncertain_about=frozenset(about),
        note=note,
        **fields,
    )


def check_set(mentions: Sequence[GoldMention]) -> None:
    """Checks across rows: unique ids, one source per letter, one namesake tag per actor."""
    seen: set[str] = set()
    sources: dict[str, str] = {}
    tags: dict[str, str | None] = {}
    for mention in mentions:
        if mention.mention_id in seen:
            raise GoldError(f"{mention.mention_id}: id used twice")
        seen.add(mention.mention_id)
        if sources.setdefault(mention.letter, mention.source) != mention.source:
            raise GoldError(f"{mention.mention_id}: letter {mention.letter} has two sources")
        for kind in KINDS:
            actor = mention.person_actor if kind == "person" else mention.organization_actor
            if actor is None:
                continue
            tag = mention.namesakes(kind)
            if tags.setdefault(actor, tag) != tag:
                raise GoldError(f"{mention.mention_id}: {actor} carries two namesake tags")


def read_gold(path: Path = GOLD) -> list[GoldMention]:
    """The mentions of the gold file, in file order, each row checked, then the whole set."""
    mentions: list[GoldMention] = []
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
            mentions.append(parse_row(row))
    check_set(mentions)
    return mentions


def to_mentions(gold: Sequence[GoldMention]) -> list[Mention]:
    """One resolver mention per row: the printed fields, the letter as document, its rank there."""
    rank: Counter[str] = Counter()
    mentions = []
    for row in gold:
        mentions.append(
            Mention(
                document=row.letter,
                index=rank[row.letter],
                person=row.person,
                organization=row.organization,
                acronym=row.acronym,
                country=row.country,
                role=row.role,
                date=row.date,
            )
        )
        rank[row.letter] += 1
    return mentions


@dataclass(frozen=True)
class PredictedActor:
    """A predicted actor as the ids of its scored mentions, with its confidence."""

    name: str
    confidence: float
    members: tuple[str, ...]


def predicted_actors(
    actors: Iterable[Actor], ids: Mapping[tuple[str, int], str], scored: Mapping[str, str]
) -> list[PredictedActor]:
    """The resolver's actors over the scored mentions; scored mentions it left out stand alone."""
    result = []
    placed: set[str] = set()
    for actor in actors:
        members = tuple(
            ids[(mention.document, mention.index)]
            for mention in actor.mentions
            if ids[(mention.document, mention.index)] in scored
        )
        if members:
            result.append(PredictedActor(actor.name, actor.confidence, members))
            placed.update(members)
    for mention_id in scored:
        if mention_id not in placed:
            result.append(PredictedActor("(not resolved)", 1.0, (mention_id,)))
    return result


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


@dataclass
class KindScore:
    """The figures of one kind of actor, with the errors kept for --verbose."""

    kind: Kind
    mentions: int = 0
    gold_actors: int = 0
    predicted_actors: int = 0
    gold_pairs: int = 0
    predicted_pairs: int = 0
    correct_pairs: int = 0
    bcubed_precision: float = 0.0
    bcubed_recall: float = 0.0
    alike_pairs: int = 0
    alike_found: int = 0
    unlike_pairs: int = 0
    unlike_found: int = 0
    namesake_pairs: int = 0
    namesake_false_merges: list[tuple[str, str]] = field(default_factory=list)
    buckets: dict[str, list[int]] = field(default_factory=dict)
    false_merges: list[str] = field(default_factory=list)
    missed_merges: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Correct predicted pairs over predicted pairs (1 when nothing is merged)."""
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        """Correct predicted pairs over gold pairs (1 when the gold merges nothing)."""
        return self.correct_pairs / self.gold_pairs if self.gold_pairs else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of pair precision and recall."""
        return harmonic_f1(self.precision, self.recall)

    def figures(self) -> dict[str, Any]:
        """The figures as JSON-ready numbers."""

        def rate(found: int, total: int) -> float | None:
            return round(found / total, 4) if total else None

        return {
            "mentions": self.mentions,
            "gold_actors": self.gold_actors,
            "predicted_actors": self.predicted_actors,
            "pairs": {
                "gold": self.gold_pairs,
                "predicted": self.predicted_pairs,
                "correct": self.correct_pairs,
                "precision": round(self.precision, 4),
                "recall": round(self.recall, 4),
                "f1": round(self.f1, 4),
            },
            "bcubed": {
                "precision": round(self.bcubed_precision, 4),
                "recall": round(self.bcubed_recall, 4),
            },
            "recall_printed_alike": {
                "pairs": self.alike_pairs,
                "found": self.alike_found,
                "recall": rate(self.alike_found, self.alike_pairs),
            },
            "recall_printed_differently": {
                "pairs": self.unlike_pairs,
                "found": self.unlike_found,
                "recall": rate(self.unlike_found, self.unlike_pairs),
            },
            "near_namesakes": {
                "pairs": self.namesake_pairs,
                "false_merges": len(self.namesake_false_merges),
                "false_merge_rate": rate(len(self.namesake_false_merges), self.namesake_pairs),
            },
            "calibration": {
                label: {
                    "pairs": pairs,
                    "correct": correct,
                    "precision": rate(correct, pairs),
                }
                for label, (pairs, correct) in self.buckets.items()
            },
        }


def _bucket(confidence: float) -> str:
    for lower, label in CONFIDENCE_BUCKETS:
        if confidence >= lower:
            return label
    return CONFIDENCE_BUCKETS[-1][1]


def score_kind(
    kind: Kind, gold: Sequence[GoldMention], predicted: Sequence[PredictedActor]
) -> KindScore:
    """Score the predicted actors of ``kind`` against the gold actors over the scored mentions."""
    by_id = {mention.mention_id: mention for mention in gold}
    gold_of = {
        mention.mention_id: gold_actor
        for mention in gold
        if (gold_actor := mention.actor(kind)) is not None
    }
    result = KindScore(kind=kind, mentions=len(gold_of))
    gold_sizes = Counter(gold_of.values())
    result.gold_actors = len(gold_sizes)
    result.gold_pairs = sum(_pairs(size) for size in gold_sizes.values())
    result.buckets = {label: [0, 0] for _, label in CONFIDENCE_BUCKETS}
    predicted_of: dict[str, int] = {}
    for number, actor in enumerate(predicted):
        for member in actor.members:
            predicted_of[member] = number
    result.predicted_actors = len(predicted)
    precision_sum = recall_sum = 0.0
    for actor in predicted:
        overlap = Counter(gold_of[member] for member in actor.members)
        pairs, correct = _pairs(len(actor.members)), sum(_pairs(n) for n in overlap.values())
        result.predicted_pairs += pairs
        result.correct_pairs += correct
        bucket = result.buckets[_bucket(actor.confidence)]
        bucket[0] += pairs
        bucket[1] += correct
        for member in actor.members:
            shared = overlap[gold_of[member]]
            precision_sum += shared / len(actor.members)
            recall_sum += shared / gold_sizes[gold_of[member]]
        if len(overlap) > 1:
            result.false_merges.append(
                f"{kind} false merge into '{actor.name}' ({actor.confidence}): "
                + " | ".join(_describe(by_id[member], kind, gold_of) for member in actor.members)
            )
        tagged = [member for member in actor.members if by_id[member].namesakes(kind)]
        for position, first in enumerate(tagged):
            tag = by_id[first].namesakes(kind)
            for second in tagged[position + 1 :]:
                if gold_of[first] != gold_of[second] and by_id[second].namesakes(kind) == tag:
                    result.namesake_false_merges.append((first, second))
    if gold_of:
        result.bcubed_precision = precision_sum / len(gold_of)
        result.bcubed_recall = recall_sum / len(gold_of)
    members_of: dict[str, list[str]] = defaultdict(list)
    for mention_id, actor_id in gold_of.items():
        members_of[actor_id].append(mention_id)
    for actor_id, members in members_of.items():
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                found = predicted_of[first] == predicted_of[second]
                if by_id[first].printed(kind) == by_id[second].printed(kind):
                    result.alike_pairs += 1
                    result.alike_found += found
                else:
                    result.unlike_pairs += 1
                    result.unlike_found += found
        groups: dict[int, list[str]] = defaultdict(list)
        for member in members:
            groups[predicted_of[member]].append(_describe(by_id[member], kind))
        if len(groups) > 1:
            pieces = " | ".join("{" + ", ".join(group) + "}" for group in groups.values())
            result.missed_merges.append(f"{kind} missed merge of {actor_id}: {pieces}")
    # Near-namesake opportunities: pairs of scored mentions of two actors sharing a tag.
    tag_sizes: dict[str, Counter[str]] = defaultdict(Counter)
    for mention_id, actor_id in gold_of.items():
        tag = by_id[mention_id].namesakes(kind)
        if tag:
            tag_sizes[tag][actor_id] += 1
    for sizes in tag_sizes.values():
        total = sum(sizes.values())
        result.namesake_pairs += _pairs(total) - sum(_pairs(n) for n in sizes.values())
    return result


def _describe(mention: GoldMention, kind: Kind, gold_of: Mapping[str, str] | None = None) -> str:
    name = mention.person if kind == "person" else (mention.organization or mention.acronym)
    where = f"{mention.mention_id} {mention.letter}"
    country = f" [{mention.country}]" if mention.country else ""
    actor = f" = {gold_of[mention.mention_id]}" if gold_of is not None else ""
    return f"{name}{country} ({where}){actor}"


@dataclass
class Score:
    """The figures of both kinds."""

    kinds: dict[str, KindScore] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        """Every false and missed merge, then the near-namesake false merges, for --verbose."""
        lines = []
        for result in self.kinds.values():
            lines += result.false_merges + result.missed_merges
        for result in self.kinds.values():
            lines += [
                f"{result.kind} near-namesake false merge: {first} + {second}"
                for first, second in result.namesake_false_merges
            ]
        return lines


def score(
    gold: Sequence[GoldMention], people: Sequence[Actor], organizations: Sequence[Actor]
) -> Score:
    """Score the resolver's people and organisations against the gold actors."""
    mentions = to_mentions(gold)
    ids = {
        (mention.document, mention.index): row.mention_id
        for mention, row in zip(mentions, gold, strict=True)
    }
    result = Score()
    for kind, actors in zip(KINDS, (people, organizations), strict=True):
        scored = {row.mention_id: actor for row in gold if (actor := row.actor(kind)) is not None}
        result.kinds[kind] = score_kind(kind, gold, predicted_actors(actors, ids, scored))
    return result


def floor_failures(figures: Mapping[str, Any]) -> list[str]:
    """The floored figures below their floor, as 'name value < floor' strings."""
    failures = []
    for kind, floor in FLOORS.items():
        precision = figures[kind]["pairs"]["precision"]
        if precision < floor:
            failures.append(f"{kind}_pair_precision {precision} < {floor}")
    return failures


def run(path: Path = GOLD) -> tuple[dict[str, Any], Score]:
    """Resolve and score the gold set; its figures and the score."""
    gold = read_gold(path)
    mentions = to_mentions(gold)
    started = time.perf_counter()
    people = resolve_people(mentions)
    organizations = resolve_organizations(mentions)
    elapsed = time.perf_counter() - started
    result = score(gold, people, organizations)
    figures: dict[str, Any] = {
        "data": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "command": COMMAND,
        "resolver_revision": module_revision(RESOLVER),
        "letters": len({row.letter for row in gold}),
        "rows": len(gold),
        "uncertain": sum(bool(row.uncertain_about) for row in gold),
        "several_affiliations": sum(bool(row.organization_actors) for row in gold),
        "seconds": round(elapsed, 3),
        **{kind: kind_score.figures() for kind, kind_score in result.kinds.items()},
        "floor": {f"{kind}_pair_precision": floor for kind, floor in FLOORS.items()},
    }
    figures["floor"]["met"] = not floor_failures(figures)
    return figures, result


def _table(figures: Mapping[str, Any]) -> str:
    rows = [
        f"{figures['rows']} mentions from {figures['letters']} letters ({figures['uncertain']}"
        f" with an uncertain actor, {figures['several_affiliations']} naming several bodies)",
        f"{'kind':<14}{'mentions':>9}{'actors':>8}{'pred':>6}{'pairs':>7}"
        f"{'P':>8}{'R':>8}{'F1':>8}{'B3 P':>8}{'B3 R':>8}",
    ]
    for kind in KINDS:
        item = figures[kind]
        pairs, bcubed = item["pairs"], item["bcubed"]
        rows.append(
            f"{kind:<14}{item['mentions']:>9}{item['gold_actors']:>8}{item['predicted_actors']:>6}"
            f"{pairs['gold']:>7}{pairs['precision']:>8.3f}{pairs['recall']:>8.3f}"
            f"{pairs['f1']:>8.3f}{bcubed['precision']:>8.3f}{bcubed['recall']:>8.3f}"
        )
    for kind in KINDS:
        item = figures[kind]
        alike, unlike = item["recall_printed_alike"], item["recall_printed_differently"]
        namesakes = item["near_namesakes"]
        rows.append(
            f"{kind}: recall printed alike {alike['found']}/{alike['pairs']}, printed"
            f" differently {unlike['found']}/{unlike['pairs']}; near-namesake pairs"
            f" {namesakes['pairs']}, false merges {namesakes['false_merges']}"
        )
        rows.append(
            f"{kind} calibration: "
            + ", ".join(
                f"{label} {bucket['correct']}/{bucket['pairs']}"
                for label, bucket in item["calibration"].items()
                if bucket["pairs"]
            )
        )
    return "\n".join(rows)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="list every false and missed merge")
    arguments = parser.parse_args()
    figures, result = run()
    print(_table(figures))
    if arguments.verbose:
        print("\n".join(result.errors))
    failures = floor_failures(figures)
    print("floors met" if not failures else f"below the floors: {', '.join(failures)}")
    print(f"written to {write_results('actors', figures)}")


if __name__ == "__main__":
    main()
