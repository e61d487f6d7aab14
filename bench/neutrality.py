"""Counterfactual neutrality: does claimscope read a text the same whatever side it names?

Each document is analysed twice: as it is, and with the names of two sides exchanged
consistently ("Clinton" ↔ "Trump", "Democrats" ↔ "Republicans", "Azerbaijan" ↔ "Armenia",
"Baku" ↔ "Yerevan", ...). A tool that treats every side alike finds the same claims,
voices, citations and technique spans in both versions, with the same scores.

The swap (:class:`SwapList`) is one simultaneous substitution of whole words: every name
of a pair becomes the other at once (so "Trump beat Clinton" becomes "Clinton beat
Trump"), an all-capitals name stays in capitals ("TRUMP" → "CLINTON"), possessives and
hyphenated compounds follow ("Trump's" → "Clinton's", "anti-Trump" → "anti-Clinton"), a
name inside a longer word is left alone ("Trumpism", lower-case "trump"). A ``one_way``
entry only maps its first name to its second ("Democrat" → "Republican", since
"Republican" already maps back to "Democratic"); a ``noun_forms`` entry says which form a
name takes when it stands as a noun ("a Republican who ..." → "a Democrat who ...": before a
possessive, punctuation or a word of ``noun_followers``); ``keep`` phrases are never
touched ("New Mexico", "Indian Ocean"). Every replacement is recorded, so any span of the
original maps onto the swapped text (:meth:`Swapped.span`): offsets between names move by
the difference in length so far, and a span that starts or ends inside a name starts or
ends with its replacement.

The swap lists are data, ``bench/data/neutrality_swaps.json``, one list per corpus; how
they were chosen is in ``bench/data/NEUTRALITY.md``.

Documents (``../shared/data``): the 84 PolNeAR dev articles (US election news of
October–November 2016), the bundled example, and the Wikinews 2019 and Reuters-21578
stories that name the most sides of the international list (25 of each, at least
``MIN_NAMES`` swapped names each). Both versions go through the default pipeline.

Figures, per corpus and overall (spans of the original mapped onto the swapped version):

- techniques: spans matched one-to-one by overlap (largest overlap first; between equal
  overlaps a pair with the same label first), ``label_agreement`` = matched spans with the
  same technique / matched spans (the floor's figure), ``kept_with_label`` = the same over
  all spans of the original, ``kept_exactly`` = spans of the original found with exactly
  the mapped span and the same technique / all spans of the original;
- claims: the same claim = a claim of the swapped version whose span is exactly the mapped
  span of the original's; ``mean_abs_delta`` and ``max_abs_delta`` of their
  check-worthiness, the Spearman rank correlation of their scores per document (mean over
  documents with at least three such claims and scores that are not all tied), and the
  share of documents with equal claim counts, with the list of those that differ;
- voices and citations: equal counts per document, and over the pairs matched by overlap
  (voice content; citation span) the share with the same kind and the same speaker or
  issuer once the original's is swapped too ("Trump" as speaker must become "Clinton").

Floors (``FLOORS``): technique label agreement ≥ 0.95, mean |Δ| check-worthiness ≤ 0.01,
max ≤ 0.10, equal claim counts on every document. They are reported here;
``tests/test_bench_neutrality.py`` checks the recorded figures against those they clear
with the retrained models (all but the maximum |Δ|, 0.110 on the recorded run).

Run: ``.venv/bin/python -m bench.neutrality [--limit N] [--verbose]``.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import functools
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scipy.stats import spearmanr

from bench.anatomy import unescape
from bench.common import ROOT, SHARED_DATA, stage_revision, write_results
from bench.polnear import POLNEAR, read_split
from claimscope.document import Document
from claimscope.dossier import Dossier
from claimscope.ingestion import make_document
from claimscope.pipeline import Pipeline

COMMAND = ".venv/bin/python -m bench.neutrality"
SWAPS = ROOT / "bench" / "data" / "neutrality_swaps.json"
EXAMPLE = ROOT / "examples" / "trend-2023-08-01-civil-society-statement.txt"
WIKINEWS = SHARED_DATA / "wikinews" / "wikinews_2019.csv"
REUTERS = SHARED_DATA / "reuters21578" / "stories.jsonl"
INTERNATIONAL_PER_CORPUS = 25
"""How many Wikinews and how many Reuters stories the benchmark reads."""
MIN_NAMES = 3
"""A Wikinews or Reuters story is read only when the swap changes at least this many names."""
MIN_RANKED_CLAIMS = 3
"""A document's rank correlation counts when it has at least this many matched claims."""
FLOORS = {
    "technique_label_agreement_min": 0.95,
    "checkworthiness_mean_abs_delta_max": 0.01,
    "checkworthiness_max_abs_delta_max": 0.10,
    "equal_claim_counts_min": 1.0,
}

