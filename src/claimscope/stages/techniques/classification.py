"""Technique classification (TC): which of the 14 techniques a given span uses.

A linear SVM (one vs rest; its scores go through a softmax whose temperature is fitted on
held-out folds) over hashed sparse features of the span (word 1-3 grams, character 2-5
grams, first and last word, word-list hits), of its sentence (the words around it) and a
few dense ones (length, how often the span's text recurs in the article and whether it
was said before, capitals, ! ? and quotes, how much of its sentence it covers, its length
bucket alone and crossed with said-before).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.preprocessing import normalize

from claimscope.artefacts import load_artefact
from claimscope.stages.techniques.features import (
    TOKEN_PATTERN,
    Sentence,
    dense_weights,
    hash_rows,
    lexicon_hits,
    split_sentences,
)

ARTEFACT = "techniques_classes"
HASH_BITS = 18
DENSE_FEATURES = (
    "length_chars",
    "length_tokens",
    "repeated",
    "repetitions",
    "capital_share",
    "exclamation",
    "question",
    "quote",
    "sentence_share",
    "sentence_start",
    "in_title",
    "shouted_word",
    "said_before",
    "said_after",
    *(f"words_{name}" for name in ("1", "2-3", "4-6", "7-12", "13+")),
    *(f"said_before_words_{name}" for name in ("1", "2-3", "4-6", "7-12", "13+")),
)
QUOTES = frozenset("\"'“”‘’«»")
CONTEXT_WORDS = 3
LENGTH_BUCKETS = (1, 3, 6, 12)
"""Upper ends (in whitespace-separated words) of the span-length buckets; the last is open."""
GROUP_WEIGHTS = (1.0, 1.0, 0.5)
"""Scale of the span-word, span-character and sentence-context groups."""


@dataclass(frozen=True)
class ArticleContext:
    """What span features need from the whole text, computed once per text."""

    text: str
    lowered: str
    sentences: tuple[Sentence, ...]
    sentence_starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> ArticleContext:
        """The context of a text."""
        sentences = tuple(split_sentences(text))
        return cls(text, text.lower(), sentences, tuple(item.start for item in sentences))

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding an offset, or None between sentences."""
        position = bisect.bisect_right(self.sentence_starts, offset) - 1
        if position < 0:
            return None
        sentence = self.sentences[position]
        return sentence if offset < sentence.end else None


def _words(text: str) -> list[str]:
    return [match.group().lower() for match in TOKEN_PATTERN.finditer(text)]


def length_bucket(span_text: str) -> int:
    """The bucket of a span's length in words: 0 for one word, then 2-3, 4-6, 7-12, 13+."""
    words = len(span_text.split())
    return next(
        (index for index, top in enumerate(LENGTH_BUCKETS) if words <= top), len(LENGTH_BUCKETS)
    )


def span_features(
    context: ArticleContext, start: int, end: int
) -> tuple[tuple[list[str], list[str], list[str]], list[float]]:
    """Feature names of one span in three groups (span words, span characters, sentence
    context), and its dense values."""
    span_text = context.text[start:end]
    words = _words(span_text)
    word_names: list[str] = []
    for size in (1, 2, 3):
        word_names.extend(
            f"w{size}:" + " ".join(words[index : index + size])
            for index in range(len(words) - size + 1)
        )
    if words:
        word_names.extend((f"first:{words[0]}", f"last:{words[-1]}"))
    word_names.extend(f"lex:{name}" for name in lexicon_hits(words))
    lowered = " " + " ".join(words)[:400] + " "
    character_names = [
        f"c{size}:{lowered[index : index + size]}"
        for size in (2, 3, 4, 5)
        for index in range(len(lowered) - size + 1)
    ]
    sentence = context.sentence_at(start)
    sentence_start = sentence.start if sentence else start
    sentence_end = sentence.end if sentence else end
    left = _words(context.text[sentence_start:start])
    right = _words(context.text[end : max(end, sentence_end)])
    context_names = [f"ctx:{word}" for word in left + right]
    context_names.extend(f"left:{word}" for word in left[-CONTEXT_WORDS:])
    context_names.extend(f"right:{word}" for word in right[:CONTEXT_WORDS])
    context_names.extend(f"ctxlex:{name}" for name in lexicon_hits(left + right))
    key = span_text.strip().lower()
    occurrences = context.lowered.count(key) if key else 1
    # Repetition is mostly a phrase said again: its text occurs earlier in the article.
    said_before = 1.0 if key and context.lowered.find(key) < start else 0.0
    said_after = 1.0 if key and context.lowered.find(key, start + 1) >= 0 else 0.0
    buckets = [0.0] * (len(LENGTH_BUCKETS) + 1)
    buckets[length_bucket(span_text)] = 1.0
    letters = [character for character in span_text if character.isalpha()]
    capitals = sum(character.isupper() for character in letters)
    sentence_length = max(1, sentence_end - sentence_start)
    dense = [
        math.log1p(len(span_text)) / 6.0,
        math.log1p(len(words)) / 4.0,
        1.0 if occurrences > 1 else 0.0,
        math.log1p(max(0, occurrences - 1)) / 2.0,
        capitals / len(letters) if letters else 0.0,
        1.0 if "!" in span_text else 0.0,
        1.0 if "?" in span_text else 0.0,
        1.0 if any(character in QUOTES for character in span_text) else 0.0,
        min(1.0, (end - start) / sentence_length),
        1.0 if not context.text[sentence_start:start].strip() else 0.0,
        1.0 if sentence is not None and sentence.index == 0 else 0.0,
        1.0 if any(len(word) > 2 and word.isupper() for word in span_text.split()) else 0.0,
        said_before,
        said_after,
        *buckets,
        *(said_before * value for value in buckets),
    ]
    return (word_names, character_names, context_names), dense


