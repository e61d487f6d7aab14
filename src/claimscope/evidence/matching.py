"""Claims matched against the evidence library: BM25 candidates, then a learned re-ranker.

First stage: BM25 (``bm25s``, Lucene variant) over each entry's claim, title and subtitle
joined, on Snowball-stemmed words without stop words. It proposes ``candidates`` entries per
claim (50 by default; on CLEF 2020 dev the right one is among them for 94% of tweets). The
entries nearest to the claim by text vector join them (``dense_candidates``, 20), so that a
claim worded apart from its fact-check can still be found: in the default install the
torch-free word vectors of :mod:`claimscope.evidence.word_vectors` (distilled from
all-MiniLM-L6-v2), with the optional ``embeddings`` extra all-MiniLM-L6-v2 itself.

Two things the library's own words decide, before any scoring. A word of the claim that the
library lacks but that is two of its words run together ("cornflakes", a lower-case hashtag
such as "fyrefestival") is read spelled apart as well (:meth:`EvidenceIndex.spelled_apart`).
And an entry worded as an earlier one in every field is the same fact-check added twice: it
is never a candidate of its own, but named with its first copy (``Match.duplicates``).

Second stage: for each candidate a row of features that BM25 sees only in part —

- BM25 per field (claim, title, subtitle) and of the joined text, raw and relative to the
  best candidate, and the candidate's first-stage rank;
- cosine of character 3–5-gram vectors (hashed, weighted by the library's inverse document
  frequency) and of stemmed word 1–2-gram vectors, claim and title apart;
- rapidfuzz ratios (token set, partial token sort, partial) against claim and title;
- coverage: how much of the entry's (idf-weighted) words the claim has, and the reverse;
- shared numbers, capitalised words (names) and years;
- the text-vector cosine to claim and title (word vectors, or the extra's embeddings);
- the word alignment (:class:`WordAlignment`, both models): each word of the claim counted
  by the word-vector cosine to its nearest word of the entry, and the reverse, so that
  "kids" meets "toddler" where BM25 and the n-grams see nothing shared;

then a linear ranker, learnt listwise and Platt-scaled, turns the row into a score in
[0, 1]. The model is trained by :func:`claimscope.evidence.training.train_matching` on CLEF
2020 CheckThat! Task 2 train and saved as arrays + JSON through :mod:`claimscope.artefacts`.

A match is a pointer to read, never a verdict: the score says how much the entry and the
claim share, not whether either is true.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

from claimscope.artefacts import load_artefact
from claimscope.evidence.word_vectors import WordVectors, text_words

ARTEFACT_NAME = "matching"
EMBEDDINGS_ARTEFACT_NAME = "matching_embeddings"
FIELDS = ("claim", "title", "subtitle")

_WORD = re.compile(r"\w{1,40}")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:[,.]\d{3}){0,5}(?:\.\d{1,6})?(?!\w)|\d{1,20}")
_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][\w'’-]{1,40}")
# A word that may be two run together: letters only, long enough for two parts of three.
_LETTERS = re.compile(r"[^\W\d_]{6,40}")
_SHORTEST_PART = 3
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s{1,20}(?=\S)|\n{1,20}")

# bm25s's English stop words: function words that carry no topic.
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
    "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with",
))  # fmt: skip


class Matchable(Protocol):
    """What the matcher reads of an evidence entry: an id and its three text fields."""

    @property
    def id(self) -> str:
        """The entry's identifier, unique in the library."""
        ...

    @property
    def claim(self) -> str:
        """The claim checked, or a primary document's passage."""
        ...

    @property
    def title(self) -> str:
        """The fact-check's (or document's) title; empty when there is none."""
        ...

    @property
    def subtitle(self) -> str:
        """A subtitle or summary; empty when there is none."""
        ...


@dataclass(frozen=True)
class EvidenceEntry:
    """An entry as the matcher indexes it (fact-checks and passages both become one)."""

    id: str
    claim: str
    title: str = ""
    subtitle: str = ""


@dataclass(frozen=True)
class MatchSettings:
    """How candidates are found and compared; stored in the artefact so scoring matches training."""

    candidates: int = 50
    bm25_k1: float = 1.5
    bm25_b: float = 0.75
    stemmer: str = "english"
    char_ngrams: tuple[int, int] = (3, 5)
    char_bits: int = 20
    embeddings: bool = False
    dense_candidates: int = 20
    # The torch-free vectors of :mod:`claimscope.evidence.word_vectors` in the embeddings'
    # place (the default model); ``embeddings`` wins when both are set.
    word_vectors: bool = False
    # A candidate found by its vector alone needs at least this cosine. For the word vectors
    # 0.4: 99.5% of CLEF 2020 train's matching pairs lie above it, and 94% of the pairs of
    # a tweet and any claim of the collection below, so a claim that shares nothing with
    # the library gets nothing rather than its least unrelated entries.
    dense_minimum: float = 0.4
    # A word of the claim the library lacks that is two words it has run together
    # ("cornflakes", "fyrefestival", hashtags written in lower case) is spelled apart too.
    split_run_together: bool = False
    # An entry worded as an earlier one in every field is folded into that first copy.
    fold_copies: bool = False
    # Each word of the claim is paired with its nearest word of the entry, and each word of
    # the entry with its nearest of the claim, by the torch-free word vectors
    # (:data:`ALIGNMENT_FEATURE_NAMES`): "kids" meets "toddler" where no word is shared.
    word_alignment: bool = False

    @property
    def dense(self) -> bool:
        """Whether the model reads a vector of each text (sentence embeddings or word vectors)."""
        return self.embeddings or self.word_vectors

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> MatchSettings:
        """The settings as an artefact's JSON description stores them."""
        return cls(
            candidates=int(raw["candidates"]),
            bm25_k1=float(raw["bm25_k1"]),
            bm25_b=float(raw["bm25_b"]),
            stemmer=str(raw["stemmer"]),
            char_ngrams=(int(raw["char_ngrams"][0]), int(raw["char_ngrams"][1])),
            char_bits=int(raw["char_bits"]),
            embeddings=bool(raw.get("embeddings", False)),
            dense_candidates=int(raw.get("dense_candidates", 0)),
            word_vectors=bool(raw.get("word_vectors", False)),
            # Models saved before the setting existed took every nearest entry.
            dense_minimum=float(raw.get("dense_minimum", 0.0)),
            split_run_together=bool(raw.get("split_run_together", False)),
            fold_copies=bool(raw.get("fold_copies", False)),
            word_alignment=bool(raw.get("word_alignment", False)),
        )


