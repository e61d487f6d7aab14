"""Span identification (SI): where in a text a persuasion technique is used.

Each token gets a probability of lying inside a technique span from a logistic regression
over hashed features of the token (word, affixes, shape, word-list hits), its neighbours
(two each side, and the bigrams it forms) and its sentence (its words, length, where the
token sits in it, title or body). A span is a run of tokens of one sentence whose
probability reaches the threshold, short gaps bridged; its score is the run's mean
probability. The threshold and the gap were chosen by cross-validation on PTC train.
"""

from __future__ import annotations

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
    LEXICONS,
    Token,
    dense_weights,
    hash_rows,
    split_sentences,
    tokenize,
    word_shape,
)

ARTEFACT = "techniques_spans"
HASH_BITS = 18
WINDOW = 2
SENTENCE_WEIGHT = 0.5
QUOTES = frozenset('"“”«»')


def _lexicon_names(word: str) -> list[str]:
    return [name for name, members in LEXICONS.items() if word in members]


def token_features(text: str) -> tuple[list[Token], list[list[str]], list[list[str]]]:
    """The tokens of a text with their own features and their sentence's features."""
    sentences = split_sentences(text)
    tokens = tokenize(text, sentences)
    lowered = [token.text.lower() for token in tokens]
    local_rows: list[list[str]] = []
    sentence_rows: list[list[str]] = []
    by_sentence: dict[int, list[int]] = {}
    for index, token in enumerate(tokens):
        by_sentence.setdefault(token.sentence, []).append(index)
    for sentence_index, members in by_sentence.items():
        sentence_words = [lowered[index] for index in members]
        bag = [f"sent:{word}" for word in sentence_words if word.isalpha()]
        bag.extend(f"sentlex:{name}" for word in sentence_words for name in _lexicon_names(word))
        length_bucket = f"sentlen:{min(len(members) // 8, 6)}"
        title = "title" if sentence_index == 0 else "body"
        quoted = False
        for position, index in enumerate(members):
            word, token = lowered[index], tokens[index]
            features = [
                f"w:{word}",
                f"p3:{word[:3]}",
                f"s3:{word[-3:]}",
                f"shape:{word_shape(token.text)}",
                f"pos:{5 * position // len(members)}",
                length_bucket,
                title,
                f"quoted:{quoted}",
            ]
            features.extend(f"lex:{name}" for name in _lexicon_names(word))
            for offset in range(-WINDOW, WINDOW + 1):
                if offset == 0:
                    continue
                neighbour = position + offset
                if 0 <= neighbour < len(members):
                    features.append(f"w{offset:+d}:{lowered[members[neighbour]]}")
                else:
                    features.append(f"w{offset:+d}:<edge>")
            previous = lowered[members[position - 1]] if position > 0 else "<s>"
            following = lowered[members[position + 1]] if position + 1 < len(members) else "</s>"
            features.extend((f"b-:{previous}|{word}", f"b+:{word}|{following}"))
            local_rows.append(features)
            sentence_rows.append([*bag, length_bucket, title])
            if token.text in QUOTES:
                quoted = not quoted
    return tokens, local_rows, sentence_rows


def feature_matrix(
    local_rows: Sequence[list[str]], sentence_rows: Sequence[list[str]]
) -> sparse.csr_matrix:
    """Token rows: own features and sentence features, each group scaled to unit length."""
    local = normalize(hash_rows(HASH_BITS, local_rows))
    sentence = normalize(hash_rows(HASH_BITS, sentence_rows))
    matrix: sparse.csr_matrix = (local + SENTENCE_WEIGHT * sentence).tocsr()
    return matrix


def decode_spans(
    tokens: Sequence[Token],
    probabilities: npt.NDArray[np.float64],
    threshold: float,
    gap: int,
) -> list[tuple[int, int, float]]:
    """Runs of tokens at or above the threshold in one sentence, gaps of up to ``gap``
    tokens bridged, as (start, end, mean probability); runs of punctuation alone dropped."""
    spans: list[tuple[int, int, float]] = []
    run: list[int] = []

    def close() -> None:
        if run and any(tokens[index].text[0].isalnum() for index in run):
            first, last = run[0], run[-1]
            score = float(np.mean(probabilities[first : last + 1]))
            spans.append((tokens[first].start, tokens[last].end, score))
        run.clear()

    for index, token in enumerate(tokens):
        if probabilities[index] < threshold:
            continue
        if run and (tokens[run[-1]].sentence != token.sentence or index - run[-1] - 1 > gap):
            close()
        run.append(index)
    close()
    return spans


@dataclass
class SpanIdentifier:
    """The trained SI model: one weight per hashed column, and its decoding settings."""

    weights: npt.NDArray[np.float32]
    intercept: float
    threshold: float
    gap: int

    @classmethod
    def from_artefact(
        cls, arrays: dict[str, npt.NDArray[Any]], meta: dict[str, Any]
    ) -> SpanIdentifier:
        """The model from its stored arrays and description."""
        weights = dense_weights(arrays, 1, 2**HASH_BITS)[0]
        return cls(
            weights, float(arrays["intercept"][0]), float(meta["threshold"]), int(meta["gap"])
        )

    @classmethod
    def load(cls, directory: Path | None = None) -> SpanIdentifier:
        """The model stored in a directory, or the packaged one (read once)."""
        if directory is None:
            return _packaged()
        return cls.from_artefact(*load_artefact(ARTEFACT, directory))

    def token_probabilities(self, features: sparse.csr_matrix) -> npt.NDArray[np.float64]:
        """For each token row, the probability that it lies inside a technique span."""
        scores = np.asarray(features @ self.weights, dtype=np.float64) + self.intercept
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-scores))
        return result

    def find(self, text: str) -> list[tuple[int, int, float]]:
        """Technique spans of a text as (start, end, score)."""
        tokens, local_rows, sentence_rows = token_features(text)
        if not tokens:
            return []
        probabilities = self.token_probabilities(feature_matrix(local_rows, sentence_rows))
        return decode_spans(tokens, probabilities, self.threshold, self.gap)


@cache
def _packaged() -> SpanIdentifier:
    return SpanIdentifier.from_artefact(*load_artefact(ARTEFACT))
