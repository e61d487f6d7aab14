"""Benchmark of the anatomy stage on Reuters-21578 wire stories.

Data: ``../shared/data/reuters21578/stories.jsonl`` (600 stories; see its SOURCE.md).
Input text of a story is its ``raw`` field (title, author, dateline and body as they
appear in the SGML file) with the three SGML entities unescaped in this order:
``&lt;`` -> ``<``, ``&gt;`` -> ``>``, ``&amp;`` -> ``&``; the publication date hint is
the ``date`` field (``26-FEB-1987 15:01:01.79``, no UTC offset). Only the anatomy stage
runs.

Figures:

- ``title_exact``: headline text == ``title`` stripped, over stories with a title;
- ``dateline_place``: our ``place_text`` == the gold dateline's part before its first
  comma (case-insensitive, whitespace-stripped), over stories with a dateline;
- ``dateline_date``: our dateline ``date`` == the gold "Feb 26" resolved with the
  story's year, over stories with a dateline;
- ``dateline_country``: our ``country`` == the true country of the dateline's place, from
  ``bench/data/dateline_places.json`` (each place checked by hand against its story);
- ``dateline_city``: our ``place`` and ``country`` are the true ones and the place is not
  marked ambiguous;
- ``dateline_city_ambiguous``: the share left ambiguous (``place_ambiguous``), a miss for
  ``dateline_city`` but not a wrong answer;
- ``dateline_city_wrong``: the share where we name a place and country that are not the
  true ones without marking it ambiguous: the silent wrong guesses, which should be none.

Run: ``.venv/bin/python -m bench.anatomy [--verbose]``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import SHARED_DATA, write_results
from claimscope.document import Hints
from claimscope.dossier import Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline
from claimscope.stages.anatomy import AnatomyStage
from claimscope.text.dates import MONTHS

DATA = SHARED_DATA / "reuters21578" / "stories.jsonl"
PLACES = Path(__file__).resolve().parent / "data" / "dateline_places.json"
COMMAND = ".venv/bin/python -m bench.anatomy"
FLOOR = 0.95
# Silent wrong cities: a dateline read as the wrong city without saying it is ambiguous.
WRONG_CEILING = 0.01
_GOLD_DATE_RE = re.compile(r"([A-Za-z]{3,9})\s{0,3}(\d{1,2})|(\d{1,2})\s{1,3}([A-Za-z]{3,9})")
# Where the place of a gold dateline ends: its date, a month name or a day number.
_GOLD_DATE_START_RE = re.compile(
    r"(?i)\b(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?|\d"
)


def unescape(raw: str) -> str:
    """The SGML entities of Reuters-21578 unescaped, in the order SOURCE.md gives."""
    return raw.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def gold_dateline_date(dateline: str, story_date: str) -> str | None:
    """The gold dateline's "Feb 26" with the year of the story's DATE field."""
    year = int(story_date.strip().split()[0].split("-")[2])
    after_place = dateline.split(",")[-1]
    match = _GOLD_DATE_RE.search(after_place)
    if match is None:
        return None
    month_name, day = (match[1], match[2]) if match[1] else (match[4], match[3])
    month = MONTHS.get(month_name.casefold())
    return date(year, month, int(day)).isoformat() if month else None


def gold_place_key(dateline: str) -> str:
    """The key of a gold dateline's place in the place table: its text before the date."""
    found = _GOLD_DATE_START_RE.search(dateline)
    printed = dateline[: found.start()] if found else dateline
    return re.sub(r"\s+,", ",", " ".join(printed.split())).strip(" ,-").casefold()


def true_places(path: Path = PLACES) -> dict[str, tuple[str, str]]:
    """The hand-checked (place, country) of each Reuters dateline place key."""
    table = json.loads(path.read_text(encoding="utf-8"))["places"]
    return {key: (place, country) for key, (place, country) in table.items()}