@dataclass(frozen=True)
class Highlight:
    """The part of an entry that shares the most with the claim: field and character span."""

    field: str
    start: int
    end: int


@dataclass(frozen=True)
class Match:
    """One entry matched to a claim: a pointer to read, with how much the two share."""

    evidence_id: str
    rank: int
    score: float
    first_stage_rank: int
    highlight: Highlight | None = None
    # Later entries worded as this one (the same fact-check added twice), folded into it.
    duplicates: tuple[str, ...] = ()


@functools.cache
def _stemmer(language: str) -> Any:
    import Stemmer

    return Stemmer.Stemmer(language)


def words(text: str, stemmer: str = "english") -> list[str]:
    """The text's words lower-cased and stemmed, stop words dropped: the unit BM25 counts."""
    found = [word for word in _WORD.findall(text.lower()) if word not in STOP_WORDS]
    stems: list[str] = _stemmer(stemmer).stemWords(found)
    return stems


def _wording(entry: Matchable) -> tuple[str, ...]:
    """The entry's fields without case, spaces or punctuation: what makes two entries one."""
    return tuple(
        _NOT_ALPHANUMERIC.sub("", str(getattr(entry, name) or "").casefold()) for name in FIELDS
    )


def _entry_text(entry: Matchable) -> str:
    return " ".join(part for part in (entry.claim, entry.title, entry.subtitle) if part)


class _Bm25:
    """One bm25s index over one text per entry."""

    def __init__(self, tokens: list[list[str]], settings: MatchSettings) -> None:
        import bm25s

        self.retriever = bm25s.BM25(k1=settings.bm25_k1, b=settings.bm25_b, method="lucene")
        # bm25s needs one token per document: an empty field gets the empty token it creates.
        self.retriever.index(
            [document or [""] for document in tokens], show_progress=False, create_empty_token=True
        )
        self.size = len(tokens)

    def scores(self, query: list[str]) -> npt.NDArray[np.float32]:
        """The BM25 score of every entry for the query's words."""
        token_ids = self.retriever.get_tokens_ids([word for word in query if word])
        if not token_ids:
            return np.zeros(self.size, dtype=np.float32)
        scores: npt.NDArray[np.float32] = np.asarray(
            self.retriever.get_scores_from_ids(token_ids), dtype=np.float32
        )
        return scores


def _hashing_vectorizer(analyzer: str, ngrams: tuple[int, int], bits: int) -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        n_features=2**bits,
        alternate_sign=False,
        norm=None,
        lowercase=True,
        dtype=np.float32,
    )


def _top(scores: npt.NDArray[np.float32], count: int) -> npt.NDArray[np.int64]:
    """The positions of the ``count`` highest scores, highest first; ties in library order."""
    count = min(count, len(scores))
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, count - 1)[:count] if count < len(scores) else np.arange(count)
    return top[np.lexsort((top, -scores[top]))].astype(np.int64)


Encoder = Callable[[Sequence[str]], npt.NDArray[np.float32]]


def embeddings_available() -> bool:
    """Whether the optional ``embeddings`` extra is installed (loads nothing)."""
    from claimscope.stages.claims.embeddings import embeddings_available as available

    return available()


def default_encoder() -> Encoder:
    """all-MiniLM-L6-v2 sentence embeddings, unit length (the ``embeddings`` extra)."""
    # The check-worthiness extra already wraps the model, loaded once per process.
    from claimscope.stages.claims.embeddings import encode

    return encode


def default_encoder_name() -> str:
    """The model :func:`default_encoder` runs and the package carrying it: vectors' provenance."""
    from claimscope.stages.claims.embeddings import EmbeddingSettings

    settings = EmbeddingSettings()
    return f"{settings.model} ({settings.package})"


def encoder_for(settings: MatchSettings) -> Encoder:
    """The encoder a model with these settings reads: MiniLM, or the torch-free word vectors."""
    if settings.embeddings:
        return default_encoder()
    return WordVectors.load().encode


