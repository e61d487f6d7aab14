"""MinHash signatures, banding and clusters: the near-duplicate machinery of the corpus."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from claimscope.corpus.minhash import (
    MinHashSettings,
    UnionFind,
    _split_words,
    candidate_pairs,
    clusters,
    estimated_jaccard,
    normalized_words,
    shingle_hashes,
    shingle_sequence,
    signatures,
    signatures_of_ranges,
    similar_pairs,
    text_words,
    word_hashes,
    words_hashes,
)

BASE = (
    "The ministry said on Tuesday that the new border crossing would open in March, "
    "allowing trucks carrying food and medicine to reach the region for the first time "
    "since the road was closed two years ago, according to officials in the capital."
)


def exact_jaccard(first: str, second: str, size: int = 5) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = normalized_words(text)
        return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}

    a, b = shingles(first), shingles(second)
    return len(a & b) / len(a | b)


def test_words_are_normalised_before_shingling() -> None:
    assert normalized_words("Ｔhe  MINISTRY, said: “ﬁne”!") == ["the", "ministry", "said", "fine"]
    same = shingle_hashes(normalized_words("A b, c d e f."), 5)
    assert np.array_equal(same, shingle_hashes(normalized_words("a B c D e F"), 5))
    assert len(same) == 2
    assert len(shingle_hashes(["short"], 5)) == 1
    assert len(shingle_hashes([], 5)) == 0


def test_estimates_follow_the_exact_jaccard() -> None:
    words = BASE.split()
    variants = [
        BASE,
        " ".join(words[:20]),
        " ".join([*words[:10], "entirely", *words[11:]]),
        " ".join(words[::-1]),
        "Completely unrelated text about football scores and the weather in another city.",
    ]
    rows = signatures([BASE, *variants], MinHashSettings(permutations=512, bands=128))
    for index, variant in enumerate(variants, start=1):
        exact = exact_jaccard(BASE, variant)
        # Four standard errors of a 512-permutation estimate.
        tolerance = 4 * max(0.01, (exact * (1 - exact) / 512) ** 0.5)
        assert abs(estimated_jaccard(rows[0], rows[index]) - exact) <= tolerance, variant


def test_signatures_do_not_depend_on_the_process() -> None:
    # Python's own hash() changes with PYTHONHASHSEED; the signatures must not.
    here = signatures([BASE])[0].tolist()
    code = (
        "import json, sys; from claimscope.corpus.minhash import signatures; "
        "print(json.dumps(signatures([sys.argv[1]])[0].tolist()))"
    )
    environment = dict(os.environ, PYTHONHASHSEED="12345")
    completed = subprocess.run(
        [sys.executable, "-c", code, BASE],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    assert json.loads(completed.stdout) == here


def test_a_text_without_words_matches_nothing() -> None:
    rows = signatures(["", "...", BASE])
    assert estimated_jaccard(rows[0], rows[1]) == 0.0
    assert similar_pairs(rows) == []


def test_buckets_are_linked_as_stars() -> None:
    keys = np.array(
        [[1, 10], [1, 11], [1, 12], [2, 12], [3, 13]],
        dtype=np.uint64,
    )
    assert candidate_pairs(keys).tolist() == [[0, 1], [0, 2], [2, 3]]


def test_union_find_groups() -> None:
    sets = UnionFind(6)
    sets.union(4, 5)
    sets.union(0, 2)
    sets.union(2, 4)
    assert sets.groups() == [[0, 2, 4, 5]]


def test_near_duplicates_cluster_and_unrelated_texts_stay_apart() -> None:
    words = BASE.split()
    texts = [
        BASE,
        "Officials said the news on Wednesday. " + BASE,  # a new lead
        BASE.replace("trucks", "lorries"),  # a changed word
        "Football: the home side won three to one on Saturday in front of a full stadium, "
        "their coach said, praising the defence and the young striker who scored twice.",
        " ".join(words[:12]) + " and nothing else is the same in this other story at all.",
    ]
    assert clusters(signatures(texts)) == [[0, 1, 2]]


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"shingle_words": 0}, "shingle_words"),
        ({"permutations": 100, "bands": 32}, "bands must divide"),
        ({"threshold": 0.0}, "threshold"),
        ({"permutations": 4096}, "permutations"),
    ],
)
def test_bad_settings_are_refused(keywords: dict[str, int | float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MinHashSettings(**keywords)  # type: ignore[arg-type]


def test_a_statement_embedded_in_another_article_is_found_with_its_span() -> None:
    from claimscope.corpus.duplicates import find_shared_texts

    statement = "\n\n".join(
        [
            "We, the undersigned organisations, call on the government to release the "
            "journalists detained since March and to drop every charge brought against them "
            "under the new security law.",
            "Their detention violates the country's own constitution and the international "
            "covenant it ratified, and it has already silenced the last independent newspaper "
            "in the northern provinces.",
            "We ask the United Nations special rapporteur to visit the prisons where they are "
            "held and to report publicly on the conditions of their detention without delay.",
        ]
    )
    original = "Press release\n\n" + statement + "\n\nSigned by forty organisations."
    lead = (
        "Rights groups on Monday renewed their appeal over the detained reporters, in a text "
        "published as the parliament opened its spring session in the capital this week."
    )
    framed = lead + "\n\nIn a joint statement the groups said:\n\n" + statement
    unrelated = (
        "The football club announced a new coach on Tuesday after a season in which the team "
        "lost eleven matches at home and finished in the lower half of the table again."
    )
    shared, groups = find_shared_texts([original, framed, unrelated])
    assert groups == [[0, 1]]
    (link,) = shared
    # The two articles differ as wholes; what they share is the statement's paragraphs.
    assert link.first_part.kind == "paragraph" and link.second_part.kind == "paragraph"
    first_text = original[link.first_part.start : link.first_part.end]
    assert first_text == framed[link.second_part.start : link.second_part.end]
    assert first_text in statement


@pytest.mark.parametrize(
    "text",
    [
        "Plain text, with punctuation: and 42 numbers.",
        "Straße in İstanbul … ﬁne — Ｔhe MINISTRY™ said ½ x² ŉ",  # characters that change length
        "Co\u0301rdoba and cafe\u0301 are not in NFC",  # composed by NFKC only
        "a\u00a0b…c  ß" + "x" * 70 + " done",  # a 70-letter run is cut into 64 + 6
        "",
        "!!! ...",
    ],
)
def test_text_words_are_the_normalised_words_with_their_spans(text: str) -> None:
    found = text_words(text)
    assert found.words == normalized_words(text)
    for word, start, end in zip(found.words, found.starts, found.ends, strict=True):
        # The span a word came from holds that word once normalised.
        assert word in normalized_words(text[start:end])


def test_words_within_a_span_are_a_slice() -> None:
    text = "One two three. Four five six."
    found = text_words(text)
    first, last = found.within(text.index("Four"), len(text))
    assert found.words[first:last] == ["four", "five", "six"]
    # A word cut by the span's edge is not inside it.
    assert found.words[slice(*found.within(1, len(text)))][0] == "two"
    assert found.within(5, 5) == (2, 2)  # inside "two": no word


def test_signatures_of_nested_ranges_equal_those_of_their_texts() -> None:
    settings = MinHashSettings()
    texts = [BASE, "Officials said the news on Wednesday. " + BASE, "short", ""]
    sequences = [shingle_sequence(word_hashes(normalized_words(text)), 5) for text in texts]
    values = np.concatenate(sequences)
    ends = np.cumsum([len(sequence) for sequence in sequences])
    starts = ends - [len(sequence) for sequence in sequences]
    # Every text, the first two together (a range holding two others), and an empty range.
    ranges = np.array([*zip(starts, ends, strict=True), (starts[0], ends[1]), (3, 3)])
    rows = signatures_of_ranges(values, ranges, settings)
    assert np.array_equal(rows[:4], signatures(texts, settings))
    assert np.array_equal(rows[4], np.minimum(rows[0], rows[1]))
    assert (rows[5] == np.iinfo(np.uint32).max).all()


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        # The published FNV-1a 64-bit test vectors (Fowler, Noll, Vo: "fnv_test_str").
        ("a", 0xAF63DC4C8601EC8C),
        ("foobar", 0x85944171F73967E8),
        # Worked by hand from the definition: offset 0xcbf29ce484222325, xor each UTF-8
        # byte then multiply by 0x100000001b3 modulo 2**64 ("é" is the bytes c3 a9).
        (
            "é",
            ((((0xCBF29CE484222325 ^ 0xC3) * 0x100000001B3) % 2**64 ^ 0xA9) * 0x100000001B3)
            % 2**64,
        ),
    ],
)
def test_word_hashes_are_fnv1a_of_the_utf8_bytes(word: str, expected: int) -> None:
    assert int(word_hashes([word])[0]) == expected
    # The same word anywhere in a batch, between words of other lengths, hashes the same.
    batch = word_hashes(["x", word, "a" * 64, word, "日本"])
    assert int(batch[1]) == int(batch[3]) == expected


def test_batch_word_hashes_follow_each_text_in_order() -> None:
    texts = ["Alpha beta, gamma!", "", "ÉCOLE école 𝐀𝐁 x²", "beta"]
    found = [text_words(text) for text in texts]
    hashes = words_hashes(found)
    expected = np.concatenate([word_hashes(item.words) for item in found])
    assert np.array_equal(hashes, expected)
    assert len(hashes) == 3 + 0 + 4 + 1
    # "école" and "ÉCOLE" fold to one word; "beta" in two texts is one hash.
    assert hashes[3] == hashes[4] and hashes[1] == hashes[7]


def test_words_are_cut_where_the_regex_cuts_them() -> None:
    # The numpy split of a normalised text must find exactly the spans of [^\W_]{1,64},
    # for every character of the first plane and a sample of the others.
    samples = [*range(0x10000), *range(0x10000, 0x110000, 97), 0x1D400, 0x1F600, 0x10428]
    text = "".join(chr(code) for code in samples) + " " + "x" * 130 + " y"
    found = _split_words(text)
    expected = [match.span() for match in re.finditer(r"[^\W_]{1,64}", text)]
    assert list(zip(found.starts.tolist(), found.ends.tolist(), strict=True)) == expected
    # The run of 130 letters is three words: 64, 64 and 2 letters.
    assert [len(word) for word in found.words[-4:]] == [64, 64, 2, 1]


def _reference_signature(text: str, settings: MinHashSettings) -> list[int]:
    """The signature scheme written out in plain Python, one shingle and one hash at a
    time: words by the regex, FNV-1a of their UTF-8 bytes, the polynomial shingle hash,
    then per permutation the top 32 bits of the least (a * x + b) mod 2**64."""
    from claimscope.corpus import minhash

    mask = 2**64 - 1
    words = normalized_words(text)
    word_values = []
    for word in words:
        value = 0xCBF29CE484222325
        for byte in word.encode("utf-8"):
            value = ((value ^ byte) * 0x100000001B3) & mask
        word_values.append(value)
    size = min(settings.shingle_words, len(word_values))
    shingles = []
    for first in range(len(word_values) - size + 1):
        combined = 0
        for value in word_values[first : first + size]:
            combined = (combined * 0x9E3779B97F4A7C15 + value) & mask
        shingles.append(combined)
    signature = []
    for permutation in range(settings.permutations):
        multiplier = int(minhash._MULTIPLIERS[permutation])
        offset = int(minhash._OFFSETS[permutation])
        least = min(((multiplier * shingle + offset) & mask) for shingle in shingles)
        signature.append(least >> 32)
    return signature


@pytest.mark.parametrize(
    "text",
    [
        BASE,
        "Straße in İstanbul … ﬁne — Ｔhe MINISTRY™ said ½ x² ŉ, 𝐀𝐁𝐂 and 日本語 too",
        "three short words",
    ],
)
def test_signatures_follow_the_scheme_stored_signatures_were_made_with(text: str) -> None:
    # Stored signatures stay comparable only while the scheme is unchanged: the fast
    # vectorised code must give what the scheme, computed the slow way, gives.
    settings = MinHashSettings(permutations=32, bands=8)
    assert signatures([text], settings)[0].tolist() == _reference_signature(text, settings)