@dataclass
class Score:
    """Hits over a count, with a few misses kept for inspection."""

    hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, hit: bool, miss: str) -> None:
        """Count one case."""
        self.total += 1
        if hit:
            self.hits += 1
        elif len(self.misses) < 10:
            self.misses.append(miss)

    @property
    def rate(self) -> float:
        """The share of hits (0 when there were no cases)."""
        return self.hits / self.total if self.total else 0.0


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def run(path: Path = DATA) -> dict[str, Any]:
    """Score the anatomy stage on the Reuters stories at ``path``; return the figures."""
    records = list(_records(path))
    pipeline = Pipeline(stages=[AnatomyStage()])
    documents = [
        make_document(
            unescape(record["raw"]),
            f"{path.name}#{record['newid']}",
            hints=Hints(published=record["date"].strip()),
        )
        for record in records
    ]
    started = time.perf_counter()
    dossiers: list[Dossier] = list(pipeline.pipe(documents))
    elapsed = time.perf_counter() - started

    places = true_places()
    title, place, dateline_date = Score(), Score(), Score()
    country, city, ambiguous, wrong = Score(), Score(), Score(), Score()
    for record, dossier in zip(records, dossiers, strict=True):
        anatomy = dossier.anatomy
        newid = record["newid"]
        if record["title"] is not None:
            expected = record["title"].strip()
            got = anatomy.headline.text if anatomy.headline else None
            title.add(got == expected, f"#{newid} title {expected!r} got {got!r}")
        if record["dateline"] is not None:
            gold = record["dateline"]
            ours = anatomy.dateline
            expected_place = gold.split(",")[0].strip().casefold()
            got_place = ours.place_text.strip().casefold() if ours and ours.place_text else None
            place.add(
                got_place == expected_place,
                f"#{newid} place {expected_place!r} got {got_place!r} (dateline {gold!r})",
            )
            true_place, true_country = places[gold_place_key(gold)]
            got_country = ours.country if ours else None
            left_ambiguous = ours is not None and ours.place_ambiguous
            named = (ours.place, got_country) if ours and not left_ambiguous else None
            right_city = named is not None and (
                named[0] is not None
                and named[0].casefold() == true_place.casefold()
                and named[1] == true_country
            )
            detail = f"#{newid} {gold.strip()!r}: true {true_place}, {true_country}"
            country.add(got_country == true_country, f"{detail}; got country {got_country}")
            city.add(right_city, f"{detail}; got {named or 'ambiguous'}")
            # These two count the cases to avoid: the misses kept are the cases themselves.
            ambiguous.add(not left_ambiguous, f"{detail}; left ambiguous")
            silently_wrong = named is not None and named[1] is not None and not right_city
            wrong.add(not silently_wrong, f"{detail}; got {named}")
            expected_date = gold_dateline_date(gold, record["date"])
            got_date = ours.date if ours else None
            dateline_date.add(
                got_date == expected_date,
                f"#{newid} date {expected_date!r} got {got_date!r} (dateline {gold!r})",
            )
    return {
        "data": f"../{path.relative_to(SHARED_DATA.parent.parent)}"
        if path.is_relative_to(SHARED_DATA.parent.parent)
        else str(path),
        "command": COMMAND,
        "documents": len(records),
        "seconds": round(elapsed, 3),
        "documents_per_second": round(len(records) / elapsed, 1) if elapsed else None,
        "title_exact": round(title.rate, 4),
        "title_count": title.total,
        "dateline_place": round(place.rate, 4),
        "dateline_date": round(dateline_date.rate, 4),
        "dateline_count": place.total,
        "dateline_country": round(country.rate, 4),
        "dateline_city": round(city.rate, 4),
        "dateline_city_ambiguous": round(1 - ambiguous.rate, 4),
        "dateline_city_wrong": round(1 - wrong.rate, 4),
        "floor": FLOOR,
        "wrong_ceiling": WRONG_CEILING,
        "misses": {
            "title_exact": title.misses,
            "dateline_place": place.misses,
            "dateline_date": dateline_date.misses,
            "dateline_country": country.misses,
            "dateline_city": city.misses,
            "dateline_city_ambiguous": ambiguous.misses,
            "dateline_city_wrong": wrong.misses,
        },
    }


def main() -> None:
    """Run the benchmark, print the figures and write bench/results/anatomy.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="print a few misses per figure")
    arguments = parser.parse_args()
    figures = run()
    misses = figures.pop("misses")
    for name in ("title_exact", "dateline_place", "dateline_date"):
        count = figures["title_count"] if name == "title_exact" else figures["dateline_count"]
        print(f"{name:24} {figures[name]:.4f}  (n={count}, floor {FLOOR})")
        if arguments.verbose:
            for miss in misses[name][:5]:
                print(f"    {miss}")
    for name in ("dateline_country", "dateline_city", "dateline_city_ambiguous"):
        print(f"{name:24} {figures[name]:.4f}  (n={figures['dateline_count']})")
        if arguments.verbose:
            for miss in misses[name]:
                print(f"    {miss}")
    name = "dateline_city_wrong"
    print(
        f"{name:24} {figures[name]:.4f}  (n={figures['dateline_count']}, ceiling {WRONG_CEILING})"
    )
    if arguments.verbose:
        for miss in misses[name]:
            print(f"    {miss}")
    print(f"{figures['documents']} documents in {figures['seconds']} s")
    path = write_results("anatomy", figures)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