def _encoded(encoder: Encoder, texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Texts encoded, an empty text as a zero vector (it is near to nothing)."""
    present = [number for number, text in enumerate(texts) if text.strip()]
    encoded = encoder([texts[number] for number in present])
    vectors = np.zeros((len(texts), encoded.shape[1]), dtype=np.float32)
    if present:
        vectors[present] = encoded
    return vectors


_FREQUENCY_CHUNK = 8192


def words_of_texts(*fields: Sequence[str]) -> tuple[list[sparse.csr_matrix], list[str]]:
    """Per field, texts x words: how often each text holds each word; one word list for all.

    A word is a run of non-blanks of the lower-cased text, as char_wb n-grams see it. The
    fields are parallel (the claims, titles and subtitles of the same entries).
    """
    positions: dict[str, int] = {}
    coordinates: list[tuple[list[int], list[int]]] = []
    for texts in fields:
        rows: list[int] = []
        columns: list[int] = []
        for row, text in enumerate(texts):
            for word in text.lower().split():
                columns.append(positions.setdefault(word, len(positions)))
                rows.append(row)
        coordinates.append((rows, columns))
    # Repeated (row, column) pairs are summed: a word's count in its text.
    matrices = [
        sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, columns)),
            shape=(len(texts), len(positions)),
        )
        for texts, (rows, columns) in zip(fields, coordinates, strict=True)
    ]
    return matrices, list(positions)


def char_grams_of_words(vectorizer: Any, words: Sequence[str]) -> sparse.csr_matrix:
    """Words x hashed character n-grams of ``vectorizer`` (char_wb): each word's counts."""
    if not words:
        return sparse.csr_matrix((0, int(vectorizer.n_features)), dtype=np.float32)
    return sparse.csr_matrix(vectorizer.transform(list(words)), dtype=np.float32)


def _document_frequency(
    counts: sparse.csr_matrix, grams_of_words: sparse.csr_matrix
) -> npt.NDArray[np.float32]:
    """How many texts hold each n-gram, from the texts' word counts and the words' n-grams."""
    held_words = sparse.csr_matrix(counts, copy=True)
    held_words.data[:] = 1.0
    held_grams = sparse.csr_matrix(grams_of_words, copy=True)
    held_grams.data[:] = 1.0
    width = held_grams.shape[1]
    frequency = np.zeros(width, dtype=np.int64)
    for start in range(0, held_words.shape[0], _FREQUENCY_CHUNK):
        held = sparse.csr_matrix(held_words[start : start + _FREQUENCY_CHUNK] @ held_grams)
        frequency += np.bincount(held.indices, minlength=width)
    return frequency.astype(np.float32)


def char_document_frequency(vectorizer: Any, texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """How many of the texts hold each hashed character n-gram of ``vectorizer`` (char_wb).

    The same counts as binarising ``vectorizer.transform(texts)``, reckoned word by word:
    char_wb n-grams never cross a word (a run of non-blanks of the lower-cased text), so a
    text's n-grams are the union of its words', and a library repeats its words. Hashing
    every n-gram of every text in Python was half of an index build (8 s of 16 at 103,750
    entries); here each distinct word is hashed once, and the texts' unions come from a
    product of sparse incidence matrices, a chunk of texts at a time.
    """
    (counts,), words = words_of_texts(texts)
    return _document_frequency(counts, char_grams_of_words(vectorizer, words))


class CharGramTexts:
    """Texts' idf-weighted character n-gram vectors (char_wb), kept as their words' vectors.

    A text's n-gram counts are the sum of its words' (char_wb n-grams never cross a word),
    so its cosine to a claim is a product over its words, the claim's vector met once per
    distinct word, instead of hashing the text's every n-gram again: transforming each
    claim's fifty-odd candidates was 40% of matching time. The texts' norms are reckoned
    once, with the index.
    """

    def __init__(
        self,
        words_of_texts: sparse.csr_matrix,
        grams_of_words: sparse.csr_matrix,
        idf: npt.NDArray[np.float32],
    ) -> None:
        self.idf = idf
        self.words_of_texts = words_of_texts
        self.grams_of_words = grams_of_words
        self.norms = np.zeros(words_of_texts.shape[0], dtype=np.float32)
        for start in range(0, words_of_texts.shape[0], _FREQUENCY_CHUNK):
            held = sparse.csr_matrix(
                words_of_texts[start : start + _FREQUENCY_CHUNK] @ grams_of_words
            ).multiply(idf)
            squares = np.asarray(held.multiply(held).sum(axis=1)).ravel()
            self.norms[start : start + len(squares)] = np.sqrt(squares)

    def cosines(
        self, query: sparse.csr_matrix, chosen: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        """Cosine of each chosen text to ``query``, a unit row weighted by the same idf."""
        texts = self.words_of_texts[chosen]
        used = np.unique(texts.indices)
        weighted = sparse.csr_matrix(query.multiply(self.idf))
        per_word = np.zeros(self.words_of_texts.shape[1], dtype=np.float32)
        per_word[used] = np.asarray((self.grams_of_words[used] @ weighted.T).todense()).ravel()
        dots = texts @ per_word
        norms = self.norms[chosen]
        cosines = np.zeros(len(chosen), dtype=np.float32)
        np.divide(dots, norms, out=cosines, where=norms > 0)
        return cosines


def _idf(frequency: npt.NDArray[np.float32], documents: int) -> npt.NDArray[np.float32]:
    idf: npt.NDArray[np.float32] = np.log((1.0 + documents) / (1.0 + frequency)).astype(np.float32)
    return idf + np.float32(1.0)


class WordAlignment:
    """The entries' claim and title words as word-vector rows, to align a claim's words with.

    A word is each text's distinct lower-cased word that the vectors know, stop words aside.
    The rows of all entries are kept in one array per field with each entry's offsets, not
    one small array per entry, which at 100,000 entries would cost more than the rows.
    """

    FIELDS = ("joined", "claim", "title")

    def __init__(self, fields: dict[str, list[str]], vectors: WordVectors | None = None) -> None:
        self.vectors = vectors or WordVectors.load()
        norms = np.linalg.norm(self.vectors.vectors, axis=1, keepdims=True)
        self.unit: npt.NDArray[np.float32] = (
            self.vectors.vectors / np.maximum(norms, 1e-12)
        ).astype(np.float32)
        claims = [self.rows(text) for text in fields["claim"]]
        titles = [self.rows(text) for text in fields["title"]]
        joined = [np.union1d(claim, title) for claim, title in zip(claims, titles, strict=True)]
        self.words: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]] = {}
        for name, texts in zip(self.FIELDS, (joined, claims, titles), strict=True):
            lengths = np.array([len(rows) for rows in texts], dtype=np.int64)
            offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
            values = np.concatenate(texts).astype(np.int32) if texts else np.zeros(0, np.int32)
            self.words[name] = (values, offsets)

    def rows(self, text: str) -> npt.NDArray[np.int32]:
        """The vector rows of the text's distinct known words, stop words aside (sorted)."""
        positions = self.vectors.positions
        known = {
            positions[word]
            for word in text_words(text)
            if word in positions and word not in STOP_WORDS
        }
        return np.array(sorted(known), dtype=np.int32)

    def shares(self, query: str, chosen: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        """Per chosen entry, :data:`ALIGNMENT_FEATURE_NAMES` (0 where a side has no known word).

        Each word of one side counts by the cosine to its nearest word of the other side,
        weighted by the vectors' word weights (rare words weigh more).
        """
        shares = np.zeros((len(chosen), 2 * len(self.FIELDS)), dtype=np.float32)
        query_rows = self.rows(query)
        if len(chosen) == 0 or len(query_rows) == 0:
            return shares
        query_unit = self.unit[query_rows]
        query_weight = self.vectors.weights[query_rows]
        for number, name in enumerate(self.FIELDS):
            values, offsets = self.words[name]
            lengths = offsets[chosen + 1] - offsets[chosen]
            present = lengths > 0
            if not present.any():
                continue
            gathered = np.concatenate(
                [values[offsets[entry] : offsets[entry + 1]] for entry in chosen[present]]
            )
            similarity = query_unit @ self.unit[gathered].T
            starts = np.concatenate([[0], np.cumsum(lengths[present])[:-1]])
            best_for_query = np.maximum.reduceat(similarity, starts, axis=1)
            shares[present, 2 * number] = (query_weight @ best_for_query) / query_weight.sum()
            entry_weight = self.vectors.weights[gathered]
            shares[present, 2 * number + 1] = np.add.reduceat(
                entry_weight * similarity.max(axis=0), starts
            ) / np.add.reduceat(entry_weight, starts)
        return shares


class EvidenceIndex:
    """The evidence entries ready for matching: BM25 indexes and inverse document frequencies.

    Built once per library (``EvidenceIndex.build``); matching many claims reuses it.
    ``word_vectors`` are those the word alignment reads (the shipped ones unless given).
    ``query_encoder`` encodes the claims matched (``encoder`` unless given): the same model
    without what ``encoder`` does for the entries, such as keeping their vectors in a store.
    """

    def __init__(
        self,
        entries: Sequence[Matchable],
        settings: MatchSettings,
        encoder: Encoder | None = None,
        word_vectors: WordVectors | None = None,
        query_encoder: Encoder | None = None,
    ) -> None:
        self.settings = settings
        self.ids = [entry.id for entry in entries]
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("evidence ids must be unique")
        self.fields = {
            name: [str(getattr(entry, name) or "") for entry in entries] for name in FIELDS
        }
        self.field_words = {
            name: [words(text, settings.stemmer) for text in texts]
            for name, texts in self.fields.items()
        }
        joined = [
            self.field_words["claim"][index]
            + self.field_words["title"][index]
            + self.field_words["subtitle"][index]
            for index in range(len(self.ids))
        ]
        self.joined = _Bm25(joined, settings)
        self.by_field = {
            name: _Bm25(self.field_words[name], settings)
            for name in FIELDS
            if any(self.fields[name])
        }
        # Word idf (natural log, smoothed) over the joined words, for coverage and cosines.
        frequency: Counter[str] = Counter()
        for document in joined:
            frequency.update(set(document))
        self.word_frequency = frequency
        self.size = len(self.ids)
        # An entry worded as an earlier one in every field (case, spaces, quotes and other
        # punctuation aside) is the same fact-check added twice, often from two sources.
        # Listing both would fill the claim's k matches with copies, so a candidate stands
        # for its first copy, and the later copies are named with it. On CLEF 2020, where
        # 180 entries of the collection come again (181 later copies), 189 train tweets are
        # judged on one of them, 184 on the first copy (bench.matching's ``copies``).
        first: dict[tuple[str, ...], int] = {}
        self.first_copy = np.array(
            [
                first.setdefault(_wording(entry), position) if settings.fold_copies else position
                for position, entry in enumerate(entries)
            ],
            dtype=np.int64,
        )
        self.later_copies: dict[int, list[int]] = {}
        for position in np.flatnonzero(self.first_copy != np.arange(self.size)):
            self.later_copies.setdefault(int(self.first_copy[position]), []).append(int(position))
        self._char = _hashing_vectorizer("char_wb", settings.char_ngrams, settings.char_bits)
        # Each field's words, counted once for the n-grams' document frequency (an entry's
        # n-grams are its fields' words') and for the claims' character cosines.
        by_field, vocabulary = words_of_texts(*(self.fields[name] for name in FIELDS))
        grams_of_words = char_grams_of_words(self._char, vocabulary)
        all_fields = by_field[0] + by_field[1] + by_field[2]
        self.char_idf = (
            _idf(_document_frequency(all_fields, grams_of_words), self.size)
            if self.size
            else np.ones(2**settings.char_bits, dtype=np.float32)
        )
        self.claim_char_grams = CharGramTexts(
            by_field[FIELDS.index("claim")], grams_of_words, self.char_idf
        )
        self.alignment: WordAlignment | None = (
            WordAlignment(self.fields, word_vectors) if settings.word_alignment else None
        )
        self.encoder: Encoder | None = None
        self.claim_vectors: npt.NDArray[np.float32] | None = None
        self.title_vectors: npt.NDArray[np.float32] | None = None
        if settings.dense:
            self.encoder = encoder or encoder_for(settings)
            self.claim_vectors = _encoded(self.encoder, self.fields["claim"])
            self.title_vectors = _encoded(self.encoder, self.fields["title"])
            self.encoder = query_encoder or self.encoder

    def char_vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Texts as unit-length, idf-weighted vectors of their hashed character n-grams."""
        return _unit_rows(self._char.transform(texts).multiply(self.char_idf).tocsr())

    @classmethod
    def build(
        cls,
        entries: Iterable[Matchable],
        settings: MatchSettings | None = None,
        encoder: Encoder | None = None,
        query_encoder: Encoder | None = None,
    ) -> EvidenceIndex:
        """Index the entries (their ids must be unique); settings default to the shipped model's."""
        settings = settings or MatchingModel.load().settings
        return cls(list(entries), settings, encoder, query_encoder=query_encoder)

    def query_text(self, text: str) -> str:
        """The claim as the model reads it: run-together words spelled apart when it asks so."""
        return self.spelled_apart(text) if self.settings.split_run_together else text

    def spelled_apart(self, text: str) -> str:
        """The text followed by the parts of each run-together word the library lacks.

        A lower-case hashtag or a joined name ("cornflakes", "fyrefestival", "georgesoros")
        shares no word with the fact-check that writes it apart. A word the library does not
        have is split where both parts are words it has (neither a stop word, each at least
        three letters), at the split whose rarer part is the most common: the likeliest
        reading. The word itself stays, so nothing the claim says is lost.
        """
        stemmer = _stemmer(self.settings.stemmer)
        parts: list[str] = []
        for word in dict.fromkeys(match.lower() for match in _LETTERS.findall(text)):
            if stemmer.stemWord(word) in self.word_frequency:
                continue
            splits = [
                (word[:cut], word[cut:])
                for cut in range(_SHORTEST_PART, len(word) - _SHORTEST_PART + 1)
                if word[:cut] not in STOP_WORDS and word[cut:] not in STOP_WORDS
            ]
            best: tuple[int, str, str] | None = None
            for first, second in splits:
                support = min(
                    self.word_frequency.get(stemmer.stemWord(first), 0),
                    self.word_frequency.get(stemmer.stemWord(second), 0),
                )
                if support > 0 and (best is None or support > best[0]):
                    best = (support, first, second)
            if best is not None:
                parts.extend(best[1:])
        return f"{text} {' '.join(parts)}" if parts else text

    def dense_scores(self, query_vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Each entry's embedding cosine to the claim: the higher of its claim's and title's."""
        if self.claim_vectors is None or self.title_vectors is None:
            raise ValueError("this index was built without embeddings")
        claim: npt.NDArray[np.float32] = self.claim_vectors @ query_vector
        title: npt.NDArray[np.float32] = self.title_vectors @ query_vector
        return np.maximum(claim, title)

    def word_idf(self, word: str) -> float:
        """Inverse document frequency of a stemmed word in the library (rare words weigh more)."""
        return math.log((1.0 + self.size) / (1.0 + self.word_frequency.get(word, 0))) + 1.0

    def candidates(
        self,
        query_words: list[str],
        count: int,
        query_vector: npt.NDArray[np.float32] | None = None,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """Candidates, best first, with their BM25 scores over the joined fields.

        At most ``count`` entries by BM25; an entry that shares no word with the claim is
        none of them. Given the claim's embedding, the ``dense_candidates`` entries nearest
        to it follow, those BM25 did not propose (their BM25 score is 0), when their cosine
        reaches ``dense_minimum`` (and is above 0: a claim without a known word has none).
        """
        scores = self.joined.scores(query_words)
        chosen = _top(scores, count)
        chosen = self._first_copies(chosen[scores[chosen] > 0])
        if query_vector is not None and self.settings.dense_candidates > 0:
            dense = self.dense_scores(query_vector)
            nearest = _top(dense, self.settings.dense_candidates)
            nearest = self._first_copies(
                nearest[dense[nearest] >= max(self.settings.dense_minimum, 1e-6)]
            )
            extra = nearest[~np.isin(nearest, chosen)]
            chosen = np.concatenate([chosen, extra])
        return chosen, scores[chosen]

    def _first_copies(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Each position replaced by its entry's first copy, once, in the given order."""
        copies = self.first_copy[positions]
        _, first_seen = np.unique(copies, return_index=True)
        return copies[np.sort(first_seen)]

    def duplicates(self, position: int) -> tuple[str, ...]:
        """The ids of the later entries worded as the entry at this position."""
        return tuple(self.ids[later] for later in self.later_copies.get(position, ()))

    def field_scores(
        self, name: str, query_words: list[str], chosen: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        """BM25 of one field for the chosen entries (0 when no entry has that field)."""
        index = self.by_field.get(name)
        if index is None:
            return np.zeros(len(chosen), dtype=np.float32)
        return index.scores(query_words)[chosen]


FEATURE_NAMES: tuple[str, ...] = (
    "bm25",
    "bm25_relative",
    "bm25_gap",
    "first_stage_reciprocal_rank",
    "bm25_claim",
    "bm25_claim_relative",
    "bm25_title",
    "bm25_title_relative",
    "bm25_subtitle",
    "char_cosine_claim",
    "word_cosine_claim",
    "word_cosine_title",
    "bigram_share_claim",
    "coverage_of_entry",
    "coverage_of_query",
    "fuzz_token_set_claim",
    "fuzz_partial_token_sort_claim",
    "fuzz_partial_claim",
    "fuzz_token_set_title",
    "fuzz_partial_title",
    "numbers_shared",
    "numbers_of_entry_in_query",
    "entry_numbers_missing",
    "names_jaccard",
    "names_of_entry_in_query",
    "years_shared",
    "query_words_log",
    "claim_words_log",
)


EMBEDDING_FEATURE_NAMES: tuple[str, ...] = (
    "dense_cosine_claim",
    "dense_cosine_title",
    "dense_relative",
    "dense_only",
)


# How much of one text the other covers, each word counted by its nearest word of the other
# text (cosine of the word vectors) and weighted by its rarity: of the claim by the entry's
# claim and title together, and by each alone, then the other way round.
ALIGNMENT_FEATURE_NAMES: tuple[str, ...] = (
    "aligned_share_of_query",
    "aligned_share_of_entry",
    "aligned_share_of_query_by_claim",
    "aligned_share_of_claim",
    "aligned_share_of_query_by_title",
    "aligned_share_of_title",
)


def feature_names(settings: MatchSettings) -> tuple[str, ...]:
    """The features a model with these settings reads, in order."""
    return (
        FEATURE_NAMES
        + (EMBEDDING_FEATURE_NAMES if settings.dense else ())
        + (ALIGNMENT_FEATURE_NAMES if settings.word_alignment else ())
    )


def _numbers(text: str) -> set[str]:
    return {match.replace(",", "") for match in _NUMBER.findall(text)}


def _names(text: str) -> set[str]:
    return {match.casefold() for match in _CAPITALISED.findall(text)}


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _weighted_cosine(query: Counter[str], entry: Counter[str], weight: dict[str, float]) -> float:
    shared = query.keys() & entry.keys()
    if not shared:
        return 0.0
    dot = sum(query[word] * entry[word] * weight[word] ** 2 for word in shared)
    query_norm = math.sqrt(sum((count * weight[word]) ** 2 for word, count in query.items()))
    entry_norm = math.sqrt(sum((count * weight[word]) ** 2 for word, count in entry.items()))
    return dot / (query_norm * entry_norm) if query_norm and entry_norm else 0.0


def _bigrams(stems: list[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(stems))


def candidate_features(
    index: EvidenceIndex,
    query: str,
    chosen: npt.NDArray[np.int64],
    first_stage: npt.NDArray[np.float32],
    query_vector: npt.NDArray[np.float32] | None = None,
) -> npt.NDArray[np.float32]:
    """One row of :func:`feature_names` per chosen entry (in the order of ``chosen``)."""
    from rapidfuzz import fuzz
    from rapidfuzz.utils import default_process

    settings = index.settings
    names = feature_names(settings)
    column = {name: number for number, name in enumerate(names)}
    rows = np.zeros((len(chosen), len(names)), dtype=np.float32)
    if len(chosen) == 0:
        return rows
    if index.alignment is not None:
        start = column[ALIGNMENT_FEATURE_NAMES[0]]
        rows[:, start : start + len(ALIGNMENT_FEATURE_NAMES)] = index.alignment.shares(
            query, chosen
        )
    if settings.dense:
        if query_vector is None or index.claim_vectors is None or index.title_vectors is None:
            raise ValueError("a model with embeddings needs the claim's embedding")
        claim_cosine = index.claim_vectors[chosen] @ query_vector
        rows[:, column["dense_cosine_claim"]] = claim_cosine
        rows[:, column["dense_cosine_title"]] = index.title_vectors[chosen] @ query_vector
        nearest = np.maximum(claim_cosine, rows[:, column["dense_cosine_title"]])
        rows[:, column["dense_relative"]] = nearest / (float(nearest.max()) or 1.0)
        rows[:, column["dense_only"]] = first_stage <= 0
    query_words = words(query, settings.stemmer)
    best = float(first_stage.max()) or 1.0  # dense-only candidates have a score of 0
    rows[:, column["bm25"]] = first_stage
    rows[:, column["bm25_relative"]] = first_stage / best
    rows[:, column["bm25_gap"]] = best - first_stage
    rows[:, column["first_stage_reciprocal_rank"]] = 1.0 / np.arange(1, len(chosen) + 1)
    for name in FIELDS:
        scores = index.field_scores(name, query_words, chosen)
        rows[:, column[f"bm25_{name}"]] = scores
        if f"bm25_{name}_relative" in column:
            rows[:, column[f"bm25_{name}_relative"]] = scores / (float(scores.max()) or 1.0)
    claims = [index.fields["claim"][entry] for entry in chosen]
    titles = [index.fields["title"][entry] for entry in chosen]
    subtitles = [index.fields["subtitle"][entry] for entry in chosen]
    # Character n-grams of query and claims in one hashed, idf-weighted, unit-length space.
    rows[:, column["char_cosine_claim"]] = index.claim_char_grams.cosines(
        index.char_vectors([query]), chosen
    )
    query_counts = Counter(query_words)
    query_bigrams = _bigrams(query_words)
    weight = {word: index.word_idf(word) for word in query_counts}
    query_weight = sum(weight[word] for word in query_counts) or 1.0
    query_numbers, query_names = _numbers(query), _names(query)
    query_years = set(_YEAR.findall(query))
    processed_query = default_process(query)
    for row, entry in enumerate(chosen):
        claim_words = index.field_words["claim"][entry]
        title_words = index.field_words["title"][entry]
        claim_counts, title_counts = Counter(claim_words), Counter(title_words)
        for word in claim_counts.keys() | title_counts.keys():
            if word not in weight:
                weight[word] = index.word_idf(word)
        values = {
            "word_cosine_claim": _weighted_cosine(query_counts, claim_counts, weight),
            "word_cosine_title": _weighted_cosine(query_counts, title_counts, weight),
            "claim_words_log": math.log1p(len(claim_words)),
        }
        claim_bigrams = _bigrams(claim_words)
        if claim_bigrams:
            values["bigram_share_claim"] = len(claim_bigrams & query_bigrams) / len(claim_bigrams)
        entry_words = set(claim_words) | set(title_words)
        entry_weight = sum(weight[word] for word in entry_words)
        if entry_weight:
            shared_weight = sum(weight[word] for word in entry_words if word in query_counts)
            values["coverage_of_entry"] = shared_weight / entry_weight
        values["coverage_of_query"] = (
            sum(weight[word] for word in query_counts if word in entry_words) / query_weight
        )
        processed_claim = default_process(claims[row])
        processed_title = default_process(titles[row])
        values["fuzz_token_set_claim"] = fuzz.token_set_ratio(processed_query, processed_claim)
        values["fuzz_partial_token_sort_claim"] = fuzz.partial_token_sort_ratio(
            processed_query, processed_claim
        )
        values["fuzz_partial_claim"] = fuzz.partial_ratio(processed_query, processed_claim)
        if processed_title:
            values["fuzz_token_set_title"] = fuzz.token_set_ratio(processed_query, processed_title)
            values["fuzz_partial_title"] = fuzz.partial_ratio(processed_query, processed_title)
        for name in (
            "fuzz_token_set_claim",
            "fuzz_partial_token_sort_claim",
            "fuzz_partial_claim",
            "fuzz_token_set_title",
            "fuzz_partial_title",
        ):
            if name in values:
                values[name] /= 100.0
        entry_text = f"{claims[row]} {titles[row]} {subtitles[row]}"
        entry_numbers = _numbers(entry_text)
        shared_numbers = entry_numbers & query_numbers
        values["numbers_shared"] = len(shared_numbers)
        if entry_numbers:
            values["numbers_of_entry_in_query"] = len(shared_numbers) / len(entry_numbers)
            values["entry_numbers_missing"] = float(bool(entry_numbers - query_numbers))
        entry_names = _names(entry_text)
        if entry_names or query_names:
            values["names_jaccard"] = len(entry_names & query_names) / len(
                entry_names | query_names
            )
        if entry_names:
            values["names_of_entry_in_query"] = len(entry_names & query_names) / len(entry_names)
        values["years_shared"] = len(set(_YEAR.findall(entry_text)) & query_years)
        for name, value in values.items():
            rows[row, column[name]] = value
    rows[:, column["query_words_log"]] = math.log1p(len(query_words))
    return rows


@dataclass
class MatchingModel:
    """The re-ranker: standardised features, linear weights, a logistic link to [0, 1]."""

    settings: MatchSettings
    feature_names: tuple[str, ...]
    mean: npt.NDArray[np.float32]
    scale: npt.NDArray[np.float32]
    weights: npt.NDArray[np.float32]
    bias: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path | None = None, embeddings: bool = False) -> MatchingModel:
        """The shipped model (cached), or the one saved in ``directory``.

        ``embeddings`` chooses the model that adds sentence embeddings (the extra).
        """
        if directory is None:
            return _packaged_model(embeddings)
        return cls._read(directory, embeddings)

    @classmethod
    def _read(cls, directory: Path | None, embeddings: bool) -> MatchingModel:
        name = EMBEDDINGS_ARTEFACT_NAME if embeddings else ARTEFACT_NAME
        arrays, meta = load_artefact(name, directory)
        settings = MatchSettings.from_json(meta["settings"])
        names = tuple(str(name) for name in meta["feature_names"])
        if names != feature_names(settings) or settings.embeddings != embeddings:
            raise ValueError(f"the {name} artefact was trained on other features; retrain it")
        return cls(
            settings=settings,
            feature_names=names,
            mean=arrays["mean"].astype(np.float32),
            scale=arrays["scale"].astype(np.float32),
            weights=arrays["weights"].astype(np.float32),
            bias=float(arrays["bias"][0]),
            meta=meta,
        )

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The arrays to save: plain float32 numbers."""
        return {
            "mean": self.mean.astype(np.float32),
            "scale": self.scale.astype(np.float32),
            "weights": self.weights.astype(np.float32),
            "bias": np.array([self.bias], dtype=np.float32),
        }

    def description(self) -> dict[str, Any]:
        """What the artefact's JSON says of the model itself."""
        return {"settings": asdict(self.settings), "feature_names": list(self.feature_names)}

    def score(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """The probability that each row's entry matches the claim, in [0, 1]."""
        standardised = (features - self.mean) / self.scale
        logits = np.asarray(standardised @ self.weights, dtype=np.float64) + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -60.0, 60.0)))


@functools.cache
def _packaged_model(embeddings: bool) -> MatchingModel:
    return MatchingModel._read(None, embeddings)


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(text)))
    return [(start, end) for start, end in spans if text[start:end].strip()]


def highlight(index: EvidenceIndex, entry: int, query_words: Sequence[str]) -> Highlight | None:
    """The sentence of the entry's fields whose words (idf-weighted) the claim shares most."""
    wanted = set(query_words)
    best: tuple[float, int, Highlight] | None = None
    for order, name in enumerate(FIELDS):
        text = index.fields[name][entry]
        for start, end in _sentence_spans(text):
            shared = set(words(text[start:end], index.settings.stemmer)) & wanted
            weight = sum(index.word_idf(word) for word in shared)
            # Equal weight: the earlier field (claim before title) and sentence win.
            key = (weight, -order)
            if best is None or key > best[:2]:
                best = (weight, -order, Highlight(name, start, end))
    if best is None or best[0] == 0.0:
        return None
    return best[2]


class Matcher:
    """Ranks the entries of one index against claims with one re-ranker."""

    def __init__(self, index: EvidenceIndex, model: MatchingModel | None = None) -> None:
        self.index = index
        self.model = model or MatchingModel.load(embeddings=index.settings.embeddings)
        ours, theirs = self.model.settings, index.settings
        if (ours.embeddings, ours.word_vectors) != (theirs.embeddings, theirs.word_vectors):
            raise ValueError("the index and the model differ on embeddings or word vectors")

    def query_vectors(self, queries: Sequence[str]) -> list[npt.NDArray[np.float32] | None]:
        """The queries' embeddings when the model reads them (encoded in one batch)."""
        if self.index.encoder is None:
            return [None] * len(queries)
        return list(self.index.encoder([self.index.query_text(query) for query in queries]))

    def rank(
        self, query: str, query_vector: npt.NDArray[np.float32] | None = None
    ) -> list[tuple[int, float, int]]:
        """The candidates re-ranked: (entry position, score, first-stage rank), best first."""
        query = self.index.query_text(query)
        query_words = words(query, self.index.settings.stemmer)
        if not query_words:
            return []
        if query_vector is None and self.index.encoder is not None:
            query_vector = self.index.encoder([query])[0]
        chosen, first_stage = self.index.candidates(
            query_words, self.model.settings.candidates, query_vector
        )
        if len(chosen) == 0:
            return []
        features = candidate_features(self.index, query, chosen, first_stage, query_vector)
        scores = self.model.score(features)
        # Equal scores keep the first stage's order.
        order = np.lexsort((np.arange(len(chosen)), -scores))
        return [(int(chosen[place]), float(scores[place]), int(place) + 1) for place in order]

    def match(
        self, query: str, k: int = 5, query_vector: npt.NDArray[np.float32] | None = None
    ) -> list[Match]:
        """The k entries that share the most with the claim, best first."""
        query_words = words(self.index.query_text(query), self.index.settings.stemmer)
        ranked = self.rank(query, query_vector)[:k]
        return [
            Match(
                evidence_id=self.index.ids[entry],
                rank=rank,
                score=round(score, 4),
                first_stage_rank=first_stage_rank,
                highlight=highlight(self.index, entry, query_words),
                duplicates=self.index.duplicates(entry),
            )
            for rank, (entry, score, first_stage_rank) in enumerate(ranked, start=1)
        ]

    def match_all(self, queries: Sequence[str], k: int = 5) -> list[list[Match]]:
        """The matches of each claim, in order (embeddings, if any, encoded in one batch)."""
        vectors = self.query_vectors(queries)
        return [
            self.match(query, k, vector) for query, vector in zip(queries, vectors, strict=True)
        ]


RUN_TAG = "claimscope"
QUERY_BATCH = 256


def trec_run_lines(matcher: Matcher, queries: Iterable[Any], k: int = 5) -> Iterable[str]:
    """TREC run lines ``query_id Q0 evidence_id rank score claimscope``, best first.

    At most k lines a query: entries that share no word with it are never listed. Fields are
    tab-separated; ``queries`` holds objects with ``id`` and ``text`` (such as
    :class:`claimscope.evidence.queries.Query`).
    """
    pending = iter(queries)
    while batch := list(itertools.islice(pending, QUERY_BATCH)):
        found = matcher.match_all([query.text for query in batch], k)
        for query, matches in zip(batch, found, strict=True):
            for match in matches:
                yield (
                    f"{query.id}\tQ0\t{match.evidence_id}\t{match.rank}\t{match.score:.4f}"
                    f"\t{RUN_TAG}"
                )
