"""Text helpers shared by both models: tokens, sentences, names, word lists and hashing.

The word lists below are model features: a model is trained with them, so changing one
means retraining, which is why they live here and not in a user-editable data table.

Both models read a name as its type (``claimscope.text.names``): a technique span must not
get its label from which side, person or country it names, and the training data (articles
from partisan outlets about a few people and countries) would otherwise teach exactly that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher

from claimscope.text.names import PLACEHOLDERS

# Bounded quantifiers keep both patterns linear on adversarial text; a word longer than
# 64 characters is simply cut into several tokens.
TOKEN_PATTERN = re.compile(r"\w{1,64}(?:['’]\w{1,64})?|[^\w\s]")
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]{0,3}[ \t]{1,20}(?=[\"“‘'(\[]{0,3}[A-Z])")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


LEXICONS: dict[str, frozenset[str]] = {
    "flag": _word_set(
        "nation national nations patriot patriots patriotic patriotism country homeland "
        "american americans america flag freedom liberty sovereignty our we us people "
        "heritage founding fathers constitution motherland fatherland"
    ),
    "fear": _word_set(
        "threat threats danger dangerous fear afraid terror terrorist terrorists "
        "destroy destruction destroyed kill killing killed death deadly invasion invade "
        "crisis catastrophe disaster collapse attack attacks war violence violent chaos "
        "risk horrific horrifying nightmare doom"
    ),
    "doubt": _word_set(
        "allegedly alleged so-called supposedly claim claims claimed questionable "
        "doubt doubts dubious suspicious really why whether perhaps apparently "
        "purported purportedly unclear ?"
    ),
    "authority": _word_set(
        "according said says expert experts professor doctor dr. scientist scientists "
        "study studies report official officials spokesman spokesperson told stated "
        "declared chairman director president judge"
    ),
    "bandwagon": _word_set(
        "everyone everybody all majority millions most popular hitler nazi nazis "
        "fascist fascists communist communists stalin mao"
    ),
    "absolute": _word_set(
        "never always every all nothing everything nobody none only entire entirely "
        "completely totally absolutely ever forever worst best greatest biggest huge "
        "massive enormous unprecedented extremely utterly literally"
    ),
    "causal": _word_set(
        "because therefore thus hence so cause causes caused result results due "
        "consequence leads led responsible blame fault since"
    ),
    "either": _word_set("either or only choice choose unless nothing but no other"),
    "whatabout": _word_set(
        "what about hypocrisy hypocrite hypocrites hypocritical yet while double standard"
    ),
    "insult": _word_set(
        "idiot idiots stupid fool fools liar liars thug thugs radical radicals extremist "
        "extremists traitor traitors criminal criminals corrupt evil racist racists "
        "bigot bigots lunatic crazy insane puppet regime elite elites globalist "
        "globalists leftist leftists snowflake mob deranged"
    ),
    "cliche": _word_set(
        "period enough simply just end story matter fact move on deal with it whatever"
    ),
}


@dataclass(frozen=True)
class Token:
    """A token of the text: its characters and its place."""

    start: int
    end: int
    text: str
    sentence: int


MAX_SENTENCE_CHARS = 1000
"""A longer sentence is cut into pieces of at most this many characters, so that features
built over "the sentence around" a token or a span cost a bounded amount each (PTC's longest
line is 818 characters: its articles are unaffected)."""


@dataclass(frozen=True)
class Sentence:
    """A sentence: a line of the text, or a piece of a long line cut at sentence punctuation."""

    start: int
    end: int
    index: int
    cut: bool = False
    """Whether it ends where a sentence over MAX_SENTENCE_CHARS was cut, not at its end."""


def _bounded(start: int, end: int, text: str) -> list[tuple[int, int, bool]]:
    """A piece of text cut at whitespace into parts of at most MAX_SENTENCE_CHARS."""
    parts: list[tuple[int, int, bool]] = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        space = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit)
        cut = space + 1 if space >= 0 else limit
        parts.append((start, cut, True))
        start = cut
    parts.append((start, end, False))
    return parts


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of a text: PTC gives one per line; longer lines are cut at . ! or ?,
    and what is still longer than MAX_SENTENCE_CHARS at whitespace."""
    pieces: list[tuple[int, int, bool]] = []
    offset = 0
    for line in text.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        if not line.strip():
            continue
        piece_start = line_start
        for match in SENTENCE_END.finditer(line):
            cut = line_start + match.end()
            pieces.extend(_bounded(piece_start, cut, text))
            piece_start = cut
        pieces.extend(_bounded(piece_start, line_end, text))
    kept = [piece for piece in pieces if text[piece[0] : piece[1]].strip()]
    return [Sentence(start, end, index, cut) for index, (start, end, cut) in enumerate(kept)]


