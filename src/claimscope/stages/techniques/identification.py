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
    Sentence,
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
CHUNK_CHARS = 50_000
"""Sentences are scored in batches of about this many characters (memory stays bounded)."""


def _lexicon_names(word: str) -> list[str]:
    return [name for name, members in LEXICONS.items() if word in members]


@dataclass(frozen=True)
class TokenFeatures:
    """The tokens of a text with the feature names of each token and of each sentence.

    A token's row is its own features plus, scaled by SENTENCE_WEIGHT, its sentence's row;
    the sentence rows are kept once per sentence, not copied to every token, so that the
    work and memory stay linear in the text whatever the length of a sentence.
    """

    tokens: list[Token]
    local_rows: list[list[str]]
    sentence_rows: list[list[str]]
    sentence_of_token: npt.NDArray[np.intp]
    """For each token, the index of its sentence's row in ``sentence_rows``."""


def token_features(text: str, sentences: Sequence[Sentence] | None = None) -> TokenFeatures:
    """The tokens of a text (or of some of its sentences) with their own features and their
    sentences' features."""
    tokens = tokenize(text, split_sentences(text) if sentences is None else sentences)
    lowered = [token.text.lower() for token in tokens]
    local_rows: list[list[str]] = []
    sentence_rows: list[list[str]] = []
    sentence_of_token: list[int] = []
    by_sentence: dict[int, list[int]] = {}
    for index, token in enumerate(tokens):
        by_sentence.setdefault(token.sentence, []).append(index)
    for sentence_index, members in by_sentence.items():
        sentence_words = [lowered[index] for index in members]
        bag = [f"sent:{word}" for word in sentence_words if word.isalpha()]
        bag.extend(f"sentlex:{name}" for word in sentence_words for name in _lexicon_names(word))
        length_bucket = f"sentlen:{min(len(members) // 8, 6)}"
        title = "title" if sentence_index == 0 else "body"
        row = len(sentence_rows)
        sentence_rows.append([*bag, length_bucket, title])
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
            sentence_of_token.append(row)
            if token.text in QUOTES:
                quoted = not quoted
    return TokenFeatures(
        tokens, local_rows, sentence_rows, np.asarray(sentence_of_token, dtype=np.intp)
    )


def _feature_groups(features: TokenFeatures) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """The token rows and the sentence rows, each hashed and scaled to unit length."""
    local = normalize(hash_rows(HASH_BITS, features.local_rows))
    sentence = normalize(hash_rows(HASH_BITS, features.sentence_rows))
    return local, sentence


def feature_matrix(features: TokenFeatures) -> sparse.csr_matrix:
    """Token rows for training: own features plus the scaled features of the token's sentence."""
    local, sentence = _feature_groups(features)
    matrix: sparse.csr_matrix = (
        local + SENTENCE_WEIGHT * sentence[features.sentence_of_token]
    ).tocsr()
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

    def token_probabilities(self, features: TokenFeatures) -> npt.NDArray[np.float64]:
        """For each token, the probability that it lies inside a technique span.

        The model is linear, so a sentence's share of the score is computed once per
        sentence and added to each of its tokens: the same scores as the rows of
        :func:`feature_matrix`, without building them.
        """
        local, sentence = _feature_groups(features)
        sentence_scores = np.asarray(sentence @ self.weights, dtype=np.float64)
        scores = (
            np.asarray(local @ self.weights, dtype=np.float64)
            + SENTENCE_WEIGHT * sentence_scores[features.sentence_of_token]
            + self.intercept
        )
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-scores))
        return result

    def find(self, text: str) -> list[tuple[int, int, float]]:
        """Technique spans of a text as (start, end, score).

        Sentences are featurised and scored a batch of about CHUNK_CHARS at a time, so the
        feature rows in memory at once stay bounded whatever the length of the text.
        """
        tokens: list[Token] = []
        probabilities: list[npt.NDArray[np.float64]] = []
        for chunk in _chunks(split_sentences(text)):
            features = token_features(text, chunk)
            if features.tokens:
                tokens.extend(features.tokens)
                probabilities.append(self.token_probabilities(features))
        if not tokens:
            return []
        return decode_spans(tokens, np.concatenate(probabilities), self.threshold, self.gap)


def _chunks(sentences: Sequence[Sentence]) -> list[list[Sentence]]:
    """Consecutive runs of sentences of about CHUNK_CHARS characters each."""
    chunks: list[list[Sentence]] = [[]]
    size = 0
    for sentence in sentences:
        if size >= CHUNK_CHARS:
            chunks.append([])
            size = 0
        chunks[-1].append(sentence)
        size += sentence.end - sentence.start
    return chunks


@cache
def _packaged() -> SpanIdentifier:
    return SpanIdentifier.from_artefact(*load_artefact(ARTEFACT))