Extent = tuple[int, int]


# --- the swap ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Replacement:
    """One name replaced: where it was in the original and where its replacement is."""

    original_start: int
    original_end: int
    swapped_start: int
    swapped_end: int


@dataclass(frozen=True)
class Swapped:
    """A text with names exchanged, and the replacements that map offsets between versions."""

    original: str
    text: str
    replacements: tuple[Replacement, ...]

    def offset(self, position: int, *, closing: bool = False) -> int:
        """Where an offset of the original lies in the swapped text.

        An offset strictly inside a replaced name maps to the start of its replacement, or,
        for the end of a span (``closing``), to its end.
        """
        # The replacements that end at or before the position shift it by their difference.
        before = bisect.bisect_right(self._original_ends, position)
        shift = 0
        if before:
            last = self.replacements[before - 1]
            shift = last.swapped_end - last.original_end
        if before < len(self.replacements):
            inside = self.replacements[before]
            if inside.original_start < position < inside.original_end:
                return inside.swapped_end if closing else inside.swapped_start
        return position + shift

    @functools.cached_property
    def _original_ends(self) -> list[int]:
        return [replacement.original_end for replacement in self.replacements]

    def span(self, start: int, end: int) -> Extent:
        """The span of the swapped text that an original span maps onto."""
        return self.offset(start), self.offset(end, closing=True)


_WORD_AFTER_RE = re.compile(r"[ \t]{1,3}([^\W\d_]{1,30})")
_POSSESSIVE_RE = re.compile(r"['’]s(?!\w)")


@dataclass(frozen=True)
class SwapList:
    """Names exchanged in one simultaneous, whole-word substitution."""

    name: str
    targets: dict[str, str]
    noun_forms: dict[str, str] = field(default_factory=dict)
    noun_followers: frozenset[str] = frozenset()
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Longest names first, so that "Mexico City" wins over "Mexico"; one alternation of
        # literals between word boundaries keeps the search linear in the text.
        forms = sorted(self.targets, key=lambda form: (-len(form), form))
        alternation = "|".join(re.escape(form) for form in forms) or "(?!)"
        object.__setattr__(self, "pattern", re.compile(rf"(?<!\w)(?:{alternation})(?!\w)"))

    @classmethod
    def from_data(
        cls, name: str, data: dict[str, Any], noun_followers: Iterable[str] = ()
    ) -> SwapList:
        """Build a swap list from its JSON form: pairs, one-way names, noun forms, kept phrases.

        Every name gets its all-capitals variant; a name mapped twice is a ValueError,
        since the swap would then depend on the order of the list.
        """
        targets: dict[str, str] = {}

        def add(source: str, target: str) -> None:
            if source in targets:
                raise ValueError(f"swap list {name!r}: {source!r} is mapped twice")
            targets[source] = target

        for first, second in data.get("pairs", []):
            add(first, second)
            add(second, first)
        for source, target in data.get("one_way", []):
            add(source, target)
        for phrase in data.get("keep", []):
            add(phrase, phrase)
        for source, target in list(targets.items()):
            if source.upper() != source and source.upper() not in targets:
                targets[source.upper()] = target.upper()
        noun_forms = dict(data.get("noun_forms", {}))
        for source, target in list(noun_forms.items()):
            if source not in targets:
                raise ValueError(f"swap list {name!r}: noun form of unknown name {source!r}")
            noun_forms[source.upper()] = target.upper()
        return cls(
            name=name,
            targets=targets,
            noun_forms=noun_forms,
            noun_followers=frozenset(noun_followers),
        )

    def _stands_as_noun(self, text: str, end: int) -> bool:
        """Whether the name ending at ``end`` is used as a noun: before a possessive, a
        punctuation mark, the end of the text or a word such as "who" or "said"."""
        if end >= len(text) or _POSSESSIVE_RE.match(text, end):
            return True
        following = text[end]
        if following.isspace():
            word = _WORD_AFTER_RE.match(text, end)
            return word is not None and word.group(1) in self.noun_followers
        # A hyphen joins the name to a compound ("Republican-led"): it is an adjective.
        return following not in "-‐‑–"

    def swap(self, text: str, *, nouns: bool = True) -> Swapped:
        """The text with every listed name exchanged, and the replacements made (with
        ``nouns`` false, a name never takes its noun form)."""
        pieces: list[str] = []
        replacements: list[Replacement] = []
        position = 0
        swapped_length = 0
        for match in self.pattern.finditer(text):
            name = match.group()
            target = self.targets[name]
            if nouns and name in self.noun_forms and self._stands_as_noun(text, match.end()):
                target = self.noun_forms[name]
            unchanged = text[position : match.start()]
            pieces.append(unchanged)
            swapped_length += len(unchanged)
            position = match.end()
            if target == name:
                pieces.append(name)
                swapped_length += len(name)
                continue
            replacements.append(
                Replacement(
                    match.start(), match.end(), swapped_length, swapped_length + len(target)
                )
            )
            pieces.append(target)
            swapped_length += len(target)
        pieces.append(text[position:])
        return Swapped(text, "".join(pieces), tuple(replacements))

    def swapped_names(self, value: str | None) -> set[str | None]:
        """What a name or phrase from a dossier (a speaker, an issuer) may read after the
        swap: out of its sentence, "Republican" may have become "Democrat" or "Democratic"."""
        if value is None:
            return {None}
        return {self.swap(value).text, self.swap(value, nouns=False).text}