def tokenize(text: str, sentences: Sequence[Sentence] | None = None) -> list[Token]:
    """The tokens of a text, each with the index of its sentence."""
    tokens: list[Token] = []
    for sentence in sentences if sentences is not None else split_sentences(text):
        for match in TOKEN_PATTERN.finditer(text, sentence.start, sentence.end):
            tokens.append(Token(match.start(), match.end(), match.group(), sentence.index))
    return tokens


Name = tuple[int, int, str]
"""A name in the text: ``(start, end, label)`` with a label among ``PLACEHOLDERS``."""


def disjoint_names(names: Iterable[Name]) -> tuple[Name, ...]:
    """The names with a placeholder, sorted and without overlaps (the earlier, then the
    longer wins, as in ``claimscope.text.names.masked``), so both ends increase."""
    kept: list[Name] = []
    for name in sorted(names, key=lambda item: (item[0], -item[1], item[2])):
        start, end, label = name
        if label not in PLACEHOLDERS or end <= start or (kept and start < kept[-1][1]):
            continue
        kept.append(name)
    return tuple(kept)


def tokens_with_names(tokens: Sequence[Token], names: Sequence[Name]) -> list[Token]:
    """The tokens with each name read as its type: the tokens of one sentence that overlap a
    name become one token reading its placeholder, over their characters (offsets stay those
    of the text). One token whatever the name's length, so that "Trump" and "Hillary Clinton"
    leave the same neighbours, sentence length and positions. ``names`` as from
    :func:`disjoint_names`."""
    if not names:
        return list(tokens)
    result: list[Token] = []
    position = 0
    # The (name index, sentence) of the last token appended when that token is a name.
    current: tuple[int, int] | None = None
    for token in tokens:
        while position < len(names) and names[position][1] <= token.start:
            position += 1
        if position == len(names) or names[position][0] >= token.end:
            result.append(token)
            current = None
            continue
        key = (position, token.sentence)
        if current == key:
            previous = result[-1]
            result[-1] = Token(previous.start, token.end, previous.text, previous.sentence)
        else:
            result.append(
                Token(token.start, token.end, PLACEHOLDERS[names[position][2]], token.sentence)
            )
            current = key
    return result


def lexicon_hits(words: Iterable[str]) -> list[str]:
    """The names of the word lists that the (lowercased) words hit, once per hit."""
    return [name for word in words for name, members in LEXICONS.items() if word in members]


def word_shape(word: str) -> str:
    """A coarse shape: X for upper, x for lower, d for digit, other characters kept; runs cut."""
    shape: list[str] = []
    for character in word[:12]:
        if character.isupper():
            symbol = "X"
        elif character.islower():
            symbol = "x"
        elif character.isdigit():
            symbol = "d"
        else:
            symbol = character
        if not shape or shape[-1] != symbol:
            shape.append(symbol)
    return "".join(shape)


def make_hasher(bits: int) -> FeatureHasher:
    """A feature hasher: murmurhash, so the same strings always give the same columns."""
    return FeatureHasher(n_features=2**bits, input_type="string", alternate_sign=False)


def hash_rows(bits: int, rows: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Hashed binary-count rows for lists of feature strings."""
    matrix: sparse.csr_matrix = make_hasher(bits).transform(rows).tocsr()
    matrix.data = np.minimum(matrix.data, 3.0)
    return matrix


def sparse_weights(matrix: npt.NDArray[np.float64]) -> dict[str, npt.NDArray[Any]]:
    """A weight matrix (classes × columns) stored as its non-zero columns and their values."""
    columns = np.flatnonzero(np.any(matrix != 0.0, axis=0)).astype(np.int32)
    return {"columns": columns, "values": matrix[:, columns].astype(np.float32)}


def dense_weights(
    arrays: dict[str, npt.NDArray[Any]], rows: int, width: int
) -> npt.NDArray[np.float32]:
    """The weight matrix back from its non-zero columns."""
    matrix = np.zeros((rows, width), dtype=np.float32)
    matrix[:, arrays["columns"]] = arrays["values"]
    return matrix
