"""Reading the Propaganda Techniques Corpus (PTC, SemEval-2020 Task 11) from its files.

A split directory holds ``articles/article<ID>.txt`` and the gold files ``TC.labels``
(``article_id<TAB>technique<TAB>start<TAB>end``) and ``SI.labels``
(``article_id<TAB>start<TAB>end``); offsets are code-point offsets, end exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)
"""The 14 technique labels of the task, in the order of the task's technique file."""

MAXIMUM_ARTICLE_ID = 10**18
"""Article ids are at most 18 digits, so a file name built from one stays short."""


@dataclass
class Article:
    """One article with its gold technique spans (TC) and span-identification spans (SI)."""

    article_id: int
    text: str
    techniques: list[tuple[str, int, int]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def parse_article_id(value: str) -> int:
    """An article id as an integer: digits only, so it is safe inside a file name."""
    stripped = value.strip()
    if not stripped.isascii() or not stripped.isdigit() or len(stripped) > 18:
        raise ValueError(f"article id {value!r} is not a number of at most 18 digits")
    return int(stripped)


def article_path(articles_dir: Path, article_id: int) -> Path:
    """The file of an article: ``DIR/article<ID>.txt``, built from a validated integer id."""
    if not 0 <= article_id < MAXIMUM_ARTICLE_ID:
        raise ValueError(f"article id {article_id} is out of range")
    return articles_dir / f"article{article_id:d}.txt"


def read_text(path: Path) -> str:
    """An article's text exactly as stored: UTF-8 without newline translation."""
    with path.open("r", encoding="utf-8", newline="") as handle:
        return handle.read()


def _label_rows(path: Path) -> Iterable[list[str]]:
    if not path.exists():
        return []
    with path.open("r", encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle if line.strip()]


def read_split(split_dir: Path) -> list[Article]:
    """Every article of a split, sorted by id, with the gold of TC.labels and SI.labels."""
    articles: dict[int, Article] = {}
    for path in sorted((split_dir / "articles").glob("article*.txt")):
        article_id = parse_article_id(path.stem.removeprefix("article"))
        articles[article_id] = Article(article_id, read_text(path))
    for row in _label_rows(split_dir / "TC.labels"):
        identifier, technique, start, end = row
        articles[int(identifier)].techniques.append((technique, int(start), int(end)))
    for row in _label_rows(split_dir / "SI.labels"):
        identifier, start, end = row
        articles[int(identifier)].spans.append((int(start), int(end)))
    return [articles[key] for key in sorted(articles)]