def load_swap_lists(path: Path = SWAPS) -> tuple[dict[str, SwapList], dict[str, str]]:
    """The swap lists by name, and which list each corpus uses."""
    data = json.loads(path.read_text(encoding="utf-8"))
    followers = data.get("noun_followers", [])
    lists = {
        name: SwapList.from_data(name, entry, followers) for name, entry in data["lists"].items()
    }
    corpora = dict(data["corpora"])
    unknown = set(corpora.values()) - set(lists)
    if unknown:
        raise ValueError(f"corpora name unknown swap lists: {', '.join(sorted(unknown))}")
    return lists, corpora


# --- the documents -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """A document, its swapped version and the swap that made it."""

    corpus: str
    source: str
    original: Document
    swapped: Document
    swap: Swapped
    swap_list: SwapList


def make_pair(corpus: str, source: str, text: str, swap_list: SwapList) -> Pair | None:
    """Ingest a text and its swapped version; None when ingestion would move the offsets."""
    original = make_document(text, source)
    swap = swap_list.swap(original.text)
    swapped = make_document(swap.text, f"{source} (swapped)")
    # Normalisation (NFC, newlines) must leave the swapped text as the swap wrote it, or
    # the offset map would not hold; a name next to a combining mark could break that.
    if swapped.text != swap.text:
        return None
    return Pair(corpus, source, original, swapped, swap, swap_list)


def polnear_texts(limit: int | None) -> list[tuple[str, str]]:
    """(source, text) of the PolNeAR dev articles, in sorted order."""
    return [
        (f"polnear/dev/{article.name}", article.text)
        for article in read_split("dev", POLNEAR, limit=limit)
    ]


def wikinews_texts() -> list[tuple[str, str]]:
    """(source, text) of the Wikinews 2019 articles with a text."""
    csv.field_size_limit(sys.maxsize)
    with WIKINEWS.open(encoding="utf-8", newline="") as handle:
        return [
            (f"wikinews:{row_number}", row["text"])
            for row_number, row in enumerate(csv.DictReader(handle), start=2)
            if row["text"].strip()
        ]


def reuters_texts() -> list[tuple[str, str]]:
    """(source, text) of the Reuters-21578 stories with a body (as bench.throughput reads them)."""
    texts = []
    with REUTERS.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["body"] is not None:
                texts.append((f"reuters21578#{record['newid']}", unescape(record["raw"])))
    return texts


