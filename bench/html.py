"""Benchmark of the HTML path (ingestion + anatomy) on real news pages, beside trafilatura.

Data: ``../shared/data/html-news`` (254 saved pages with gold headline, publication day,
authors and body snippets typed by annotators; see its SOURCE.md). Each page goes
through ``documents_from_bytes(..., "html")`` and the anatomy stage; claimscope's figures
come from the dossier (``anatomy.headline``, ``anatomy.published``, ``anatomy.bylines``
and the article text: the headline, then the ``anatomy.body`` span without the
boilerplate lines anatomy marks in it; the whole text when there is no body span). In the same
run, trafilatura's own reading of the same page (``bare_extraction`` with metadata and the
extraction settings claimscope passes it, so the difference is what claimscope adds) is
scored the same way, and so is htmldate with ``original_date=True`` for the day.

Figures, each for claimscope and for trafilatura:

- ``headline_exact``: headline == gold title after Unicode NFC and whitespace folding;
- ``headline_fuzzy``: difflib ratio of the two (case-folded) at least 0.9;
- ``date``: the publication day (the first ten characters of the ISO value) == gold day,
  leaving out the pages whose gold day htmldate's own label disputes (``date_conflict``);
- ``author_recall`` / ``author_precision``: names compared as sets, case-folded and
  whitespace-folded, micro-averaged over the pages whose gold lists authors (an empty
  gold list means "no gold", not "no author");
- ``body_recall``: share of the gold ``body_with`` snippets found in the body text;
- ``boilerplate_leak``: share of the gold ``body_without`` snippets found in it (lower is
  better). Snippets are searched after NFC and whitespace folding.

The pages are split by a fixed hash of their id (sha1, 70/30) into a development part,
used for tuning, and a held-out part that is only measured. The floors hold on the
development part: headline exact at least 0.85, publication day at least 0.92.

Run: ``.venv/bin/python -m bench.html [--verbose]``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from bench.common import SHARED_DATA, stage_revision, write_results
from claimscope.document import Document
from claimscope.dossier import Anatomy
from claimscope.ingestion import documents_from_bytes
from claimscope.pipeline import Pipeline
from claimscope.stages.anatomy import AnatomyStage

DATA = SHARED_DATA / "html-news"
COMMAND = ".venv/bin/python -m bench.html"
FUZZY_RATIO = 0.9
DEVELOPMENT_SHARE = 70
"""Percent of the pages (by hash of their id) in the development part."""
FLOORS = {"headline_exact": 0.85, "date": 0.92}
"""Floors of claimscope's figures on the development part."""
FIGURES = (
    "headline_exact",
    "headline_fuzzy",
    "date",
    "author_recall",
    "author_precision",
    "body_recall",
    "boilerplate_leak",
)
LOWER_IS_BETTER = frozenset({"boilerplate_leak"})


@dataclass(frozen=True)
class Gold:
    """One annotated page."""

    id: str
    file: str
    title: str
    date: str
    date_conflict: bool
    authors: tuple[str, ...]
    body_with: tuple[str, ...]
    body_without: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """What one system read off a page: headline, day, authors and main text."""

    headline: str | None
    published: str | None
    authors: tuple[str, ...]
    body: str


def fold(text: str) -> str:
    """NFC, invisible format characters (soft hyphens, U+2063) removed, whitespace folded:
    how headlines and snippets are compared, for every system alike."""
    visible = "".join(
        character
        for character in unicodedata.normalize("NFC", text)
        if unicodedata.category(character) != "Cf"
    )
    return " ".join(visible.split())


def headline_exact(got: str | None, gold: str) -> bool:
    """Whether the headline is the gold one after NFC and whitespace folding."""
    return got is not None and fold(got) == fold(gold)


def headline_fuzzy(got: str | None, gold: str) -> bool:
    """Whether the headline is within a difflib ratio of 0.9 of the gold one, case-folded."""
    if got is None:
        return False
    ratio = SequenceMatcher(None, fold(got).casefold(), fold(gold).casefold()).ratio()
    return ratio >= FUZZY_RATIO


def same_day(got: str | None, gold: str) -> bool:
    """Whether an ISO date or timestamp falls on the gold day."""
    return got is not None and got[:10] == gold


def name_key(name: str) -> str:
    """An author name as compared: NFC, whitespace-folded, case-folded."""
    return fold(name).casefold()


def author_counts(got: Iterable[str], gold: Iterable[str]) -> tuple[int, int, int]:
    """Names found in both, predicted names and gold names, each counted once."""
    got_keys = {name_key(name) for name in got if name.strip()}
    gold_keys = {name_key(name) for name in gold if name.strip()}
    return len(got_keys & gold_keys), len(got_keys), len(gold_keys)


