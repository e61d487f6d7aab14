"""Span identification (SI): where in a text a persuasion technique is used.

Each token gets a score (log-odds) of lying inside a technique span from a logistic
regression over hashed features of the token (word, affixes, shape, word-list hits), its
neighbours (two each side, and the bigrams it forms) and its sentence (its words, length,
where the token sits in it, title or body). A name is one token reading its type
(``features.tokens_with_names``), so who is named does not move a score. The scores are
moved by how loaded the whole document reads against the training articles
(``with_document_prior``). A span is a run of tokens of one sentence whose probability
reaches the threshold, short gaps bridged, kept when one of its tokens reaches the peak;
its score is the run's mean probability. The regularisation, the threshold, the peak, the
gap and the document weight were chosen by cross-validation by article on PTC train, for
the best F1 whose precision holds in every fold (``training``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
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
    Name,
    Sentence,
    Token,
    dense_weights,
    disjoint_names,
    hash_rows,
    split_sentences,
    tokenize,
    tokens_with_names,
    word_shape,
)

ARTEFACT = "techniques_spans"
HASH_BITS = 18
WINDOW = 2
SENTENCE_WEIGHT = 0.5
QUOTES = frozenset('"“”«»')
PRIOR_TOKENS = 200
"""A document's mean token score is shrunk towards the training articles' as if it had this
many more tokens at their mean (a PTC article has about 1,000)."""
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


def token_features(
    text: str, sentences: Sequence[Sentence] | None = None, names: Sequence[Name] = ()
) -> TokenFeatures:
    """The tokens of a text (or of some of its sentences) with their own features and their
    sentences' features; ``names`` (from :func:`disjoint_names`) are read as their type."""
    tokens = tokens_with_names(
        tokenize(text, split_sentences(text) if sentences is None else sentences), names
    )
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


def with_document_prior(
    scores: npt.NDArray[np.float64], weight: float, centre: float
) -> npt.NDArray[np.float64]:
    """A document's token scores (log-odds) moved by ``weight`` times how far the
    document's mean score lies from ``centre``, the mean of the training articles' held-out
    means; the document's mean is shrunk towards ``centre`` as if it had PRIOR_TOKENS more
    tokens there, so a short text moves little.

    A token model scores each sentence as if every article were as dense in techniques as
    the training articles on average; this lowers the bar where the whole document reads as
    loaded and raises it where it reads as plain, where flagging at the average rate is
    what made precision fall on new articles.
    """
    if not len(scores) or weight == 0.0:
        return scores
    mean = (float(scores.sum()) + PRIOR_TOKENS * centre) / (len(scores) + PRIOR_TOKENS)
    result: npt.NDArray[np.float64] = scores + weight * (mean - centre)
    return result


def probabilities_of(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The logistic function of log-odds scores."""
    result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-scores))
    return result


def decode_spans(
    tokens: Sequence[Token],
    probabilities: npt.NDArray[np.float64],
    threshold: float,
    gap: int,
    peak: float = 0.0,
) -> list[tuple[int, int, float]]:
    """Runs of tokens at or above the threshold in one sentence, gaps of up to ``gap``
    tokens bridged, as (start, end, mean probability); kept when some token of the run
    reaches ``peak`` (hysteresis: the low threshold draws the span's extent, the peak
    decides whether there is one) and it is not punctuation alone."""
    spans: list[tuple[int, int, float]] = []
    run: list[int] = []

    def close() -> None:
        if run and any(tokens[index].text[0].isalnum() for index in run):
            first, last = run[0], run[-1]
            inside = probabilities[first : last + 1]
            if float(inside.max()) >= peak:
                spans.append((tokens[first].start, tokens[last].end, float(np.mean(inside))))
        run.clear()

    # Only the tokens at or above the threshold are visited: most tokens are below it.
    for index in np.flatnonzero(probabilities >= threshold).tolist():
        token = tokens[index]
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
    peak: float = 0.0
    document_weight: float = 0.0
    document_centre: float = 0.0

    @classmethod
    def from_artefact(
        cls, arrays: dict[str, npt.NDArray[Any]], meta: dict[str, Any]
    ) -> SpanIdentifier:
        """The model from its stored arrays and description."""
        weights = dense_weights(arrays, 1, 2**HASH_BITS)[0]
        return cls(
            weights,
            float(arrays["intercept"][0]),
            float(meta["threshold"]),
            int(meta["gap"]),
            float(meta["peak"]),
            float(meta["document_weight"]),
            float(meta["document_centre"]),
        )

    @classmethod
    def load(cls, directory: Path | None = None) -> SpanIdentifier:
        """The model stored in a directory, or the packaged one (read once)."""
        if directory is None:
            return _packaged()
        return cls.from_artefact(*load_artefact(ARTEFACT, directory))

    def token_scores(self, features: TokenFeatures) -> npt.NDArray[np.float64]:
        """For each token, the log-odds that it lies inside a technique span.

        The model is linear, so a sentence's share of the score is computed once per
        sentence and added to each of its tokens: the same scores as the rows of
        :func:`feature_matrix`, without building them.
        """
        local, sentence = _feature_groups(features)
        sentence_scores = np.asarray(sentence @ self.weights, dtype=np.float64)
        result: npt.NDArray[np.float64] = (
            np.asarray(local @ self.weights, dtype=np.float64)
            + SENTENCE_WEIGHT * sentence_scores[features.sentence_of_token]
            + self.intercept
        )
        return result

    def find(self, text: str, names: Iterable[Name] = ()) -> list[tuple[int, int, float]]:
        """Technique spans of a text as (start, end, score), the ``names`` in it
        (``(start, end, label)``) read as their type.

        Sentences are featurised and scored a batch of about CHUNK_CHARS at a time, so the
        feature rows in memory at once stay bounded whatever the length of the text.
        """
        tokens: list[Token] = []
        scores: list[npt.NDArray[np.float64]] = []
        kept = disjoint_names(names)
        name_starts = [start for start, _, _ in kept]
        name_ends = [end for _, end, _ in kept]
        for chunk in _chunks(split_sentences(text)):
            if not chunk:
                continue
            # The names of the chunk alone: each chunk then costs its own length.
            first = bisect.bisect_right(name_ends, chunk[0].start)
            last = bisect.bisect_left(name_starts, chunk[-1].end, lo=first)
            features = token_features(text, chunk, kept[first:last])
            if features.tokens:
                tokens.extend(features.tokens)
                scores.append(self.token_scores(features))
        if not tokens:
            return []
        adjusted = with_document_prior(
            np.concatenate(scores), self.document_weight, self.document_centre
        )
        return decode_spans(tokens, probabilities_of(adjusted), self.threshold, self.gap, self.peak)


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