def most_named(
    texts: Sequence[tuple[str, str]], swap_list: SwapList, count: int
) -> list[tuple[str, str]]:
    """The ``count`` texts in which the swap changes the most names (at least MIN_NAMES),
    in their corpus order."""
    named = [
        (len(swap_list.swap(text).replacements), index) for index, (_, text) in enumerate(texts)
    ]
    chosen = sorted(
        (entry for entry in named if entry[0] >= MIN_NAMES), key=lambda e: (-e[0], e[1])
    )[:count]
    return [texts[index] for _, index in sorted(chosen, key=lambda entry: entry[1])]


def build_pairs(limit: int | None = None, path: Path = SWAPS) -> list[Pair]:
    """The document pairs of the benchmark (``limit`` caps PolNeAR and each news corpus)."""
    lists, corpora = load_swap_lists(path)
    per_corpus = INTERNATIONAL_PER_CORPUS if limit is None else min(limit, INTERNATIONAL_PER_CORPUS)
    sources: list[tuple[str, list[tuple[str, str]]]] = [
        ("example", [("example", EXAMPLE.read_text(encoding="utf-8"))]),
    ]
    if POLNEAR.exists():
        sources.append(("polnear", polnear_texts(limit)))
    if WIKINEWS.exists():
        sources.append(
            ("wikinews", most_named(wikinews_texts(), lists[corpora["wikinews"]], per_corpus))
        )
    if REUTERS.exists():
        sources.append(
            (
                "reuters21578",
                most_named(reuters_texts(), lists[corpora["reuters21578"]], per_corpus),
            )
        )
    pairs = []
    for corpus, texts in sources:
        swap_list = lists[corpora[corpus]]
        for source, text in texts:
            pair = make_pair(corpus, source, text, swap_list)
            if pair is None:
                print(f"skipped {source}: normalisation moves the swapped text's offsets")
            else:
                pairs.append(pair)
    return pairs


# --- comparing two dossiers ----------------------------------------------------------------


def overlap_size(first: Extent, second: Extent) -> int:
    """How many characters two spans share."""
    return max(0, min(first[1], second[1]) - max(first[0], second[0]))


def match_by_overlap(
    original: Sequence[Extent],
    swapped: Sequence[Extent],
    same: Callable[[int, int], bool] = lambda _first, _second: False,
) -> list[tuple[int, int]]:
    """One-to-one (original index, swapped index) pairs of overlapping spans.

    Largest overlap first; between equal overlaps a pair that ``same`` accepts goes first,
    then the earlier spans, so the result does not depend on the order of the lists.
    """
    candidates = [
        (overlap_size(first, second), not same(i, j), first, second, i, j)
        for i, first in enumerate(original)
        for j, second in enumerate(swapped)
        if overlap_size(first, second) > 0
    ]
    candidates.sort(key=lambda candidate: (-candidate[0], *candidate[1:]))
    used_original: set[int] = set()
    used_swapped: set[int] = set()
    pairs = []
    for _, _, _, _, i, j in candidates:
        if i in used_original or j in used_swapped:
            continue
        used_original.add(i)
        used_swapped.add(j)
        pairs.append((i, j))
    return sorted(pairs)


@dataclass
class DocumentComparison:
    """What changed between one document's two dossiers."""

    corpus: str
    source: str
    names_swapped: int
    techniques: tuple[int, int] = (0, 0)
    techniques_matched: int = 0
    techniques_same_label: int = 0
    techniques_same_span_and_label: int = 0
    label_changes: list[tuple[str, str]] = field(default_factory=list)
    claims: tuple[int, int] = (0, 0)
    claim_deltas: list[float] = field(default_factory=list)
    claim_spearman: float | None = None
    largest_delta: tuple[float, str, str] | None = None
    voices: tuple[int, int] = (0, 0)
    voices_matched: int = 0
    voices_same_kind: int = 0
    voices_same_speaker: int = 0
    voice_speaker_changes: list[tuple[str | None, str | None]] = field(default_factory=list)
    citations: tuple[int, int] = (0, 0)
    citations_matched: int = 0
    citations_same_kind: int = 0
    citations_same_issuer: int = 0


