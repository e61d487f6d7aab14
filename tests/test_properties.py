"""Properties every dossier has, on any text: no exception, every span inside the text.

Texts are drawn by hypothesis from random Unicode and from random mixtures of words,
quote marks, brackets, punctuation, list bullets and newlines; each is analysed by the
default pipeline with a random few stages disabled. Every object of the dossier with a
``start`` and an ``end`` must lie inside the text with ``start <= end``, and one with a
``text`` must name exactly the characters it spans.

The suite runs a fixed, derandomised set of examples (``CLAIMSCOPE_PROPERTY_EXAMPLES``,
default 40) so that CI stays fast and repeatable; ``bench/properties.py`` runs many more
with fresh random seeds.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimscope.dossier import Dossier
from claimscope.ingestion import IngestionError, make_document
from claimscope.pipeline import Pipeline

EXAMPLES = int(os.environ.get("CLAIMSCOPE_PROPERTY_EXAMPLES", "40"))
DERANDOMIZE = os.environ.get("CLAIMSCOPE_PROPERTY_RANDOM", "") == ""

PIECES = (
    '"', "“", "”", "‘", "’", "'", "«", "»", "„", "(", ")", "[", "]", "{", "}", "<", ">",
    ".", ",", ";", ":", "!", "?", "…", "-", "–", "—", "/", "|", "*", "#", "_", "&", "%",
    "\n", "\n\n", " ", "  ", "\t", "- ", "1. ", "• ", "|", "---",
    "said", "says", "that", "the", "The", "President", "Smith", "John", "UN", "ICJ",
    "Court", "Order", "of", "July", "6", "2023", "Article", "7", "Resolution", "2334",
    "statement", "We", "undersigned", "Signed", "by", "Reuters", "BAKU", "Azerbaijan",
    "according", "to", "told", "reporters", "\u00a0", "\u200b", "é", "ß", "İ", "ﬁ",
)  # fmt: skip
"""Bits of the kinds of text the stages look for, and of what trips up their patterns."""

texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES), max_size=150).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=120).map(" ".join),
)


@functools.cache
def _pipeline() -> Pipeline:
    return Pipeline()


def spans(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object of a dossier's JSON that has integer ``start`` and ``end``."""
    if isinstance(node, dict):
        if isinstance(node.get("start"), int) and isinstance(node.get("end"), int):
            yield path, node
        for key, value in node.items():
            yield from spans(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from spans(value, f"{path}[{index}]")


def check_dossier(dossier: Dossier) -> None:
    """Assert the span properties of one dossier."""
    data = dossier.to_json_dict()
    text = data["document"]["text"]
    for path, span in spans(data):
        start, end = span["start"], span["end"]
        assert 0 <= start <= end <= len(text), f"{path}: {start}-{end} outside 0-{len(text)}"
        if isinstance(span.get("text"), str):
            assert span["text"] == text[start:end], f"{path}: text is not its slice"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    text=texts,
    disabled=st.sets(
        st.sampled_from(
            ("anatomy", "statements", "signatories", "entities", "citations", "voices", "claims")
        ),
        max_size=2,
    ),
)
def test_every_span_lies_inside_the_text(text: str, disabled: set[str]) -> None:
    try:
        document = make_document(text, "generated.txt")
    except IngestionError:
        # Empty or blank texts are rejected at ingestion, with their own tests.
        return
    pipeline = _pipeline().without(*sorted(disabled)) if disabled else _pipeline()
    check_dossier(pipeline.analyze(document))


def test_the_check_catches_a_span_outside_the_text_or_not_its_slice() -> None:
    dossier = _pipeline().analyze(make_document("Angela Merkel spoke in Berlin today.", "t.txt"))
    assert dossier.entities
    check_dossier(dossier)
    wrong_text = dossier.model_copy(deep=True)
    wrong_text.entities[0].text = "Somebody else"
    outside = dossier.model_copy(deep=True)
    outside.entities[0].end = len(dossier.document.text) + 1
    for broken in (wrong_text, outside):
        try:
            check_dossier(broken)
        except AssertionError:
            continue
        raise AssertionError("check_dossier accepted a broken span")