def feature_matrix(
    contexts: Sequence[ArticleContext], spans: Sequence[tuple[int, int, int]]
) -> sparse.csr_matrix:
    """The feature rows of spans given as (context index, start, end).

    Each group of names is hashed and scaled to unit length on its own, so a long span's
    hundreds of character n-grams do not drown its few words, and the solver converges fast.
    """
    groups: tuple[list[list[str]], ...] = ([], [], [])
    dense: list[list[float]] = []
    for context_index, start, end in spans:
        names, span_dense = span_features(contexts[context_index], start, end)
        for group, group_names in zip(groups, names, strict=True):
            group.append(group_names)
        dense.append(span_dense)
    hashed = sum(
        (
            weight * normalize(hash_rows(HASH_BITS, group))
            for weight, group in zip(GROUP_WEIGHTS, groups, strict=True)
        ),
        start=sparse.csr_matrix((len(spans), 2**HASH_BITS)),
    )
    dense_matrix = sparse.csr_matrix(
        np.asarray(dense, dtype=np.float64).reshape(-1, len(DENSE_FEATURES))
    )
    return sparse.hstack([hashed, dense_matrix], format="csr")


def feature_width() -> int:
    """Columns of the feature matrix: hashed features, then the dense ones."""
    return int(2**HASH_BITS) + len(DENSE_FEATURES)


class SpanClassifier:
    """The trained TC model: weights over the feature columns, one row per technique."""

    def __init__(
        self,
        weights: npt.NDArray[np.float32],
        intercept: npt.NDArray[np.float32],
        labels: Sequence[str],
    ) -> None:
        self.weights = weights
        self.intercept = intercept
        self.labels = tuple(labels)

    @classmethod
    def from_artefact(
        cls, arrays: dict[str, npt.NDArray[Any]], meta: dict[str, Any]
    ) -> SpanClassifier:
        """The model from its stored arrays and description."""
        labels = list(meta["labels"])
        weights = dense_weights(arrays, len(labels), feature_width())
        return cls(weights, arrays["intercept"].astype(np.float32), labels)

    @classmethod
    def load(cls, directory: Path | None = None) -> SpanClassifier:
        """The model stored in a directory, or the packaged one (read once)."""
        if directory is None:
            return _packaged()
        return cls.from_artefact(*load_artefact(ARTEFACT, directory))

    def probabilities(self, features: sparse.csr_matrix) -> npt.NDArray[np.float64]:
        """Per row, the probability of each technique (columns in ``labels`` order)."""
        scores = np.asarray(features @ self.weights.T, dtype=np.float64) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exponentials = np.exp(scores)
        result: npt.NDArray[np.float64] = exponentials / exponentials.sum(axis=1, keepdims=True)
        return result

    def classify(self, text: str, spans: Sequence[tuple[int, int]]) -> npt.NDArray[np.float64]:
        """Technique probabilities for spans of one text."""
        if not spans:
            return np.zeros((0, len(self.labels)))
        context = ArticleContext.of(text)
        return self.probabilities(
            feature_matrix([context], [(0, start, end) for start, end in spans])
        )


@cache
def _packaged() -> SpanClassifier:
    return SpanClassifier.from_artefact(*load_artefact(ARTEFACT))
