"""The public face of the technique models: find spans in a text, classify given spans.

``find_techniques`` chains span identification and technique classification for any
text; ``classify_spans`` is the TC step alone; ``score_span_lines`` answers the task's TC
input format (``article_id<TAB>start<TAB>end``) in its output format
(``article_id<TAB>technique<TAB>start<TAB>end``). A technique span is a finding with a
score, never a verdict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from claimscope.stages.techniques.classification import SpanClassifier, doc_names, tagged
from claimscope.stages.techniques.corpus import article_path, parse_article_id, read_text
from claimscope.stages.techniques.features import Name
from claimscope.stages.techniques.identification import SpanIdentifier

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class TechniqueSpan:
    """A span of the text that uses a technique; score = P(span) × P(technique | span)."""

    technique: str
    start: int
    end: int
    score: float


def find_techniques(
    text: str,
    identifier: SpanIdentifier | None = None,
    classifier: SpanClassifier | None = None,
    doc: Doc | None = None,
    names: Iterable[Name] | None = None,
) -> list[TechniqueSpan]:
    """Technique spans of a text, in text order (packaged models unless others are given).

    ``doc``, a spaCy Doc of the text (ValueError if of another), saves tagging it again.
    ``names``, ``(start, end, label)`` spans of the text, are the names both models read as
    their type (``claimscope.text.names``); without them, the names among the Doc's
    entities.
    """
    doc = tagged(text, doc)
    kept = doc_names(doc) if names is None else list(names)
    identifier = identifier or SpanIdentifier.load()
    classifier = classifier or SpanClassifier.load()
    found = identifier.find(text, kept)
    if not found:
        return []
    probabilities = classifier.classify(text, [(start, end) for start, end, _ in found], doc, kept)
    result: list[TechniqueSpan] = []
    for (start, end, span_score), row in zip(found, probabilities, strict=True):
        best = int(np.argmax(row))
        score = min(1.0, max(0.0, span_score * float(row[best])))
        result.append(TechniqueSpan(classifier.labels[best], start, end, round(score, 4)))
    return result


def classify_spans(
    text: str,
    spans: Sequence[tuple[int, int]],
    classifier: SpanClassifier | None = None,
    doc: Doc | None = None,
    names: Iterable[Name] | None = None,
) -> list[tuple[str, float]]:
    """For each given span of a text, its most probable technique and that probability
    (``doc``, a spaCy Doc of the text, saves tagging it again; ``names`` as for
    :func:`find_techniques`)."""
    for start, end in spans:
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span {start}-{end} is not inside the text of {len(text)} characters")
    classifier = classifier or SpanClassifier.load()
    probabilities = classifier.classify(text, spans, doc, names)
    return [(classifier.labels[int(np.argmax(row))], float(np.max(row))) for row in probabilities]


def score_span_lines(
    articles_dir: Path, lines: Iterable[str], classifier: SpanClassifier | None = None
) -> Iterator[str]:
    """``article_id<TAB>technique<TAB>start<TAB>end`` for each ``article_id<TAB>start<TAB>end``
    line (blank lines skipped; a bad line raises ValueError naming its number).

    A span listed k times (the task's way of giving one span several techniques) gets its
    k most probable techniques, one per line, in order. Each article is tagged once.
    """
    requests: list[tuple[int, int, int]] = []
    texts: dict[int, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) != 3:
            raise ValueError(f"line {number}: expected article_id<TAB>start<TAB>end")
        try:
            article_id = parse_article_id(fields[0])
            start, end = int(fields[1]), int(fields[2])
        except ValueError as error:
            raise ValueError(f"line {number}: {error}") from error
        if article_id not in texts:
            path = article_path(articles_dir, article_id)
            try:
                texts[article_id] = read_text(path)
            except (OSError, UnicodeDecodeError) as error:
                raise ValueError(f"line {number}: cannot read {path}: {error}") from error
        if not 0 <= start < end <= len(texts[article_id]):
            raise ValueError(
                f"line {number}: span {start}-{end} is not inside article {article_id} "
                f"({len(texts[article_id])} characters)"
            )
        requests.append((article_id, start, end))
    classifier = classifier or SpanClassifier.load()
    by_article: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for article_id, start, end in requests:
        if (start, end) not in by_article[article_id]:
            by_article[article_id].append((start, end))
    ranked: dict[tuple[int, int, int], list[str]] = {}
    for article_id, spans in by_article.items():
        probabilities = classifier.classify(texts[article_id], spans)
        for (start, end), row in zip(spans, probabilities, strict=True):
            order = np.argsort(-row, kind="stable")
            ranked[(article_id, start, end)] = [classifier.labels[int(index)] for index in order]
    seen: dict[tuple[int, int, int], int] = defaultdict(int)
    for key in requests:
        labels = ranked[key]
        technique = labels[min(seen[key], len(labels) - 1)]
        seen[key] += 1
        article_id, start, end = key
        yield f"{article_id}\t{technique}\t{start}\t{end}"
