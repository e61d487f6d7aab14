"""Technique classification (TC): which of the 14 techniques a given span uses.

A linear SVM (one vs rest; its scores go through a softmax whose temperature is fitted on
held-out folds) over hashed sparse features of the span (word 1-3 grams, character 2-5
grams, first and last word, word-list hits), of its sentence (the words around it) and a
few dense ones (length, how often the span's text recurs in the article and whether it
was said before, capitals, ! ? and quotes, how much of its sentence it covers, its length
bucket alone and crossed with said-before), and of its parts of speech (spaCy's tagger).

Names read as their type (``claimscope.text.names``): the span's and the context's words,
character n-grams, lengths and capitals are read from the text with every person,
organisation, group and place replaced by its placeholder, and a name's tokens are one
proper noun for the part-of-speech features, so that a span's label does not depend on whom
or which country it names, nor on how long that name is. Only the repetition features read
the surface form (see ``span_features``).

The part-of-speech names use only the fine tags (``Token.tag_``) and a fixed map from them
to coarse classes, never ``Token.pos_``: spaCy's attribute ruler sets ``pos_`` partly from
the dependency parse, so a Doc parsed in full and one only tagged would give different
features, while their tags are the same.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.preprocessing import normalize

from claimscope.artefacts import load_artefact
from claimscope.parsing import load_spacy, parse_texts, shape_for_tokenizer
from claimscope.stages.techniques.features import (
    TOKEN_PATTERN,
    Name,
    Sentence,
    dense_weights,
    disjoint_names,
    hash_rows,
    lexicon_hits,
    split_sentences,
)
from claimscope.text.names import PLACEHOLDERS, masked

if TYPE_CHECKING:
    from spacy.tokens import Doc

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
SPAN_BATCH = 1000
"""Spans are classified this many at a time."""
REPETITION_WINDOW_CHARS = 50_000
"""Repetitions of a span's text are looked for this far either side of it (PTC's longest
article has 47,473 characters, so on the training data the window is the whole article)."""
LENGTH_BUCKETS = (1, 3, 6, 12)
"""Upper ends (in whitespace-separated words) of the span-length buckets; the last is open."""
GROUP_WEIGHTS = (1.0, 1.0, 0.5, 1.0)
"""Scale of the span-word, span-character, sentence-context and part-of-speech groups."""
UNTAGGED_PIPES = ("parser", "lemmatizer")
"""Pipes the tagger and the entity recogniser do without: disabled when this module parses
a text itself."""
NAME_TAG = "NNP"
"""The fine tag a name reads as, one token whatever its length: a proper noun."""
COARSE_TAGS: dict[str, str] = {
    **dict.fromkeys((".", ",", ":", "``", "''", "-LRB-", "-RRB-", "HYPH", "NFP"), "PUNCT"),
    **dict.fromkeys(("$", "#", "SYM"), "SYM"),
    **dict.fromkeys(("AFX", "JJ", "JJR", "JJS"), "ADJ"),
    **dict.fromkeys(("NN", "NNS"), "NOUN"),
    **dict.fromkeys(("NNP", "NNPS"), "PROPN"),
    **dict.fromkeys(("VB", "VBD", "VBG", "VBN", "VBP", "VBZ"), "VERB"),
    **dict.fromkeys(("RB", "RBR", "RBS", "WRB"), "ADV"),
    **dict.fromkeys(("EX", "PRP", "PRP$", "WDT", "WP", "WP$"), "PRON"),
    **dict.fromkeys(("DT", "PDT"), "DET"),
    **dict.fromkeys(("IN", "RP"), "ADP"),
    **dict.fromkeys(("POS", "TO"), "PART"),
    "CC": "CCONJ",
    "CD": "NUM",
    "MD": "AUX",
    "UH": "INTJ",
}
"""Coarse class of each Penn Treebank tag of spaCy's English tagger; others count as X."""
POS_SHAPE_WORDS = 4
"""The coarse classes of a span's first this many words make its part-of-speech shape."""