def compare(pair: Pair, original: Dossier, swapped: Dossier) -> DocumentComparison:
    """Compare the dossiers of a document and its swapped version."""
    swap = pair.swap
    result = DocumentComparison(pair.corpus, pair.source, len(swap.replacements))

    # Techniques: overlapping spans, preferring a pair with the same label on ties.
    first_techniques, second_techniques = original.techniques, swapped.techniques
    result.techniques = (len(first_techniques), len(second_techniques))
    matches = match_by_overlap(
        [swap.span(t.start, t.end) for t in first_techniques],
        [(t.start, t.end) for t in second_techniques],
        lambda i, j: first_techniques[i].technique == second_techniques[j].technique,
    )
    result.techniques_matched = len(matches)
    swapped_spans = Counter((t.start, t.end, t.technique) for t in second_techniques)
    for technique in first_techniques:
        key = (*swap.span(technique.start, technique.end), technique.technique)
        if swapped_spans[key] > 0:
            swapped_spans[key] -= 1
            result.techniques_same_span_and_label += 1
    for i, j in matches:
        label, twin_label = first_techniques[i].technique, second_techniques[j].technique
        if label == twin_label:
            result.techniques_same_label += 1
        else:
            result.label_changes.append((label, twin_label))

    # Claims: the same claim is the one whose span the original's maps onto exactly.
    result.claims = (len(original.claims), len(swapped.claims))
    by_span = {(claim.start, claim.end): claim for claim in swapped.claims}
    scores: list[tuple[float, float]] = []
    for claim in original.claims:
        twin = by_span.get(swap.span(claim.start, claim.end))
        if twin is None:
            continue
        delta = abs(claim.checkworthiness - twin.checkworthiness)
        result.claim_deltas.append(delta)
        scores.append((claim.checkworthiness, twin.checkworthiness))
        if result.largest_delta is None or delta > result.largest_delta[0]:
            result.largest_delta = (round(delta, 4), claim.text, twin.text)
    result.claim_spearman = rank_correlation(scores)

    # Voices: matched by their content; the speaker must be the original's, swapped.
    result.voices = (len(original.voices), len(swapped.voices))
    voice_matches = match_by_overlap(
        [swap.span(v.content.start, v.content.end) for v in original.voices],
        [(v.content.start, v.content.end) for v in swapped.voices],
        lambda i, j: original.voices[i].kind == swapped.voices[j].kind,
    )
    result.voices_matched = len(voice_matches)
    for i, j in voice_matches:
        before, after = original.voices[i], swapped.voices[j]
        result.voices_same_kind += before.kind == after.kind
        if after.speaker in pair.swap_list.swapped_names(before.speaker):
            result.voices_same_speaker += 1
        else:
            result.voice_speaker_changes.append((before.speaker, after.speaker))

    # Citations: matched by their span; the issuer must be the original's, swapped.
    result.citations = (len(original.citations), len(swapped.citations))
    citation_matches = match_by_overlap(
        [swap.span(c.start, c.end) for c in original.citations],
        [(c.start, c.end) for c in swapped.citations],
        lambda i, j: original.citations[i].kind == swapped.citations[j].kind,
    )
    result.citations_matched = len(citation_matches)
    for i, j in citation_matches:
        before_citation, after_citation = original.citations[i], swapped.citations[j]
        result.citations_same_kind += before_citation.kind == after_citation.kind
        result.citations_same_issuer += after_citation.issuer in pair.swap_list.swapped_names(
            before_citation.issuer
        )
    return result


def rank_correlation(scores: Sequence[tuple[float, float]]) -> float | None:
    """Spearman's rho between the two versions' scores of the same claims (None when there
    are too few claims, or one version's scores are all tied)."""
    if len(scores) < MIN_RANKED_CLAIMS:
        return None
    first = [score for score, _ in scores]
    second = [score for _, score in scores]
    if len(set(first)) < 2 or len(set(second)) < 2:
        return None
    rho = float(spearmanr(first, second).statistic)
    return None if math.isnan(rho) else rho


# --- figures -------------------------------------------------------------------------------