def snippets_found(text: str, snippets: Iterable[str]) -> tuple[int, int]:
    """How many of the snippets occur in the text (after folding), and how many there are."""
    folded = fold(text)
    found = total = 0
    for snippet in snippets:
        if not fold(snippet):
            continue
        total += 1
        found += fold(snippet) in folded
    return found, total


def in_development(page_id: str) -> bool:
    """Whether a page belongs to the development part (fixed sha1 of its id, 70/30)."""
    digest = hashlib.sha1(page_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < DEVELOPMENT_SHARE


def read_gold(path: Path = DATA) -> list[Gold]:
    """The annotated pages of ``gold.jsonl``."""
    pages: list[Gold] = []
    with (path / "gold.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            pages.append(
                Gold(
                    id=record["id"],
                    file=record["file"],
                    title=record["title"],
                    date=record["date"],
                    date_conflict=bool(record.get("date_conflict")),
                    authors=tuple(record.get("authors") or ()),
                    body_with=tuple(record.get("body_with") or ()),
                    body_without=tuple(record.get("body_without") or ()),
                )
            )
    return pages


@dataclass
class Tally:
    """Running counts of one system on one part of the pages."""

    pages: int = 0
    headline_exact: int = 0
    headline_fuzzy: int = 0
    date_hits: int = 0
    date_total: int = 0
    author_both: int = 0
    author_got: int = 0
    author_gold: int = 0
    body_found: int = 0
    body_total: int = 0
    leak_found: int = 0
    leak_total: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)

    def add(self, gold: Gold, reading: Reading | None) -> None:
        """Score one page (None: the system read nothing from it)."""
        self.pages += 1
        if reading is None:
            reading = Reading(None, None, (), "")
        exact = headline_exact(reading.headline, gold.title)
        self.headline_exact += exact
        self.headline_fuzzy += headline_fuzzy(reading.headline, gold.title)
        if not exact:
            self._miss("headline", f"{gold.id}: {gold.title!r} got {reading.headline!r}")
        if not gold.date_conflict:
            self.date_total += 1
            hit = same_day(reading.published, gold.date)
            self.date_hits += hit
            if not hit:
                self._miss("date", f"{gold.id}: {gold.date} got {reading.published!r}")
        if gold.authors:
            both, got, expected = author_counts(reading.authors, gold.authors)
            self.author_both += both
            self.author_got += got
            self.author_gold += expected
            if both < max(got, expected):
                self._miss(
                    "authors", f"{gold.id}: {list(gold.authors)} got {list(reading.authors)}"
                )
        found, total = snippets_found(reading.body, gold.body_with)
        self.body_found += found
        self.body_total += total
        leaked, candidates = snippets_found(reading.body, gold.body_without)
        self.leak_found += leaked
        self.leak_total += candidates

    def _miss(self, figure: str, text: str) -> None:
        self.misses.setdefault(figure, []).append(text)

    def figures(self) -> dict[str, float | int]:
        """The figures of this tally, rounded to four places."""

        def share(part: int, whole: int) -> float:
            return round(part / whole, 4) if whole else 0.0

        return {
            "pages": self.pages,
            "headline_exact": share(self.headline_exact, self.pages),
            "headline_fuzzy": share(self.headline_fuzzy, self.pages),
            "date": share(self.date_hits, self.date_total),
            "date_pages": self.date_total,
            "author_recall": share(self.author_both, self.author_gold),
            "author_precision": share(self.author_both, self.author_got),
            "body_recall": share(self.body_found, self.body_total),
            "boilerplate_leak": share(self.leak_found, self.leak_total),
        }


def page_bytes(path: Path, gold: Gold) -> bytes:
    """The saved page, un-gzipped."""
    return gzip.decompress((path / gold.file).read_bytes())


def claimscope_reading(pipeline: Pipeline, data: bytes, source: str) -> Reading | None:
    """claimscope's headline, day, bylines and body text of a page (None: not ingested)."""
    results = list(documents_from_bytes(data, source, "html"))
    document = results[0] if results else None
    if not isinstance(document, Document):
        return None
    dossier = next(iter(pipeline.pipe([document])))
    anatomy = dossier.anatomy
    return Reading(
        headline=anatomy.headline.text if anatomy.headline else None,
        published=anatomy.published,
        authors=tuple(byline.name for byline in anatomy.bylines),
        body=article_text(document.text, anatomy),
    )


def article_text(text: str, anatomy: Anatomy) -> str:
    """The article as the dossier delimits it: the headline, then the body span without
    the boilerplate lines anatomy marks inside it (the whole text when there is no body)."""
    parts = [anatomy.headline.text] if anatomy.headline is not None else []
    body = anatomy.body
    if body is None:
        return text
    position = body.start
    for furniture in sorted(anatomy.boilerplate, key=lambda span: span.start):
        if furniture.end <= position or furniture.start >= body.end:
            continue
        parts.append(text[position : furniture.start])
        position = furniture.end
    parts.append(text[position : body.end])
    return "\n".join(parts)