@dataclass(frozen=True)
class ArticleContext:
    """What span features need from the whole text, computed once per text."""

    text: str
    lowered: str
    sentences: tuple[Sentence, ...]
    sentence_starts: tuple[int, ...]
    token_starts: tuple[int, ...]
    """Start offsets of the text's spaCy tokens, whitespace tokens and the tokens of a name
    after its first left out."""
    tags: tuple[str, ...]
    """The fine part-of-speech tag of each of those tokens (NAME_TAG for a name)."""
    names: tuple[Name, ...] = ()
    """The names of the text, sorted and disjoint (``features.disjoint_names``)."""
    name_ends: tuple[int, ...] = ()

    @classmethod
    def of(
        cls, text: str, doc: Doc | None = None, names: Iterable[Name] | None = None
    ) -> ArticleContext:
        """The context of a text, its tags read from ``doc`` (a Doc of that very text) or,
        without one, from the text tagged by the cached spaCy pipeline; its names are
        ``names`` (``(start, end, label)``) or, without them, the Doc's entities."""
        doc = tagged(text, doc)
        if names is None:
            names = doc_names(doc)
        kept = disjoint_names(names)
        sentences = tuple(split_sentences(text))
        token_starts: list[int] = []
        tags: list[str] = []
        position = 0
        for token in doc:
            if token.is_space:
                continue
            while position < len(kept) and kept[position][1] <= token.idx:
                position += 1
            if position < len(kept) and kept[position][0] < token.idx + len(token):
                # A token of a name: the name's first token stands for all of it.
                if tags and tags[-1] == NAME_TAG and token_starts[-1] >= kept[position][0]:
                    continue
                token_starts.append(token.idx)
                tags.append(NAME_TAG)
                continue
            token_starts.append(token.idx)
            tags.append(token.tag_)
        return cls(
            text,
            text.lower(),
            sentences,
            tuple(item.start for item in sentences),
            tuple(token_starts),
            tuple(tags),
            kept,
            tuple(end for _, end, _ in kept),
        )

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding an offset, or None between sentences."""
        position = bisect.bisect_right(self.sentence_starts, offset) - 1
        if position < 0:
            return None
        sentence = self.sentences[position]
        return sentence if offset < sentence.end else None

    def masked(self, start: int, end: int) -> str:
        """``text[start:end]`` with the names in it read as their type."""
        first = bisect.bisect_right(self.name_ends, start)
        inside: list[Name] = []
        for name in self.names[first:]:
            if name[0] >= end:
                break
            inside.append(name)
        return masked(self.text, start, end, inside)


def doc_names(doc: Doc) -> list[Name]:
    """The names among a Doc's entities as ``(start, end, label)`` character spans."""
    if len(doc) and not doc.has_annotation("ENT_IOB"):
        raise ValueError("the Doc given has no named entities: give the names instead")
    return [
        (entity.start_char, entity.end_char, entity.label_)
        for entity in doc.ents
        if entity.label_ in PLACEHOLDERS
    ]


def tagged(text: str, doc: Doc | None = None) -> Doc:
    """``doc`` checked to be a tagged Doc of ``text``, or, without one, ``text`` tagged and
    its entities found by the cached spaCy pipeline (its parser and lemmatiser left out).

    The parse of a text reads a long run of punctuation marks as its first mark followed by
    spaces (``claimscope.parsing``), so a Doc of the text so shaped is accepted too; its
    offsets are the text's.
    """
    if doc is None:
        parsed, _ = next(parse_texts(load_spacy(), [text], disable=UNTAGGED_PIPES))
        return parsed
    if doc.text != text and doc.text != shape_for_tokenizer(text):
        raise ValueError(
            f"the Doc given is not of this text ({len(doc.text)} characters, the text {len(text)})"
        )
    if len(doc) and not doc.has_annotation("TAG"):
        raise ValueError("the Doc given has no part-of-speech tags")
    return doc