def _share(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def summarise(comparisons: Sequence[DocumentComparison]) -> dict[str, Any]:
    """The figures of a set of document comparisons."""
    deltas = [delta for c in comparisons for delta in c.claim_deltas]
    correlations = [c.claim_spearman for c in comparisons if c.claim_spearman is not None]
    matched = sum(c.techniques_matched for c in comparisons)
    same_label = sum(c.techniques_same_label for c in comparisons)
    label_changes = Counter(
        f"{before} -> {after}" for c in comparisons for before, after in c.label_changes
    )
    claims_original = sum(c.claims[0] for c in comparisons)
    largest = max(
        (c for c in comparisons if c.largest_delta is not None),
        key=lambda c: c.largest_delta[0] if c.largest_delta else 0.0,
        default=None,
    )
    voices_matched = sum(c.voices_matched for c in comparisons)
    citations_matched = sum(c.citations_matched for c in comparisons)
    return {
        "documents": len(comparisons),
        "names_swapped": sum(c.names_swapped for c in comparisons),
        "techniques": {
            "spans_original": sum(c.techniques[0] for c in comparisons),
            "spans_swapped": sum(c.techniques[1] for c in comparisons),
            "matched": matched,
            "same_label": same_label,
            "label_agreement": _share(same_label, matched),
            "kept_with_label": _share(same_label, sum(c.techniques[0] for c in comparisons)),
            "kept_exactly": _share(
                sum(c.techniques_same_span_and_label for c in comparisons),
                sum(c.techniques[0] for c in comparisons),
            ),
            "label_changes": dict(label_changes.most_common(10)),
        },
        "claims": {
            "claims_original": claims_original,
            "claims_swapped": sum(c.claims[1] for c in comparisons),
            "matched": len(deltas),
            "matched_share": _share(len(deltas), claims_original),
            "checkworthiness_mean_abs_delta": (
                round(sum(deltas) / len(deltas), 4) if deltas else None
            ),
            "checkworthiness_max_abs_delta": round(max(deltas), 4) if deltas else None,
            "largest_delta": (
                {
                    "source": largest.source,
                    "delta": largest.largest_delta[0],
                    "original": largest.largest_delta[1],
                    "swapped": largest.largest_delta[2],
                }
                if largest is not None and largest.largest_delta is not None
                else None
            ),
            "spearman_mean": (
                round(sum(correlations) / len(correlations), 4) if correlations else None
            ),
            "spearman_documents": len(correlations),
            "equal_counts": _share(
                sum(c.claims[0] == c.claims[1] for c in comparisons), len(comparisons)
            ),
            "documents_with_other_counts": [
                {"source": c.source, "original": c.claims[0], "swapped": c.claims[1]}
                for c in comparisons
                if c.claims[0] != c.claims[1]
            ],
        },
        "voices": {
            "voices_original": sum(c.voices[0] for c in comparisons),
            "voices_swapped": sum(c.voices[1] for c in comparisons),
            "equal_counts": _share(
                sum(c.voices[0] == c.voices[1] for c in comparisons), len(comparisons)
            ),
            "matched": voices_matched,
            "same_kind": _share(sum(c.voices_same_kind for c in comparisons), voices_matched),
            "same_speaker": _share(sum(c.voices_same_speaker for c in comparisons), voices_matched),
            "documents_with_other_counts": [
                {"source": c.source, "original": c.voices[0], "swapped": c.voices[1]}
                for c in comparisons
                if c.voices[0] != c.voices[1]
            ],
        },
        "citations": {
            "citations_original": sum(c.citations[0] for c in comparisons),
            "citations_swapped": sum(c.citations[1] for c in comparisons),
            "equal_counts": _share(
                sum(c.citations[0] == c.citations[1] for c in comparisons), len(comparisons)
            ),
            "matched": citations_matched,
            "same_kind": _share(sum(c.citations_same_kind for c in comparisons), citations_matched),
            "same_issuer": _share(
                sum(c.citations_same_issuer for c in comparisons), citations_matched
            ),
        },
    }


def floor_failures(figures: dict[str, Any]) -> list[str]:
    """The floors that the overall figures miss, one line each."""
    failures = []
    agreement = figures["techniques"]["label_agreement"]
    if agreement is not None and agreement < FLOORS["technique_label_agreement_min"]:
        failures.append(f"technique label agreement {agreement} < 0.95")
    mean_delta = figures["claims"]["checkworthiness_mean_abs_delta"]
    if mean_delta is not None and mean_delta > FLOORS["checkworthiness_mean_abs_delta_max"]:
        failures.append(f"mean |Δ| check-worthiness {mean_delta} > 0.01")
    max_delta = figures["claims"]["checkworthiness_max_abs_delta"]
    if max_delta is not None and max_delta > FLOORS["checkworthiness_max_abs_delta_max"]:
        failures.append(f"max |Δ| check-worthiness {max_delta} > 0.10")
    equal = figures["claims"]["equal_counts"]
    if equal is not None and equal < FLOORS["equal_claim_counts_min"]:
        failures.append(f"equal claim counts on {equal} of documents < 1.0")
    return failures


def analyse(pipeline: Pipeline, pairs: Sequence[Pair]) -> list[DocumentComparison]:
    """Analyse both versions of every document and compare them."""
    originals = pipeline.pipe([pair.original for pair in pairs])
    swapped = pipeline.pipe([pair.swapped for pair in pairs])
    return [
        compare(pair, first, second)
        for pair, first, second in zip(pairs, originals, swapped, strict=True)
    ]


def run(
    limit: int | None = None, pipeline: Pipeline | None = None, path: Path = SWAPS
) -> tuple[dict[str, Any], list[DocumentComparison]]:
    """Build the pairs, analyse them and return the figures with the comparisons."""
    pairs = build_pairs(limit, path)
    started = time.perf_counter()
    comparisons = analyse(pipeline or Pipeline(), pairs)
    seconds = time.perf_counter() - started
    corpora = sorted({c.corpus for c in comparisons})
    overall = summarise(comparisons)
    figures: dict[str, Any] = {
        "command": COMMAND + (f" --limit {limit}" if limit is not None else ""),
        "revisions": {
            stage: stage_revision(stage)
            for stage in ("claims", "voices", "citations", "techniques")
        },
        "swap_lists": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "floors": FLOORS,
        "floor_failures": floor_failures(overall),
        "seconds": round(seconds, 1),
        "overall": overall,
        "corpora": {
            corpus: summarise([c for c in comparisons if c.corpus == corpus]) for corpus in corpora
        },
    }
    return figures, comparisons


def _table(figures: dict[str, Any]) -> str:
    rows = [("overall", figures["overall"]), *figures["corpora"].items()]
    lines = [
        f"{'corpus':14} {'docs':>5} {'names':>6} {'label':>6} {'mean|Δ|':>8} {'max|Δ|':>7} "
        f"{'rho':>6} {'=claims':>8} {'=voices':>8} {'speaker':>8} {'=cites':>7}"
    ]

    def cell(value: float | None, width: int) -> str:
        return f"{'-':>{width}}" if value is None else f"{value:>{width}.3f}"

    for name, entry in rows:
        claims = entry["claims"]
        lines.append(
            f"{name:14} {entry['documents']:>5} {entry['names_swapped']:>6} "
            f"{cell(entry['techniques']['label_agreement'], 6)} "
            f"{cell(claims['checkworthiness_mean_abs_delta'], 8)} "
            f"{cell(claims['checkworthiness_max_abs_delta'], 7)} "
            f"{cell(claims['spearman_mean'], 6)} {cell(claims['equal_counts'], 8)} "
            f"{cell(entry['voices']['equal_counts'], 8)} "
            f"{cell(entry['voices']['same_speaker'], 8)} "
            f"{cell(entry['citations']['equal_counts'], 7)}"
        )
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="documents per corpus at most")
    parser.add_argument("--verbose", action="store_true", help="print what changed per document")
    arguments = parser.parse_args()
    figures, comparisons = run(arguments.limit)
    if arguments.verbose:
        for comparison in comparisons:
            changed = comparison.claims[0] != comparison.claims[1] or (
                comparison.voices[0] != comparison.voices[1]
            )
            if changed or comparison.label_changes or comparison.voice_speaker_changes:
                print(
                    f"{comparison.source}: claims {comparison.claims}, voices "
                    f"{comparison.voices}, labels {comparison.label_changes[:5]}, speakers "
                    f"{comparison.voice_speaker_changes[:5]}"
                )
    print(_table(figures))
    for failure in figures["floor_failures"]:
        print(f"below floor: {failure}")
    if arguments.limit is None:
        print(f"written to {write_results('neutrality', figures)}")
    else:
        print("not written: --limit runs a subset")


if __name__ == "__main__":
    main()
