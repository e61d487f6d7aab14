"""The reports' own words stay neutral: no word that judges truth or intent.

claimscope reports what a text says and how; it never rules on whether it is true or on
what its author meant. So the words the reports print around a document (the strings of
``adapters/report``, its style sheet and script, the descriptions of the technique labels,
the README's sentences about reports) must not call anything false, a lie, fake,
disinformation or propaganda. The one exception is a label's own name as its source gives it
("Propaganda Techniques Corpus", the PTC label identifiers).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCE = ROOT / "src" / "claimscope"
REPORT = SOURCE / "adapters" / "report"
TECHNIQUES = SOURCE / "data" / "techniques.json"

JUDGING_WORDS = re.compile(
    r"\b(?:false(?:ly|hoods?)?|untrue|lie[sd]?|lying|liars?|propagandas?|propagandists?|"
    r"fake[sd]?|faking|disinformation|misinformation|hoax(?:es)?|deceiv\w*|decepti\w*|"
    r"mislead\w*|manipulat\w*)\b",
    re.IGNORECASE,
)
"""Words that judge a text's truth or its author's intent."""


def label_names() -> list[str]:
    """Names that a report may quote as they are: the sources' own names of the labels."""
    labels = json.loads(TECHNIQUES.read_text(encoding="utf-8"))
    return ["Propaganda Techniques Corpus", *labels]


def judging_words(text: str, allowed: list[str]) -> list[str]:
    """The judging words in ``text``, outside the quoted names in ``allowed``."""
    for name in sorted(allowed, key=len, reverse=True):
        text = text.replace(name, " ")
    return [match.group() for match in JUDGING_WORDS.finditer(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a false claim", ["false"]),
        ("Falsely attributed; a falsehood", ["Falsely", "falsehood"]),
        ("the minister lied, the lies", ["lied", "lies"]),
        ("Fake news and faked images", ["Fake", "faked"]),
        ("propaganda and disinformation", ["propaganda", "disinformation"]),
        ("a misleading, manipulative text", ["misleading", "manipulative"]),
        # Quoted names and other words that merely contain the letters stay.
        ("scored on the Propaganda Techniques Corpus", []),
        ("Loaded_Language and Black-and-White_Fallacy", []),
        ("she believes the earlier reliance on polls", []),
        ("not whether it is true; a score, not a verdict", []),
    ],
)
def test_judging_words_are_found(text: str, expected: list[str]) -> None:
    assert judging_words(text, label_names()) == expected


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module (docstrings and f-string pieces included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _report_texts() -> dict[str, list[tuple[str, str]]]:
    """(where, text) of everything the reports print around a document, by source."""
    texts: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(REPORT.glob("*.py")):
        texts[path.name] = [
            (f"{path.name}:{line}", value) for line, value in _string_literals(path)
        ]
    for path in sorted([*REPORT.glob("*.css"), *REPORT.glob("*.js")]):
        texts[path.name] = [(path.name, path.read_text(encoding="utf-8"))]
    labels = json.loads(TECHNIQUES.read_text(encoding="utf-8"))
    texts[TECHNIQUES.name] = [
        (f"{TECHNIQUES.name} {label} {field}", entry[field])
        for label, entry in labels.items()
        for field in ("name", "description")
    ]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    texts["README.md"] = [
        (f"README.md:{number}", line)
        for number, line in enumerate(readme.splitlines(), start=1)
        if re.search(r"\breports?\b", line, re.IGNORECASE)
    ]
    return texts


SOURCES = _report_texts()


def test_the_scanned_texts_include_every_report_and_label() -> None:
    assert {"html.py", "markdown.py", "terminal.py", "report.css", "techniques.json"} <= set(
        SOURCES
    )
    assert all(SOURCES[name] for name in ("html.py", "techniques.json", "README.md"))


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_report_words_do_not_judge(source: str) -> None:
    found = [
        (where, words)
        for where, text in SOURCES[source]
        if (words := judging_words(text, label_names()))
    ]
    assert found == []