def pos_names(context: ArticleContext, start: int, end: int) -> list[str]:
    """Part-of-speech feature names of a span: the coarse class of each token starting in
    it and of each pair of neighbours, its first and last fine tags, the coarse shape of
    its first words and the fine tag of the token before it."""
    first = bisect.bisect_left(context.token_starts, start)
    last = bisect.bisect_left(context.token_starts, end, lo=first)
    tags = context.tags[first:last]
    coarse = [COARSE_TAGS.get(tag, "X") for tag in tags]
    names = [f"pos:{name}" for name in coarse]
    names.extend(f"pos2:{left} {right}" for left, right in pairwise(coarse))
    if tags:
        names.extend(
            (
                f"pfirst:{tags[0]}",
                f"plast:{tags[-1]}",
                "pshape:" + " ".join(coarse[:POS_SHAPE_WORDS]),
            )
        )
    if first > 0:
        names.append(f"pprev:{context.tags[first - 1]}")
    return names


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
) -> tuple[tuple[list[str], list[str], list[str], list[str]], list[float]]:
    """Feature names of one span in four groups (span words, span characters, sentence
    context, parts of speech), and its dense values; names read as their type."""
    span_text = context.text[start:end]
    read = context.masked(start, end)
    words = _words(read)
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
    left = _words(context.masked(sentence_start, start))
    right = _words(context.masked(end, max(end, sentence_end)))
    context_names = [f"ctx:{word}" for word in left + right]
    context_names.extend(f"left:{word}" for word in left[-CONTEXT_WORDS:])
    context_names.extend(f"right:{word}" for word in right[:CONTEXT_WORDS])
    context_names.extend(f"ctxlex:{name}" for name in lexicon_hits(left + right))
    # The repetition features alone read the surface form: Repetition is the same words
    # said again, and read as placeholders any "Personname said" would repeat any other.
    # They still do not depend on who is named: exchanging two names throughout a text
    # turns each repeat of the one into a repeat of the other, and the counts stay the same.
    key = span_text.strip().lower()
    # Repetitions are counted within REPETITION_WINDOW_CHARS either side of the span, so
    # each span costs a bounded scan however long the document (all of a PTC article).
    low = max(0, start - REPETITION_WINDOW_CHARS)
    high = min(len(context.lowered), end + REPETITION_WINDOW_CHARS)
    occurrences = context.lowered.count(key, low, high) if key else 1
    # Repetition is mostly a phrase said again: its text occurs earlier in the article.
    said_before = 1.0 if key and context.lowered.find(key, low, high) < start else 0.0
    said_after = 1.0 if key and context.lowered.find(key, start + 1, high) >= 0 else 0.0
    buckets = [0.0] * (len(LENGTH_BUCKETS) + 1)
    buckets[length_bucket(read)] = 1.0
    letters = [character for character in read if character.isalpha()]
    capitals = sum(character.isupper() for character in letters)
    sentence_length = max(1, len(context.masked(sentence_start, max(end, sentence_end))))
    dense = [
        math.log1p(len(read)) / 6.0,
        math.log1p(len(words)) / 4.0,
        1.0 if occurrences > 1 else 0.0,
        math.log1p(max(0, occurrences - 1)) / 2.0,
        capitals / len(letters) if letters else 0.0,
        1.0 if "!" in read else 0.0,
        1.0 if "?" in read else 0.0,
        1.0 if any(character in QUOTES for character in read) else 0.0,
        min(1.0, len(read) / sentence_length),
        1.0 if not context.text[sentence_start:start].strip() else 0.0,
        1.0 if sentence is not None and sentence.index == 0 else 0.0,
        1.0 if any(len(word) > 2 and word.isupper() for word in read.split()) else 0.0,
        said_before,
        said_after,
        *buckets,
        *(said_before * value for value in buckets),
    ]
    return (word_names, character_names, context_names, pos_names(context, start, end)), dense


def feature_matrix(
    contexts: Sequence[ArticleContext], spans: Sequence[tuple[int, int, int]]
) -> sparse.csr_matrix:
    """The feature rows of spans given as (context index, start, end).

    Each group of names is hashed and scaled to unit length on its own, so a long span's
    hundreds of character n-grams do not drown its few words, and the solver converges fast.
    """
    groups: tuple[list[list[str]], ...] = ([], [], [], [])
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
        # One column per technique, laid out for sparse @ dense: scipy would otherwise
        # copy the transposed 14 x 2^18 array on every call.
        self._columns = np.ascontiguousarray(weights.T, dtype=np.float64)
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
        scores = np.asarray(features @ self._columns, dtype=np.float64) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exponentials = np.exp(scores)
        result: npt.NDArray[np.float64] = exponentials / exponentials.sum(axis=1, keepdims=True)
        return result

    def classify(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        doc: Doc | None = None,
        names: Iterable[Name] | None = None,
    ) -> npt.NDArray[np.float64]:
        """Technique probabilities for spans of one text; ``doc``, a spaCy Doc of that text
        (ValueError otherwise), saves tagging it again; ``names`` (``(start, end, label)``)
        are the names read as their type, by default the Doc's entities."""
        if doc is not None:
            tagged(text, doc)
        if not spans:
            return np.zeros((0, len(self.labels)))
        context = ArticleContext.of(text, doc, names)
        # In batches: a span's character n-grams are hundreds of strings, so the rows of
        # every span of a long document at once would not fit in memory.
        return np.concatenate(
            [
                self.probabilities(
                    feature_matrix(
                        [context],
                        [(0, start, end) for start, end in spans[first : first + SPAN_BATCH]],
                    )
                )
                for first in range(0, len(spans), SPAN_BATCH)
            ]
        )


@cache
def _packaged() -> SpanClassifier:
    return SpanClassifier.from_artefact(*load_artefact(ARTEFACT))