def trafilatura_reading(data: bytes) -> Reading | None:
    """trafilatura's own title, date, authors and text with claimscope's settings."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=True
    )
    if extracted is None:
        return None
    author = getattr(extracted, "author", None) or ""
    return Reading(
        headline=getattr(extracted, "title", None) or None,
        published=getattr(extracted, "date", None) or None,
        authors=tuple(name.strip() for name in author.split(";") if name.strip()),
        body=getattr(extracted, "text", None) or "",
    )


def htmldate_reading(data: bytes) -> Reading:
    """htmldate's publication day alone (``original_date=True``), nothing else."""
    from htmldate import find_date

    day = find_date(data.decode("utf-8", errors="replace"), original_date=True)
    return Reading(None, day, (), "")


def _parts(pages: Sequence[Gold]) -> Iterator[tuple[str, Gold]]:
    for gold in pages:
        yield ("development" if in_development(gold.id) else "held_out"), gold


def run(path: Path = DATA, limit: int | None = None, baselines: bool = True) -> dict[str, Any]:
    """Score claimscope (and trafilatura, htmldate) on the pages at ``path``."""
    pages = read_gold(path)[:limit]
    pipeline = Pipeline(stages=[AnatomyStage()])
    systems = ("claimscope", "trafilatura", "htmldate") if baselines else ("claimscope",)
    tallies = {
        (part, system): Tally() for part in ("development", "held_out") for system in systems
    }
    seconds = dict.fromkeys(systems, 0.0)
    not_ingested: list[str] = []
    for part, gold in _parts(pages):
        data = page_bytes(path, gold)
        started = time.perf_counter()
        reading = claimscope_reading(pipeline, data, gold.file)
        seconds["claimscope"] += time.perf_counter() - started
        if reading is None:
            not_ingested.append(gold.id)
        tallies[(part, "claimscope")].add(gold, reading)
        if baselines:
            started = time.perf_counter()
            tallies[(part, "trafilatura")].add(gold, trafilatura_reading(data))
            seconds["trafilatura"] += time.perf_counter() - started
            started = time.perf_counter()
            tallies[(part, "htmldate")].add(gold, htmldate_reading(data))
            seconds["htmldate"] += time.perf_counter() - started
    figures: dict[str, Any] = {
        "data": "../shared/data/html-news",
        "command": COMMAND,
        "revision": stage_revision("anatomy"),
        "pages": len(pages),
        "not_ingested": not_ingested,
        "seconds": {system: round(value, 2) for system, value in seconds.items()},
        "floors": FLOORS,
    }
    for part in ("development", "held_out"):
        figures[part] = {}
        for system in systems:
            tally_figures: dict[str, Any] = tallies[(part, system)].figures()
            if system == "htmldate":
                tally_figures = {"pages": tally_figures["pages"], "date": tally_figures["date"]}
            figures[part][system] = tally_figures
    figures["misses"] = {
        part: tallies[(part, "claimscope")].misses for part in ("development", "held_out")
    }
    return figures


def floor_failures(figures: dict[str, Any]) -> list[str]:
    """The floors claimscope's development figures miss, as 'name value < floor'."""
    development = figures["development"]["claimscope"]
    return [
        f"{name} {development[name]} < {floor}"
        for name, floor in FLOORS.items()
        if development[name] < floor
    ]


def _print_table(part: str, systems: dict[str, dict[str, Any]]) -> None:
    names = list(systems)
    print(f"{part} ({systems['claimscope']['pages']} pages)")
    print(f"  {'figure':18}" + "".join(f"{name:>13}" for name in names))
    for figure in FIGURES:
        cells = [
            f"{systems[name][figure]:>13.4f}" if figure in systems[name] else f"{'':>13}"
            for name in names
        ]
        print(f"  {figure:18}" + "".join(cells))


def main() -> None:
    """Run the benchmark, print the figures and write bench/results/html.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="print claimscope's misses")
    parser.add_argument(
        "--held-out", action="store_true", help="with --verbose, print held-out misses too"
    )
    arguments = parser.parse_args()
    figures = run()
    misses = figures.pop("misses")
    for part in ("development", "held_out"):
        _print_table(part, figures[part])
    if figures["not_ingested"]:
        print(f"not ingested: {', '.join(figures['not_ingested'])}")
    failures = floor_failures(figures)
    print("floors (development): " + ("met" if not failures else "; ".join(failures)))
    if arguments.verbose:
        for part in ("development", "held_out") if arguments.held_out else ("development",):
            for figure, lines in misses[part].items():
                print(f"{part} {figure} misses ({len(lines)}):")
                for line in lines:
                    print(f"    {line}")
    path = write_results("html", figures)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
