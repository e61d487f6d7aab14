"""Reader of PolNeAR, the Political News Attribution Relations corpus (brat standoff).

Layout (see ``../shared/data/polnear/SOURCE.md``): ``<split>/text/<article>.txt`` and
``<split>/attributions/<article>_<annotator>.ann``. An ``.ann`` file holds text-bound
lines ``T<n>\\t<Type> <start> <end>[;<start> <end>...]\\t<covered text>`` (the covered
text may run over a line break, so a line that does not open a ``T``/``E``/``#`` record
continues the one before), event lines ``E<n>\\tAttribution:T<a> Content:T<b> ...`` and
note lines ``#<n>\\t...``. Articles annotated by several people have one ``.ann`` file
per annotator; :func:`read_split` keeps the first in sorted order, so every article is
scored against exactly one annotation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import SHARED_DATA

POLNEAR = SHARED_DATA / "polnear"
ROLE_TYPES = ("Source", "Cue", "Content")
"""The text-bound types that are attribution roles (``Discard``/``Discuss`` are flags)."""

_RECORD_START = re.compile(r"^[TE#]\d+\t")
_ANNOTATION_FILE = re.compile(r"^(?P<article>.+)_(?P<annotator>[0-9a-f]{4})\.ann$")

Extent = tuple[int, int]
"""A ``(start, end)`` pair of character offsets, end exclusive."""


@dataclass(frozen=True)
class TextBound:
    """One text-bound annotation: its type, its fragments and the text they cover."""

    identifier: str
    type: str
    fragments: tuple[Extent, ...]
    covered: str

    @property
    def extent(self) -> Extent:
        """The whole span from the first fragment's start to the last fragment's end."""
        return (
            min(start for start, _ in self.fragments),
            max(end for _, end in self.fragments),
        )


@dataclass(frozen=True)
class Event:
    """One attribution relation: its trigger type and its role arguments by name."""

    identifier: str
    type: str
    trigger: str
    arguments: dict[str, str] = field(default_factory=dict)


@dataclass
class Article:
    """One article's text with the annotation of one annotator."""

    name: str
    annotator: str
    annotators: int
    text: str
    annotations: dict[str, TextBound]
    events: list[Event]

    def of_type(self, type_name: str) -> list[TextBound]:
        """The text-bound annotations of one type, in file order."""
        return [note for note in self.annotations.values() if note.type == type_name]

    def misaligned(self) -> list[str]:
        """Identifiers of annotations whose covered text differs from the article text."""
        wrong = []
        for note in self.annotations.values():
            pieces = " ".join(self.text[start:end] for start, end in note.fragments)
            if pieces != note.covered:
                wrong.append(note.identifier)
        return wrong


def _records(lines: list[str]) -> Iterator[str]:
    """Join continuation lines to the record they belong to."""
    current: str | None = None
    for line in lines:
        if _RECORD_START.match(line):
            if current is not None:
                # Blank lines between records are separators, not covered text.
                yield current.rstrip("\n")
            current = line
        elif current is not None:
            current += "\n" + line
    if current is not None:
        yield current.rstrip("\n")


def parse_annotations(content: str) -> tuple[dict[str, TextBound], list[Event]]:
    """Parse the text of one ``.ann`` file into text-bound annotations and events."""
    annotations: dict[str, TextBound] = {}
    events: list[Event] = []
    for record in _records(content.split("\n")):
        identifier, _, rest = record.partition("\t")
        if identifier.startswith("T"):
            header, _, covered = rest.partition("\t")
            type_name, _, offsets = header.partition(" ")
            fragments = tuple(
                (int(start), int(end))
                for start, end in (piece.split() for piece in offsets.split(";"))
            )
            annotations[identifier] = TextBound(identifier, type_name, fragments, covered)
        elif identifier.startswith("E"):
            arguments = [argument.split(":", 1) for argument in rest.split()]
            if not arguments:
                continue
            (trigger_type, trigger), *roles = arguments
            events.append(Event(identifier, trigger_type, trigger, dict(roles)))
    return annotations, events


def read_split(split: str, root: Path = POLNEAR, limit: int | None = None) -> list[Article]:
    """The articles of a split in sorted order, each with its first annotator's file."""
    attribution_files: dict[str, list[Path]] = {}
    for path in sorted((root / split / "attributions").glob("*.ann")):
        match = _ANNOTATION_FILE.match(path.name)
        if match is None:
            continue
        attribution_files.setdefault(match["article"], []).append(path)
    articles: list[Article] = []
    for text_path in sorted((root / split / "text").glob("*.txt")):
        files = attribution_files.get(text_path.stem)
        if not files:
            continue
        chosen = files[0]
        # newline="" keeps the file's characters as they are, so offsets stay exact.
        with text_path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        with chosen.open(encoding="utf-8", newline="") as handle:
            annotations, events = parse_annotations(handle.read())
        articles.append(
            Article(
                name=text_path.stem,
                annotator=chosen.stem.rsplit("_", 1)[1],
                annotators=len(files),
                text=text,
                annotations=annotations,
                events=events,
            )
        )
        if limit is not None and len(articles) >= limit:
            break
    return articles
